package ui

// newTrainersScreen is filled by a later issue; for now it says what it will hold.
func newTrainersScreen(*env) screen {
	return placeholder{"Trainers", "This screen will show the trainer network: who trained whom, status, courses delivered and reach."}
}
