package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cascade/model/sqlstore"
	"cascade/model/sqlstore/sqlstoretest"
)

var (
	demoOnce sync.Once
	demoPath string
)

// demoDB builds one demo programme per test binary with the real command.
func demoDB(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cascade-cmd-data-")
		if err != nil {
			return
		}
		testTempDirs = append(testTempDirs, dir)
		path := filepath.Join(dir, "demo.db")
		if err := sqlstoretest.CopyTo(t, path); err != nil {
			t.Logf("copy demo: %v", err)
			return
		}
		// Values a spreadsheet would run as formulas, ones starting with an
		// apostrophe, and quoted commas and quotes must survive the CSV round
		// trip exactly. (A line break inside a name is refused at import.)
		tricky := filepath.Join(dir, "tricky.csv")
		os.WriteFile(tricky, []byte("name,region,setting,kickstarter,partner,cohort\n"+
			"\"=HYPERLINK(\"\"x\"\")\",+44 North,urban,no,@partner,1\n"+
			"'Quoted Trust,-South,rural,yes,'=already,\n"+
			"\"Comma, \"\"Quoted\"\" Trust\",'',urban,no,',\n"), 0o600)
		if code, _, errOut := cascade(t, "import", "hosts", tricky, "--db", path); code != 0 {
			t.Logf("import tricky hosts: %s", errOut)
			return
		}
		demoPath = path
	})
	if demoPath == "" {
		t.Fatal("could not build the demo programme")
	}
	return demoPath
}

// TestExportImportRoundTrip exports every importable kind from the demo,
// imports the files into an empty database made by init, and exports again:
// the files must be byte for byte the same, in CSV and in XLSX.
func TestExportImportRoundTrip(t *testing.T) {
	demo := demoDB(t)
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			kinds := []string{"cohorts", "hosts", "trainers", "organisers"}
			for _, k := range append(kinds, "evidence", "decisions") {
				if code, _, errOut := cascade(t, "export", k, "--db", demo, "--out", filepath.Join(dir, "a-"+k+ext)); code != 0 {
					t.Fatalf("export %s: %s", k, errOut)
				}
			}
			fresh := filepath.Join(dir, "fresh.db")
			if code, _, errOut := cascade(t, "init", "--db", fresh); code != 0 {
				t.Fatal(errOut)
			}
			for _, k := range kinds {
				code, out, errOut := cascade(t, "import", k, filepath.Join(dir, "a-"+k+ext), "--db", fresh)
				if code != 0 || !strings.HasPrefix(out, "added ") {
					t.Fatalf("import %s: exit %d: %s%s", k, code, out, errOut)
				}
				if code, _, errOut := cascade(t, "export", k, "--db", fresh, "--out", filepath.Join(dir, "b-"+k+ext)); code != 0 {
					t.Fatal(errOut)
				}
				if ext == ".xlsx" {
					// Workbooks carry a timestamp; compare their cells as CSV instead.
					for _, p := range []string{"a-", "b-"} {
						s := openTestStore(t, map[string]string{"a-": demo, "b-": fresh}[p])
						header, rows, err := s.ExportTable(t.Context(), k)
						s.Close()
						if err != nil {
							t.Fatal(err)
						}
						var buf bytes.Buffer
						buf.WriteString(strings.Join(header, ","))
						for _, r := range rows {
							buf.WriteString("\n" + strings.Join(r, "\x1f"))
						}
						os.WriteFile(filepath.Join(dir, p+k+".cells"), buf.Bytes(), 0o600)
					}
					compareFiles(t, filepath.Join(dir, "a-"+k+".cells"), filepath.Join(dir, "b-"+k+".cells"))
					continue
				}
				compareFiles(t, filepath.Join(dir, "a-"+k+ext), filepath.Join(dir, "b-"+k+ext))
			}
			if ext == ".csv" {
				b, _ := os.ReadFile(filepath.Join(dir, "a-hosts.csv"))
				for _, want := range []string{`'=HYPERLINK(""x"")`, "'+44 North", "'@partner", "''Quoted Trust", "'-South", "'=already"} {
					if !bytes.Contains(b, []byte(want)) {
						t.Errorf("hosts.csv does not hold the escaped cell %s", want)
					}
				}
			}
			if code, out, _ := cascade(t, "check", "--db", fresh); code != 0 {
				t.Errorf("check after the round trip: %s", out)
			}
		})
	}
}

func compareFiles(t *testing.T, a, b string) {
	t.Helper()
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Errorf("%s and %s differ (%d and %d bytes)", filepath.Base(a), filepath.Base(b), len(x), len(y))
	}
}

