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
	BaseRate        int  // percent of decisions sampled
	NewAssessorRate int  // percent for an assessor in their first year
	Seen            Seen `json:"-"` // what a form read, for its save's check (SetPlanRatesFrom)
}

// GenerationBonus is added to the rate per cascade generation below the
// senior organisers: volunteers are one generation deeper.
const GenerationBonus = 10

// SampleRate is the percentage of a decision's kind the plan samples.
func (p IVPlan) SampleRate(newAssessor bool, generation int) int {
	r := p.BaseRate
	if newAssessor {
		r = p.NewAssessorRate
	}
	return r + generation*GenerationBonus
}

// Chosen decides, the same way every time, whether a decision falls in the
// random part of the sample.
func Chosen(decisionID int64, rate int) bool {
	return int(SampleOrder(decisionID)%100) < rate
}

// SampleOrder is a decision's place in the order a draw takes decisions in:
// fixed by its id, so a preview and the draw after it pick the same ones,
// yet spread over the pair rather than oldest first.
func SampleOrder(decisionID int64) uint32 {
	h := fnv.New32a()
	h.Write([]byte{byte(decisionID), byte(decisionID >> 8), byte(decisionID >> 16), byte(decisionID >> 24), byte(decisionID >> 32)})
	return h.Sum32()
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
	Target    int // how many of the pair's decisions the plan samples
}

// UnderPlan reports whether fewer of the pair's decisions are sampled than
// its plan asks for.
func (m MatrixCell) UnderPlan() bool { return m.Sampled < m.Target }

// PairTarget is how many decisions a pair's plan samples, given the sum of
// the rates (in percent) its plan gives each of its decisions: the expected
// number rounded up, so every pair with a decision has at least one sampled.
func PairTarget(rateSum int) int {
	if rateSum <= 0 {
		return 0
	}
	return (rateSum + 99) / 100
}

// DrawLine is what drawing a sample would add to one assessor × unit pair.
type DrawLine struct {
	Assessor  string
	UnitCode  string
	Decisions int     // the pair's decisions in the cohort
	Sampled   int     // of them already sampled
	Target    int     // how many the plan samples (PairTarget)
	Add       []int64 // the decisions the draw adds
}

// After is how many of the pair's decisions are sampled once the draw is made.
func (l DrawLine) After() int { return l.Sampled + len(l.Add) }

// SampleDraw is what drawing a cohort's sample to plan adds, pair by pair,
// for the verifier to see before the draw is made.
type SampleDraw struct {
	Cohort int
	Plan   IVPlan
	Lines  []DrawLine // every pair, by assessor then unit
}

// Adds is how many decisions the draw adds in all.
func (d SampleDraw) Adds() int {
	n := 0
	for _, l := range d.Lines {
		n += len(l.Add)
	}
	return n
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
