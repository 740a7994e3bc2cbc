package reports

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-analyze/charts"
	"github.com/jung-kurt/gofpdf"

	"cascade/model"
)

// Table is one table of a report: a title, a header and rows of text.
// Widths are relative; the PDF spreads them across the page.
type Table struct {
	Title  string
	Header []string
	Widths []float64
	Align  []string // "L", "C" or "R" per column
	Rows   [][]string
	// Dates lists the columns holding stored ISO dates: the PDF shows them
	// as a person reads them (3 Sep 2012), CSV and XLSX keep ISO for machines.
	Dates []int
}

// shownRows is the table's rows as the PDF prints them: dates the UK way.
func (t Table) shownRows() [][]string {
	if len(t.Dates) == 0 {
		return t.Rows
	}
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = slices.Clone(r)
		for _, c := range t.Dates {
			if c < len(r) {
				out[i][c] = model.DisplayDate(r[c])
			}
		}
	}
	return out
}

// Chart is a bar chart of one or more series over labels.
type Chart struct {
	Title  string
	Labels []string
	Series []string
	Values [][]float64 // [series][label]
}

// Document is a report ready to write as PDF, CSV or XLSX: a title page
// with its key facts, charts, then tables.
type Document struct {
	Title     string
	Scope     string // "Whole programme" or "Cohort 3"
	Programme string
	Created   time.Time
	Landscape bool
	Facts     [][2]string
	Notes     []string
	Charts    []Chart
	Tables    []Table
	// Extra draws pages of its own after the charts (the cascade diagram).
	Extra func(pdf *gofpdf.Fpdf)
	// CSV, when set, writes the report's CSV in a fixed shape of its own
	// (the accreditation report's exact header) instead of facts and tables.
	CSV func(w io.Writer) error
}

// Formats the report writers know.
var Formats = []string{"pdf", "csv", "xlsx"}

// Write writes the document in format: pdf, csv or xlsx.
func (d Document) Write(w io.Writer, format string) error {
	switch strings.ToLower(format) {
	case "pdf":
		return d.WritePDF(w)
	case "csv":
		return d.WriteCSV(w)
	case "xlsx":
		return d.WriteXLSX(w)
	}
	return fmt.Errorf("report format %q: want pdf, csv or xlsx", format)
}

// WritePDF writes the document as a PDF: a title page, then charts and
// tables, every page numbered, tables repeating their header.
func (d Document) WritePDF(w io.Writer) error {
	orient := "P"
	if d.Landscape {
		orient = "L"
	}
	pdf := newDocument(orient, d.Created)
	pdf.SetSubject(d.Title+" — "+d.Scope, true)
	pdf.SetAutoPageBreak(true, 18)
	reportFrame(pdf, d.Title+" · "+d.Scope)
	pageW, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	usable := pageW - left - right

	// Title page.
	pdf.AddPage()
	pdf.SetY(55)
	pdf.SetTextColor(31, 111, 120)
	pdf.SetFont(fontFamily, "B", 26)
	pdf.MultiCell(0, 12, d.Title, "", "L", false)
	pdf.SetFont(fontFamily, "", 14)
	pdf.SetTextColor(60, 60, 60)
	pdf.MultiCell(0, 8, d.Scope+" · "+d.Programme, "", "L", false)
	pdf.SetFont(fontFamily, "I", 10)
	pdf.MultiCell(0, 7, "Written "+d.Created.Format("2 January 2006 15:04 MST"), "", "L", false)
	pdf.Ln(8)
	pdf.SetDrawColor(176, 141, 62)
	pdf.SetLineWidth(0.6)
	pdf.Line(left, pdf.GetY(), left+60, pdf.GetY())
	pdf.Ln(6)
	pdf.SetTextColor(0, 0, 0)
	for _, f := range d.Facts {
		pdf.SetFont(fontFamily, "", 11)
		pdf.CellFormat(usable*0.55, 7, f[0], "", 0, "L", false, 0, "")
		pdf.SetFont(fontFamily, "B", 11)
		pdf.CellFormat(usable*0.3, 7, f[1], "", 1, "R", false, 0, "")
	}
	if len(d.Notes) > 0 {
		pdf.Ln(6)
		pdf.SetFont(fontFamily, "I", 9)
		pdf.SetTextColor(80, 80, 80)
		for _, n := range d.Notes {
			pdf.MultiCell(0, 5, n, "", "L", false)
			pdf.Ln(1)
		}
		pdf.SetTextColor(0, 0, 0)
	}

	for i, c := range d.Charts {
		png, err := c.png()
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.Title, err)
		}
		name := fmt.Sprintf("chart%d", i)
		pdf.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		pdf.AddPage()
		heading(pdf, c.Title)
		pdf.ImageOptions(name, left, pdf.GetY()+2, usable, 0, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	if d.Extra != nil {
		d.Extra(pdf)
	}
	for _, t := range d.Tables {
		pdf.AddPage()
		heading(pdf, t.Title)
		table(pdf, t.Header, t.widths(pdf, usable), t.Align, t.shownRows())
	}
	return pdf.Output(w)
}

