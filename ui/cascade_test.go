package ui

import (
	"bytes"
	"context"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// reachShown finds the reach number in a node's text.
var reachShown = regexp.MustCompile(`reach ([0-9,]+)`)

// nodeText is what the tree shows for a node.
func nodeText(s *cascadeScreen, id widget.TreeNodeID) string {
	o := s.createNode(false)
	s.updateNode(id, false, o)
	return shownText(o)
}

func TestCascadeTreeShowsTheDomainsReach(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newCascadeScreen(e).(*cascadeScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cascade", func() bool { return len(s.view.children[""]) > 0 })
	ctx := context.Background()

	// The founding trainers are those with no trainer recorded, as the
	// trainer list has them.
	trainers, err := st.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	founding := 0
	for _, tr := range trainers.Trainers {
		if tr.TrainedByID == 0 {
			founding++
		}
	}
	roots := s.view.children[""]
	if len(roots) != founding || founding == 0 {
		t.Fatalf("tree has %d roots; want the %d founding trainers", len(roots), founding)
	}
	// Every founding trainer, and every trainer one level down, shows the
	// reach their trainer page lists (docs/numbers.md): the people enrolled
	// on, or present at, courses they led or taught.
	checked := 0
	var check func(ids []widget.TreeNodeID, depth int)
	check = func(ids []widget.TreeNodeID, depth int) {
		for _, id := range ids {
			n := s.view.nodes[id]
			if n.Kind != model.NodeTrainer {
				continue
			}
			d, err := st.TrainerDetail(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := len(d.Reached)
			shown := nodeText(s, id)
			if m := reachShown.FindStringSubmatch(shown); m == nil || m[1] != num(want) {
				t.Errorf("%s shows %q; their trainer page lists %s reached", n.Label, shown, num(want))
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

	// Thin spots the demo planted are listed: seniors, not withdrawn,
	// supporting no volunteers, as the organiser list counts them.
	rows, err := st.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lonely := 0
	for _, r := range rows {
		if r.Role == model.RoleSenior && r.Status != model.StatusWithdrawn && r.Supporting == 0 {
			lonely++
		}
	}
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
