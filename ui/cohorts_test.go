package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

func TestCohortsShowHostsAndFlags(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
	if len(s.cohorts) != 14 {
		t.Errorf("%d cohorts shown; want the demo's 14", len(s.cohorts))
	}
	// The team-size flag agrees with check's own SQL count.
	rep, err := st.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range rep.Flags {
		if strings.HasPrefix(f.Name, "hosts with a team outside") {
			want = f.Count
		}
	}
	if want == 0 || !strings.Contains(s.status.Text, fmt.Sprintf("%d with a team outside", want)) {
		t.Errorf("status reads %q; check flags %d hosts", s.status.Text, want)
	}
	s.cohortTable.Select(widget.TableCellID{Row: 1})
	c := s.cohorts[1]
	if len(s.hosts) != c.Hosts || c.Hosts == 0 {
		t.Fatalf("cohort %d: %d hosts listed; the cohort counts %d", c.Number, len(s.hosts), c.Hosts)
	}
	for _, h := range s.hosts {
		if h.CohortID != c.ID {
			t.Errorf("host %s of cohort %d listed under cohort %d", h.Name, h.CohortNumber, c.Number)
		}
	}
	// A flagged host says so in its row.
	for i, h := range s.allHosts {
		if h.TeamFlagged() {
			if got := hostCell(s.allHosts[i], 3); !strings.Contains(got, "outside 2–5") {
				t.Errorf("flagged host %s (team %d) shows %q", h.Name, h.Team, got)
			}
			break
		}
	}
	s.hostTable.Select(widget.TableCellID{Row: 0})
	h := s.hosts[0]
	waitFor(t, q, "the host's organisers", func() bool { return len(s.organisers) > 0 })
	if len(s.organisers) != h.Team+h.Volunteers+countWithdrawn(s.organisers) {
		t.Errorf("%s: %d organisers listed; team %d + volunteers %d + withdrawn", h.Name, len(s.organisers), h.Team, h.Volunteers)
	}
}

func countWithdrawn(rows []model.OrganiserRow) int {
	n := 0
	for _, r := range rows {
		if r.Status == model.StatusWithdrawn {
			n++
		}
	}
	return n
}
