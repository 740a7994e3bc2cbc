package sqlstore

import (
	"cascade/model"
	"context"
	"encoding/json"
	"testing"
)

// TestCandidatesSameWhicheverWaySelected: everyone's candidacy (read
// without the selection's joins) says of each person exactly what a
// selection naming their cohort, their host or them alone says, roles and
// statuses included.
func TestCandidatesSameWhicheverWaySelected(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	// A withdrawn organiser with achieved units, and a completed one with
	// none, so every status word and both roles are in play.
	var withdrawn, completed int64
	if err := s.DB().QueryRowContext(ctx, `SELECT min(organiser_id) FROM unit_achievements`).Scan(&withdrawn); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT min(o.id) FROM organisers o WHERE NOT EXISTS
		(SELECT 1 FROM unit_achievements a WHERE a.organiser_id = o.id) AND o.role = 'volunteer'`).Scan(&completed); err != nil {
		t.Fatal(err)
	}
	for id, status := range map[int64]string{withdrawn: "withdrawn", completed: "completed"} {
		if _, err := s.DB().ExecContext(ctx, `UPDATE organisers SET status = $1 WHERE id = $2`, status, id); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Candidates(ctx, model.CertSelection{})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]model.Candidate{}
	for _, c := range all {
		byKey[c.Kind+" "+c.Email] = c
	}
	same := func(sel model.CertSelection) {
		t.Helper()
		got, err := s.Candidates(ctx, sel)
		if err != nil {
			t.Fatalf("Candidates(%+v): %v", sel, err)
		}
		if len(got) == 0 {
			t.Fatalf("Candidates(%+v): none", sel)
		}
		for _, c := range got {
			want := byKey[c.Kind+" "+c.Email]
			if sel.Kind == model.KindCompletion {
				want.Qualified = nil // judged only when units certificates are asked for
			}
			g, _ := json.Marshal(c)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("Candidates(%+v):\n got  %s\n everyone's says %s", sel, g, w)
				return
			}
		}
	}
	for _, id := range []int64{withdrawn, completed} {
		var email, host string
		var cohort int
		if err := s.DB().QueryRowContext(ctx, `SELECT p.email, coalesce(h.name, ''), coalesce(c.number, 0) FROM organisers o
			JOIN people p ON p.id = o.person_id LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
			WHERE o.id = $1`, id).Scan(&email, &host, &cohort); err != nil {
			t.Fatal(err)
		}
		same(model.CertSelection{Person: email})
		same(model.CertSelection{Cohort: cohort, Kind: model.KindUnits})
		same(model.CertSelection{Host: host, Kind: model.KindCompletion})
		for _, c := range all {
			if c.Email != email {
				continue
			}
			switch {
			case id == withdrawn && c.Kind == model.KindCompletion && (c.Eligible || c.Why != "withdrawn from the programme"):
				t.Errorf("withdrawn organiser's completion candidacy = %+v; want refused as withdrawn", c)
			case id == withdrawn && c.Kind == model.KindUnits && !c.Eligible:
				t.Errorf("withdrawn organiser's units candidacy = %+v; want eligible (credit once achieved is theirs)", c)
			case id == completed && c.Kind == model.KindCompletion && (!c.Eligible || c.Role != model.RoleVolunteer):
				t.Errorf("completed volunteer's completion candidacy = %+v; want eligible, role volunteer", c)
			}
		}
	}
}
