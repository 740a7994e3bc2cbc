package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"strings"
	"testing"
)

// courseFixture is a demo copy with a new two-session course of one module,
// three volunteer organisers enrolled (none has the module) and a trainer.
type courseFixture struct {
	s        *Store
	lead     model.User
	module   model.Module
	courseID int64
	sessions []model.Session
	orgs     []int64 // organiser ids
	people   []int64 // their person ids, same order
	trainer  int64   // a trainer's person id, enrolled too
}

func newCourseFixture(t *testing.T) *courseFixture {
	t.Helper()
	s := demoCopy(t)
	ctx := context.Background()
	f := &courseFixture{s: s, lead: namedUser(t, s, "course-lead", model.RoleLead)}
	mods, err := s.Modules(ctx)
	if err != nil || len(mods) < 2 {
		t.Fatalf("Modules = %d, %v", len(mods), err)
	}
	f.module = mods[1]
	rows, err := s.db.Query(`SELECT o.id, o.person_id FROM organisers o JOIN people p ON p.id = o.person_id
        WHERE o.role = 'volunteer' AND o.status = 'active' AND p.erased_at IS NULL
          AND o.id NOT IN (SELECT organiser_id FROM module_completions) ORDER BY o.id LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o, p int64
		rows.Scan(&o, &p)
		f.orgs, f.people = append(f.orgs, o), append(f.people, p)
	}
	rows.Close()
	if len(f.orgs) != 3 {
		t.Fatalf("the demo has %d volunteers with no module; want 3", len(f.orgs))
	}
	var trainerID int64
	if err := s.db.QueryRow(`SELECT id, person_id FROM trainers WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&trainerID, &f.trainer); err != nil {
		t.Fatal(err)
	}
	f.courseID, err = s.CreateCourse(ctx, f.lead, model.NewCourse{Kind: model.CourseMain, ModuleID: f.module.ID, TrainerID: trainerID,
		StartsOn: "2016-01-10", EndsOn: "2016-02-28", Venue: "Hebden Bridge", SessionDates: []string{"2016-02-21", "2016-01-10"}})
	if err != nil {
		t.Fatalf("CreateCourse: %v", err)
	}
	if n, err := s.Enrol(ctx, f.lead, f.courseID, append(append([]int64{}, f.people...), f.trainer)); err != nil || n != 4 {
		t.Fatalf("Enrol = %d, %v; want 4 enrolled", n, err)
	}
	if f.sessions, err = s.CourseSessions(ctx, f.courseID); err != nil || len(f.sessions) != 2 {
		t.Fatalf("CourseSessions = %d, %v; want 2", len(f.sessions), err)
	}
	return f
}

// register saves marks for session i as the lead, failing the test on error.
func (f *courseFixture) register(t *testing.T, i int, marks map[int64]bool) {
	t.Helper()
	if err := f.s.SaveRegister(context.Background(), f.lead, f.sessions[i].ID, marks); err != nil {
		t.Fatalf("SaveRegister(session %d, %v): %v", i, marks, err)
	}
}

