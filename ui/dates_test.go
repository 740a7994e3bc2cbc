package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// overlayEntries are the escEntry fields of the dialog on top, in order.
func overlayEntries(w fyne.Window) []*escEntry {
	var out []*escEntry
	if over := w.Canvas().Overlays().Top(); over != nil {
		walk(over, func(o fyne.CanvasObject) {
			if e, ok := o.(*escEntry); ok {
				out = append(out, e)
			}
		})
	}
	return out
}

// retype clears an entry and types text into it key by key, as a person does.
func retype(e *escEntry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// An organiser's start date typed the UK way is saved as ISO and shown
// back the UK way; a date that does not exist is refused at the field with
// words a person can act on, and nothing is saved.
func TestOrganiserStartDateTypedUKWay(t *testing.T) {
	st := peopleDemoCopy(t)
	s, _, q := openOrganisers(t, st)
	target := *s.rows[5]
	s.table.Select(widget.TableCellID{Row: 5, Col: 0})
	waitFor(t, q, "the organiser's page", func() bool { return s.page != nil && s.page.given.Text == target.GivenName })
	p := s.page
	if want := dateText(target.StartsOn); p.starts.Text != want || strings.Contains(p.starts.Text, "-") {
		t.Errorf("start date field reads %q for stored %s; want %q", p.starts.Text, target.StartsOn, want)
	}
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}

	retype(p.starts, "31/2/2012")
	p.starts.TypedKey(enter)
	if err := p.starts.Validate(); err == nil || err.Error() != `"31/2/2012" is not a date; write it like 3/9/2012` {
		t.Errorf("start date 31/2/2012: field says %v", err)
	}
	if !strings.Contains(p.formErr.Text, "correct the fields") {
		t.Errorf("start date 31/2/2012: form says %q", p.formErr.Text)
	}
	if back, _ := st.Organiser(context.Background(), target.ID); back.StartsOn != target.StartsOn {
		t.Errorf("a refused date was saved: %s", back.StartsOn)
	}

	retype(p.starts, "3/9/2012")
	retype(p.ends, "") // empty while in training
	p.starts.TypedKey(enter)
	waitFor(t, q, "the save", func() bool { return p.formErr.Text == "Saved." })
	back, err := st.Organiser(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.StartsOn != "2012-09-03" || back.EndsOn != "" {
		t.Errorf("saved start %q, end %q; want 2012-09-03 and none", back.StartsOn, back.EndsOn)
	}
	waitFor(t, q, "the page read back", func() bool { return p.page.Organiser.StartsOn == "2012-09-03" })
	if p.starts.Text != "3 Sep 2012" {
		t.Errorf("after saving the start date field reads %q; want 3 Sep 2012", p.starts.Text)
	}
}

// Every accepted way of writing a date works in the cohort form, and the
// cohorts table and the form show the dates back the UK way.
func TestCohortDatesTypedEveryWay(t *testing.T) {
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
	ways := [][3]string{
		{"3/9/2012", "03/09/2012", "3 Sep 2012"},
		{"3 September 2012", "2012-09-03", "4/9/2012"},
	}
	for _, way := range ways {
		before := len(s.cohorts)
		test.Tap(findButton(w.Content(), "Add cohort"))
		entries := overlayEntries(w)
		if len(entries) != 4 {
			t.Fatalf("the cohort form has %d entries; want number and three dates", len(entries))
		}
		if entries[1].PlaceHolder != "e.g. 3/9/2012" {
			t.Errorf("the date field's hint reads %q", entries[1].PlaceHolder)
		}
		test.Type(entries[0], fmt.Sprint(before+1))
		for i, v := range way {
			test.Type(entries[1+i], v)
		}
		entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		waitFor(t, q, "the new cohort", func() bool { return len(s.cohorts) == before+1 })
		c := s.cohorts[before]
		if c.HostInductionOn != "2012-09-03" || c.TrainingStartsOn != "2012-09-03" || (c.TrainingEndsOn != "2012-09-03" && c.TrainingEndsOn != "2012-09-04") {
			t.Errorf("typed %q: saved %s, %s, %s; want 2012-09-03", way, c.HostInductionOn, c.TrainingStartsOn, c.TrainingEndsOn)
		}
		if got := cohortCell(c, 1); got != "3 Sep 2012" {
			t.Errorf("cohorts table shows host induction %q; want 3 Sep 2012", got)
		}
		s.editCohort(c.Cohort)
		if entries := overlayEntries(w); len(entries) != 4 || entries[2].Text != "3 Sep 2012" {
			t.Errorf("the edit form shows training starts %q; want 3 Sep 2012", entries[2].Text)
		}
		w.Canvas().Overlays().Top().(interface{ Hide() }).Hide()
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}
	// A date that cannot be read keeps the form from saving and says why.
	before := len(s.cohorts)
	test.Tap(findButton(w.Content(), "Add cohort"))
	entries := overlayEntries(w)
	test.Type(entries[0], fmt.Sprint(before+1))
	test.Type(entries[1], "3/9/12")
	if err := entries[1].Validate(); err == nil || !strings.Contains(err.Error(), "write the year in full") {
		t.Errorf("host induction 3/9/12: field says %v", err)
	}
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.drain()
	if got, _ := st.Cohorts(context.Background()); len(got) != before {
		t.Errorf("a cohort with an unreadable date was saved: %d cohorts, want %d", len(got), before)
	}
}

// A course session's date typed as 3/9/2012 is scheduled on 2012-09-03 and
// the sessions table shows 3 Sep 2012.
func TestSessionDateTypedUKWay(t *testing.T) {
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the courses", func() bool { return len(s.overview.Courses) > 0 })
	s.courseTable.Select(widget.TableCellID{Row: 0})
	waitFor(t, q, "the sessions", func() bool { return s.courseID != 0 && len(s.sessions) > 0 })
	before := len(s.sessions)
	test.Tap(s.addSession)
	waitFor(t, q, "the session form", func() bool { return len(overlayEntries(w)) > 0 })
	entries := overlayEntries(w)
	if today := todayText(); entries[0].Text != today {
		t.Errorf("the session date starts as %q; want today, %q", entries[0].Text, today)
	}
	retype(entries[0], "3/9/2012")
	test.Type(entries[1], "Dates test session")
	entries[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, q, "the new session", func() bool { return len(s.sessions) == before+1 })
	var found *model.Session
	for i, x := range s.sessions {
		if x.Title == "Dates test session" {
			found = &s.sessions[i]
		}
	}
	if found == nil || found.HeldOn != "2012-09-03" {
		t.Fatalf("session saved as %+v; want held on 2012-09-03", found)
	}
	if got := sessionCell(*found, 0); got != "3 Sep 2012" {
		t.Errorf("sessions table shows %q; want 3 Sep 2012", got)
	}
}

// The audit screen shows when in local time, not the stored UTC text.
// TestMain sets local time to Europe/London, so in summer an entry reads an
// hour after its stored UTC. A real change is made, and the time shown for
// it is its stored time as a UK desk reads it.
func TestAuditShowsLocalTime(t *testing.T) {
	st := auditDemo(t)
	ctx := context.Background()
	admin := demoUser(t, st, "admin")
	if _, err := st.CreateUser(ctx, admin, model.NewUser{Username: "time-tester", DisplayName: "Time tester",
		Role: model.RoleModerator, Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, model.AuditFilter{Text: "time-tester"})
	if err != nil || len(log) == 0 {
		t.Fatalf("the new user is not in the audit log: %v, %v", log, err)
	}
	made := log[0]
	at, err := time.Parse(time.RFC3339, made.At)
	if err != nil {
		t.Fatalf("stored time %q: %v", made.At, err)
	}
	london, _ := time.LoadLocation("Europe/London")
	want := at.In(london).Format("2 Jan 2006 15:04")
	if want != model.DisplayTime(made.At) {
		t.Fatalf("model.DisplayTime(%q) = %q; want %q", made.At, model.DisplayTime(made.At), want)
	}
	s, w, _ := openAudit(t, st)
	if s.rows[0].ID != made.ID {
		t.Fatalf("newest entry is %+v; want the new user's", s.rows[0])
	}
	if got := s.cell(0, 0); got != want {
		t.Errorf("entry stored at %s shown at %q; want %q (UK time)", made.At, got, want)
	}
	for r := range s.rows {
		if got := s.cell(r, 0); strings.Contains(got, "T") || strings.Contains(got, "-") || strings.Contains(got, "Z") {
			t.Errorf("row %d shows %q: raw ISO text", r, got)
		}
	}
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if !strings.HasPrefix(s.detail.Text, want+" · admin") {
		t.Errorf("detail reads %q; want it to start %q", s.detail.Text, want+" · admin")
	}
	if strings.Contains(shownText(w.Content()), "UTC") {
		t.Error("the audit screen still says UTC")
	}
}
