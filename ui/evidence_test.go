package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/model/sqlstore/sqlstoretest"
)

// copyOfDemo copies the shared demo database for a test that changes it.
func copyOfDemo(t *testing.T) string {
	t.Helper()
	return sqlstoretest.Copy(t)
}

func findAll[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	walk(o, func(c fyne.CanvasObject) {
		if v, ok := c.(T); ok {
			out = append(out, v)
		}
	})
	return out
}

// The assessor signs in through the form, opens the queue, records a
// decision on the oldest evidence and sees it leave the queue.
func TestAssessorDecisionFlow(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, copyOfDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, w, q := testEnv(t, s)
	before, _ := s.AssessorQueue(ctx, model.QueueFilter{})
	if len(before) == 0 {
		t.Fatal("the demo's queue is empty")
	}
	oldest := before[0].EvidenceID

	var signedIn model.User
	w.SetContent(signIn(e, "", func(u model.User) {
		signedIn = u
		e.user = u
		w.SetContent(newShell(e))
	}))
	waitFor(t, q, "the sign-in form", func() bool { return findButton(w.Content(), "Sign in") != nil })
	entries := findAll[*widget.Entry](w.Content())
	test.Type(entries[0], "assessor")
	test.Type(entries[1], "wrong-password")
	test.Tap(findButton(w.Content(), "Sign in"))
	waitFor(t, q, "the refusal", func() bool { return strings.Contains(shownText(w.Content()), "do not match") })
	entries[1].SetText("")
	test.Type(entries[1], "pw-for-tests")
	test.Tap(findButton(w.Content(), "Sign in"))
	waitFor(t, q, "the window after sign-in", func() bool { return signedIn.ID != 0 })
	if signedIn.Role != model.RoleAssessor {
		t.Fatalf("signed in as %+v; want the assessor", signedIn)
	}
	if !strings.Contains(shownText(w.Content()), "Margaret Okonjo") {
		t.Error("the window does not show who is signed in")
	}

	nav := findAll[*widget.List](w.Content())[0]
	for i, sec := range sections() {
		if sec.title == "Evidence" {
			nav.Select(i)
		}
	}
	waitFor(t, q, "the queue", func() bool { return strings.Contains(shownText(w.Content()), num(len(before))+" waiting") })
	queue := findAll[*widget.Table](w.Content())[0]
	queue.Select(widget.TableCellID{Row: 0, Col: 1})
	var radios []*widget.RadioGroup
	waitFor(t, q, "the decision form", func() bool {
		radios = findAll[*widget.RadioGroup](w.Content())
		return len(radios) > 0 && findButton(w.Content(), recordLabel) != nil
	})
	test.Tap(findButton(w.Content(), recordLabel))
	if !strings.Contains(shownText(w.Content()), "for every criterion") {
		t.Error("a half-filled form was not refused in plain words")
	}
	for _, rg := range radios {
		rg.SetSelected("Achieved")
	}
	test.Tap(findButton(w.Content(), recordLabel))
	waitFor(t, q, "the queue to shrink", func() bool {
		return strings.Contains(shownText(w.Content()), num(len(before)-1)+" waiting")
	})
	after, _ := s.AssessorQueue(ctx, model.QueueFilter{})
	for _, item := range after {
		if item.EvidenceID == oldest {
			t.Errorf("evidence %d still in the queue after its decision", oldest)
		}
	}
	hist, _ := s.Decisions(ctx, oldest)
	if len(hist) == 0 || hist[len(hist)-1].AssessorID != signedIn.ID {
		t.Errorf("decisions on %d = %+v; want the last by the signed-in assessor", oldest, hist)
	}
	log, _ := s.AuditLog(ctx, model.AuditFilter{Action: "decide", Limit: 1})
	if len(log) != 1 || log[0].Actor != "assessor" {
		t.Errorf("audit of the decision = %+v; want it attributed to assessor", log)
	}
}

// A moderator sees the decision form but cannot record, and is told why.
func TestModeratorCannotDecide(t *testing.T) {
	s := openDemo(t)
	e, w, q := testEnv(t, s)
	e.user = model.User{ID: 99, Username: "moderator", Role: model.RoleModerator}
	sc := newEvidenceScreen(e).(*evidenceScreen)
	w.SetContent(sc.content())
	waitFor(t, q, "the queue", func() bool { return len(sc.queue) > 0 })
	sc.queueTable.Select(widget.TableCellID{Row: 0, Col: 0})
	waitFor(t, q, "the form", func() bool { return findButton(w.Content(), recordLabel) != nil })
	if b := findButton(w.Content(), recordLabel); !b.Disabled() {
		t.Error("Record decision is enabled for a moderator")
	}
	if !strings.Contains(shownText(w.Content()), "Only an assessor records decisions") {
		t.Error("no explanation shown to the moderator")
	}
}

// The Portfolios tab's search finds a learner typed as a person types the
// name: lower case, without the accent, given name first.
func TestPortfolioSearchIgnoresCaseAndAccents(t *testing.T) {
	sc, _, w, q := openQueue(t, openDemo(t), "assessor")
	sc.root.SelectIndex(1)
	test.Type(sc.search, "padraig byrne")
	waitFor(t, q, "the learners found", func() bool {
		return sc.e.pending.Load() == 0 && sc.search.Text == "padraig byrne" && len(sc.learners) > 0
	})
	for _, l := range sc.learners {
		if l.Name != "Pádraig Byrne" {
			t.Errorf("searching \"padraig byrne\" listed %q", l.Name)
		}
	}
	if !strings.Contains(shownText(w.Content()), "Pádraig Byrne") {
		t.Error("the list does not show Pádraig Byrne")
	}
}

// An answer overtaken by a newer search is dropped: a search for one
// learner, then for the first page, ends showing the first page whichever
// answer comes back last.
func TestPortfolioSearchKeepsTheNewestAnswer(t *testing.T) {
	sc, _, _, q := openQueue(t, openDemo(t), "assessor")
	sc.root.SelectIndex(1)
	sc.searchLearners("padraig byrne")
	sc.searchLearners("")
	waitFor(t, q, "both answers", func() bool { return sc.e.pending.Load() == 0 })
	if len(sc.learners) < 100 {
		t.Errorf("after searching \"padraig byrne\" then nothing, the list shows %d learners; want the first page", len(sc.learners))
	}
}
