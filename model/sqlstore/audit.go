package sqlstore

import (
	"cascade/model"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sealPrefix marks a before or after sealed with the subject's person key;
// what follows is base64 of the GCM nonce and ciphertext.
const sealPrefix = "sealed:v1:"

// ErasedText is what the audit log shows for details whose key erasure destroyed.
const ErasedText = "(erased)"

// execQuerier is what both *sql.DB and *sql.Tx offer for reading and writing.
type execQuerier interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// audit appends one entry to the audit log inside the caller's transaction, so
// the entry lands exactly when the change does, naming the user who made it.
// An entry about a person (an organiser, trainer, their evidence, decisions,
// certificates) has its before and after sealed with that person's key, so
// erasing the person leaves the entry in the chain but unreadable.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, by model.User, action, entity, id string, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	subject, err := auditSubject(ctx, tx, entity, id)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: find whom it is about: %w", action, entity, id, err)
	}
	if err := appendAudit(ctx, tx, s.now().UTC().Format(time.RFC3339), by.Username, action, entity, id, b, a, subject); err != nil {
		return fmt.Errorf("audit %s %s %s: %w", action, entity, id, err)
	}
	return nil
}

// appendAudit seals before and after for subject (0: nobody) and appends the
// row, chained to the last one. The caller's write transaction holds the
// database lock, so no other row can land between reading the last hash and
// writing this one.
func appendAudit(ctx context.Context, tx *sql.Tx, at, actor, action, entity, id, before, after string, subject int64) error {
	if subject != 0 {
		key, err := personKey(ctx, tx, subject, true)
		if err != nil {
			return err
		}
		if before, err = seal(key, before); err != nil {
			return err
		}
		if after, err = seal(key, after); err != nil {
			return err
		}
	}
	var last int64
	var prev sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read the last audit entry: %w", err)
	}
	row := auditRow{ID: last + 1, At: at, Actor: actor, Action: action, Entity: entity, EntityID: id,
		Before: before, After: after, Subject: subject}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before, after, subject_id, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		row.ID, at, actor, action, entity, id, before, after, nullIfZero(subject), row.hash(prev.String))
	return err
}

// auditRow is one stored audit entry as the chain hashes it.
type auditRow struct {
	ID                                                 int64
	At, Actor, Action, Entity, EntityID, Before, After string
	Subject                                            int64
	Hash                                               sql.NullString
}

// hash is the row's link in the chain: SHA-256 over the previous row's hash
// and every stored field, in a JSON array so no two rows encode alike.
func (r auditRow) hash(prev string) string {
	b, _ := json.Marshal([]any{"cascade-audit/1", prev, r.ID, r.At, r.Actor, r.Action, r.Entity, r.EntityID,
		r.Before, r.After, r.Subject})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// auditSubject finds the person an entry is about from what it names; 0 when
// it is about no one (a cohort, a setting, an import).
func auditSubject(ctx context.Context, q querier, entity, id string) (int64, error) {
	var query string
	arg := any(id)
	switch entity {
	case "people", "person", "equality_monitoring":
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return 0, nil
		}
		return n, nil
	case "organiser", "organisers":
		query = `SELECT person_id FROM organisers WHERE id = $1`
	case "trainer", "trainers":
		query = `SELECT person_id FROM trainers WHERE id = $1`
	case "evidence":
		query = `SELECT o.person_id FROM evidence_items e JOIN organisers o ON o.id = e.organiser_id WHERE e.id = $1`
	case "evidence_file":
		query = `SELECT o.person_id FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id
			JOIN organisers o ON o.id = e.organiser_id WHERE f.id = $1`
	case "assessment_decision":
		query = `SELECT o.person_id FROM assessment_decisions d JOIN organisers o ON o.id = d.organiser_id WHERE d.id = $1`
	case "unit_achievement": // ORGANISER/UNIT
		org, _, _ := strings.Cut(id, "/")
		query, arg = `SELECT person_id FROM organisers WHERE id = $1`, org
	case "iv_sample":
		query = `SELECT o.person_id FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id
			JOIN organisers o ON o.id = d.organiser_id WHERE s.id = $1`
	case "certificate":
		query = `SELECT person_id FROM certificates WHERE number = $1`
	case "user": // by id, or by user name for sign-ins
		query = `SELECT coalesce(person_id, 0) FROM users WHERE CAST(id AS TEXT) = $1 OR lower(username) = lower($1) ORDER BY id LIMIT 1`
	default:
		return 0, nil
	}
	// Every entity but certificates and users is keyed by an integer id:
	// an id that is none (an import's whole-file entry) names no one, and
	// PostgreSQL, unlike SQLite, refuses to compare it with an integer.
	if entity != "certificate" && entity != "user" {
		n, err := strconv.ParseInt(fmt.Sprint(arg), 10, 64)
		if err != nil {
			return 0, nil
		}
		arg = n
	}
	var pid int64
	err := q.QueryRowContext(ctx, query, arg).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return pid, err
}

// personKey reads the person's audit key, making one when create is set and
// there is none. No key and create unset returns nil: the person was erased.
func personKey(ctx context.Context, q execQuerier, person int64, create bool) ([]byte, error) {
	var key []byte
	err := q.QueryRowContext(ctx, `SELECT key FROM person_keys WHERE person_id = $1`, person).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read person %d's audit key: %w", person, err)
	}
	if !create {
		return nil, nil
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make person %d's audit key: %w", person, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO person_keys (person_id, key, created_at) VALUES ($1, $2, $3)`,
		person, key, model.Now()); err != nil {
		return nil, fmt.Errorf("store person %d's audit key: %w", person, err)
	}
	return key, nil
}

