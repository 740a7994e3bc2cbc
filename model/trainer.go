package model

import (
	"cmp"
	"strings"

	"fmt"
	"time"
)

// Trainer statuses, as the trainers table holds them.
const (
	TrainerTraining   = "training"
	TrainerAccredited = "accredited"
	TrainerActive     = "active"
	TrainerLapsed     = "lapsed"
)

// TrainerStatuses lists the statuses in the order a person moves through them.
var TrainerStatuses = []string{TrainerTraining, TrainerAccredited, TrainerActive, TrainerLapsed}

// TrainerStatusLabel is how a status reads on screen and in reports.
func TrainerStatusLabel(status string) string {
	switch status {
	case TrainerTraining:
		return "In training"
	case TrainerAccredited:
		return "Accredited"
	case TrainerActive:
		return "Active"
	case TrainerLapsed:
		return "Lapsed"
	}
	return status
}

// IdleAfterDays is how long an accredited trainer may go without delivering
// before they are flagged.
const IdleAfterDays = 365

// Trainer is one member of the trainer network with what they have done.
type Trainer struct {
	ID            int64
	PersonID      int64
	GivenName     string
	FamilyName    string
	Email         string
	Phone         string
	Organisation  string
	TrainedByID   int64 // 0: no trainer recorded (flagged unless Founding)
	Founding      bool  // a founding trainer: see IsFoundingTrainer
	TrainedByName string
	TrainedOn     string
	Status        string
	RetiredOn     string
	Generation    int // FoundingGeneration (1) for trainers with no trainer recorded; 0 when the chain is broken by a cycle
	Courses       int // courses delivered as lead or session trainer
	LastDelivered string
	Trained       int // trainers they trained
	Idle          bool
	Seen          Seen `json:"-"` // what TrainerDetail read, for an edit's check (TrainerInput.Seen)
}

// Name is the trainer's full name.
func (t Trainer) Name() string { return strings.TrimSpace(t.GivenName + " " + t.FamilyName) }

// NoTrainer reports the "trainer without a trainer" flag: no trainer
// recorded, founding trainers excepted.
func (t Trainer) NoTrainer() bool { return t.TrainedByID == 0 && !t.Founding }

// isIdle decides the "accredited but delivered nothing in a year" flag,
// measured back from asOf (an ISO date).
func IsIdle(t Trainer, asOf string) bool {
	if t.RetiredOn != "" || (t.Status != TrainerAccredited && t.Status != TrainerActive) {
		return false
	}
	if t.LastDelivered == "" {
		return true
	}
	ref, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		return false
	}
	return t.LastDelivered < ref.AddDate(0, 0, -IdleAfterDays).Format(time.DateOnly)
}

// TrainerList is the trainer network with the date the idle flag is measured from.
type TrainerList struct {
	Trainers []Trainer
	// AsOf is the latest session date in the database (today when there are
	// none): the demo's programme lies in the past, so "a year" counts back
	// from the last training held rather than from the calendar.
	AsOf string
}

// DeliveredCourse is a course a trainer led or ran sessions of.
type DeliveredCourse struct {
	ID       int64
	Kind     string
	Title    string
	Cohort   int // 0 when the course has no cohort
	StartsOn string
	Lead     bool // lead trainer, not only a session trainer
	Sessions int  // sessions this trainer ran
	Enrolled int
	Attended int // distinct people present at least once
}

// CourseKindLabel names a course kind for people.
func CourseKindLabel(kind string) string {
	switch kind {
	case "ttt":
		return "Train the trainers"
	case "main":
		return "Main course"
	case "induction":
		return "Host induction"
	}
	return kind
}

// ReachedPerson is someone on a course a trainer delivered.
type ReachedPerson struct {
	PersonID int64
	Name     string
	Role     string // senior, volunteer, trainer or ""
	Host     string
	Cohort   int
	Attended bool
}

// TrainerDetail is a trainer's page: who trained them and on what course,
// what they delivered, whom they trained and whom their courses reached.
type TrainerDetail struct {
	Trainer
	TTTCourse   string // the train-the-trainers course they were on, "" when none recorded
	TTTCourseOn string
	Delivered   []DeliveredCourse
	TrainedList []Trainer
	Reached     []ReachedPerson
}

// TrainerInput is what a person types to add or edit a trainer.
type TrainerInput struct {
	GivenName    string
	FamilyName   string
	Email        string
	Phone        string
	Organisation string
	TrainedByID  int64
	TrainedOn    string
	Status       string
	Seen         Seen `json:"-"` // what a form read (Trainer.Seen), for the save's check
}

// Validate checks every field, naming the first that is wrong.
func (in TrainerInput) Validate() error {
	checks := []struct {
		field string
		err   error
	}{
		{"given name", ValidateName(in.GivenName)},
		{"family name", ValidateName(in.FamilyName)},
		{"email", ValidateEmail(in.Email)},
		{"trained on", ValidateDate(in.TrainedOn)},
	}
	for _, c := range checks {
		if c.err != nil {
			return &FieldError{c.field, c.err.Error()}
		}
	}
	if err := cmp.Or(TextCode.Check("phone", in.Phone), TextLine.Check("organisation", in.Organisation)); err != nil {
		return err
	}
	valid := false
	for _, s := range TrainerStatuses {
		valid = valid || s == in.Status
	}
	if !valid {
		return &FieldError{"status", fmt.Sprintf("%q is not a trainer status", in.Status)}
	}
	return nil
}

func (in TrainerInput) Trimmed() TrainerInput {
	in.GivenName = strings.TrimSpace(in.GivenName)
	in.FamilyName = strings.TrimSpace(in.FamilyName)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Organisation = strings.TrimSpace(in.Organisation)
	return in
}
