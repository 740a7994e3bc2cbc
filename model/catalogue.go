package model

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Catalogue is the OCN catalogue as exchanged in JSON: units with their
// outcomes and criteria, and qualifications with their rules of combination.
type Catalogue struct {
	Units          []Unit          `json:"units"`
	Qualifications []Qualification `json:"qualifications"`
}

// Unit is an OCN unit. Level 0 is Entry.
type Unit struct {
	ID          int64     `json:"-"`
	Code        string    `json:"code"`
	Title       string    `json:"title"`
	Level       int       `json:"level"`
	Credits     int       `json:"credits"`
	GuidedHours int       `json:"guided_hours"`
	Outcomes    []Outcome `json:"outcomes"`
}

// Outcome is a learning outcome, numbered 1, 2… within its unit.
type Outcome struct {
	ID       int64       `json:"-"`
	Number   int         `json:"number"`
	Text     string      `json:"text"`
	Criteria []Criterion `json:"criteria"`
}

// Criterion is an assessment criterion, numbered 1.1, 1.2… within its unit.
type Criterion struct {
	ID     int64  `json:"-"`
	Number string `json:"number"`
	Text   string `json:"text"`
}

// LevelCredits is "so many credits at or above this level".
type LevelCredits struct {
	Level   int `json:"level"`
	Credits int `json:"credits"`
}

// Qualification is a qualification and its rules of combination.
type Qualification struct {
	ID          int64         `json:"-"`
	Code        string        `json:"code"`
	Title       string        `json:"title"`
	Level       int           `json:"level"`
	MinCredits  int           `json:"min_credits"`
	AtOrAbove   *LevelCredits `json:"min_credits_at_or_above,omitempty"`
	Groups      []Group       `json:"groups"`
	UnitDetails []Unit        `json:"-"` // the units its groups name, for the progress function
}

// Group is a group of units in a qualification's rules of combination.
type Group struct {
	ID         int64    `json:"-"`
	Name       string   `json:"name"`
	Mandatory  bool     `json:"mandatory"`
	MinCredits int      `json:"min_credits"`
	MaxCredits *int     `json:"max_credits"` // nil: no cap
	Units      []string `json:"units"`
}

// Criteria lists a unit's criteria in order.
func (u Unit) Criteria() []Criterion {
	var out []Criterion
	for _, o := range u.Outcomes {
		out = append(out, o.Criteria...)
	}
	return out
}

// PathError names where in an imported document a fault is, as
// units[2].outcomes[0].criteria[1]: number 1.1 repeated.
type PathError struct {
	Path, Reason string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Reason }

// Unwrap lets callers test for ErrInvalid.
func (e *PathError) Unwrap() error { return ErrInvalid }

