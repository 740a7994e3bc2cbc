package model

import (
	"cmp"
	"strings"
)

// Team sizes a host should hold: senior organisers outside this range are flagged.
const (
	TeamMin = 2
	TeamMax = 5
)

// Cohort is one intake of hosts and organisers, with its dates.
type Cohort struct {
	ID               int64
	Number           int
	HostInductionOn  string
	TrainingStartsOn string
	TrainingEndsOn   string
	Seen             Seen `json:"-"` // what a form read, for its save's check
}

// Validate checks a cohort's number and dates.
func (c *Cohort) Validate() error {
	if c.Number <= 0 {
		return FieldErr("number", "must be a whole number above 0")
	}
	for _, d := range []struct{ field, v string }{
		{"host induction", c.HostInductionOn}, {"training starts", c.TrainingStartsOn}, {"training ends", c.TrainingEndsOn}} {
		if err := ValidateDate(d.v); err != nil {
			return &FieldError{d.field, err.Error()}
		}
	}
	if c.TrainingStartsOn != "" && c.TrainingEndsOn != "" && c.TrainingEndsOn < c.TrainingStartsOn {
		return FieldErr("training ends", "is before training starts")
	}
	if c.HostInductionOn != "" && c.TrainingStartsOn != "" && c.TrainingStartsOn < c.HostInductionOn {
		return FieldErr("training starts", "is before the host induction")
	}
	return nil
}

// CohortRow is a cohort with its counts, as the cohorts table shows it.
type CohortRow struct {
	Cohort
	Hosts      int
	Seniors    int // not withdrawn
	Volunteers int // not withdrawn
	Flagged    int // hosts whose team is outside 2–5
}

// Host settings.
const (
	SettingRural = "rural"
	SettingUrban = "urban"
)

// Host is a host organisation that recruits and holds a team of organisers.
type Host struct {
	ID          int64
	Name        string
	Region      string
	Setting     string // rural or urban
	Kickstarter bool
	Partner     string // referring network partner; "" when found directly
	CohortID    int64
	Seen        Seen `json:"-"` // what a form read, for its save's check
}

// Validate checks a host's fields.
func (h *Host) Validate() error {
	h.Name = strings.TrimSpace(h.Name)
	h.Region = strings.TrimSpace(h.Region)
	h.Partner = strings.TrimSpace(h.Partner)
	if h.Name == "" {
		return FieldErr("name", "is required")
	}
	if err := cmp.Or(TextLine.Check("name", h.Name), TextLine.Check("region", h.Region), TextLine.Check("partner", h.Partner)); err != nil {
		return err
	}
	if h.Region == "" {
		return FieldErr("region", "is required")
	}
	if h.Setting == "" {
		h.Setting = SettingUrban
	}
	if h.Setting != SettingRural && h.Setting != SettingUrban {
		return FieldErr("setting", "must be rural or urban, not %q", h.Setting)
	}
	return nil
}

// HostRow is a host with its cohort and team, as the hosts table shows it.
type HostRow struct {
	Host
	CohortNumber int
	Team         int // senior organisers, not withdrawn
	Volunteers   int // volunteer organisers, not withdrawn
}

// TeamFlagged reports a team of senior organisers outside 2–5.
func (h HostRow) TeamFlagged() bool { return TeamOutside(h.Team) }
