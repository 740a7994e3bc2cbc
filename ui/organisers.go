package ui

// newOrganisersScreen is filled by a later issue; for now it says what it will hold.
func newOrganisersScreen(*env) screen {
	return placeholder{"Organisers", "This screen will show every senior and volunteer organiser with search, filters and each organiser's page."}
}
