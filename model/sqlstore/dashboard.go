package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// organiserGroupsSQL counts the organisers of each host and cohort pair
// (headcountCols), with every organiser in all and volunteers with no senior
// in no_senior: the dashboard, its charts, the flags and the cohorts screen
// add these few thousand groups up in Go rather than each reading all the
// organisers again. A missing host or cohort reads 0, as model.OrganiserRow
// has it. The index organisers_host_cohort holds every column it reads, in
// its order, so neither store reads a row or sorts.
const organiserGroupsSQL = `SELECT coalesce(o.host_id, 0), coalesce(o.cohort_id, 0), count(*),
        ` + headcountCols + `,
        coalesce(sum(CASE WHEN o.role = 'volunteer' AND coalesce(o.supported_by_id, 0) = 0 THEN 1 ELSE 0 END), 0)
        FROM organisers o GROUP BY o.host_id, o.cohort_id`

// organiserGroup is one row of organiserGroupsSQL.
type organiserGroup struct {
	hostID, cohortID                          int64
	all, seniors, volunteers, completed, gone int
	noSenior                                  int
}

// organiserGroups reads organiserGroupsSQL.
func (s *Store) organiserGroups(ctx context.Context) ([]organiserGroup, error) {
	var out []organiserGroup
	err := s.eachRow(ctx, organiserGroupsSQL, nil, func(r *sql.Rows) error {
		var g organiserGroup
		err := r.Scan(&g.hostID, &g.cohortID, &g.all, &g.seniors, &g.volunteers, &g.completed, &g.gone, &g.noSenior)
		out = append(out, g)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count organisers: %w", err)
	}
	return out, nil
}

// hostFact is what the dashboard and the flags need of one host.
type hostFact struct {
	id, cohortID int64
	kickstarter  bool
}

// hostFacts reads every host's id, cohort and kickstarter mark.
func (s *Store) hostFacts(ctx context.Context) ([]hostFact, error) {
	var out []hostFact
	err := s.eachRow(ctx, `SELECT id, coalesce(cohort_id, 0), kickstarter FROM hosts`, nil, func(r *sql.Rows) error {
		var h hostFact
		var k int
		err := r.Scan(&h.id, &h.cohortID, &k)
		h.kickstarter = k == 1
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read hosts: %w", err)
	}
	return out, nil
}

// Dashboard reads the dashboard's numbers. The organisers are read once,
// in groups (organiserGroups), for the totals, the cohorts and the flags.
func (s *Store) Dashboard(ctx context.Context) (model.Dashboard, error) {
	var d model.Dashboard
	err := s.db.QueryRowContext(ctx,
		`SELECT name, senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&d.Programme, &d.SeniorTarget, &d.VolunteerTarget)
	if err != nil {
		return d, fmt.Errorf("dashboard programme: %w", err)
	}
	groups, err := s.organiserGroups(ctx)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	hosts, err := s.hostFacts(ctx)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	type cohortSum struct{ hosts, seniors, volunteers int }
	byCohort := map[int64]*cohortSum{}
	sumOf := func(id int64) *cohortSum {
		c := byCohort[id]
		if c == nil {
			c = &cohortSum{}
			byCohort[id] = c
		}
		return c
	}
	for _, g := range groups {
		d.Seniors += g.seniors
		d.Volunteers += g.volunteers
		d.Withdrawn += g.gone
		c := sumOf(g.cohortID)
		c.seniors += g.seniors
		c.volunteers += g.volunteers
	}
	d.Hosts = len(hosts)
	for _, h := range hosts {
		if h.kickstarter {
			d.KickstarterHosts++
		}
		sumOf(h.cohortID).hosts++
	}
	err = s.eachRow(ctx, `SELECT id, number FROM cohorts ORDER BY number`, nil, func(r *sql.Rows) error {
		var id int64
		var c model.CohortCount
		if err := r.Scan(&id, &c.Number); err != nil {
			return err
		}
		if id != 0 { // 0 is no cohort's group
			if sum := byCohort[id]; sum != nil {
				c.Hosts, c.Seniors, c.Volunteers = sum.hosts, sum.seniors, sum.volunteers
			}
		}
		d.Cohorts = append(d.Cohorts, c)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("dashboard cohorts: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(submitted_at), '')
        FROM evidence_items WHERE status = 'submitted'`).Scan(&d.EvidenceAwaiting, &d.OldestAwaiting)
	if err != nil {
		return d, fmt.Errorf("dashboard evidence: %w", err)
	}
	err = s.scanCounts(ctx, []countQuery{
		{&d.UnitsAchieved, `SELECT count(*) FROM unit_achievements`},
		{&d.Trainers, `SELECT count(*) FROM trainers`},
		{&d.ActiveTrainers, `SELECT count(*) FROM trainers WHERE status IN ('accredited', 'active')`},
		{&d.TrainerGenerations, trainerGenerationsCTE + ` SELECT coalesce(max(generation), 0) FROM gen`},
		{&d.SeniorsSupporting, `SELECT ` + seniorsSupportingCol + ` FROM organisers o`},
	})
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	var r model.CheckReport
	if err := s.flagsFrom(ctx, groups, hosts, &r); err != nil {
		return d, err
	}
	d.Flags = r.Flags
	return d, nil
}

// chartLabelsSQL lists every label the region (1) and setting (2) charts
// can show, in the order the database sorts them, so the charts keep the
// database's collation while their counts are added up in Go.
const chartLabelsSQL = `SELECT 1, coalesce(nullif(region, ''), 'No region') FROM hosts
        UNION SELECT 1, 'No region'
        UNION SELECT 2, setting FROM hosts
        UNION SELECT 2, 'no host'
        ORDER BY 1, 2`

// DashboardCharts reads the chart series from one grouped read of the
// organisers (organiserGroups) and the small host and cohort tables.
// Seniors and volunteers are headcountCols' figures, as every table's.
func (s *Store) DashboardCharts(ctx context.Context) (model.DashboardCharts, error) {
	var c model.DashboardCharts
	err := s.db.QueryRowContext(ctx, `SELECT senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&c.SeniorTarget, &c.VolunteerTarget)
	if err != nil {
		return c, fmt.Errorf("dashboard charts: %w", err)
	}
	groups, err := s.organiserGroups(ctx)
	if err != nil {
		return c, fmt.Errorf("dashboard charts: %w", err)
	}
	type labels struct{ region, setting string }
	hostLabels := map[int64]labels{}
	err = s.eachRow(ctx, `SELECT id, coalesce(nullif(region, ''), 'No region'), setting FROM hosts`, nil, func(r *sql.Rows) error {
		var id int64
		var l labels
		err := r.Scan(&id, &l.region, &l.setting)
		hostLabels[id] = l
		return err
	})
	if err != nil {
		return c, fmt.Errorf("dashboard charts hosts: %w", err)
	}
	// A group counts under its host's labels; no host (or one not found,
	// as the LEFT JOIN this replaces had it) under "No region", "no host".
	byRegion, bySetting := map[string]*model.GroupCount{}, map[string]*model.GroupCount{}
	add := func(m map[string]*model.GroupCount, name string, g organiserGroup) {
		gc := m[name]
		if gc == nil {
			gc = &model.GroupCount{Name: name}
			m[name] = gc
		}
		gc.Seniors += g.seniors
		gc.Volunteers += g.volunteers
	}
	byCohort := map[int64]*organiserGroup{}
	for _, g := range groups {
		l, ok := hostLabels[g.hostID]
		if g.hostID == 0 || !ok {
			l = labels{"No region", "no host"}
		}
		add(byRegion, l.region, g)
		add(bySetting, l.setting, g)
		if g.cohortID != 0 {
			sum := byCohort[g.cohortID]
			if sum == nil {
				sum = &organiserGroup{}
				byCohort[g.cohortID] = sum
			}
			sum.seniors += g.seniors
			sum.volunteers += g.volunteers
		}
	}
	err = s.eachRow(ctx, chartLabelsSQL, nil, func(r *sql.Rows) error {
		var chart int
		var name string
		if err := r.Scan(&chart, &name); err != nil {
			return err
		}
		if chart == 1 && byRegion[name] != nil {
			c.ByRegion = append(c.ByRegion, *byRegion[name])
		}
		if chart == 2 && bySetting[name] != nil {
			c.BySetting = append(c.BySetting, *bySetting[name])
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("dashboard charts labels: %w", err)
	}
	var seniors, volunteers int
	err = s.eachRow(ctx, `SELECT id, number, coalesce(training_starts_on, '') FROM cohorts
        ORDER BY training_starts_on, number`, nil, func(r *sql.Rows) error {
		var id int64
		var p model.ProgressPoint
		if err := r.Scan(&id, &p.Cohort, &p.StartsOn); err != nil {
			return err
		}
		if sum := byCohort[id]; sum != nil && id != 0 {
			p.Seniors, p.Volunteers = sum.seniors, sum.volunteers
		}
		c.ByCohort = append(c.ByCohort, model.GroupCount{Name: strconv.Itoa(p.Cohort), Seniors: p.Seniors, Volunteers: p.Volunteers})
		seniors += p.Seniors
		volunteers += p.Volunteers
		p.Seniors, p.Volunteers = seniors, volunteers
		c.Progress = append(c.Progress, p)
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("dashboard charts by cohort: %w", err)
	}
	return c, nil
}
