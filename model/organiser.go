package model

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
)

// Organiser roles and statuses, as the schema spells them.
const (
	RoleSenior    = "senior"
	RoleVolunteer = "volunteer"

	StatusActive    = "active"
	StatusCompleted = "completed"
	StatusWithdrawn = "withdrawn"
)

// OrganiserRoles and OrganiserStatuses list the allowed values in display order.
var (
	OrganiserRoles    = []string{RoleSenior, RoleVolunteer}
	OrganiserStatuses = []string{StatusActive, StatusCompleted, StatusWithdrawn}
)

// Organiser flags: the brief's "flagged, not refused" conditions for one organiser.
const (
	FlagNoHost           = "no host"
	FlagNoCohort         = "no cohort"
	FlagNoSenior         = "volunteer without senior"
	FlagSupportingNobody = "senior supporting nobody"
)

// OrganiserFlags lists the flags in the order screens offer them.
var OrganiserFlags = []string{FlagNoHost, FlagNoCohort, FlagNoSenior, FlagSupportingNobody}

// FieldError says which field of a form is wrong and why, in plain words; it
// matches ErrInvalid.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" { // the caller names the place itself (the import's row and column)
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInvalid) hold for every field error.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

func FieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ValidateName checks a given or family name: present, clean (CheckText) and
// at most TextName.Max characters.
func ValidateName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("is required")
	}
	if p := textProblem(s, TextName.Max, TextName.Multiline); p != "" {
		return errors.New(p)
	}
	return nil
}

// ValidateEmail checks one plain address: name@domain.tld, no display name.
func ValidateEmail(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("is required")
	}
	// Checked first: the address parser lets some invisible characters through.
	if p := textProblem(s, TextEmail.Max, TextEmail.Multiline); p != "" {
		return errors.New(p)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return errors.New("is not an email address like name@example.org")
	}
	at := strings.LastIndex(s, "@")
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.HasPrefix(domain, ".") {
		return errors.New("needs a domain like example.org after the @")
	}
	if strings.EqualFold(domain, ErasedDomain) || strings.HasSuffix(strings.ToLower(domain), "."+ErasedDomain) {
		return errors.New("uses " + ErasedDomain + ", which is kept for erased people")
	}
	return nil
}

// ErasedDomain is the domain of the placeholder address an erasure gives a
// person (erased-N@erased.invalid). No form or import may use it, so an
// erasure's placeholder is always free.
const ErasedDomain = "erased.invalid"

// ErasedEmail is the placeholder address an erasure gives person pid.
func ErasedEmail(pid int64) string {
	return "erased-" + strconv.FormatInt(pid, 10) + "@" + ErasedDomain
}

// Organiser is one senior or volunteer organiser with their person's details,
// as the organiser's page edits it. Zero ids mean "none".
type Organiser struct {
	ID              int64
	PersonID        int64
	GivenName       string
	FamilyName      string
	Email           string
	Role            string
	HostID          int64
	CohortID        int64
	SupportedByID   int64
	StartsOn        string
	EndsOn          string
	BursaryPence    int64
	Status          string
	WithdrawnOn     string
	WithdrawnReason string
	Seen            Seen `json:"-"` // what a form read, for its save's check
}

// Name is the organiser's full name.
func (o Organiser) Name() string { return strings.TrimSpace(o.GivenName + " " + o.FamilyName) }

