package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// The draw preview: Escape cancels and draws nothing; Enter neither draws
// nor closes it, since a drawn sample cannot be taken back; afterwards the
// window's own key handler has the keys again.
func TestDrawPreviewEscapeCancelsEnterDoesNotDraw(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, _, w, q := openVerification(t, s, "verifier")
	chooseCohort(t, sc, q, 2)
	before, _ := s.Samples(ctx, model.SampleFilter{Cohort: 2})
	var own int
	w.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { own++ })

	test.Tap(sc.draw)
	waitFor(t, q, "the draw's preview", func() bool { return w.Canvas().Overlays().Top() != nil })
	pressKey(t, w, fyne.KeyEscape)
	q.drain()
	if o := w.Canvas().Overlays().Top(); o != nil {
		t.Fatalf("Escape left the preview open: %q", shownText(o))
	}
	pressKey(t, w, fyne.KeyEscape)
	if own != 1 {
		t.Errorf("after the preview closed the window's key handler ran %d times; want 1", own)
	}

	test.Tap(sc.draw)
	waitFor(t, q, "the preview again", func() bool { return w.Canvas().Overlays().Top() != nil })
	pressKey(t, w, fyne.KeyReturn)
	pressKey(t, w, fyne.KeyEnter)
	q.drain()
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter closed the preview")
	}
	if now, _ := s.Samples(ctx, model.SampleFilter{Cohort: 2}); len(now) != len(before) {
		t.Fatalf("after Escape and Enter: %d samples; want the %d before", len(now), len(before))
	}
	pressKey(t, w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape after Enter left the preview open")
	}
}

// openBadgeExport opens the badge export dialog for c's certificate.
func openBadgeExport(t *testing.T) (*certificatesScreen, fyne.Window, uiQueue, model.Candidate) {
	t.Helper()
	st := openCopyOfDemo(t)
	c := issueOne(t, st)
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "lead")
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the output folder", func() bool { return s.outBase != "" })
	s.person.SetText(c.Email)
	return s, w, q, c
}

// The badge export: Escape cancels and writes nothing; Enter exports, as
// exporting only writes files; Enter on a file name for the folder does not.
func TestBadgeExportEscapeCancelsEnterExports(t *testing.T) {
	s, w, q, _ := openBadgeExport(t)
	btn := findButton(w.Content(), "Export badges…")
	dir := filepath.Join(t.TempDir(), "badges")

	test.Tap(btn)
	dialogFolder(t, topDialog(t, w, "the export")).SetText(dir)
	pressKey(t, w, fyne.KeyEscape)
	q.drain()
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the export dialog open")
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("Escape exported badges")
	}

	test.Tap(btn)
	folder := dialogFolder(t, topDialog(t, w, "the export"))
	folder.SetText(filepath.Join(t.TempDir(), "x.json"))
	pressKey(t, w, fyne.KeyReturn)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter with a file name for the folder closed the dialog")
	}
	folder.SetText(dir)
	pressKey(t, w, fyne.KeyReturn)
	waitFor(t, q, "the export", func() bool { return strings.HasPrefix(s.status.Text, "Exported ") })
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 1 {
		t.Fatalf("Enter wrote %d badges; want 1", len(files))
	}
}

// Typing in the badge folder gives it focus, and then it is the entry that
// hears the keys: Escape still cancels, Enter still exports.
func TestBadgeExportKeysFromTheFocusedFolder(t *testing.T) {
	s, w, q, _ := openBadgeExport(t)
	btn := findButton(w.Content(), "Export badges…")
	dir := filepath.Join(t.TempDir(), "typed")

	test.Tap(btn)
	folder := dialogFolder(t, topDialog(t, w, "the export"))
	w.Canvas().Focus(folder)
	pressKey(t, w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape in the focused folder left the dialog open")
	}

	test.Tap(btn)
	folder = dialogFolder(t, topDialog(t, w, "the export"))
	folder.SetText("")
	w.Canvas().Focus(folder)
	test.Type(folder, dir)
	pressKey(t, w, fyne.KeyReturn)
	waitFor(t, q, "the export", func() bool { return strings.HasPrefix(s.status.Text, "Exported ") })
	if !strings.Contains(s.status.Text, dir) {
		t.Errorf("status %q; want the typed folder %s", s.status.Text, dir)
	}
}

