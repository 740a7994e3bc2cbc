package model

import (
	"fmt"
)

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
