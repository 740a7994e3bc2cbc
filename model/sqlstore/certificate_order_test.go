package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestCandidatesAsTheOneQueryWouldHave: the organisers' candidates, built
// from ids, buckets and the selection's own registrations, come in cohort,
// host and collated name order and name the qualifications ProgressOf finds, for
// every kind of selection (all, a cohort, a host typed in another case, one
// person, one kind).
func TestCandidatesAsTheOneQueryWouldHave(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	var host, email string
	var cohort int
	if err := s.db.QueryRowContext(ctx, `SELECT h.name, c.number FROM hosts h JOIN cohorts c ON c.id = h.cohort_id
		ORDER BY (SELECT count(*) FROM organisers o WHERE o.host_id = h.id) DESC LIMIT 1`).Scan(&host, &cohort); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT p.email FROM unit_achievements a JOIN organisers o ON o.id = a.organiser_id
		JOIN people p ON p.id = o.person_id JOIN registrations r ON r.organiser_id = o.id
		GROUP BY o.id, p.email ORDER BY count(*) DESC, o.id LIMIT 1`).Scan(&email); err != nil {
		t.Fatal(err)
	}
	sels := []model.CertSelection{
		{},
		{Cohort: cohort},
		{Host: strings.ToUpper(host)},
		{Person: strings.ToUpper(email)},
		{Kind: model.KindUnits},
		{Cohort: cohort, Host: host, Kind: model.KindCompletion},
	}
	for _, sel := range sels {
		t.Run(fmt.Sprintf("%+v", sel), func(t *testing.T) {
			got, err := s.Candidates(ctx, sel)
			if err != nil {
				t.Fatal(err)
			}
			where, args := sel.Where()
			// Email per organiser, in cohort and host order (as SQL orders
			// them) and then by name as a British reader orders them.
			type org struct {
				cohort    int
				host, key string
				id        int64
				email     string
			}
			var orgs []org
			err = s.eachRow(ctx, `SELECT coalesce(c.number, 0), coalesce(h.name, ''), p.family_name, p.given_name, o.id, p.email
				FROM organisers o JOIN people p ON p.id = o.person_id
				LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id WHERE `+where, args,
				func(r *sql.Rows) error {
					var o org
					var family, given string
					err := r.Scan(&o.cohort, &o.host, &family, &given, &o.id, &o.email)
					o.key = model.NameSortKey(family, given)
					orgs = append(orgs, o)
					return err
				})
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(orgs, func(a, b org) int {
				return cmp.Or(cmp.Compare(a.cohort, b.cohort), strings.Compare(a.host, b.host), strings.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
			})
			var want []string
			for _, o := range orgs {
				want = append(want, o.email)
			}
			progress, err := s.ProgressOf(ctx, model.ProgressFilter{Cohort: sel.Cohort, Email: sel.Person})
			if err != nil {
				t.Fatal(err)
			}
			cat, err := s.LoadCatalogue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			titles := map[string]string{}
			for _, q := range cat.Qualifications {
				titles[q.Code] = q.Title
			}
			qualified := map[string][]string{}
			for _, p := range progress {
				if p.Eligible {
					qualified[p.Email] = append(qualified[p.Email], fmt.Sprintf("%s (%s, %d credits)", titles[p.Qualification], p.Size, p.Credits))
				}
			}
			kinds := model.CertificateKinds
			if sel.Kind != "" {
				kinds = []string{sel.Kind}
			}
			at, eligibleUnits := 0, 0
			for _, k := range kinds {
				if k == model.KindTrainer {
					for at < len(got) && got[at].Kind == k {
						at++
					}
					continue
				}
				if len(got)-at < len(want) {
					t.Fatalf("%s: %d candidates left; want %d", k, len(got)-at, len(want))
				}
				for i, e := range want {
					c := got[at+i]
					if c.Kind != k || c.Email != e {
						t.Fatalf("%s candidate %d: %s %s; want %s", k, i, c.Kind, c.Email, e)
					}
					if !slices.IsSortedFunc(c.Units, func(a, b model.CertUnit) int { return strings.Compare(a.Code, b.Code) }) {
						t.Errorf("%s: units not in code order: %v", e, c.Units)
					}
					if k == model.KindUnits {
						if fmt.Sprint(c.Qualified) != fmt.Sprint(qualified[e]) {
							t.Errorf("%s qualified %q; progress says %q", e, c.Qualified, qualified[e])
						}
						if c.Eligible {
							eligibleUnits++
						}
					}
				}
				at += len(want)
			}
			if at != len(got) {
				t.Errorf("%d candidates; the kinds account for %d", len(got), at)
			}
			if len(want) == 0 {
				t.Error("the selection picks nobody: the test proves nothing")
			}
			if slices.Contains(kinds, model.KindUnits) && eligibleUnits == 0 {
				t.Error("nobody eligible for a units certificate: the test proves nothing")
			}
		})
	}
}
