package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// laptop is the smallest screen Cascade is used on.
var laptop = fyne.NewSize(1024, 700)

// mainAction is the button each screen is for; "" where the screen only shows.
var mainAction = map[string]string{
	"Dashboard":       "",
	"Trainers":        "Add trainer",
	"Cascade":         "Export PNG…",
	"Cohorts & hosts": "Add host",
	"Organisers":      "Add organiser",
	"Training":        "New course…",
	"Evidence":        recordLabel, // once the first item in the queue is chosen
	"Verification":    "Draw sample to plan",
	"Claims":          "New claim…",
	"Certificates":    "Issue certificates",
	"Reports":         "Write file",
	"Import":          "Choose file…",
	"Audit log":       "",
	"Users":           "Add user…",
	"Settings":        "Save settings",
}

// fitsOnLaptop fails t unless w's content fits a 1024×700 screen and the
// button labelled action (if any) lies wholly inside it.
func fitsOnLaptop(t *testing.T, w fyne.Window, where, action string) {
	t.Helper()
	if ms := w.Content().MinSize(); ms.Width > laptop.Width || ms.Height > laptop.Height {
		t.Errorf("%s: the window needs at least %.0f×%.0f; a laptop has %.0f×%.0f", where, ms.Width, ms.Height, laptop.Width, laptop.Height)
	}
	if action == "" {
		return
	}
	b := findButton(w.Content(), action)
	if b == nil || !b.Visible() {
		t.Errorf("%s: no %q button shown", where, action)
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	end := pos.Add(b.Size())
	view, found := shownArea(w.Content(), b)
	if !found {
		t.Fatalf("%s: %q is not in the window", where, action)
	}
	if pos.X < view.min.X || pos.Y < view.min.Y || end.X > view.max.X || end.Y > view.max.Y || b.Size().Width < b.MinSize().Width {
		t.Errorf("%s: %q lies at %v–%v (width %.0f of %.0f it needs); the part shown there is %v–%v", where, action, pos, end,
			b.Size().Width, b.MinSize().Width, view.min, view.max)
	}
}

// area is a rectangle in window coordinates.
type area struct{ min, max fyne.Position }

func (a area) clip(b area) area {
	return area{fyne.NewPos(max(a.min.X, b.min.X), max(a.min.Y, b.min.Y)), fyne.NewPos(min(a.max.X, b.max.X), min(a.max.Y, b.max.Y))}
}

// shownArea is the part of the laptop screen in which target can be seen:
// the screen cut down by every scroller around target, since a button
// scrolled out of its scroller's view is as hidden as one off the screen.
func shownArea(root, target fyne.CanvasObject) (area, bool) {
	d := fyne.CurrentApp().Driver()
	var search func(o fyne.CanvasObject, view area) (area, bool)
	search = func(o fyne.CanvasObject, view area) (area, bool) {
		if o == target {
			return view, true
		}
		if !o.Visible() {
			return view, false
		}
		if sc, ok := o.(*container.Scroll); ok {
			p := d.AbsolutePositionForObject(sc)
			view = view.clip(area{p, p.Add(sc.Size())})
		}
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = cacheRenderer(v).Objects()
		}
		for _, k := range kids {
			if a, ok := search(k, view); ok {
				return a, true
			}
		}
		return view, false
	}
	return search(root, area{fyne.NewPos(0, 0), fyne.NewPos(laptop.Width, laptop.Height)})
}

// Every screen of the demo, opened in a 1024×700 window, fits it with its
// main action on screen.
func TestEveryScreenFitsALaptop(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	e.app.Settings().SetTheme(Theme()) // the app's own sizes, not the test theme's smaller ones
	sh := buildShell(e)
	w.SetContent(sh.root)
	w.Resize(laptop)
	for i, sec := range sh.sections {
		action, ok := mainAction[sec.title]
		if !ok {
			t.Errorf("no main action listed for the %s screen", sec.title)
		}
		sh.nav.Select(i)
		waitFor(t, q, sec.title, func() bool { return e.pending.Load() == 0 })
		if ev, ok := sh.built[i].(*evidenceScreen); ok {
			ev.queueTable.Select(widget.TableCellID{Row: 0, Col: 0})
			waitFor(t, q, "the decision form", func() bool { return findButton(w.Content(), recordLabel) != nil })
		}
		w.Resize(laptop) // lay out again with what was loaded
		fitsOnLaptop(t, w, sec.title, action)
		// A long message on its status line wraps; it does not widen the window.
		if status := reflectStatus(sh.built[i]); status != nil {
			sayProblem(status, longStatus)
			w.Resize(laptop)
			fitsOnLaptop(t, w, sec.title+" with a long status", action)
		}
	}
}

// longStatus is a failure message as long as a deep path makes one.
const longStatus = "Could not write /home/someone/Documents/Cascade/reports/a-very-long-folder-name/and-another/" +
	"cohort-progress-cohort-12-with-every-host-and-every-organiser.pdf: permission denied by the operating system"

// A moderator's screens carry notes instead of buttons; those whose
// content changes with the role fit too.
func TestEveryScreenFitsALaptopReadOnly(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	e.app.Settings().SetTheme(Theme())
	e.user = demoUser(t, st, "moderator")
	sh := buildShell(e)
	w.SetContent(sh.root)
	w.Resize(laptop)
	for _, title := range []string{"Certificates", "Settings", "Users"} {
		sh.open(title)
		waitFor(t, q, title, func() bool { return e.pending.Load() == 0 })
		w.Resize(laptop)
		fitsOnLaptop(t, w, title+" (moderator)", "")
	}
}

// The new-organiser page and an existing organiser's page fit, with Save
// in view.
func TestOrganiserPageFitsALaptop(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	e.app.Settings().SetTheme(Theme())
	sh := buildShell(e)
	w.SetContent(sh.root)
	w.Resize(laptop)
	sh.nav.Select(4)
	waitFor(t, q, "the organisers", func() bool { return e.pending.Load() == 0 })
	test.Tap(findButton(w.Content(), "Add organiser"))
	waitFor(t, q, "the new organiser page", func() bool { return e.pending.Load() == 0 && findButton(w.Content(), "Save") != nil })
	w.Resize(laptop)
	fitsOnLaptop(t, w, "new organiser", "Save")
}

// reflectStatus is a screen's status line, nil for screens without one.
func reflectStatus(s screen) *widget.Label {
	switch v := s.(type) {
	case *certificatesScreen:
		return v.status
	case *claimsScreen:
		return v.status
	case *cohortsScreen:
		return v.status
	case *dashboardScreen:
		return v.status
	case *importScreen:
		return v.status
	case *reportsScreen:
		return v.status
	case *settingsScreen:
		return v.status
	case *trainersScreen:
		return v.status
	case *trainingScreen:
		return v.status
	case *usersScreen:
		return v.status
	case *verificationScreen:
		return v.status
	}
	return nil
}
