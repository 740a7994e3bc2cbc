package ui

// newVerificationScreen is filled by a later issue; for now it says what it will hold.
func newVerificationScreen(*env) screen {
	return placeholder{"Verification", "This screen will show the internal-verification sampling plan and coverage matrix."}
}
