package model

import "strings"

// Problem is one thing `check` found wrong, naming the record or file.
type Problem struct {
	Where string // table and id, or file path
	What  string
}

func (p Problem) String() string { return p.Where + ": " + p.What }

// CheckReport is the outcome of Check: problems make it fail; flags are the
// brief's "flagged, not refused" findings and do not.
type CheckReport struct {
	Problems []Problem
	Flags    []Flag
	Files    int // evidence files verified against their hash
	// AuditEntries and AuditHead are the audit log's length and its last
	// hash, worth noting elsewhere: a log rewritten from some row on, hashes
	// recomputed, ends in another hash.
	AuditEntries int
	AuditHead    string
}

// Flag counts records in one "flagged, not refused" condition.
type Flag struct {
	Name  string
	Count int
	// Of says whose records are flagged (FlagOfHosts, FlagOfTrainers,
	// FlagOfOrganisers), so a screen can list the very records counted.
	Of string
	// Organiser is the organiser flag (OrganiserFlags) the organisers list
	// filters by, for an organisers' condition; "" otherwise.
	Organiser string
}

// Noun is the flag's name for its count: "trainers without a trainer",
// but "trainer without a trainer" for one. Name is the plural.
func (f Flag) Noun() string {
	if f.Count != 1 {
		return f.Name
	}
	first, rest, _ := strings.Cut(f.Name, " ")
	return strings.TrimSuffix(first, "s") + " " + rest
}

// Whose records a Flag counts.
const (
	FlagOfHosts      = "hosts"
	FlagOfTrainers   = "trainers"
	FlagOfOrganisers = "organisers"
)

// OK reports whether the database passed.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }
