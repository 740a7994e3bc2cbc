package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// A verifier draws a sample to plan and agrees the first pending decision.
func TestVerifierAgreesASample(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, e, w, q := openVerification(t, s, "verifier")
	waitFor(t, q, "the samples", func() bool { return len(sc.samples) > 0 })
	test.Tap(findButton(w.Content(), "Draw sample to plan"))
	waitFor(t, q, "the draw's preview", func() bool { return w.Canvas().Overlays().Top() != nil })
	tapIn(t, topDialog(t, w, "the preview"), confirmLabel(t, w))
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
func verificationDemo(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), copyOfDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openVerification signs username in and shows them the verification screen.
func openVerification(t *testing.T, s *sqlstore.Store, username string) (*verificationScreen, *env, fyne.Window, uiQueue) {
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

// confirmLabel is the label of the draw preview's confirm button.
func confirmLabel(t *testing.T, w fyne.Window) string {
	t.Helper()
	var label string
	walk(topDialog(t, w, "the preview"), func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && strings.HasPrefix(b.Text, "Add ") && strings.HasSuffix(b.Text, " to the sample") {
			label = b.Text
		}
	})
	if label == "" {
		t.Fatalf("the preview has no confirm button: %q", shownText(topDialog(t, w, "the preview")))
	}
	return label
}

// chooseCohort picks cohort n on the screen and waits for its samples.
func chooseCohort(t *testing.T, sc *verificationScreen, q uiQueue, n int) {
	t.Helper()
	sc.cohort.SetSelected(fmt.Sprintf("Cohort %d", n))
	waitFor(t, q, fmt.Sprintf("cohort %d", n), func() bool {
		return sc.e.pending.Load() == 0 && len(sc.matrix) > 0 && len(sc.samples) > 0 && sc.samples[0].Cohort == n
	})
}

// TestVerifierPreviewsTheDraw: Draw sample to plan first shows, per
// assessor and unit, what it will add (counts, before → after %) and adds
// nothing until confirmed; Cancel leaves the sample alone; the pairs under
// plan stand out in the coverage list until the confirmed draw fills them;
// a second draw has nothing to add and says so.
func TestVerifierPreviewsTheDraw(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, _, w, q := openVerification(t, s, "verifier")
	chooseCohort(t, sc, q, 2)
	before, _ := s.Samples(ctx, model.SampleFilter{Cohort: 2})
	under := 0
	for _, m := range sc.matrix {
		if m.UnderPlan() {
			under++
		}
	}
	if under == 0 {
		t.Fatal("no pair of cohort 2 is under plan in the demo; the test needs one")
	}
	if !strings.Contains(sc.mhead.Text, fmt.Sprintf("%d of %d pairs under plan", under, len(sc.matrix))) {
		t.Errorf("the coverage heading reads %q; want %d pairs under plan", sc.mhead.Text, under)
	}
	if want := fmt.Sprintf("Coverage (⚠ %d under plan)", under); sc.coverageTab.Text != want {
		t.Errorf("the coverage tab reads %q; want %q", sc.coverageTab.Text, want)
	}
	sc.tabs.Select(sc.coverageTab)
	marked := false
	walk(sc.mtable, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "⚠ under plan: ") {
			marked = marked || (l.TextStyle.Bold && l.Importance == widget.WarningImportance)
		}
	})
	if !marked {
		t.Error("no row of the coverage list is marked, bold and in the warning colour, as under plan")
	}

	preview, err := s.PreviewSample(ctx, sc.e.user, 2)
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(sc.draw)
	waitFor(t, q, "the draw's preview", func() bool { return w.Canvas().Overlays().Top() != nil })
	d := topDialog(t, w, "the preview")
	text := shownText(d)
	want := fmt.Sprintf("The draw adds %d decisions to cohort 2's sample, %d → %d", preview.Adds(), len(before), len(before)+preview.Adds())
	if !strings.Contains(text, want) {
		t.Errorf("the preview says %q; want %q", text, want)
	}
	rows := drawRows(preview)
	if len(rows) == 0 {
		t.Fatal("the preview lists no pair")
	}
	l := rows[0]
	for _, cell := range []string{l.Assessor, fmt.Sprintf("+%d", len(l.Add)),
		fmt.Sprintf("%d → %d of %d", l.Sampled, l.After(), l.Decisions),
		fmt.Sprintf("%d%% → %d%%", percent(l.Sampled, l.Decisions), percent(l.After(), l.Decisions))} {
		if !strings.Contains(text, cell) {
			t.Errorf("the preview's first pair does not show %q: %q", cell, text)
		}
	}
	tapIn(t, d, "Cancel")
	q.drain()
	if now, _ := s.Samples(ctx, model.SampleFilter{Cohort: 2}); len(now) != len(before) {
		t.Fatalf("Cancel on the preview: %d samples; want the %d before", len(now), len(before))
	}

	test.Tap(sc.draw)
	waitFor(t, q, "the preview again", func() bool { return w.Canvas().Overlays().Top() != nil })
	tapIn(t, topDialog(t, w, "the preview"), fmt.Sprintf("Add %d to the sample", preview.Adds()))
	waitFor(t, q, "the draw", func() bool {
		return strings.HasPrefix(sc.status.Text, fmt.Sprintf("%d decisions added to the sample · %d sampled", preview.Adds(), len(before)+preview.Adds()))
	})
	waitFor(t, q, "the refreshed coverage", func() bool { return strings.Contains(sc.mhead.Text, "pairs to plan") })
	if now, _ := s.Samples(ctx, model.SampleFilter{Cohort: 2}); len(now) != len(before)+preview.Adds() {
		t.Errorf("after the confirmed draw: %d samples; want %d", len(now), len(before)+preview.Adds())
	}

	test.Tap(sc.draw)
	waitFor(t, q, "the answer to a second draw", func() bool { return w.Canvas().Overlays().Top() != nil })
	if text := shownText(topDialog(t, w, "the answer")); !strings.Contains(text, "already to plan") {
		t.Errorf("a second draw shows %q; want it to say the sample is already to plan", text)
	}
}

// TestVerifierOpensSampledEvidence: the verifier opens the evidence of a
// sampled decision and reads its file in place.
func TestVerifierOpensSampledEvidence(t *testing.T) {
	ctx := context.Background()
	s := openDemo(t)
	sc, _, w, q := openVerification(t, s, "verifier")
	waitFor(t, q, "the samples", func() bool { return len(sc.samples) > 0 })
	row, it := -1, model.EvidenceItem{}
	for r, x := range sc.samples {
		var err error
		if it, err = s.Evidence(ctx, x.EvidenceID); err == nil && len(it.Files) > 0 {
			row = r
			break
		}
	}
	if row < 0 {
		t.Fatal("no sampled decision's evidence has a file in the demo")
	}
	file := it.Files[0]
	stored, err := os.ReadFile(s.EvidenceFilePath(file.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	sc.table.Select(widget.TableCellID{Row: row, Col: 1})
	var view *widget.Button
	waitFor(t, q, "the evidence's files", func() bool {
		view = findButton(sc.detail, fmt.Sprintf("View %s (%s)", file.FileName, fileSize(file.Size)))
		return view != nil
	})
	test.Tap(view)
	d := topDialog(t, w, "the viewer")
	firstLine := strings.SplitN(string(stored), "\n", 2)[0]
	waitFor(t, q, "the file's text", func() bool { return strings.Contains(shownText(d), firstLine) })
}
