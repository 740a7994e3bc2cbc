package model

import (
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

func TestCatalogueRefusesHostileText(t *testing.T) {
	unit := func(edit func(*Unit)) Catalogue {
		u := Unit{Code: "U1", Title: "Listening", Level: 2, Credits: 3, Outcomes: []Outcome{
			{Number: 1, Text: "Plan", Criteria: []Criterion{{Number: "1.1", Text: "Plan it"}}}}}
		edit(&u)
		return Catalogue{Units: []Unit{u}}
	}
	cases := []struct {
		name string
		c    Catalogue
		want string
	}{
		{"million-character title", unit(func(u *Unit) { u.Title = strings.Repeat("x", 1_000_000) }),
			"units[0].title: is 1000000 characters long; at most 300"},
		{"escape in code", unit(func(u *Unit) { u.Code = "U1\x1b" }), "units[0].code: contains a control character (U+001B) at position 3"},
		{"override in outcome", unit(func(u *Unit) { u.Outcomes[0].Text = "\u202ePlan" }),
			"units[0].outcomes[0].text: contains a bidirectional control character, which can reorder the text (U+202E) at position 1"},
		{"newline in criterion", unit(func(u *Unit) { u.Outcomes[0].Criteria[0].Text = "Plan\nit" }),
			"units[0].outcomes[0].criteria[0].text: contains a line break (U+000A) at position 5"},
		{"qualification title", Catalogue{Qualifications: []Qualification{{Code: "Q", Title: "Cert\u2067", Level: 3,
			Groups: []Group{{Name: "G", Units: []string{"U1"}}}}}},
			"qualifications[0].title: contains a bidirectional control character, which can reorder the text (U+2067) at position 5"},
		{"group name", Catalogue{Qualifications: []Qualification{{Code: "Q", Title: "Cert", Level: 3,
			Groups: []Group{{Name: "\ufeff", Units: []string{"U1"}}}}}},
			"qualifications[0].groups[0].name: contains an invisible format character (U+FEFF) at position 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.c.Validate(map[string]bool{"U1": true})
			if err == nil || err.Error() != c.want || !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %.200v; want %s", err, c.want)
			}
		})
	}
}
