package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"cascade/model"
)

// byteOrder is how SQLite's ORDER BY put these names: every test below
// inserts them in it, so a store that left SQLite's order alone fails.
var byteOrder = []string{"Wood", "Woźniak", "Wróbel", "Wójcik", "Zeng", "van der Berg", "Ó Súilleabháin"}

var wantOrder = []string{"Ó Súilleabháin", "van der Berg", "Wójcik", "Wood", "Woźniak", "Wróbel", "Zeng"}

// Trainers and organisers are listed as a British reader expects, whatever
// SQLite's byte order says.
func TestPeopleListedInCollatedOrder(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, hostID := seedHost(t, s)
	for i, family := range byteOrder {
		if _, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "Ann", FamilyName: family,
			Email: fmt.Sprintf("t%d@example.org", i), Status: model.TrainerActive}); err != nil {
			t.Fatalf("CreateTrainer %s: %v", family, err)
		}
		if _, err := s.CreateOrganiser(ctx, model.LocalUser(), model.Organiser{GivenName: "Bo", FamilyName: family,
			Email: fmt.Sprintf("o%d@example.org", i), Role: model.RoleSenior, HostID: hostID, CohortID: cohortID,
			StartsOn: "2012-11-05", BursaryPence: 2_000_000}); err != nil {
			t.Fatalf("CreateOrganiser %s: %v", family, err)
		}
	}
	tl, err := s.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range tl.Trainers {
		got = append(got, tr.FamilyName)
	}
	if !slices.Equal(got, wantOrder) {
		t.Errorf("Trainers = %q; want %q", got, wantOrder)
	}

	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, r := range rows {
		got = append(got, r.FamilyName)
	}
	if !slices.Equal(got, wantOrder) {
		t.Errorf("OrganiserRows = %q; want %q", got, wantOrder)
	}
	// Sorting by name descending reverses the collated order, not the bytes.
	ptrs := model.FilterOrganisers(rows, model.OrganiserFilter{})
	model.SortOrganisers(ptrs, model.SortName, true)
	got = got[:0]
	for _, r := range ptrs {
		got = append(got, r.FamilyName)
	}
	rev := slices.Clone(wantOrder)
	slices.Reverse(rev)
	if !slices.Equal(got, rev) {
		t.Errorf("SortOrganisers(name, descending) = %q; want %q", got, rev)
	}
}

// A claim's lines come in collated learner order, each learner's units
// still by code.
func TestByNameKeepsEachPersonsRowsInOrder(t *testing.T) {
	var rows []named[string]
	for _, r := range []struct{ family, unit string }{{"Wróbel", "U1"}, {"Wójcik", "U1"}, {"Wróbel", "U2"}, {"Wójcik", "U2"}} {
		rows = append(rows, nameRow(r.family+" "+r.unit, r.family, "Ann"))
	}
	got := byName(rows)
	want := []string{"Wójcik U1", "Wójcik U2", "Wróbel U1", "Wróbel U2"}
	if !slices.Equal(got, want) {
		t.Fatalf("byName = %q; want %q", got, want)
	}
}
