package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
// (anyone may read them): the defaults while it has none. The plan carries
// the Seen a form saves new rates from (SetPlanRatesFrom).
func (s *Store) PlanRates(ctx context.Context, cohort int) (model.IVPlan, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return model.IVPlan{}, fmt.Errorf("plan for cohort %d: %w", cohort, err)
	}
	p, err := planRates(ctx, s.db, cohort)
	if err != nil {
		return p, fmt.Errorf("plan for cohort %d: %w", cohort, err)
	}
	p.Seen = seenAs(mark, rates(p))
	return p, nil
}

// planRates reads a cohort's newest plan, or the defaults (ID 0) while it has none.
func planRates(ctx context.Context, q rowQuerier, cohort int) (model.IVPlan, error) {
	p := model.IVPlan{Cohort: cohort, BaseRate: model.DefaultBaseRate, NewAssessorRate: model.DefaultNewAssessorRate}
	err := q.QueryRowContext(ctx, `SELECT p.id, c.id, p.base_rate, p.new_assessor_rate FROM iv_plans p
		JOIN cohorts c ON c.id = p.cohort_id WHERE c.number = $1 ORDER BY p.id DESC LIMIT 1`, cohort).
		Scan(&p.ID, &p.CohortID, &p.BaseRate, &p.NewAssessorRate)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	return p, nil
}

// planRateFields is what a plan form edits, as its Seen fingerprints it.
type planRateFields struct{ Base, NewAssessor int }

func rates(p model.IVPlan) planRateFields { return planRateFields{p.BaseRate, p.NewAssessorRate} }

// SetPlanRates changes a cohort's sampling rates; internal verifiers only.
// The change is a new plan, so samples already drawn keep the plan they were
// drawn under, and the audit log holds the rates before and after.
func (s *Store) SetPlanRates(ctx context.Context, by model.User, cohort, base, newAssessor int) (model.IVPlan, error) {
	return s.SetPlanRatesFrom(ctx, by, model.IVPlan{Cohort: cohort}, base, newAssessor)
}

// SetPlanRatesFrom is SetPlanRates for a form that read the plan was (by
// PlanRates): if another verifier changed the cohort's rates since, the
// save is refused with a *model.ChangedError naming them, unless the form
// saves the rates it read (a quiet no-op) or the rates already stored.
func (s *Store) SetPlanRatesFrom(ctx context.Context, by model.User, was model.IVPlan, base, newAssessor int) (model.IVPlan, error) {
	cohort := was.Cohort
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return model.IVPlan{}, err
	}
	if err := model.ValidatePlanRates(base, newAssessor); err != nil {
		return model.IVPlan{}, err
	}
	p := model.IVPlan{Cohort: cohort, BaseRate: base, NewAssessorRate: newAssessor}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Read inside the write transaction, so no other plan lands between
		// the comparison and the new plan.
		before, err := planRates(ctx, tx, cohort)
		if err != nil {
			return err
		}
		skip := before.ID != 0 && rates(before) == rates(p) // the rates already stored
		if !skip {
			keys := []auditKey{{"iv_plan", strconv.FormatInt(before.ID, 10)}}
			if skip, err = s.checkSeen(ctx, tx, was.Seen, rates(before), rates(p), 0, keys...); err != nil {
				return err
			}
		}
		if skip {
			p = before // the plan as it is: no new plan, no audit entry
		} else {
			if err := insertPlan(ctx, tx, by, &p); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, by, "update", "iv_plan", fmt.Sprint(p.ID),
				map[string]int{"base_rate": before.BaseRate, "new_assessor_rate": before.NewAssessorRate},
				map[string]int{"cohort": cohort, "base_rate": base, "new_assessor_rate": newAssessor}); err != nil {
				return err
			}
		}
		// The plan returned is what the form now shows: its next save checks from here.
		mark, err := auditMark(ctx, tx)
		p.Seen = seenAs(mark, rates(p))
		return err
	})
	if err != nil {
		return model.IVPlan{}, fmt.Errorf("change the plan for cohort %d: %w", cohort, err)
	}
	return p, nil
}

