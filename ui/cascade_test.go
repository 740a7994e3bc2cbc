package ui

import (
	"bytes"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// reachSQL counts a trainer's reach without the model (docs/numbers.md):
// the distinct people enrolled on, or present at a session of, any course
// the trainer led or taught a session of — the figure the trainer page lists.
const reachSQL = `WITH taught(id) AS (
        SELECT id FROM courses WHERE lead_trainer_id = $1
        UNION SELECT course_id FROM sessions WHERE trainer_id = $1)
    SELECT count(*) FROM (
        SELECT e.person_id FROM enrolments e WHERE e.course_id IN taught
        UNION SELECT a.person_id FROM attendance a JOIN sessions s ON s.id = a.session_id
        WHERE a.present = 1 AND s.course_id IN taught)`

// reachShown finds the reach number in a node's text.
var reachShown = regexp.MustCompile(`reach ([0-9,]+)`)

// nodeText is what the tree shows for a node.
func nodeText(s *cascadeScreen, id widget.TreeNodeID) string {
	o := s.createNode(false)
	s.updateNode(id, false, o)
	return shownText(o)
}

func TestCascadeTreeReachMatchesSQL(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newCascadeScreen(e).(*cascadeScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cascade", func() bool { return len(s.view.children[""]) > 0 })

	var founding int
	st.DB().QueryRow(`SELECT count(*) FROM trainers WHERE trained_by_id IS NULL`).Scan(&founding)
	roots := s.view.children[""]
	if len(roots) != founding {
		t.Fatalf("tree has %d roots; want the %d founding trainers", len(roots), founding)
	}
	// Every founding trainer, and every trainer one level down, shows the
	// reach SQL counts.
	checked := 0
	var check func(ids []widget.TreeNodeID, depth int)
	check = func(ids []widget.TreeNodeID, depth int) {
		for _, id := range ids {
			n := s.view.nodes[id]
			if n.Kind != model.NodeTrainer {
				continue
			}
			var want int
			if err := st.DB().QueryRow(reachSQL, n.ID).Scan(&want); err != nil {
				t.Fatal(err)
			}
			shown := nodeText(s, id)
			if m := reachShown.FindStringSubmatch(shown); m == nil || m[1] != num(want) {
				t.Errorf("%s shows %q; SQL counts reach %s", n.Label, shown, num(want))
			}
			if !strings.Contains(shown, "gen ") {
				t.Errorf("%s shows %q; want its generation", n.Label, shown)
			}
			checked++
			if depth < 1 {
				check(s.view.children[id], depth+1)
			}
		}
	}
	check(roots, 0)
	if checked <= founding {
		t.Errorf("checked %d trainers; want the founders and their trainees", checked)
	}
	// The first founding trainer is on screen with that reach.
	if first := nodeText(s, roots[0]); !strings.Contains(shownText(w.Content()), strings.Split(first, "\n")[1]) {
		t.Errorf("window does not show %q", first)
	}

	// Thin spots the demo planted are listed.
	var lonely int
	st.DB().QueryRow(`SELECT count(*) FROM organisers o WHERE o.role = 'senior' AND o.status <> 'withdrawn'
        AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id)`).Scan(&lonely)
	if !strings.Contains(s.summary.Text, num(lonely)+" seniors supporting no volunteers") || lonely == 0 {
		t.Errorf("summary %q; want %d lonely seniors", s.summary.Text, lonely)
	}

	// Selecting a person opens their details.
	s.onNodeSelected(roots[0])
	waitFor(t, q, "the person dialog", func() bool { return w.Canvas().Overlays().Top() != nil })
	if got := shownText(w.Canvas().Overlays().Top()); !strings.Contains(got, "Trainer: ") || !strings.Contains(got, "Email: ") {
		t.Errorf("person dialog shows %q", got)
	}

	// The diagram renders as a PNG in the Diagram tab.
	waitFor(t, q, "the diagram", func() bool { return len(s.png) > 0 })
	if _, err := png.Decode(bytes.NewReader(s.png)); err != nil {
		t.Errorf("diagram is not a PNG: %v", err)
	}
}
