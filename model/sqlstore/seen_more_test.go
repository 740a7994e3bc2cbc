package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"testing"
	"time"
)

// registerDesks is twoDesks with a course session both organisers are
// enrolled on, its register not yet taken.
func registerDesks(t *testing.T) (d *twoDesks, session, ada, vic int64) {
	t.Helper()
	ctx := context.Background()
	d = newTwoDesks(t)
	course, err := d.a.CreateCourse(ctx, d.lead1, model.NewCourse{Kind: model.CourseMain, Title: "Main course 1",
		StartsOn: "2013-01-10", CohortID: d.cohortID})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{d.senior, d.vol} {
		o, err := d.a.Organiser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if id == d.senior {
			ada = o.PersonID
		} else {
			vic = o.PersonID
		}
	}
	if _, err := d.a.Enrol(ctx, d.lead1, course, []int64{ada, vic}); err != nil {
		t.Fatal(err)
	}
	if session, err = d.a.AddSession(ctx, d.lead1, model.Session{CourseID: course, HeldOn: "2013-01-10",
		Title: "Building networks"}); err != nil {
		t.Fatal(err)
	}
	return d, session, ada, vic
}

// readRegister reads a session's register at s as a form does.
func readRegister(t *testing.T, s *Store, session int64) model.Register {
	t.Helper()
	r, err := s.Register(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// markOf is a person's line on a register.
func markOf(t *testing.T, r model.Register, person int64) model.RegisterLine {
	t.Helper()
	for _, l := range r.Lines {
		if l.PersonID == person {
			return l
		}
	}
	t.Fatalf("person %d is not on the register", person)
	return model.RegisterLine{}
}

// The case for registers: two leads take one session's register at
// once, each ticking a different learner. The second save keeps the first's
// tick (the old save put every learner back as its form read them, so Ada's
// tick was silently lost), saves its own, and says whose newer mark it kept.
func TestRegisterSavedOverANewerMarkKeepsIt(t *testing.T) {
	d, session, ada, vic := registerDesks(t)
	ctx := context.Background()
	atA, atB := readRegister(t, d.a, session), readRegister(t, d.b, session)

	marksB := atB.Ticks()
	marksB[ada] = true // lead2 ticks Ada; Vic saved unticked, as the form sends every line
	if kept, err := d.b.SaveRegisterFrom(ctx, d.lead2, session, atB.Ticks(), marksB); err != nil || len(kept) != 0 {
		t.Fatalf("desk B saves: kept %v, %v", kept, err)
	}
	marksA := atA.Ticks()
	marksA[vic] = true // lead1 ticks Vic, and leaves Ada as read: unticked
	kept, err := d.a.SaveRegisterFrom(ctx, d.lead1, session, atA.Ticks(), marksA)
	if err != nil {
		t.Fatalf("desk A saves a tick on another learner: %v; want it merged", err)
	}
	now := readRegister(t, d.a, session)
	if a, v := markOf(t, now, ada), markOf(t, now, vic); !a.Present || a.RecordedBy != "lead2" || !v.Present || v.RecordedBy != "lead1" {
		t.Fatalf("after both saves Ada is present=%v (by %s), Vic present=%v (by %s); want both present, each by who ticked them",
			a.Present, a.RecordedBy, v.Present, v.RecordedBy)
	}
	if len(kept) != 1 || kept[0].PersonID != ada || kept[0].By != "lead2" || !kept[0].Present {
		t.Fatalf("kept %+v; want Ada's mark by lead2", kept)
	}
	if got, want := kept[0].String(), "lead2 marked Ada Senior present at 14:05"; got != want {
		t.Errorf("kept mark reads %q; want %q", got, want)
	}
	// Reloaded, desk A may untick Ada: a change made having seen lead2's tick.
	re := readRegister(t, d.a, session)
	marks := re.Ticks()
	marks[ada] = false
	if kept, err := d.a.SaveRegisterFrom(ctx, d.lead1, session, re.Ticks(), marks); err != nil || len(kept) != 0 {
		t.Fatalf("save after reload: kept %v, %v", kept, err)
	}
	if a := markOf(t, readRegister(t, d.b, session), ada); a.Present || a.RecordedBy != "lead1" {
		t.Fatalf("after reload and save Ada present=%v by %s; want absent by lead1", a.Present, a.RecordedBy)
	}
}

// A register saved exactly as it was read writes and audits nothing, even
// though another lead changed it meanwhile, and keeps their marks.
func TestUnchangedRegisterOverANewerMarkIsANoOp(t *testing.T) {
	d, session, ada, vic := registerDesks(t)
	ctx := context.Background()
	// Taken once by lead1, everyone present.
	if err := d.a.SaveRegister(ctx, d.lead1, session, map[int64]bool{ada: true, vic: true}); err != nil {
		t.Fatal(err)
	}
	atA, atB := readRegister(t, d.a, session), readRegister(t, d.b, session)
	marksB := atB.Ticks()
	marksB[vic] = false // Vic left before the session began
	if _, err := d.b.SaveRegisterFrom(ctx, d.lead2, session, atB.Ticks(), marksB); err != nil {
		t.Fatal(err)
	}
	entries := auditCount(t, d.a)
	kept, err := d.a.SaveRegisterFrom(ctx, d.lead1, session, atA.Ticks(), atA.Ticks())
	if err != nil {
		t.Fatalf("unchanged register: %v", err)
	}
	if n := auditCount(t, d.a); n != entries {
		t.Errorf("an unchanged register wrote %d audit entries", n-entries)
	}
	if v := markOf(t, readRegister(t, d.a, session), vic); v.Present || v.RecordedBy != "lead2" {
		t.Errorf("an unchanged register put Vic back present (by %s)", v.RecordedBy)
	}
	if len(kept) != 1 || kept[0].PersonID != vic || kept[0].Present {
		t.Errorf("kept %+v; want Vic's absence by lead2", kept)
	}
}

// "All present" on a stale register: a learner the form read as present and
// another lead has since marked absent stays absent (All present changed
// nothing for them), while those unticked when read are ticked.
func TestAllPresentOnAStaleRegisterKeepsALaterAbsence(t *testing.T) {
	d, session, ada, vic := registerDesks(t)
	ctx := context.Background()
	if err := d.a.SaveRegister(ctx, d.lead1, session, map[int64]bool{ada: true, vic: false}); err != nil {
		t.Fatal(err)
	}
	atA, atB := readRegister(t, d.a, session), readRegister(t, d.b, session)
	if _, err := d.b.SaveRegisterFrom(ctx, d.lead2, session, atB.Ticks(), map[int64]bool{ada: false, vic: false}); err != nil {
		t.Fatal(err)
	}
	all := map[int64]bool{ada: true, vic: true}
	kept, err := d.a.SaveRegisterFrom(ctx, d.lead1, session, atA.Ticks(), all)
	if err != nil {
		t.Fatal(err)
	}
	now := readRegister(t, d.a, session)
	if a, v := markOf(t, now, ada), markOf(t, now, vic); a.Present || !v.Present {
		t.Fatalf("Ada present=%v, Vic present=%v; want lead2's absence for Ada kept and Vic ticked", a.Present, v.Present)
	}
	if len(kept) != 1 || kept[0].PersonID != ada {
		t.Errorf("kept %+v; want Ada's", kept)
	}
}

// Both leads tick the same learner the same way: they agree, so the second
// save neither refuses nor writes that learner again (lead2 stays who
// recorded it), and reports nothing kept.
func TestTheSameTickFromTwoDesksAgrees(t *testing.T) {
	d, session, ada, vic := registerDesks(t)
	ctx := context.Background()
	atA, atB := readRegister(t, d.a, session), readRegister(t, d.b, session)
	for _, desk := range []struct {
		s   *Store
		by  model.User
		reg model.Register
	}{{d.b, d.lead2, atB}, {d.a, d.lead1, atA}} {
		marks := desk.reg.Ticks()
		marks[ada] = true
		kept, err := desk.s.SaveRegisterFrom(ctx, desk.by, session, desk.reg.Ticks(), marks)
		if err != nil || len(kept) != 0 {
			t.Fatalf("%s ticks Ada: kept %v, %v", desk.by.Username, kept, err)
		}
	}
	now := readRegister(t, d.a, session)
	if a, v := markOf(t, now, ada), markOf(t, now, vic); !a.Present || a.RecordedBy != "lead2" || v.Present || v.RecordedBy != "lead2" {
		t.Fatalf("Ada present=%v by %s, Vic present=%v by %s; want lead2's marks standing", a.Present, a.RecordedBy, v.Present, v.RecordedBy)
	}
}

// A command (no marks read) still saves as it always did: last writer wins.
func TestRegisterWithoutWhatWasReadOverwrites(t *testing.T) {
	d, session, ada, vic := registerDesks(t)
	ctx := context.Background()
	if err := d.b.SaveRegister(ctx, d.lead2, session, map[int64]bool{ada: true, vic: true}); err != nil {
		t.Fatal(err)
	}
	if err := d.a.SaveRegister(ctx, d.lead1, session, map[int64]bool{ada: false, vic: true}); err != nil {
		t.Fatal(err)
	}
	if a := markOf(t, readRegister(t, d.a, session), ada); a.Present || a.RecordedBy != "lead1" {
		t.Fatalf("Ada present=%v by %s; want lead1's absence", a.Present, a.RecordedBy)
	}
}

// The sampling plan: two verifiers open one cohort's plan, the second's
// change lands, the first's is refused naming them; reloaded, it saves.
func TestPlanRatesOverANewerPlanAreRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	iv1 := namedUser(t, d.a, "iv1", model.RoleVerifier)
	iv2 := namedUser(t, d.a, "iv2", model.RoleVerifier)
	atA, err := d.a.PlanRates(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	atB, err := d.b.PlanRates(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.b.SetPlanRatesFrom(ctx, iv2, atB, 20, 40); err != nil {
		t.Fatalf("desk B changes the plan: %v", err)
	}
	entries := auditCount(t, d.a)
	_, err = d.a.SetPlanRatesFrom(ctx, iv1, atA, 15, 30)
	refusedBy(t, err, "iv2")
	if n := auditCount(t, d.a); n != entries {
		t.Errorf("a refused plan wrote %d audit entries", n-entries)
	}
	now, _ := d.a.PlanRates(ctx, 1)
	if now.BaseRate != 20 || now.NewAssessorRate != 40 {
		t.Fatalf("after the refusal the plan is %d/%d; want desk B's 20/40", now.BaseRate, now.NewAssessorRate)
	}
	// The unchanged form (saved as read) is a quiet no-op giving the plan as it is.
	p, err := d.a.SetPlanRatesFrom(ctx, iv1, atA, atA.BaseRate, atA.NewAssessorRate)
	if err != nil || p.BaseRate != 20 || auditCount(t, d.a) != entries {
		t.Fatalf("unchanged plan form: %+v, %v (audit +%d); want B's plan, no entry", p, err, auditCount(t, d.a)-entries)
	}
	// The rates desk B already set: nothing to refuse, nothing to write.
	if p, err := d.a.SetPlanRatesFrom(ctx, iv1, atA, 20, 40); err != nil || p.ID != now.ID {
		t.Fatalf("the rates already stored: %+v, %v; want B's plan as it is", p, err)
	}
	// Reloaded: saved, and the plan it returns carries on for the next save.
	p, err = d.a.SetPlanRatesFrom(ctx, iv1, now, 15, 30)
	if err != nil {
		t.Fatalf("after reload: %v", err)
	}
	if p, err = d.a.SetPlanRatesFrom(ctx, iv1, p, 12, 30); err != nil || p.BaseRate != 12 {
		t.Fatalf("a second save from the plan the first returned: %+v, %v", p, err)
	}
}

// listed is user id as an administrator's users screen lists them.
func listed(t *testing.T, s *Store, id int64) model.User {
	t.Helper()
	us, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("user %d not listed", id)
	return model.User{}
}

// Two administrators change one user's role: the second is refused naming
// the first; choosing the role already set is a no-op; reloaded, it saves.
func TestUserRoleOverANewerRoleIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	admin1 := namedUser(t, d.a, "admin1", model.RoleAdmin)
	atA, atB := listed(t, d.a, d.lead1.ID), listed(t, d.b, d.lead1.ID)
	if err := d.b.SetUserRoleFrom(ctx, d.admin, atB, model.RoleAssessor); err != nil {
		t.Fatal(err)
	}
	entries := auditCount(t, d.a)
	refusedBy(t, d.a.SetUserRoleFrom(ctx, admin1, atA, model.RoleVerifier), "admin2")
	if err := d.a.SetUserRoleFrom(ctx, admin1, atA, model.RoleAssessor); err != nil {
		t.Fatalf("the role already set: %v; want a no-op", err)
	}
	if n := auditCount(t, d.a); n != entries {
		t.Errorf("a refused and a no-op role change wrote %d audit entries", n-entries)
	}
	if u := listed(t, d.a, d.lead1.ID); u.Role != model.RoleAssessor {
		t.Fatalf("role %s; want admin2's assessor kept", u.Role)
	}
	if err := d.a.SetUserRoleFrom(ctx, admin1, listed(t, d.a, d.lead1.ID), model.RoleVerifier); err != nil {
		t.Fatalf("after reload: %v", err)
	}
}

// A password set by another administrator since the list was read is not
// replaced: it may already be in the user's hands.
func TestUserPasswordOverANewerOneIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	admin1 := namedUser(t, d.a, "admin1", model.RoleAdmin)
	atA, atB := listed(t, d.a, d.lead1.ID), listed(t, d.b, d.lead1.ID)
	if err := d.b.SetUserPasswordFrom(ctx, d.admin, atB, "handed-over-by-admin2"); err != nil {
		t.Fatal(err)
	}
	refusedBy(t, d.a.SetUserPasswordFrom(ctx, admin1, atA, "another-one-entirely"), "admin2")
	if _, err := d.a.SignIn(ctx, "lead1", "handed-over-by-admin2"); err != nil {
		t.Fatalf("lead1 cannot sign in with admin2's password after the refused reset: %v", err)
	}
	if err := d.a.SetUserPasswordFrom(ctx, admin1, listed(t, d.a, d.lead1.ID), "another-one-entirely"); err != nil {
		t.Fatalf("after reload: %v", err)
	}
}

// Disabling and enabling: the state already asked for is a no-op; a
// re-disabling since the list was read refuses an enable; and a change to
// another field (the role) does not block it.
func TestUserActiveChecksOnlyItsOwnField(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	admin1 := namedUser(t, d.a, "admin1", model.RoleAdmin)
	atA := listed(t, d.a, d.lead1.ID)
	if err := d.b.SetUserRoleFrom(ctx, d.admin, listed(t, d.b, d.lead1.ID), model.RoleAssessor); err != nil {
		t.Fatal(err)
	}
	if err := d.a.SetUserActiveFrom(ctx, admin1, atA, false); err != nil {
		t.Fatalf("disable after another administrator changed the role: %v; want disabled", err)
	}
	// Both disable lead2: the second finds it done.
	lead2AtA := listed(t, d.a, d.lead2.ID)
	if err := d.b.SetUserActiveFrom(ctx, d.admin, listed(t, d.b, d.lead2.ID), false); err != nil {
		t.Fatal(err)
	}
	entries := auditCount(t, d.a)
	if err := d.a.SetUserActiveFrom(ctx, admin1, lead2AtA, false); err != nil || auditCount(t, d.a) != entries {
		t.Fatalf("disabling a user disabled meanwhile: %v (audit +%d); want a quiet no-op", err, auditCount(t, d.a)-entries)
	}
	// Listed disabled; admin2 enables and disables again (a second decision);
	// admin1's enable from the old list is refused, naming admin2.
	stale := listed(t, d.a, d.lead1.ID)
	if err := d.b.SetUserActiveFrom(ctx, d.admin, listed(t, d.b, d.lead1.ID), true); err != nil {
		t.Fatal(err)
	}
	if err := d.b.SetUserActiveFrom(ctx, d.admin, listed(t, d.b, d.lead1.ID), false); err != nil {
		t.Fatal(err)
	}
	err := d.a.SetUserActiveFrom(ctx, admin1, stale, true)
	refusedBy(t, err, "admin2")
	if !errors.Is(err, model.ErrChangedSince) {
		t.Fatal(err)
	}
}

// "Undo retirement" from a stale trainer page: undone already is a no-op;
// a retirement recorded again since on another date is refused naming who,
// not wiped.
func TestUndoRetirementOverANewerOneIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	id, err := d.a.CreateTrainer(ctx, d.lead1, model.TrainerInput{GivenName: "Tess", FamilyName: "Trainer",
		Email: "tess@example.org", Status: model.TrainerActive})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.a.RetireTrainer(ctx, d.lead1, id, "2014-03-31"); err != nil {
		t.Fatal(err)
	}
	detail := func(s *Store) model.TrainerDetail {
		t.Helper()
		x, err := s.TrainerDetail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	atA := detail(d.a)
	if err := d.b.UnretireTrainerFrom(ctx, d.lead2, detail(d.b)); err != nil {
		t.Fatal(err)
	}
	entries := auditCount(t, d.a)
	if err := d.a.UnretireTrainerFrom(ctx, d.lead1, atA); err != nil || auditCount(t, d.a) != entries {
		t.Fatalf("undo of a retirement undone already: %v (audit +%d); want a quiet no-op", err, auditCount(t, d.a)-entries)
	}
	if err := d.b.RetireTrainer(ctx, d.lead2, id, "2015-06-30"); err != nil {
		t.Fatal(err)
	}
	refusedBy(t, d.a.UnretireTrainerFrom(ctx, d.lead1, atA), "lead2")
	if got := detail(d.a); got.RetiredOn != "2015-06-30" {
		t.Fatalf("after the refused undo the trainer is retired on %q; want lead2's 2015-06-30", got.RetiredOn)
	}
	if err := d.a.UnretireTrainerFrom(ctx, d.lead1, detail(d.a)); err != nil {
		t.Fatalf("undo after reload: %v", err)
	}
}

// A draft claim whose lines changed after the list was read (a line removed
// at another desk) is not submitted: the submitter confirmed "2 units (9
// credits)", so locking a 1-unit claim in their name is refused naming who
// removed it; the list read again submits.
func TestSubmittingAClaimChangedSinceIsRefused(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev1, ev2 := f.evidence(t, "U1 1.1", "U1 1.2", "U1 2.1"), f.evidence(t, "U2 1.1")
	if _, err := f.decide(t, f.assessor, ev1, map[string]string{"U1 1.1": model.OutcomeAchieved,
		"U1 1.2": model.OutcomeAchieved, "U1 2.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.decide(t, f.assessor, ev2, map[string]string{"U2 1.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	c, _, err := f.s.CreateClaim(ctx, f.lead, 1, "Q")
	if err != nil || c.Lines != 2 {
		t.Fatalf("CreateClaim = %+v, %v; want 2 lines", c, err)
	}
	other, err := Open(ctx, f.s.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.now = func() time.Time { return deskBWhen }
	// The refusal reads "at 14:05" because it comes the same day, as the
	// two desks' fixed times are (not today's date, which moves on).
	f.s.now = func() time.Time { return deskAWhen }
	lead2 := namedUser(t, f.s, "lead2", model.RoleLead)
	atA, err := f.s.ClaimByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.RemoveClaimLine(ctx, lead2, c.ID, f.learner, "U2"); err != nil {
		t.Fatal(err)
	}
	refusedBy(t, f.s.SubmitClaimFrom(ctx, f.lead, atA), "lead2")
	if got, _ := f.s.ClaimByID(ctx, c.ID); got.Status != "draft" {
		t.Fatalf("after the refusal the claim is %s; want still a draft", got.Status)
	}
	again, _ := f.s.ClaimByID(ctx, c.ID)
	if err := f.s.SubmitClaimFrom(ctx, f.lead, again); err != nil {
		t.Fatalf("submit after reading the claim again: %v", err)
	}
}
