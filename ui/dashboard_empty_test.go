package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
)

// An empty programme's dashboard says what to do first, not that the charts
// failed, and its buttons open Import ready for that kind of file.
func TestEmptyProgrammeSaysWhatToDoFirst(t *testing.T) {
	st := newEmptyStore(t)
	e, w, q := testEnv(t, st)
	e.app.Settings().SetTheme(Theme())
	sh := buildShell(e)
	w.SetContent(sh.root)
	w.Resize(laptop)
	waitFor(t, q, "the dashboard", func() bool { return e.pending.Load() == 0 })
	shown := shownText(w.Content())
	if !strings.Contains(shown, startText) {
		t.Fatalf("the empty dashboard does not say %q; it shows:\n%s", startText, shown)
	}
	if strings.Contains(shown, "Could not") {
		t.Fatalf("the empty dashboard reports a failure:\n%s", shown)
	}
	fitsOnLaptop(t, w, "empty dashboard", "Import cohorts…")
	for _, k := range []struct{ button, kind string }{
		{"Import cohorts…", model.KindCohorts}, {"Import hosts…", model.KindHosts}, {"Import organisers…", model.KindOrganisers},
	} {
		sh.open("Dashboard")
		test.Tap(findButton(w.Content(), k.button))
		imp, ok := sh.built[sh.current].(*importScreen)
		if !ok {
			t.Fatalf("%s opened %s; want Import", k.button, sh.sections[sh.current].title)
		}
		if imp.kindSelect.Selected != k.kind {
			t.Errorf("%s opened Import for %q; want %q", k.button, imp.kindSelect.Selected, k.kind)
		}
		if sh.nav == nil || findButton(w.Content(), "Choose file…") == nil {
			t.Errorf("%s: Import's Choose file… is not on screen", k.button)
		}
	}
}

// Once there is anyone in the programme the start card goes.
func TestProgrammeWithPeopleHasNoStartCard(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newDashboardScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the dashboard", func() bool { return e.pending.Load() == 0 })
	if s.start.Visible() || strings.Contains(s.chartNote.Text, startText) {
		t.Fatal("the demo programme's dashboard still says to start by importing")
	}
}

// A moderator on an empty programme is told what comes first and who may
// do it, with no import buttons to be refused.
func TestEmptyProgrammeForAReader(t *testing.T) {
	st := newEmptyStore(t)
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, "mod", model.RoleModerator)
	s := newDashboardScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the dashboard", func() bool { return e.pending.Load() == 0 })
	shown := shownText(w.Content())
	if !strings.Contains(shown, startText) || !strings.Contains(shown, "training lead or an administrator") {
		t.Fatalf("a moderator's empty dashboard shows:\n%s", shown)
	}
	if b := findButton(w.Content(), "Import cohorts…"); b != nil {
		t.Fatal("a moderator is offered Import cohorts…")
	}
}
