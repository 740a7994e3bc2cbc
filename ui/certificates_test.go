package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// openCopyOfDemo opens a private copy of the demo programme, for tests that write.
func openCopyOfDemo(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), copyOfDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCertificatesScreenIssuesAndRevokes(t *testing.T) {
	st := openCopyOfDemo(t)
	e, w, q := testEnv(t, st)
	s := newCertificatesScreen(e)
	w.SetContent(s.content())

	cands, err := st.Candidates(context.Background(), model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil || len(cands) == 0 {
		t.Fatalf("Candidates: %v", err)
	}
	var pick model.Candidate
	for _, c := range cands {
		if c.Eligible {
			pick = c
			break
		}
	}
	s.kind.SetSelected("Completion only")
	// SetText, not Type: every keystroke recounts, and one person keeps the
	// test quick even under -race.
	s.person.SetText(pick.Email)
	s.host.SetText(pick.Host)
	s.cohort.SetText("2")
	waitFor(t, q, "eligible count", func() bool { return strings.Contains(s.eligible.Text, "eligible in the selection") })
	if !strings.Contains(s.eligible.Text, "1 completion certificate,") || s.issueBtn.Disabled() {
		t.Fatalf("eligible = %q, issue disabled = %v", s.eligible.Text, s.issueBtn.Disabled())
	}
	out := filepath.Join(t.TempDir(), "certs")
	s.outPath.SetText(out)
	test.Tap(s.issueBtn)
	tapIn(t, topDialog(t, w, "the confirmation"), "Issue")
	waitFor(t, q, "issuing to finish", func() bool { return strings.HasPrefix(s.status.Text, "Issued ") })
	files, _ := filepath.Glob(filepath.Join(out, "CO-*.pdf"))
	if len(files) == 0 || s.progress.Value != 1 || s.openBtn.Disabled() {
		t.Fatalf("after issuing: %d files, progress %.2f, open disabled %v; status %q", len(files), s.progress.Value, s.openBtn.Disabled(), s.status.Text)
	}
	if !strings.Contains(s.status.Text, "Issued "+num(len(files))+",") {
		t.Errorf("status %q; want it to count %d issued", s.status.Text, len(files))
	}
	waitFor(t, q, "the issued list", func() bool { return len(s.issued) == len(files) })

	test.Type(s.search, s.issued[0].Number)
	waitFor(t, q, "search", func() bool { return len(s.issued) == 1 })
	s.onIssuedSelected(0)
	if s.revoke.Disabled() || s.reprint.Disabled() {
		t.Fatal("reprint and revoke disabled with a valid certificate selected")
	}
	number := s.issued[0].Number
	if err := st.Revoke(context.Background(), model.LocalUser(), number, "test"); err != nil {
		t.Fatal(err)
	}
	s.loadIssued()
	waitFor(t, q, "revoked row", func() bool { return len(s.issued) == 1 && s.issued[0].Revoked() })
	s.onIssuedSelected(0)
	if !s.revoke.Disabled() || !s.reprint.Disabled() {
		t.Error("revoke or reprint enabled for a revoked certificate")
	}
}

func TestCertificatesScreenRefusesABadCohort(t *testing.T) {
	e, w, q := testEnv(t, openDemo(t))
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return s.lists != nil })
	test.Type(s.cohort, "x")
	if !strings.Contains(s.eligible.Text, "cohort number") || !s.issueBtn.Disabled() {
		t.Errorf("cohort x: %q, issue enabled %v", s.eligible.Text, !s.issueBtn.Disabled())
	}
}

func TestReportsScreenPreviewsThenWrites(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newReportsScreen(e)
	w.SetContent(s.content())
	s.kind.SetSelected("progress")
	test.Type(s.cohort, "3")
	if !s.write.Disabled() {
		t.Fatal("write enabled before a preview")
	}
	test.Tap(s.preview)
	waitFor(t, q, "preview", func() bool { return len(s.rows) > 3 })
	if s.rows[0][1] != "Cohort 3" || !strings.Contains(s.rows[1][0], "Senior organisers") {
		t.Errorf("preview rows start %v; want the title for Cohort 3, then the senior target", s.rows[:2])
	}
	s.outPath.SetText(filepath.Join(t.TempDir(), "p.xlsx"))
	test.Tap(s.write)
	waitFor(t, q, "write", func() bool { return strings.HasPrefix(s.status.Text, "Wrote ") })
	if st, err := os.Stat(s.lastOut); err != nil || st.Size() == 0 {
		t.Errorf("written file: %v", err)
	}
	s.kind.SetSelected("claim")
	test.Tap(s.preview)
	waitFor(t, q, "claim refusal", func() bool { return strings.Contains(s.status.Text, "not built yet") })
}

// TestCertificatesScreenWritesToTheOutputFolder checks the screen suggests
// the output.folder setting, not the database's folder, and that a run whose
// folder vanishes mid-write fails, lists its certificates as not delivered,
// and leaves them to be printed as originals.
func TestCertificatesScreenWritesToTheOutputFolder(t *testing.T) {
	st := openCopyOfDemo(t)
	ctx := context.Background()
	outDir := filepath.Join(t.TempDir(), "out")
	if err := st.SaveSettings(ctx, model.LocalUser(), map[string]string{"output.folder": outDir}); err != nil {
		t.Fatal(err)
	}
	e, w, q := testEnv(t, st)
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	want := filepath.Join(outDir, "certificates")
	waitFor(t, q, "the output folder", func() bool { return s.outPath.Text == want })
	s.outMode.SetSelected(outCombined)
	if s.outPath.Text != want+".pdf" {
		t.Errorf("combined suggests %q; want %q", s.outPath.Text, want+".pdf")
	}

	cands, err := st.Candidates(ctx, model.CertSelection{Cohort: 2, Kind: model.KindTrainer})
	if err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(t.TempDir(), "vanishing")
	_, _, err = s.issueAndWrite(ctx, cands, gone, func(int, int) { os.RemoveAll(gone) })
	if err == nil {
		t.Fatal("a run whose folder vanished succeeded")
	}
	s.loadIssued()
	waitFor(t, q, "the issued list", func() bool { return len(s.issued) > 0 })
	cell := widget.NewLabel("")
	s.updateIssuedCell(widget.TableCellID{Row: 0, Col: 4}, cell)
	if !strings.HasPrefix(cell.Text, "not delivered") {
		t.Errorf("status of an undelivered certificate = %q; want not delivered", cell.Text)
	}
}
