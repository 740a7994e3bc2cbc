package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Table columns are sized to what they hold, so no column is cut so short
// that its meaning is lost and no cell's text runs over the next column.

// columnSample is how many rows fitColumns measures: enough to see the
// widest values of a long table without reading every row on each refresh.
const columnSample = 150

// columnWidths measures, for each of cols columns, the widest of its header
// and its first rows' text, plus a label's padding, held between least and
// most: a very long value is cut with an ellipsis rather than making the
// table wider than the screen.
func columnWidths(cols, rows int, header func(c int) string, cell func(r, c int) string, least, most float32) []float32 {
	size := theme.TextSize()
	pad := 2*theme.InnerPadding() + 2 // a label's own padding and the table's divider
	bold := fyne.TextStyle{Bold: true}
	out := make([]float32, cols)
	for c := range cols {
		w := least
		if header != nil {
			w = max(w, fyne.MeasureText(header(c), size, bold).Width+pad)
		}
		for r := range min(rows, columnSample) {
			w = max(w, fyne.MeasureText(cell(r, c), size, fyne.TextStyle{}).Width+pad)
		}
		if most > 0 {
			w = min(w, most)
		}
		out[c] = w
	}
	return out
}

// fitColumns sizes t's columns with columnWidths.
func fitColumns(t *widget.Table, cols, rows int, header func(c int) string, cell func(r, c int) string, least, most float32) {
	for c, w := range columnWidths(cols, rows, header, cell, least, most) {
		t.SetColumnWidth(c, w)
	}
}

// ellipsisLabel is a table cell that ends an over-long value with "…"
// instead of drawing over the next column.
func ellipsisLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// tableFits holds, for each table textTable made, how to size its columns
// to what it now holds; refreshTable runs it. Tables live on the UI
// goroutine, but a sync.Map keeps the race detector's view simple.
var tableFits sync.Map // *widget.Table → func()

// refreshTable sizes t's columns to its rows (when textTable made it) and
// redraws it.
func refreshTable(t *widget.Table) {
	if fit, ok := tableFits.Load(t); ok {
		fit.(func())()
	}
	t.Refresh()
}
