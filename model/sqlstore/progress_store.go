package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"strings"
)

// LearnerProgress is a learner's progress for each qualification they are registered for.
func (s *Store) LearnerProgress(ctx context.Context, organiserID int64) ([]model.LearnerProgress, error) {
	return s.ProgressOf(ctx, model.ProgressFilter{OrganiserID: organiserID})
}

// CohortProgress is the progress of every registered learner in a cohort.
func (s *Store) CohortProgress(ctx context.Context, cohort int) ([]model.LearnerProgress, error) {
	return s.ProgressOf(ctx, model.ProgressFilter{Cohort: cohort})
}

// ProgressOf loads registrations and achievements and runs Progress on each.
func (s *Store) ProgressOf(ctx context.Context, f model.ProgressFilter) ([]model.LearnerProgress, error) {
	cat, err := s.LoadCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	quals := map[int64]model.Qualification{}
	for _, q := range cat.Qualifications {
		quals[q.ID] = q
	}
	var where []string
	var args []any
	if f.OrganiserID != 0 {
		args = append(args, f.OrganiserID)
		where = append(where, fmt.Sprintf("o.id = $%d", len(args)))
	}
	if f.Email != "" {
		args = append(args, f.Email)
		where = append(where, fmt.Sprintf("lower(p.email) = lower($%d)", len(args)))
	}
	if f.Cohort != 0 {
		args = append(args, f.Cohort)
		where = append(where, fmt.Sprintf("c.number = $%d", len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	// One pass over registrations joined to achievements, ordered so each
	// learner's rows are together.
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, p.email, p.given_name || ' ' || p.family_name, coalesce(c.number, 0),
		r.qualification_id, coalesce(u.code, ''), coalesce(u.level, 0), coalesce(u.credits, 0)
		FROM registrations r
		JOIN organisers o ON o.id = r.organiser_id
		JOIN people p ON p.id = o.person_id
		LEFT JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN unit_achievements a ON a.organiser_id = o.id
		LEFT JOIN units u ON u.id = a.unit_id
		WHERE 1 = 1`+cond+`
		ORDER BY p.email, r.qualification_id, u.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	defer rows.Close()
	var out []model.LearnerProgress
	var cur *model.LearnerProgress
	var curQual int64
	var achieved []model.AchievedUnit
	flush := func() {
		if cur != nil {
			cur.QualificationProgress = model.Progress(quals[curQual], achieved)
			out = append(out, *cur)
		}
	}
	for rows.Next() {
		var lp model.LearnerProgress
		var qid int64
		var a model.AchievedUnit
		if err := rows.Scan(&lp.OrganiserID, &lp.Email, &lp.Name, &lp.Cohort, &qid, &a.Code, &a.Level, &a.Credits); err != nil {
			return nil, fmt.Errorf("progress: %w", err)
		}
		if cur == nil || cur.OrganiserID != lp.OrganiserID || curQual != qid {
			flush()
			cur, curQual, achieved = &lp, qid, nil
		}
		if a.Code != "" {
			achieved = append(achieved, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	flush()
	return out, nil
}
