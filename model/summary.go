package model

// Summary counts what a programme holds; `cascade summary --json` prints it
// with exactly these keys.
type Summary struct {
	SchemaVersion       int64 `json:"schema_version"`
	Cohorts             int   `json:"cohorts"`
	Hosts               int   `json:"hosts"`
	KickstarterHosts    int   `json:"kickstarter_hosts"`
	Trainers            int   `json:"trainers"`
	TrainerGenerations  int   `json:"trainer_generations"`
	SeniorOrganisers    int   `json:"senior_organisers"`
	VolunteerOrganisers int   `json:"volunteer_organisers"`
	Units               int   `json:"units"`
	Criteria            int   `json:"criteria"`
	EvidenceItems       int   `json:"evidence_items"`
	EvidenceFiles       int   `json:"evidence_files"`
	Decisions           int   `json:"decisions"`
	Certificates        int   `json:"certificates"`
}
