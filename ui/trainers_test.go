package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// cellText is what the table shows at row, col.
func cellText(tb *widget.Table, row, col int) string {
	l := tb.CreateCell().(*widget.Label)
	tb.UpdateCell(widget.TableCellID{Row: row, Col: col}, l)
	return l.Text
}

func TestTrainersSearchNarrows(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newTrainersScreen(e).(*trainersScreen)
	w.SetContent(s.content())
	ctx := context.Background()
	sum, err := st.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := sum.Trainers
	waitFor(t, q, "the trainer network", func() bool { return len(s.shown) == total })
	if !strings.Contains(shownText(w.Content()), "Showing "+num(total)+" of "+num(total)+" trainers") {
		t.Errorf("status shows %q", s.status.Text)
	}

	// Search for a family name the demo gives several trainers.
	list, err := st.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	perFamily := map[string]int{}
	for _, tr := range list.Trainers {
		perFamily[tr.FamilyName]++
	}
	var family string
	var want int
	for f, n := range perFamily {
		if n > want || n == want && f < family {
			family, want = f, n
		}
	}
	test.Type(s.search, family)
	q.drain()
	if len(s.shown) == 0 || len(s.shown) >= total {
		t.Fatalf("searching %q shows %d of %d; want it to narrow", family, len(s.shown), total)
	}
	named := 0
	for row := range s.shown {
		name, trainer := cellText(s.table, row, 0), cellText(s.table, row, 3)
		if strings.Contains(name, family) {
			named++
		} else if !strings.Contains(trainer, family) {
			t.Errorf("row %d %q (trained by %q) does not match %q", row, name, trainer, family)
		}
	}
	if named != want {
		t.Errorf("search %q shows %d trainers named so; the trainer list counts %d", family, named, want)
	}

	// The no-trainer filter shows exactly the trainers with no trainer
	// recorded who are not founding trainers: those who sat a
	// train-the-trainers course (the demo plants one).
	s.search.SetText("")
	s.filter.SetSelected(trainerFilterNoTrainer)
	gaps := 0
	for _, tr := range list.Trainers {
		if tr.TrainedByID != 0 {
			continue
		}
		d, err := st.TrainerDetail(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.TTTCourse != "" {
			gaps++
		}
	}
	if len(s.shown) != gaps || gaps == 0 {
		t.Errorf("no-trainer filter shows %d; want %d", len(s.shown), gaps)
	}
	for row := range s.shown {
		if got := cellText(s.table, row, 7); !strings.Contains(got, "no trainer recorded") {
			t.Errorf("row %d flags %q; want no trainer recorded", row, got)
		}
	}

	// Selecting a trainer opens their page with what they delivered.
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	first := s.list.Trainers[s.shown[0]]
	waitFor(t, q, "the trainer's page", func() bool { return s.page.Visible() && s.detail.ID == first.ID })
	if !strings.Contains(shownText(w.Content()), "No trainer recorded") {
		t.Errorf("page of a founding trainer shows %q; want the flag", s.facts.Text)
	}
}

func TestTrainerAddAndRetire(t *testing.T) {
	st, err := sqlstore.Create(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, w, q := testEnv(t, st)
	s := newTrainersScreen(e).(*trainersScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the empty network", func() bool { return strings.Contains(s.status.Text, "Showing 0 of 0") })

	test.Tap(findButton(w.Content(), "Add trainer"))
	overlay := w.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("Add trainer opened no form")
	}
	var entries []*trainerEntry
	walk(overlay, func(o fyne.CanvasObject) {
		if e, ok := o.(*trainerEntry); ok {
			entries = append(entries, e)
		}
	})
	if len(entries) != 6 {
		t.Fatalf("form has %d entries; want 6", len(entries))
	}
	test.Type(entries[0], "Zoë")
	test.Type(entries[1], "Ó Súilleabháin")
	test.Type(entries[2], "not-an-email")
	if entries[2].Validate() == nil {
		t.Error("the email field accepted not-an-email")
	}
	entries[2].SetText("zoe@example.org")
	test.Type(entries[5], "2011-06-06")
	entries[5].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves
	waitFor(t, q, "the new trainer", func() bool { return len(s.list.Trainers) == 1 && s.page.Visible() })
	if got := cellText(s.table, 0, 0); got != "Zoë Ó Súilleabháin" {
		t.Errorf("new row shows %q", got)
	}

	test.Tap(s.retire)
	overlay = w.Canvas().Overlays().Top()
	yes := findButton(overlay, "Yes")
	if yes == nil {
		t.Fatal("Retire asked no confirmation")
	}
	test.Tap(yes)
	waitFor(t, q, "the retirement", func() bool { return s.detail.RetiredOn != "" })
	if got := cellText(s.table, 0, 1); got != "Retired" {
		t.Errorf("status after retiring = %q", got)
	}
	log, _ := st.AuditLog(context.Background(), model.AuditFilter{Entity: "trainer"})
	if len(log) != 2 || log[0].Action != "retire" || log[1].Action != "create" {
		t.Errorf("audit log holds %+v; want create then retire", log)
	}
}
