package model

import (
	"errors"
	"strings"
	"testing"
)

func TestPairTarget(t *testing.T) {
	for _, c := range []struct{ sum, want int }{
		{0, 0},     // no decisions, nothing to sample
		{10, 1},    // one decision at 10%: still one, so the pair is covered
		{100, 1},   // ten decisions at 10%
		{101, 2},   // a part decision rounds up
		{250, 3},   // 25 decisions at 10%
		{-5, 0},    // nonsense in, nothing out
		{4800, 48}, // a pair all sampled at 100%
	} {
		if got := PairTarget(c.sum); got != c.want {
			t.Errorf("PairTarget(%d) = %d; want %d", c.sum, got, c.want)
		}
	}
}

func TestDrawArithmetic(t *testing.T) {
	d := SampleDraw{Lines: []DrawLine{{Sampled: 2, Target: 3, Add: []int64{7}}, {Sampled: 5, Target: 3}, {Target: 1, Add: []int64{8, 9}}}}
	if d.Adds() != 3 || d.Lines[0].After() != 3 || d.Lines[2].After() != 2 {
		t.Errorf("Adds = %d, After = %d, %d; want 3, 3, 2", d.Adds(), d.Lines[0].After(), d.Lines[2].After())
	}
	if !(MatrixCell{Sampled: 2, Target: 3}).UnderPlan() || (MatrixCell{Sampled: 3, Target: 3}).UnderPlan() || (MatrixCell{}).UnderPlan() {
		t.Error("UnderPlan is wrong at, under or with no plan")
	}
}

// TestNotYetNeedsFeedback: a Not yet achieved decision with no words of
// feedback is refused, naming the field; an Achieved one may have none.
func TestNotYetNeedsFeedback(t *testing.T) {
	crit := []int64{1, 2}
	for _, c := range []struct {
		name     string
		outcomes map[int64]string
		feedback string
		refused  bool
	}{
		{"not yet, empty", map[int64]string{1: OutcomeAchieved, 2: OutcomeNotYet}, "", true},
		{"not yet, blanks and newlines", map[int64]string{1: OutcomeNotYet, 2: OutcomeNotYet}, "  \n\t ", true},
		{"not yet, only punctuation", map[int64]string{1: OutcomeNotYet, 2: OutcomeAchieved}, " - . ", true},
		{"not yet, words", map[int64]string{1: OutcomeNotYet, 2: OutcomeAchieved}, "Say who you listened to for 1.1.", false},
		{"not yet, in Greek", map[int64]string{1: OutcomeNotYet, 2: OutcomeNotYet}, "Σοφία: λείπει", false},
		{"achieved, empty", map[int64]string{1: OutcomeAchieved, 2: OutcomeAchieved}, "", false},
	} {
		d := DecisionDraft{Outcomes: c.outcomes, Feedback: c.feedback, DecidedOn: "2013-01-14"}
		err := d.Validate(crit)
		if c.refused != (err != nil) {
			t.Errorf("%s: Validate = %v; refused %v wanted", c.name, err, c.refused)
			continue
		}
		if err != nil && (!errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "feedback: ") || !strings.Contains(err.Error(), "missing")) {
			t.Errorf("%s: Validate = %v; want an ErrInvalid naming the feedback and what it must say", c.name, err)
		}
	}
}
