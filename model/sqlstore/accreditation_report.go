package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
)

// AccreditationReport lists every registered learner's units and where each stands.
func (s *Store) AccreditationReport(ctx context.Context, cohort int) ([]model.AccreditationRow, error) {
	rows, err := s.db.QueryContext(ctx, model.AccreditationSQL, cohort)
	if err != nil {
		return nil, fmt.Errorf("accreditation report: %w", err)
	}
	defer rows.Close()
	var out []model.AccreditationRow
	for rows.Next() {
		var r model.AccreditationRow
		if err := rows.Scan(&r.Email, &r.Name, &r.Cohort, &r.Host, &r.UnitCode, &r.Title, &r.Level, &r.Credits, &r.Status,
			&r.Assessor, &r.AssessedOn, &r.Verifier, &r.VerifiedOn); err != nil {
			return nil, fmt.Errorf("accreditation report: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