// DrawSample samples a cohort's unsampled decisions to its plan, as
// PreviewSample shows: each assessor × unit pair is brought up to its plan
// and never past it by more than one decision. A verifier's own decisions as
// an assessor are never put in their sample.
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
		draw, err := planDraw(ctx, tx, by, p)
		if err != nil {
			return err
		}
		today := time.Now().UTC().Format("2006-01-02")
		for _, l := range draw.Lines {
			for _, decision := range l.Add {
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO iv_samples (plan_id, decision_id, verifier_id, sampled_on, created_at)
					VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.ID, decision, by.ID, today, model.Now()).Scan(&id); err != nil {
					return err
				}
				if err := s.audit(ctx, tx, by, "sample", "iv_sample", fmt.Sprint(id), nil,
					map[string]any{"decision_id": decision, "plan_id": p.ID}); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("draw sample for cohort %d: %w", cohort, err)
	}
	return n, nil
}

// PreviewSample says what DrawSample would add for by, pair by pair,
// changing nothing: the verifier sees it and confirms before the draw.
func (s *Store) PreviewSample(ctx context.Context, by model.User, cohort int) (model.SampleDraw, error) {
	if err := s.require(ctx, by, model.ActSample); err != nil {
		return model.SampleDraw{}, err
	}
	var exists bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cohorts WHERE number = $1)`, cohort).Scan(&exists); err != nil {
		return model.SampleDraw{}, fmt.Errorf("preview the sample for cohort %d: %w", cohort, err)
	}
	if !exists {
		return model.SampleDraw{}, fmt.Errorf("preview the sample for cohort %d: %w", cohort, model.ErrNotFound)
	}
	p, err := s.PlanRates(ctx, cohort)
	if err != nil {
		return model.SampleDraw{}, err
	}
	d, err := planDraw(ctx, s.db, by, p)
	if err != nil {
		return model.SampleDraw{}, fmt.Errorf("preview the sample for cohort %d: %w", cohort, err)
	}
	return d, nil
}

// pairDecision is one of a cohort's decisions as a draw weighs it.
type pairDecision struct {
	id, assessor   int64
	kind           string
	rate           int // the plan's rate for it, in percent
	sampled, verif bool
}

// samplePair is one assessor × unit pair of a cohort with its decisions.
type samplePair struct {
	assessor  int64
	name      string
	unit      string
	rateSum   int
	decisions []pairDecision
}

// cohortPairs reads a cohort's decisions grouped by assessor and unit, each
// weighted by the rate p gives it: higher in the assessor's first year and
// for deeper cascade generations. Pairs come by assessor's name, then unit.
func cohortPairs(ctx context.Context, q querier, p model.IVPlan) ([]*samplePair, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.assessor_id, a.display_name, coalesce(un.code, ''), e.kind,
		d.decided_on < `+yearAfter("a.active_since")+`, o.role = 'volunteer',
		EXISTS (SELECT 1 FROM iv_samples x WHERE x.decision_id = d.id),
		EXISTS (SELECT 1 FROM iv_samples x WHERE x.decision_id = d.id AND x.outcome <> 'pending')
		FROM assessment_decisions d JOIN evidence_items e ON e.id = d.evidence_id JOIN users a ON a.id = d.assessor_id
		JOIN organisers o ON o.id = d.organiser_id JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN units un ON un.id = `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+`
		WHERE c.number = $1 ORDER BY d.id`, p.Cohort)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := map[string]*samplePair{}
	var out []*samplePair
	for rows.Next() {
		var d pairDecision
		var name, unit string
		var firstYear, volunteer bool
		if err := rows.Scan(&d.id, &d.assessor, &name, &unit, &d.kind, &firstYear, &volunteer, &d.sampled, &d.verif); err != nil {
			return nil, err
		}
		gen := 0
		if volunteer {
			gen = 1
		}
		d.rate = p.SampleRate(firstYear, gen)
		key := fmt.Sprint(d.assessor, "/", unit)
		sp := byKey[key]
		if sp == nil {
			sp = &samplePair{assessor: d.assessor, name: name, unit: unit}
			byKey[key] = sp
			out = append(out, sp)
		}
		sp.rateSum += d.rate
		sp.decisions = append(sp.decisions, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		if out[i].assessor != out[j].assessor {
			return out[i].assessor < out[j].assessor
		}
		return out[i].unit < out[j].unit
	})
	return out, nil
}

