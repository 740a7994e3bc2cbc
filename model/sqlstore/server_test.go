package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
)

// testServerEnv names a PostgreSQL server the store's tests run against
// instead of SQLite files: a superuser URL such as
// postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable. Each test
// gets a database of its own there, dropped when it ends (.ci/run starts a
// throwaway cluster and sets it).
const testServerEnv = "CASCADE_TEST_POSTGRES"

// onServer reports a run of the store's tests against PostgreSQL.
func onServer() bool { return os.Getenv(testServerEnv) != "" }

// sqliteOnly skips a test of something only a SQLite file has (its bytes,
// its lock, its WAL) when the tests run against PostgreSQL.
func sqliteOnly(tb testing.TB, why string) {
	tb.Helper()
	if onServer() {
		tb.Skipf("SQLite only: %s", why)
	}
}

// serverDSN is the test server's URL with its database changed to name.
func serverDSN(tb testing.TB, name string) string {
	tb.Helper()
	u, err := url.Parse(os.Getenv(testServerEnv))
	if err != nil {
		tb.Fatalf("%s: %v", testServerEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// adminExec runs one statement on the test server's maintenance database
// (CREATE and DROP DATABASE cannot run inside the database they name).
func adminExec(stmt string) error {
	db, err := sql.Open("pgx", os.Getenv(testServerEnv))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(context.Background(), stmt)
	return err
}

// newServerDatabase makes an empty database (or a copy of template, when
// given) on the test server, dropped when tb ends, and returns its URL.
func newServerDatabase(tb testing.TB, template string) string {
	tb.Helper()
	name := serverDatabaseName()
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if err := adminExec(stmt); err != nil {
		tb.Fatalf("%s: %v", stmt, err)
	}
	tb.Cleanup(func() {
		if err := adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	return serverDSN(tb, name)
}

// serverDatabaseName is a fresh database name for this test binary.
func serverDatabaseName() string {
	buf := make([]byte, 6)
	rand.Read(buf)
	return "cascade_t_" + hex.EncodeToString(buf)
}

// reopenPath is where to open s again: its file, or on the test server its
// database's URL with the password the test server's URL carries (Path
// leaves it out, as it is shown to people).
func reopenPath(tb testing.TB, s *Store) string {
	tb.Helper()
	if !s.pg {
		return s.Path()
	}
	var name string
	if err := s.db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		tb.Fatalf("name the test database: %v", err)
	}
	return serverDSN(tb, name)
}

// serverDatabaseOf is the database a server URL names.
func serverDatabaseOf(tb testing.TB, dsn string) string {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("%s: %v", dsn, err)
	}
	return strings.TrimPrefix(u.Path, "/")
}
