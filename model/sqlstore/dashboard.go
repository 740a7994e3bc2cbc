package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
)

// dashboardCohortsSQL counts hosts and people per cohort (headcountCols).
const dashboardCohortsSQL = `SELECT c.number,
        (SELECT count(*) FROM hosts h WHERE h.cohort_id = c.id),
        ` + headcountCols + `
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id
        GROUP BY c.id, c.number ORDER BY c.number`

// Dashboard reads the dashboard's numbers.
func (s *Store) Dashboard(ctx context.Context) (model.Dashboard, error) {
	var d model.Dashboard
	err := s.db.QueryRowContext(ctx,
		`SELECT name, senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&d.Programme, &d.SeniorTarget, &d.VolunteerTarget)
	if err != nil {
		return d, fmt.Errorf("dashboard programme: %w", err)
	}
	var completed int
	err = s.db.QueryRowContext(ctx, `SELECT `+headcountCols+` FROM organisers o`).
		Scan(&d.Seniors, &d.Volunteers, &completed, &d.Withdrawn)
	if err != nil {
		return d, fmt.Errorf("dashboard organisers: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, dashboardCohortsSQL)
	if err != nil {
		return d, fmt.Errorf("dashboard cohorts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c model.CohortCount
		var completed, withdrawn int
		if err := rows.Scan(&c.Number, &c.Hosts, &c.Seniors, &c.Volunteers, &completed, &withdrawn); err != nil {
			return d, fmt.Errorf("dashboard cohorts: %w", err)
		}
		d.Cohorts = append(d.Cohorts, c)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("dashboard cohorts: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(submitted_at), '')
        FROM evidence_items WHERE status = 'submitted'`).Scan(&d.EvidenceAwaiting, &d.OldestAwaiting)
	if err != nil {
		return d, fmt.Errorf("dashboard evidence: %w", err)
	}
	err = s.scanCounts(ctx, []countQuery{
		{&d.Hosts, `SELECT count(*) FROM hosts`},
		{&d.KickstarterHosts, `SELECT count(*) FROM hosts WHERE kickstarter = 1`},
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
	if err := s.countFlags(ctx, &r); err != nil {
		return d, err
	}
	d.Flags = r.Flags
	return d, nil
}

// chartGroupSQL counts one chart's groups as model.Headcount does: the
// charts' seniors and volunteers are the same figures as every table's.
const chartGroupSQL = `SELECT %s, ` + headcountCols + `
        FROM organisers o %s GROUP BY 1 ORDER BY %s`

// DashboardCharts reads the chart series in three grouped queries.
func (s *Store) DashboardCharts(ctx context.Context) (model.DashboardCharts, error) {
	var c model.DashboardCharts
	err := s.db.QueryRowContext(ctx, `SELECT senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&c.SeniorTarget, &c.VolunteerTarget)
	if err != nil {
		return c, fmt.Errorf("dashboard charts: %w", err)
	}
	group := func(label, join, order string) ([]model.GroupCount, error) {
		rows, err := s.db.QueryContext(ctx, fmt.Sprintf(chartGroupSQL, label, join, order))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []model.GroupCount
		for rows.Next() {
			var g model.GroupCount
			var completed, withdrawn int
			if err := rows.Scan(&g.Name, &g.Seniors, &g.Volunteers, &completed, &withdrawn); err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, rows.Err()
	}
	if c.ByRegion, err = group(`coalesce(nullif(h.region, ''), 'No region')`,
		`LEFT JOIN hosts h ON h.id = o.host_id`, `1`); err != nil {
		return c, fmt.Errorf("dashboard charts by region: %w", err)
	}
	if c.BySetting, err = group(`coalesce(h.setting, 'no host')`,
		`LEFT JOIN hosts h ON h.id = o.host_id`, `1`); err != nil {
		return c, fmt.Errorf("dashboard charts by setting: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.number, coalesce(c.training_starts_on, ''),
        `+headcountCols+`
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id
        GROUP BY c.id, c.number, c.training_starts_on ORDER BY c.training_starts_on, c.number`)
	if err != nil {
		return c, fmt.Errorf("dashboard charts by cohort: %w", err)
	}
	defer rows.Close()
	var seniors, volunteers int
	for rows.Next() {
		var p model.ProgressPoint
		var completed, withdrawn int
		if err := rows.Scan(&p.Cohort, &p.StartsOn, &p.Seniors, &p.Volunteers, &completed, &withdrawn); err != nil {
			return c, fmt.Errorf("dashboard charts by cohort: %w", err)
		}
		c.ByCohort = append(c.ByCohort, model.GroupCount{Name: fmt.Sprint(p.Cohort), Seniors: p.Seniors, Volunteers: p.Volunteers})
		seniors += p.Seniors
		volunteers += p.Volunteers
		p.Seniors, p.Volunteers = seniors, volunteers
		c.Progress = append(c.Progress, p)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("dashboard charts by cohort: %w", err)
	}
	return c, nil
}
