package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

func openClaims(t *testing.T, st *sqlstore.Store, username string) (*claimsScreen, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, username)
	scr := newClaimsScreen(e).(*claimsScreen)
	w.SetContent(scr.content())
	waitFor(t, q, "the claims", func() bool { return len(scr.claims) > 0 })
	return scr, w, q
}

// selectClaim selects the claim with reference ref and waits for its lines.
func selectClaim(t *testing.T, s *claimsScreen, q uiQueue, ref string) model.Claim {
	t.Helper()
	for i, k := range s.claims {
		if k.Reference == ref {
			s.table.Select(widget.TableCellID{Row: i, Col: 0})
			waitFor(t, q, ref+"'s lines", func() bool { return strings.HasPrefix(s.heading.Text, ref+":") })
			return k
		}
	}
	t.Fatalf("claim %s is not listed", ref)
	return model.Claim{}
}

// claimByRef reads a claim back from the database.
func claimByRef(t *testing.T, st *sqlstore.Store, ref string) model.Claim {
	t.Helper()
	cs, err := st.Claims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range cs {
		if k.Reference == ref {
			return k
		}
	}
	t.Fatalf("no claim %s in the database", ref)
	return model.Claim{}
}

// makeClaim makes a claim through the New claim dialog and returns the
// reference the status names.
func makeClaim(t *testing.T, s *claimsScreen, w fyne.Window, q uiQueue, cohort int, qual string) string {
	t.Helper()
	tapIn(t, w.Content(), "New claim…")
	over := topDialog(t, w, "a new claim")
	var sels []*widget.Select
	walk(over, func(o fyne.CanvasObject) {
		if v, ok := o.(*widget.Select); ok {
			sels = append(sels, v)
		}
	})
	if len(sels) != 2 {
		t.Fatalf("the new claim dialog has %d choices; want cohort and qualification", len(sels))
	}
	waitFor(t, q, "the qualifications", func() bool { return len(sels[1].Options) > 0 })
	sels[0].SetSelected("Cohort " + num(cohort))
	sels[1].SetSelected(qual)
	if sels[0].Selected != "Cohort "+num(cohort) || sels[1].Selected != qual {
		t.Fatalf("could not choose cohort %d and %s from %v and %v", cohort, qual, sels[0].Options, sels[1].Options)
	}
	before := len(s.claims)
	tapIn(t, over, "Make claim")
	waitFor(t, q, "the new claim", func() bool { return strings.HasPrefix(s.status.Text, "Made draft ") && len(s.claims) == before+1 })
	ref, _, _ := strings.Cut(strings.TrimPrefix(s.status.Text, "Made draft "), ":")
	return ref
}

func TestClaimsListShowsDemoClaims(t *testing.T) {
	st := openDemo(t)
	s, w, _ := openClaims(t, st, "lead")
	shown := shownText(w.Content())
	for _, ref := range []string{"CLM-2012-C01", "CLM-2013-C02", "CLM-2015-C03"} {
		if !strings.Contains(shown, "\n"+ref+"\n") {
			t.Errorf("claim %s is not shown:\n%s", ref, shown)
		}
	}
	if len(s.claims) != 3 {
		t.Errorf("%d claims listed; want the demo's 3", len(s.claims))
	}
	for _, b := range []*widget.Button{s.subBtn, s.fixBtn, s.delBtn, s.csvBtn, s.pdfBtn} {
		if !b.Disabled() {
			t.Errorf("%q is enabled with no claim chosen", b.Text)
		}
	}
	if s.newBtn.Disabled() {
		t.Error("a training lead may not make a claim")
	}
}

func TestClaimsAssessorMayOnlyRead(t *testing.T) {
	st := openDemo(t)
	s, _, q := openClaims(t, st, "assessor")
	selectClaim(t, s, q, "CLM-2015-C03")
	for _, b := range []*widget.Button{s.newBtn, s.subBtn, s.fixBtn, s.delBtn} {
		if !b.Disabled() {
			t.Errorf("%q is enabled for an assessor", b.Text)
		}
	}
	if s.csvBtn.Disabled() {
		t.Error("an assessor cannot export the claim they are reading")
	}
}

