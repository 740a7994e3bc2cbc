package model

// CohortCount is how many people one cohort holds.
type CohortCount struct {
	Number     int
	Hosts      int
	Seniors    int
	Volunteers int
}

// ProgressPoint is the programme's running total at one cohort's start.
type ProgressPoint struct {
	Cohort     int
	StartsOn   string
	Seniors    int // cumulative senior organisers (not withdrawn) of cohorts up to this one
	Volunteers int // cumulative volunteers (not withdrawn) of cohorts up to this one
}

// GroupCount is organisers in one group (a cohort, a region, a setting).
type GroupCount struct {
	Name       string
	Seniors    int
	Volunteers int
}

// DashboardCharts is what the dashboard's charts are drawn from. Seniors and
// volunteers are Headcount's (not withdrawn), the same figures as the tables
// beside them; organisers with no cohort are on no cohort's bar.
type DashboardCharts struct {
	SeniorTarget    int
	VolunteerTarget int
	Progress        []ProgressPoint // cohorts in start order, totals accumulating
	ByCohort        []GroupCount
	ByRegion        []GroupCount
	BySetting       []GroupCount // rural, urban, and "no host" when any
}

// Dashboard is what the opening screen shows: progress to targets, people per
// cohort, the assessor's backlog and the cascade in numbers.
type Dashboard struct {
	Programme          string
	SeniorTarget       int
	VolunteerTarget    int
	Seniors            int // not withdrawn
	Volunteers         int // not withdrawn
	Withdrawn          int
	Cohorts            []CohortCount
	Hosts              int
	KickstarterHosts   int
	EvidenceAwaiting   int
	OldestAwaiting     string // ISO timestamp of the oldest submission awaiting a decision
	UnitsAchieved      int
	Trainers           int
	ActiveTrainers     int // accredited or active
	TrainerGenerations int
	SeniorsSupporting  int // seniors (not withdrawn) supporting at least one volunteer (not withdrawn)
	Flags              []Flag
}
