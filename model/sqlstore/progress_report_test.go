package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// progressByGroupSQL is the progress report as it was read before issue 14:
// one pass over every organiser per group. ProgressReport now reads them
// once; it must give exactly these rows, in this order.
const progressByGroupSQL = `SELECT %s,
       count(DISTINCT h.id), ` + headcountCols + `,
       coalesce(sum((SELECT count(*) FROM unit_achievements ua WHERE ua.organiser_id = o.id)), 0)
FROM organisers o
LEFT JOIN hosts h ON h.id = o.host_id
LEFT JOIN cohorts c ON c.id = o.cohort_id
WHERE ($1 = 0 OR c.number = $1)
GROUP BY %s ORDER BY %s`

// progressByGroup reads the report the old way, for comparison.
func progressByGroup(t *testing.T, s *Store, cohort int) model.ProgressReport {
	t.Helper()
	ctx := context.Background()
	r := model.ProgressReport{Cohort: cohort}
	if err := s.db.QueryRowContext(ctx, `SELECT name, senior_target, volunteer_target, cohort_target FROM programme WHERE id = 1`).
		Scan(&r.Programme, &r.SeniorTarget, &r.VolunteerTarget, &r.CohortTarget); err != nil {
		t.Fatal(err)
	}
	group := func(key, group, order string) []model.ProgressRow {
		rows, err := s.db.QueryContext(ctx, fmt.Sprintf(progressByGroupSQL, key, group, order), cohort)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []model.ProgressRow
		for rows.Next() {
			var p model.ProgressRow
			if err := rows.Scan(&p.Label, &p.Region, &p.Cohort, &p.Hosts, &p.Seniors, &p.Volunteers, &p.Completed, &p.Withdrawn, &p.Units); err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if total := group(`'All', '', 0`, `1`, `1`); len(total) == 1 {
		r.Total = total[0]
	}
	r.ByCohort = group(`CASE WHEN c.number IS NULL THEN 'No cohort' ELSE 'Cohort ' || c.number END, '', coalesce(c.number, 0)`,
		`c.number`, `coalesce(c.number, 0)`)
	r.ByHost = group(`coalesce(h.name, 'No host'), coalesce(h.region, ''), coalesce((SELECT number FROM cohorts hc WHERE hc.id = h.cohort_id), 0)`,
		`h.id`, `coalesce(h.name, 'No host')`)
	r.ByRegion = group(`CASE WHEN coalesce(h.region, '') = '' THEN 'No region' ELSE coalesce(h.region, '') END, '', 0`,
		`coalesce(h.region, '')`, `coalesce(h.region, '')`)
	return r
}

// sameProgress fails the test when ProgressReport differs from the old
// per-group reading for cohort.
func sameProgress(t *testing.T, s *Store, cohort int) model.ProgressReport {
	t.Helper()
	got, err := s.ProgressReport(context.Background(), cohort)
	if err != nil {
		t.Fatalf("ProgressReport(%d): %v", cohort, err)
	}
	want := progressByGroup(t, s, cohort)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProgressReport(%d) =\n%+v\nwant (one pass per group)\n%+v", cohort, got, want)
	}
	return got
}

func TestProgressReportOnePassMatchesPerGroupPasses(t *testing.T) {
	s, _ := demoDB(t)
	for _, cohort := range []int{0, 1, 7, 14} {
		r := sameProgress(t, s, cohort)
		if len(r.ByHost) == 0 || r.Total.Seniors == 0 {
			t.Errorf("cohort %d: no hosts or seniors: %+v", cohort, r.Total)
		}
	}
}

// An empty programme has no total row and no groups, as before.
func TestProgressReportOnePassEmptyProgramme(t *testing.T) {
	s := newTestStore(t)
	r := sameProgress(t, s, 0)
	if r.Total != (model.ProgressRow{}) || len(r.ByCohort)+len(r.ByHost)+len(r.ByRegion) != 0 {
		t.Errorf("empty programme: %+v", r)
	}
}

// A cohort nobody is in: nothing, not a row of zeros.
func TestProgressReportOnePassCohortWithNobody(t *testing.T) {
	s, _ := demoDB(t)
	r := sameProgress(t, s, 99)
	if r.Total != (model.ProgressRow{}) || len(r.ByHost) != 0 {
		t.Errorf("cohort 99: %+v", r)
	}
}

// Organisers with no host, with no cohort, at a host with no region, at a
// host of no cohort and a withdrawn one (units come from the demo test): each group counts
// them as the per-group passes did, the "No host", "No cohort" and "No
// region" rows too, and a host's hosts count is 1 or 0.
func TestProgressReportOnePassOddOrganisers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "odd.db")
	if _, err := CreateImportBase(ctx, path); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	csv := filepath.Join(t.TempDir(), "odd.csv")
	if err := os.WriteFile(csv, []byte(`given_name,family_name,email,role,host,cohort,start_date,supported_by
Ann,Hostless,ann@example.org,senior,,1,2012-09-03,
Ben,Cohortless,ben@example.org,senior,North Trust,,2012-09-03,
Cai,East,cai@example.org,volunteer,East Trust,1,2012-09-03,ann@example.org
Dee,Nowhere,dee@example.org,volunteer,,,2012-09-03,
Eve,South,eve@example.org,senior,South Trust,1,2012-09-03,
`), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, csv, model.ImportOptions{})
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("import: %v %+v", err, res.Problems)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE hosts SET region = 'Wales' WHERE name = 'South Trust'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE organisers SET status = 'withdrawn'
		WHERE person_id = (SELECT id FROM people WHERE email = 'eve@example.org')`); err != nil {
		t.Fatal(err)
	}
	for _, cohort := range []int{0, 1} {
		sameProgress(t, s, cohort)
	}
	r := sameProgress(t, s, 0)
	if r.Total.Seniors != 2 || r.Total.Volunteers != 2 || r.Total.Withdrawn != 1 || r.Total.Hosts != 3 {
		t.Errorf("total %+v; want 2 seniors and 2 volunteers not withdrawn, 1 withdrawn, 3 hosts", r.Total)
	}
	labels := map[string]model.ProgressRow{}
	for _, g := range [][]model.ProgressRow{r.ByCohort, r.ByHost, r.ByRegion} {
		for _, p := range g {
			labels[p.Label] = p
		}
	}
	for _, l := range []string{"No host", "No cohort", "No region", "Wales", "Cohort 1"} {
		if _, ok := labels[l]; !ok {
			t.Errorf("no %q row in %+v", l, labels)
		}
	}
	if nh := labels["No host"]; nh.Hosts != 0 || nh.Seniors != 1 || nh.Volunteers != 1 {
		t.Errorf("No host row %+v; want 0 hosts, Ann and Dee", nh)
	}
}