func TestClaimsMakeSubmitAndCorrect(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openClaims(t, st, "lead")
	ctx := context.Background()

	// Make: a draft for cohort 4, newest first in the list.
	ref := makeClaim(t, s, w, q, 4, "COQ3C")
	made := claimByRef(t, st, ref)
	if made.Status != "draft" || made.Cohort != 4 || made.Qualification != "COQ3C" || made.CreatedBy != "lead" {
		t.Errorf("made %+v; want lead's draft for cohort 4, COQ3C", made)
	}
	if made.Lines == 0 {
		t.Fatalf("claim %s has no lines; cohort 4 has achieved, registered units", ref)
	}
	if want := fmt.Sprintf("%s units, %s credits", num(made.Lines), num(made.Credits)); !strings.Contains(s.status.Text, want) {
		t.Errorf("status %q does not say %q", s.status.Text, want)
	}
	if s.claims[0].Reference != ref {
		t.Errorf("the new claim is listed at row %q; want it first", s.claims[0].Reference)
	}

	// Its lines: as many as the database holds, the learners shown.
	selectClaim(t, s, q, ref)
	lines, err := st.ClaimLines(ctx, made.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.lines) != len(lines) || len(lines) != made.Lines {
		t.Errorf("%d lines shown, %d in the database; the claim counts %d", len(s.lines), len(lines), made.Lines)
	}
	if shown := shownText(w.Content()); !strings.Contains(shown, "\n"+lines[0].Learner+"\n") || !strings.Contains(shown, "\n"+lines[0].UnitTitle+"\n") {
		t.Errorf("the first line (%s, %s) is not shown:\n%s", lines[0].Learner, lines[0].UnitTitle, shown)
	}
	if s.subBtn.Disabled() || !s.fixBtn.Disabled() {
		t.Errorf("for a draft: Submit disabled %v, Correct disabled %v; want Submit only", s.subBtn.Disabled(), s.fixBtn.Disabled())
	}

	// Submit: asks first; no leaves it a draft.
	tapIn(t, w.Content(), "Submit…")
	confirm := topDialog(t, w, "submitting")
	if text := shownText(confirm); !strings.Contains(text, "Submit "+ref+"?") || !strings.Contains(text, "Submit "+num(made.Lines)+" units") {
		t.Fatalf("the confirmation reads %q", text)
	}
	tapIn(t, confirm, "No")
	q.drain()
	if k := claimByRef(t, st, ref); k.Status != "draft" {
		t.Fatalf("after saying no, %s is %s", ref, k.Status)
	}
	tapIn(t, w.Content(), "Submit…")
	tapIn(t, topDialog(t, w, "submitting"), "Yes")
	waitFor(t, q, "the submission", func() bool { return s.status.Text == ref+" submitted and locked." })
	sub := claimByRef(t, st, ref)
	if sub.Status != "submitted" || sub.SubmittedAt == "" || sub.Lines != made.Lines {
		t.Fatalf("after submitting: %+v", sub)
	}
	waitFor(t, q, "the list showing it locked", func() bool { return s.claimCell(0, 3) == "🔒 submitted" })

	// Correct: a new draft holding the same lines, linked; the submitted claim stays.
	selectClaim(t, s, q, ref)
	if !s.subBtn.Disabled() || s.fixBtn.Disabled() {
		t.Errorf("for a submitted claim: Submit disabled %v, Correct disabled %v; want Correct only", s.subBtn.Disabled(), s.fixBtn.Disabled())
	}
	tapIn(t, w.Content(), "Correct…")
	tapIn(t, topDialog(t, w, "correcting"), "Yes")
	fix := ref + "-R1"
	waitFor(t, q, "the correction", func() bool { return s.status.Text == "Made "+fix+" correcting "+ref+"." })
	k := claimByRef(t, st, fix)
	if k.Status != "draft" || k.CorrectsRef != ref || k.Lines != made.Lines || k.Credits != made.Credits {
		t.Errorf("the correction is %+v; want a draft of %d lines correcting %s", k, made.Lines, ref)
	}
	if again := claimByRef(t, st, ref); again.Status != "submitted" || again.Lines != made.Lines || again.SubmittedAt != sub.SubmittedAt {
		t.Errorf("correcting changed the submitted claim: %+v, was %+v", again, sub)
	}
	waitFor(t, q, "the correction listed", func() bool { return len(s.claims) > 0 && s.claims[0].Reference == fix })
	if s.claimCell(0, 8) != ref {
		t.Errorf("the list shows %s correcting %q; want %s", fix, s.claimCell(0, 8), ref)
	}

	// A second correction of the same claim is refused in words.
	selectClaim(t, s, q, ref)
	tapIn(t, w.Content(), "Correct…")
	tapIn(t, topDialog(t, w, "correcting again"), "Yes")
	waitFor(t, q, "the refusal", func() bool {
		o := w.Canvas().Overlays().Top()
		return o != nil && strings.Contains(shownText(o), "already has a correcting claim")
	})
}

