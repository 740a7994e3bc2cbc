package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"
)

// The dashboard, its charts and the flags count the organisers once, in
// host and cohort groups added up in Go (organiserGroups). These tests hold
// them to what the screens showed before, written out here as it was: one
// grouped SQL query per figure, and the flags counted over OrganiserRows by
// model.OrganiserRow.Flags and over Hosts by TeamFlagged. They run on the
// demo bent into corners it does not reach.

// oldCharts reads the charts as DashboardCharts read them before.
func oldCharts(t *testing.T, s *Store) model.DashboardCharts {
	t.Helper()
	ctx := context.Background()
	var c model.DashboardCharts
	if err := s.db.QueryRowContext(ctx, `SELECT senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&c.SeniorTarget, &c.VolunteerTarget); err != nil {
		t.Fatal(err)
	}
	group := func(label string) []model.GroupCount {
		var out []model.GroupCount
		err := s.eachRow(ctx, `SELECT `+label+`, `+headcountCols+`
            FROM organisers o LEFT JOIN hosts h ON h.id = o.host_id GROUP BY 1 ORDER BY 1`, nil, func(r *sql.Rows) error {
			var g model.GroupCount
			var completed, withdrawn int
			err := r.Scan(&g.Name, &g.Seniors, &g.Volunteers, &completed, &withdrawn)
			out = append(out, g)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	c.ByRegion = group(`coalesce(nullif(h.region, ''), 'No region')`)
	c.BySetting = group(`coalesce(h.setting, 'no host')`)
	var seniors, volunteers int
	err := s.eachRow(ctx, `SELECT c.number, coalesce(c.training_starts_on, ''), `+headcountCols+`
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id
        GROUP BY c.id, c.number, c.training_starts_on ORDER BY c.training_starts_on, c.number`, nil,
		func(r *sql.Rows) error {
			var p model.ProgressPoint
			var completed, withdrawn int
			if err := r.Scan(&p.Cohort, &p.StartsOn, &p.Seniors, &p.Volunteers, &completed, &withdrawn); err != nil {
				return err
			}
			c.ByCohort = append(c.ByCohort, model.GroupCount{Name: fmt.Sprint(p.Cohort), Seniors: p.Seniors, Volunteers: p.Volunteers})
			seniors += p.Seniors
			volunteers += p.Volunteers
			p.Seniors, p.Volunteers = seniors, volunteers
			c.Progress = append(c.Progress, p)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// oldDashboard is what Dashboard read of the organisers before: the
// totals, the cohorts' counts, the host counts and the flags.
func oldDashboard(t *testing.T, s *Store) model.Dashboard {
	t.Helper()
	ctx := context.Background()
	var d model.Dashboard
	var completed int
	if err := s.db.QueryRowContext(ctx, `SELECT `+headcountCols+` FROM organisers o`).
		Scan(&d.Seniors, &d.Volunteers, &completed, &d.Withdrawn); err != nil {
		t.Fatal(err)
	}
	err := s.eachRow(ctx, `SELECT c.number, (SELECT count(*) FROM hosts h WHERE h.cohort_id = c.id), `+headcountCols+`
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id
        GROUP BY c.id, c.number ORDER BY c.number`, nil, func(r *sql.Rows) error {
		var c model.CohortCount
		var completed, withdrawn int
		err := r.Scan(&c.Number, &c.Hosts, &c.Seniors, &c.Volunteers, &completed, &withdrawn)
		d.Cohorts = append(d.Cohorts, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Hosts = count(t, s, `SELECT count(*) FROM hosts`)
	d.KickstarterHosts = count(t, s, `SELECT count(*) FROM hosts WHERE kickstarter = 1`)
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]int{}
	for _, o := range rows {
		for _, f := range o.Flags() {
			flagged[f]++
		}
	}
	hosts, err := s.Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if h.TeamFlagged() {
			flagged[model.FlagOfHosts]++
		}
	}
	gaps, err := s.trainerGaps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged[model.FlagOfTrainers] = gaps
	for _, f := range []struct{ name, of, flag string }{
		{"hosts with a team outside 2-5", model.FlagOfHosts, ""},
		{"trainers without a trainer", model.FlagOfTrainers, ""},
		{"organisers without a host", model.FlagOfOrganisers, model.FlagNoHost},
		{"organisers without a cohort", model.FlagOfOrganisers, model.FlagNoCohort},
		{"volunteers without a senior", model.FlagOfOrganisers, model.FlagNoSenior},
	} {
		key := f.flag
		if key == "" {
			key = f.of
		}
		if n := flagged[key]; n > 0 {
			d.Flags = append(d.Flags, model.Flag{Name: f.name, Count: n, Of: f.of, Organiser: f.flag})
		}
	}
	return d
}

// checkDashboardAgrees compares Dashboard, DashboardCharts and Check's
// flags with the former reads.
func checkDashboardAgrees(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	want := oldDashboard(t, s)
	got, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"seniors", got.Seniors, want.Seniors}, {"volunteers", got.Volunteers, want.Volunteers},
		{"withdrawn", got.Withdrawn, want.Withdrawn}, {"cohorts", got.Cohorts, want.Cohorts},
		{"hosts", got.Hosts, want.Hosts}, {"kickstarters", got.KickstarterHosts, want.KickstarterHosts},
		{"flags", got.Flags, want.Flags},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("dashboard %s = %+v; before it was %+v", c.name, c.got, c.want)
		}
	}
	var r model.CheckReport
	if err := s.countFlags(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Flags, want.Flags) {
		t.Errorf("check's flags = %+v; before they were %+v", r.Flags, want.Flags)
	}
	charts, err := s.DashboardCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if old := oldCharts(t, s); !reflect.DeepEqual(charts, old) {
		t.Errorf("charts =\n%+v\nbefore they were\n%+v", charts, old)
	}
}

func TestDashboardCountsAgreeOnDemo(t *testing.T) {
	checkDashboardAgrees(t, sharedDemo(t))
}

// TestDashboardCountsAgreeOnCorners bends a copy of the demo: hosts with no
// region, regions in lower case and with accents and spaces that sort
// differently by bytes and by a server's collation, a host nobody joined
// (a team of 0), a host of six seniors, a cohort with no organisers and no
// start date, organisers with no host, no cohort or no senior, withdrawn
// ones among them, and a withdrawn senior supporting nobody.
func TestDashboardCountsAgreeOnCorners(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	now := model.Now()
	exec := execOn(t, s.db)
	exec(`INSERT INTO cohorts (id, number, created_at) VALUES (9001, 901, $1), (9002, 902, $1)`, now)
	exec(`INSERT INTO hosts (id, name, region, setting, kickstarter, cohort_id, created_at) VALUES
        (9001, 'Empty Trust', '', 'rural', 1, 9001, $1),
        (9002, 'Lower Trust', 'north east', 'urban', 0, NULL, $1),
        (9003, 'Island Trust', 'Île de Man', 'rural', 0, 9002, $1),
        (9004, 'Spaced Trust', 'No  region', 'urban', 0, 9002, $1),
        (9005, 'Big Trust', 'a-region', 'urban', 0, 9002, $1)`, now)
	// Six active seniors to the big host; some organisers lose their host,
	// cohort or senior; some of them withdrawn.
	exec(`UPDATE organisers SET host_id = 9005, cohort_id = 9002 WHERE id IN
        (SELECT id FROM organisers WHERE role = 'senior' AND status = 'active' ORDER BY id LIMIT 6)`)
	exec(`UPDATE organisers SET host_id = NULL WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 7)`)
	exec(`UPDATE organisers SET cohort_id = NULL WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id DESC LIMIT 5)`)
	exec(`UPDATE organisers SET supported_by_id = NULL WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 3 OFFSET 20)`)
	exec(`UPDATE organisers SET status = 'withdrawn' WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 2 OFFSET 21)`)
	exec(`UPDATE organisers SET host_id = 9002, cohort_id = 9002 WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 4 OFFSET 40)`)
	exec(`UPDATE organisers SET host_id = 9003, cohort_id = NULL WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 2 OFFSET 50)`)
	exec(`UPDATE organisers SET host_id = 9004 WHERE id IN (SELECT id FROM organisers WHERE role = 'volunteer' ORDER BY id LIMIT 2 OFFSET 60)`)
	exec(`UPDATE organisers SET status = 'withdrawn', host_id = NULL WHERE id IN
        (SELECT id FROM organisers o WHERE role = 'senior' AND status = 'active'
         AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id) ORDER BY id LIMIT 1)`)
	checkDashboardAgrees(t, s)
	d, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Flags) < 5 {
		t.Errorf("flags %+v; want all five kinds on these corners", d.Flags)
	}
}

// TestDashboardCountsAgreeWhenEmpty: a programme with no organisers, hosts
// or cohorts yet, and one with a single organiser belonging nowhere.
func TestDashboardCountsAgreeWhenEmpty(t *testing.T) {
	s := newTestStore(t)
	checkDashboardAgrees(t, s)
	c, err := s.DashboardCharts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.ByRegion != nil || c.BySetting != nil || c.Progress != nil {
		t.Errorf("charts of nobody = %+v; want none", c)
	}
	now := model.Now()
	if _, err := s.db.Exec(`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at)
        VALUES (1, 'Ivy', 'Loose', 'ivy@example.org', $1, $1)`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO organisers (id, person_id, role, status, created_at, updated_at)
        VALUES (1, 1, 'volunteer', 'active', $1, $1)`, now); err != nil {
		t.Fatal(err)
	}
	checkDashboardAgrees(t, s)
}
