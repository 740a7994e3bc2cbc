package ui

// newEvidenceScreen is filled by a later issue; for now it says what it will hold.
func newEvidenceScreen(*env) screen {
	return placeholder{"Evidence", "This screen will show portfolios, the criteria coverage grid and the assessor's queue."}
}
