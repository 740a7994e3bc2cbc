package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
)

// trainerGenerationsCTE numbers every trainer's generation: founding trainers
// (no trainer recorded) are generation 1. The depth guard stops a cycle.
const trainerGenerationsCTE = `WITH RECURSIVE gen(id, generation) AS (
    SELECT id, 1 FROM trainers WHERE trained_by_id IS NULL
    UNION ALL
    SELECT t.id, g.generation + 1 FROM trainers t JOIN gen g ON t.trained_by_id = g.id
    WHERE g.generation < 64
)`

// Summary counts the programme's records in one read transaction.
func (s *Store) Summary(ctx context.Context) (model.Summary, error) {
	var sum model.Summary
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	sum.SchemaVersion = v
	err = s.scanCounts(ctx, []countQuery{
		{&sum.Cohorts, `SELECT count(*) FROM cohorts`},
		{&sum.Hosts, `SELECT count(*) FROM hosts`},
		{&sum.KickstarterHosts, `SELECT count(*) FROM hosts WHERE kickstarter = 1`},
		{&sum.Trainers, `SELECT count(*) FROM trainers`},
		{&sum.TrainerGenerations, trainerGenerationsCTE + ` SELECT coalesce(max(generation), 0) FROM gen`},
		{&sum.SeniorOrganisers, `SELECT count(*) FROM organisers WHERE role = 'senior'`},
		{&sum.VolunteerOrganisers, `SELECT count(*) FROM organisers WHERE role = 'volunteer'`},
		{&sum.Units, `SELECT count(*) FROM units`},
		{&sum.Criteria, `SELECT count(*) FROM criteria`},
		{&sum.EvidenceItems, `SELECT count(*) FROM evidence_items`},
		{&sum.EvidenceFiles, `SELECT count(*) FROM evidence_files`},
		{&sum.Decisions, `SELECT count(*) FROM assessment_decisions`},
		{&sum.Certificates, `SELECT count(*) FROM certificates`},
	})
	if err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	return sum, nil
}

// countQuery is one single-integer query and where its answer goes.
type countQuery struct {
	dst *int
	q   string
}

// scanCounts runs each count query in turn.
func (s *Store) scanCounts(ctx context.Context, counts []countQuery) error {
	for _, c := range counts {
		if err := s.db.QueryRowContext(ctx, c.q).Scan(c.dst); err != nil {
			return fmt.Errorf("%s: %w", c.q, err)
		}
	}
	return nil
}
