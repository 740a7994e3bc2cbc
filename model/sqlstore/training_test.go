package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"testing"
	"time"
)

func TestTrainingQueriesMatchTheDatabase(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	tr, err := s.Training(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(*) FROM modules`); len(tr.Modules) != want || want == 0 {
		t.Errorf("Modules = %d; want %d", len(tr.Modules), want)
	}
	kinds := map[string]int{}
	for _, c := range tr.Courses {
		kinds[c.Kind]++
	}
	for _, k := range []string{model.CourseTTT, model.CourseMain, model.CourseInduction} {
		if want := count(t, s, `SELECT count(*) FROM courses WHERE kind = $1`, k); kinds[k] != want || want == 0 {
			t.Errorf("%s courses = %d; want %d", k, kinds[k], want)
		}
	}
	var main model.Course
	for _, c := range tr.Courses {
		if c.Kind == model.CourseMain {
			main = c
			break
		}
	}
	sessions, err := s.CourseSessions(ctx, main.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != main.Sessions || len(sessions) == 0 {
		t.Fatalf("CourseSessions = %d; course says %d", len(sessions), main.Sessions)
	}
	reg, err := s.Register(ctx, sessions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Lines) < main.Enrolled {
		t.Errorf("register has %d lines; %d enrolled", len(reg.Lines), main.Enrolled)
	}
	grid, err := s.ModuleCompletionGrid(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, r := range grid.Rows {
		done += r.Done
	}
	if want := count(t, s, `SELECT count(*) FROM module_completions`); done != want || want == 0 {
		t.Errorf("completion grid holds %d completions; SQL counts %d", done, want)
	}
	missed, err := s.MissedSessions(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(DISTINCT person_id) FROM attendance WHERE present = 0`); len(missed) != want || want == 0 {
		t.Errorf("MissedSessions = %d people; SQL counts %d", len(missed), want)
	}
	for i := 1; i < len(missed); i++ {
		if missed[i].Missed > missed[i-1].Missed {
			t.Fatalf("missed sessions not most-missed first at %d", i)
		}
	}
}

func TestSaveRegister(t *testing.T) {
	s := freshDemo(t)
	ctx := context.Background()
	lead := namedUser(t, s, "trainer-lead", model.RoleLead)
	// A scheduled session: enrolled people, no marks yet.
	var sessionID int64
	err := s.db.QueryRow(`SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id
        WHERE c.kind = 'main' AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)
        ORDER BY s.held_on LIMIT 1`).Scan(&sessionID)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := s.Register(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Lines) < 3 {
		t.Fatalf("register of %d has %d lines", sessionID, len(reg.Lines))
	}
	marks := map[int64]bool{}
	for i, l := range reg.Lines {
		if l.Recorded {
			t.Fatalf("scheduled session already has a mark for %s", l.Name)
		}
		marks[l.PersonID] = i != 1 // everyone present but the second
	}
	if err := s.SaveRegister(ctx, lead, sessionID, marks); err != nil {
		t.Fatalf("SaveRegister: %v", err)
	}
	back, err := s.Register(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range back.Lines {
		if !l.Recorded || l.Present != (i != 1) || l.RecordedBy != "trainer-lead" {
			t.Errorf("line %d %s: recorded=%v present=%v by %q", i, l.Name, l.Recorded, l.Present, l.RecordedBy)
		}
	}
	if back.Session.Present != len(marks)-1 || back.Session.Absent != 1 {
		t.Errorf("session counts %d present, %d absent", back.Session.Present, back.Session.Absent)
	}
	// Someone not enrolled is refused, and nothing of that register lands.
	var stranger int64
	s.db.QueryRow(`SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM enrolments) LIMIT 1`).Scan(&stranger)
	bad := map[int64]bool{reg.Lines[1].PersonID: true, stranger: true}
	if err := s.SaveRegister(ctx, lead, sessionID, bad); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("register with a stranger = %v; want ErrInvalid", err)
	}
	if again, _ := s.Register(ctx, sessionID); again.Lines[1].Present {
		t.Error("a refused register changed a mark")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'register' AND entity = 'session' AND entity_id = $1`, sessionID); n != 1 {
		t.Errorf("audit entries for the register: %d; want 1", n)
	}
}

func TestAddSession(t *testing.T) {
	s := freshDemo(t)
	ctx := context.Background()
	tr, err := s.Training(ctx)
	if err != nil {
		t.Fatal(err)
	}
	course := tr.Courses[len(tr.Courses)-1]
	opts, err := s.SessionOptions(ctx)
	if err != nil || len(opts.Modules) == 0 || len(opts.Trainers) == 0 {
		t.Fatalf("SessionOptions = %d modules, %d trainers, %v", len(opts.Modules), len(opts.Trainers), err)
	}
	var fe *model.FieldError
	for _, bad := range []struct {
		x     model.Session
		field string
	}{
		{model.Session{CourseID: course.ID, Title: "Catch-up"}, "date"},
		{model.Session{CourseID: course.ID, HeldOn: "30/06/2015", Title: "Catch-up"}, "date"},
		{model.Session{CourseID: course.ID, HeldOn: "2015-06-30"}, "title"},
		{model.Session{CourseID: course.ID, HeldOn: "2015-06-30", Title: "x", TrainerID: 999999}, "trainer"},
	} {
		if _, err := s.AddSession(ctx, model.LocalUser(), bad.x); !errors.As(err, &fe) || fe.Field != bad.field {
			t.Errorf("AddSession(%+v) = %v; want a field error on %s", bad.x, err, bad.field)
		}
	}
	x := model.Session{CourseID: course.ID, HeldOn: "2015-07-14", Title: "Catch-up day", Venue: "Trafford Hall",
		ModuleID: opts.Modules[0].ID, TrainerID: opts.Trainers[0].ID}
	id, err := s.AddSession(ctx, model.LocalUser(), x)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := s.CourseSessions(ctx, course.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, got := range sessions {
		if got.ID == id {
			found = got.HeldOn == x.HeldOn && got.Title == x.Title && got.TrainerID == x.TrainerID && got.Trainer == opts.Trainers[0].Label
		}
	}
	if !found || len(sessions) != course.Sessions+1 {
		t.Errorf("new session %d not read back as added among %d sessions", id, len(sessions))
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'session' AND entity_id = $1`, id); n != 1 {
		t.Errorf("audit entries for the new session: %d", n)
	}
}
