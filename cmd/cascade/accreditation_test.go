package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// accDemo is a copy of the shared demo for the accreditation tests.
func accDemo(t *testing.T) string { return demoCopy(t) }

func TestReportAccreditationCSV(t *testing.T) {
	db := accDemo(t)
	out := filepath.Join(t.TempDir(), "acc.csv")
	if code, _, stderr := cascade(t, "report", "accreditation", "--db", db, "--cohort", "2", "--out", out); code != 0 {
		t.Fatalf("report accreditation: exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse as RFC 4180: %v", err)
	}
	want := "organiser_email,organiser_name,cohort,host,unit_code,unit_title,level,credits,status,assessor,assessed_on,verifier,verified_on"
	if got := strings.Join(recs[0], ","); got != want {
		t.Fatalf("header = %s; want %s", got, want)
	}
	if len(recs) < 10 {
		t.Fatalf("%d rows for cohort 2; want many", len(recs)-1)
	}
	statuses := map[string]bool{}
	for i, r := range recs[1:] {
		statuses[r[8]] = true
		switch {
		case r[2] != "2":
			t.Errorf("row %d: cohort %q; want 2", i+2, r[2])
		case !map[string]bool{"achieved": true, "not_yet_achieved": true, "in_progress": true, "not_started": true}[r[8]]:
			t.Errorf("row %d: status %q", i+2, r[8])
		case r[10] != "" && len(r[10]) != 10, r[12] != "" && len(r[12]) != 10:
			t.Errorf("row %d: dates %q %q not ISO", i+2, r[10], r[12])
		case r[12] != "" && r[11] == "":
			t.Errorf("row %d: verified on %s with no verifier", i+2, r[12])
		case r[8] == "achieved" && r[9] == "":
			t.Errorf("row %d: achieved with no assessor", i+2)
		case strings.ContainsAny(r[0][:1], "=+-@"):
			t.Errorf("row %d: unescaped formula cell %q", i+2, r[0])
		}
	}
	if !statuses["achieved"] || !statuses["not_started"] {
		t.Errorf("statuses seen %v; want achieved and not_started at least", statuses)
	}
}

func TestProgressJSONLines(t *testing.T) {
	db := accDemo(t)
	code, stdout, stderr := cascade(t, "progress", "--db", db, "--cohort", "1", "--json")
	if code != 0 {
		t.Fatalf("progress: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 5 {
		t.Fatalf("%d lines; want one per learner and qualification", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range first {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"achieved_units", "credits", "credits_at_or_above", "eligible", "email", "missing", "qualification", "size"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v; want %v", keys, want)
	}
	email := first["email"].(string)
	code, stdout, _ = cascade(t, "progress", "--db", db, "--person", strings.ToUpper(email))
	if code != 0 || !strings.Contains(stdout, email) {
		t.Errorf("progress --person %s = %d, %q", email, code, stdout)
	}
}

func TestCatalogueImportExport(t *testing.T) {
	db := accDemo(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "cat.json")
	if code, _, stderr := cascade(t, "export", "catalogue", "--db", db, "--out", out); code != 0 {
		t.Fatalf("export catalogue: %d %s", code, stderr)
	}
	fresh := filepath.Join(dir, "fresh.db")
	if code, _, stderr := cascade(t, "init", "--db", fresh); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	if code, stdout, stderr := cascade(t, "import", "catalogue", out, "--db", fresh); code != 0 || !strings.Contains(stdout, "imported 8 units and 2 qualifications") {
		t.Fatalf("import catalogue: %d %q %s", code, stdout, stderr)
	}
	code, _, stderr := cascade(t, "import", "catalogue", out, "--db", fresh)
	if code != 1 || !strings.Contains(stderr, "units[0].code: unit CO201 is already in the catalogue (nothing imported)") {
		t.Errorf("second import = %d %q; want refused by name", code, stderr)
	}
	data, _ := os.ReadFile(out)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(data), `"number": "1.2"`, `"number": "1.1"`, 1)), 0o644)
	other := filepath.Join(dir, "other.db")
	cascade(t, "init", "--db", other)
	code, _, stderr = cascade(t, "import", "catalogue", bad, "--db", other)
	if code != 1 || !strings.Contains(stderr, "units[0].outcomes[0].criteria[1]: number 1.1 repeated") {
		t.Errorf("import with a repeated criterion = %d %q", code, stderr)
	}
}

func TestReportClaim(t *testing.T) {
	db := accDemo(t)
	dir := t.TempDir()
	for _, name := range []string{"claim.csv", "claim.pdf"} {
		out := filepath.Join(dir, name)
		if code, _, stderr := cascade(t, "report", "claim", "--db", db, "--ref", "CLM-2013-C02", "--out", out); code != 0 {
			t.Fatalf("report claim %s: %d %s", name, code, stderr)
		}
		if st, err := os.Stat(out); err != nil || st.Size() < 500 {
			t.Errorf("%s: %v", name, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "claim.csv"))
	if !strings.HasPrefix(string(data), "claim_reference,corrects,cohort,qualification,learner_name,email,registration_number,uln,") {
		t.Errorf("claim CSV starts %.80q", data)
	}
	if code, _, stderr := cascade(t, "report", "claim", "--db", db, "--ref", "NOPE", "--out", filepath.Join(dir, "x.csv")); code != 1 ||
		!strings.Contains(stderr, "claim NOPE: not found") {
		t.Errorf("unknown claim = %d %q", code, stderr)
	}
}
