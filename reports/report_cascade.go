package reports

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"cascade/model"
)

// CascadeDiagram draws the cascade diagram onto the report's PDF, adding the
// pages it needs; BuildReport sets it from reports/cascade.go's diagram when
// the store can read the cascade. This hook is where a vector drawing of the
// diagram onto this document belongs once cascade.go offers one; until then
// it places CascadePNG's picture of the same layout on a landscape page.
type CascadeDiagram func(pdf *gofpdf.Fpdf)

// diagramPage places the cascade diagram, drawn by CascadePNG, on its own
// landscape page.
func diagramPage(c *model.Cascade, asOf string) CascadeDiagram {
	return func(pdf *gofpdf.Fpdf) {
		var png bytes.Buffer
		if err := CascadePNG(&png, c, asOf, 6); err != nil {
			pdf.SetError(fmt.Errorf("cascade diagram: %w", err))
			return
		}
		pdf.RegisterImageOptionsReader("cascade-diagram", gofpdf.ImageOptions{ImageType: "PNG"}, &png)
		pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
		left, top, right, _ := pdf.GetMargins()
		w, h := pdf.GetPageSize()
		maxW, maxH := w-left-right, h-top-40
		imgW := maxW
		if imgW*diagramH/diagramW > maxH {
			imgW = maxH * diagramW / diagramH
		}
		pdf.ImageOptions("cascade-diagram", left, pdf.GetY()+2, imgW, 0, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
}

// CascadeDocument is the cascade reach report: the trainer network by
// generation and how far training reached in each cohort.
func CascadeDocument(r model.CascadeReport, diagram CascadeDiagram, created time.Time) Document {
	d := Document{Title: "Cascade reach", Scope: scope(r.Cohort), Programme: r.Programme, Created: created}
	perSenior := "—"
	if r.SeniorsSupporting > 0 {
		perSenior = fmt.Sprintf("%.1f", float64(r.VolunteersSupported)/float64(r.SeniorsSupporting))
	}
	d.Facts = [][2]string{
		{"Trainers in the network", n(r.Trainers)},
		{"  accredited or active", n(r.ActiveTrainers)},
		{"Trainer generations", n(len(r.Generations))},
		{"Senior organisers (not withdrawn)", n(r.Seniors)},
		{"  supporting volunteers", n(r.SeniorsSupporting) + " · " + percentText(r.SeniorsSupporting, r.Seniors)},
		{"Volunteer organisers (not withdrawn)", n(r.Volunteers)},
		{"  supported by a senior organiser", n(r.VolunteersSupported)},
		{"Volunteers per supporting senior", perSenior},
	}
	gen := Chart{Title: "Trainers by generation", Series: []string{"Trainers"}, Values: [][]float64{nil}}
	genTable := Table{Title: "Trainer network by generation", Header: []string{"Generation", "Trainers"},
		Widths: []float64{3, 1}, Align: []string{"L", "R"}}
	for g, c := range r.Generations {
		label := model.GenerationLabel(g + model.FoundingGeneration)
		gen.Labels = append(gen.Labels, label)
		gen.Values[0] = append(gen.Values[0], float64(c))
		genTable.Rows = append(genTable.Rows, []string{label, n(c)})
	}
	reach := Chart{Title: "Reach per cohort", Series: []string{"Trainers", "Seniors", "Volunteers"}, Values: make([][]float64, 3)}
	cohorts := Table{Title: "Reach per cohort", Header: []string{"Cohort", "Trainers teaching", "Seniors", "Seniors supporting", "Volunteers", "Volunteers per senior"},
		Widths: []float64{1.2, 1.4, 1, 1.4, 1, 1.5}, Align: []string{"L", "R", "R", "R", "R", "R"}}
	for _, c := range r.ByCohort {
		label := "Cohort " + strconv.Itoa(c.Cohort)
		reach.Labels = append(reach.Labels, strconv.Itoa(c.Cohort))
		reach.Values[0] = append(reach.Values[0], float64(c.Trainers))
		reach.Values[1] = append(reach.Values[1], float64(c.Seniors))
		reach.Values[2] = append(reach.Values[2], float64(c.Volunteers))
		per := "—"
		if c.Seniors > 0 {
			per = fmt.Sprintf("%.1f", float64(c.Volunteers)/float64(c.Seniors))
		}
		cohorts.Rows = append(cohorts.Rows, []string{label, n(c.Trainers), n(c.Seniors), n(c.SeniorsSupporting), n(c.Volunteers), per})
	}
	if len(gen.Labels) > 0 {
		d.Charts = append(d.Charts, gen)
	}
	if len(reach.Labels) > 0 {
		d.Charts = append(d.Charts, reach)
	}
	if diagram != nil {
		d.Extra = diagram
	} else {
		d.Notes = append(d.Notes, "The cascade diagram is not included in this version.")
	}
	d.Tables = []Table{cohorts, genTable}
	return d
}
