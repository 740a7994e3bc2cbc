package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// twoDesks is one programme file open twice, as two desks have it, with
// lead1 signed in at the first and lead2 at the second, each store's clock
// fixed so the refusal's time can be read: lead2 changes things at 14:05
// on 3 Dec 2026 and lead1 saves at 15:00 the same day.
type twoDesks struct {
	a, b         *Store
	lead1, lead2 model.User
	admin        model.User
	hostID       int64
	cohortID     int64
	senior, vol  int64 // two organisers
}

var (
	deskBWhen = time.Date(2026, 12, 3, 14, 5, 0, 0, time.Local)
	deskAWhen = time.Date(2026, 12, 3, 15, 0, 0, 0, time.Local)
)

func newTwoDesks(t *testing.T) *twoDesks {
	t.Helper()
	ctx := context.Background()
	d := &twoDesks{a: newTestStore(t)}
	d.lead1 = namedUser(t, d.a, "lead1", model.RoleLead)
	d.lead2 = namedUser(t, d.a, "lead2", model.RoleLead)
	d.admin = namedUser(t, d.a, "admin2", model.RoleAdmin)
	var err error
	if d.cohortID, err = d.a.SaveCohort(ctx, d.lead1, model.Cohort{Number: 1}); err != nil {
		t.Fatal(err)
	}
	if d.hostID, err = d.a.SaveHost(ctx, d.lead1, model.Host{Name: "Oldham Unity", Region: "North West",
		Setting: model.SettingUrban, CohortID: d.cohortID}); err != nil {
		t.Fatal(err)
	}
	if d.senior, err = d.a.CreateOrganiser(ctx, d.lead1, model.Organiser{GivenName: "Ada", FamilyName: "Senior",
		Email: "ada@example.org", Role: model.RoleSenior, HostID: d.hostID, CohortID: d.cohortID, StartsOn: "2012-11-05"}); err != nil {
		t.Fatal(err)
	}
	if d.vol, err = d.a.CreateOrganiser(ctx, d.lead1, model.Organiser{GivenName: "Vic", FamilyName: "Volunteer",
		Email: "vic@example.org", Role: model.RoleVolunteer, HostID: d.hostID, CohortID: d.cohortID,
		SupportedByID: d.senior, StartsOn: "2013-02-01"}); err != nil {
		t.Fatal(err)
	}
	if d.b, err = Open(ctx, d.a.Path()); err != nil {
		t.Fatalf("open the second desk: %v", err)
	}
	t.Cleanup(func() { d.b.Close() })
	d.a.now = func() time.Time { return deskAWhen }
	d.b.now = func() time.Time { return deskBWhen }
	return d
}

// refusedBy checks err is the refusal naming who, at 14:05.
func refusedBy(t *testing.T, err error, who string) {
	t.Helper()
	var ce *model.ChangedError
	if !errors.Is(err, model.ErrChangedSince) || !errors.As(err, &ce) {
		t.Fatalf("save over a newer change = %v; want it refused as changed since", err)
	}
	want := "changed by " + who + " at 14:05 — reload"
	if ce.By != who || ce.Error() != want || !strings.Contains(err.Error(), want) {
		t.Fatalf("refusal says %q (by %q); want %q", err, ce.By, want)
	}
}

