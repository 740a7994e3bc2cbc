package sqlstore

import (
	"bytes"
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestStore creates an empty programme in a temp dir (on the test
// server, when there is one).
func newTestStore(t *testing.T) *Store {
	t.Helper()
	if onServer() {
		return createTestStore(t, newServerDatabase(t, ""))
	}
	return newFileStore(t)
}

// newFileStore creates an empty programme in a SQLite file whichever store
// the tests run against, for tests about what a file holds (a backup's
// database is one).
func newFileStore(t *testing.T) *Store {
	t.Helper()
	return createTestStore(t, filepath.Join(t.TempDir(), "test.db"))
}

func createTestStore(t *testing.T, where string) *Store {
	t.Helper()
	s, err := Create(context.Background(), where)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// userWithRole adds a user holding role (none for "") and returns them as
// signed in; tests act as them to check what each role may do.
func userWithRole(t *testing.T, s *Store, role string) model.User {
	t.Helper()
	if role == "" {
		return model.User{Username: "nobody"}
	}
	ctx := context.Background()
	name := fmt.Sprintf("%s-%d", role, time.Now().UnixNano())
	u, err := s.CreateUser(ctx, model.LocalUser(), model.NewUser{Username: name, DisplayName: "Test " + role, Role: role, Password: "password-" + role})
	if err != nil {
		t.Fatalf("add a %s: %v", role, err)
	}
	return u
}

// namedUser adds a user called name holding role.
func namedUser(t *testing.T, s *Store, name, role string) model.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), model.LocalUser(), model.NewUser{Username: name, DisplayName: name, Role: role, Password: "password-" + name})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return u
}

func TestCreateMigratesFromEmpty(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != KnownSchemaVersion() || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, KnownSchemaVersion())
	}
	for _, table := range []string{"programme", "cohorts", "hosts", "people", "trainers", "organisers",
		"modules", "courses", "sessions", "attendance", "module_completions", "units", "learning_outcomes",
		"criteria", "qualifications", "qualification_groups", "evidence_items", "evidence_files",
		"evidence_criteria", "assessment_decisions", "iv_samples", "claims", "certificates", "users", "audit_log"} {
		q := `SELECT count(*) FROM sqlite_master WHERE name = $1`
		if s.pg {
			q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
		}
		var n int
		if err := s.db.QueryRowContext(ctx, q, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: found %d, %v", table, n, err)
		}
	}
	if s.pg {
		return
	}
	var fk, jm string
	s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&jm)
	if fk != "1" || jm != "wal" {
		t.Errorf("pragmas foreign_keys=%s journal_mode=%s; want 1, wal", fk, jm)
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	s := newTestStore(t)
	if _, err := Create(context.Background(), reopenPath(t, s)); !errors.Is(err, model.ErrExists) {
		t.Fatalf("Create(existing) = %v; want ErrExists", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "re.db")
	s, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO cohorts (number, created_at) VALUES (7, $1)`, model.Now()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var n int
	s2.db.QueryRowContext(ctx, `SELECT number FROM cohorts`).Scan(&n)
	if n != 7 {
		t.Fatalf("cohort number after reopen = %d; want 7", n)
	}
}

func TestOpenRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "notes.txt")
	os.WriteFile(notSQLite, []byte("these are my notes, not a database at all"), 0o600)

	newer := filepath.Join(dir, "newer.db")
	s, err := Create(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	cases := []struct {
		name, path string
		is         error
		says       string
	}{
		{"missing folder", filepath.Join(dir, "nope", "x.db"), nil, "does not exist"},
		{"missing file", filepath.Join(dir, "absent.db"), model.ErrNoDatabase, "cascade init"},
		{"not sqlite", notSQLite, model.ErrNotSQLite, "not a SQLite database"},
		{"newer schema", newer, model.ErrNewerSchema, "schema version 9999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			_, err := Open(ctx, c.path)
			if err == nil {
				t.Fatalf("Open(%s) succeeded; want refusal", c.path)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("Open = %v; want %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("Open = %q; want it to say %q", err, c.says)
			}
			after, _ := os.ReadFile(c.path)
			if string(before) != string(after) {
				t.Errorf("Open changed the file it refused")
			}
		})
	}
}

// TestOpenReadOnly: a file marked read-only opens for reading; every change
// says read-only and the file is unchanged.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)
	os.Chmod(path, 0o400)
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(read-only) = %v; want it opened for reading", err)
	}
	defer s.Close()
	if !s.ReadOnly() {
		t.Error("ReadOnly() = false for a file marked read-only")
	}
	if _, err := s.Summary(ctx); err != nil {
		t.Errorf("Summary on a read-only file: %v", err)
	}
	err = s.SaveSettings(ctx, model.LocalUser(), map[string]string{"backup.keep": "3"})
	if !errors.Is(err, model.ErrReadOnly) || strings.Contains(err.Error(), "\n") {
		t.Errorf("SaveSettings on a read-only file = %v; want one line saying read-only", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the read-only file changed")
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	entries, err := s.AuditLog(ctx, model.AuditFilter{Entity: "programme"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("AuditLog = %v, %v; want the create entry", entries, err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE audit_log SET actor = 'someone else'`); err == nil {
		t.Error("UPDATE audit_log succeeded; want refusal")
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("DELETE FROM audit_log succeeded; want refusal")
	}
}

// A connection the pool opens after the file has gone (a folder cleared
// while a screen was still loading, as a CI run caught) fails; it never
// leaves an empty database where the programme was.
func TestNewConnectionNeverMakesAMissingFile(t *testing.T) {
	sqliteOnly(t, "about the connections to a SQLite file")
	ctx := context.Background()
	s := newFileStore(t)
	path := s.Path()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	// Hold every idle connection so the next one must be opened afresh.
	var held []*sql.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	var err error
	for i := 0; i < 8 && err == nil; i++ {
		var c *sql.Conn
		if c, err = s.DB().Conn(ctx); err == nil {
			held = append(held, c)
			err = c.PingContext(ctx)
		}
	}
	if err == nil {
		t.Fatal("eight connections opened on a removed file; want the new one refused")
	}
	if _, serr := os.Stat(path); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("after a new connection on the removed file: stat %v; want it still missing", serr)
	}
}

// execOn runs one statement on db, failing t when it fails: the tests that
// build odd corners by hand write past the store's own methods.
func execOn(t *testing.T, db *sql.DB) func(q string, args ...any) {
	return func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// int64On reads one integer (an id, a count) from db, failing t when the
// read fails.
func int64On(t *testing.T, db *sql.DB) func(q string, args ...any) int64 {
	return func(q string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := db.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
}
