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
)

// press delivers a keyboard shortcut as the desktop driver does: to the
// focused widget when it takes shortcuts, otherwise to the window.
func press(w fyne.Window, sc fyne.Shortcut) {
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// typeOnFocused types text into whatever has the keyboard focus, as a
// person typing would, failing when nothing has it.
func typeOnFocused(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	f := w.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the keyboard focus to type into")
	}
	for _, r := range text {
		f.TypedRune(r)
	}
}

// openQueue shows username the evidence screen on st with the queue loaded.
func openQueue(t *testing.T, st *sqlstore.Store, username string) (*evidenceScreen, *env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, username)
	sc := newEvidenceScreen(e).(*evidenceScreen)
	w.SetContent(sc.content())
	waitFor(t, q, "the queue", func() bool { return len(sc.queue) > 1 })
	return sc, e, w, q
}

// openItem selects row r of the queue and waits for its form.
func openItem(t *testing.T, sc *evidenceScreen, q uiQueue, r int) *decisionForm {
	t.Helper()
	id := sc.queue[r].EvidenceID
	sc.queueTable.Select(widget.TableCellID{Row: r, Col: 1})
	waitFor(t, q, "the decision form", func() bool { return sc.form != nil && sc.form.item.ID == id })
	return sc.form
}

// TestKeyboardDecisionInThreeActions: with an item open, an assessor
// records Achieved with feedback in three keyboard actions (all achieved,
// type, record), and the next item in the queue opens ready for the next.
func TestKeyboardDecisionInThreeActions(t *testing.T) {
	ctx := context.Background()
	st := verificationDemo(t)
	sc, e, w, q := openQueue(t, st, "assessor")
	first, second := sc.queue[0], sc.queue[1]
	f := openItem(t, sc, q, 0)
	if len(f.radios) < 1 {
		t.Fatalf("evidence %d has no criteria to decide", first.EvidenceID)
	}
	if w.Canvas().Focused() != f.all {
		t.Errorf("the form opened with the focus on %T; want %q, so the keyboard starts there", w.Canvas().Focused(), allAchievedLabel)
	}

	press(w, shortcutAllAchieved)                          // 1
	typeOnFocused(t, w, "Clear account of who you heard.") // 2
	press(w, shortcutRecord)                               // 3

	waitFor(t, q, "the next item's form", func() bool { return sc.form != nil && sc.form.item.ID == second.EvidenceID })
	hist, err := st.Decisions(ctx, first.EvidenceID)
	if err != nil || len(hist) == 0 {
		t.Fatalf("Decisions(%d) = %v, %v; want the one just recorded", first.EvidenceID, hist, err)
	}
	d := hist[len(hist)-1]
	if d.Outcome != model.OutcomeAchieved || d.Feedback != "Clear account of who you heard." || d.AssessorID != e.user.ID {
		t.Errorf("recorded %+v; want Achieved with the typed feedback by the assessor", d)
	}
	for id, o := range d.Criteria {
		if o != model.OutcomeAchieved {
			t.Errorf("criterion %d recorded %s; want every criterion achieved", id, o)
		}
	}
	if !strings.Contains(shownText(sc.decision), `Recorded: Achieved for "`+first.Title+`"`) {
		t.Errorf("the next form does not say what was recorded: %q", shownText(sc.decision))
	}
	if r, ok := selectedRow(sc); !ok || sc.queue[r].EvidenceID != second.EvidenceID {
		t.Errorf("the queue's selected row is %d (%v); want the next item, %d", r, ok, second.EvidenceID)
	}
	if w.Canvas().Focused() != sc.form.all {
		t.Error("after recording, the focus is not ready on the next item's form")
	}
	// The shortcuts act on the form on screen only: with another section
	// showing, Ctrl+Shift+A ticks nothing.
	w.SetContent(widget.NewLabel("another section"))
	w.Canvas().Unfocus()
	press(w, shortcutAllAchieved)
	for _, rg := range sc.form.radios {
		if rg.Selected != "" {
			t.Error("Ctrl+Shift+A ticked the decision form while another section was showing")
		}
	}
}

