package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// cutCells lists the cells of table t whose text does not fit the width
// shown: cut with an ellipsis, or run over the next column. Values longer
// than most are allowed their ellipsis.
func cutCells(t *widget.Table, most float32) []string {
	var out []string
	pad := 2 * theme.InnerPadding()
	walk(t, func(o fyne.CanvasObject) {
		l, ok := o.(*widget.Label)
		if !ok || !l.Visible() || l.Text == "" || l.Size().Width == 0 {
			return
		}
		need := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + pad
		if need > l.Size().Width+1 && need < most {
			out = append(out, l.Text)
		}
	})
	return out
}

// The verification table's last column and every other read whole.
func TestVerificationColumnsReadWhole(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newVerificationScreen(e).(*verificationScreen)
	w.SetContent(s.content())
	w.Resize(fyne.NewSize(1600, 1000))
	waitFor(t, q, "the samples", func() bool { return e.pending.Load() == 0 && s.table.Length != nil })
	for name, tb := range map[string]*widget.Table{"samples": s.table, "coverage": s.mtable} {
		if cut := cutCells(tb, 460); len(cut) > 0 {
			t.Errorf("%s table cuts %q", name, cut)
		}
	}
}

// The organisers' Email and the trainers' Courses columns are wide enough
// for what they hold.
func TestPeopleColumnsReadWhole(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	w.Resize(fyne.NewSize(1600, 1000))
	org := newOrganisersScreen(e).(*organisersScreen)
	w.SetContent(org.content())
	waitFor(t, q, "the organisers", func() bool { return e.pending.Load() == 0 && len(org.rows) > 0 })
	q.drain()
	if cut := cutCells(org.table, 360); len(cut) > 0 {
		t.Errorf("organisers table cuts %q", cut[:min(5, len(cut))])
	}
	tr := newTrainersScreen(e).(*trainersScreen)
	w.SetContent(tr.content())
	waitFor(t, q, "the trainers", func() bool { return e.pending.Load() == 0 && len(tr.shown) > 0 })
	if cut := cutCells(tr.table, 460); len(cut) > 0 {
		t.Errorf("trainers table cuts %q", cut[:min(5, len(cut))])
	}
}

// An import preview with long values shows each in a column wide enough
// for it, or ends it with "…": never text over the next column.
func TestImportPreviewKeepsTextInItsColumn(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	w.Resize(fyne.NewSize(1600, 1000))
	scr := newImporter(e)
	w.SetContent(scr.content())
	long := strings.Repeat("Very Long Community Development Trust of the Three Counties ", 4)
	csv := "name,region,setting,kickstarter,partner,cohort\n" +
		"\"" + long + "\",North West and the Borders of Wales,urban,yes,Race Equality Network of Greater Manchester,1\n" +
		"Keystone Development Trust,Wales,rural,no,,2\n"
	path := filepath.Join(t.TempDir(), "hosts.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	scr.kindSelect.SetSelected(model.KindHosts)
	scr.choosePath(path)
	waitFor(t, q, "the preview", func() bool { return scr.res != nil && e.pending.Load() == 0 })
	w.Resize(fyne.NewSize(1600, 1000))
	var over []string
	walk(scr.table, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" && l.Truncation == fyne.TextTruncateOff &&
			fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width+2*theme.InnerPadding() > l.Size().Width+1 {
			over = append(over, l.Text)
		}
	})
	if len(over) > 0 {
		t.Errorf("preview cells run over the next column: %q", over)
	}
	if cut := cutCells(scr.table, 320); len(cut) > 0 {
		t.Errorf("preview cuts values short enough to show whole: %q", cut)
	}
}

// The cohorts' and hosts' headers ("Volunteers (not withdrawn)") and values
// read whole, not drawn over each other.
func TestCohortColumnsReadWhole(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	w.Resize(fyne.NewSize(1600, 1000))
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts", func() bool { return e.pending.Load() == 0 && len(s.cohorts) > 0 })
	for name, tb := range map[string]*widget.Table{"cohorts": s.cohortTable, "hosts": s.hostTable} {
		if cut := cutCells(tb, 300); len(cut) > 0 {
			t.Errorf("%s table cuts %q", name, cut[:min(5, len(cut))])
		}
	}
}
