package model

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë Hart":             "zoe hart",
		"Łukasz Nowak":         "lukasz nowak",
		"Aoife Ó Súilleabháin": "aoife o suilleabhain",
		"Ŵyn":                  "wyn",
		"Nguyễn Thị Lan":       "nguyen thi lan",
		"Σοφία":                "σοφια",
		"Дмитрий Йорк":         "дмитрии иорк", // й is и with a breve: folded like any accent
		"Søren Straße":         "soren strasse",
		"ann@EXAMPLE.org":      "ann@example.org",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestSearchIgnoresAccents: a search typed without accents, or with them,
// finds the same people.
func TestSearchIgnoresAccents(t *testing.T) {
	rows := []OrganiserRow{
		{GivenName: "Zoë", FamilyName: "Hart", Email: "zh@example.org"},
		{GivenName: "Łukasz", FamilyName: "Nowak", Email: "ln@example.org"},
		{GivenName: "Thị Lan", FamilyName: "Nguyễn", Email: "tln@example.org"},
		{GivenName: "Zoe", FamilyName: "Smith", Email: "zs@example.org"},
	}
	for q, want := range map[string]int{"zoe": 2, "ZOË": 2, "zoë hart": 1, "lukasz": 1, "Łukasz": 1, "nguyen lan": 1, "nguyễn": 1, "hart nowak": 0} {
		if got := len(FilterOrganisers(rows, OrganiserFilter{Text: q})); got != want {
			t.Errorf("search %q found %d; want %d", q, got, want)
		}
	}
}
