package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// pairState is one assessor × unit pair of a cohort as a test reads it
// straight from the tables: its decisions, how many are sampled, and its
// plan in decisions (each decision weighted by the rate the plan gives it).
type pairState struct {
	decisions, sampled int
	plan               float64
}

// pairStates reads every assessor × unit pair of a cohort with its own SQL,
// so the draw is checked against the plan as the brief defines it, not as
// the draw computes it.
func pairStates(t *testing.T, s *Store, cohort int) map[string]pairState {
	t.Helper()
	p, err := s.PlanRates(context.Background(), cohort)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.Query(`SELECT a.username || ' × ' || coalesce(un.code, ''),
		d.decided_on < `+yearAfter("a.active_since")+`, o.role = 'volunteer',
		(SELECT count(*) FROM iv_samples x WHERE x.decision_id = d.id)
		FROM assessment_decisions d JOIN users a ON a.id = d.assessor_id
		JOIN organisers o ON o.id = d.organiser_id JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN units un ON un.id = `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+`
		WHERE c.number = $1`, cohort)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]pairState{}
	for rows.Next() {
		var key string
		var first, volunteer bool
		var sampled int
		if err := rows.Scan(&key, &first, &volunteer, &sampled); err != nil {
			t.Fatal(err)
		}
		rate := p.BaseRate
		if first {
			rate = p.NewAssessorRate
		}
		if volunteer {
			rate += 10
		}
		ps := out[key]
		ps.decisions++
		if sampled > 0 {
			ps.sampled++
		}
		ps.plan += float64(rate) / 100
		out[key] = ps
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sampledIn(m map[string]pairState) int {
	n := 0
	for _, p := range m {
		n += p.sampled
	}
	return n
}

// TestDrawSampleOnTheDemo checks the draw on one copy of the demo, each
// part on cohorts of its own, so the copy is made once.
func TestDrawSampleOnTheDemo(t *testing.T) {
	s := demoCopy(t)
	t.Run("keeps to the plan", func(t *testing.T) { drawKeepsToThePlan(t, s) })                        // cohorts 2 and 5
	t.Run("the preview is the draw", func(t *testing.T) { previewIsTheDraw(t, s) })                    // cohort 3
	t.Run("a pair over plan is left alone", func(t *testing.T) { drawLeavesAPairOverPlanAlone(t, s) }) // cohort 4
}

// drawKeepsToThePlan reproduces the report on the demo: drawing
// cohort 2's sample to plan took it from 47 to 138 sampled decisions and one
// pair from 15% to 46% against a 10% plan. A draw brings each pair up to its
// plan and never past it by more than one decision; a pair already at or
// over its plan gets nothing; a second draw straight after adds nothing.
func drawKeepsToThePlan(t *testing.T, s *Store) {
	ctx := context.Background()
	v := namedUser(t, s, "fresh-verifier", model.RoleVerifier)
	for _, cohort := range []int{2, 5} {
		before := pairStates(t, s, cohort)
		n, err := s.DrawSample(ctx, v, cohort)
		if err != nil {
			t.Fatalf("DrawSample(cohort %d): %v", cohort, err)
		}
		after := pairStates(t, s, cohort)
		if got := sampledIn(after) - sampledIn(before); got != n {
			t.Errorf("cohort %d: DrawSample said %d added; the tables hold %d more", cohort, n, got)
		}
		for key, a := range after {
			b := before[key]
			limit := int(math.Ceil(a.plan-1e-9)) + 1
			if a.sampled > b.sampled && a.sampled > limit {
				t.Errorf("cohort %d, %s: sampled %d → %d of %d decisions; the plan is %.1f, so at most %d",
					cohort, key, b.sampled, a.sampled, a.decisions, a.plan, limit)
			}
			if want := min(int(math.Ceil(a.plan-1e-9)), a.decisions); a.sampled < want {
				t.Errorf("cohort %d, %s: sampled %d of %d decisions after the draw; the plan wants %d",
					cohort, key, a.sampled, a.decisions, want)
			}
		}
		t.Logf("cohort %d: %d → %d sampled", cohort, sampledIn(before), sampledIn(after))
		if again, err := s.DrawSample(ctx, v, cohort); err != nil || again != 0 {
			t.Errorf("cohort %d: a second draw straight after = %d, %v; want 0 added", cohort, again, err)
		}
	}
}

// previewIsTheDraw: the preview changes nothing, and the draw
// after it adds exactly the decisions it showed; only a verifier (or admin)
// may ask, and only for a cohort that exists.
func previewIsTheDraw(t *testing.T, s *Store) {
	ctx := context.Background()
	v := namedUser(t, s, "previewing-verifier", model.RoleVerifier)
	audits := count(t, s, `SELECT count(*) FROM audit_log`)
	samples := count(t, s, `SELECT count(*) FROM iv_samples`)
	plans := count(t, s, `SELECT count(*) FROM iv_plans`)
	p, err := s.PreviewSample(ctx, v, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Adds() == 0 || len(p.Lines) < 2 {
		t.Fatalf("PreviewSample(cohort 3) adds %d over %d pairs; want some, to test anything", p.Adds(), len(p.Lines))
	}
	if a, n, pl := count(t, s, `SELECT count(*) FROM audit_log`), count(t, s, `SELECT count(*) FROM iv_samples`),
		count(t, s, `SELECT count(*) FROM iv_plans`); a != audits || n != samples || pl != plans {
		t.Errorf("after a preview: %d audit entries, %d samples, %d plans; want %d, %d, %d unchanged", a, n, pl, audits, samples, plans)
	}
	want := map[int64]bool{}
	for _, l := range p.Lines {
		if l.After() > l.Target+1 && len(l.Add) > 0 {
			t.Errorf("the preview takes %s × %s to %d against a plan of %d", l.Assessor, l.UnitCode, l.After(), l.Target)
		}
		for _, id := range l.Add {
			want[id] = true
		}
	}
	n, err := s.DrawSample(ctx, v, 3)
	if err != nil || n != p.Adds() {
		t.Fatalf("DrawSample after the preview = %d, %v; want the %d previewed", n, err, p.Adds())
	}
	got, err := s.Samples(ctx, model.SampleFilter{Cohort: 3})
	if err != nil {
		t.Fatal(err)
	}
	drawn := 0
	for _, x := range got {
		if x.VerifierID == v.ID {
			drawn++
			if !want[x.DecisionID] {
				t.Errorf("the draw took decision %d, which the preview did not show", x.DecisionID)
			}
		}
	}
	if drawn != len(want) {
		t.Errorf("the draw took %d decisions; the preview showed %d", drawn, len(want))
	}
	again, err := s.PreviewSample(ctx, v, 3)
	if err != nil || again.Adds() != 0 {
		t.Errorf("a preview after the draw adds %d, %v; want 0", again.Adds(), err)
	}
	for _, role := range []string{model.RoleAssessor, model.RoleLead, model.RoleModerator} {
		if _, err := s.PreviewSample(ctx, userWithRole(t, s, role), 3); !errors.Is(err, model.ErrPermission) {
			t.Errorf("PreviewSample as %s = %v; want ErrPermission", role, err)
		}
	}
	if _, err := s.PreviewSample(ctx, v, 99); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("PreviewSample(cohort 99) = %v; want ErrNotFound", err)
	}
}

// drawLeavesAPairOverPlanAlone: a pair sampled by hand past its plan
// gets nothing more from a draw, and the matrix no longer marks it under
// plan; a verifier who once assessed never draws their own decisions, even
// when that leaves their pairs under plan.
func drawLeavesAPairOverPlanAlone(t *testing.T, s *Store) {
	ctx := context.Background()
	v := namedUser(t, s, "hand-verifier", model.RoleVerifier)
	// The pair with the most decisions in cohort 4, sampled by hand to its plan and two past it.
	var assessor int64
	var unit string
	if err := s.db.QueryRow(`SELECT d.assessor_id, un.code FROM assessment_decisions d JOIN organisers o ON o.id = d.organiser_id
		JOIN cohorts c ON c.id = o.cohort_id JOIN units un ON un.id = `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+`
		WHERE c.number = 4 GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`).Scan(&assessor, &unit); err != nil {
		t.Fatal(err)
	}
	cells, _ := s.CoverageMatrix(ctx, 4)
	var cell model.MatrixCell
	assessorName := ""
	s.db.QueryRow(`SELECT display_name FROM users WHERE id = $1`, assessor).Scan(&assessorName)
	for _, m := range cells {
		if m.Assessor == assessorName && m.UnitCode == unit {
			cell = m
		}
	}
	if cell.Target == 0 {
		t.Fatalf("no matrix cell for %s × %s in %+v", assessorName, unit, cells)
	}
	ids, err := int64sDB(s, `SELECT d.id FROM assessment_decisions d JOIN organisers o ON o.id = d.organiser_id JOIN cohorts c ON c.id = o.cohort_id
		WHERE c.number = 4 AND d.assessor_id = $1 AND `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "d.evidence_id")+` = (SELECT id FROM units WHERE code = $2)
		AND NOT EXISTS (SELECT 1 FROM iv_samples x WHERE x.decision_id = d.id) ORDER BY d.id`, assessor, unit)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; cell.Sampled+i < cell.Target+2 && i < len(ids); i++ {
		if _, err := s.SampleDecision(ctx, v, ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.PreviewSample(ctx, v, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		if l.Assessor == assessorName && l.UnitCode == unit {
			if len(l.Add) != 0 || l.Sampled != cell.Target+2 {
				t.Errorf("%s × %s sampled by hand to %d against a plan of %d; the draw adds %d; want it left alone at %d",
					l.Assessor, l.UnitCode, l.Sampled, l.Target, len(l.Add), cell.Target+2)
			}
		}
	}
	cells, _ = s.CoverageMatrix(ctx, 4)
	for _, m := range cells {
		if m.Assessor == assessorName && m.UnitCode == unit && m.UnderPlan() {
			t.Errorf("the matrix marks %+v under plan", m)
		}
	}

	// The pair's assessor becomes a verifier: their own decisions stay out of their draw.
	admin := userWithRole(t, s, model.RoleAdmin)
	if err := s.SetUserRole(ctx, admin, assessor, model.RoleVerifier); err != nil {
		t.Fatal(err)
	}
	former, err := s.UserByID(ctx, assessor)
	if err != nil {
		t.Fatal(err)
	}
	p, err = s.PreviewSample(ctx, former, 4)
	if err != nil {
		t.Fatal(err)
	}
	own := map[int64]bool{}
	all, _ := int64sDB(s, `SELECT id FROM assessment_decisions WHERE assessor_id = $1`, assessor)
	for _, id := range all {
		own[id] = true
	}
	for _, l := range p.Lines {
		for _, id := range l.Add {
			if own[id] {
				t.Errorf("the former assessor's draw takes their own decision %d (%s × %s)", id, l.Assessor, l.UnitCode)
			}
		}
	}
}

// TestDrawCoversEveryMethodWithinOne: on a small programme, a pair whose
// plan is one decision but whose assessor has used two methods gets the
// second method sampled as its one decision past the plan, and no more.
func TestDrawCoversEveryMethodWithinOne(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	var decisions []int64
	for i, kind := range []string{"reflective_account", "reflective_account", "reflective_account", "observation", "observation"} {
		id, err := f.s.AddEvidence(ctx, f.lead, model.EvidenceItem{OrganiserID: f.learner, Kind: kind,
			Title: fmt.Sprintf("Item %d", i), EvidenceOn: "2012-03-01", CriterionIDs: []int64{f.crit["U2 1.1"]}}, true)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.decide(t, f.assessor, id, map[string]string{"U2 1.1": model.OutcomeAchieved})
		if err != nil {
			t.Fatal(err)
		}
		decisions = append(decisions, d)
	}
	p, err := f.s.PreviewSample(ctx, f.verifier, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Lines) != 1 {
		t.Fatalf("PreviewSample lines = %+v; want the one pair", p.Lines)
	}
	l := p.Lines[0]
	// Five decisions at the first-year rate (25%): a plan of two; both methods are in it, so none past it.
	if l.Decisions != 5 || l.Target != 2 || len(l.Add) != 2 {
		t.Fatalf("the pair = %+v; want 5 decisions, a plan of 2, both added", l)
	}
	kinds := map[string]bool{}
	for _, id := range l.Add {
		if !slices.Contains(decisions, id) {
			t.Errorf("the draw takes decision %d, not one of the pair's %v", id, decisions)
		}
		var kind string
		f.s.db.QueryRow(`SELECT e.kind FROM assessment_decisions d JOIN evidence_items e ON e.id = d.evidence_id WHERE d.id = $1`, id).Scan(&kind)
		kinds[kind] = true
	}
	if len(kinds) != 2 {
		t.Errorf("the draw takes methods %v; want both the assessor used", kinds)
	}
	// With the rate at 10% the plan is one decision; the second method is the one past it.
	if _, err := f.s.SetPlanRates(ctx, f.verifier, 1, 10, 10); err != nil {
		t.Fatal(err)
	}
	p, _ = f.s.PreviewSample(ctx, f.verifier, 1)
	if l := p.Lines[0]; l.Target != 1 || len(l.Add) != 2 {
		t.Errorf("at 10%%, the pair = %+v; want a plan of 1 and 2 added (one per method)", l)
	}
}

// int64sDB reads one column of ids.
func int64sDB(s *Store, query string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TestNotYetWithoutFeedbackRefused: the store refuses a Not yet achieved
// with no feedback, records nothing, and takes the same decision with words.
func TestNotYetWithoutFeedbackRefused(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev := f.evidence(t, "U1 1.1", "U1 1.2")
	d := model.DecisionDraft{EvidenceID: ev, DecidedOn: "2012-03-10",
		Outcomes: map[int64]string{f.crit["U1 1.1"]: model.OutcomeAchieved, f.crit["U1 1.2"]: model.OutcomeNotYet}}
	for _, fb := range []string{"", "   ", "\n-\n"} {
		d.Feedback = fb
		_, err := f.s.RecordDecision(ctx, f.assessor, d)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "feedback: ") {
			t.Errorf("RecordDecision(not yet, feedback %q) = %v; want ErrInvalid naming the feedback", fb, err)
		}
	}
	if hist, _ := f.s.Decisions(ctx, ev); len(hist) != 0 {
		t.Errorf("refused decisions were recorded: %+v", hist)
	}
	d.Feedback = "1.2: say how you recorded what you heard."
	if _, err := f.s.RecordDecision(ctx, f.assessor, d); err != nil {
		t.Errorf("RecordDecision(not yet, with feedback) = %v", err)
	}
}
