package sqlite

import (
	"cascade/model"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// audit appends one entry to the audit log inside the caller's transaction, so
// the entry lands exactly when the change does, naming the user who made it.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, by model.User, action, entity, id string, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.now().UTC().Format(time.RFC3339), by.Username, action, entity, id, b, a)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: %w", action, entity, id, err)
	}
	return nil
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// AuditChoices reads the distinct actions, entities and actors in the log.
func (s *Store) AuditChoices(ctx context.Context) (model.AuditChoices, error) {
	var ch model.AuditChoices
	for _, c := range []struct {
		query string
		into  *[]string
	}{
		{`SELECT DISTINCT action FROM audit_log ORDER BY action`, &ch.Actions},
		{`SELECT DISTINCT entity FROM audit_log ORDER BY entity`, &ch.Entities},
		{`SELECT DISTINCT actor FROM audit_log ORDER BY actor`, &ch.Actors},
	} {
		rows, err := s.db.QueryContext(ctx, c.query)
		if err != nil {
			return ch, fmt.Errorf("audit choices: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return ch, fmt.Errorf("audit choices: %w", err)
			}
			*c.into = append(*c.into, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return ch, fmt.Errorf("audit choices: %w", err)
		}
	}
	return ch, nil
}

// AuditLog lists entries newest first.
func (s *Store) AuditLog(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.Text != "" {
		args = append(args, "%"+f.Text+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(entity_id LIKE $%d OR before LIKE $%d OR after LIKE $%d)", n, n, n))
	}
	q := `SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	args = append(args, limit)
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
