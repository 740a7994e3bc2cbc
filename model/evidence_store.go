package model

// Learner is an organiser as the evidence screens list them.
type Learner struct {
	OrganiserID int64
	Name        string
	Email       string
	Cohort      int
	Host        string
	ULN         string
}
