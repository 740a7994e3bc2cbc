package ui

// newReportsScreen is filled by a later issue; for now it says what it will hold.
func newReportsScreen(*env) screen {
	return placeholder{"Reports", "This screen will show progress, accreditation, claim, cascade, verification and equality reports."}
}
