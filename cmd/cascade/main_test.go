package main

import (
	"bytes"
	"cascade/model/sqlstore/sqlstoretest"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var (
	testTempDirs []string
)

// sharedDemo is the demo programme sqlstoretest lends (password
// sqlstoretest.Password); tests that change it take a demoCopy.
func sharedDemo(t *testing.T) string {
	t.Helper()
	return sqlstoretest.Demo(t)
}

// demoCopy is a copy of the shared demo database (its evidence files are
// not copied) that the test may change.
func demoCopy(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(sharedDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range testTempDirs {
		os.RemoveAll(d)
	}
	sqlstoretest.Cleanup()
	os.Exit(code)
}

// cascade runs the command line in-process and returns its exit code and output.
func cascade(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpAndUsageMistakes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"summary", "--help"}, 0, "usage: cascade summary"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"summary"}, 2, "--db FILE (or postgres://…, or $CASCADE_DB) is required"},
		{[]string{"summary", "--db"}, 2, "flag needs an argument"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := cascade(t, c.args...)
			if code != c.code {
				t.Errorf("exit = %d; want %d (stderr %q)", code, c.code, errOut)
			}
			if !strings.Contains(out+errOut, c.says) {
				t.Errorf("output %q; want it to say %q", out+errOut, c.says)
			}
		})
	}
	for _, c := range commands() {
		if code, _, errOut := cascade(t, c.name, "--help"); code != 0 {
			t.Errorf("cascade %s --help: exit %d, %q", c.name, code, errOut)
		}
	}
}

func TestInitSummaryCheck(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if code, _, errOut := cascade(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	code, _, errOut := cascade(t, "init", "--db", db)
	if code != 1 || !strings.Contains(errOut, "already exists") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("init over existing: exit %d, %q; want 1 and one line saying it exists", code, errOut)
	}
	code, out, _ := cascade(t, "summary", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("summary: exit %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("summary --json is not JSON: %v: %q", err, out)
	}
	var keys []string
	for k, v := range got {
		keys = append(keys, k)
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			t.Errorf("key %s = %v; want an integer", k, v)
		}
	}
	sort.Strings(keys)
	want := "cohorts certificates criteria decisions evidence_files evidence_items hosts kickstarter_hosts schema_version senior_organisers trainer_generations trainers units volunteer_organisers"
	wantKeys := strings.Fields(want)
	sort.Strings(wantKeys)
	if strings.Join(keys, " ") != strings.Join(wantKeys, " ") {
		t.Errorf("summary keys = %v; want exactly %v", keys, wantKeys)
	}
	if code, out, _ := cascade(t, "check", "--db", db); code != 0 || !strings.HasPrefix(out, "ok") {
		t.Errorf("check on a new programme: exit %d, %q; want ok", code, out)
	}
}

func TestOpeningErrorsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ db, says string }{
		{filepath.Join(dir, "missing", "p.db"), "does not exist"},
		{filepath.Join(dir, "absent.db"), "no database there"},
		{"main_test.go", "not a SQLite database"},
	} {
		code, out, errOut := cascade(t, "summary", "--db", c.db)
		if code != 1 || out != "" || !strings.Contains(errOut, c.says) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("summary --db %s: exit %d, stdout %q, stderr %q; want exit 1 and one line saying %q",
				c.db, code, out, errOut, c.says)
		}
	}
}
