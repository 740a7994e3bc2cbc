package model

import (
	"reflect"
	"testing"
)

func intp(n int) *int { return &n }

func TestProgressRulesOfCombination(t *testing.T) {
	u := func(code string, level, credits int) AchievedUnit { return AchievedUnit{code, level, credits} }
	cert := Qualification{Code: "Q3", MinCredits: 16, AtOrAbove: &LevelCredits{Level: 3, Credits: 10}, Groups: []Group{
		{Name: "Mandatory", Mandatory: true, Units: []string{"M1", "M2"}},
		{Name: "Optional", MinCredits: 6, MaxCredits: intp(9), Units: []string{"O1", "O2", "O3", "M2"}},
	}}
	entry := Qualification{Code: "E", MinCredits: 2, AtOrAbove: &LevelCredits{Level: 0, Credits: 2}, Groups: []Group{
		{Name: "Any", Units: []string{"E1", "E2"}}}}
	sized := Qualification{Code: "S", Groups: []Group{{Name: "Any", Units: []string{"A", "B", "C"}}}}
	cases := []struct {
		name     string
		q        Qualification
		achieved []AchievedUnit
		credits  int
		atAbove  int
		units    []string
		eligible bool
		size     string
		missing  []string
	}{
		{"nothing achieved", cert, nil, 0, 0, []string{}, false, "",
			[]string{"mandatory unit M1 not achieved", "mandatory unit M2 not achieved", "Optional: 0 of 6 credits", "0 of 16 credits", "0 of 10 credits at level 3 or above"}},
		{"mandatory group missing a unit", cert, []AchievedUnit{u("M1", 3, 4), u("O1", 3, 6), u("O2", 3, 3)}, 13, 13, []string{"M1", "O1", "O2"}, false, "Certificate",
			[]string{"mandatory unit M2 not achieved", "13 of 16 credits"}},
		{"optional group below its minimum", cert, []AchievedUnit{u("M1", 3, 4), u("M2", 3, 4), u("O1", 2, 3)}, 11, 8, []string{"M1", "M2", "O1"}, false, "Award",
			[]string{"Optional: 3 of 6 credits", "11 of 16 credits", "8 of 10 credits at level 3 or above"}},
		{"optional group counts only up to its maximum", cert, []AchievedUnit{u("M1", 3, 4), u("M2", 3, 4), u("O1", 3, 6), u("O2", 3, 6), u("O3", 2, 3)}, 17, 14,
			[]string{"M1", "M2", "O1", "O3"}, true, "Certificate", []string{}},
		{"unit in two groups counts once", cert, []AchievedUnit{u("M1", 3, 4), u("M2", 3, 4)}, 8, 8, []string{"M1", "M2"}, false, "Award",
			[]string{"Optional: 0 of 6 credits", "8 of 16 credits", "8 of 10 credits at level 3 or above"}},
		{"unit outside the rules does not count", cert, []AchievedUnit{u("X9", 3, 20)}, 0, 0, []string{}, false, "",
			[]string{"mandatory unit M1 not achieved", "mandatory unit M2 not achieved", "Optional: 0 of 6 credits", "0 of 16 credits", "0 of 10 credits at level 3 or above"}},
		{"entry level 0 counts at or above Entry", entry, []AchievedUnit{u("E1", 0, 1), u("E2", 0, 1)}, 2, 2, []string{"E1", "E2"}, true, "Award", []string{}},
		{"entry level short", entry, []AchievedUnit{u("E1", 0, 1)}, 1, 1, []string{"E1"}, false, "Award",
			[]string{"1 of 2 credits", "1 of 2 credits at level Entry or above"}},
		{"size 0", sized, nil, 0, 0, []string{}, true, "", []string{}},
		{"size 1", sized, []AchievedUnit{u("A", 1, 1)}, 1, 0, []string{"A"}, true, "Award", []string{}},
		{"size 12", sized, []AchievedUnit{u("A", 1, 12)}, 12, 0, []string{"A"}, true, "Award", []string{}},
		{"size 13", sized, []AchievedUnit{u("A", 1, 12), u("B", 1, 1)}, 13, 0, []string{"A", "B"}, true, "Certificate", []string{}},
		{"size 36", sized, []AchievedUnit{u("A", 1, 30), u("B", 1, 6)}, 36, 0, []string{"A", "B"}, true, "Certificate", []string{}},
		{"size 37", sized, []AchievedUnit{u("A", 1, 30), u("B", 1, 6), u("C", 1, 1)}, 37, 0, []string{"A", "B", "C"}, true, "Diploma", []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Progress(c.q, c.achieved)
			if p.Credits != c.credits || p.CreditsAtOrAbove != c.atAbove || p.Eligible != c.eligible || p.Size != c.size ||
				!reflect.DeepEqual(p.AchievedUnits, c.units) || !reflect.DeepEqual(p.Missing, c.missing) {
				t.Errorf("Progress(%s, %v) = credits %d, at/above %d, units %v, eligible %v, size %q, missing %q;\nwant %d, %d, %v, %v, %q, %q",
					c.q.Code, c.achieved, p.Credits, p.CreditsAtOrAbove, p.AchievedUnits, p.Eligible, p.Size, p.Missing,
					c.credits, c.atAbove, c.units, c.eligible, c.size, c.missing)
			}
		})
	}
}

func TestSizeBoundaries(t *testing.T) {
	for credits, want := range map[int]string{-1: "", 0: "", 1: "Award", 12: "Award", 13: "Certificate", 36: "Certificate", 37: "Diploma", 120: "Diploma"} {
		if got := Size(credits); got != want {
			t.Errorf("Size(%d) = %q; want %q", credits, got, want)
		}
	}
}

func TestSampleRates(t *testing.T) {
	p := IVPlan{BaseRate: 10, NewAssessorRate: 25}
	for _, c := range []struct {
		newAssessor bool
		generation  int
		want        int
	}{{false, 0, 10}, {true, 0, 25}, {false, 1, 20}, {true, 1, 35}} {
		if got := p.SampleRate(c.newAssessor, c.generation); got != c.want {
			t.Errorf("sampleRate(%v, %d) = %d; want %d", c.newAssessor, c.generation, got, c.want)
		}
	}
	// The random part samples about the rate, and the same decisions each time.
	n := 0
	for id := int64(1); id <= 10000; id++ {
		if Chosen(id, 25) {
			n++
		}
		if again := Chosen(id, 25); again != Chosen(id, 25) {
			t.Fatalf("chosen(%d) is not deterministic", id)
		}
	}
	if n < 2200 || n > 2800 {
		t.Errorf("chosen at 25%% picked %d of 10,000", n)
	}
}
