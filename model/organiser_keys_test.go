package model

import (
	"testing"
)

// TestSetOrganiserKeysAsFold: the shared, part-by-part keys are exactly what
// folding each whole row and NameSortKey give, for the awkward cases too.
func TestSetOrganiserKeysAsFold(t *testing.T) {
	rows := []OrganiserRow{
		{GivenName: "Ann", FamilyName: "O'BRIEN-Smith", Email: "Ann.OBrien@Example.ORG", HostName: "Rural Trust 2"},
		{GivenName: "Zoë", FamilyName: "Hart", Email: "zh@example.org", HostName: "Café Hub"},
		{GivenName: "Zoë", FamilyName: "HÄRT", Email: "zh2@example.org"},        // the same name again: remembered
		{GivenName: "\u0301Ana", FamilyName: "e\u0301\u0327", Email: "a@b.org"}, // marks opening and ending a part
		{GivenName: "İLKER", FamilyName: "IŞIK", Email: "ik@example.org"},       // Turkish dotted and dotless i
		{GivenName: "ẞTRASSE", FamilyName: "ΟΔΟΣ", Email: "Σ@example.org"},      // capital sharp s, final sigma
		{GivenName: "", FamilyName: "Nguyễn", Email: "", HostName: ""},          // empty parts
		{GivenName: "Bad\xff", FamilyName: "\xe2\x82", Email: "x@y.org"},        // broken UTF-8 still agrees
		{GivenName: "Дмитрий", FamilyName: "Йорк", Email: "DY@example.org", HostName: "Łódź"},
	}
	want := make([][2]string, len(rows))
	for i, r := range rows {
		want[i] = [2]string{
			Fold(r.GivenName + " " + r.FamilyName + "\x00" + r.Email + "\x00" + r.HostName),
			NameSortKey(r.FamilyName, r.GivenName),
		}
	}
	SetOrganiserKeys(rows)
	for i := range rows {
		if rows[i].Search != want[i][0] {
			t.Errorf("row %d search %q; want %q", i, rows[i].Search, want[i][0])
		}
		if rows[i].SortName != want[i][1] {
			t.Errorf("row %d sort key %q; want %q", i, rows[i].SortName, want[i][1])
		}
		// SearchText and NameKey hand back the stored keys.
		if rows[i].SearchText() != want[i][0] || rows[i].NameKey() != want[i][1] {
			t.Errorf("row %d: SearchText or NameKey differs from the stored key", i)
		}
	}
}

// TestSetOrganiserKeysSearchFindsAccented: keys filled in bulk still let an
// unaccented query find an accented name, and only that row.
func TestSetOrganiserKeysSearchFindsAccented(t *testing.T) {
	rows := []OrganiserRow{
		{ID: 1, GivenName: "Łukasz", FamilyName: "Nowak", Email: "ln@example.org"},
		{ID: 2, GivenName: "Lukas", FamilyName: "Novak", Email: "lv@example.org"},
	}
	SetOrganiserKeys(rows)
	got := FilterOrganisers(rows, OrganiserFilter{Text: "lukasz"})
	if len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("search lukasz found %d rows; want only Łukasz", len(got))
	}
}

// TestSetOrganiserKeysEmpty: no rows, no keys, no panic.
func TestSetOrganiserKeysEmpty(t *testing.T) {
	SetOrganiserKeys(nil)
	SetOrganiserKeys([]OrganiserRow{})
}