// planDraw chooses what a draw by by adds to p's cohort. Each pair gets what
// it lacks of its plan (model.PairTarget), taking first a decision of a
// method its assessor has no sample of, then in model.SampleOrder. A method
// still unsampled after that may add one decision past a pair's plan, never
// more, so the assessor × method coverage the plan asks for cannot run the
// sample away; a pair at or over its plan otherwise gets nothing.
func planDraw(ctx context.Context, q querier, by model.User, p model.IVPlan) (model.SampleDraw, error) {
	pairs, err := cohortPairs(ctx, q, p)
	if err != nil {
		return model.SampleDraw{}, err
	}
	kindDone := map[string]bool{}
	kindKey := func(d pairDecision) string { return fmt.Sprint(d.assessor, "/", d.kind) }
	for _, sp := range pairs {
		for _, d := range sp.decisions {
			if d.sampled {
				kindDone[kindKey(d)] = true
			}
		}
	}
	draw := model.SampleDraw{Cohort: p.Cohort, Plan: p, Lines: make([]model.DrawLine, len(pairs))}
	free := make([][]pairDecision, len(pairs)) // each pair's decisions still free to add, in draw order
	for i, sp := range pairs {
		l := model.DrawLine{Assessor: sp.name, UnitCode: sp.unit, Decisions: len(sp.decisions), Target: model.PairTarget(sp.rateSum)}
		for _, d := range sp.decisions {
			switch {
			case d.sampled:
				l.Sampled++
			case d.assessor != by.ID:
				free[i] = append(free[i], d)
			}
		}
		sort.SliceStable(free[i], func(a, b int) bool { return model.SampleOrder(free[i][a].id) < model.SampleOrder(free[i][b].id) })
		take := func(k int) {
			d := free[i][k]
			l.Add = append(l.Add, d.id)
			kindDone[kindKey(d)] = true
			free[i] = append(free[i][:k], free[i][k+1:]...)
		}
		for l.After() < l.Target && len(free[i]) > 0 {
			k := 0
			for j, d := range free[i] {
				if !kindDone[kindKey(d)] {
					k = j
					break
				}
			}
			take(k)
		}
		draw.Lines[i] = l
	}
	// A method an assessor has no sample of takes one decision more in a
	// pair that is not past its plan.
	for i := range pairs {
		l := &draw.Lines[i]
		if l.After() > l.Target {
			continue
		}
		for k, d := range free[i] {
			if !kindDone[kindKey(d)] {
				l.Add = append(l.Add, d.id)
				kindDone[kindKey(d)] = true
				free[i] = append(free[i][:k], free[i][k+1:]...)
				break
			}
		}
	}
	return draw, nil
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

// CoverageMatrix counts, per assessor and unit, a cohort's decisions, how
// many are sampled and verified, and how many the cohort's plan samples.
func (s *Store) CoverageMatrix(ctx context.Context, cohort int) ([]model.MatrixCell, error) {
	p, err := s.PlanRates(ctx, cohort)
	if err != nil {
		return nil, err
	}
	pairs, err := cohortPairs(ctx, s.db, p)
	if err != nil {
		return nil, fmt.Errorf("coverage matrix for cohort %d: %w", cohort, err)
	}
	out := make([]model.MatrixCell, 0, len(pairs))
	for _, sp := range pairs {
		m := model.MatrixCell{Assessor: sp.name, UnitCode: sp.unit, Decisions: len(sp.decisions), Target: model.PairTarget(sp.rateSum)}
		for _, d := range sp.decisions {
			if d.sampled {
				m.Sampled++
			}
			if d.verif {
				m.Verified++
			}
		}
		out = append(out, m)
	}
	return out, nil
}
