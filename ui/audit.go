package ui

// newAuditScreen is filled by a later issue; for now it says what it will hold.
func newAuditScreen(*env) screen {
	return placeholder{"Audit log", "This screen will show who did what and when: the append-only audit log."}
}