// seal encrypts text with AES-256-GCM; empty text stays empty.
func seal(key []byte, text string) (string, error) {
	if text == "" {
		return "", nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("seal audit entry: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("seal audit entry: %w", err)
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal audit entry: %w", err)
	}
	return sealPrefix + base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(text), nil)), nil
}

// unseal opens sealed text; plain text passes through, and sealed text with
// no key (erased) reads ErasedText.
func unseal(key []byte, text string) (string, error) {
	if !strings.HasPrefix(text, sealPrefix) {
		return text, nil
	}
	if key == nil {
		return ErasedText, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, sealPrefix))
	if err != nil {
		return "", fmt.Errorf("open sealed audit entry: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("open sealed audit entry: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("open sealed audit entry: %w", err)
	}
	if len(raw) < gcm.NonceSize() {
		return "", fmt.Errorf("open sealed audit entry: too short")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("open sealed audit entry: %w", err)
	}
	return string(plain), nil
}

// chainAuditLog seals and hashes, once, the rows written before the chain
// existed: those without a hash that come before the first hashed row. A
// row without a hash after a hashed one was not written by Cascade; check
// reports it rather than this making it look genuine.
func (s *Store) chainAuditLog(ctx context.Context) error {
	var pending bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE hash IS NULL
		AND id < coalesce((SELECT min(id) FROM audit_log WHERE hash IS NOT NULL), 9223372036854775807))`).Scan(&pending); err != nil {
		return fmt.Errorf("chain the audit log: %w", err)
	}
	if !pending {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := readAuditRows(ctx, tx, `WHERE id < coalesce((SELECT min(id) FROM audit_log WHERE hash IS NOT NULL), 9223372036854775807)`)
		if err != nil {
			return fmt.Errorf("chain the audit log: %w", err)
		}
		prev := ""
		for _, r := range rows {
			if r.Subject, err = auditSubject(ctx, tx, r.Entity, r.EntityID); err != nil {
				return fmt.Errorf("chain the audit log: row %d: %w", r.ID, err)
			}
			if r.Subject != 0 {
				key, err := personKey(ctx, tx, r.Subject, true)
				if err != nil {
					return err
				}
				if r.Before, err = seal(key, r.Before); err != nil {
					return err
				}
				if r.After, err = seal(key, r.After); err != nil {
					return err
				}
			}
			h := r.hash(prev)
			if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET before = $1, after = $2, subject_id = $3, hash = $4 WHERE id = $5`,
				r.Before, r.After, nullIfZero(r.Subject), h, r.ID); err != nil {
				return fmt.Errorf("chain the audit log: row %d: %w", r.ID, err)
			}
			prev = h
		}
		return nil
	})
}

// readAuditRows reads stored rows in id order, as stored.
func readAuditRows(ctx context.Context, q querier, where string, args ...any) ([]auditRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor, action, entity, entity_id, before, after,
		coalesce(subject_id, 0), hash FROM audit_log `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.ID, &r.At, &r.Actor, &r.Action, &r.Entity, &r.EntityID, &r.Before, &r.After, &r.Subject, &r.Hash); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
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

// AuditLog lists entries newest first, with sealed details opened (or shown
// as ErasedText when the person was erased). Text is matched against the
// opened details, so a search finds what the screen shows.
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
		// Sealed rows cannot be matched in SQL; they are opened and matched below.
		args = append(args, "%"+f.Text+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(entity_id LIKE $%d OR before LIKE $%d OR after LIKE $%d OR subject_id IS NOT NULL)", n, n, n))
	}
	q := `SELECT id, at, actor, action, entity, entity_id, before, after, coalesce(subject_id, 0) FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	if f.Text == "" {
		args = append(args, limit)
		q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	} else {
		q += " ORDER BY id DESC"
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	type sealed struct {
		entry   model.AuditEntry
		subject int64
	}
	var found []sealed
	for rows.Next() {
		var e sealed
		if err := rows.Scan(&e.entry.ID, &e.entry.At, &e.entry.Actor, &e.entry.Action, &e.entry.Entity,
			&e.entry.EntityID, &e.entry.Before, &e.entry.After, &e.subject); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		found = append(found, e)
		if f.Text == "" && len(found) >= limit {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	keys := map[int64][]byte{}
	needle := strings.ToLower(f.Text)
	var out []model.AuditEntry
	for _, e := range found {
		if e.subject != 0 {
			key, ok := keys[e.subject]
			if !ok {
				if key, err = personKey(ctx, s.db, e.subject, false); err != nil {
					return nil, fmt.Errorf("read audit log: %w", err)
				}
				keys[e.subject] = key
			}
			if e.entry.Before, err = unseal(key, e.entry.Before); err != nil {
				return nil, fmt.Errorf("read audit log entry %d: %w", e.entry.ID, err)
			}
			if e.entry.After, err = unseal(key, e.entry.After); err != nil {
				return nil, fmt.Errorf("read audit log entry %d: %w", e.entry.ID, err)
			}
		}
		if needle != "" && !strings.Contains(strings.ToLower(e.entry.EntityID+"\x00"+e.entry.Before+"\x00"+e.entry.After), needle) {
			continue
		}
		out = append(out, e.entry)
		if len(out) >= limit {
			break
		}
	}
	if err := s.nameAudit(ctx, out); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
