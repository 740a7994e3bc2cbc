package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model"

	"github.com/xuri/excelize/v2"
)

const importDir = "testdata/import/"

// importedStore is an empty programme with the good files imported, so the
// bad files have a database to clash with.
func importedStore(t *testing.T) *Store {
	t.Helper()
	s := newTestStore(t)
	for _, f := range []struct{ kind, file string }{
		{model.KindCohorts, "cohorts_good.csv"}, {model.KindHosts, "hosts_good.csv"},
		{model.KindTrainers, "trainers_good.csv"}, {model.KindOrganisers, "organisers_good.csv"},
	} {
		if _, err := s.Import(context.Background(), model.LocalUser(), f.kind, importDir+f.file, model.ImportOptions{}); err != nil {
			t.Fatalf("Import(%s): %v", f.file, err)
		}
	}
	return s
}

func problemLines(err error) []string {
	var ie *model.ImportError
	if !errors.As(err, &ie) {
		return nil
	}
	var out []string
	for _, p := range ie.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestImportGoodFiles(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, importDir+"organisers_bom_semicolon.csv", model.ImportOptions{}); err != nil {
		t.Fatalf("Import(BOM, semicolons, columns reordered): %v", err)
	}
	for _, c := range []struct{ query, want string }{
		// Dates in either form land as ISO; a blank date is NULL.
		{`SELECT training_starts_on FROM cohorts WHERE number = 2`, "2011-09-12"},
		{`SELECT coalesce(training_starts_on, 'null') FROM cohorts WHERE number = 3`, "null"},
		// A hand-typed leading = is kept; coded cells are read without case or spaces.
		{`SELECT setting || ' ' || kickstarter FROM hosts WHERE name = '=Formula Lane Trust'`, "urban 0"},
		// Names exactly as written, in any script, spaces included.
		{`SELECT given_name || '|' || family_name FROM people WHERE email = 'giorgos@example.com'`, "Γιώργος|Παπαδόπουλος"},
		{`SELECT given_name || '|' || family_name FROM people WHERE email = 'mohammed@example.com'`, "محمد|الحسن"},
		{`SELECT given_name || '|' || family_name FROM people WHERE email = 'siobhan@example.ie'`, " Siobhán |O'Neill-Ó Dónaill"},
		{`SELECT family_name FROM people WHERE email = 'jo@example.org'`, "Bloggs; Jr"},
		// Host by name without regard to case; supported_by to an earlier row,
		// a later row, and across files; a leap day.
		{`SELECT h.name FROM organisers o JOIN people p ON p.id = o.person_id JOIN hosts h ON h.id = o.host_id
			WHERE p.email = 'lukasz@example.com'`, "Keystone Development Trust"},
		{`SELECT sp.email FROM organisers o JOIN people p ON p.id = o.person_id JOIN organisers so ON so.id = o.supported_by_id
			JOIN people sp ON sp.id = so.person_id WHERE p.email = 'mohammed@example.com'`, "siobhan@example.ie"},
		{`SELECT sp.email FROM organisers o JOIN people p ON p.id = o.person_id JOIN organisers so ON so.id = o.supported_by_id
			JOIN people sp ON sp.id = so.person_id WHERE p.email = 'kim@example.org'`, "jo@example.org"},
		{`SELECT o.starts_on FROM organisers o JOIN people p ON p.id = o.person_id WHERE p.email = 'li@example.cn'`, "2012-02-29"},
		// Trainers referring forward (Chidi to Dora, row 5) and a founding trainer.
		{`SELECT bp.email FROM trainers t JOIN people p ON p.id = t.person_id JOIN trainers bt ON bt.id = t.trained_by_id
			JOIN people bp ON bp.id = bt.person_id WHERE p.email = 'chidi@example.org'`, "DORA@example.org"},
		{`SELECT count(*) FROM trainers WHERE trained_by_id IS NULL`, "1"},
		// People take ids in file order even when a row had to be written later.
		{`SELECT string_agg(p.email, ' ' ORDER BY t.id) FROM trainers t JOIN people p ON p.id = t.person_id`,
			"ana.lima@example.org bea@example.org chidi@example.org DORA@example.org"},
		{`SELECT count(*) FROM audit_log WHERE action = 'import'`, "5"},
	} {
		var got string
		if err := s.db.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s = %q; want %q", c.query, got, c.want)
		}
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check after import = %v, %v", r.Problems, err)
	}
}

