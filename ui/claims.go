package ui

// newClaimsScreen is filled by a later issue; for now it says what it will hold.
func newClaimsScreen(*env) screen {
	return placeholder{"Claims", "This screen will show claims of achieved units to the Open College Network."}
}