// completion is organiser i's completion of the fixture's module, or how
// "" when there is none.
func (f *courseFixture) completion(t *testing.T, i int) model.ModuleCompletion {
	t.Helper()
	c, err := f.s.ModuleCompletion(context.Background(), f.orgs[i], f.module.ID)
	if errors.Is(err, model.ErrNotFound) {
		return model.ModuleCompletion{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateCourseAndEnrol(t *testing.T) {
	f := newCourseFixture(t)
	ctx := context.Background()
	s := f.s
	courses, err := s.Courses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got model.Course
	for _, c := range courses {
		if c.ID == f.courseID {
			got = c
		}
	}
	if got.Title != f.module.Title || got.Enrolled != 4 || got.Sessions != 2 || got.Venue != "Hebden Bridge" || got.EndsOn != "2016-02-28" {
		t.Errorf("course read back as %+v; want the module's title, 4 enrolled, 2 sessions", got)
	}
	for i, x := range f.sessions {
		if x.ModuleID != f.module.ID || x.Venue != "Hebden Bridge" || x.HeldOn != []string{"2016-01-10", "2016-02-21"}[i] {
			t.Errorf("session %d = %+v; want the module, the venue, dates in order", i, x)
		}
	}
	reg, err := s.Register(ctx, f.sessions[0].ID)
	if err != nil || len(reg.Lines) != 4 {
		t.Fatalf("register of the new course has %d lines, %v; want the 4 enrolled", len(reg.Lines), err)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'course' AND entity_id = $1 AND actor = 'course-lead'`, f.courseID); n != 1 {
		t.Errorf("audit entries for the new course: %d; want 1", n)
	}
	// Enrolling again adds nobody and writes nothing; the list says who is on.
	audits := count(t, s, `SELECT count(*) FROM audit_log`)
	if n, err := s.Enrol(ctx, f.lead, f.courseID, f.people); err != nil || n != 0 {
		t.Errorf("Enrol again = %d, %v; want 0, nil", n, err)
	}
	if got := count(t, s, `SELECT count(*) FROM audit_log`); got != audits {
		t.Errorf("enrolling people already on the course wrote %d audit entries", got-audits)
	}
	// One unknown person refuses the lot.
	var cohortOther int64
	s.db.QueryRow(`SELECT id FROM organisers WHERE person_id NOT IN (SELECT person_id FROM enrolments WHERE course_id = $1) LIMIT 1`, f.courseID).Scan(&cohortOther)
	if _, err := s.Enrol(ctx, f.lead, f.courseID, []int64{cohortOther, 99999999}); !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "99999999") {
		t.Errorf("Enrol with an unknown person = %v; want ErrInvalid naming them", err)
	}
	if n := count(t, s, `SELECT count(*) FROM enrolments WHERE course_id = $1`, f.courseID); n != 4 {
		t.Errorf("a refused enrolment left %d on the course; want 4", n)
	}
	if _, err := s.Enrol(ctx, f.lead, 99999999, f.people); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Enrol on no course = %v; want ErrNotFound", err)
	}
	if _, err := s.Enrol(ctx, f.lead, f.courseID, nil); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("Enrol nobody = %v; want ErrInvalid", err)
	}
	// A course naming a trainer who does not exist is refused, and nothing lands.
	var fe *model.FieldError
	if _, err := s.CreateCourse(ctx, f.lead, model.NewCourse{Kind: model.CourseMain, Title: "Ghost", TrainerID: 99999999,
		StartsOn: "2016-01-10", SessionDates: []string{"2016-01-10"}}); !errors.As(err, &fe) || fe.Field != "trainer" {
		t.Errorf("CreateCourse with no such trainer = %v; want a field error on trainer", err)
	}
	if n := count(t, s, `SELECT count(*) FROM courses WHERE title = 'Ghost'`); n != 0 {
		t.Errorf("a refused course left %d rows", n)
	}
}

func TestEnrolChoicesNarrow(t *testing.T) {
	f := newCourseFixture(t)
	ctx := context.Background()
	var cohortID int64
	var cohortNumber int
	f.s.db.QueryRow(`SELECT c.id, c.number FROM cohorts c ORDER BY c.number LIMIT 1`).Scan(&cohortID, &cohortNumber)
	byCohort, err := f.s.EnrolChoices(ctx, f.courseID, model.EnrolFilter{CohortID: cohortID})
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, f.s, `SELECT count(*) FROM organisers o JOIN people p ON p.id = o.person_id
        WHERE o.cohort_id = $1 AND p.erased_at IS NULL`, cohortID); len(byCohort) != want || want == 0 {
		t.Errorf("EnrolChoices(cohort %d) = %d people; SQL counts %d", cohortNumber, len(byCohort), want)
	}
	for _, c := range byCohort {
		if c.CohortNumber != cohortNumber {
			t.Fatalf("cohort %d's list holds %s of cohort %d", cohortNumber, c.Name, c.CohortNumber)
		}
	}
	// Text narrows by name, folding accents; enrolled people are marked.
	name := byCohort[0].Name
	found, err := f.s.EnrolChoices(ctx, f.courseID, model.EnrolFilter{Text: strings.ToUpper(name)})
	if err != nil || len(found) == 0 || found[0].Name != name {
		t.Errorf("EnrolChoices(text %q) = %v, %v; want %s first", strings.ToUpper(name), found, err, name)
	}
	all, err := f.s.EnrolChoices(ctx, f.courseID, model.EnrolFilter{Limit: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	enrolled := 0
	for _, c := range all {
		if c.Enrolled {
			enrolled++
		}
	}
	if enrolled != 4 {
		t.Errorf("EnrolChoices marks %d as on the course; want 4", enrolled)
	}
	if none, err := f.s.EnrolChoices(ctx, f.courseID, model.EnrolFilter{Text: "no-such-person-zzz"}); err != nil || len(none) != 0 {
		t.Errorf("EnrolChoices(nonsense) = %d, %v; want none", len(none), err)
	}
}

// TestModuleCompletedByTheRegister: present at every session completes the
// module the moment the last register is saved; absent at one does not; a
// lead's completion with a reason stands and is audited; unticking takes
// back a derived completion but not a lead's.
func TestModuleCompletedByTheRegister(t *testing.T) {
	f := newCourseFixture(t)
	ctx := context.Background()
	s := f.s
	a, b, c := f.people[0], f.people[1], f.people[2]
	f.register(t, 0, map[int64]bool{a: true, b: true, c: true, f.trainer: true})
	if got := f.completion(t, 0); got.How != "" {
		t.Fatalf("complete after the first of two sessions: %+v", got)
	}
	f.register(t, 1, map[int64]bool{a: true, b: true, c: false, f.trainer: true})
	for i, want := range []string{model.CompletedByAttendance, model.CompletedByAttendance, ""} {
		got := f.completion(t, i)
		if got.How != want || (want != "" && (got.CompletedOn != "2016-02-21" || got.RecordedBy != "course-lead")) {
			t.Errorf("organiser %d after the last register: %+v; want how %q on 21 Feb 2016", i, got, want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM module_completions mc JOIN organisers o ON o.id = mc.organiser_id WHERE o.person_id = $1`, f.trainer); n != 0 {
		t.Errorf("a trainer on the course has %d module completions", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'complete' AND entity = 'module_completion'`); n != 2 {
		t.Errorf("audit entries for derived completions: %d; want 2", n)
	}
	// The grid and the organiser's page follow at once.
	grid, err := s.ModuleCompletionGrid(ctx)
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, m := range grid.Modules {
		if m.ID == f.module.ID {
			col = i
		}
	}
	for _, r := range grid.Rows {
		if r.OrganiserID == f.orgs[0] && r.CompletedOn[col] != "2016-02-21" {
			t.Errorf("the grid shows %q for %s; want 2016-02-21", r.CompletedOn[col], r.Name)
		}
	}

	// A lead marks C complete by hand; a reason is required.
	var fe *model.FieldError
	m := model.ManualCompletion{OrganiserID: f.orgs[2], ModuleID: f.module.ID, CompletedOn: "2016-03-01"}
	if err := s.CompleteModule(ctx, f.lead, m); !errors.As(err, &fe) || fe.Field != "reason" {
		t.Fatalf("CompleteModule without a reason = %v; want a field error on reason", err)
	}
	if got := f.completion(t, 2); got.How != "" {
		t.Fatalf("a refused manual completion landed: %+v", got)
	}
	m.Reason = "caught up with the trainer on 1 March"
	if err := s.CompleteModule(ctx, f.lead, m); err != nil {
		t.Fatalf("CompleteModule: %v", err)
	}
	if got := f.completion(t, 2); got.How != model.CompletedByLead || got.Reason != m.Reason || got.CompletedOn != "2016-03-01" {
		t.Errorf("manual completion read back as %+v", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'complete' AND entity = 'module_completion'
        AND entity_id = $1 AND actor = 'course-lead' AND after LIKE '%caught up with the trainer%'`, completionKey(f.orgs[2], f.module.ID)); n != 1 {
		t.Errorf("audit entries naming the lead's reason: %d; want 1", n)
	}
	if err := s.CompleteModule(ctx, f.lead, m); !errors.Is(err, model.ErrExists) {
		t.Errorf("CompleteModule twice = %v; want ErrExists", err)
	}

	// Unticking A at the first session takes back A's derived completion;
	// unticking C leaves the lead's.
	f.register(t, 0, map[int64]bool{a: false, c: false})
	if got := f.completion(t, 0); got.How != "" {
		t.Errorf("A unticked still complete: %+v", got)
	}
	if got := f.completion(t, 2); got.How != model.CompletedByLead {
		t.Errorf("the lead's completion of C went with a register: %+v", got)
	}
	if got := f.completion(t, 1); got.How != model.CompletedByAttendance {
		t.Errorf("B, whose marks did not change, lost the module: %+v", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'uncomplete' AND entity = 'module_completion' AND entity_id = $1`,
		completionKey(f.orgs[0], f.module.ID)); n != 1 {
		t.Errorf("audit entries for A's completion taken back: %d; want 1", n)
	}
	// Ticking A again completes the module again.
	f.register(t, 0, map[int64]bool{a: true})
	if got := f.completion(t, 0); got.How != model.CompletedByAttendance {
		t.Errorf("A ticked again: %+v; want complete by attendance", got)
	}
	// A lead who marks B's derived completion makes it theirs: a register no longer takes it back.
	if err := s.CompleteModule(ctx, f.lead, model.ManualCompletion{OrganiserID: f.orgs[1], ModuleID: f.module.ID,
		CompletedOn: "2016-02-21", Reason: "confirmed by the trainer"}); err != nil {
		t.Fatal(err)
	}
	f.register(t, 1, map[int64]bool{b: false})
	if got := f.completion(t, 1); got.How != model.CompletedByLead {
		t.Errorf("B's completion confirmed by a lead went with a register: %+v", got)
	}
}

// TestRefusedRegisterCompletesNothing: a register refused part-way leaves
// completions as they were, in the same transaction as its marks.
func TestRefusedRegisterCompletesNothing(t *testing.T) {
	f := newCourseFixture(t)
	a := f.people[0]
	f.register(t, 0, map[int64]bool{a: true})
	var stranger int64
	f.s.db.QueryRow(`SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM enrolments) LIMIT 1`).Scan(&stranger)
	err := f.s.SaveRegister(context.Background(), f.lead, f.sessions[1].ID, map[int64]bool{a: true, stranger: true})
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("register with a stranger = %v; want ErrInvalid", err)
	}
	if got := f.completion(t, 0); got.How != "" {
		t.Errorf("a refused register completed the module: %+v", got)
	}
}

// TestModuleRulesOtherThanTheDefault: any session completes on the first
// attended; by lead completes on nothing a register says.
func TestModuleRulesOtherThanTheDefault(t *testing.T) {
	f := newCourseFixture(t)
	a, b := f.people[0], f.people[1]
	if _, err := f.s.db.Exec(`UPDATE modules SET completion_rule = 'any_session' WHERE id = $1`, f.module.ID); err != nil {
		t.Fatal(err)
	}
	f.register(t, 0, map[int64]bool{a: false, b: true})
	if got := f.completion(t, 1); got.How != model.CompletedByAttendance || got.CompletedOn != "2016-01-10" {
		t.Errorf("any session, present at the first: %+v", got)
	}
	if got := f.completion(t, 0); got.How != "" {
		t.Errorf("any session, absent at the only one taken: %+v", got)
	}
	if _, err := f.s.db.Exec(`UPDATE modules SET completion_rule = 'by_lead' WHERE id = $1`, f.module.ID); err != nil {
		t.Fatal(err)
	}
	f.register(t, 0, map[int64]bool{a: true})
	f.register(t, 1, map[int64]bool{a: true})
	if got := f.completion(t, 0); got.How != "" {
		t.Errorf("by lead, present at every session: %+v; want not complete", got)
	}
	mods, _ := f.s.Modules(context.Background())
	for _, m := range mods {
		if m.ID == f.module.ID && m.Rule != model.RuleByLead {
			t.Errorf("Modules reads rule %q; want %q", m.Rule, model.RuleByLead)
		}
	}
}

// TestCompletionCertificateFollowsTheRegister: a learner whose other modules
// are complete becomes due a completion certificate when the register of
// the last session of their last module is saved.
func TestCompletionCertificateFollowsTheRegister(t *testing.T) {
	f := newCourseFixture(t)
	ctx := context.Background()
	mods, err := f.s.Modules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		if m.ID == f.module.ID {
			continue
		}
		if err := f.s.CompleteModule(ctx, f.lead, model.ManualCompletion{OrganiserID: f.orgs[0], ModuleID: m.ID,
			CompletedOn: "2015-12-01", Reason: "completed with another programme"}); err != nil {
			t.Fatal(err)
		}
	}
	var email string
	f.s.db.QueryRow(`SELECT email FROM people WHERE id = $1`, f.people[0]).Scan(&email)
	due := func() model.Candidate {
		t.Helper()
		cs, err := f.s.Candidates(ctx, model.CertSelection{Person: email, Kind: model.KindCompletion})
		if err != nil || len(cs) != 1 {
			t.Fatalf("Candidates(%s) = %d, %v; want 1", email, len(cs), err)
		}
		return cs[0]
	}
	if c := due(); c.Eligible {
		t.Fatalf("eligible with one module to go: %+v", c)
	}
	f.register(t, 0, map[int64]bool{f.people[0]: true})
	f.register(t, 1, map[int64]bool{f.people[0]: true})
	if c := due(); !c.Eligible {
		t.Errorf("not eligible after the last register: %s", c.Why)
	}
	f.register(t, 1, map[int64]bool{f.people[0]: false})
	if c := due(); c.Eligible {
		t.Errorf("still eligible once the last register was corrected to absent")
	}
}

// TestCourseActionsFollowTheRoleTable: only a lead or an administrator
// creates a course, enrols or marks a module complete; every other role is
// refused with ErrPermission and nothing changes.
func TestCourseActionsFollowTheRoleTable(t *testing.T) {
	f := newCourseFixture(t)
	ctx := context.Background()
	watch := watchChanges(t, f.s)
	var other int64
	f.s.db.QueryRow(`SELECT person_id FROM organisers WHERE person_id NOT IN (SELECT person_id FROM enrolments WHERE course_id = $1) LIMIT 1`, f.courseID).Scan(&other)
	acts := map[string]func(model.User) error{
		"create a course": func(by model.User) error {
			_, err := f.s.CreateCourse(ctx, by, model.NewCourse{Kind: model.CourseMain, ModuleID: f.module.ID, StartsOn: "2016-05-01",
				SessionDates: []string{"2016-05-01"}})
			return err
		},
		"enrol": func(by model.User) error {
			_, err := f.s.Enrol(ctx, by, f.courseID, []int64{other})
			return err
		},
		"mark a module complete": func(by model.User) error {
			return f.s.CompleteModule(ctx, by, model.ManualCompletion{OrganiserID: f.orgs[2], ModuleID: f.module.ID,
				CompletedOn: "2016-03-01", Reason: "caught up"})
		},
	}
	for _, role := range []string{model.RoleModerator, model.RoleAssessor, model.RoleVerifier, ""} {
		by := userWithRole(t, f.s, role)
		for name, run := range acts {
			before := watch.state(t, f.s)
			if err := run(by); !errors.Is(err, model.ErrPermission) {
				t.Errorf("%s as %q = %v; want ErrPermission", name, role, err)
			}
			if watch.state(t, f.s) != before {
				t.Errorf("%s as %q was refused but changed the database", name, role)
			}
		}
	}
	admin := userWithRole(t, f.s, model.RoleAdmin)
	for name, run := range acts {
		if err := run(admin); err != nil {
			t.Errorf("%s as an administrator = %v; want it allowed", name, err)
		}
	}
}

// TestMigrationSortsOldCompletions: completions recorded before completion
// rules are sorted by migration 00090 exactly as the demo builder records
// them now: those every register bears out are derived from attendance, the
// catch-ups with no register behind them stand as a lead's, with a reason.
func TestMigrationSortsOldCompletions(t *testing.T) {
	sqliteOnly(t, "SQLite migration 90 sorts completions stored before it; the PostgreSQL tree starts at 90, whole")
	s := demoCopy(t)
	ctx := context.Background()
	built := map[string]string{}
	rows, err := s.db.Query(`SELECT organiser_id || '/' || module_id, how FROM module_completions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, how string
		rows.Scan(&k, &how)
		built[k] = how
	}
	rows.Close()
	lead := count(t, s, `SELECT count(*) FROM module_completions WHERE how = 'lead'`)
	if lead == 0 || lead == len(built) {
		t.Fatalf("the demo has %d of %d completions marked by a lead; want some of each", lead, len(built))
	}
	p, err := s.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 89); err != nil {
		t.Fatalf("migrate down to before 00090: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up again: %v", err)
	}
	rows, err = s.db.Query(`SELECT organiser_id || '/' || module_id, how, reason FROM module_completions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k, how, reason string
		rows.Scan(&k, &how, &reason)
		n++
		if how != built[k] {
			t.Errorf("completion %s migrated as %q; the demo records it as %q", k, how, built[k])
		}
		if (how == model.CompletedByLead) != (reason != "") {
			t.Errorf("completion %s migrated as %q with reason %q", k, how, reason)
		}
	}
	if n != len(built) {
		t.Errorf("%d completions after migrating; %d before", n, len(built))
	}
}