// Validate checks the rules a single organiser must meet on its own; the
// store adds those that need the database (unique email, a senior supporter).
func (o *Organiser) Validate() error {
	o.GivenName = strings.TrimSpace(o.GivenName)
	o.FamilyName = strings.TrimSpace(o.FamilyName)
	o.Email = strings.TrimSpace(o.Email)
	if err := ValidateName(o.GivenName); err != nil {
		return &FieldError{"given name", err.Error()}
	}
	if err := ValidateName(o.FamilyName); err != nil {
		return &FieldError{"family name", err.Error()}
	}
	if err := ValidateEmail(o.Email); err != nil {
		return &FieldError{"email", err.Error()}
	}
	if !slices.Contains(OrganiserRoles, o.Role) {
		return FieldErr("role", "must be senior or volunteer, not %q", o.Role)
	}
	if o.Status == "" {
		o.Status = StatusActive
	}
	if !slices.Contains(OrganiserStatuses, o.Status) {
		return FieldErr("status", "must be active, completed or withdrawn, not %q", o.Status)
	}
	for _, d := range []struct{ field, v string }{{"start date", o.StartsOn}, {"end date", o.EndsOn}, {"withdrawn date", o.WithdrawnOn}} {
		if err := ValidateDate(d.v); err != nil {
			return &FieldError{d.field, err.Error()}
		}
	}
	if o.StartsOn != "" && o.EndsOn != "" && o.EndsOn < o.StartsOn {
		return FieldErr("end date", "is before the start date")
	}
	if o.Role == RoleSenior && o.SupportedByID != 0 {
		return FieldErr("supported by", "only volunteers are supported by a senior organiser")
	}
	if o.ID != 0 && o.SupportedByID == o.ID {
		return FieldErr("supported by", "an organiser cannot support themselves")
	}
	if o.Status == StatusWithdrawn && o.WithdrawnOn == "" {
		return FieldErr("withdrawn date", "is required when the organiser has withdrawn")
	}
	if err := TextReason.Check("withdrawn reason", o.WithdrawnReason); err != nil {
		return err
	}
	if o.BursaryPence < 0 {
		return FieldErr("bursary", "cannot be negative")
	}
	return nil
}

// OrganiserRow is one line of the organisers list: what the table shows and
// what search and filters read, all loaded at once so filtering needs no SQL.
type OrganiserRow struct {
	ID              int64
	PersonID        int64
	GivenName       string
	FamilyName      string
	Email           string
	Role            string
	Status          string
	HostID          int64
	HostName        string
	CohortID        int64
	CohortNumber    int
	SupportedByID   int64
	SupportedByName string
	Supporting      int // volunteers this senior supports (not withdrawn)
	StartsOn        string
	Search          string // lower-cased name, email and host for instant search
	SortName        string // NameSortKey of family then given name
}

// nameKey orders by family name, then given name, ignoring case.
func (r *OrganiserRow) NameKey() string {
	if r.SortName != "" {
		return r.SortName
	}
	return NameSortKey(r.FamilyName, r.GivenName)
}

// SetOrganiserKeys fills every row's Search and SortName, the same text as
// SearchText and NameKey give, in two shared strings sliced per row: two
// keys per row were 100,000 allocations at scale 10, a fifth of the
// organisers screen's load. Each part of the search text is folded on its own (the separators
// are ASCII, and folding and lower-casing go rune by rune, so the result is
// the same as folding the whole), plain ASCII byte by byte, and any other
// part once per distinct text: names repeat, and Fold's normalising took
// 6 µs a name. Likewise each distinct name is collated once and its key
// shared by every row of that name: 50,000 organisers have some 4,000
// names, and collating each row's was most of this function's time.
func SetOrganiserKeys(rows []OrganiserRow) {
	searchLen, sortLen := 0, 0
	for i := range rows {
		r := &rows[i]
		searchLen += len(r.GivenName) + len(r.FamilyName) + len(r.Email) + len(r.HostName) + 3
	}
	search := make([]byte, 0, searchLen)
	folded := map[string]string{}
	keyer := NewNameKeyer()
	defer keyer.Close()
	// keyAt is where each distinct name's key lies in sorts, by the text
	// the keyer collates (family, ", ", given), so equal texts share a key.
	type span struct {
		from, to int
		done     bool // collated (a key may be empty)
	}
	keyAt := map[string]span{}
	var name []byte
	// Offsets where each row's search text ends, and its key's span.
	ends := make([]int, len(rows))
	keys := make([]span, len(rows))
	for i := range rows {
		r := &rows[i]
		name = append(append(append(name[:0], r.FamilyName...), ", "...), r.GivenName...)
		if _, ok := keyAt[string(name)]; !ok {
			keyAt[string(name)] = span{}
			sortLen += 3 * len(name) // a collation key runs to about three bytes a letter
		}
	}
	sorts := make([]byte, 0, sortLen)
	for i := range rows {
		r := &rows[i]
		search = appendLower(search, r.GivenName, folded, Fold)
		search = append(search, ' ')
		search = appendLower(search, r.FamilyName, folded, Fold)
		search = append(search, 0)
		search = appendLower(search, r.Email, folded, Fold)
		search = append(search, 0)
		search = appendLower(search, r.HostName, folded, Fold)
		ends[i] = len(search)
		name = append(append(append(name[:0], r.FamilyName...), ", "...), r.GivenName...)
		at := keyAt[string(name)]
		if !at.done {
			from := len(sorts)
			sorts = keyer.Append(sorts, r.FamilyName, r.GivenName)
			at = span{from, len(sorts), true}
			keyAt[string(name)] = at
		}
		keys[i] = at
	}
	searchAll, sortAll := string(search), string(sorts)
	from := 0
	for i := range rows {
		rows[i].Search, rows[i].SortName = searchAll[from:ends[i]], sortAll[keys[i].from:keys[i].to]
		from = ends[i]
	}
}

