package model

import "fmt"

// The programme's figures, each defined once here; docs/numbers.md says the
// same in words and the screens' labels and tips use those words.

// FoundingGeneration is the generation of founding trainers (those trained
// before the programme, with no trainer recorded): generation 1 everywhere.
const FoundingGeneration = 1

// GenerationLabel names a trainer generation the same way on every screen,
// diagram and report.
func GenerationLabel(g int) string {
	if g == FoundingGeneration {
		return fmt.Sprintf("Generation %d (founding trainers)", g)
	}
	return fmt.Sprintf("Generation %d", g)
}

// IsFoundingTrainer says whether a trainer is a founding trainer: no trainer
// recorded, never on one of the programme's train-the-trainers courses, and
// trained on or before the first of those courses began (firstTTT, "" when
// there is none yet). Anyone else with no trainer recorded is a gap in the
// records and is flagged; a founding trainer is not.
func IsFoundingTrainer(trainedByID int64, onTTTCourse bool, trainedOn, firstTTT string) bool {
	if trainedByID != 0 || onTTTCourse {
		return false
	}
	return firstTTT == "" || (trainedOn != "" && trainedOn <= firstTTT)
}

// TeamOutside reports a host's team (senior organisers, not withdrawn) outside 2–5.
func TeamOutside(team int) bool { return team < TeamMin || team > TeamMax }

// TeamFlagText is the flag a host with a team outside 2–5 carries.
func TeamFlagText(team int) string {
	if team == 1 {
		return fmt.Sprintf("team of 1 senior organiser, outside %d–%d", TeamMin, TeamMax)
	}
	return fmt.Sprintf("team of %d senior organisers, outside %d–%d", team, TeamMin, TeamMax)
}

// TrainerReach is a trainer's reach: the distinct people enrolled on, or
// present at a session of, any course the trainer led or taught at least one
// session of (any kind, train-the-trainers included). people holds one entry
// per enrolment or attendance; the trainer page lists exactly these people.
func TrainerReach(people []int64) int {
	seen := make(map[int64]bool, len(people))
	for _, p := range people {
		seen[p] = true
	}
	return len(seen)
}

// TrainerWorking says whether a trainer is expected to deliver: accredited or
// active and not retired. A working trainer with reach 0 is a thin spot.
func TrainerWorking(status, retiredOn string) bool {
	return retiredOn == "" && (status == TrainerAccredited || status == TrainerActive)
}

// HostTeamText says who a host holds, in the words of the Cohorts & hosts
// rows: team (seniors, not withdrawn), volunteers (not withdrawn), then the
// withdrawn, who are listed but not counted.
func HostTeamText(h Headcount) string {
	s := fmt.Sprintf("team %d (seniors, not withdrawn) + %d volunteers (not withdrawn)", h.Seniors, h.Volunteers)
	if h.Withdrawn > 0 {
		s += fmt.Sprintf(" · %d withdrawn, listed but not counted", h.Withdrawn)
	}
	return s
}

// Headcount counts organisers in one group (the programme, a cohort, a host,
// a region). Seniors and Volunteers count those not withdrawn (in training
// or completed); Withdrawn counts the rest, so Started is everyone who began.
type Headcount struct {
	Seniors    int // senior organisers, not withdrawn
	Volunteers int // volunteer organisers, not withdrawn
	Active     int // not withdrawn and not yet completed
	Completed  int
	Withdrawn  int // seniors and volunteers who withdrew
}

// Add counts n organisers of one role and status.
func (h *Headcount) Add(role, status string, n int) {
	switch status {
	case StatusWithdrawn:
		h.Withdrawn += n
		return
	case StatusCompleted:
		h.Completed += n
	default:
		h.Active += n
	}
	switch role {
	case RoleSenior:
		h.Seniors += n
	case RoleVolunteer:
		h.Volunteers += n
	}
}

// Started is everyone who began, withdrawn or not.
func (h Headcount) Started() int { return h.Seniors + h.Volunteers + h.Withdrawn }

// Tips: the words of docs/numbers.md that the screens show beside a figure.
const (
	TipReach      = "People reached: everyone enrolled on, or present at a session of, a course the trainer led or taught at least one session of (any kind, train-the-trainers included), counted once."
	TipSeniors    = "Seniors and volunteers count organisers not withdrawn: in training or completed. Withdrawn organisers are counted apart."
	TipGeneration = "Generation: founding trainers are generation 1; a trainer is one generation below whoever trained them."
)
