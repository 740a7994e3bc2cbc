package model

import (
	"context"
	"fmt"
)

// CohortCount is how many people one cohort holds.
type CohortCount struct {
	Number     int
	Hosts      int
	Seniors    int
	Volunteers int
}

// Dashboard is what the opening screen shows: progress to targets, people per
// cohort, the assessor's backlog and the cascade in numbers.
type Dashboard struct {
	Programme          string
	SeniorTarget       int
	VolunteerTarget    int
	Seniors            int // not withdrawn
	Volunteers         int // not withdrawn
	Withdrawn          int
	Cohorts            []CohortCount
	Hosts              int
	KickstarterHosts   int
	EvidenceAwaiting   int
	OldestAwaiting     string // ISO timestamp of the oldest submission awaiting a decision
	UnitsAchieved      int
	Trainers           int
	ActiveTrainers     int // accredited or active
	TrainerGenerations int
	SeniorsSupporting  int // seniors supporting at least one volunteer
	Flags              []Flag
}

// dashboardCohortsSQL counts hosts and people per cohort.
const dashboardCohortsSQL = `SELECT c.number,
        (SELECT count(*) FROM hosts h WHERE h.cohort_id = c.id),
        coalesce(sum(CASE WHEN o.role = 'senior' THEN 1 ELSE 0 END), 0),
        coalesce(sum(CASE WHEN o.role = 'volunteer' THEN 1 ELSE 0 END), 0)
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id AND o.status <> 'withdrawn'
        GROUP BY c.id, c.number ORDER BY c.number`

// Dashboard reads the dashboard's numbers.
func (s *Store) Dashboard(ctx context.Context) (Dashboard, error) {
	var d Dashboard
	err := s.db.QueryRowContext(ctx,
		`SELECT name, senior_target, volunteer_target FROM programme WHERE id = 1`).
		Scan(&d.Programme, &d.SeniorTarget, &d.VolunteerTarget)
	if err != nil {
		return d, fmt.Errorf("dashboard programme: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT
        coalesce(sum(CASE WHEN role = 'senior' AND status <> 'withdrawn' THEN 1 ELSE 0 END), 0),
        coalesce(sum(CASE WHEN role = 'volunteer' AND status <> 'withdrawn' THEN 1 ELSE 0 END), 0),
        coalesce(sum(CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END), 0)
        FROM organisers`).Scan(&d.Seniors, &d.Volunteers, &d.Withdrawn)
	if err != nil {
		return d, fmt.Errorf("dashboard organisers: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, dashboardCohortsSQL)
	if err != nil {
		return d, fmt.Errorf("dashboard cohorts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c CohortCount
		if err := rows.Scan(&c.Number, &c.Hosts, &c.Seniors, &c.Volunteers); err != nil {
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
		{&d.SeniorsSupporting, `SELECT count(DISTINCT supported_by_id) FROM organisers WHERE supported_by_id IS NOT NULL`},
	})
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	var r CheckReport
	if err := s.countFlags(ctx, &r); err != nil {
		return d, err
	}
	d.Flags = r.Flags
	return d, nil
}
