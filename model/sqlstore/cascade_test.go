package sqlstore

import (
	"cascade/model"
	"context"
	"strings"
	"testing"
)

// sharedDemo is demoDB for benchmarks too: one scale-1 demo per binary.
func sharedDemo(tb testing.TB) *Store {
	tb.Helper()
	if t, ok := tb.(*testing.T); ok {
		s, _ := demoDB(t)
		return s
	}
	demoOnce.Do(buildSharedDemo)
	if demoErr != nil {
		tb.Fatalf("Demo: %v", demoErr)
	}
	return demoStore
}

// trainerReachSQL counts, independently of Cascade's in-memory build, a
// trainer's reach as docs/numbers.md defines it: the distinct people enrolled
// on, or present at a session of, any course the trainer led or taught a
// session of.
const trainerReachSQL = `WITH taught(id) AS (
        SELECT id FROM courses WHERE lead_trainer_id = $1
        UNION SELECT course_id FROM sessions WHERE trainer_id = $1)
    SELECT count(*) FROM (
        SELECT e.person_id FROM enrolments e WHERE e.course_id IN (SELECT id FROM taught)
        UNION SELECT a.person_id FROM attendance a JOIN sessions s ON s.id = a.session_id
        WHERE a.present = 1 AND s.course_id IN (SELECT id FROM taught)) reached`

func TestCascadeReachMatchesSQL(t *testing.T) {
	s := sharedDemo(t)
	c, err := s.Cascade(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Roots) == 0 {
		t.Fatal("Cascade has no roots")
	}
	founding := count(t, s, `SELECT count(*) FROM trainers WHERE trained_by_id IS NULL`)
	trainerRoots := 0
	checked := 0
	c.Walk(func(n *model.CascadeNode, depth int) bool {
		if n.Kind != model.NodeTrainer {
			return false
		}
		if depth == 0 {
			trainerRoots++
		}
		if want := count(t, s, trainerReachSQL, n.ID); n.Reach != want {
			t.Errorf("trainer %d %s: reach %d; SQL counts %d", n.ID, n.Label, n.Reach, want)
		}
		checked++
		return true
	})
	if trainerRoots != founding {
		t.Errorf("Cascade has %d trainer roots; want the %d founding trainers", trainerRoots, founding)
	}
	if trainers := count(t, s, `SELECT count(*) FROM trainers`); checked != trainers {
		t.Errorf("walked %d trainer nodes; want every one of %d trainers", checked, trainers)
	}
	// Every senior node's reach is the volunteers they support.
	c.Walk(func(n *model.CascadeNode, depth int) bool {
		if n.Kind == model.NodeSenior {
			if want := count(t, s, `SELECT count(*) FROM organisers WHERE supported_by_id = $1`, n.ID); n.Reach != want {
				t.Errorf("senior %d: reach %d; want %d", n.ID, n.Reach, want)
			}
			return false
		}
		return true
	})
	people := count(t, s, `SELECT count(*) FROM trainers WHERE trained_by_id IS NOT NULL`)
	if c.People < people {
		t.Errorf("cascade reaches %d people; want at least the %d trained trainers", c.People, people)
	}
}

func TestCascadeThinSpots(t *testing.T) {
	s := sharedDemo(t)
	c, err := s.Cascade(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, ts := range c.ThinSpots {
		got[ts.Kind]++
	}
	wantSeniors := count(t, s, `SELECT count(*) FROM organisers o WHERE o.role = 'senior' AND o.status <> 'withdrawn'
        AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id)`)
	wantHosts := count(t, s, `SELECT count(*) FROM (SELECT h.id FROM hosts h
        LEFT JOIN organisers o ON o.host_id = h.id AND o.role = 'senior' AND o.status <> 'withdrawn'
        GROUP BY h.id HAVING count(o.id) NOT BETWEEN 2 AND 5) flagged`)
	if got[model.ThinSenior] != wantSeniors || wantSeniors == 0 {
		t.Errorf("thin seniors = %d; want %d (the demo plants some)", got[model.ThinSenior], wantSeniors)
	}
	if got[model.ThinHost] != wantHosts || wantHosts == 0 {
		t.Errorf("thin hosts = %d; want %d (the demo plants some)", got[model.ThinHost], wantHosts)
	}
	gens := 0
	for _, g := range c.Generations {
		gens += g.Trainers
	}
	if want := count(t, s, `SELECT count(*) FROM trainers`); gens != want {
		t.Errorf("generations hold %d trainers; want %d", gens, want)
	}
}

func TestCascadeFlagsCohortWithoutTrainer(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	now := model.Now()
	exec := execOn(t, s.db)
	exec(`INSERT INTO cohorts (id, number, created_at) VALUES (1, 1, $1), (2, 2, $1)`, now)
	exec(`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES
        (1, 'Ada', 'Founder', 'ada@example.org', $1, $1), (2, 'Ben', 'Senior', 'ben@example.org', $1, $1),
        (3, 'Cai', 'Volunteer', 'cai@example.org', $1, $1), (4, 'Dee', 'Senior', 'dee@example.org', $1, $1)`, now)
	exec(`INSERT INTO trainers (id, person_id, status, created_at) VALUES (1, 1, 'active', $1)`, now)
	exec(`INSERT INTO organisers (id, person_id, role, cohort_id, created_at, updated_at) VALUES
        (1, 2, 'senior', 1, $1, $1), (3, 4, 'senior', 2, $1, $1)`, now)
	exec(`INSERT INTO organisers (id, person_id, role, cohort_id, supported_by_id, created_at, updated_at) VALUES
        (2, 3, 'volunteer', 1, 1, $1, $1)`, now)
	exec(`INSERT INTO courses (id, kind, title, cohort_id, lead_trainer_id, created_at) VALUES
        (1, 'main', 'Main course 1', 1, 1, $1), (2, 'main', 'Main course 2', 2, NULL, $1)`, now)
	exec(`INSERT INTO enrolments (course_id, person_id) VALUES (1, 2), (2, 4)`)

	c, err := s.Cascade(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Ada led Main course 1, on which Ben is enrolled: she reached one
	// person (Cai, the volunteer Ben supports, hangs under Ben's node).
	if len(c.Roots) != 2 || c.Roots[0].Reach != 1 || c.Roots[1].Kind != model.NodeGroup {
		t.Fatalf("roots = %+v; want Ada reaching 1, then the no-trainer group", c.Roots)
	}
	var flagged []string
	for _, ts := range c.ThinSpots {
		flagged = append(flagged, ts.Kind+" "+ts.Name)
	}
	got := strings.Join(flagged, ", ")
	for _, want := range []string{"cohort Cohort 2", "senior Dee Senior"} {
		if !strings.Contains(got, want) {
			t.Errorf("thin spots %q; want %q", got, want)
		}
	}
	if strings.Contains(got, "Ben") {
		t.Errorf("thin spots %q name Ben, who supports Cai", got)
	}
	if c.People != 4 {
		t.Errorf("People = %d; want 4 (Ada, Ben, Cai and Dee)", c.People)
	}
}

func BenchmarkCascade(b *testing.B) {
	s := sharedDemo(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Cascade(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