func TestImportCommandReportsEveryProblem(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	cascade(t, "init", "--db", db)
	bad := filepath.Join(t.TempDir(), "cohorts.csv")
	os.WriteFile(bad, []byte("number,host_induction_on,training_starts_on,training_ends_on\n1,31/2/2012,,\nx,,,\n"), 0o600)
	code, out, errOut := cascade(t, "import", "cohorts", bad, "--db", db)
	want := bad + `:2: host_induction_on: "31/2/2012" is not a date; write it like 3/9/2012` + "\n" +
		bad + `:3: number: "x" is not a whole number above 0` + "\n" +
		"cascade import: 2 problems in " + bad + "; nothing was imported\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("import of a bad file: exit %d, stdout %q, stderr:\n%s\nwant exit 1 and:\n%s", code, out, errOut, want)
	}
	code, out, _ = cascade(t, "import", "cohorts", "../../model/sqlstore/testdata/import/cohorts_good.csv", "--db", db, "--dry-run")
	if code != 0 || !strings.Contains(out, "would add 3 cohorts") {
		t.Errorf("dry run: exit %d, %q", code, out)
	}
	if code, out, _ := cascade(t, "summary", "--db", db, "--json"); code != 0 || !strings.Contains(out, `"cohorts":0`) {
		t.Errorf("after a dry run the summary is %s", out)
	}
}

func TestBackupRestoreCommands(t *testing.T) {
	demo := demoDB(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "b.zip")
	if code, out, errOut := cascade(t, "backup", "--db", demo, "--out", archive); code != 0 || !strings.Contains(out, "424 evidence files") {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	_, wantSummary, _ := cascade(t, "summary", "--db", demo)
	target := filepath.Join(dir, "r.db")
	code, out, errOut := cascade(t, "restore", archive, "--db", target)
	if code != 0 || !strings.Contains(out, wantSummary) || !strings.Contains(out, "ok: "+target+" passes") {
		t.Fatalf("restore: exit %d:\n%s%s\nwant the summary:\n%s", code, out, errOut, wantSummary)
	}
	code, _, errOut = cascade(t, "restore", archive, "--db", target)
	if code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("restore over an existing database: exit %d, %q", code, errOut)
	}
	b, _ := os.ReadFile(archive)
	b[len(b)/2] ^= 0xff
	damaged := filepath.Join(dir, "damaged.zip")
	os.WriteFile(damaged, b, 0o600)
	code, _, errOut = cascade(t, "restore", damaged, "--db", target, "--force")
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "damaged backup") {
		t.Errorf("restore of a damaged archive: exit %d, %q; want one line saying it is damaged", code, errOut)
	}
}

func TestPersonCommands(t *testing.T) {
	demo := demoDB(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "b.zip")
	cascade(t, "backup", "--db", demo, "--out", archive)
	db := filepath.Join(dir, "p.db")
	cascade(t, "restore", archive, "--db", db)
	s := openTestStore(t, db)
	var email, active string
	s.DB().QueryRow(`SELECT p.email FROM organisers o JOIN people p ON p.id = o.person_id WHERE o.status = 'withdrawn' LIMIT 1`).Scan(&email)
	s.DB().QueryRow(`SELECT p.email FROM organisers o JOIN people p ON p.id = o.person_id WHERE o.status = 'active' LIMIT 1`).Scan(&active)
	s.Close()
	out := filepath.Join(dir, "sar")
	if code, stdout, errOut := cascade(t, "export", "person", email, "--db", db, "--out", out); code != 0 || !strings.Contains(stdout, "person.json") {
		t.Fatalf("export person: exit %d: %s%s", code, stdout, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "person.json")); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cascade(t, "erase", "person", active, "--db", db, "--reason", "asked"); code != 1 || !strings.Contains(errOut, "withdrawn") {
		t.Errorf("erase an active organiser: exit %d, %q", code, errOut)
	}
	if code, _, _ := cascade(t, "erase", "person", email, "--db", db); code != 2 {
		t.Errorf("erase without --reason: exit %d; want 2", code)
	}
	if code, stdout, errOut := cascade(t, "erase", "person", email, "--db", db, "--reason", "subject asked"); code != 0 || !strings.Contains(stdout, "Erased person") {
		t.Errorf("erase: exit %d: %s%s", code, stdout, errOut)
	}
	if code, stdout, _ := cascade(t, "check", "--db", db); code != 0 {
		t.Errorf("check after erasure: %s", stdout)
	}
}

func openTestStore(t *testing.T, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
