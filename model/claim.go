package model

import (
	"regexp"

	"fmt"
	"strconv"
	"strings"
)

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
	Seen          Seen `json:"-"` // what a list read, for a submission's check (SubmitClaimFrom)
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

// correctionReference names the claim correcting ref: CLM-…-R1, and a
// correction of CLM-…-R1 is CLM-…-R2 (not CLM-…-R1-R1).
func CorrectionReference(ref string) string {
	if i := strings.LastIndex(ref, "-R"); i >= 0 {
		if n, err := strconv.Atoi(ref[i+2:]); err == nil {
			return fmt.Sprintf("%s-R%d", ref[:i], n+1)
		}
	}
	return ref + "-R1"
}
