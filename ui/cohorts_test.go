package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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

func TestAddCohortWithEnterAndCancelWithEscape(t *testing.T) {
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
	before := len(s.cohorts)
	formEntries := func() []*escEntry {
		var out []*escEntry
		if over := w.Canvas().Overlays().Top(); over != nil {
			walk(over, func(o fyne.CanvasObject) {
				if e, ok := o.(*escEntry); ok {
					out = append(out, e)
				}
			})
		}
		return out
	}
	test.Tap(findButton(w.Content(), "Add cohort"))
	entries := formEntries()
	if len(entries) != 4 {
		t.Fatalf("the cohort form has %d entries; want number and three dates", len(entries))
	}
	entries[0].SetText(fmt.Sprint(before + 1))
	entries[1].SetText("2015-07-01")
	entries[2].SetText("2015-07-15")
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, q, "the new cohort", func() bool { return len(s.cohorts) == before+1 })
	if c := s.cohorts[before]; c.Number != before+1 || c.HostInductionOn != "2015-07-01" || c.TrainingStartsOn != "2015-07-15" {
		t.Errorf("new cohort shows %+v", c)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the form stayed open after Enter saved it")
	}
	test.Tap(findButton(w.Content(), "Add cohort"))
	entries = formEntries()
	entries[0].SetText("99")
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Escape left the form open")
	}
	q.drain()
	if got, _ := st.Cohorts(context.Background()); len(got) != before+1 {
		t.Errorf("after Escape there are %d cohorts; want %d", len(got), before+1)
	}
}
