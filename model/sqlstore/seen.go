package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A form's Seen pairs the audit log's newest id when it read a record with a
// fingerprint of the record's editable fields. A save compares the
// fingerprint with the record as it is inside the write transaction, which
// holds the write lock, so nothing lands between the check and the write.
// Comparing the record itself (not only its audit entries) catches a change
// from any path, an import or an erasure included; the mark then narrows the
// audit log to the entries since the form read it, to say who and when.

// auditMark is the newest audit entry's id, read before a record so a
// change landing in between is after the mark.
func auditMark(ctx context.Context, q rowQuerier) (int64, error) {
	var mark int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&mark); err != nil {
		return 0, fmt.Errorf("read the audit mark: %w", err)
	}
	return mark, nil
}

// seenAs is the Seen a form gets with a record whose editable fields are v.
func seenAs(mark int64, v any) model.Seen { return model.Seen{Mark: mark, Sum: model.Fingerprint(v)} }

// auditKey names a record's entries in the audit log.
type auditKey struct{ entity, id string }

// checkSeen compares a save with what its form saw. current is the record's
// editable fields as stored now and submitted what the save would store.
// Unchanged since the form read it: go ahead. Changed since, but the form
// submits exactly what it read (the user changed nothing): skip, a no-op
// that writes and audits nothing, rather than putting the old values back.
// Otherwise a *model.ChangedError naming the newest audit entry for keys (or
// about subject, a person id) since the form's mark.
func (s *Store) checkSeen(ctx context.Context, tx *sql.Tx, seen model.Seen, current, submitted any,
	subject int64, keys ...auditKey) (skip bool, err error) {
	if seen.IsZero() || model.Fingerprint(current) == seen.Sum {
		return false, nil
	}
	if model.Fingerprint(submitted) == seen.Sum {
		return true, nil
	}
	return false, s.changedSince(ctx, tx, seen.Mark, subject, keys)
}

// changedSince builds the refusal from the newest audit entry after mark
// that names one of keys, or failing that is about subject.
func (s *Store) changedSince(ctx context.Context, tx *sql.Tx, mark, subject int64, keys []auditKey) error {
	ce := &model.ChangedError{Now: s.now()}
	var actor, at string
	var err error = sql.ErrNoRows
	if len(keys) > 0 {
		var or []string
		args := []any{mark}
		for _, k := range keys {
			or = append(or, fmt.Sprintf("(entity = $%d AND entity_id = $%d)", len(args)+1, len(args)+2))
			args = append(args, k.entity, k.id)
		}
		err = tx.QueryRowContext(ctx, `SELECT actor, at FROM audit_log WHERE id > $1 AND (`+strings.Join(or, " OR ")+`)
			ORDER BY id DESC LIMIT 1`, args...).Scan(&actor, &at)
	}
	if errors.Is(err, sql.ErrNoRows) && subject != 0 {
		err = tx.QueryRowContext(ctx, `SELECT actor, at FROM audit_log WHERE id > $1 AND subject_id = $2
			ORDER BY id DESC LIMIT 1`, mark, subject).Scan(&actor, &at)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ce // changed by a path that left no entry naming it: say so without a name
	case err != nil:
		return fmt.Errorf("find who changed it: %w", err)
	}
	ce.By = actor
	if t, perr := time.Parse(time.RFC3339, at); perr == nil {
		ce.At = t
	}
	return ce
}
