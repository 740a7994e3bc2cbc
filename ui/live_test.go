package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// twoDesks opens one copy of the demo twice, as two desks do: a is the
// window under test, b the other desk, where the demo's nameB works.
// Users are read, not signed in: argon2 under -race costs seconds a time.
func twoDesks(t *testing.T, nameB string) (a, b *sqlstore.Store, userB model.User) {
	t.Helper()
	path := copyOfDemo(t)
	ctx := context.Background()
	var err error
	if a, err = sqlstore.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if b, err = sqlstore.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b, demoUser(t, b, nameB)
}

// liveScreenOn shows the screen of section title alone on st to the demo
// user username, watching as the window does while it is in view (the
// whole window would first build and draw the dashboard, slow under -race).
func liveScreenOn(t *testing.T, st *sqlstore.Store, username, title string) (screen, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, username)
	var sc screen
	for _, sec := range sections() {
		if sec.title == title {
			sc = sec.build(e)
		}
	}
	w.SetContent(sc.content())
	e.watchShown(sc.(liveScreen))
	t.Cleanup(func() { e.watchShown(nil) })
	waitFor(t, q, title+" loaded", func() bool { return e.pending.Load() == 0 })
	return sc, w, q
}

// decideAt records an all-achieved decision on evidence id at desk b.
func decideAt(t *testing.T, b *sqlstore.Store, by model.User, id int64) {
	t.Helper()
	ctx := context.Background()
	it, err := b.Evidence(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d := model.DecisionDraft{EvidenceID: id, Outcomes: map[int64]string{}, Feedback: "Well evidenced, from the other desk.",
		DecidedOn: time.Now().Format("2006-01-02")}
	for _, c := range it.CriterionIDs {
		d.Outcomes[c] = model.OutcomeAchieved
	}
	if _, err := b.RecordDecision(ctx, by, d); err != nil {
		t.Fatalf("decide %d at the other desk: %v", id, err)
	}
}

// inQueue reports whether evidence id is in the queue the screen holds.
func inQueue(s *evidenceScreen, id int64) bool {
	for _, it := range s.queue {
		if it.EvidenceID == id {
			return true
		}
	}
	return false
}

// The issue's case: an assessor's queue open on one desk shows a decision
// recorded at another desk, by another user, with no refresh asked for.
func TestQueueShowsAnotherDesksDecision(t *testing.T) {
	a, b, desk2 := twoDesks(t, "assessor2")
	sc, w, q := liveScreenOn(t, a, "assessor", "Evidence")
	s := sc.(*evidenceScreen)
	waitFor(t, q, "the queue", func() bool { return len(s.queue) > 1 })
	total, _ := a.QueueLength(context.Background())
	oldest := s.queue[0].EvidenceID
	decideAt(t, b, desk2, oldest)
	waitFor(t, q, "desk2's decision to leave this desk's queue", func() bool {
		return !inQueue(s, oldest) && strings.Contains(shownText(w.Content()), num(total-1)+" waiting, oldest first")
	})
}

// An assessor part-way through a decision keeps every choice and word
// while other desks decide around them; the row stays chosen though it
// moves up. When the item itself is decided elsewhere, the form stays as
// typed and a note offers to reload.
func TestQueueKeepsAFormBeingFilledIn(t *testing.T) {
	a, b, desk2 := twoDesks(t, "assessor2")
	sc, w, q := liveScreenOn(t, a, "assessor", "Evidence")
	s := sc.(*evidenceScreen)
	waitFor(t, q, "the queue", func() bool { return len(s.queue) > 2 })
	first, second := s.queue[0].EvidenceID, s.queue[1].EvidenceID
	s.queueTable.Select(widget.TableCellID{Row: 1, Col: 0})
	waitFor(t, q, "the decision form", func() bool { return s.form != nil && s.form.item.ID == second })
	f := s.form
	test.Type(f.feedback, "Half-typed feedback")
	f.radios[f.order[0]].SetSelected("Achieved")

	decideAt(t, b, desk2, first)
	waitFor(t, q, "the item above to leave", func() bool { return !inQueue(s, first) })
	if s.form != f || f.feedback.Text != "Half-typed feedback" || f.radios[f.order[0]].Selected != "Achieved" {
		t.Fatalf("the form was rebuilt or cleared under the assessor: same form %v, feedback %q", s.form == f, f.feedback.Text)
	}
	if s.selectedID != second || s.queue[0].EvidenceID != second {
		t.Fatalf("chosen %d, first row %d; want %d chosen, now first", s.selectedID, s.queue[0].EvidenceID, second)
	}
	if strings.Contains(shownText(w.Content()), "Updated by another desk") {
		t.Fatal("a note shows though the item being decided did not change")
	}

	decideAt(t, b, desk2, second)
	waitFor(t, q, "the note", func() bool {
		return strings.Contains(shownText(w.Content()), "Updated by another desk (Tomasz Nowak): this evidence is no longer waiting for a decision.")
	})
	if s.form != f || f.feedback.Text != "Half-typed feedback" {
		t.Fatalf("the form was replaced (%v) or its feedback changed to %q", s.form != f, f.feedback.Text)
	}
	// Reload shows the other desk's decision in the item's history, and
	// offers no second decision the store would refuse.
	test.Tap(findButton(w.Content(), "Reload"))
	waitFor(t, q, "the reloaded form", func() bool {
		return s.form != nil && s.form != f && strings.Contains(shownText(w.Content()), "by "+desk2.DisplayName)
	})
	if !s.form.record.Disabled() || !strings.Contains(s.form.msg.Text, "no longer waiting for a decision") {
		t.Errorf("the reloaded form offers to record (disabled %v) and says %q", s.form.record.Disabled(), s.form.msg.Text)
	}
}

// A form nobody has touched gives way to a line saying the item was
// decided elsewhere, rather than inviting a decision the store would refuse.
func TestQueueUntouchedFormSaysDecidedElsewhere(t *testing.T) {
	a, b, desk2 := twoDesks(t, "assessor2")
	sc, w, q := liveScreenOn(t, a, "assessor", "Evidence")
	s := sc.(*evidenceScreen)
	waitFor(t, q, "the queue", func() bool { return len(s.queue) > 0 })
	s.queueTable.Select(widget.TableCellID{Row: 0, Col: 0})
	waitFor(t, q, "the decision form", func() bool { return s.form != nil })
	title := s.form.item.Title
	decideAt(t, b, desk2, s.form.item.ID)
	waitFor(t, q, "the word that it was decided elsewhere", func() bool {
		return strings.Contains(shownText(w.Content()), "was decided at another desk by "+desk2.DisplayName)
	})
	if s.form != nil || !strings.Contains(shownText(w.Content()), title) {
		t.Errorf("form %v still open, or the line does not name %q", s.form, title)
	}
}

// A burst of changes delivered one by one (a slow window, a long import
// next door) reloads the queue once or twice, not once per change.
func TestQueueReloadsOnceForABurst(t *testing.T) {
	a, _, _ := twoDesks(t, "assessor2")
	sc, _, q := liveScreenOn(t, a, "assessor", "Evidence")
	s := sc.(*evidenceScreen)
	waitFor(t, q, "the queue", func() bool { return len(s.queue) > 0 })
	before := s.live.runs
	for range 500 {
		s.changed([]model.Change{{Entity: model.EntityDecision, Action: "decide", Actor: "assessor2", Count: 1}})
	}
	waitFor(t, q, "the reloads to finish", func() bool { return !s.live.busy })
	if n := s.live.runs - before; n < 1 || n > 2 {
		t.Errorf("500 changes reloaded the queue %d times; want once or twice", n)
	}
	// Changes that no queue row shows reload nothing.
	before = s.live.runs
	s.changed([]model.Change{{Entity: model.EntityUser, Action: "create", Actor: "assessor2", Count: 1},
		{Entity: model.EntitySettings, Action: "update", Actor: "assessor2", Count: 1}})
	if s.live.runs != before {
		t.Error("a new user account and a setting reloaded the queue")
	}
}

// Only the screen in view watches: leaving it for a screen that does not
// watch, or signing out, lets go of the store's watch; coming back watches
// again.
func TestLeftScreenStopsWatching(t *testing.T) {
	a, _, _ := twoDesks(t, "assessor2")
	e, w, q := testEnv(t, a)
	e.user = demoUser(t, a, "admin")
	sh := buildShell(e)
	w.SetContent(sh.root)
	sh.open("Evidence")
	waitFor(t, q, "the queue's watch", func() bool { return a.Watching() == 1 })
	sh.open("Trainers")
	waitFor(t, q, "the watch to end", func() bool { return a.Watching() == 0 })
	sh.open("Evidence")
	waitFor(t, q, "the queue's watch again", func() bool { return a.Watching() == 1 })
	signOut(e)
	waitFor(t, q, "the signed-out window to stop watching", func() bool { return a.Watching() == 0 })
}

// The dashboard's backlog, the verifier's samples and the certificates
// list each show another desk's change without a refresh.
func TestOtherScreensShowAnotherDesksChange(t *testing.T) {
	ctx := context.Background()
	t.Run("dashboard", func(t *testing.T) {
		a, b, desk2 := twoDesks(t, "assessor2")
		sc, w, q := liveScreenOn(t, a, "admin", "Dashboard")
		s := sc.(*dashboardScreen)
		waitFor(t, q, "the figures", func() bool { return s.data.EvidenceAwaiting > 0 })
		n := s.data.EvidenceAwaiting
		queue, _ := b.AssessorQueue(ctx, model.QueueFilter{Limit: 1})
		decideAt(t, b, desk2, queue[0].EvidenceID)
		waitFor(t, q, "the backlog one shorter", func() bool {
			return strings.Contains(shownText(w.Content()), num(n-1)+" items awaiting a decision")
		})
	})
	t.Run("verification", func(t *testing.T) {
		a, b, desk2 := twoDesks(t, "verifier2")
		sc, w, q := liveScreenOn(t, a, "verifier", "Verification")
		s := sc.(*verificationScreen)
		waitFor(t, q, "the samples", func() bool { return s.status.Text != "" })
		before := len(s.samples)
		added, err := b.DrawSample(ctx, desk2, cohortOf(s.cohort.Selected))
		if err != nil || added == 0 {
			t.Fatalf("draw at the other desk: %d, %v", added, err)
		}
		waitFor(t, q, "the drawn samples", func() bool { return len(s.samples) == before+added })
		// A verifier typing actions for a sample keeps them when another
		// verifier agrees it first.
		row := -1
		for r, x := range s.samples {
			if x.IVOutcome == model.SamplePending && x.AssessorID != desk2.ID {
				row = r
				break
			}
		}
		s.table.Select(widget.TableCellID{Row: row, Col: 0})
		waitFor(t, q, "the verify form", func() bool { return s.actions != nil })
		test.Type(s.actions, "Check 2.1 against the log")
		if err := b.VerifySample(ctx, desk2, s.samples[row].ID, model.SampleAgreed, ""); err != nil {
			t.Fatal(err)
		}
		waitFor(t, q, "the note", func() bool {
			return strings.Contains(shownText(w.Content()), "Updated by another desk (Folasade Adeyemi): this sample has been verified.")
		})
		if s.actions.Text != "Check 2.1 against the log" {
			t.Errorf("the actions typed became %q", s.actions.Text)
		}
	})
	t.Run("certificates", func(t *testing.T) {
		a, b, desk2 := twoDesks(t, "lead")
		sc, _, q := liveScreenOn(t, a, "admin", "Certificates")
		s := sc.(*certificatesScreen)
		// The screen's own count of its first selection finds someone to issue to.
		waitFor(t, q, "the count", func() bool { return s.counted != "" && s.env.pending.Load() == 0 })
		var one []model.Candidate
		for _, cd := range s.cands {
			if cd.Eligible && len(one) == 0 {
				one = append(one, cd)
			}
		}
		if len(one) == 0 {
			t.Fatal("the demo has nobody eligible in the first selection")
		}
		issued, err := b.IssueCertificates(ctx, desk2, one, model.IssueOptions{})
		if err != nil || len(issued) != 1 {
			t.Fatalf("issue at the other desk: %v, %v", issued, err)
		}
		waitFor(t, q, "the certificate issued elsewhere", func() bool { return len(s.issued) == 1 })
		s.table.Select(widget.TableCellID{Row: 0, Col: 0})
		if s.revoke.Disabled() {
			t.Fatal("revoke is not offered for a live certificate")
		}
		if err := b.Revoke(ctx, desk2, s.issued[0].Number, "issued in error"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, q, "the revocation", func() bool { return len(s.issued) == 1 && s.issued[0].Revoked() })
		if s.selected != 0 || !s.revoke.Disabled() || !s.reprint.Disabled() {
			t.Errorf("after the revocation elsewhere: selected %d, revoke enabled %v", s.selected, !s.revoke.Disabled())
		}
	})
	t.Run("certificates host list", func(t *testing.T) {
		a, b, desk2 := twoDesks(t, "lead")
		sc, _, q := liveScreenOn(t, a, "admin", "Certificates")
		s := sc.(*certificatesScreen)
		waitFor(t, q, "the lists", func() bool { return s.lists != nil && s.env.pending.Load() == 0 })
		test.Type(s.host, "Tŷ Newydd Community Hall")
		waitFor(t, q, "the refusal", func() bool { return strings.Contains(s.eligible.Text, "No host organisation is called") })
		cohorts, _ := b.CohortChoices(ctx)
		if _, err := b.SaveHost(ctx, desk2, model.Host{Name: "Tŷ Newydd Community Hall", Region: "Wales",
			Setting: model.SettingRural, CohortID: cohorts[0].ID}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, q, "the host added elsewhere to be accepted", func() bool {
			return s.env.pending.Load() == 0 && s.lists != nil && !strings.Contains(s.eligible.Text, "No host organisation")
		})
		if s.host.Text != "Tŷ Newydd Community Hall" {
			t.Errorf("the host typed became %q", s.host.Text)
		}
	})
}

// A portfolio open on the Portfolios tab shows a decision made at another
// desk on the evidence chosen there, which stays chosen.
func TestPortfolioShowsAnotherDesksDecision(t *testing.T) {
	ctx := context.Background()
	a, b, desk2 := twoDesks(t, "assessor2")
	sc, _, q := liveScreenOn(t, a, "assessor", "Evidence")
	s := sc.(*evidenceScreen)
	waitFor(t, q, "the queue", func() bool { return len(s.queue) > 0 })
	waiting := s.queue[0]
	s.root.SelectIndex(1)
	s.learners = []model.Learner{{OrganiserID: waiting.OrganiserID, Name: waiting.Learner}}
	s.learnerLst.Refresh()
	s.learnerLst.Select(0)
	row := func() int {
		for r, it := range s.items {
			if it.ID == waiting.EvidenceID {
				return r
			}
		}
		return -1
	}
	waitFor(t, q, "the portfolio", func() bool { return row() >= 0 })
	s.itemTable.Select(widget.TableCellID{Row: row(), Col: 0})
	if s.item != row() || s.items[s.item].Status != model.EvidenceAwaiting {
		t.Fatalf("chosen row %d, status %q; want row %d awaiting a decision", s.item, s.items[row()].Status, row())
	}
	decideAt(t, b, desk2, waiting.EvidenceID)
	waitFor(t, q, "the decision in the portfolio", func() bool {
		return row() >= 0 && s.items[row()].Status != model.EvidenceAwaiting
	})
	if s.item != row() {
		t.Errorf("after the other desk's decision the chosen row is %d; want %d, the same evidence", s.item, row())
	}
	if got, _ := a.Portfolio(ctx, waiting.OrganiserID); len(got) != len(s.items) {
		t.Errorf("the portfolio shows %d items; the store holds %d", len(s.items), len(got))
	}
}
