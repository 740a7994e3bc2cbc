package sqlite

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Plan returns a cohort's sampling plan, making one at the default rates
// when it has none.
func (s *Store) Plan(ctx context.Context, by model.User, cohort int) (model.IVPlan, error) {
	p, err := s.PlanRates(ctx, cohort)
	if err != nil || p.ID != 0 {
		return p, err
	}
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return p, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertPlan(ctx, tx, by, &p); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "iv_plan", fmt.Sprint(p.ID), nil, p)
	})
	if err != nil {
		return p, fmt.Errorf("plan for cohort %d: %w", cohort, err)
	}
	return p, nil
}

// insertPlan records p as its cohort's newest plan, setting its ids.
func insertPlan(ctx context.Context, tx *sql.Tx, by model.User, p *model.IVPlan) error {
	if err := tx.QueryRowContext(ctx, `SELECT id FROM cohorts WHERE number = $1`, p.Cohort).Scan(&p.CohortID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("cohort %d: %w", p.Cohort, model.ErrNotFound)
		}
		return err
	}
	return tx.QueryRowContext(ctx, `INSERT INTO iv_plans (cohort_id, base_rate, new_assessor_rate, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.CohortID, p.BaseRate, p.NewAssessorRate, by.ID, model.Now()).Scan(&p.ID)
}

// PlanRates reads a cohort's current sampling rates without making a plan
// (anyone may read them): the defaults while it has none.
func (s *Store) PlanRates(ctx context.Context, cohort int) (model.IVPlan, error) {
	p := model.IVPlan{Cohort: cohort, BaseRate: model.DefaultBaseRate, NewAssessorRate: model.DefaultNewAssessorRate}
	err := s.db.QueryRowContext(ctx, `SELECT p.id, c.id, p.base_rate, p.new_assessor_rate FROM iv_plans p
		JOIN cohorts c ON c.id = p.cohort_id WHERE c.number = $1 ORDER BY p.id DESC LIMIT 1`, cohort).
		Scan(&p.ID, &p.CohortID, &p.BaseRate, &p.NewAssessorRate)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("plan for cohort %d: %w", cohort, err)
	}
	return p, nil
}

// SetPlanRates changes a cohort's sampling rates; internal verifiers only.
// The change is a new plan, so samples already drawn keep the plan they were
// drawn under, and the audit log holds the rates before and after.
func (s *Store) SetPlanRates(ctx context.Context, by model.User, cohort, base, newAssessor int) (model.IVPlan, error) {
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return model.IVPlan{}, err
	}
	if err := model.ValidatePlanRates(base, newAssessor); err != nil {
		return model.IVPlan{}, err
	}
	before, err := s.PlanRates(ctx, cohort)
	if err != nil {
		return model.IVPlan{}, err
	}
	if before.ID != 0 && before.BaseRate == base && before.NewAssessorRate == newAssessor {
		return before, nil // the plan as it is: no new plan, no audit entry
	}
	p := model.IVPlan{Cohort: cohort, BaseRate: base, NewAssessorRate: newAssessor}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertPlan(ctx, tx, by, &p); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "update", "iv_plan", fmt.Sprint(p.ID),
			map[string]int{"base_rate": before.BaseRate, "new_assessor_rate": before.NewAssessorRate},
			map[string]int{"cohort": cohort, "base_rate": base, "new_assessor_rate": newAssessor})
	})
	if err != nil {
		return model.IVPlan{}, fmt.Errorf("change the plan for cohort %d: %w", cohort, err)
	}
	return p, nil
}

// DrawSample samples a cohort's unsampled decisions to its plan: first
// whatever assessor × unit and assessor × method is not yet sampled at all,
// then a share of the rest at the plan's rate, higher for an assessor in
// their first year and for deeper cascade generations. A verifier's own
// decisions as an assessor are never put in their sample.
func (s *Store) DrawSample(ctx context.Context, by model.User, cohort int) (int, error) {
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return 0, err
	}
	p, err := s.Plan(ctx, by, cohort)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		type cand struct {
			id, assessor         int64
			unit                 int64
			kind, decided, since string
			volunteer            bool
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.assessor_id, `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "e2.id")+`, e2.kind,
			d.decided_on, u.active_since, o.role = 'volunteer', (SELECT count(*) FROM iv_samples s WHERE s.decision_id = d.id)
			FROM assessment_decisions d JOIN evidence_items e2 ON e2.id = d.evidence_id
			JOIN organisers o ON o.id = d.organiser_id JOIN users u ON u.id = d.assessor_id
			WHERE o.cohort_id = $1 ORDER BY d.id`, p.CohortID)
		if err != nil {
			return err
		}
		var todo []cand
		unitDone, kindDone := map[string]bool{}, map[string]bool{}
		for rows.Next() {
			var c cand
			var unit sql.NullInt64
			var sampled int
			if err := rows.Scan(&c.id, &c.assessor, &unit, &c.kind, &c.decided, &c.since, &c.volunteer, &sampled); err != nil {
				rows.Close()
				return err
			}
			c.unit = unit.Int64
			if sampled > 0 {
				unitDone[fmt.Sprint(c.assessor, "/", c.unit)] = true
				kindDone[fmt.Sprint(c.assessor, "/", c.kind)] = true
				continue
			}
			if c.assessor != by.ID {
				todo = append(todo, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		today := time.Now().UTC().Format("2006-01-02")
		for _, c := range todo {
			uk, kk := fmt.Sprint(c.assessor, "/", c.unit), fmt.Sprint(c.assessor, "/", c.kind)
			gen := 0
			if c.volunteer {
				gen = 1
			}
			newAssessor := false
			if t, err := time.Parse("2006-01-02", c.since); err == nil {
				newAssessor = c.decided < t.AddDate(1, 0, 0).Format("2006-01-02")
			}
			if unitDone[uk] && kindDone[kk] && !model.Chosen(c.id, p.SampleRate(newAssessor, gen)) {
				continue
			}
			unitDone[uk], kindDone[kk] = true, true
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO iv_samples (plan_id, decision_id, verifier_id, sampled_on, created_at)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.ID, c.id, by.ID, today, model.Now()).Scan(&id); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, by, "sample", "iv_sample", fmt.Sprint(id), nil, map[string]any{"decision_id": c.id, "plan_id": p.ID}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("draw sample for cohort %d: %w", cohort, err)
	}
	return n, nil
}

// SampleDecision puts one decision in the verifier's sample by hand.
func (s *Store) SampleDecision(ctx context.Context, by model.User, decisionID int64) (int64, error) {
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var assessor int64
		if err := tx.QueryRowContext(ctx, `SELECT assessor_id FROM assessment_decisions WHERE id = $1`, decisionID).Scan(&assessor); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.ErrNotFound
			}
			return err
		}
		if assessor == by.ID {
			return fmt.Errorf("%w: %s made this decision as assessor and cannot sample it", model.ErrPermission, by.Username)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO iv_samples (decision_id, verifier_id, sampled_on, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, decisionID, by.ID, time.Now().UTC().Format("2006-01-02"), model.Now()).Scan(&id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "sample", "iv_sample", fmt.Sprint(id), nil, map[string]any{"decision_id": decisionID})
	})
	if err != nil {
		return 0, fmt.Errorf("sample decision %d: %w", decisionID, err)
	}
	return id, nil
}

