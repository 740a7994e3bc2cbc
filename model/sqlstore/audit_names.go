package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"cascade/model"
)

// nameQueries read the name a record of each kind goes by; $1 is its id.
var nameQueries = map[string]string{
	"organiser":     `SELECT p.given_name || ' ' || p.family_name FROM organisers o JOIN people p ON p.id = o.person_id WHERE o.id = $1`,
	"trainer":       `SELECT p.given_name || ' ' || p.family_name FROM trainers t JOIN people p ON p.id = t.person_id WHERE t.id = $1`,
	"person":        `SELECT given_name || ' ' || family_name FROM people WHERE id = $1`,
	"host":          `SELECT name FROM hosts WHERE id = $1`,
	"cohort":        `SELECT 'cohort ' || number FROM cohorts WHERE id = $1`,
	"course":        `SELECT title FROM courses WHERE id = $1`,
	"module":        `SELECT code || ' ' || title FROM modules WHERE id = $1`,
	"unit":          `SELECT code || ' ' || title FROM units WHERE id = $1`,
	"qualification": `SELECT code || ' ' || title FROM qualifications WHERE id = $1`,
	"user":          `SELECT display_name FROM users WHERE id = $1`,
	"claim":         `SELECT 'claim ' || reference FROM claims WHERE id = $1`,
	"evidence":      `SELECT 'evidence "' || title || '"' FROM evidence_items WHERE id = $1`,
}

// nameAudit fills each entry's Names: the actor's display name, what the
// entry is about and the names behind the ids its JSON holds. A record
// since deleted keeps its id in the sentence.
func (s *Store) nameAudit(ctx context.Context, entries []model.AuditEntry) error {
	actors := map[string]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT username, display_name FROM users`)
	if err != nil {
		return fmt.Errorf("name the actors: %w", err)
	}
	for rows.Next() {
		var u, d string
		if err := rows.Scan(&u, &d); err != nil {
			rows.Close()
			return fmt.Errorf("name the actors: %w", err)
		}
		actors[u] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("name the actors: %w", err)
	}
	cache := map[string]string{}
	name := func(kind string, id int64) (string, error) {
		q, ok := nameQueries[kind]
		if !ok || id <= 0 {
			return "", nil
		}
		key := kind + "/" + strconv.FormatInt(id, 10)
		if v, ok := cache[key]; ok {
			return v, nil
		}
		var v string
		if err := s.db.QueryRowContext(ctx, q, id).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("name %s %d: %w", kind, id, err)
		}
		cache[key] = v
		return v, nil
	}
	for i := range entries {
		e := &entries[i]
		e.Names.Actor = actors[e.Actor]
		if id, err := strconv.ParseInt(e.EntityID, 10, 64); err == nil {
			if e.Names.Subject, err = name(e.Entity, id); err != nil {
				return err
			}
		}
		for key, id := range model.AuditRefs(*e) {
			field := key[:len(key)-len(strconv.FormatInt(id, 10))-1]
			v, err := name(model.AuditRefKinds[field], id)
			if err != nil {
				return err
			}
			if v != "" {
				if e.Names.Refs == nil {
					e.Names.Refs = map[string]string{}
				}
				e.Names.Refs[key] = v
			}
		}
	}
	return nil
}
