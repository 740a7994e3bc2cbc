package model

import (
	"fmt"
	"sort"
)

// AchievedUnit is a unit a learner has achieved, as the progress function needs it.
type AchievedUnit struct {
	Code    string
	Level   int
	Credits int
}

// QualificationProgress is where a learner stands against one qualification.
type QualificationProgress struct {
	Qualification    string   `json:"qualification"`
	Credits          int      `json:"credits"`
	CreditsAtOrAbove int      `json:"credits_at_or_above"`
	AchievedUnits    []string `json:"achieved_units"`
	Eligible         bool     `json:"eligible"`
	Size             string   `json:"size"`
	Missing          []string `json:"missing"`
}

// Size names a qualification size from credits: Award 1–12, Certificate
// 13–36, Diploma 37+, and "" below 1.
func Size(credits int) string {
	switch {
	case credits >= 37:
		return "Diploma"
	case credits >= 13:
		return "Certificate"
	case credits >= 1:
		return "Award"
	}
	return ""
}

// Progress is THE computation of a learner's progress and eligibility
// against a qualification's rules of combination; every screen, report,
// command and certificate goes through it.
//
// Only units the rules name count. Mandatory groups come first and need every
// unit; an optional group counts its achieved units' credits up to its
// max_credits and needs at least min_credits; a unit named by two groups
// counts once, in the first group that takes it. Credits at or above a level
// are counted among the credits that counted.
func Progress(q Qualification, achieved []AchievedUnit) QualificationProgress {
	p := QualificationProgress{Qualification: q.Code, AchievedUnits: []string{}, Missing: []string{}}
	have := map[string]AchievedUnit{}
	for _, a := range achieved {
		have[a.Code] = a
	}
	groups := make([]Group, len(q.Groups))
	copy(groups, q.Groups)
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Mandatory && !groups[j].Mandatory })
	counted := map[string]bool{}
	for _, g := range groups {
		sum := 0
		for _, code := range g.Units {
			a, ok := have[code]
			if !ok {
				if g.Mandatory {
					p.Missing = append(p.Missing, fmt.Sprintf("mandatory unit %s not achieved", code))
				}
				continue
			}
			if counted[code] {
				continue
			}
			if !g.Mandatory && g.MaxCredits != nil && sum+a.Credits > *g.MaxCredits {
				continue // beyond the group's cap: it does not count here
			}
			counted[code] = true
			sum += a.Credits
			p.Credits += a.Credits
			if q.AtOrAbove != nil && a.Level >= q.AtOrAbove.Level {
				p.CreditsAtOrAbove += a.Credits
			}
			p.AchievedUnits = append(p.AchievedUnits, code)
		}
		if !g.Mandatory && sum < g.MinCredits {
			p.Missing = append(p.Missing, fmt.Sprintf("%s: %d of %d credits", g.Name, sum, g.MinCredits))
		}
	}
	if p.Credits < q.MinCredits {
		p.Missing = append(p.Missing, fmt.Sprintf("%d of %d credits", p.Credits, q.MinCredits))
	}
	if a := q.AtOrAbove; a != nil && p.CreditsAtOrAbove < a.Credits {
		p.Missing = append(p.Missing, fmt.Sprintf("%d of %d credits at level %s or above", p.CreditsAtOrAbove, a.Credits, LevelName(a.Level)))
	}
	sort.Strings(p.AchievedUnits)
	p.Size = Size(p.Credits)
	p.Eligible = len(p.Missing) == 0
	return p
}

// LevelName is "Entry" for level 0, else the number.
func LevelName(level int) string {
	if level == 0 {
		return "Entry"
	}
	return fmt.Sprint(level)
}

// LearnerProgress is one learner's progress against one qualification they
// are registered for.
type LearnerProgress struct {
	OrganiserID int64
	Email       string
	Name        string
	Cohort      int
	QualificationProgress
}

// ProgressFilter picks learners: by email, by cohort number, or all when empty.
type ProgressFilter struct {
	OrganiserID int64
	Email       string
	Cohort      int
}