// VerifySample records the verifier's judgement on a pending sample: agreed,
// or sent back with the actions the assessor must take (the evidence then
// returns to the assessor's queue). Nobody verifies their own decision.
func (s *Store) VerifySample(ctx context.Context, by model.User, sampleID int64, outcome, actions string) error {
	if err := s.require(ctx, by, model.ActVerify); err != nil {
		return err
	}
	actions = strings.TrimSpace(actions)
	if err := model.TextNotes.Check("actions", actions); err != nil {
		return fmt.Errorf("verify sample %d: %w", sampleID, err)
	}
	switch {
	case outcome != model.SampleAgreed && outcome != model.SampleSentBack:
		return fmt.Errorf("verify sample %d: %w: outcome %q", sampleID, model.ErrInvalid, outcome)
	case outcome == model.SampleSentBack && actions == "":
		return fmt.Errorf("verify sample %d: %w: actions: say what the assessor must do", sampleID, model.ErrInvalid)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var assessor int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT d.assessor_id, s.outcome FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id
			WHERE s.id = $1`, sampleID).Scan(&assessor, &status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sample %d: %w", sampleID, model.ErrNotFound)
			}
			return err
		}
		if assessor == by.ID {
			return fmt.Errorf("verify sample %d: %w: %s made this decision as assessor", sampleID, model.ErrPermission, by.Username)
		}
		if status != model.SamplePending {
			return fmt.Errorf("verify sample %d: %w: already %s", sampleID, model.ErrInvalid, status)
		}
		on := time.Now().UTC().Format("2006-01-02")
		if _, err := tx.ExecContext(ctx, `UPDATE iv_samples SET outcome = $1, actions = $2, verified_on = $3, verifier_id = $4 WHERE id = $5`,
			outcome, actions, on, by.ID, sampleID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "verify", "iv_sample", fmt.Sprint(sampleID), map[string]string{"outcome": status},
			map[string]string{"outcome": outcome, "actions": actions, "verified_on": on})
	})
}

// Samples lists sampled decisions, pending first, then newest.
func (s *Store) Samples(ctx context.Context, f model.SampleFilter) ([]model.Sample, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, d.id, d.evidence_id, p.given_name || ' ' || p.family_name, coalesce(c.number, 0),
		coalesce((SELECT code FROM units WHERE id = `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+`), ''),
		e.kind, d.assessor_id, a.display_name, d.outcome, d.feedback, d.decided_on, s.verifier_id, v.display_name,
		s.sampled_on, s.outcome, s.actions, coalesce(s.verified_on, '')
		FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id JOIN evidence_items e ON e.id = d.evidence_id
		JOIN organisers o ON o.id = d.organiser_id JOIN people p ON p.id = o.person_id LEFT JOIN cohorts c ON c.id = o.cohort_id
		JOIN users a ON a.id = d.assessor_id JOIN users v ON v.id = s.verifier_id
		WHERE ($1 = 0 OR c.number = $1) AND ($2 = 0 OR s.outcome = 'pending')
		ORDER BY s.outcome <> 'pending', s.sampled_on DESC, s.id DESC`, f.Cohort, f.PendingOnly)
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	defer rows.Close()
	var out []model.Sample
	for rows.Next() {
		var x model.Sample
		if err := rows.Scan(&x.ID, &x.DecisionID, &x.EvidenceID, &x.Learner, &x.Cohort, &x.UnitCode, &x.Kind, &x.AssessorID, &x.Assessor,
			&x.Outcome, &x.Feedback, &x.DecidedOn, &x.VerifierID, &x.Verifier, &x.SampledOn, &x.IVOutcome, &x.Actions, &x.VerifiedOn); err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// CoverageMatrix counts, per assessor and unit, a cohort's decisions and how
// many are sampled and verified.
func (s *Store) CoverageMatrix(ctx context.Context, cohort int) ([]model.MatrixCell, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.display_name, coalesce(un.code, ''), count(DISTINCT d.id),
		count(DISTINCT smp.decision_id), count(DISTINCT CASE WHEN smp.outcome <> 'pending' THEN smp.decision_id END)
		FROM assessment_decisions d JOIN users a ON a.id = d.assessor_id
		JOIN organisers o ON o.id = d.organiser_id JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN units un ON un.id = `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+`
		LEFT JOIN iv_samples smp ON smp.decision_id = d.id
		WHERE c.number = $1 GROUP BY a.display_name, un.code ORDER BY a.display_name, un.code`, cohort)
	if err != nil {
		return nil, fmt.Errorf("coverage matrix for cohort %d: %w", cohort, err)
	}
	defer rows.Close()
	var out []model.MatrixCell
	for rows.Next() {
		var m model.MatrixCell
		if err := rows.Scan(&m.Assessor, &m.UnitCode, &m.Decisions, &m.Sampled, &m.Verified); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
