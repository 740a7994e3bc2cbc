package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// TestCourseEnrolRegisterCompletesModule is a lead's whole day on the
// training screen: create a course of the one module a senior organiser
// still lacks, enrol their cohort, tick the register of every session, and
// see the module complete on the grid and a completion certificate due.
func TestCourseEnrolRegisterCompletesModule(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, "course-lead", model.RoleLead)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	settle(t, e, q)

	// A learner with every module but one, on the grid the screen shows.
	var learner model.ModuleCompletionRow
	missing := -1
	for _, r := range s.grid.Rows {
		if r.Status == "active" && r.CohortNumber != 0 && r.Done == len(s.grid.Modules)-1 {
			learner = r
			for i, on := range r.CompletedOn {
				if on == "" {
					missing = i
				}
			}
			break
		}
	}
	if missing < 0 {
		t.Fatal("the demo has no active organiser one module short")
	}
	module := s.grid.Modules[missing]
	org, err := st.Organiser(ctx, learner.OrganiserID)
	if err != nil {
		t.Fatal(err)
	}
	due := func() model.Candidate {
		t.Helper()
		cs, err := st.Candidates(ctx, model.CertSelection{Person: org.Email, Kind: model.KindCompletion})
		if err != nil || len(cs) != 1 {
			t.Fatalf("Candidates(%s) = %d, %v; want 1", org.Email, len(cs), err)
		}
		return cs[0]
	}
	if c := due(); c.Eligible {
		t.Fatalf("%s is due a completion certificate before the course: %+v", learner.Name, c)
	}

	// New course: the module, the learner's cohort, two sessions typed the UK way.
	test.Tap(s.newCourse)
	settle(t, e, q)
	f := s.courseForm
	if f == nil {
		t.Fatal("New course… showed no form")
	}
	f.module.SetSelected(module.Code + " " + module.Title)
	f.cohort.SetSelected(cohortLabel(t, f.cohort.Options, learner.CohortNumber))
	f.trainer.SetSelectedIndex(1)
	f.starts.SetText("4/1/2016")
	f.ends.SetText("29 Feb 2016")
	f.venue.SetText("Hebden Bridge")
	f.sessions.SetText("4/1/2016, 1 Feb 2016")
	tapIn(t, topDialog(t, w, "the course form"), "Create")
	settle(t, e, q)
	var course model.Course
	for _, c := range s.overview.Courses {
		if c.ID == s.courseID {
			course = c
		}
	}
	if course.Title != module.Title || course.CohortNumber != learner.CohortNumber || course.StartsOn != "2016-01-04" || course.Enrolled != 0 {
		t.Fatalf("the new course reads %+v; want %q for cohort %d from 4 Jan 2016, nobody on it", course, module.Title, learner.CohortNumber)
	}
	if len(s.sessions) != 2 || s.sessions[0].HeldOn != "2016-01-04" || s.sessions[1].HeldOn != "2016-02-01" {
		t.Fatalf("the new course shows sessions %+v; want 4 Jan and 1 Feb 2016", s.sessions)
	}

	// Enrol: the form opens on the course's cohort; typing narrows the list.
	test.Tap(s.enrol)
	settle(t, e, q)
	ef := s.enrolForm
	if ef == nil {
		t.Fatal("Enrol… showed no form")
	}
	cohortSize := len(ef.shown)
	if cohortSize < 2 || !slices.ContainsFunc(ef.shown, func(x model.EnrolChoice) bool { return x.Name == learner.Name }) {
		t.Fatalf("the enrol list shows %d of cohort %d; want the cohort with %s", cohortSize, learner.CohortNumber, learner.Name)
	}
	for _, x := range ef.shown {
		if x.CohortNumber != learner.CohortNumber {
			t.Fatalf("the cohort's list shows %s of cohort %d", x.Name, x.CohortNumber)
		}
	}
	test.Type(ef.search, strings.ToLower(learner.Name))
	waitFor(t, q, "the list to narrow", func() bool { return e.pending.Load() == 0 && len(ef.shown) < cohortSize })
	if len(ef.shown) == 0 || ef.shown[0].Name != learner.Name {
		t.Fatalf("searching %q shows %v", learner.Name, ef.shown)
	}
	ef.search.SetText("")
	waitFor(t, q, "the list to widen", func() bool { return e.pending.Load() == 0 && len(ef.shown) == cohortSize })
	if !ef.enrol.Disabled() {
		t.Error("Enrol is enabled with nobody chosen")
	}
	test.Tap(ef.allShown)
	if want := "Enrol " + num(cohortSize) + " people"; ef.enrol.Text != want || ef.enrol.Disabled() {
		t.Errorf("after Select all shown the button reads %q (disabled %v); want %q", ef.enrol.Text, ef.enrol.Disabled(), want)
	}
	test.Tap(ef.enrol)
	settle(t, e, q)
	for _, c := range s.overview.Courses {
		if c.ID == course.ID {
			course = c
		}
	}
	if course.Enrolled != cohortSize {
		t.Fatalf("%d enrolled on the course; want the cohort's %d", course.Enrolled, cohortSize)
	}

	// The register of every session, everyone present.
	for i := range s.sessions {
		s.sessionTable.Select(widget.TableCellID{Row: i})
		settle(t, e, q)
		if len(s.marks) != cohortSize || s.reg.Session.ID != s.sessions[i].ID {
			t.Fatalf("register %d shows %d lines; want %d", i, len(s.marks), cohortSize)
		}
		if i == 0 {
			if c := gridMark(s, learner.OrganiserID, missing); c != "" {
				t.Fatalf("the grid shows %q before any register", c)
			}
		}
		test.Tap(s.allPresent)
		test.Tap(s.saveReg)
		settle(t, e, q)
		if i == 0 {
			if c := gridMark(s, learner.OrganiserID, missing); c != "" {
				t.Errorf("the module shows complete (%q) after the first of two sessions", c)
			}
		}
	}
	if c := gridMark(s, learner.OrganiserID, missing); c != "✓" {
		t.Errorf("the grid shows %q for %s's %s after every register; want ✓", c, learner.Name, module.Code)
	}
	if c := due(); !c.Eligible {
		t.Errorf("%s is not due a completion certificate after the last register: %s", learner.Name, c.Why)
	}
	page, err := st.OrganiserPage(ctx, learner.OrganiserID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range page.Modules {
		if m.ModuleID == module.ID {
			found = m.CompletedOn == "2016-02-01"
		}
	}
	if !found {
		t.Errorf("the organiser's page does not show %s completed on 1 Feb 2016: %+v", module.Code, page.Modules)
	}
}

