package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// secondDesk opens the programme st a second time, as another desk has it,
// with its own window sharing the first env's app and queue.
func secondDesk(t *testing.T, st *sqlstore.Store, first *env, q uiQueue, user model.User) (*env, *sqlstore.Store, fyne.Window) {
	t.Helper()
	ctx := context.Background()
	other, err := sqlstore.Open(ctx, st.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	w := test.NewTempWindow(t, nil)
	return &env{ctx: ctx, app: first.app, win: w, store: other, post: q.post, user: user, src: first.src}, other, w
}

// openRegister shows the first session without a register of the last main
// course on training screen s.
func openRegister(t *testing.T, e *env, q uiQueue, s *trainingScreen) {
	t.Helper()
	settle(t, e, q)
	row := -1
	for i, c := range s.overview.Courses {
		if c.Kind == model.CourseMain {
			row = i
		}
	}
	s.courseTable.Select(widget.TableCellID{Row: row})
	settle(t, e, q)
	for i, x := range s.sessions {
		if !x.Recorded() {
			s.sessionTable.Select(widget.TableCellID{Row: i})
			settle(t, e, q)
			return
		}
	}
	t.Fatal("no session without a register in the last main course")
}

// tickLine ticks or unticks the register line of name as a lead would.
func tickLine(t *testing.T, s *trainingScreen, name string) {
	t.Helper()
	var box *widget.Check
	walk(s.register, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == name {
			box = c
		}
	})
	if box == nil {
		t.Fatalf("%s is not shown on the register", name)
	}
	test.Tap(box)
}