// selectedRow is the queue table's selected row.
func selectedRow(sc *evidenceScreen) (int, bool) {
	for r := range sc.queue {
		// The table keeps its selection private; the form shown is the selection.
		if sc.form != nil && sc.queue[r].EvidenceID == sc.form.item.ID {
			return r, true
		}
	}
	return -1, false
}

// TestNotYetNeedsFeedbackOnScreen: a Not yet achieved with no feedback is
// refused beside the feedback and nothing is recorded; blanks or a dash are
// refused the same; words are recorded and the item leaves the queue.
func TestNotYetNeedsFeedbackOnScreen(t *testing.T) {
	ctx := context.Background()
	st := verificationDemo(t)
	sc, _, w, q := openQueue(t, st, "assessor")
	item := sc.queue[0]
	had, _ := st.Decisions(ctx, item.EvidenceID) // a resubmission has earlier decisions
	f := openItem(t, sc, q, 0)
	for i, id := range f.order {
		if i == 0 {
			f.radios[id].SetSelected("Not yet achieved")
		} else {
			f.radios[id].SetSelected("Achieved")
		}
	}
	if f.feedback.PlaceHolder != "Say what is still missing (needed for Not yet achieved)" {
		t.Errorf("the feedback asks %q once a criterion is not yet achieved", f.feedback.PlaceHolder)
	}
	for _, typed := range []string{"", "   ", " - "} {
		f.feedback.SetText(typed)
		test.Tap(f.record)
		q.drain()
		if !strings.Contains(f.fbMsg.Text, "needs feedback saying what is still missing") {
			t.Errorf("feedback %q: beside the field %q; want the refusal", typed, f.fbMsg.Text)
		}
		if w.Canvas().Focused() != f.feedback {
			t.Errorf("feedback %q: the refusal did not put the cursor in the feedback", typed)
		}
	}
	if hist, _ := st.Decisions(ctx, item.EvidenceID); len(hist) != len(had) {
		t.Fatalf("a refused Not yet achieved was recorded: %+v", hist[len(had):])
	}
	typeOnFocused(t, w, "1.1: name the groups you listened to.")
	if f.fbMsg.Text != "" {
		t.Errorf("the refusal %q stays after feedback was typed", f.fbMsg.Text)
	}
	press(w, shortcutRecord)
	waitFor(t, q, "the decision", func() bool {
		hist, _ := st.Decisions(ctx, item.EvidenceID)
		return len(hist) == len(had)+1 && hist[len(had)].Outcome == model.OutcomeNotYet
	})
}

// TestHostFilterNarrowsAsTyped: the queue narrows with each letter typed
// in the host filter, by any part of the name in any case; a name no host
// has shows an empty selection, and clearing it shows the whole queue.
func TestHostFilterNarrowsAsTyped(t *testing.T) {
	st := openDemo(t)
	sc, _, _, q := openQueue(t, st, "assessor")
	whole := len(sc.queue)
	host := sc.queue[0].Host
	part := strings.ToLower(strings.Fields(host)[1])
	test.Type(sc.hostEntry, part) // one load per letter; only the last may show
	waitFor(t, q, "the narrowed queue", func() bool { q.drain(); return sc.e.pending.Load() == 0 })
	if len(sc.queue) == 0 || len(sc.queue) >= whole {
		t.Fatalf("typing %q shows %d of %d items; want fewer, and some", part, len(sc.queue), whole)
	}
	for _, it := range sc.queue {
		if !strings.Contains(strings.ToLower(it.Host), part) {
			t.Errorf("typing %q shows an item of %q", part, it.Host)
		}
	}
	if !strings.Contains(sc.queueCount.Text, "in this selection") {
		t.Errorf("the count reads %q; want it to say it is a selection", sc.queueCount.Text)
	}
	test.Type(sc.hostEntry, "zzq")
	waitFor(t, q, "the empty selection", func() bool {
		return len(sc.queue) == 0 && strings.HasPrefix(sc.queueCount.Text, "0 waiting in this selection")
	})
	sc.hostEntry.SetText("")
	waitFor(t, q, "the whole queue", func() bool { return len(sc.queue) == whole })
}
