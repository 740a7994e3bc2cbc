package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTrainersOnDemo(t *testing.T) {
	s := sharedDemo(t)
	ctx := context.Background()
	l, err := s.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, s, `SELECT count(*) FROM trainers`); len(l.Trainers) != want {
		t.Fatalf("Trainers = %d; want %d", len(l.Trainers), want)
	}
	var last string
	s.db.QueryRow(`SELECT max(held_on) FROM sessions`).Scan(&last)
	if l.AsOf != last {
		t.Errorf("AsOf = %s; want the latest session %s", l.AsOf, last)
	}
	noTrainer, idle := 0, 0
	for _, tr := range l.Trainers {
		if tr.NoTrainer() {
			noTrainer++
		}
		if tr.Idle {
			idle++
			if tr.Status != model.TrainerAccredited && tr.Status != model.TrainerActive {
				t.Errorf("%s is flagged idle with status %s", tr.Name(), tr.Status)
			}
		}
		if want := count(t, s, `SELECT count(*) FROM trainers WHERE trained_by_id = $1`, tr.ID); tr.Trained != want {
			t.Errorf("%s trained %d; want %d", tr.Name(), tr.Trained, want)
		}
	}
	// Founding trainers (generation 1, before the first train-the-trainers
	// course) are not flagged; the demo plants one gap that is.
	want := count(t, s, `SELECT count(*) FROM trainers t WHERE trained_by_id IS NULL AND EXISTS (
        SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.person_id = t.person_id AND c.kind = 'ttt')`)
	if noTrainer != want || want == 0 {
		t.Errorf("no-trainer flags = %d; want %d", noTrainer, want)
	}
	wantIdle := count(t, s, `SELECT count(*) FROM trainers t WHERE t.status IN ('accredited', 'active') AND t.retired_on IS NULL
        AND NOT EXISTS (SELECT 1 FROM sessions s LEFT JOIN courses c ON c.id = s.course_id
            WHERE (s.trainer_id = t.id OR c.lead_trainer_id = t.id) AND s.held_on >= $1)
        AND NOT EXISTS (SELECT 1 FROM courses c WHERE c.lead_trainer_id = t.id AND c.starts_on >= $1)`, yearBefore(t, l.AsOf))
	if idle != wantIdle {
		t.Errorf("idle flags = %d; want %d", idle, wantIdle)
	}
}

func TestTrainerDetailOnDemo(t *testing.T) {
	s := sharedDemo(t)
	ctx := context.Background()
	var id int64
	s.db.QueryRow(`SELECT lead_trainer_id FROM courses WHERE kind = 'main' ORDER BY id LIMIT 1`).Scan(&id)
	d, err := s.TrainerDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	lead := false
	for _, c := range d.Delivered {
		lead = lead || (c.Lead && c.Kind == "main" && c.Enrolled > 0)
	}
	if !lead {
		t.Errorf("TrainerDetail(%d).Delivered = %+v; want the main course they lead", id, d.Delivered)
	}
	if len(d.Reached) == 0 {
		t.Errorf("TrainerDetail(%d) reached nobody", id)
	}
	if d.TrainedByID != 0 && d.TTTCourse == "" {
		t.Logf("trainer %d has a trainer but no train-the-trainers enrolment", id)
	}
	if _, err := s.TrainerDetail(ctx, 99999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("TrainerDetail(99999) = %v; want ErrNotFound", err)
	}
}