// gridMark is what the module grid shows for organiser org in module column m.
func gridMark(s *trainingScreen, org int64, m int) string {
	for i, r := range s.grid.Rows {
		if r.OrganiserID == org {
			return s.gridCell(i, 4+m)
		}
	}
	return "not on the grid"
}

// cohortLabel is the picker option naming cohort n.
func cohortLabel(t *testing.T, options []string, n int) string {
	t.Helper()
	for _, o := range options {
		if o == "Cohort "+strconv.Itoa(n) {
			return o
		}
	}
	t.Fatalf("no option for cohort %d among %v", n, options)
	return ""
}

// TestCourseFormRefusals: a session date outside the course and a user who
// may not schedule courses are both refused with a reason; no course lands.
func TestCourseFormRefusals(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	before, err := st.Courses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, role, sessions, want string
	}{
		{"session outside the course", model.RoleLead, "4/1/2016, 1/3/2016", "outside the course"},
		{"not a date", model.RoleLead, "31/2/2016", "not a date"},
		{"a moderator", model.RoleModerator, "4/1/2016", "may not schedule courses"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, w, q := testEnv(t, st)
			e.user = uiUser(t, st, "form-"+strings.ReplaceAll(c.name, " ", "-"), c.role)
			s := newTrainingScreen(e).(*trainingScreen)
			w.SetContent(s.content())
			settle(t, e, q)
			if e.may(model.ActTraining) {
				test.Tap(s.newCourse)
			} else {
				// A reader is not offered the button; the handler is forced
				// to show that the model refuses all the same.
				if s.newCourse.Visible() && !s.newCourse.Disabled() {
					t.Errorf("New course… is offered to a %s", c.role)
				}
				s.onNewCourse()
			}
			settle(t, e, q)
			f := s.courseForm
			f.module.SetSelectedIndex(1)
			f.starts.SetText("4/1/2016")
			f.ends.SetText("29/2/2016")
			f.sessions.SetText(c.sessions)
			if err := f.sessions.Validate(); c.want == "not a date" {
				// The field refuses it as the lead types; the form cannot be sent.
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("the sessions field accepts %q: %v", c.sessions, err)
				}
				return
			}
			f.d.Submit()
			settle(t, e, q)
			if shown := shownText(topDialog(t, w, "the refusal")); !strings.Contains(shown, c.want) {
				t.Errorf("refusal reads %q; want it to say %q", shown, c.want)
			}
		})
	}
	after, err := st.Courses(ctx)
	if err != nil || len(after) != len(before) {
		t.Errorf("%d courses after refusals; %d before (%v)", len(after), len(before), err)
	}
}

