package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const textNumbered = `{"units":[
 {"code":"U1","title":"Listening","level":2,"credits":3,"guided_hours":24,"outcomes":[
   {"number":"1","text":"Plan listening","criteria":[{"number":"1.1","text":"Plan"},{"number":"1.2","text":"Record"}]},
   {"number":2,"text":"Reflect","criteria":[{"number":"2.1","text":"Reflect on it"}]}]}],
 "qualifications":[{"code":"Q","title":"Award","level":2,"min_credits":3,
   "groups":[{"name":"Mandatory","mandatory":true,"min_credits":3,"max_credits":null,"units":["U1"]}]}]}`

// TestCatalogueImportTakesTextNumbersAndRoundTrips imports outcomes numbered
// "1" and 2, exports, and imports the export into a fresh programme: the
// second export is the same as the first.
func TestCatalogueImportTakesTextNumbersAndRoundTrips(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	os.WriteFile(in, []byte(textNumbered), 0o644)
	var exports []string
	for _, name := range []string{"a.db", "b.db"} {
		db := filepath.Join(dir, name)
		if code, _, stderr := cascade(t, "init", "--db", db); code != 0 {
			t.Fatalf("init: %s", stderr)
		}
		if code, stdout, stderr := cascade(t, "import", "catalogue", in, "--db", db); code != 0 || !strings.Contains(stdout, "imported 1 units and 1 qualifications") {
			t.Fatalf("import catalogue %s = %d %q %s", in, code, stdout, stderr)
		}
		code, stdout, stderr := cascade(t, "export", "catalogue", "--db", db, "--out", "-")
		if code != 0 {
			t.Fatalf("export catalogue: %d %s", code, stderr)
		}
		exports = append(exports, stdout)
		in = filepath.Join(dir, name+".json")
		os.WriteFile(in, []byte(stdout), 0o644)
	}
	if exports[0] != exports[1] {
		t.Errorf("export after re-import differs:\n%s\nwant\n%s", exports[1], exports[0])
	}
	if !strings.Contains(exports[0], `"number": 1,`) {
		t.Errorf("export writes outcome numbers as:\n%s\nwant numbers", exports[0])
	}
}

// TestCatalogueImportRefusals runs each faulty file through the command and
// expects its path named, exit 1, and nothing in the catalogue.
func TestCatalogueImportRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	if code, _, stderr := cascade(t, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	good := `{"code":"U2","title":"Networks","level":3,"credits":6,"outcomes":[{"number":1,"text":"Map","criteria":[{"number":"1.1","text":"Map a network"}]}]}`
	cases := []struct{ name, doc, want string }{
		{"type error", strings.Replace(textNumbered, `{"number":2,`, `{"number":[2],`, 1),
			`units[0].outcomes[1].number: want a whole number such as 1 or "1", not a list (line 4)`},
		{"second value", textNumbered + "\n" + textNumbered, `catalogue: more follows it (line 7); the file must hold one JSON value`},
		{"duplicate key", strings.Replace(textNumbered, `"level":2,"credits":3`, `"level":2,"credits":3,"level":8`, 1), `units[0].level: appears twice (line 2)`},
		{"null", "null", `catalogue: want an object with "units" and "qualifications", not null (line 1)`},
		{"null outcomes", `{"units":[{"code":"U3","title":"T","level":1,"credits":1,"outcomes":null}]}`, `units[0].outcomes: want a list, not null (line 1)`},
		{"empty", "{}", `catalogue: holds no units and no qualifications`},
		{"unknown field", strings.Replace(textNumbered, `"code":"Q",`, `"code":"Q","colour":"red",`, 1), `qualifications[0].colour: unknown field (line 5)`},
		{"hostile title after a good unit", `{"units":[` + good + `,` + strings.NewReplacer(`"U2"`, `"U3"`, `"Networks"`, `"Net\u202eskrow"`).Replace(good) + `]}`,
			`units[1].title: contains a bidirectional control character, which can reorder the text (U+202E) at position 4`},
		{"escape in a second unit's code", `{"units":[` + good + `,` + strings.Replace(good, `"U2"`, `"U3\u001b[2J"`, 1) + `]}`,
			`units[1].code: contains a control character (U+001B) at position 3`},
		{"million-character title", `{"units":[` + strings.Replace(good, `"Networks"`, `"`+strings.Repeat("x", 1_000_000)+`"`, 1) + `]}`,
			`units[0].title: is 1000000 characters long; at most 300`},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name+".json")
			os.WriteFile(file, []byte(c.doc), 0o644)
			code, _, stderr := cascade(t, "import", "catalogue", file, "--db", db)
			if code != 1 || !strings.Contains(stderr, file+": "+c.want+" (nothing imported)") {
				t.Errorf("case %d: import catalogue = %d %q; want exit 1 and %s", i, code, stderr, c.want)
			}
			if strings.ContainsAny(stderr, "\x1b\u202e") {
				t.Errorf("stderr carries the file's control characters: %q", stderr)
			}
			_, stdout, _ := cascade(t, "export", "catalogue", "--db", db, "--out", "-")
			if !strings.Contains(stdout, `"units": []`) || !strings.Contains(stdout, `"qualifications": []`) {
				t.Errorf("catalogue after a refused import:\n%.300s\nwant empty", stdout)
			}
		})
	}
}
