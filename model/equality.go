package model

import (
	"fmt"
	"slices"
	"strings"
)

// EqualityQuestion is one self-declared equality monitoring question and the
// answers it takes. Every question is optional: an empty answer means the
// person did not answer, which is not the same as "Prefer not to say".
type EqualityQuestion struct {
	Field   string // column in equality_monitoring
	Label   string
	Answers []string
}

// PreferNotToSay is an answer every question offers.
const PreferNotToSay = "Prefer not to say"

// EqualityQuestions are the questions in the order the form asks them; the
// groups follow the Office for National Statistics' harmonised standards,
// shortened for a form.
var EqualityQuestions = []EqualityQuestion{
	{"gender", "Gender", []string{"Woman", "Man", "Non-binary", "Another gender identity", PreferNotToSay}},
	{"age_band", "Age", []string{"Under 25", "25–34", "35–44", "45–54", "55–64", "65 or over", PreferNotToSay}},
	{"ethnicity", "Ethnic group", []string{"White British", "White Irish", "White other",
		"Mixed or multiple ethnic groups", "Asian or Asian British", "Chinese", "Asian other",
		"Black African", "Black Caribbean", "Black other", "Arab", "Another ethnic group", PreferNotToSay}},
	{"disability", "Disability", []string{"Yes", "No", PreferNotToSay}},
}

// answers returns e's answers in EqualityQuestions order.
func (e Equality) answers() []string { return []string{e.Gender, e.AgeBand, e.Ethnicity, e.Disability} }

// Validate checks every answer is empty or one the question offers, naming
// each wrong one.
func (e Equality) Validate() error {
	var bad []string
	for i, a := range e.answers() {
		q := EqualityQuestions[i]
		if a != "" && !slices.Contains(q.Answers, a) {
			bad = append(bad, fmt.Sprintf("%s: %q is not one of the answers offered", strings.ToLower(q.Label), a))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(bad, "; "))
	}
	return nil
}
