package model

import "testing"

func TestFigureRules(t *testing.T) {
	for n, want := range map[int]bool{0: true, 1: true, 2: false, 5: false, 6: true} {
		if TeamOutside(n) != want {
			t.Errorf("TeamOutside(%d) = %v; want %v", n, !want, want)
		}
	}
	if TeamFlagText(1) != "team of 1 senior organiser, outside 2–5" || TeamFlagText(7) != "team of 7 senior organisers, outside 2–5" {
		t.Errorf("flag texts %q, %q", TeamFlagText(1), TeamFlagText(7))
	}
	cases := []struct {
		by        int64
		ttt       bool
		on, first string
		founding  bool
	}{
		{0, false, "2011-06-06", "2011-08-01", true},
		{0, false, "2011-08-01", "2011-08-01", true},  // trained the day the first course began
		{0, false, "2012-01-01", "2011-08-01", false}, // trained later: a gap
		{0, false, "", "2011-08-01", false},           // no date: cannot tell, so flagged
		{0, true, "2011-06-06", "2011-08-01", false},  // sat a ttt course: a gap
		{0, false, "", "", true},                      // no ttt course yet: everyone is founding
		{7, false, "2011-06-06", "2011-08-01", false}, // has a trainer
	}
	for _, c := range cases {
		if got := IsFoundingTrainer(c.by, c.ttt, c.on, c.first); got != c.founding {
			t.Errorf("IsFoundingTrainer(%d, %v, %q, %q) = %v; want %v", c.by, c.ttt, c.on, c.first, got, c.founding)
		}
	}
	var h Headcount
	h.Add(RoleSenior, StatusActive, 2)
	h.Add(RoleSenior, StatusWithdrawn, 1)
	h.Add(RoleVolunteer, StatusCompleted, 3)
	if h != (Headcount{Seniors: 2, Volunteers: 3, Active: 2, Completed: 3, Withdrawn: 1}) || h.Started() != 6 {
		t.Errorf("headcount %+v, started %d", h, h.Started())
	}
	if GenerationLabel(FoundingGeneration) != "Generation 1 (founding trainers)" || GenerationLabel(2) != "Generation 2" {
		t.Errorf("labels %q, %q", GenerationLabel(1), GenerationLabel(2))
	}
	if TrainerReach([]int64{3, 3, 4}) != 2 || TrainerReach(nil) != 0 {
		t.Error("TrainerReach does not count distinct people")
	}
}
