package sqlstore

import (
	"context"
	"strings"
	"testing"

	"cascade/model"
)

// The audit log reads as sentences with names, from real rows: who changed
// whose host from which host to which.
func TestAuditLogReadsAsSentences(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, _ := seedHost(t, s)
	host := func(name string) int64 {
		id, err := s.SaveHost(ctx, model.LocalUser(), model.Host{Name: name, Region: "North West", Setting: model.SettingUrban, CohortID: cohortID})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	oldham, salford := host("Oldham Unity"), host("Salford Tenants")
	if _, err := s.CreateUser(ctx, model.LocalUser(), model.NewUser{Username: "gareth", DisplayName: "Gareth Llewelyn", Role: model.RoleLead, Password: "password-gareth"}); err != nil {
		t.Fatal(err)
	}
	gareth, err := s.SignIn(ctx, "gareth", "password-gareth")
	if err != nil {
		t.Fatal(err)
	}
	o := model.Organiser{GivenName: "Michał", FamilyName: "Krawczyk", Email: "michal@example.org", Role: model.RoleSenior,
		HostID: oldham, CohortID: cohortID, StartsOn: "2012-11-05", BursaryPence: 2_000_000}
	if o.ID, err = s.CreateOrganiser(ctx, gareth, o); err != nil {
		t.Fatal(err)
	}
	moved := o
	moved.HostID = salford
	if err := s.UpdateOrganiser(ctx, gareth, moved); err != nil {
		t.Fatal(err)
	}
	later := moved
	later.StartsOn, later.BursaryPence = "2012-12-01", 1_500_000
	if err := s.UpdateOrganiser(ctx, gareth, later); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, model.AuditFilter{Entity: "organiser"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Sentence())
	}
	want := []string{
		"Gareth Llewelyn changed Michał Krawczyk's bursary from £20,000.00 to £15,000.00 and start date from 5 Nov 2012 to 1 Dec 2012",
		"Gareth Llewelyn changed Michał Krawczyk's host from Oldham Unity to Salford Tenants",
		"Gareth Llewelyn added organiser Michał Krawczyk",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log reads\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, e := range log {
		if strings.ContainsAny(e.Sentence(), "{}\"") {
			t.Errorf("sentence %q still shows JSON", e.Sentence())
		}
	}
}
