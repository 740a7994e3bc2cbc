package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shownErrors is every piece of text under o drawn in the theme's error
// colour and not hidden: what a person reads as "you got this wrong".
func shownErrors(o fyne.CanvasObject) []string {
	red := theme.Color(theme.ColorNameError)
	var out []string
	walk(o, func(c fyne.CanvasObject) {
		if t, ok := c.(*canvas.Text); ok && t.Visible() && t.Text != "" && t.Color == red {
			out = append(out, t.Text)
		}
	})
	return out
}

// A new host form opens with no error under its empty fields.
func TestNewHostFormOpensQuiet(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
	test.Tap(findButton(w.Content(), "Add host"))
	over := w.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("no host form")
	}
	if got := shownErrors(over); len(got) > 0 {
		t.Fatalf("the new host form shows %q before anything is typed", got)
	}
}

// openNewOrganiser opens the organisers screen's new-organiser page.
func openNewOrganiser(t *testing.T) (*organisersScreen, fyne.Window, uiQueue, *env) {
	t.Helper()
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	s := newOrganisersScreen(e).(*organisersScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the organisers", func() bool { return e.pending.Load() == 0 && len(s.rows) > 0 })
	test.Tap(findButton(w.Content(), "Add organiser"))
	waitFor(t, q, "the new organiser page", func() bool { return e.pending.Load() == 0 && findButton(w.Content(), "Save") != nil })
	return s, w, q, e
}

// The new-organiser page says nothing is required until a field is left
// empty or Save is pressed; then it says so, and saves nothing.
func TestNewOrganiserQuietUntilTouchedOrSaved(t *testing.T) {
	s, w, q, e := openNewOrganiser(t)
	if got := shownErrors(w.Content()); len(got) > 0 {
		t.Fatalf("the new organiser page shows %q before anything is typed", got)
	}
	before := len(s.all)
	test.Tap(findButton(w.Content(), "Save"))
	q.drain()
	got := strings.Join(shownErrors(w.Content()), "|")
	if !strings.Contains(got, "is required") || !strings.Contains(got, "Please correct") {
		t.Fatalf("after Save on the empty form the page shows %q; want is required and Please correct", got)
	}
	waitFor(t, q, "settling", func() bool { return e.pending.Load() == 0 })
	if len(s.all) != before {
		t.Fatalf("Save on an empty form changed the list from %d to %d", before, len(s.all))
	}
}

// Leaving one empty field marks only that one; typing in it clears it.
func TestLeavingAFieldMarksOnlyThatField(t *testing.T) {
	s, w, _, _ := openNewOrganiser(t)
	p := s.page
	if p == nil {
		t.Fatal("no organiser page")
	}
	w.Canvas().Focus(p.given)
	w.Canvas().Focus(p.family) // leave Given name empty
	if got := shownErrors(w.Content()); len(got) != 1 || got[0] != "is required" {
		t.Fatalf("after leaving Given name empty the page shows %q; want one is required", got)
	}
	w.Canvas().Focus(p.given) // leaves Family name empty too
	test.Type(p.given, "Zoë")
	w.Canvas().Focus(p.email)
	if got := shownErrors(w.Content()); len(got) != 1 || p.given.Validate() != nil {
		t.Fatalf("after typing a given name the page shows %q (given name error %v); want only Family name's", got, p.given.Validate())
	}
	w.Canvas().Focus(p.family)
	test.Type(p.family, "Ó Súilleabháin")
	w.Canvas().Focus(p.given)
	if got := shownErrors(w.Content()); len(got) != 1 {
		// Email was left empty on the way.
		t.Fatalf("after filling both names the page shows %q; want only Email's", got)
	}
}

// formEntries is every entry of type T in w's top dialog.
func formEntries[T fyne.CanvasObject](t *testing.T, w fyne.Window) (fyne.CanvasObject, []T) {
	t.Helper()
	return dialogEntries[T](t, w, "the form")
}

// The host form: a required field left empty says "is required" at once,
// only for that field; filling it clears the message.
func TestHostFormLeftEmptySaysRequired(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
	test.Tap(findButton(w.Content(), "Add host"))
	over, entries := formEntries[*escEntry](t, w)
	name, region := entries[0], entries[1]
	if w.Canvas().Focused() != name {
		t.Fatalf("the form opened with %T focused, not Name", w.Canvas().Focused())
	}
	w.Canvas().Focus(region) // leave Name empty
	if got := shownErrors(over); len(got) != 1 || got[0] != "is required" {
		t.Fatalf("after leaving Name empty the form shows %q; want one is required", got)
	}
	test.Type(region, "North West")
	w.Canvas().Focus(name)
	test.Type(name, "Moss Side Community Trust")
	w.Canvas().Focus(region)
	if got := shownErrors(over); len(got) != 0 {
		t.Fatalf("with both filled the form shows %q", got)
	}
	if findButton(over, "Save").Disabled() {
		t.Error("Save disabled with Name and Region filled")
	}
}

// The trainer form: its given name left empty says so; a field left
// filled says nothing.
func TestTrainerFormLeftEmptySaysRequired(t *testing.T) {
	st := newEmptyStore(t)
	e, w, q := testEnv(t, st)
	s := newTrainersScreen(e).(*trainersScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the empty network", func() bool { return strings.Contains(s.status.Text, "Showing 0 of 0") })
	test.Tap(findButton(w.Content(), "Add trainer"))
	over, entries := formEntries[*trainerEntry](t, w)
	if got := shownErrors(over); len(got) != 0 {
		t.Fatalf("the new trainer form opens showing %q", got)
	}
	w.Canvas().Focus(entries[0])
	w.Canvas().Focus(entries[1]) // leave Given name empty
	if got := shownErrors(over); len(got) != 1 || got[0] != "is required" {
		t.Fatalf("after leaving Given name empty the form shows %q; want one is required", got)
	}
	test.Type(entries[1], "Ó Súilleabháin")
	w.Canvas().Focus(entries[3]) // Family name left filled
	if got := shownErrors(over); len(got) != 1 {
		t.Fatalf("after leaving Family name filled the form shows %q; want only Given name's", got)
	}
}

// A multi-line required field (as the revoke reason is): left empty it
// says so; Enter in it is a new line, not a submission; Escape cancels.
func TestMultiLineFormFieldLeftEmptyAndKeys(t *testing.T) {
	w := dialogWindow(t)
	reason := newEscEntry(nil, nil)
	reason.MultiLine = true
	reason.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("a reason is required")
		}
		return nil
	}
	other := newEscEntry(nil, nil)
	var answers []bool
	askForm("Revoke C-1", "Revoke", "Keep it", []*widget.FormItem{widget.NewFormItem("Reason", reason), widget.NewFormItem("Note", other)},
		func(ok bool) { answers = append(answers, ok) }, w)
	over := topDialog(t, w, "the form")
	w.Canvas().Focus(reason)
	w.Canvas().Focus(other)
	if got := shownErrors(over); len(got) != 1 || got[0] != "a reason is required" {
		t.Fatalf("after leaving Reason empty the form shows %q", got)
	}
	w.Canvas().Focus(reason)
	test.Type(reason, "issued in error")
	pressKey(t, w, fyne.KeyReturn)
	if len(answers) != 0 || !strings.Contains(reason.Text, "\n") {
		t.Fatalf("Enter in the reason: answers %v, text %q; want none and a new line", answers, reason.Text)
	}
	pressKey(t, w, fyne.KeyEscape)
	if len(answers) != 1 || answers[0] {
		t.Fatalf("Escape in the reason: answers %v; want [false]", answers)
	}
}