// TestTwoLeadsTakingOneRegisterMerge: two desks open one session's register;
// lead2 ticks the first learner and saves (recording everyone else absent);
// lead1, whose screen still shows the first learner unticked, ticks the
// second and saves. Both ticks stand, lead1's screen then shows both, and it
// says it kept lead2's newer mark, naming them and the time. Before, lead1's
// save silently put the first learner back absent.
func TestTwoLeadsTakingOneRegisterMerge(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	lead1, lead2 := uiUser(t, st, "lead1", model.RoleLead), uiUser(t, st, "lead2", model.RoleLead)
	eA, wA, q := testEnv(t, st)
	eA.user = lead1
	eB, _, wB := secondDesk(t, st, eA, q, lead2)
	sA := newTrainingScreen(eA).(*trainingScreen)
	wA.SetContent(sA.content())
	sB := newTrainingScreen(eB).(*trainingScreen)
	wB.SetContent(sB.content())
	openRegister(t, eA, q, sA)
	openRegister(t, eB, q, sB)
	if sA.reg.Session.ID != sB.reg.Session.ID || len(sA.reg.Lines) < 2 {
		t.Fatalf("the desks show sessions %d and %d (%d lines)", sA.reg.Session.ID, sB.reg.Session.ID, len(sA.reg.Lines))
	}
	first, second := sA.reg.Lines[0], sA.reg.Lines[1]

	tickLine(t, sB, first.Name)
	test.Tap(sB.saveReg)
	settle(t, eB, q)
	if !strings.HasPrefix(sB.regStatus.Text, "Register saved. 1 of") {
		t.Fatalf("desk B says %q; want Register saved", sB.regStatus.Text)
	}

	tickLine(t, sA, second.Name)
	test.Tap(sA.saveReg)
	settle(t, eA, q)
	said := regexp.MustCompile(`^Register saved\. Kept, as marked since you opened it: lead2 marked ` +
		regexp.QuoteMeta(first.Name) + ` present at \d\d:\d\d\. 2 of \d+ ticked present \(saved before\)$`)
	if !said.MatchString(sA.regStatus.Text) {
		t.Fatalf("desk A says %q; want it to say lead2's mark for %s was kept", sA.regStatus.Text, first.Name)
	}
	if !sA.marks[0] || !sA.marks[1] {
		t.Errorf("desk A shows %s ticked %v, %s ticked %v; want the merged register, both ticked",
			first.Name, sA.marks[0], second.Name, sA.marks[1])
	}
	back, err := st.Register(ctx, sA.reg.Session.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range back.Lines {
		want, by := false, "lead2"
		switch l.PersonID {
		case first.PersonID:
			want = true
		case second.PersonID:
			want, by = true, "lead1"
		}
		if l.Present != want || l.RecordedBy != by {
			t.Errorf("%s: present %v by %s; want %v by %s", l.Name, l.Present, l.RecordedBy, want, by)
		}
	}
	// Ticking again clears the note: it spoke of the save, not of the ticks now.
	tickLine(t, sA, second.Name)
	if strings.Contains(sA.regStatus.Text, "Kept") {
		t.Errorf("after a new tick the status still reads %q", sA.regStatus.Text)
	}
}

// An administrator's role change over another's newer one: the status line
// and a question name who and when, nothing is written, and Reload shows
// the other's change.
func TestRoleChangeOverANewerOneSaysWhoAndReloads(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	admin2 := uiUser(t, st, "admin2", model.RoleAdmin)
	target := selectUser(t, s, "assessor2")
	if err := st.SetUserRoleFrom(context.Background(), admin2, target, model.RoleModerator); err != nil {
		t.Fatal(err)
	}
	before := dbRows(t, st.Path())
	over, role := openRoleDialog(t, s, w, "assessor2")
	role.SetSelected("internal verifier")
	tapIn(t, over, "Change")
	tapIn(t, topDialog(t, w, "confirming the role"), "Change role")
	said := regexp.MustCompile(`^assessor2: Not saved: changed by admin2 at \d\d:\d\d — reload\.$`)
	waitFor(t, q, "the refusal", func() bool { return said.MatchString(s.status.Text) })
	unchanged(t, "a role change over admin2's", before, st.Path())
	ask := topDialog(t, w, "the reload question")
	if !strings.Contains(shownText(ask), "changed by admin2") {
		t.Errorf("the reload question says %q", shownText(ask))
	}
	tapIn(t, ask, "Reload")
	waitFor(t, q, "the list with admin2's change", func() bool {
		return s.sel >= 0 && s.rows[s.sel].Username == "assessor2" && s.rows[s.sel].Role == model.RoleModerator
	})
	// From the reloaded list the change goes through.
	over, role = openRoleDialog(t, s, w, "assessor2")
	role.SetSelected("internal verifier")
	tapIn(t, over, "Change")
	tapIn(t, topDialog(t, w, "confirming the role"), "Change role")
	waitFor(t, q, "the status", func() bool { return s.status.Text == "assessor2 is now internal verifier" })
}

// The plan form open while another verifier changes the plan: the screen
// reads the plan again (as it does when another desk changes the
// programme), but the open form's save is checked against the rates it was
// filled with, so it is refused naming verifier2 rather than overwriting
// their plan; nothing is written.
func TestPlanFormOpenWhileTheScreenReloadsIsRefused(t *testing.T) {
	ctx := context.Background()
	s := verificationDemo(t)
	sc, e, w, q := openVerification(t, s, "verifier")
	settle(t, e, q)
	test.Tap(sc.planBtn)
	form := topDialog(t, w, "the plan form")
	entries := findAll[*widget.Entry](form)

	v2, err := s.SignIn(ctx, "verifier2", "pw-for-tests")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPlanRatesFrom(ctx, v2, sc.plan, 30, 50); err != nil {
		t.Fatal(err)
	}
	sc.refresh()
	settle(t, e, q)
	if !strings.Contains(sc.planLbl.Text, "30% of decisions") {
		t.Fatalf("the screen shows %q after reading again; want verifier2's plan", sc.planLbl.Text)
	}
	before := dbRows(t, s.Path())
	entries[0].SetText("20")
	entries[1].SetText("40")
	tapIn(t, form, "Save plan")
	said := regexp.MustCompile(`^Not saved: changed by verifier2 at \d\d:\d\d — reload\.$`)
	waitFor(t, q, "the refusal", func() bool { return said.MatchString(sc.status.Text) })
	unchanged(t, "a plan saved over verifier2's", before, s.Path())
	if p, _ := s.PlanRates(ctx, 1); p.BaseRate != 30 {
		t.Fatalf("the plan is %d%%; want verifier2's 30%%", p.BaseRate)
	}
}
