package model

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Outcomes an assessor records.
const (
	OutcomeAchieved    = "achieved"
	OutcomeNotYet      = "not_yet_achieved"
	SampleAgreed       = "agreed"
	SampleSentBack     = "sent_back"
	SamplePending      = "pending"
	maxFeedbackLetters = 8000
)

// QueueFilter narrows the assessor queue; zero values match everything.
type QueueFilter struct {
	Cohort int
	Host   string // part of the host's name, in any case, accents or none
	Unit   string
	Limit  int // at most this many, oldest first; 0 for all
}

// QueueItem is evidence awaiting a decision.
type QueueItem struct {
	EvidenceID  int64
	OrganiserID int64
	Learner     string
	Cohort      int
	Host        string
	UnitCode    string
	Kind        string
	Title       string
	WaitingFrom string // when it was submitted, or sent back by the verifier
	SentBack    string // the verifier's required actions, when it came back from IV
}

// DecisionDraft is what an assessor fills in: an outcome per criterion.
type DecisionDraft struct {
	EvidenceID int64
	Outcomes   map[int64]string // criterion id → achieved / not_yet_achieved
	Feedback   string
	DecidedOn  string
}

// Validate checks the draft against the criteria the evidence covers.
func (d DecisionDraft) Validate(criteria []int64) error {
	if _, err := time.Parse("2006-01-02", d.DecidedOn); err != nil {
		return fmt.Errorf("%w: date %q: not a date YYYY-MM-DD", ErrInvalid, d.DecidedOn)
	}
	// The date is a day on the assessor's calendar: compare with their today,
	// or a decision recorded just after midnight in summer reads as future.
	if d.DecidedOn > time.Now().Format(time.DateOnly) {
		return fmt.Errorf("%w: date %s is in the future", ErrInvalid, DisplayDate(d.DecidedOn))
	}
	if err := CheckText("feedback", d.Feedback, maxFeedbackLetters, true); err != nil {
		return err
	}
	for _, c := range criteria {
		o := d.Outcomes[c]
		if o != OutcomeAchieved && o != OutcomeNotYet {
			return fmt.Errorf("%w: criterion %d: choose Achieved or Not yet achieved", ErrInvalid, c)
		}
	}
	if len(d.Outcomes) != len(criteria) {
		return fmt.Errorf("%w: outcomes given for criteria the evidence does not cover", ErrInvalid)
	}
	return d.FeedbackProblem()
}

// FeedbackProblem refuses a "Not yet achieved" with no feedback: the learner
// is left with no guidance on what to add. The screen asks it before saving,
// so the field shows the same words the store would refuse with.
func (d DecisionDraft) FeedbackProblem() error {
	// Words, not a dash or a full stop typed to get past the check.
	if d.Overall() == OutcomeNotYet && strings.IndexFunc(d.Feedback, unicode.IsLetter) < 0 {
		return FieldErr("feedback", "a Not yet achieved decision needs feedback saying what is still missing, so the learner knows what to add")
	}
	return nil
}

// Overall is achieved only when every criterion is.
func (d DecisionDraft) Overall() string {
	for _, o := range d.Outcomes {
		if o != OutcomeAchieved {
			return OutcomeNotYet
		}
	}
	return OutcomeAchieved
}

// Decision is a recorded assessment decision.
type Decision struct {
	ID           int64
	EvidenceID   int64
	OrganiserID  int64
	AssessorID   int64
	Assessor     string
	Outcome      string
	Feedback     string
	DecidedOn    string
	Attempt      int
	SupersedesID int64
	Criteria     map[int64]string
}