func heading(pdf *gofpdf.Fpdf, title string) {
	pdf.SetFont(fontFamily, "B", 14)
	pdf.SetTextColor(31, 111, 120)
	pdf.CellFormat(0, 10, title, "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// spread scales relative widths to the usable page width.
// widths is the table's columns in mm across usable, its relative widths
// spread, with each date column widened to the widest date a person reads
// (30 May 2012 is wider than 1 Jan 2012), taken from the other columns in
// proportion: a date cut to "25 Mar 20…" is no date.
func (t Table) widths(pdf *gofpdf.Fpdf, usable float64) []float64 {
	w := spread(t.Widths, len(t.Header), usable)
	if len(t.Dates) == 0 {
		return w
	}
	pdf.SetFont(fontFamily, "", 9) // the rows' font (table)
	var need float64
	for m := 1; m <= 12; m++ {
		need = max(need, pdf.GetStringWidth(model.DisplayDate(fmt.Sprintf("2000-%02d-28", m))))
	}
	need += 1.5 // table fits cell text in its width less 1 mm
	isDate := func(c int) bool { return slices.Contains(t.Dates, c) }
	var short, rest float64
	for c := range w {
		if isDate(c) {
			short += max(need-w[c], 0)
		} else {
			rest += w[c]
		}
	}
	if short == 0 || rest <= short {
		return w
	}
	for c := range w {
		if isDate(c) {
			w[c] = max(w[c], need)
		} else {
			w[c] -= short * w[c] / rest
		}
	}
	return w
}

func spread(rel []float64, n int, usable float64) []float64 {
	out := make([]float64, n)
	var sum float64
	for i := range out {
		v := 1.0
		if i < len(rel) && rel[i] > 0 {
			v = rel[i]
		}
		out[i] = v
		sum += v
	}
	for i := range out {
		out[i] = out[i] / sum * usable
	}
	return out
}

// crowded reports whether the labels would collide along a horizontal axis
// (the charting library then drops every other one), so bars go sideways.
func (c Chart) crowded() bool {
	width := 0
	for _, l := range c.Labels {
		width += len([]rune(l)) + 2
	}
	return width > 110
}

// png renders the chart with go-analyze/charts.
func (c Chart) png() ([]byte, error) {
	if c.crowded() {
		return c.horizontalPNG()
	}
	opts := []charts.OptionFunc{
		charts.XAxisLabelsOptionFunc(c.Labels),
		charts.DimensionsOptionFunc(1400, 700),
		charts.PNGOutputOptionFunc(),
		charts.PaddingOptionFunc(charts.Box{Top: 30, Left: 20, Right: 30, Bottom: 20}),
		// Bars start at zero, or a small difference looks like a large one.
		charts.YAxisOptionFunc(charts.YAxisOption{Min: charts.Ptr(0.0),
			ValueFormatter: func(v float64) string { return ukNumbers.Sprintf("%.0f", v) }}),
	}
	if len(c.Series) > 0 {
		opts = append(opts, charts.LegendOptionFunc(charts.LegendOption{SeriesNames: c.Series}))
	}
	p, err := charts.BarRender(c.Values, opts...)
	if err != nil {
		return nil, err
	}
	return p.Bytes()
}

// horizontalPNG draws the bars sideways, each label on its own line, the
// first label at the top.
func (c Chart) horizontalPNG() ([]byte, error) {
	values := make([][]float64, len(c.Values))
	for i, v := range c.Values {
		values[i] = slices.Clone(v)
		slices.Reverse(values[i]) // the library draws the first category at the bottom
	}
	labels := slices.Clone(c.Labels)
	slices.Reverse(labels)
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = true
	opt.CategoryAxis.Labels = labels
	if len(opt.ValueAxis) == 0 {
		opt.ValueAxis = []charts.ValueAxisOption{{}}
	}
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueFormatter = func(v float64) string { return ukNumbers.Sprintf("%.0f", v) }
	if len(c.Series) > 0 {
		opt.Legend = charts.LegendOption{SeriesNames: c.Series}
	}
	opt.Padding = charts.Box{Top: 30, Left: 20, Right: 40, Bottom: 20}
	p := newChartPainter(1400, 700)
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("chart %s: %w", c.Title, err)
	}
	return p.Bytes()
}

// WriteCSV writes every table in turn: a line with its title, its header
// and rows, then a blank line; the title page's facts come first.
func (d Document) WriteCSV(w io.Writer) error {
	if d.CSV != nil {
		return d.CSV(w)
	}
	var buf bytes.Buffer
	facts := make([][]string, len(d.Facts))
	for i, f := range d.Facts {
		facts[i] = []string{f[0], f[1]}
	}
	if err := WriteCSV(&buf, []string{d.Title + " · " + d.Scope, ""}, facts); err != nil {
		return err
	}
	for _, t := range d.Tables {
		buf.WriteString("\r\n")
		t.Rows = plainNumbers(t.Rows)
		if err := WriteCSV(&buf, []string{t.Title}, nil); err != nil {
			return err
		}
		if err := WriteCSV(&buf, t.Header, t.Rows); err != nil {
			return fmt.Errorf("%s: %w", t.Title, err)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// plainNumbers writes "4,500" as 4500 so a spreadsheet reads a number.
func plainNumbers(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			if v != "" && strings.Trim(v, "0123456789,") == "" {
				v = strings.ReplaceAll(v, ",", "")
			}
			out[i][j] = v
		}
	}
	return out
}