// TestEnrolTicksSurviveNarrowing: people ticked under one search stay ticked
// under the next, and people already on the course cannot be ticked again.
func TestEnrolTicksSurviveNarrowing(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, "enrol-lead", model.RoleLead)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	settle(t, e, q)
	s.courseTable.Select(widget.TableCellID{Row: len(s.overview.Courses) - 1}) // a main course, people on it already
	settle(t, e, q)
	test.Tap(s.enrol)
	settle(t, e, q)
	f := s.enrolForm
	f.cohort.SetSelected(anyCohort)
	settle(t, e, q)
	var on, off []model.EnrolChoice
	for _, x := range f.shown {
		if x.Enrolled {
			on = append(on, x)
		} else if len(off) < 2 && (len(off) == 0 || x.Name != off[0].Name) {
			off = append(off, x)
		}
	}
	if len(on) == 0 || len(off) < 2 {
		t.Fatalf("the list shows %d on the course and %d not; want some of each", len(on), len(off))
	}
	pick := func(x model.EnrolChoice) {
		t.Helper()
		f.search.SetText(x.Name)
		waitFor(t, q, "the list to narrow to "+x.Name, func() bool {
			return e.pending.Load() == 0 && len(f.shown) > 0 && f.shown[0].Name == x.Name && len(f.shown) < 50
		})
		var box *widget.Check
		for _, c := range findAll[*widget.Check](f.list) {
			if c.Text == enrolLine(x) {
				box = c
			}
		}
		if box == nil {
			t.Fatalf("no tick box for %s", x.Name)
		}
		test.Tap(box)
	}
	pick(off[0])
	pick(off[1])
	// Someone already on the course: shown ticked, and a tap changes nothing.
	f.search.SetText(on[0].Name)
	waitFor(t, q, "the list to show "+on[0].Name, func() bool {
		return e.pending.Load() == 0 && len(f.shown) > 0 && f.shown[0].Name == on[0].Name
	})
	for _, c := range findAll[*widget.Check](f.list) {
		if c.Text == enrolLine(on[0]) && (!c.Checked || !c.Disabled()) {
			t.Errorf("%s, on the course, shows checked %v, disabled %v", on[0].Name, c.Checked, c.Disabled())
		}
	}
	if f.enrol.Text != "Enrol 2 people" {
		t.Fatalf("after ticking two under two searches the button reads %q", f.enrol.Text)
	}
	before := s.overview.Courses[len(s.overview.Courses)-1].Enrolled
	test.Tap(f.enrol)
	settle(t, e, q)
	courses, err := st.Courses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range courses {
		if c.ID == s.courseID && c.Enrolled != before+2 {
			t.Errorf("%d on the course after enrolling 2; %d before", c.Enrolled, before)
		}
	}
}
