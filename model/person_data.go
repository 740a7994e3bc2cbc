package model

// PersonData is everything the programme holds about one person, section by
// section, each a list of rows as column → value. It is what a subject access
// request is answered with.
type PersonData struct {
	PersonID int64                       `json:"person_id"`
	Email    string                      `json:"email"`
	Sections map[string][]map[string]any `json:"sections"`
}

// PersonExport says what ExportPerson wrote.
type PersonExport struct {
	Dir          string
	Files        int
	Certificates int
}

// Erasure says what ErasePerson removed.
type Erasure struct {
	PersonID     int64
	Label        string // the name the person is now shown by
	FilesRemoved int    // evidence files deleted from disk
	Kept         int    // issued certificates kept for verification
	// Compacted is false when another connection kept the file's write-ahead
	// log from being emptied: old copies of the details may remain in it
	// until the programme is next closed everywhere.
	Compacted bool
	Backups   []string // automatic backups made before the erasure, which still hold the person
}

// Equality is one person's self-declared equality monitoring answers.
type Equality struct {
	Gender, AgeBand, Ethnicity, Disability string
	UpdatedAt                              string
	Seen                                   Seen `json:"-"` // what a form read, for its save's check
}

// EqualityCount is how many people gave one answer to one question.
type EqualityCount struct {
	Field, Value string
	Count        int
}
