package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"testing"
)

func TestCohortsAndHostsMatchTheDatabase(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	cohorts, err := s.Cohorts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(*) FROM cohorts`); len(cohorts) != want || want != 14 {
		t.Fatalf("Cohorts = %d; want %d (14)", len(cohorts), want)
	}
	hosts, err := s.Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(*) FROM hosts`); len(hosts) != want {
		t.Fatalf("Hosts = %d; want %d", len(hosts), want)
	}
	flagged, hostsInCohorts := 0, 0
	for _, h := range hosts {
		if h.TeamFlagged() {
			flagged++
		}
	}
	for _, c := range cohorts {
		hostsInCohorts += c.Hosts
	}
	want := count(t, s, `SELECT count(*) FROM (SELECT h.id FROM hosts h
        LEFT JOIN organisers o ON o.host_id = h.id AND o.role = 'senior' AND o.status <> 'withdrawn'
        GROUP BY h.id HAVING count(o.id) NOT BETWEEN 2 AND 5) flagged`)
	if flagged != want || flagged == 0 {
		t.Errorf("hosts flagged for team size: %d; SQL counts %d (the demo plants some)", flagged, want)
	}
	if want := count(t, s, `SELECT count(*) FROM hosts WHERE cohort_id IS NOT NULL`); hostsInCohorts != want {
		t.Errorf("hosts counted in cohorts: %d; want %d", hostsInCohorts, want)
	}
	h := hosts[0]
	orgs, err := s.HostOrganisers(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(*) FROM organisers WHERE host_id = $1`, h.ID); len(orgs) != want {
		t.Errorf("HostOrganisers(%s) = %d; want %d", h.Name, len(orgs), want)
	}
}

func TestSaveCohortAndHost(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	var fe *model.FieldError
	if _, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 0}); !errors.As(err, &fe) || fe.Field != "number" {
		t.Errorf("cohort 0 = %v; want a field error on number", err)
	}
	if _, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 2, TrainingStartsOn: "2013-05-01", TrainingEndsOn: "2013-04-01"}); !errors.As(err, &fe) || fe.Field != "training ends" {
		t.Errorf("ends before start = %v; want a field error on training ends", err)
	}
	cohortID, hostID := seedHost(t, s)
	if _, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 1}); !errors.As(err, &fe) || fe.Field != "number" {
		t.Errorf("second cohort 1 = %v; want a field error on number", err)
	}
	c := model.Cohort{ID: cohortID, Number: 1, HostInductionOn: "2012-10-02", TrainingStartsOn: "2012-11-05", TrainingEndsOn: "2013-10-31"}
	if _, err := s.SaveCohort(ctx, model.LocalUser(), c); err != nil {
		t.Fatal(err)
	}
	if back, _ := readCohort(ctx, s.db, cohortID); back != c {
		t.Errorf("cohort read back %+v; want %+v", back, c)
	}
	if _, err := s.SaveHost(ctx, model.LocalUser(), model.Host{Name: "rural development TRUST", Region: "Wales"}); !errors.As(err, &fe) || fe.Field != "name" {
		t.Errorf("duplicate host name = %v; want a field error on name", err)
	}
	if _, err := s.SaveHost(ctx, model.LocalUser(), model.Host{Name: "Arts Centre", Region: ""}); !errors.As(err, &fe) || fe.Field != "region" {
		t.Errorf("host without region = %v; want a field error on region", err)
	}
	h, _ := s.Host(ctx, hostID)
	h.Partner, h.Kickstarter = "Faith Network", false
	if _, err := s.SaveHost(ctx, model.LocalUser(), h); err != nil {
		t.Fatal(err)
	}
	if back, _ := s.Host(ctx, hostID); back.Seen == h.Seen || withoutSeen(back) != withoutSeen(h) {
		t.Errorf("host read back %+v; want %+v", back, h)
	}
	log, _ := s.AuditLog(ctx, model.AuditFilter{})
	seen := map[string]int{}
	for _, e := range log {
		seen[e.Action+" "+e.Entity]++
	}
	if seen["create cohort"] != 1 || seen["update cohort"] != 1 || seen["create host"] != 1 || seen["update host"] != 1 {
		t.Errorf("audit log holds %v; want one create and one update each for cohort and host", seen)
	}
}