// sampledFile is a file of some sampled decision's evidence in st.
func sampledFile(t *testing.T, st interface {
	Samples(context.Context, model.SampleFilter) ([]model.Sample, error)
	Evidence(context.Context, int64) (model.EvidenceItem, error)
}) model.EvidenceFile {
	t.Helper()
	ctx := context.Background()
	samples, err := st.Samples(ctx, model.SampleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range samples {
		if it, err := st.Evidence(ctx, x.EvidenceID); err == nil && len(it.Files) > 0 {
			return it.Files[0]
		}
	}
	t.Fatal("no sampled evidence has a file in the demo")
	return model.EvidenceFile{}
}

// The evidence viewer only shows a file: Escape and Enter each close it,
// even with a feedback box focused behind it, and the keys go back.
func TestEvidenceViewerClosesOnEscapeAndEnter(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	feedback := widget.NewEntry()
	w.SetContent(feedback)
	f := sampledFile(t, st)
	var own int
	w.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { own++ })
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		w.Canvas().Focus(feedback)
		v := showEvidenceFile(e, st, f)
		waitFor(t, q, "the file read", func() bool { return e.pending.Load() == 0 && v.view.File.FileName != "" })
		pressKey(t, w, key)
		if o := w.Canvas().Overlays().Top(); o != nil {
			t.Fatalf("%s left the viewer open: %q", key, shownText(o))
		}
		w.Canvas().Unfocus()
		pressKey(t, w, key)
		if own != 1 {
			t.Fatalf("%s: the window's own key handler ran %d times after the viewer closed; want 1", key, own)
		}
		own = 0
	}
}

// openEnrol opens the Enrol dialog on the newest course with one person
// ticked, and returns how many were on it.
func openEnrol(t *testing.T) (*trainingScreen, *enrolForm, fyne.Window, uiQueue, func() int) {
	t.Helper()
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, "enrol-lead", model.RoleLead)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	settle(t, e, q)
	s.courseTable.Select(widget.TableCellID{Row: len(s.overview.Courses) - 1})
	settle(t, e, q)
	enrolled := func() int {
		courses, err := st.Courses(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range courses {
			if c.ID == s.courseID {
				return c.Enrolled
			}
		}
		t.Fatal("the course is gone")
		return 0
	}
	test.Tap(s.enrol)
	settle(t, e, q)
	f := s.enrolForm
	for _, x := range f.shown {
		if !x.Enrolled {
			f.selected[x.PersonID] = true
			s.showEnrolCount(f)
			break
		}
	}
	if f.enrol.Disabled() {
		t.Fatal("nobody to tick on the course")
	}
	return s, f, w, q, enrolled
}

// The Enrol dialog: its search box has focus, and there Escape cancels and
// Enter enrols nobody (an enrolment cannot be taken back in the app); with
// nothing focused the same holds.
func TestEnrolEscapeCancelsEnterEnrolsNobody(t *testing.T) {
	s, f, w, q, enrolled := openEnrol(t)
	before := enrolled()
	if w.Canvas().Focused() != f.search {
		t.Fatalf("the focus is on %T, not the search box", w.Canvas().Focused())
	}
	pressKey(t, w, fyne.KeyReturn) // to the search box
	w.Canvas().Unfocus()
	pressKey(t, w, fyne.KeyReturn) // to the dialog
	pressKey(t, w, fyne.KeyEnter)
	settle(t, s.e, q)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter closed the Enrol dialog")
	}
	if n := enrolled(); n != before {
		t.Fatalf("Enter enrolled %d people", n-before)
	}
	pressKey(t, w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the Enrol dialog open")
	}
	if n := enrolled(); n != before {
		t.Fatalf("Escape enrolled %d people", n-before)
	}
}

// Escape typed into the search box, mid-search, cancels the dialog too.
func TestEnrolEscapeFromTheSearchBox(t *testing.T) {
	_, f, w, _, enrolled := openEnrol(t)
	before := enrolled()
	test.Type(f.search, "an")
	pressKey(t, w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape in the search box left the Enrol dialog open")
	}
	if n := enrolled(); n != before {
		t.Fatalf("Escape enrolled %d people", n-before)
	}
}
