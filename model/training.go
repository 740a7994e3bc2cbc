package model

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"time"
)

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
	Rule        string // how the module is completed: RuleEverySession, RuleAnySession or RuleByLead
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

// Ticks is the register's ticks as read, by person: what a register form
// passes back with its save (SaveRegisterFrom) so that a learner's mark
// someone else saved since is kept rather than put back.
func (r Register) Ticks() map[int64]bool {
	out := make(map[int64]bool, len(r.Lines))
	for _, l := range r.Lines {
		out[l.PersonID] = l.Present
	}
	return out
}

// KeptMark is a learner's mark that someone else saved after a register
// form read it, left as they set it by the form's save because the form's
// user left that learner's tick as it was read.
type KeptMark struct {
	PersonID int64
	Name     string
	Present  bool
	By       string    // who saved it
	At       time.Time // when; zero when unknown
	Now      time.Time // when the form saved, so the time reads "today" rightly
}

// String reads like "lead2 marked Ann Smith absent at 14:05".
func (k KeptMark) String() string { return SayKept([]KeptMark{k}) }

// SayKept says what marks were kept, one clause per who, mark and time, in
// the order first met: "lead2 marked Ann Smith and Bo Li present at 14:05;
// lead3 marked Cy Dee absent at 14:20". Past four names a clause counts the
// rest ("and 3 others").
func SayKept(kept []KeptMark) string {
	type clause struct {
		head  string
		names []string
	}
	var order []*clause
	byKey := map[string]*clause{}
	for _, k := range kept {
		mark := "absent"
		if k.Present {
			mark = "present"
		}
		tail := " " + mark
		if !k.At.IsZero() {
			tail += " at " + changedWhen(k.At, k.Now, time.Local)
		}
		by := k.By
		if by == "" {
			by = "someone" // a mark with no name, from before marks named who made them
		}
		head := by + " marked %s" + tail
		c := byKey[head]
		if c == nil {
			c = &clause{head: head}
			byKey[head] = c
			order = append(order, c)
		}
		c.names = append(c.names, k.Name)
	}
	var out []string
	for _, c := range order {
		names := c.names
		if len(names) > 4 {
			names = append(names[:3:3], fmt.Sprintf("%d others", len(c.names)-3))
		}
		who := names[0]
		if n := len(names); n > 1 {
			who = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
		}
		out = append(out, fmt.Sprintf(c.head, who))
	}
	return strings.Join(out, "; ")
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
	if err := cmp.Or(TextTitle.Check("title", x.Title), TextLine.Check("venue", x.Venue)); err != nil {
		return err
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

// Module completion rules: what attendance completes a module. A lead may
// always mark a module complete by hand, with a reason, whatever the rule.
const (
	// RuleEverySession completes a module for a learner present at every
	// session of it on one course; the default. A catch-up outside the
	// course's sessions is a lead's mark with a reason.
	RuleEverySession = "every_session"
	// RuleAnySession completes a module for a learner present at any one
	// session of it: for modules delivered more than once on a course.
	RuleAnySession = "any_session"
	// RuleByLead completes a module only when a lead marks it.
	RuleByLead = "by_lead"
)

// How a module completion was recorded.
const (
	CompletedByAttendance = "attendance" // derived from registers; a register can take it back
	CompletedByLead       = "lead"       // marked by a lead with a reason; registers leave it alone
)

// ModuleRuleName is how screens name a completion rule.
func ModuleRuleName(rule string) string {
	switch rule {
	case RuleEverySession, "":
		return "Present at every session"
	case RuleAnySession:
		return "Present at any session"
	case RuleByLead:
		return "Marked complete by a lead"
	}
	return rule
}

// SessionMark is one learner's mark at one session of a module: Recorded is
// false while no register names them for it.
type SessionMark struct {
	HeldOn   string
	Recorded bool
	Present  bool
}

// ModuleRuleMet applies a completion rule to a learner's marks at the
// sessions of one module on one course. It reports whether the rule is met
// and the date the module was completed: the last session for every
// session, the first attended for any session. A module with no sessions
// on the course is never completed by attendance.
func ModuleRuleMet(rule string, marks []SessionMark) (bool, string) {
	if len(marks) == 0 {
		return false, ""
	}
	switch rule {
	case RuleEverySession, "":
		on := ""
		for _, m := range marks {
			if !m.Recorded || !m.Present {
				return false, ""
			}
			on = max(on, m.HeldOn)
		}
		return true, on
	case RuleAnySession:
		on := ""
		for _, m := range marks {
			if m.Recorded && m.Present && (on == "" || m.HeldOn < on) {
				on = m.HeldOn
			}
		}
		return on != "", on
	}
	return false, "" // RuleByLead, or a rule this version does not know: only a lead completes it
}

// ValidModuleRule reports whether rule is one the model knows.
func ValidModuleRule(rule string) bool {
	return rule == RuleEverySession || rule == RuleAnySession || rule == RuleByLead
}

// ModuleCompletion is one organiser's completion of one module and how it
// came about.
type ModuleCompletion struct {
	OrganiserID int64
	ModuleID    int64
	CompletedOn string
	How         string // CompletedByAttendance or CompletedByLead
	Reason      string // why a lead marked it; "" when derived from attendance
	RecordedBy  string
}

// ManualCompletion is a lead marking a module complete for an organiser.
type ManualCompletion struct {
	OrganiserID int64
	ModuleID    int64
	CompletedOn string // stored ISO date
	Reason      string
}

// maxReasonLetters bounds a reason so the audit log stays readable.
const maxReasonLetters = 500

// Validate checks a manual completion before it is recorded.
func (m *ManualCompletion) Validate() error {
	m.Reason = strings.TrimSpace(m.Reason)
	m.CompletedOn = strings.TrimSpace(m.CompletedOn)
	switch {
	case m.OrganiserID <= 0:
		return FieldErr("organiser", "is required")
	case m.ModuleID <= 0:
		return FieldErr("module", "is required")
	case m.CompletedOn == "":
		return FieldErr("completed on", "is required")
	case m.Reason == "":
		return FieldErr("reason", "is required: say why the module is complete without the register showing it")
	case len([]rune(m.Reason)) > maxReasonLetters:
		return FieldErr("reason", "is longer than %d letters", maxReasonLetters)
	}
	if err := ValidateDate(m.CompletedOn); err != nil {
		return &FieldError{"completed on", err.Error()}
	}
	return nil
}

// NewCourse is a course as a lead schedules it: its kind, the module it
// teaches (if one), its lead trainer, dates, venue and the dates of its
// sessions, each of which covers the course's module.
type NewCourse struct {
	Kind         string
	Title        string // the module's title when empty and a module is chosen
	CohortID     int64
	ModuleID     int64
	TrainerID    int64
	StartsOn     string
	EndsOn       string // the start date when empty
	Venue        string
	SessionDates []string // stored ISO dates
}

// maxCourseSessions bounds the sessions made at once; a year-long course
// has a few dozen.
const maxCourseSessions = 200

// Validate checks and tidies a new course before it is scheduled.
func (c *NewCourse) Validate() error {
	c.Title = strings.TrimSpace(c.Title)
	c.Venue = strings.TrimSpace(c.Venue)
	c.StartsOn = strings.TrimSpace(c.StartsOn)
	c.EndsOn = strings.TrimSpace(c.EndsOn)
	switch c.Kind {
	case CourseTTT, CourseMain, CourseInduction:
	case "":
		return FieldErr("kind", "is required")
	default:
		return FieldErr("kind", "%q is not a kind of course", c.Kind)
	}
	if c.Title == "" && c.ModuleID == 0 {
		return FieldErr("title", "is required when the course teaches no one module")
	}
	if len([]rune(c.Title)) > 200 {
		return FieldErr("title", "is longer than 200 letters")
	}
	if len([]rune(c.Venue)) > 200 {
		return FieldErr("venue", "is longer than 200 letters")
	}
	if c.StartsOn == "" {
		return FieldErr("starts", "is required")
	}
	if err := ValidateDate(c.StartsOn); err != nil {
		return &FieldError{"starts", err.Error()}
	}
	if c.EndsOn == "" {
		c.EndsOn = c.StartsOn
	}
	if err := ValidateDate(c.EndsOn); err != nil {
		return &FieldError{"ends", err.Error()}
	}
	if c.EndsOn < c.StartsOn {
		return FieldErr("ends", "%s is before the start, %s", DisplayDate(c.EndsOn), DisplayDate(c.StartsOn))
	}
	if len(c.SessionDates) > maxCourseSessions {
		return FieldErr("sessions", "%d dates; at most %d at once", len(c.SessionDates), maxCourseSessions)
	}
	seen := map[string]bool{}
	for i, d := range c.SessionDates {
		d = strings.TrimSpace(d)
		c.SessionDates[i] = d
		field := fmt.Sprintf("session %d", i+1)
		if err := ValidateDate(d); err != nil || d == "" {
			return FieldErr(field, "%q is not a date in the stored form YYYY-MM-DD", d)
		}
		if d < c.StartsOn || d > c.EndsOn {
			return FieldErr(field, "%s is outside the course, %s to %s", DisplayDate(d), DisplayDate(c.StartsOn), DisplayDate(c.EndsOn))
		}
		if seen[d] {
			return FieldErr(field, "%s is given twice", DisplayDate(d))
		}
		seen[d] = true
	}
	sort.Strings(c.SessionDates)
	return nil
}

// EnrolFilter narrows the people offered for enrolment on a course: by
// cohort, by host, by text in name or email. Zero values do not narrow.
type EnrolFilter struct {
	CohortID int64
	HostID   int64
	Text     string
	Limit    int // at most this many; 0 for a sensible default
}

// EnrolChoice is one person who may be enrolled on a course.
type EnrolChoice struct {
	PersonID     int64
	Name         string
	Email        string
	Kind         string // "Senior organiser", "Volunteer organiser" or "Trainer"
	CohortNumber int
	Host         string
	Enrolled     bool // already on the course
}