func TestClaimsNothingToClaimIsExplained(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openClaims(t, st, "lead")
	before := len(s.claims)
	// Cohort 1's units are claimed by the demo's submitted claim, or held
	// back while internal verification samples them.
	tapIn(t, w.Content(), "New claim…")
	over := topDialog(t, w, "a new claim")
	var sels []*widget.Select
	walk(over, func(o fyne.CanvasObject) {
		if v, ok := o.(*widget.Select); ok {
			sels = append(sels, v)
		}
	})
	waitFor(t, q, "the qualifications", func() bool { return len(sels[1].Options) > 0 })
	sels[0].SetSelected("Cohort 1")
	sels[1].SetSelected("COQ3C")
	tapIn(t, over, "Make claim")
	waitFor(t, q, "the refusal", func() bool {
		o := w.Canvas().Overlays().Top()
		text := strings.ToLower(shownText(o))
		return o != nil && strings.Contains(text, "no claim was made") && strings.Contains(text, "nothing to claim") &&
			strings.Contains(text, "left off")
	})
	all, err := st.Claims(context.Background())
	if err != nil || len(all) != before {
		t.Errorf("claims after the refusal: %d, %v; want still %d", len(all), err, before)
	}
}

func TestClaimsDiscardDraftAsksThenDeletes(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openClaims(t, st, "lead")
	ref := makeClaim(t, s, w, q, 4, "COQ3C")
	k := claimByRef(t, st, ref)
	selectClaim(t, s, q, ref)
	tapIn(t, w.Content(), "Discard draft…")
	tapIn(t, topDialog(t, w, "discarding"), "No")
	q.drain()
	if _, err := st.ClaimByID(context.Background(), k.ID); err != nil {
		t.Fatalf("saying no discarded the draft: %v", err)
	}
	selectClaim(t, s, q, ref)
	tapIn(t, w.Content(), "Discard draft…")
	confirm := topDialog(t, w, "discarding")
	if !strings.Contains(shownText(confirm), ref) {
		t.Errorf("the confirmation does not name %s: %q", ref, shownText(confirm))
	}
	tapIn(t, confirm, "Yes")
	waitFor(t, q, "the discard", func() bool { return strings.HasPrefix(s.status.Text, "Discarded the draft "+ref) })
	if _, err := st.ClaimByID(context.Background(), k.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("after discarding, the claim reads %v; want ErrNotFound", err)
	}
	waitFor(t, q, "the list without the draft", func() bool {
		for _, c := range s.claims {
			if c.Reference == ref {
				return false
			}
		}
		return true
	})
	// Its units are claimable again: a new claim takes them all.
	again := makeClaim(t, s, w, q, 4, "COQ3C")
	if a := claimByRef(t, st, again); a.Lines != k.Lines {
		t.Errorf("the claim after discarding: %s with %d lines; want %d", again, a.Lines, k.Lines)
	}
}