// appendLower appends s lower-cased: plain ASCII with A to Z lowered in
// place (what both Fold and strings.ToLower do to ASCII), anything else
// through slow, remembered in seen.
func appendLower(b []byte, s string, seen map[string]string, slow func(string) string) []byte {
	n := len(b)
	b = append(b, s...)
	for i := n; i < len(b); i++ {
		c := b[i]
		if c >= 0x80 {
			t, ok := seen[s]
			if !ok {
				t = slow(s)
				seen[s] = t
			}
			return append(b[:n], t...)
		}
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// Name is the organiser's full name.
func (r OrganiserRow) Name() string { return strings.TrimSpace(r.GivenName + " " + r.FamilyName) }

// Flags are the "flagged, not refused" conditions this organiser meets.
func (r OrganiserRow) Flags() []string {
	var f []string
	if r.HostID == 0 {
		f = append(f, FlagNoHost)
	}
	if r.CohortID == 0 {
		f = append(f, FlagNoCohort)
	}
	if r.Role == RoleVolunteer && r.SupportedByID == 0 {
		f = append(f, FlagNoSenior)
	}
	if r.Role == RoleSenior && r.Supporting == 0 && r.Status != StatusWithdrawn {
		f = append(f, FlagSupportingNobody)
	}
	return f
}

// searchText is what instant search looks in: name, email and host, folded.
func (r *OrganiserRow) SearchText() string {
	if r.Search != "" {
		return r.Search
	}
	return Fold(r.GivenName + " " + r.FamilyName + "\x00" + r.Email + "\x00" + r.HostName)
}

// Flagged reports whether the organiser meets flag (or any flag, for FlagAny)
// without building the Flags slice, as the filter runs over every row.
func (r *OrganiserRow) Flagged(flag string) bool {
	noHost := r.HostID == 0
	noCohort := r.CohortID == 0
	noSenior := r.Role == RoleVolunteer && r.SupportedByID == 0
	nobody := r.Role == RoleSenior && r.Supporting == 0 && r.Status != StatusWithdrawn
	switch flag {
	case FlagAny:
		return noHost || noCohort || noSenior || nobody
	case FlagNoHost:
		return noHost
	case FlagNoCohort:
		return noCohort
	case FlagNoSenior:
		return noSenior
	case FlagSupportingNobody:
		return nobody
	}
	return false
}

// OrganiserFilter narrows the organisers list; zero fields match everything.
// Flag "any" matches an organiser with any flag.
type OrganiserFilter struct {
	Text     string
	CohortID int64 // -1: no cohort
	HostID   int64 // -1: no host
	Role     string
	Status   string
	Flag     string
}

// FlagAny in OrganiserFilter.Flag matches organisers with any flag.
const FlagAny = "any"

// Match reports whether r passes the filter. Every word of Text must appear
// in the name, email or host, so "ann leeds" finds Ann at a Leeds host;
// case and accents are ignored (see Fold).
func (f OrganiserFilter) Match(r *OrganiserRow) bool {
	return f.match(r, strings.Fields(Fold(f.Text)))
}

func (f OrganiserFilter) match(r *OrganiserRow, words []string) bool {
	switch {
	case f.Role != "" && r.Role != f.Role,
		f.Status != "" && r.Status != f.Status,
		f.CohortID > 0 && r.CohortID != f.CohortID,
		f.CohortID < 0 && r.CohortID != 0,
		f.HostID > 0 && r.HostID != f.HostID,
		f.HostID < 0 && r.HostID != 0:
		return false
	}
	if f.Flag != "" && !r.Flagged(f.Flag) {
		return false
	}
	if len(words) > 0 {
		text := r.SearchText()
		for _, w := range words {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	return true
}

// FilterOrganisers returns pointers to the rows passing f, in their order. It
// works in memory over rows loaded once, and copies no rows, which keeps
// search instant at 50,000 organisers.
func FilterOrganisers(rows []OrganiserRow, f OrganiserFilter) []*OrganiserRow {
	words := strings.Fields(Fold(f.Text))
	out := make([]*OrganiserRow, 0, len(rows))
	for i := range rows {
		if f.match(&rows[i], words) {
			out = append(out, &rows[i])
		}
	}
	return out
}

// Organiser list columns that SortOrganisers understands.
const (
	SortName = iota
	SortEmail
	SortRole
	SortHost
	SortCohort
	SortSupportedBy
	SortSupporting
	SortStatus
	SortStarts
	SortFlags
)

// SortOrganisers sorts rows in place by a column, ties broken by name then id
// so the order is stable across refreshes.
func SortOrganisers(rows []*OrganiserRow, col int, desc bool) {
	key := func(a, b *OrganiserRow) int {
		switch col {
		case SortName: // named so that descending reverses it
			return strings.Compare(a.NameKey(), b.NameKey())
		case SortEmail:
			return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
		case SortRole:
			return strings.Compare(a.Role, b.Role)
		case SortHost:
			return strings.Compare(a.HostName, b.HostName)
		case SortCohort:
			return cmp.Compare(a.CohortNumber, b.CohortNumber)
		case SortSupportedBy:
			return strings.Compare(a.SupportedByName, b.SupportedByName)
		case SortSupporting:
			return cmp.Compare(a.Supporting, b.Supporting)
		case SortStatus:
			return strings.Compare(a.Status, b.Status)
		case SortStarts:
			return strings.Compare(a.StartsOn, b.StartsOn)
		case SortFlags:
			return cmp.Compare(len(a.Flags()), len(b.Flags()))
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b *OrganiserRow) int {
		c := key(a, b)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		if c = strings.Compare(a.NameKey(), b.NameKey()); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// Choice is an id with the words a picker shows for it.
type Choice struct {
	ID    int64
	Label string
}

// OrganiserPage is everything an organiser's page shows.
type OrganiserPage struct {
	Organiser    Organiser
	HostName     string
	CohortNumber int
	SupportedBy  string // the supporting senior's name, "" when none
	Supporting   []OrganiserRow
	Attendance   []AttendanceLine
	Modules      []ModuleProgress
	Units        []UnitProgress
	Evidence     EvidenceCounts
	Certificates []CertificateLine
}

// AttendanceLine is one session an organiser was on the register for.
type AttendanceLine struct {
	SessionID   int64
	HeldOn      string
	CourseTitle string
	Title       string
	Present     bool
}

// ModuleProgress is one module of the course and whether an organiser has completed it.
type ModuleProgress struct {
	ModuleID    int64
	Code        string
	Title       string
	CompletedOn string // "" when not yet
}

// UnitProgress is one OCN unit an organiser has achieved.
type UnitProgress struct {
	Code       string
	Title      string
	Level      int
	Credits    int
	AchievedOn string
}

// EvidenceCounts counts an organiser's evidence items by status.
type EvidenceCounts struct {
	Draft, Submitted, Assessed, Referred int
}

// Total is every evidence item counted.
func (c EvidenceCounts) Total() int { return c.Draft + c.Submitted + c.Assessed + c.Referred }

// CertificateLine is one certificate issued to a person.
type CertificateLine struct {
	Number    string
	Kind      string
	IssuedOn  string
	RevokedAt string
}

// permute reorders rows in place so that rows[i] becomes the old
// rows[order[i]], following each cycle once; order is used up.
func Permute[T any](rows []T, order []int) {
	for i := range rows {
		if order[i] < 0 {
			continue
		}
		first := rows[i]
		for j := i; ; {
			k := order[j]
			order[j] = -1
			if k == i {
				rows[j] = first
				break
			}
			rows[j] = rows[k]
			j = k
		}
	}
}
