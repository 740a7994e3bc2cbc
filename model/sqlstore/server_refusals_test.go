package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// serverTables lists the tables of the database at dsn, to show a refusal
// changed nothing.
func serverTables(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

// TestServerRefusals: each way a server can be wrong gets one clear line
// and changes nothing there.
func TestServerRefusals(t *testing.T) {
	if !onServer() {
		t.Skip("needs a PostgreSQL server: set " + testServerEnv)
	}
	ctx := context.Background()

	t.Run("unreachable", func(t *testing.T) {
		start := time.Now()
		_, err := Open(ctx, "postgres://cascade@127.0.0.1:1/cascade?sslmode=disable&connect_timeout=5")
		if err == nil || !strings.Contains(err.Error(), "cannot reach a PostgreSQL server at 127.0.0.1:1") {
			t.Fatalf("Open(unreachable) = %v; want one line naming the server", err)
		}
		if strings.Contains(err.Error(), "\n") || time.Since(start) > 20*time.Second {
			t.Fatalf("unreachable: %q after %v", err, time.Since(start))
		}
	})

	t.Run("password kept out of messages", func(t *testing.T) {
		dsn := newServerDatabase(t, "")
		u, _ := url.Parse(dsn)
		u.User = url.UserPassword("no_such_role_here", "s3cret-word")
		_, err := Open(ctx, u.String())
		if err == nil || strings.Contains(err.Error(), "s3cret-word") {
			t.Fatalf("Open(refused sign-in) = %v; want a refusal without the password", err)
		}
		if !strings.Contains(err.Error(), `refused user "no_such_role_here"`) {
			t.Fatalf("Open(refused sign-in) = %v; want it to say whom the server refused", err)
		}
	})

	t.Run("another application's database", func(t *testing.T) {
		dsn := newServerDatabase(t, "")
		db, _ := sql.Open("pgx", dsn)
		_, err := db.Exec(`CREATE TABLE invoices (id integer primary key, total numeric)`)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, open := range []func(context.Context, string) (*Store, error){Open, Create} {
			if _, err := open(ctx, dsn); !errors.Is(err, model.ErrNotProgramme) {
				t.Fatalf("open/create over another application's tables = %v; want ErrNotProgramme", err)
			}
		}
		if got := serverTables(t, dsn); got != "invoices" {
			t.Fatalf("tables after the refusals: %s; want invoices alone", got)
		}
	})

	t.Run("newer schema", func(t *testing.T) {
		s := newTestStore(t)
		dsn := s.path
		if _, err := s.db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		before := serverTables(t, dsn)
		if _, err := Open(ctx, dsn); !errors.Is(err, model.ErrNewerSchema) {
			t.Fatalf("Open(newer schema) = %v; want ErrNewerSchema", err)
		}
		if after := serverTables(t, dsn); after != before {
			t.Fatalf("tables changed by a refused open: %s -> %s", before, after)
		}
	})

	t.Run("empty database opened, not created", func(t *testing.T) {
		dsn := newServerDatabase(t, "")
		if _, err := Open(ctx, dsn); !errors.Is(err, model.ErrNoDatabase) {
			t.Fatalf("Open(empty database) = %v; want ErrNoDatabase", err)
		}
		if got := serverTables(t, dsn); got != "" {
			t.Fatalf("a refused open made tables: %s", got)
		}
	})
}
