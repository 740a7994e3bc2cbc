package ui

// newCohortsScreen is filled by a later issue; for now it says what it will hold.
func newCohortsScreen(*env) screen {
	return placeholder{"Cohorts & hosts", "This screen will show the 14 cohorts and their host organisations, with team-size flags."}
}
