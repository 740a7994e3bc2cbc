package model

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
)

// Evidence kinds, as the schema holds them.
var EvidenceKinds = []string{"observation", "reflective_account", "witness_testimony", "product",
	"professional_discussion", "listening_log"}

// KindName is how an evidence kind reads to a person.
func KindName(kind string) string {
	return strings.ToUpper(kind[:1]) + strings.ReplaceAll(kind[1:], "_", " ")
}

// EvidenceItem is one item in a learner's portfolio.
type EvidenceItem struct {
	ID              int64
	OrganiserID     int64
	Kind            string
	Title           string
	Description     string
	EvidenceOn      string
	ListeningCount  int
	ListeningThemes string
	Status          string // draft, submitted (EvidenceAwaiting), assessed, referred
	SubmittedAt     string
	CreatedAt       string
	UnitCode        string  // the unit its criteria belong to
	CriterionIDs    []int64 // the criteria it is mapped to
	Files           []EvidenceFile
}

// EvidenceFile is a file attached to evidence, stored by its SHA-256.
type EvidenceFile struct {
	ID         int64
	EvidenceID int64
	FileName   string
	SHA256     string
	Size       int64
	MediaType  string
	AddedAt    string
}

// personalDetail catches what a listening log must never hold: an email
// address or a phone number of a resident.
var personalDetail = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[a-z]{2,}|(\+44|\b0)[\d ]{9,12}\d`)

// Validate names the first faulty field.
func (e EvidenceItem) Validate() error {
	if err := cmp.Or(TextTitle.Check("title", e.Title), TextNotes.Check("description", e.Description),
		TextNotes.Check("listening themes", e.ListeningThemes)); err != nil {
		return err
	}
	known := false
	for _, k := range EvidenceKinds {
		known = known || k == e.Kind
	}
	switch {
	case !known:
		return fmt.Errorf("%w: type %q is not one of %s", ErrInvalid, e.Kind, strings.Join(EvidenceKinds, ", "))
	case strings.TrimSpace(e.Title) == "":
		return fmt.Errorf("%w: title: required", ErrInvalid)
	case !isDate(e.EvidenceOn):
		return fmt.Errorf("%w: date %q: not a date YYYY-MM-DD", ErrInvalid, e.EvidenceOn)
	case len(e.CriterionIDs) == 0:
		return fmt.Errorf("%w: criteria: map the evidence to at least one criterion", ErrInvalid)
	case e.Kind == "listening_log" && e.ListeningCount < 1:
		return fmt.Errorf("%w: listening count: how many conversations, at least 1", ErrInvalid)
	case e.Kind != "listening_log" && (e.ListeningCount != 0 || e.ListeningThemes != ""):
		return fmt.Errorf("%w: listening count and themes belong to a listening log only", ErrInvalid)
	case personalDetail.MatchString(e.ListeningThemes + " " + e.Description):
		return fmt.Errorf("%w: a listening log records counts, dates and themes, never a resident's contact details", ErrInvalid)
	}
	return nil
}

// CoverageState is where one criterion stands for a learner.
type CoverageState string

// Coverage states, from nothing to done.
const (
	CoverageMissing  CoverageState = "missing"  // no evidence mapped
	CoverageCovered  CoverageState = "covered"  // evidence mapped, not yet decided
	CoverageAssessed CoverageState = "assessed" // decided, not yet achieved
	CoverageAchieved CoverageState = "achieved"
)

// CriterionCoverage is one cell of a unit's coverage grid.
type CriterionCoverage struct {
	UnitCode  string
	Criterion Criterion
	Evidence  int // items mapped to it
	State     CoverageState
}

// Learner is an organiser as the evidence screens list them.
type Learner struct {
	OrganiserID int64
	Name        string
	Email       string
	Cohort      int
	Host        string
	ULN         string
}

// How the app shows an evidence file (EvidenceView.Kind).
const (
	ViewText  = "text"  // shown in place, the first part of a long file
	ViewImage = "image" // PNG, JPEG or GIF, shown in place
	ViewPDF   = "pdf"   // pages rendered to images where a renderer is installed
	ViewOther = "other" // handed to the system's viewer
)

// EvidenceView is what the app needs to show one evidence file in place,
// read from the stored copy, which is never written.
type EvidenceView struct {
	File  EvidenceFile
	Kind  string // ViewText, ViewImage, ViewPDF or ViewOther
	Text  string // ViewText: the start of the file, as valid text
	Cut   bool   // ViewText: Text is only the first part of the file
	Image []byte // ViewImage: the image's bytes
	Path  string // where the stored copy is, for a renderer to read
	Note  string // why the file is not shown in place, when it could have been
}

// EvidenceAwaiting is the status of evidence waiting in the assessor queue
// for a decision; the store records one only on evidence in it.
const EvidenceAwaiting = "submitted"
