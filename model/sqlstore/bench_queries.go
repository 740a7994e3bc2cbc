package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// NamedQuery is a hot-path query written out in full, with literal values, so
// the benchmark can run the very same SQL in-process and in the sqlite3 CLI.
type NamedQuery struct {
	Name string
	SQL  string
	// Parts, when set, are the statements SQL runs one after another (the
	// accreditation report's reads); SQL is them joined with ";\n".
	Parts []string
	// Target is the per-query ceiling the issue sets, in milliseconds; 0 for none.
	TargetMS float64
	// Report marks the large report queries, held to 1.5× the CLI rather than 2.5×.
	Report bool
}

// BenchQueries returns the hot-path queries with sample values drawn from this
// database (a busy learner), for cascade-bench.
func (s *Store) BenchQueries(ctx context.Context) ([]NamedQuery, error) {
	var learner int64
	err := s.db.QueryRowContext(ctx, `SELECT organiser_id FROM evidence_items
        GROUP BY organiser_id ORDER BY count(*) DESC, organiser_id LIMIT 1`).Scan(&learner)
	if err != nil {
		return nil, fmt.Errorf("bench queries: pick a learner: %w", err)
	}
	queries := []NamedQuery{
		// A whole-table aggregate: held to the CLI ratio and the screen-load target, not the 1 ms of a small query.
		{Name: "dashboard organiser counts", SQL: organiserGroupsSQL},
		{Name: "trainer generations", TargetMS: 1, SQL: trainerGenerationsCTE + ` SELECT coalesce(max(generation), 0) FROM gen`},
		{Name: "assessor queue", TargetMS: 5, SQL: `SELECT e.id, e.title, e.kind, e.submitted_at, p.given_name, p.family_name, h.name
        FROM evidence_items e JOIN organisers o ON o.id = e.organiser_id JOIN people p ON p.id = o.person_id
        LEFT JOIN hosts h ON h.id = o.host_id
        WHERE e.status = 'submitted' ORDER BY e.submitted_at, e.id LIMIT 200`},
		// The portfolio's own text (the files and criteria it then reads
		// are one indexed look-up each).
		{Name: "learner portfolio", TargetMS: 5, SQL: evidenceSQL(fmt.Sprintf("e.organiser_id = %d", learner))},
	}
	// The accreditation report's own statements, for every cohort, as it
	// ran them just now (the deciding decisions' ids are this database's).
	var parts []string
	if _, err := s.accreditationReport(ctx, 0, func(q string) { parts = append(parts, q) }); err != nil {
		return nil, fmt.Errorf("bench queries: %w", err)
	}
	return append(queries, NamedQuery{Name: "accreditation report", Report: true, SQL: strings.Join(parts, ";\n"), Parts: parts}), nil
}