func TestTrainerAddEditRetire(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	founder, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "Zoë", FamilyName: "Ó Súilleabháin",
		Email: "zoe@example.org", Status: model.TrainerActive})
	if err != nil {
		t.Fatal(err)
	}
	in := model.TrainerInput{GivenName: "Łukasz", FamilyName: "Nowak", Email: "lukasz@example.org",
		TrainedByID: founder, TrainedOn: "2011-09-12", Status: model.TrainerTraining}
	id, err := s.CreateTrainer(ctx, model.LocalUser(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.Status, in.Organisation = model.TrainerAccredited, "Trafford Hall"
	if err := s.UpdateTrainer(ctx, model.LocalUser(), id, in); err != nil {
		t.Fatal(err)
	}
	if err := s.RetireTrainer(ctx, model.LocalUser(), id, "2013-01-31"); err != nil {
		t.Fatal(err)
	}
	d, err := s.TrainerDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != model.TrainerAccredited || d.Organisation != "Trafford Hall" || d.RetiredOn != "2013-01-31" ||
		d.TrainedByName != "Zoë Ó Súilleabháin" || d.Generation != 2 {
		t.Errorf("read back %+v", d.Trainer)
	}
	if err := s.RetireTrainer(ctx, model.LocalUser(), id, "2013-02-01"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("retire twice = %v; want ErrInvalid", err)
	}
	if err := s.UnretireTrainer(ctx, model.LocalUser(), id); err != nil {
		t.Fatal(err)
	}
	entries, err := s.AuditLog(ctx, model.AuditFilter{Entity: "trainer"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.EntityID)
	}
	want := []string{"unretire", "retire", "update", "create", "create"}
	if len(actions) != len(want) {
		t.Fatalf("audit = %v; want %v", actions, want)
	}
	for i := range want {
		if !strings.HasPrefix(actions[i], want[i]) {
			t.Errorf("audit = %v; want %v", actions, want)
		}
	}
	if !strings.Contains(entries[1].After, "2013-01-31") || strings.Contains(entries[1].Before, "2013-01-31") {
		t.Errorf("retire audit before %s after %s", entries[1].Before, entries[1].After)
	}
}

func TestTrainerRefusals(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	a, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "A", FamilyName: "One", Email: "a@example.org", Status: model.TrainerActive})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "B", FamilyName: "Two", Email: "b@example.org", TrainedByID: a, Status: model.TrainerActive})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		do    func() error
		field string
	}{
		{"empty name", func() error {
			_, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{FamilyName: "X", Email: "x@example.org", Status: model.TrainerActive})
			return err
		}, "given name"},
		{"bad email", func() error {
			_, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "X", FamilyName: "X", Email: "not an email", Status: model.TrainerActive})
			return err
		}, "email"},
		{"taken email", func() error {
			_, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "X", FamilyName: "X", Email: "A@example.org", Status: model.TrainerActive})
			return err
		}, "email"},
		{"bad date", func() error {
			_, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "X", FamilyName: "X", Email: "x@example.org", TrainedOn: "31/01/2012", Status: model.TrainerActive})
			return err
		}, "trained on"},
		{"bad status", func() error {
			_, err := s.CreateTrainer(ctx, model.LocalUser(), model.TrainerInput{GivenName: "X", FamilyName: "X", Email: "x@example.org", Status: "retired"})
			return err
		}, "status"},
		{"trained by own trainee", func() error {
			return s.UpdateTrainer(ctx, model.LocalUser(), a, model.TrainerInput{GivenName: "A", FamilyName: "One", Email: "a@example.org", TrainedByID: b, Status: model.TrainerActive})
		}, "trained by"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("error = %v; want a field error on %q", err, c.field)
			}
		})
	}
	if n := count(t, s, `SELECT count(*) FROM trainers`); n != 2 {
		t.Errorf("trainers after refusals = %d; want 2", n)
	}
}

func BenchmarkTrainers(b *testing.B) {
	s := sharedDemo(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Trainers(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainerDetail(b *testing.B) {
	s := sharedDemo(b)
	ctx := context.Background()
	var id int64
	s.db.QueryRow(`SELECT lead_trainer_id FROM courses WHERE kind = 'main' ORDER BY id LIMIT 1`).Scan(&id)
	for b.Loop() {
		if _, err := s.TrainerDetail(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// yearBefore is the ISO date 365 days before the ISO date d.
func yearBefore(t *testing.T, d string) string {
	t.Helper()
	on, err := time.Parse("2006-01-02", d)
	if err != nil {
		t.Fatalf("as-of date %q: %v", d, err)
	}
	return on.AddDate(0, 0, -365).Format("2006-01-02")
}
