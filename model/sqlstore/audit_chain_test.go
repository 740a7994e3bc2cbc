package sqlstore

import (
	"cascade/model"
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestAuditChainBackfillsOlderLog: a programme made before the chain (schema
// 30) with entries naming a person is opened by this version: every entry is
// hashed in order, the person's details are sealed with their key, the log
// still reads as it did, check passes, and the rows are append-only again.
func TestAuditChainBackfillsOlderLog(t *testing.T) {
	sqliteOnly(t, "schema 30 exists only in the SQLite tree; the PostgreSQL tree starts at 90, with the chain")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := openRawSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations/sqlite")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 30); err != nil {
		t.Fatalf("migrate to 30: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO programme (id, name, created_at) VALUES (1, 'Old', '2012-01-01T00:00:00Z')`,
		`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES (7, 'Oswin', 'Quarrington', 'oswin@example.org', 'x', 'x')`,
		`INSERT INTO organisers (id, person_id, role, created_at, updated_at) VALUES (3, 7, 'senior', 'x', 'x')`,
		`INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ('2012-01-01T00:00:00Z', 'os:me', 'create', 'programme', '1', '', '{"path":"old.db"}')`,
		`INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ('2012-01-02T00:00:00Z', 'admin', 'create', 'organiser', '3', '', '{"GivenName":"Oswin","FamilyName":"Quarrington"}')`,
		`INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ('2012-01-03T00:00:00Z', 'admin', 'update', 'cohort', '1', '{"Number":1}', '{"Number":2}')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open older programme: %v", err)
	}
	defer s.Close()
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE hash IS NULL`); n != 0 {
		t.Errorf("%d entries left without a hash", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE after LIKE '%Quarrington%'`); n != 0 {
		t.Error("the person's details are still in the log in plain text")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE subject_id = 7 AND after LIKE 'sealed:v1:%'`); n != 1 {
		t.Errorf("sealed entries about person 7 = %d; want 1", n)
	}
	entries, err := s.AuditLog(ctx, model.AuditFilter{Text: "quarrington"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"FamilyName":"Quarrington"`) {
		t.Errorf("AuditLog(Text) = %+v, %v; want the organiser's entry, opened", entries, err)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check after backfill = %v, %v", r.Problems, err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE audit_log SET actor = 'x' WHERE id = 1`); err == nil {
		t.Error("a backfilled entry could be updated; want the log append-only")
	}
	// A new entry chains on, and opening again changes nothing.
	if err := s.SaveSettings(ctx, model.LocalUser(), map[string]string{"centre.name": "Old Centre"}); err != nil {
		t.Fatal(err)
	}
	var last string
	s.db.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&last)
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var again string
	s2.db.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&again)
	if again != last || last == "" {
		t.Errorf("last hash %q after reopening; was %q", again, last)
	}
	if r, err := s2.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check after reopening = %v, %v", r.Problems, err)
	}
}
