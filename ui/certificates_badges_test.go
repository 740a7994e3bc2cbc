package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlstore"
)

// issueOne issues and delivers one completion certificate in cohort 2 and
// returns its holder's email.
func issueOne(t *testing.T, st *sqlstore.Store) model.Candidate {
	t.Helper()
	ctx := context.Background()
	cands, err := st.Candidates(ctx, model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.Eligible {
			issued, err := st.IssueCertificates(ctx, model.LocalUser(), []model.Candidate{c}, model.IssueOptions{})
			if err != nil || len(issued) != 1 {
				t.Fatalf("issue: %v", err)
			}
			if err := st.MarkDelivered(ctx, model.LocalUser(), []string{issued[0].Number}); err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatal("nobody eligible in cohort 2")
	return model.Candidate{}
}

// TestCertificatesScreenExportsBadges: the lead chooses a person, taps
// Export badges…, keeps or types the folder and exports; the badge written
// verifies against the programme's key. A selection with nothing issued
// says so and writes nothing; a file name for a folder is refused.
func TestCertificatesScreenExportsBadges(t *testing.T) {
	st := openCopyOfDemo(t)
	c := issueOne(t, st)
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "lead")
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the output folder", func() bool { return s.outBase != "" })

	s.person.SetText(c.Email)
	btn := findButton(w.Content(), "Export badges…")
	if btn == nil || !btn.Visible() {
		t.Fatal("no Export badges… button for a training lead")
	}
	test.Tap(btn)
	over := w.Canvas().Overlays().Top()
	if over == nil || !strings.Contains(shownText(over), "held by "+c.Email) {
		t.Fatalf("the export dialog does not say what it covers: %v", over)
	}
	folder := dialogFolder(t, over)
	if want := filepath.Join(filepath.Dir(s.outBase), "badges"); folder.Text != want {
		t.Errorf("folder suggested %q; want %q (beside the certificates)", folder.Text, want)
	}
	dir := filepath.Join(t.TempDir(), "badges")
	folder.SetText(dir)
	test.Tap(findButton(over, "Export"))
	waitFor(t, q, "the export", func() bool { return strings.HasPrefix(s.status.Text, "Exported ") })
	if !strings.Contains(s.status.Text, "Exported 1 badge to "+dir) || s.progress.Value != 1 {
		t.Errorf("status %q, progress %.2f", s.status.Text, s.progress.Value)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d badges written; want 1", len(files))
	}
	data, _ := os.ReadFile(files[0])
	jwt, err := model.BadgeJWT(data)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := st.PublicKey(context.Background())
	v, err := model.VerifyBadge(jwt, pub, func(n string) (model.Certificate, error) { return st.CertificateByNumber(context.Background(), n) })
	if err != nil || v.Status != model.StatusValid || !v.Credential.HolderMatches(c.Email) {
		t.Errorf("the exported badge: %s (%s), holder matches %v, %v", v.Status, v.Reason, v.Credential.HolderMatches(c.Email), err)
	}

	// A file name is not a folder: Export stays disabled. (A person with
	// nothing issued keeps the screen's recount small.)
	s.person.SetText("nobody@example.org")
	test.Tap(btn)
	over = w.Canvas().Overlays().Top()
	folder = dialogFolder(t, over)
	folder.SetText("")
	test.Type(folder, filepath.Join(t.TempDir(), "x.json"))
	if exp := findButton(over, "Export"); !exp.Disabled() {
		t.Error("Export enabled with a .json file for the folder")
	}
	// Nothing issued to them: said, nothing written.
	empty := filepath.Join(t.TempDir(), "none")
	folder.SetText(empty)
	test.Tap(findButton(over, "Export"))
	waitFor(t, q, "the empty export", func() bool { return strings.HasPrefix(s.status.Text, "No issued") })
	if !strings.Contains(s.status.Text, "held by nobody@example.org") {
		t.Errorf("empty export: status %q", s.status.Text)
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("an empty export made a folder")
	}
	// A bad cohort stops before the dialog.
	for w.Canvas().Overlays().Top() != nil {
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}
	s.cohort.SetText("x")
	test.Tap(btn)
	if w.Canvas().Overlays().Top() != nil || !strings.Contains(s.status.Text, "cohort number") {
		t.Errorf("bad cohort: dialog shown %v, status %q", w.Canvas().Overlays().Top() != nil, s.status.Text)
	}
}

// dialogFolder is the export dialog's folder entry.
func dialogFolder(t *testing.T, over fyne.CanvasObject) *escEntry {
	t.Helper()
	for _, en := range findAll[*escEntry](over) {
		if en.PlaceHolder == "a folder for the badges" {
			return en
		}
	}
	t.Fatal("the export dialog has no folder entry")
	return nil
}

// TestBadgeExportHiddenFromModerator: a moderator reads everything and
// issues nothing, so exporting signed badges is not offered.
func TestBadgeExportHiddenFromModerator(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "moderator")
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	q.drain()
	if b := findButton(w.Content(), "Export badges…"); b != nil && b.Visible() {
		t.Error("Export badges… offered to the external moderator")
	}
	if _, err := st.Badges(context.Background(), e.user, model.CertSelection{}); err == nil {
		t.Error("the store let a moderator export badges")
	}
}
