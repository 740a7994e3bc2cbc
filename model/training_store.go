package model

// TrainingOverview is what the training screen loads at once.
type TrainingOverview struct {
	Modules []Module
	Courses []Course
}
