package ui

import (
	"os"
	"slices"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// textTable is a read-only table with a bold header row; cell reads only the
// screen's cached rows, never the database.
func textTable(headers []string, widths []float32, rows func() int, cell func(r, c int) string, onSelect func(r int)) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return rows(), len(headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(cell(id.Row, id.Col)) })
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis // never over the next column's header
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(headers) {
			o.(*widget.Label).SetText(headers[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	// widths are the least each column gets; refreshTable widens a column
	// to its longest value (within reason), so none is cut to nonsense.
	tableFits.Store(t, func() {
		fitted := columnWidths(len(headers), rows(), func(c int) string { return headers[c] }, cell, 0, 0)
		for i := range headers {
			least := float32(60)
			if i < len(widths) {
				least = widths[i]
			}
			t.SetColumnWidth(i, min(max(least, fitted[i]), max(least, 460)))
		}
	})
	t.OnSelected = func(id widget.TableCellID) {
		tableCols.Store(t, id.Col)
		if id.Row >= 0 && onSelect != nil {
			onSelect(id.Row)
		}
	}
	return t
}

// errText is an error as a person reads it, for a label beside the field.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// cohortsFromStore swaps sel's choices for the programme's own cohorts once
// read (the national programme has 14; an imported one may have more or
// fewer), keeping the choice made when it is still offered. all puts
// "All cohorts" first.
func cohortsFromStore(e *env, sel *widget.Select, all bool) {
	if e.store == nil {
		return
	}
	load(e, e.store.CohortChoices, func(cs []model.Choice) {
		opts := labels(cs)
		if all {
			opts = append([]string{"All cohorts"}, opts...)
		}
		if len(opts) == 0 || slices.Equal(opts, sel.Options) {
			return
		}
		sel.Options = opts
		if slices.Contains(opts, sel.Selected) {
			sel.Refresh()
			return
		}
		sel.SetSelectedIndex(0)
	}, func(error) {}) // the default choices stay; the screen's own load says what failed
}

// cohortChoices are the cohort numbers offered in filters, "All" first.
func cohortChoices(n int) []string {
	out := []string{"All cohorts"}
	for i := 1; i <= n; i++ {
		out = append(out, "Cohort "+num(i))
	}
	return out
}

// cohortOf reads "Cohort 3" back as 3, "All cohorts" as 0.
func cohortOf(choice string) int {
	var n int
	for _, r := range choice {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}

// userHome is where file dialogs start.
func userHome() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}

// tableCols holds the column last chosen in each textTable, so a row chosen
// again after a reload is highlighted where the person clicked.
var tableCols sync.Map // *widget.Table → int

// selectedCol is the column last chosen in t, 0 before any.
func selectedCol(t *widget.Table) int {
	if c, ok := tableCols.Load(t); ok {
		return c.(int)
	}
	return 0
}
