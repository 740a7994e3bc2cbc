package model

import "regexp"

// Claim is a claim to the OCN for achieved units.
type Claim struct {
	ID            int64
	Reference     string
	Cohort        int
	Qualification string
	Status        string // draft, submitted
	CorrectsID    int64
	CorrectsRef   string
	CreatedBy     string
	CreatedAt     string
	SubmittedBy   string
	SubmittedAt   string
	Lines         int
	Credits       int
}

// ClaimLine is one learner's unit on a claim.
type ClaimLine struct {
	OrganiserID        int64
	Learner            string
	Email              string
	RegistrationNumber string
	ULN                string
	UnitCode           string
	UnitTitle          string
	Level              int
	Credits            int
}

// ClaimProblem is a learner's achieved unit left off a claim, and why.
type ClaimProblem struct {
	Learner, UnitCode, Reason string
}

var ulnPattern = regexp.MustCompile(`^\d{10}$`)

// ValidULN reports whether uln is a Unique Learner Number: 10 digits.
func ValidULN(uln string) bool { return ulnPattern.MatchString(uln) }
