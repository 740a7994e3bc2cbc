package model

import "strings"

// Course kinds: train-the-trainers, the main year-long course, host induction.
const (
	CourseTTT       = "ttt"
	CourseMain      = "main"
	CourseInduction = "induction"
)

// CourseKindName is how screens name a course kind.
func CourseKindName(kind string) string {
	switch kind {
	case CourseTTT:
		return "Train the trainers"
	case CourseMain:
		return "Main course"
	case CourseInduction:
		return "Host induction"
	}
	return kind
}

// Module is one organiser module of the course, with how many organisers
// have completed it.
type Module struct {
	ID          int64
	Code        string
	Title       string
	Position    int
	Description string
	Completed   int
}

// Course is one course with its cohort, lead trainer and counts.
type Course struct {
	ID            int64
	Kind          string
	Title         string
	CohortID      int64
	CohortNumber  int
	LeadTrainerID int64
	LeadTrainer   string
	Venue         string
	StartsOn      string
	EndsOn        string
	Enrolled      int
	Sessions      int
}

// Session is one session of a course and how its register stands.
type Session struct {
	ID        int64
	CourseID  int64
	ModuleID  int64
	Module    string
	TrainerID int64
	Trainer   string
	HeldOn    string
	Venue     string
	Title     string
	Present   int
	Absent    int
}

// Recorded reports whether a register has been taken for the session.
func (s Session) Recorded() bool { return s.Present+s.Absent > 0 }

// RegisterLine is one person on a session's register.
type RegisterLine struct {
	PersonID   int64
	Name       string
	Present    bool
	Recorded   bool   // a mark is saved for this person
	RecordedBy string // who saved it
}

// Register is a session's register: everyone enrolled on its course, plus
// anyone already marked.
type Register struct {
	Session Session
	Course  string
	Lines   []RegisterLine
}

// ModuleCompletionRow is one organiser's progress through the modules: the
// completion date per module in Modules order, "" where not yet done.
type ModuleCompletionRow struct {
	OrganiserID  int64
	Name         string
	CohortNumber int
	Status       string
	CompletedOn  []string
	Done         int
}

// ModuleCompletions is the module completion grid: modules across, organisers down.
type ModuleCompletions struct {
	Modules []Module
	Rows    []ModuleCompletionRow
}

// MissedRow is a person who was marked absent from one or more held sessions.
type MissedRow struct {
	PersonID     int64
	Name         string
	CohortNumber int // 0 when not an organiser or no cohort
	Missed       int
	Marked       int // sessions with a mark for this person
	LastMissed   string
	LastSession  string
}

// Validate checks a session before it is scheduled.
func (x *Session) Validate() error {
	x.Title = strings.TrimSpace(x.Title)
	x.Venue = strings.TrimSpace(x.Venue)
	x.HeldOn = strings.TrimSpace(x.HeldOn)
	if x.CourseID == 0 {
		return FieldErr("course", "is required")
	}
	if x.HeldOn == "" {
		return FieldErr("date", "is required")
	}
	if err := ValidateDate(x.HeldOn); err != nil {
		return &FieldError{"date", err.Error()}
	}
	if x.Title == "" && x.ModuleID == 0 {
		return FieldErr("title", "is required when the session covers no module")
	}
	return nil
}

// SessionOptions are the choices the session form offers.
type SessionOptions struct {
	Modules  []Choice
	Trainers []Choice // accredited or active trainers
}

// TrainingOverview is what the training screen loads at once.
type TrainingOverview struct {
	Modules []Module
	Courses []Course
}
