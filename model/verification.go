package model

import (
	"hash/fnv"

	"fmt"
)

// IVPlan is a cohort's internal-verification sampling plan.
type IVPlan struct {
	ID              int64
	CohortID        int64
	Cohort          int
	BaseRate        int // percent of decisions sampled
	NewAssessorRate int // percent for an assessor in their first year
}

// generationBonus is added to the rate per cascade generation below the
// senior organisers: volunteers are one generation deeper.
const generationBonus = 10

// sampleRate is the percentage of a decision's kind the plan samples.
func (p IVPlan) SampleRate(newAssessor bool, generation int) int {
	r := p.BaseRate
	if newAssessor {
		r = p.NewAssessorRate
	}
	return r + generation*generationBonus
}

// chosen decides, the same way every time, whether a decision falls in the
// random part of the sample.
func Chosen(decisionID int64, rate int) bool {
	h := fnv.New32a()
	h.Write([]byte{byte(decisionID), byte(decisionID >> 8), byte(decisionID >> 16), byte(decisionID >> 24), byte(decisionID >> 32)})
	return int(h.Sum32()%100) < rate
}

// Sample is a decision sampled for internal verification.
type Sample struct {
	ID         int64
	DecisionID int64
	EvidenceID int64
	Learner    string
	Cohort     int
	UnitCode   string
	Kind       string
	AssessorID int64
	Assessor   string
	Outcome    string // the decision's outcome
	Feedback   string
	DecidedOn  string
	VerifierID int64
	Verifier   string
	SampledOn  string
	IVOutcome  string // pending, agreed, sent_back
	Actions    string
	VerifiedOn string
}

// MatrixCell is one cell of the assessor × unit coverage matrix.
type MatrixCell struct {
	Assessor  string
	UnitCode  string
	Decisions int
	Sampled   int
	Verified  int
}

// Default sampling rates for a cohort with no plan yet.
const (
	DefaultBaseRate        = 10
	DefaultNewAssessorRate = 25
)

// ValidatePlanRates checks a plan's rates: whole percentages from 1 to 100,
// and an assessor's first year sampled at least as often as the rest.
func ValidatePlanRates(base, newAssessor int) error {
	switch {
	case base < 1 || base > 100:
		return fmt.Errorf("%w: the rate must be a percentage from 1 to 100, not %d", ErrInvalid, base)
	case newAssessor < 1 || newAssessor > 100:
		return fmt.Errorf("%w: the first-year rate must be a percentage from 1 to 100, not %d", ErrInvalid, newAssessor)
	case newAssessor < base:
		return fmt.Errorf("%w: the first-year rate (%d%%) may not be below the rate for everyone (%d%%)", ErrInvalid, newAssessor, base)
	}
	return nil
}

// SampleFilter narrows the samples listed.
type SampleFilter struct {
	Cohort      int
	PendingOnly bool
}
