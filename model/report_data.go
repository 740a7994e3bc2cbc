package model

// ProgressRow counts organisers for one cohort, host or region.
type ProgressRow struct {
	Label      string
	Region     string
	Cohort     int
	Hosts      int
	Seniors    int // not withdrawn
	Volunteers int // not withdrawn
	Completed  int
	Withdrawn  int
	Units      int // units achieved
}

// ProgressReport is progress against the programme's targets.
type ProgressReport struct {
	Programme       string
	Cohort          int // 0: the whole programme
	SeniorTarget    int
	VolunteerTarget int
	CohortTarget    int
	Total           ProgressRow
	ByCohort        []ProgressRow
	ByHost          []ProgressRow
	ByRegion        []ProgressRow
}

// CascadeRow is the cascade's reach in one cohort.
type CascadeRow struct {
	Cohort            int
	Trainers          int // trainers who led or taught a course in the cohort
	Seniors           int // not withdrawn (Headcount)
	Volunteers        int // not withdrawn (Headcount)
	SeniorsSupporting int // seniors (not withdrawn) supporting at least one volunteer (not withdrawn)
}

// CascadeReport is the cascade's reach in numbers: the trainer network by
// generation and, per cohort, how far training reached. The diagram is drawn
// from the same data by reports (the cascade diagram's own file).
type CascadeReport struct {
	Programme           string
	Cohort              int
	Trainers            int
	ActiveTrainers      int   // accredited or active
	Generations         []int // trainers per generation: [0] is FoundingGeneration (founding trainers)
	Seniors             int
	Volunteers          int
	SeniorsSupporting   int
	VolunteersSupported int
	ByCohort            []CascadeRow
}

// IVCount is decisions made and decisions sampled by internal verification.
type IVCount struct {
	Decisions int
	Sampled   int
	Agreed    int
	SentBack  int
}

// IVRow is one assessor's or one method's coverage.
type IVRow struct {
	Label string
	IVCount
}

// VerificationReport is the internal-verification coverage matrix: for each
// assessor and unit, how many decisions were made and how many sampled.
type VerificationReport struct {
	Cohort     int
	Assessors  []string
	Units      []string    // unit codes
	Cells      [][]IVCount // [assessor][unit]
	ByAssessor []IVRow
	ByMethod   []IVRow // evidence kind
	Total      IVCount
}

// EqualityRow is how many people gave one answer to one question.
type EqualityRow struct {
	Dimension string // gender, age band, ethnicity, disability
	Category  string // '' answers are counted as "Not stated"
	Count     int
}

// EqualityReport is equality monitoring in aggregate. Counts are exact here;
// the report writers suppress small ones before anything is shown.
type EqualityReport struct {
	Cohort     int
	Organisers int // organisers in scope
	Responded  int // of them, with a monitoring record
	Rows       []EqualityRow
}