func auditCount(t *testing.T, s *Store) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM audit_log`)
}

// The case: two desks load one organiser, the second saves, and the
// first's save is refused naming the second, leaving the second's change;
// after a reload the first saves.
func TestSaveOverANewerOrganiserChangeIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	atA, err := d.a.Organiser(ctx, d.vol)
	if err != nil {
		t.Fatal(err)
	}
	atB, err := d.b.Organiser(ctx, d.vol)
	if err != nil {
		t.Fatal(err)
	}
	atB.Email = "vic.new@example.org"
	if err := d.b.UpdateOrganiser(ctx, d.lead2, atB); err != nil {
		t.Fatalf("desk B saves: %v", err)
	}
	entries := auditCount(t, d.a)
	atA.FamilyName = "Volunteer-Smith"
	refusedBy(t, d.a.UpdateOrganiser(ctx, d.lead1, atA), "lead2")
	if n := auditCount(t, d.a); n != entries {
		t.Errorf("a refused save wrote %d audit entries", n-entries)
	}
	now, _ := d.a.Organiser(ctx, d.vol)
	if now.Email != "vic.new@example.org" || now.FamilyName != "Volunteer" {
		t.Fatalf("after the refusal the organiser is %s <%s>; want desk B's change kept and A's not written", now.Name(), now.Email)
	}
	// Reload, make the change again: saved, over B's change, keeping it.
	now.FamilyName = "Volunteer-Smith"
	if err := d.a.UpdateOrganiser(ctx, d.lead1, now); err != nil {
		t.Fatalf("save after reload: %v", err)
	}
	got, _ := d.b.Organiser(ctx, d.vol)
	if got.FamilyName != "Volunteer-Smith" || got.Email != "vic.new@example.org" {
		t.Fatalf("after reload and save: %s <%s>", got.Name(), got.Email)
	}
}

// A save the user changed nothing in is neither refused nor audited, even
// when someone else changed the record meanwhile: it must not put the old
// values back either (a no-op Save once cut volunteers out of the cascade).
func TestUnchangedSaveOverANewerChangeIsANoOp(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	atA, _ := d.a.Organiser(ctx, d.vol)
	// Unchanged, nothing changed since: no entry.
	entries := auditCount(t, d.a)
	if err := d.a.UpdateOrganiser(ctx, d.lead1, atA); err != nil {
		t.Fatalf("unchanged save: %v", err)
	}
	atB, _ := d.b.Organiser(ctx, d.vol)
	atB.SupportedByID = 0 // B cuts the volunteer loose
	if err := d.b.UpdateOrganiser(ctx, d.lead2, atB); err != nil {
		t.Fatal(err)
	}
	entries++
	if err := d.a.UpdateOrganiser(ctx, d.lead1, atA); err != nil {
		t.Fatalf("unchanged save after B's change: %v; want a quiet no-op", err)
	}
	if n := auditCount(t, d.a); n != entries {
		t.Errorf("unchanged saves wrote %d audit entries beyond B's", n-entries)
	}
	if got, _ := d.a.Organiser(ctx, d.vol); got.SupportedByID != 0 {
		t.Errorf("an unchanged save put the old supporter back over B's change")
	}
}

// The same user in two windows: the second window's save wins, the first's
// is refused naming that user.
func TestSameUserInAnotherWindowIsRefusedToo(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	win1, _ := d.b.Organiser(ctx, d.senior)
	win2, _ := d.b.Organiser(ctx, d.senior)
	win2.EndsOn = "2014-01-31"
	if err := d.b.UpdateOrganiser(ctx, d.lead2, win2); err != nil {
		t.Fatal(err)
	}
	win1.GivenName = "Adah"
	d.b.now = func() time.Time { return deskAWhen }
	refusedBy(t, d.b.UpdateOrganiser(ctx, d.lead2, win1), "lead2")
}

// A change to another record, or to a row beside this one (its host, a
// volunteer it supports, a course it is enrolled on), does not block.
func TestChangesElsewhereDoNotBlockASave(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	atA, _ := d.a.Organiser(ctx, d.senior)

	other, _ := d.b.Organiser(ctx, d.vol)
	other.StartsOn = "2013-03-01"
	if err := d.b.UpdateOrganiser(ctx, d.lead2, other); err != nil {
		t.Fatal(err)
	}
	host, err := d.b.Host(ctx, d.hostID)
	if err != nil {
		t.Fatal(err)
	}
	host.Name = "Oldham Unity Trust"
	if _, err := d.b.SaveHost(ctx, d.lead2, host); err != nil {
		t.Fatal(err)
	}
	course, err := d.b.CreateCourse(ctx, d.lead2, model.NewCourse{Kind: model.CourseMain, Title: "Main course 1",
		StartsOn: "2013-01-10", CohortID: d.cohortID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.b.Enrol(ctx, d.lead2, course, []int64{atA.PersonID}); err != nil {
		t.Fatal(err)
	}
	atA.EndsOn = "2015-06-30"
	if err := d.a.UpdateOrganiser(ctx, d.lead1, atA); err != nil {
		t.Fatalf("save after changes to other rows: %v; want saved", err)
	}
}

// A withdrawn organiser erased meanwhile: the form's save is refused naming
// the administrator who erased them, rather than writing the name back.
func TestSaveOverAnErasureIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	if _, err := d.a.WithdrawOrganiser(ctx, d.lead1, d.vol, "2014-01-01", "moved away"); err != nil {
		t.Fatal(err)
	}
	atA, _ := d.a.Organiser(ctx, d.vol)
	if _, err := d.b.ErasePerson(ctx, d.admin, "vic@example.org", "asked to be forgotten"); err != nil {
		t.Fatalf("erase: %v", err)
	}
	atA.WithdrawnReason = "moved to Leeds"
	refusedBy(t, d.a.UpdateOrganiser(ctx, d.lead1, atA), "admin2")
	if got, _ := d.a.Organiser(ctx, d.vol); got.GivenName == "Vic" || got.Email == "vic@example.org" {
		t.Fatalf("a save over an erasure wrote the name back: %s <%s>", got.Name(), got.Email)
	}
}

// A withdrawal from the other desk is a change like any other; the
// refusal says the day when it was not today.
func TestSaveOverAWithdrawalNamesTheDay(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	atA, _ := d.a.Organiser(ctx, d.vol)
	if _, err := d.b.WithdrawOrganiser(ctx, d.lead2, d.vol, "2014-01-01", "new job"); err != nil {
		t.Fatal(err)
	}
	d.a.now = func() time.Time { return deskAWhen.AddDate(0, 0, 1) }
	atA.EndsOn = "2014-06-30"
	err := d.a.UpdateOrganiser(ctx, d.lead1, atA)
	if want := "changed by lead2 at 14:05 on 3 Dec — reload"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("save over a withdrawal made yesterday = %v; want %q", err, want)
	}
	if got, _ := d.a.Organiser(ctx, d.vol); got.Status != model.StatusWithdrawn {
		t.Fatalf("the withdrawal was overwritten: status %s", got.Status)
	}
}

// Each of the other edit forms' records: cohorts, hosts, trainers, equality
// answers and settings refuse a save over a newer change, naming who, and
// take it once reloaded.
func TestEveryEditFormRefusesAStaleSave(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	trainer, err := d.a.CreateTrainer(ctx, d.lead1, model.TrainerInput{GivenName: "Tess", FamilyName: "Trainer",
		Email: "tess@example.org", Status: model.TrainerActive})
	if err != nil {
		t.Fatal(err)
	}
	pid := func() int64 { o, _ := d.a.Organiser(ctx, d.senior); return o.PersonID }()
	cases := []struct {
		name string
		by   model.User // who saves at desk B, and whom the refusal names
		// load reads the record at a desk; change saves it with one field changed.
		load   func(s *Store) (any, error)
		change func(s *Store, by model.User, rec any, n int) error
	}{
		{"cohort", d.lead2,
			func(s *Store) (any, error) {
				cs, err := s.Cohorts(ctx)
				return cs[0].Cohort, err
			},
			func(s *Store, by model.User, rec any, n int) error {
				c := rec.(model.Cohort)
				c.HostInductionOn = time.Date(2012, 10, n, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
				_, err := s.SaveCohort(ctx, by, c)
				return err
			}},
		{"host", d.lead2,
			func(s *Store) (any, error) { return s.Host(ctx, d.hostID) },
			func(s *Store, by model.User, rec any, n int) error {
				h := rec.(model.Host)
				h.Partner = strings.Repeat("P", n)
				_, err := s.SaveHost(ctx, by, h)
				return err
			}},
		{"host from the list", d.lead2,
			func(s *Store) (any, error) {
				hs, err := s.Hosts(ctx)
				return hs[0].Host, err
			},
			func(s *Store, by model.User, rec any, n int) error {
				h := rec.(model.Host)
				h.Region = strings.Repeat("R", n)
				_, err := s.SaveHost(ctx, by, h)
				return err
			}},
		{"trainer", d.lead2,
			func(s *Store) (any, error) { return s.TrainerDetail(ctx, trainer) },
			func(s *Store, by model.User, rec any, n int) error {
				t := rec.(model.TrainerDetail)
				in := model.TrainerInput{GivenName: t.GivenName, FamilyName: t.FamilyName, Email: t.Email,
					Phone: strings.Repeat("1", n+6), Organisation: t.Organisation, TrainedByID: t.TrainedByID,
					TrainedOn: t.TrainedOn, Status: t.Status, Seen: t.Seen}
				return s.UpdateTrainer(ctx, by, trainer, in)
			}},
		{"equality answers", d.admin,
			func(s *Store) (any, error) {
				e, err := s.Equality(ctx, d.admin, pid)
				if errors.Is(err, model.ErrNotFound) {
					err = nil // none yet: the form starts empty, with its Seen
				}
				return e, err
			},
			func(s *Store, by model.User, rec any, n int) error {
				e := rec.(model.Equality)
				e.AgeBand = model.EqualityQuestions[1].Answers[n%len(model.EqualityQuestions[1].Answers)]
				return s.SetEquality(ctx, by, pid, e)
			}},
		{"settings", d.admin,
			func(s *Store) (any, error) {
				all, err := s.AllSettings(ctx)
				m := map[string]string{}
				for _, st := range all {
					m[st.Key] = st.Value
				}
				return m, err
			},
			func(s *Store, by model.User, rec any, n int) error {
				was := rec.(map[string]string)
				return s.SaveSettingsFrom(ctx, by, was, map[string]string{"centre.name": strings.Repeat("C", n)})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			atA, err := c.load(d.a)
			if err != nil {
				t.Fatal(err)
			}
			atB, err := c.load(d.b)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.change(d.b, c.by, atB, 2); err != nil {
				t.Fatalf("desk B saves: %v", err)
			}
			entries := auditCount(t, d.a)
			refusedBy(t, c.change(d.a, c.by, atA, 3), c.by.Username)
			if n := auditCount(t, d.a); n != entries {
				t.Errorf("the refused save wrote %d audit entries", n-entries)
			}
			again, err := c.load(d.a)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.change(d.a, c.by, again, 3); err != nil {
				t.Fatalf("save after reload: %v", err)
			}
		})
	}
}

// A caller that read nothing (a command, an import, a test) carries the
// zero Seen and is not checked; a Seen from another record is refused
// rather than trusted.
func TestSeenIsTheRecordsOwn(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	o, _ := d.a.Organiser(ctx, d.vol)
	o.Seen = model.Seen{}
	o.GivenName = "Victor"
	if err := d.a.UpdateOrganiser(ctx, d.lead1, o); err != nil {
		t.Fatalf("unchecked save: %v", err)
	}
	senior, _ := d.a.Organiser(ctx, d.senior)
	o, _ = d.a.Organiser(ctx, d.vol)
	o.Seen = senior.Seen // another record's Seen never matches this one
	o.GivenName = "Vicky"
	if err := d.a.UpdateOrganiser(ctx, d.lead1, o); !errors.Is(err, model.ErrChangedSince) {
		t.Fatalf("save with another record's Seen = %v; want refused", err)
	}
}

// withoutSeen is a record without what its read saw, to compare what it holds.
func withoutSeen[T model.Organiser | model.Host | model.Cohort](v T) T {
	switch r := any(&v).(type) {
	case *model.Organiser:
		r.Seen = model.Seen{}
	case *model.Host:
		r.Seen = model.Seen{}
	case *model.Cohort:
		r.Seen = model.Seen{}
	}
	return v
}

// Undoing a withdrawal puts the organiser back as they were only if nobody
// changed them after it: a change in between refuses the undo, naming who.
func TestUndoWithdrawalOverALaterChangeIsRefused(t *testing.T) {
	d := newTwoDesks(t)
	ctx := context.Background()
	was, err := d.a.WithdrawOrganiser(ctx, d.lead1, d.vol, "2014-01-01", "moved away")
	if err != nil {
		t.Fatal(err)
	}
	later, _ := d.b.Organiser(ctx, d.vol)
	later.WithdrawnReason = "moved to Leeds"
	if err := d.b.UpdateOrganiser(ctx, d.lead2, later); err != nil {
		t.Fatal(err)
	}
	refusedBy(t, d.a.UpdateOrganiser(ctx, d.lead1, was), "lead2")
	// Straight after a withdrawal, with nothing in between, the undo works.
	was, err = d.a.WithdrawOrganiser(ctx, d.lead1, d.senior, "2014-01-01", "new job")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.a.UpdateOrganiser(ctx, d.lead1, was); err != nil {
		t.Fatalf("undo straight after: %v", err)
	}
	if got, _ := d.a.Organiser(ctx, d.senior); got.Status != model.StatusActive {
		t.Fatalf("after undo the senior is %s", got.Status)
	}
}
