package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model/sqlstore/sqlstoretest"

	_ "github.com/jackc/pgx/v5/stdlib" // the test server's maintenance connection
)

// summaryJSON is `cascade summary --json` of db, failing the test if it fails.
func summaryJSON(t *testing.T, db string, extra ...string) string {
	t.Helper()
	code, out, errOut := cascade(t, append([]string{"summary", "--db", db, "--json"}, extra...)...)
	if code != 0 {
		t.Fatalf("summary --db %s: exit %d: %s", db, code, errOut)
	}
	return out
}

func TestMigrateCommand(t *testing.T) {
	from := sqlstoretest.Copy(t)
	to := filepath.Join(t.TempDir(), "moved.db")
	code, out, errOut := cascade(t, "migrate", "--from", from, "--to", to)
	if code != 0 || !strings.HasPrefix(out, "migrated "+from+" to "+to) || strings.Count(out, "\n") != 1 {
		t.Fatalf("migrate: exit %d, out %q, err %q", code, out, errOut)
	}
	// Off a terminal the progress line, rewritten in place, would only
	// litter a log.
	if errOut != "" {
		t.Errorf("stderr off a terminal: %q; want nothing", errOut)
	}
	if a, b := summaryJSON(t, from), summaryJSON(t, to); a != b {
		t.Errorf("summary differs:\n%s\n%s", a, b)
	}
	if code, out, errOut := cascade(t, "check", "--db", to); code != 0 {
		t.Errorf("check the moved programme: exit %d: %s%s", code, out, errOut)
	}

	// Refusals: one line each, exit 1; a missing flag is a usage mistake.
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--from", from, "--to", to}, 1, "already exists"},
		{[]string{"--from", filepath.Join(t.TempDir(), "none.db"), "--to", filepath.Join(t.TempDir(), "x.db")}, 1, "no database"},
		{[]string{"--from", from, "--to", "postgres://cascade@127.0.0.1:1/none?sslmode=disable&connect_timeout=5"}, 1, "cannot reach a PostgreSQL server at 127.0.0.1:1"},
		{[]string{"--from", from, "--to", from}, 1, "the same programme"},
		{[]string{"--from", from}, 2, "--from and --to are both required"},
	} {
		code, out, errOut := cascade(t, append([]string{"migrate", "--quiet"}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.says) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("migrate %v: exit %d, out %q, err %q; want exit %d saying %q", c.args, code, out, errOut, c.code, c.says)
		}
	}
}

// newServerDB makes an empty database on the test server named by
// CASCADE_TEST_POSTGRES, dropped when the test ends, and returns its URL;
// without a server it skips the test.
func newServerDB(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("CASCADE_TEST_POSTGRES")
	if admin == "" {
		t.Skip("needs a PostgreSQL server: set CASCADE_TEST_POSTGRES (e.g. postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable)")
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	name := "cascade_t_" + hex.EncodeToString(buf)
	exec := func(stmt string) error {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(context.Background(), stmt)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// A programme moves from a file to a server and back, and a backup of the
// server's programme restores into a file: summary --json agrees on all.
func TestMigrateCommandThroughServer(t *testing.T) {
	server := newServerDB(t)
	t.Setenv(passwordEnv, sqlstoretest.Password)
	from := sqlstoretest.Copy(t)
	if code, out, errOut := cascade(t, "migrate", "--quiet", "--from", from, "--to", server); code != 0 {
		t.Fatalf("migrate to the server: exit %d: %s%s", code, out, errOut)
	}
	want := summaryJSON(t, from)
	if got := summaryJSON(t, server, "--user", "admin"); got != want {
		t.Errorf("summary on the server:\n%s\nwant\n%s", got, want)
	}
	back := filepath.Join(t.TempDir(), "back.db")
	// The server's programme is shared: the move out signs in.
	if code, _, errOut := cascade(t, "migrate", "--quiet", "--from", server, "--to", back); code != 1 || !strings.Contains(errOut, "--user") {
		t.Errorf("migrate from the server without --user: exit %d: %s", code, errOut)
	}
	if code, out, errOut := cascade(t, "migrate", "--quiet", "--from", server, "--to", back, "--user", "admin"); code != 0 {
		t.Fatalf("migrate back: exit %d: %s%s", code, out, errOut)
	}
	if got := summaryJSON(t, back); got != want {
		t.Errorf("summary after the round trip:\n%s\nwant\n%s", got, want)
	}
	if code, out, errOut := cascade(t, "check", "--db", back); code != 0 {
		t.Errorf("check after the round trip: exit %d: %s%s", code, out, errOut)
	}
	archive := filepath.Join(t.TempDir(), "server.zip")
	if code, out, errOut := cascade(t, "backup", "--db", server, "--user", "admin", "--out", archive); code != 0 {
		t.Fatalf("backup of the server: exit %d: %s%s", code, out, errOut)
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	if code, out, errOut := cascade(t, "restore", archive, "--db", restored); code != 0 {
		t.Fatalf("restore the server's backup into a file: exit %d: %s%s", code, out, errOut)
	}
	if got := summaryJSON(t, restored); got != want {
		t.Errorf("summary of the restored server backup:\n%s\nwant\n%s", got, want)
	}
	// The file's backup restores into an empty server database, and proves
	// itself there with summary and check.
	fileZip := filepath.Join(t.TempDir(), "file.zip")
	if code, out, errOut := cascade(t, "backup", "--db", from, "--out", fileZip); code != 0 {
		t.Fatalf("backup of the file: exit %d: %s%s", code, out, errOut)
	}
	empty := newServerDB(t)
	if code, out, errOut := cascade(t, "restore", fileZip, "--db", empty, "--user", "admin"); code != 0 || !strings.Contains(out, "restored postgres://") || !strings.Contains(out, "ok: ") {
		t.Fatalf("restore the file's backup into a server: exit %d: %s%s", code, out, errOut)
	}
	if got := summaryJSON(t, empty, "--user", "admin"); got != want {
		t.Errorf("summary of the file's backup on the server:\n%s\nwant\n%s", got, want)
	}
	code, _, errOut := cascade(t, "restore", archive, "--db", server, "--force")
	if code != 1 || !strings.Contains(errOut, "createdb NEW") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("restore over the server's programme: exit %d: %q", code, errOut)
	}
}

// On a terminal the progress line counts up in place and ends with the work.
func TestMigrateProgressLine(t *testing.T) {
	var b strings.Builder
	line := countingLine(&b)
	for _, done := range []int64{0, 1, 1, 50, 99, 100} {
		line(done, 100)
	}
	got := b.String()
	if strings.Count(got, "\r") != 5 || !strings.HasSuffix(got, "\r[100%] 100 of 100 rows and files\n") {
		t.Errorf("progress line %q: want five rewrites, one a percent, ending at 100%% with a newline", got)
	}
}
