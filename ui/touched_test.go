package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
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
