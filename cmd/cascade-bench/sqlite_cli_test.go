package main

import (
	"database/sql"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// interleavedTimes reads the shell's .timer lines for every statement of
// every run: a statement that takes tens of milliseconds reads as such on
// both sides, and a statement that fails is an error, not a quiet zero.
func TestInterleavedTimesReadsTheShellsTimer(t *testing.T) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 not installed (apt-get install sqlite3)")
	}
	file := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A recursive count to 300,000: some tens of milliseconds in C and Go alike.
	slow := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n`
	if _, err := db.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	ours, shell, err := interleavedTimes(db, file, []string{slow, `SELECT x FROM t`}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if ours < 5*time.Millisecond || shell < 5*time.Millisecond {
		t.Errorf("ours %v, shell %v; want each at least 5 ms for the recursive count", ours, shell)
	}
	if _, _, err := interleavedTimes(db, file, []string{`SELECT * FROM missing`}, 1, 1); err == nil {
		t.Error("a statement the shell refuses: want an error")
	}
}
