package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlite"
)

// A verifier draws a sample to plan and agrees the first pending decision.
func TestVerifierAgreesASample(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, e, w, q := openVerification(t, s, "verifier")
	waitFor(t, q, "the samples", func() bool { return len(sc.samples) > 0 })
	test.Tap(findButton(w.Content(), "Draw sample to plan"))
	waitFor(t, q, "pending samples", func() bool { return len(sc.samples) > 0 && sc.samples[0].IVOutcome == model.SamplePending })
	first := sc.samples[0]
	if first.AssessorID == e.user.ID {
		t.Fatal("the verifier's own decision was sampled")
	}
	sc.table.Select(widget.TableCellID{Row: 0, Col: 1})
	waitFor(t, q, "the verify form", func() bool { return findButton(w.Content(), "Agree") != nil })
	test.Tap(findButton(w.Content(), "Send back to the assessor"))
	waitFor(t, q, "the refusal", func() bool { return strings.Contains(shownText(w.Content()), "say what the assessor must do") })
	test.Tap(findButton(w.Content(), "Agree"))
	waitFor(t, q, "the agreement", func() bool { return strings.Contains(shownText(w.Content()), "Recorded.") })
	got, _ := s.Samples(ctx, model.SampleFilter{Cohort: first.Cohort})
	for _, x := range got {
		if x.ID == first.ID && (x.IVOutcome != model.SampleAgreed || x.Verifier != e.user.DisplayName) {
			t.Errorf("sample %d after Agree = %+v", x.ID, x)
		}
	}
}

// TestCohortChoicesFollowTheProgramme: a programme with a 15th cohort offers
// it in the cohort choices, which were fixed at the national 14.
func TestCohortChoicesFollowTheProgramme(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	if _, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 15}); err != nil {
		t.Fatal(err)
	}
	sc, _, _, q := openVerification(t, s, "verifier")
	waitFor(t, q, "cohort 15 among the choices", func() bool {
		return len(sc.cohort.Options) == 15 && sc.cohort.Options[14] == "Cohort 15"
	})
	if sc.cohort.Selected != "Cohort 1" {
		t.Errorf("after the choices were read the screen shows %q; want the first cohort still", sc.cohort.Selected)
	}
}

// TestVerifierChangesThePlan: the screen shows the cohort's rates and a
// verifier changes them through the form; a lead may only read them.
func TestVerifierChangesThePlan(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, _, w, q := openVerification(t, s, "verifier")
	before, err := s.PlanRates(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, q, "the plan", func() bool { return sc.planLbl.Text == planText(before) })
	test.Tap(sc.planBtn)
	form := topDialog(t, w, "the plan form")
	entries := findAll[*widget.Entry](form)
	if len(entries) != 2 || entries[0].Text != fmt.Sprint(before.BaseRate) {
		t.Fatalf("the plan form has %d entries, the first %q; want 2, the first %d", len(entries), entries[0].Text, before.BaseRate)
	}
	entries[0].SetText("20")
	entries[1].SetText("40")
	tapIn(t, form, "Save plan")
	waitFor(t, q, "the new plan", func() bool { return strings.Contains(sc.planLbl.Text, "20% of decisions, 40%") })
	if p, err := s.PlanRates(ctx, 1); err != nil || p.BaseRate != 20 || p.NewAssessorRate != 40 {
		t.Errorf("the database holds %+v, %v; want 20%% and 40%%", p, err)
	}
	// A first-year rate under the base rate is refused in words.
	test.Tap(sc.planBtn)
	form = topDialog(t, w, "the plan form again")
	entries = findAll[*widget.Entry](form)
	entries[1].SetText("5")
	tapIn(t, form, "Save plan")
	waitFor(t, q, "the refusal", func() bool {
		o := w.Canvas().Overlays().Top()
		return o != nil && strings.Contains(strings.ToLower(shownText(o)), "may not be below")
	})

	sl, _, _, q2 := openVerification(t, s, "lead")
	waitFor(t, q2, "the plan for a lead", func() bool { return strings.HasPrefix(sl.planLbl.Text, "Plan: 20%") })
	if !sl.planBtn.Disabled() {
		t.Error("a training lead may change the sampling plan")
	}
}

// verificationDemo opens a private copy of the demo for a test that writes.
func verificationDemo(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), copyOfDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openVerification signs username in and shows them the verification screen.
func openVerification(t *testing.T, s *sqlite.Store, username string) (*verificationScreen, *env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, s)
	var err error
	if e.user, err = s.SignIn(context.Background(), username, "pw-for-tests"); err != nil {
		t.Fatal(err)
	}
	sc := newVerificationScreen(e).(*verificationScreen)
	w.SetContent(sc.content())
	return sc, e, w, q
}
