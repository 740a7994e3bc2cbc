package ui

// newCascadeScreen is filled by a later issue; for now it says what it will hold.
func newCascadeScreen(*env) screen {
	return placeholder{"Cascade", "This screen will show the train-the-trainers cascade as a tree and a diagram, with reach and thin spots."}
}
