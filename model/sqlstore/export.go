package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// exportQueries give each kind's rows (one SQL text for both dialects:
// string_agg with its own ORDER BY is SQLite's too since 3.44, and a
// coalesce of a number with ” casts the number, as PostgreSQL asks) with the import's column names, so an
// export imports back into an empty database unchanged. Every value is text;
// NULL is the empty cell. Orders follow id, which import assigns in file order.
var exportQueries = map[string]struct {
	columns []string
	query   string
}{
	model.KindCohorts: {model.ImportColumnsOf[model.KindCohorts], `SELECT number, coalesce(host_induction_on, ''),
		coalesce(training_starts_on, ''), coalesce(training_ends_on, '') FROM cohorts ORDER BY number`},
	model.KindHosts: {model.ImportColumnsOf[model.KindHosts], `SELECT h.name, h.region, h.setting,
		CASE h.kickstarter WHEN 1 THEN 'yes' ELSE 'no' END, h.partner, coalesce(CAST(c.number AS TEXT), '')
		FROM hosts h LEFT JOIN cohorts c ON c.id = h.cohort_id ORDER BY h.id`},
	model.KindOrganisers: {model.ImportColumnsOf[model.KindOrganisers], `SELECT p.given_name, p.family_name, p.email, o.role,
		coalesce(h.name, ''), coalesce(CAST(c.number AS TEXT), ''), coalesce(o.starts_on, ''), coalesce(sp.email, '')
		FROM organisers o JOIN people p ON p.id = o.person_id
		LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN organisers so ON so.id = o.supported_by_id LEFT JOIN people sp ON sp.id = so.person_id
		ORDER BY o.id`},
	model.KindTrainers: {model.ImportColumnsOf[model.KindTrainers], `SELECT p.given_name, p.family_name, p.email, t.organisation,
		coalesce(bp.email, ''), coalesce(t.trained_on, ''), t.status
		FROM trainers t JOIN people p ON p.id = t.person_id
		LEFT JOIN trainers bt ON bt.id = t.trained_by_id LEFT JOIN people bp ON bp.id = bt.person_id
		ORDER BY t.id`},
	model.KindEvidence: {[]string{"id", "organiser_email", "kind", "title", "description", "evidence_on",
		"listening_count", "listening_themes", "status", "submitted_at", "criteria", "files"},
		`SELECT e.id, p.email, e.kind, e.title, e.description, e.evidence_on, e.listening_count,
		e.listening_themes, e.status, coalesce(e.submitted_at, ''),
		coalesce((SELECT string_agg(u.code || '/' || c.number, ' ' ORDER BY u.code, c.number) FROM evidence_criteria ec
			JOIN criteria c ON c.id = ec.criterion_id JOIN units u ON u.id = c.unit_id
			WHERE ec.evidence_id = e.id), ''),
		coalesce((SELECT string_agg(f.file_name || ' ' || f.sha256, '; ' ORDER BY f.id) FROM evidence_files f
			WHERE f.evidence_id = e.id), '')
		FROM evidence_items e JOIN organisers o ON o.id = e.organiser_id JOIN people p ON p.id = o.person_id
		ORDER BY e.id`},
	model.KindDecisions: {[]string{"id", "evidence_id", "organiser_email", "assessor", "outcome", "feedback",
		"decided_on", "attempt", "supersedes_id", "criteria_achieved", "criteria_not_yet_achieved"},
		`SELECT d.id, d.evidence_id, p.email, u.username, d.outcome, d.feedback, d.decided_on, d.attempt,
		coalesce(CAST(d.supersedes_id AS TEXT), ''),
		coalesce((SELECT string_agg(un.code || '/' || c.number, ' ' ORDER BY un.code, c.number) FROM decision_criteria dc
			JOIN criteria c ON c.id = dc.criterion_id JOIN units un ON un.id = c.unit_id
			WHERE dc.decision_id = d.id AND dc.outcome = 'achieved'), ''),
		coalesce((SELECT string_agg(un.code || '/' || c.number, ' ' ORDER BY un.code, c.number) FROM decision_criteria dc
			JOIN criteria c ON c.id = dc.criterion_id JOIN units un ON un.id = c.unit_id
			WHERE dc.decision_id = d.id AND dc.outcome = 'not_yet_achieved'), '')
		FROM assessment_decisions d JOIN organisers o ON o.id = d.organiser_id
		JOIN people p ON p.id = o.person_id JOIN users u ON u.id = d.assessor_id
		ORDER BY d.id`},
}

// ExportTable reads one kind's records as a header and rows of text cells,
// ready for a CSV or XLSX writer.
func (s *Store) ExportTable(ctx context.Context, kind string) ([]string, [][]string, error) {
	q, ok := exportQueries[kind]
	if !ok {
		return nil, nil, fmt.Errorf("%w: cannot export %q; choose %s", model.ErrInvalid, kind, strings.Join(model.ExportKinds(), ", "))
	}
	tables := tablesOf(q.query)
	if err := s.quickCheck(ctx, tables...); err != nil {
		return nil, nil, fmt.Errorf("export %s: %w", kind, err)
	}
	rows, err := s.db.QueryContext(ctx, q.query)
	if err != nil {
		return nil, nil, fmt.Errorf("export %s: %w", kind, s.damageOf(ctx, err, tables...))
	}
	defer rows.Close()
	var out [][]string
	vals := make([]sql.NullString, len(q.columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("export %s: %w", kind, s.damageOf(ctx, err, tables...))
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("export %s: %w", kind, s.damageOf(ctx, err, tables...))
	}
	return append([]string(nil), q.columns...), out, nil
}
