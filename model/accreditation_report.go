package model

// AccreditationRow is one learner and unit in the accreditation report.
type AccreditationRow struct {
	Email, Name     string
	Cohort          int
	Host            string
	UnitCode, Title string
	Level, Credits  int
	Status          string // achieved, not_yet_achieved, in_progress, not_started
	Assessor        string
	AssessedOn      string
	Verifier        string // "" when not sampled
	VerifiedOn      string
}