func TestImportRefusals(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	p := func(file string, lines ...string) []string {
		for i, l := range lines {
			lines[i] = importDir + file + l
		}
		return lines
	}
	cases := []struct {
		kind, file string
		want       []string
	}{
		{model.KindOrganisers, "organisers_bad.csv", p("organisers_bad.csv",
			":2: given_name: is empty",
			`:3: email: "not-an-email" is not an email address like name@example.org`,
			":5: email: DUP@example.org is already on row 4",
			":6: email: zoe@example.net already belongs to someone in the database",
			`:7: role: "coordinator" is not senior or volunteer`,
			`:8: host: no host named "Nowhere Trust" in the database; import hosts first`,
			":9: cohort: cohort 99 is not in the database; import cohorts first",
			`:10: start_date: "2012-02-30" is not a date; write it like 3/9/2012`,
			`:11: start_date: "31/2/2012" is not a date; write it like 3/9/2012`,
			`:12: start_date: "12/31/2012" is not a date (day first: 31 is not a month); write it like 3/9/2012`,
			`:13: start_date: "next tuesday" is not a date; write it like 3/9/2012`,
			":14: supported_by: no senior organiser with email nobody@example.org in the database or this file",
			":15: supported_by: mohammed@example.com is a volunteer, not a senior organiser",
			":16: supported_by: a senior organiser is not supported by another; leave it empty or make the row a volunteer",
			":17: supported_by: names the row's own email",
			":18: supported_by: file.vol2@example.org (row 19) is not a senior organiser",
			":20: the row has 9 cells but the header has 8 columns; is a comma or semicolon inside an unquoted cell?",
		)},
		{model.KindTrainers, "trainers_cycle.csv", p("trainers_cycle.csv",
			":2: trained_by: the rows form a cycle: eve@example.org → fay@example.org → gus@example.org → eve@example.org",
			":3: trained_by: the rows form a cycle: eve@example.org → fay@example.org → gus@example.org → eve@example.org",
			":4: trained_by: the rows form a cycle: eve@example.org → fay@example.org → gus@example.org → eve@example.org",
			`:6: status: "retired" is not training, accredited, active or lapsed`,
			":6: trained_by: no trainer with email nobody@example.org in the database or this file; leave it empty for a founding trainer",
		)},
		{model.KindHosts, "hosts_bad.csv", p("hosts_bad.csv",
			`:2: name: a host named "Keystone Development Trust" is already in the database`,
			`:3: setting: "suburban" is not rural or urban`,
			`:3: kickstarter: "maybe" is not yes or no`,
			":4: cohort: cohort 42 is not in the database; import cohorts first",
			`:5: name: "Other Trust" is already on row 4`,
			`:5: cohort: "one" is not a cohort number`,
			":6: name: is empty",
		)},
		{model.KindCohorts, "cohorts_bad.csv", p("cohorts_bad.csv",
			":2: number: cohort 1 is already in the database",
			`:3: number: "four" is not a whole number above 0`,
			":4: training_ends_on: 2012-08-01 is before training_starts_on 2012-09-01",
			":5: number: cohort 5 is already on row 4",
			`:5: host_induction_on: "2012-02-30" is not a date; write it like 3/9/2012`,
			`:6: number: "0" is not a whole number above 0`,
		)},
		{model.KindCohorts, "malformed.csv", p("malformed.csv", `:2: malformed CSV: extraneous or missing " in quoted-field`)},
		{model.KindCohorts, "binary.csv", p("binary.csv", ": this is a binary file, not CSV text; save the sheet as CSV UTF-8 or give an .xlsx name")},
		{model.KindOrganisers, "latin1.csv", p("latin1.csv", ": the file is not UTF-8 text; save it again choosing CSV UTF-8")},
		{model.KindCohorts, "empty.csv", p("empty.csv", ": the file is empty; it needs a header row and at least one row of data")},
		{model.KindCohorts, "header_only.csv", p("header_only.csv", ": the file has a header but no rows of data")},
		{model.KindOrganisers, "wrong_header.csv", p("wrong_header.csv",
			":1: header: missing column family_name; unknown column surname, notes (expected given_name,family_name,email,role,host,cohort,start_date,supported_by, in any order)")},
		{model.KindOrganisers, "not_organisers.csv", p("not_organisers.csv",
			":1: header: this is a hosts file, not organisers; import it with: cascade import hosts FILE")},
		{model.KindHosts, "unknown.xls", p("unknown.xls", ": .xls files are not read; save the sheet as .xlsx or as CSV UTF-8")},
		{model.KindHosts, "fake.xlsx", p("fake.xlsx", ": this is not an Excel .xlsx workbook; save the sheet as .xlsx, or name a CSV file .csv")},
		{model.KindHosts, "missing.csv", p("missing.csv", ": no such file")},
	}
	before := count(t, s, `SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM hosts) + (SELECT count(*) FROM cohorts)`)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				_, err := s.Import(ctx, model.LocalUser(), c.kind, importDir+c.file, model.ImportOptions{DryRun: dry})
				got := problemLines(err)
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Errorf("Import(%s, dry run %v) problems:\n%s\nwant:\n%s", c.file, dry, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
			}
			if after := count(t, s, `SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM hosts) + (SELECT count(*) FROM cohorts)`); after != before {
				t.Errorf("a refused import changed the database: %d records, was %d", after, before)
			}
		})
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	res, err := s.Import(ctx, model.LocalUser(), model.KindCohorts, importDir+"cohorts_good.csv", model.ImportOptions{DryRun: true})
	if err != nil || res.Added != 3 || !res.DryRun {
		t.Fatalf("Import(dry run) = %+v, %v; want 3 to add", res, err)
	}
	if n := count(t, s, `SELECT count(*) FROM cohorts`); n != 0 {
		t.Fatalf("dry run wrote %d cohorts", n)
	}
}

