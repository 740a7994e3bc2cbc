package model

import (
	"context"
	"fmt"
)

// NamedQuery is a hot-path query written out in full, with literal values, so
// the benchmark can run the very same SQL in-process and in the sqlite3 CLI.
type NamedQuery struct {
	Name string
	SQL  string
	// Target is the per-query ceiling the issue sets, in milliseconds; 0 for none.
	TargetMS float64
	// Report marks the large report queries, held to 1.5× the CLI rather than 2.5×.
	Report bool
}

// BenchQueries returns the hot-path queries with sample values drawn from this
// database (a busy learner, a cohort), for cascade-bench.
func (s *Store) BenchQueries(ctx context.Context) ([]NamedQuery, error) {
	var learner, cohort int64
	err := s.db.QueryRowContext(ctx, `SELECT organiser_id FROM evidence_items
        GROUP BY organiser_id ORDER BY count(*) DESC, organiser_id LIMIT 1`).Scan(&learner)
	if err != nil {
		return nil, fmt.Errorf("bench queries: pick a learner: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM cohorts ORDER BY number LIMIT 1`).Scan(&cohort); err != nil {
		return nil, fmt.Errorf("bench queries: pick a cohort: %w", err)
	}
	return []NamedQuery{
		{Name: "dashboard cohort counts", TargetMS: 1, SQL: dashboardCohortsSQL},
		{Name: "trainer generations", TargetMS: 1, SQL: trainerGenerationsCTE + ` SELECT coalesce(max(generation), 0) FROM gen`},
		{Name: "assessor queue", TargetMS: 5, SQL: `SELECT e.id, e.title, e.kind, e.submitted_at, p.given_name, p.family_name, h.name
        FROM evidence_items e JOIN organisers o ON o.id = e.organiser_id JOIN people p ON p.id = o.person_id
        LEFT JOIN hosts h ON h.id = o.host_id
        WHERE e.status = 'submitted' ORDER BY e.submitted_at, e.id LIMIT 200`},
		{Name: "learner portfolio", TargetMS: 5, SQL: fmt.Sprintf(`SELECT e.id, e.kind, e.title, e.evidence_on, e.status,
        (SELECT count(*) FROM evidence_files f WHERE f.evidence_id = e.id),
        (SELECT group_concat(c.number, ' ') FROM evidence_criteria ec JOIN criteria c ON c.id = ec.criterion_id WHERE ec.evidence_id = e.id)
        FROM evidence_items e WHERE e.organiser_id = %d ORDER BY e.evidence_on, e.id`, learner)},
		{Name: "accreditation report", Report: true, SQL: fmt.Sprintf(`SELECT p.email, p.given_name || ' ' || p.family_name, c.number, h.name,
        u.code, u.title, u.level, u.credits,
        CASE WHEN ua.unit_id IS NOT NULL THEN 'achieved' ELSE 'not_started' END,
        coalesce(us.display_name, ''), coalesce(ua.achieved_on, '')
        FROM organisers o JOIN people p ON p.id = o.person_id
        JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id
        JOIN registrations r ON r.organiser_id = o.id
        JOIN qualification_groups g ON g.qualification_id = r.qualification_id
        JOIN qualification_group_units gu ON gu.group_id = g.id JOIN units u ON u.id = gu.unit_id
        LEFT JOIN unit_achievements ua ON ua.organiser_id = o.id AND ua.unit_id = u.id
        LEFT JOIN users us ON us.id = ua.assessor_id
        WHERE c.id >= %d ORDER BY c.number, p.family_name, p.given_name, u.code`, cohort)},
	}, nil
}
