package reports

import (
	"time"

	"cascade/model"
)

// smallCount is the suppression threshold: any count under it is shown as
// "<5", so no one can be picked out of a small group.
const smallCount = 5

// suppress prints a count, or "<5" for any count under five.
func suppress(v int) string {
	if v < smallCount {
		return "<5"
	}
	return n(v)
}

// EqualityDocument is the equality-monitoring report, aggregate only: every
// count under five is shown as "<5" (with no percentage), in every format.
func EqualityDocument(r model.EqualityReport, programme string, created time.Time) Document {
	d := Document{Title: "Equality monitoring", Scope: scope(r.Cohort), Programme: programme, Created: created}
	d.Facts = [][2]string{
		{"Organisers in scope", suppress(r.Organisers)},
		{"Gave monitoring information", suppress(r.Responded)},
	}
	d.Notes = []string{
		"Aggregate counts only. Any count under 5 is shown as <5, with no percentage, so that no one can be identified.",
		"Answers are self-declared and optional; blank answers are counted as Not stated.",
	}
	if r.Responded == 0 {
		d.Notes = append(d.Notes, "No equality monitoring information has been recorded for this scope.")
	}
	t := Table{Title: "Monitoring answers", Header: []string{"Question", "Answer", "People", "Share of those answering"},
		Widths: []float64{1.2, 2.4, 0.9, 1.8}, Align: []string{"L", "L", "R", "R"}}
	charts := map[string]*Chart{}
	var order []string
	for _, row := range r.Rows {
		share := "—"
		if row.Count >= smallCount && r.Responded > 0 {
			share = percentText(row.Count, r.Responded)
		}
		t.Rows = append(t.Rows, []string{row.Dimension, row.Category, suppress(row.Count), share})
		if row.Count < smallCount {
			continue // never charted: a bar would give the number away
		}
		c, ok := charts[row.Dimension]
		if !ok {
			c = &Chart{Title: row.Dimension + " (answers given by 5 or more people)", Series: []string{"People"}, Values: [][]float64{nil}}
			charts[row.Dimension] = c
			order = append(order, row.Dimension)
		}
		c.Labels = append(c.Labels, row.Category)
		c.Values[0] = append(c.Values[0], float64(row.Count))
	}
	for _, k := range order {
		d.Charts = append(d.Charts, *charts[k])
	}
	d.Tables = []Table{t}
	return d
}