func TestImportXLSX(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "organisers.xlsx")
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"email", "given_name", "family_name", "role", "host", "cohort", "start_date", "supported_by"},
		{"ngozi@example.org", "Ngozi", "Adichie", "senior", "Keystone Development Trust", 1, nil, ""},
		{},
		{"tomas@example.org", "Tomás", "Ó Súilleabháin", "volunteer", "", 2, "3/4/2012", "ngozi@example.org"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// A real spreadsheet date: a serial number with a date format.
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellValue(sh, "G2", mustDay(t, "2012-10-01"))
	f.SetCellStyle(sh, "G2", "G2", style)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, path, model.ImportOptions{}); err != nil {
		t.Fatalf("Import(xlsx): %v", err)
	}
	var got string
	s.db.QueryRowContext(ctx, `SELECT string_agg(p.given_name || ' ' || coalesce(o.starts_on, '') || ' ' || coalesce(sp.email, ''), '; ' ORDER BY o.id)
		FROM organisers o JOIN people p ON p.id = o.person_id LEFT JOIN organisers so ON so.id = o.supported_by_id
		LEFT JOIN people sp ON sp.id = so.person_id WHERE p.email IN ('ngozi@example.org', 'tomas@example.org')`).Scan(&got)
	if want := "Ngozi 2012-10-01 ; Tomás 2012-04-03 ngozi@example.org"; got != want {
		t.Errorf("imported from xlsx: %q; want %q", got, want)
	}
	// Importing the same workbook again finds its people already there, and a
	// bad row is named by the row the spreadsheet shows.
	f.SetCellValue(sh, "A5", "bad")
	f.SetCellValue(sh, "D5", "senior")
	f.SaveAs(path)
	_, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, path, model.ImportOptions{})
	want := []string{path + ":2: email: ngozi@example.org already belongs to someone in the database",
		path + ":4: email: tomas@example.org already belongs to someone in the database", path + `:5: given_name: is empty`, path + `:5: family_name: is empty`, path + `:5: email: "bad" is not an email address like name@example.org`}
	if got := problemLines(err); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Import(bad xlsx) problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func mustDay(t *testing.T, iso string) any {
	t.Helper()
	return day(iso)
}
