package model

// LearnerProgress is one learner's progress against one qualification they
// are registered for.
type LearnerProgress struct {
	OrganiserID int64
	Email       string
	Name        string
	Cohort      int
	QualificationProgress
}

// ProgressFilter picks learners: by email, by cohort number, or all when empty.
type ProgressFilter struct {
	OrganiserID int64
	Email       string
	Cohort      int
}
