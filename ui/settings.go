package ui

// newSettingsScreen is filled by a later issue; for now it says what it will hold.
func newSettingsScreen(*env) screen {
	return placeholder{"Settings", "This screen will show the centre's name, signatories and logo; backup and restore."}
}
