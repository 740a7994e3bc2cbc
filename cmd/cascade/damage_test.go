package main

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagePage damages one leaf page of table's b-tree in the closed
// database, as a failing disk would, and returns the page's number. "junk"
// overwrites the whole page; "short" halves the page's count of rows, which
// SQLite reads without complaint, silently losing them.
func damagePage(t *testing.T, path, table, how string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	var page, size int64
	err = db.QueryRow(`SELECT pageno FROM dbstat WHERE name = $1 AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3`, table).Scan(&page)
	if err != nil {
		t.Fatalf("find a page of %s: %v", table, err)
	}
	db.QueryRow(`PRAGMA page_size`).Scan(&size)
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	at := (page - 1) * size
	if how == "short" {
		head := make([]byte, 5)
		f.ReadAt(head, at)
		n := binary.BigEndian.Uint16(head[3:5])
		binary.BigEndian.PutUint16(head[3:5], n/2)
		if _, err := f.WriteAt(head[3:5], at+3); err != nil {
			t.Fatal(err)
		}
		return page
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xde\xad\xbe\xef", int(size/4))), at); err != nil {
		t.Fatal(err)
	}
	return page
}

// TestDamagedPageFailsLoudly: with one damaged page in the people table,
// export and certificates exit 1 saying so and write nothing.
func TestDamagedPageFailsLoudly(t *testing.T) {
	// Junk is tried on every command; the short page, found only by the
	// quick check every command runs first, on one reader and one writer.
	for _, how := range []string{"junk", "short"} {
		t.Run(how, func(t *testing.T) { damagedPageFailsLoudly(t, how, how == "junk") })
	}
}

func damagedPageFailsLoudly(t *testing.T, how string, everyCommand bool) {
	db := demoCopy(t)
	page := damagePage(t, db, "people", how)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		out  string
	}{
		{"export organisers csv", []string{"export", "organisers", "--db", db, "--out", filepath.Join(dir, "o.csv")}, "o.csv"},
		{"export organisers xlsx", []string{"export", "organisers", "--db", db, "--out", filepath.Join(dir, "o.xlsx")}, "o.xlsx"},
		{"export trainers", []string{"export", "trainers", "--db", db, "--out", filepath.Join(dir, "t.csv")}, "t.csv"},
		{"certificates", []string{"certificates", "--db", db, "--kind", "trainer", "--out", filepath.Join(dir, "certs")}, "certs"},
		{"certificates combined", []string{"certificates", "--db", db, "--kind", "trainer", "--out", filepath.Join(dir, "all.pdf")}, "all.pdf"},
		{"report progress", []string{"report", "progress", "--db", db, "--out", filepath.Join(dir, "p.csv")}, "p.csv"},
		{"progress", []string{"progress", "--db", db, "--json"}, "none"},
	} {
		if !everyCommand && c.name != "export organisers csv" && c.name != "certificates" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			code, stdout, errOut := cascade(t, c.args...)
			if code != 1 || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, fmt.Sprintf("page %d", page)) ||
				strings.Count(errOut, "\n") != 1 {
				t.Fatalf("%s on a damaged page: exit %d, stderr %q, stdout %q; want exit 1 naming page %d in one line", c.name, code, errOut, firstLines(stdout), page)
			}
			// The certificate run makes its folder first to prove it can
			// write there; an empty folder is no output.
			if st, err := os.Stat(filepath.Join(dir, c.out)); err == nil {
				entries, _ := os.ReadDir(filepath.Join(dir, c.out))
				if !st.IsDir() || len(entries) > 0 {
					t.Errorf("%s wrote %s (%d entries) despite the damage", c.name, c.out, len(entries))
				}
			}
		})
	}
}

func firstLines(s string) string {
	lines := strings.SplitN(s, "\n", 4)
	return strings.Join(lines[:min(3, len(lines))], "\n")
}
