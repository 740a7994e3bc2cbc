package reports

import (
	"fmt"
	"strings"
	"time"

	"cascade/model"
)

// ivCell prints "sampled/decisions", or a dash where there were none.
func ivCell(c model.IVCount) string {
	if c.Decisions == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d", c.Sampled, c.Decisions)
}

// VerificationDocument is the internal-verification coverage report: the
// matrix of assessors by units, then coverage per assessor and per method.
func VerificationDocument(r model.VerificationReport, programme string, created time.Time) Document {
	d := Document{Title: "Internal verification coverage", Scope: scope(r.Cohort), Programme: programme, Created: created, Landscape: true}
	var unsampledAssessors, unsampledCells, cells int
	for i, row := range r.Cells {
		if r.ByAssessor[i].Sampled == 0 {
			unsampledAssessors++
		}
		for _, c := range row {
			if c.Decisions > 0 {
				cells++
				if c.Sampled == 0 {
					unsampledCells++
				}
			}
		}
	}
	d.Facts = [][2]string{
		{"Assessment decisions (decision × unit)", n(r.Total.Decisions)},
		{"Sampled by an internal verifier", n(r.Total.Sampled) + " · " + percentText(r.Total.Sampled, r.Total.Decisions)},
		{"  agreed", n(r.Total.Agreed)},
		{"  sent back", n(r.Total.SentBack)},
		{"Assessors", n(len(r.Assessors))},
		{"  never sampled", n(unsampledAssessors)},
		{"Assessor × unit pairs with decisions", n(cells)},
		{"  never sampled", n(unsampledCells)},
	}
	d.Notes = []string{"Cells read sampled/decisions. A decision counts once for each unit whose criteria it judged.",
		"A plan covers every assessor, unit and method: a pair never sampled needs sampling."}

	matrix := Table{Title: "Coverage matrix: assessor × unit (sampled/decisions)", Header: append([]string{"Assessor"}, r.Units...), Widths: []float64{2.6}}
	matrix.Header = append(matrix.Header, "All units")
	matrix.Align = []string{"L"}
	for range r.Units {
		matrix.Widths = append(matrix.Widths, 1)
		matrix.Align = append(matrix.Align, "C")
	}
	matrix.Widths = append(matrix.Widths, 1.1)
	matrix.Align = append(matrix.Align, "C")
	for i, a := range r.Assessors {
		row := []string{a}
		for _, c := range r.Cells[i] {
			row = append(row, ivCell(c))
		}
		row = append(row, ivCell(r.ByAssessor[i].IVCount))
		matrix.Rows = append(matrix.Rows, row)
	}
	rowsOf := func(title, first string, list []model.IVRow) Table {
		t := Table{Title: title, Header: []string{first, "Decisions", "Sampled", "Sampled %", "Agreed", "Sent back"},
			Widths: []float64{3, 1, 1, 1, 1, 1}, Align: []string{"L", "R", "R", "R", "R", "R"}}
		for _, x := range list {
			t.Rows = append(t.Rows, []string{strings.ReplaceAll(x.Label, "_", " "), n(x.Decisions), n(x.Sampled), percentText(x.Sampled, x.Decisions), n(x.Agreed), n(x.SentBack)})
		}
		return t
	}
	chart := Chart{Title: "Sampled share of decisions per assessor (%)", Series: []string{"Sampled %"}, Values: [][]float64{nil}}
	for _, a := range r.ByAssessor {
		chart.Labels = append(chart.Labels, a.Label)
		v := 0.0
		if a.Decisions > 0 {
			v = float64(a.Sampled*100) / float64(a.Decisions)
		}
		chart.Values[0] = append(chart.Values[0], v)
	}
	if len(chart.Labels) > 0 {
		d.Charts = []Chart{chart}
	}
	d.Tables = []Table{matrix, rowsOf("Coverage per assessor", "Assessor", r.ByAssessor), rowsOf("Coverage per assessment method", "Method", r.ByMethod)}
	return d
}
