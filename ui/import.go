package ui

// newImportScreen is filled by a later issue; for now it says what it will hold.
func newImportScreen(*env) screen {
	return placeholder{"Import", "This screen will show importing cohorts, hosts, organisers and trainers from CSV or XLSX with a preview."}
}
