package ui

// newTrainingScreen is filled by a later issue; for now it says what it will hold.
func newTrainingScreen(*env) screen {
	return placeholder{"Training", "This screen will show modules, courses, sessions and registers."}
}