// Validate checks a catalogue on its own (known is the set of unit codes
// already in the database, which groups may also name) and returns the first
// fault with its path.
func (c Catalogue) Validate(known map[string]bool) error {
	codes := map[string]bool{}
	bad := func(path, format string, a ...any) error { return &PathError{path, fmt.Sprintf(format, a...)} }
	// text refuses hostile or over-long text, named by its path.
	text := func(path, v string, k TextKind) error {
		if p := textProblem(v, k.Max, k.Multiline); p != "" {
			return &PathError{path, p}
		}
		return nil
	}
	for i, u := range c.Units {
		p := fmt.Sprintf("units[%d]", i)
		if err := cmp.Or(text(p+".code", u.Code, TextCode), text(p+".title", u.Title, TextTitle)); err != nil {
			return err
		}
		switch {
		case strings.TrimSpace(u.Code) == "":
			return bad(p+".code", "required")
		case codes[u.Code]:
			return bad(p+".code", "%s repeated", u.Code)
		case strings.TrimSpace(u.Title) == "":
			return bad(p+".title", "required")
		case u.Level < 0 || u.Level > 8:
			return bad(p+".level", "%d is not a level 0 (Entry) to 8", u.Level)
		case u.Credits < 1:
			return bad(p+".credits", "%d: a unit carries at least 1 credit", u.Credits)
		case u.GuidedHours < 0:
			return bad(p+".guided_hours", "%d is negative", u.GuidedHours)
		case len(u.Outcomes) == 0:
			return bad(p+".outcomes", "a unit needs at least one learning outcome")
		}
		codes[u.Code] = true
		numbers, crit := map[int]bool{}, map[string]bool{}
		for j, o := range u.Outcomes {
			op := fmt.Sprintf("%s.outcomes[%d]", p, j)
			if err := text(op+".text", o.Text, TextOutcome); err != nil {
				return err
			}
			switch {
			case o.Number < 1:
				return bad(op+".number", "%d: outcomes are numbered from 1", o.Number)
			case numbers[o.Number]:
				return bad(op, "number %d repeated", o.Number)
			case strings.TrimSpace(o.Text) == "":
				return bad(op+".text", "required")
			case len(o.Criteria) == 0:
				return bad(op+".criteria", "an outcome needs at least one assessment criterion")
			}
			numbers[o.Number] = true
			for k, cr := range o.Criteria {
				cp := fmt.Sprintf("%s.criteria[%d]", op, k)
				if err := cmp.Or(text(cp+".number", cr.Number, TextCode), text(cp+".text", cr.Text, TextOutcome)); err != nil {
					return err
				}
				before, after, ok := strings.Cut(cr.Number, ".")
				n, err := strconv.Atoi(after)
				switch {
				case !ok || before != strconv.Itoa(o.Number) || err != nil || n < 1:
					return bad(cp, "number %q is not %d.N", cr.Number, o.Number)
				case crit[cr.Number]:
					return bad(cp, "number %s repeated", cr.Number)
				case strings.TrimSpace(cr.Text) == "":
					return bad(cp+".text", "required")
				}
				crit[cr.Number] = true
			}
		}
	}
	quals := map[string]bool{}
	for i, q := range c.Qualifications {
		p := fmt.Sprintf("qualifications[%d]", i)
		if err := cmp.Or(text(p+".code", q.Code, TextCode), text(p+".title", q.Title, TextTitle)); err != nil {
			return err
		}
		switch {
		case strings.TrimSpace(q.Code) == "":
			return bad(p+".code", "required")
		case quals[q.Code]:
			return bad(p+".code", "%s repeated", q.Code)
		case strings.TrimSpace(q.Title) == "":
			return bad(p+".title", "required")
		case q.Level < 0 || q.Level > 8:
			return bad(p+".level", "%d is not a level 0 (Entry) to 8", q.Level)
		case q.MinCredits < 0:
			return bad(p+".min_credits", "%d is negative", q.MinCredits)
		case len(q.Groups) == 0:
			return bad(p+".groups", "a qualification needs at least one group of units")
		}
		if a := q.AtOrAbove; a != nil && (a.Level < 0 || a.Level > 8 || a.Credits < 0) {
			return bad(p+".min_credits_at_or_above", "level %d, credits %d: level 0–8 and credits not negative", a.Level, a.Credits)
		}
		quals[q.Code] = true
		for j, g := range q.Groups {
			gp := fmt.Sprintf("%s.groups[%d]", p, j)
			if err := text(gp+".name", g.Name, TextLine); err != nil {
				return err
			}
			switch {
			case strings.TrimSpace(g.Name) == "":
				return bad(gp+".name", "required")
			case len(g.Units) == 0:
				return bad(gp+".units", "a group needs at least one unit")
			case g.MinCredits < 0:
				return bad(gp+".min_credits", "%d is negative", g.MinCredits)
			case g.MaxCredits != nil && *g.MaxCredits < g.MinCredits:
				return bad(gp+".max_credits", "%d is below min_credits %d", *g.MaxCredits, g.MinCredits)
			}
			seen := map[string]bool{}
			for k, code := range g.Units {
				if err := text(fmt.Sprintf("%s.units[%d]", gp, k), code, TextCode); err != nil {
					return err
				}
				switch {
				case !codes[code] && !known[code]:
					return bad(fmt.Sprintf("%s.units[%d]", gp, k), "unit %s is not in the catalogue", code)
				case seen[code]:
					return bad(fmt.Sprintf("%s.units[%d]", gp, k), "unit %s repeated", code)
				}
				seen[code] = true
			}
		}
	}
	return nil
}
