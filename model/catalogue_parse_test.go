package model

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestParseCatalogueTakesTextOutcomeNumbers(t *testing.T) {
	doc := strings.Replace(fixtureCatalogue, `{"number":2,"text":"Reflect"`, `{"number":"2","text":"Reflect"`, 1)
	c, err := ParseCatalogue([]byte(doc))
	if err != nil {
		t.Fatalf("ParseCatalogue(number \"2\") = %v; want nil", err)
	}
	if got := c.Units[0].Outcomes[1].Number; got != 2 {
		t.Errorf("outcome number = %d; want 2", got)
	}
	if err := c.Validate(nil); err != nil {
		t.Errorf("Validate = %v", err)
	}
	if c.Qualifications[0].Groups[0].MaxCredits != nil || *c.Qualifications[0].Groups[1].MaxCredits != 12 ||
		c.Qualifications[0].AtOrAbove.Credits != 6 || !c.Qualifications[0].Groups[0].Mandatory {
		t.Errorf("qualification = %+v", c.Qualifications[0])
	}
}

func TestParseCatalogueRefusals(t *testing.T) {
	const unit = `{"code":"U3","title":"New","level":1,"credits":1,"outcomes":[{"number":1,"text":"t","criteria":[{"number":"1.1","text":"c"}]}]}`
	cases := []struct{ name, doc, want string }{
		{"outcome number of the wrong type", strings.Replace(fixtureCatalogue, `{"number":2,"text":"Reflect"`, `{"number":true,"text":"Reflect"`, 1),
			`units[0].outcomes[1].number: want a whole number such as 1 or "1", not true (line 4)`},
		{"outcome number text not a number", strings.Replace(fixtureCatalogue, `{"number":2,"text":"Reflect"`, `{"number":"two","text":"Reflect"`, 1),
			`units[0].outcomes[1].number: want a whole number such as 1 or "1", not "two" (line 4)`},
		{"level as text", strings.Replace(fixtureCatalogue, `"level":3,"credits":6`, `"level":"3","credits":6`, 1),
			`units[1].level: want a whole number, not "3" (line 5)`},
		{"fractional credits", strings.Replace(fixtureCatalogue, `"credits":6,"guided_hours":48`, `"credits":6.5,"guided_hours":48`, 1),
			`units[1].credits: want a whole number, not 6.5 (line 5)`},
		{"criterion number as a number", strings.Replace(fixtureCatalogue, `"number":"1.1","text":"Map a network"`, `"number":1.1,"text":"Map a network"`, 1),
			`units[1].outcomes[0].criteria[0].number: want text, not 1.1 (line 6)`},
		{"title as a number", strings.Replace(fixtureCatalogue, `"title":"Listening"`, `"title":7`, 1),
			`units[0].title: want text, not 7 (line 2)`},
		{"trailing value", fixtureCatalogue + `{"units":[]}`, `catalogue: more follows it (line 10); the file must hold one JSON value`},
		{"trailing garbage", fixtureCatalogue + "\n]", `catalogue: more follows it (line 11); the file must hold one JSON value`},
		{"duplicate top-level key", `{"units":[],"units":[` + unit + `]}`, `units: appears twice (line 1)`},
		{"duplicate nested key", strings.Replace(fixtureCatalogue, `"title":"Networks"`, `"title":"Networks","title":"Other"`, 1),
			`units[1].title: appears twice (line 5)`},
		{"duplicate key in a criterion", `{"units":[{"code":"U3","title":"New","level":1,"credits":1,"outcomes":[{"number":1,"text":"t","criteria":[{"number":"1.1","text":"c","text":"d"}]}]}]}`,
			`units[0].outcomes[0].criteria[0].text: appears twice (line 1)`},
		{"null", `null`, `catalogue: want an object with "units" and "qualifications", not null (line 1)`},
		{"null units", `{"units":null}`, `units: want a list, not null (line 1)`},
		{"null unit", `{"units":[null]}`, `units[0]: want an object, not null (line 1)`},
		{"null title", `{"units":[{"code":"U3","title":null}]}`, `units[0].title: want text, not null (line 1)`},
		{"null at-or-above", strings.Replace(fixtureCatalogue, `"min_credits_at_or_above":{"level":3,"credits":6}`, `"min_credits_at_or_above":null`, 1),
			`qualifications[0].min_credits_at_or_above: want an object, not null (line 8)`},
		{"empty object", `{}`, `catalogue: holds no units and no qualifications`},
		{"empty lists", `{"units":[],"qualifications":[]}`, `catalogue: holds no units and no qualifications`},
		{"empty file", ``, `catalogue: the file is empty`},
		{"unknown field", strings.Replace(fixtureCatalogue, `"text":"Plan listening"`, `"text":"Plan listening","note":"x"`, 1),
			`units[0].outcomes[0].note: unknown field (line 3)`},
		{"missing field", `{"units":[{"code":"U3","title":"New","credits":1,"outcomes":[]}]}`, `units[0].level: required`},
		{"array at top", `[` + unit + `]`, `catalogue: want an object with "units" and "qualifications", not a list (line 1)`},
		{"syntax error", `{"units":[` + unit + `,]}`, `units[1]: invalid character ']' looking for beginning of value (line 1)`},
		{"unterminated", `{"units":[` + unit, `units: the file ends before the list is closed`},
		{"deep nesting", strings.Repeat("[", 100_000), `catalogue: want an object with "units" and "qualifications", not a list (line 1)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCatalogue([]byte(c.doc))
			var pe *PathError
			if err == nil || err.Error() != c.want || !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseCatalogue = %v; want %s", err, c.want)
			}
		})
	}
}

// TestImportCatalogueIsOneTransaction makes the database refuse the
// qualification, the last thing written, and expects none of the units.
func TestImportCatalogueIsOneTransaction(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.db.Exec(`CREATE TRIGGER refuse_quals BEFORE INSERT ON qualifications BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	c, err := ParseCatalogue([]byte(fixtureCatalogue))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ImportCatalogue(ctx, c); err == nil {
		t.Fatal("ImportCatalogue with the qualification refused = nil; want an error")
	}
	if n := count(t, s, `SELECT count(*) FROM units`); n != 0 {
		t.Errorf("units after a refused import = %d; want 0", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'unit'`); n != 0 {
		t.Errorf("audit rows after a refused import = %d; want 0", n)
	}
}
