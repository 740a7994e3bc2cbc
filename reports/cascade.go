package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-analyze/charts"

	"cascade/model"
)

// The cascade diagram is laid out once, in millimetres on an A4 landscape
// page, and drawn twice: onto a PDF page and into a PNG. It is layered, not
// a hairball: one band per trainer generation (trainers placed under their
// own trainer's position), then the cohorts, each summing its senior
// organisers and the volunteers they support.

const (
	diagramW      = 297.0
	diagramH      = 210.0
	diagramMargin = 10.0
	trainerBoxW   = 25.0
	trainerBoxH   = 7.0
	cohortBoxH    = 13.0
	boxGap        = 1.6
	bandHeadH     = 5.5
)

type diagramBox struct {
	id         string
	x, y, w, h float64
	lines      []string // first line bold
	fill       [3]int
	flag       bool
}

type diagramText struct {
	x, y float64
	text string
	size float64 // points
	bold bool
}

type diagramLayout struct {
	boxes []diagramBox
	edges [][2]string
	texts []diagramText
}

// generationFill shades each band of trainers a little lighter than the last.
func generationFill(g int) [3]int {
	fills := [][3]int{{31, 111, 120}, {66, 145, 152}, {112, 178, 183}, {160, 207, 210}, {200, 228, 230}}
	return fills[min(max(g-1, 0), len(fills)-1)]
}

func shortName(full string) string {
	parts := strings.Fields(full)
	if len(parts) < 2 {
		return full
	}
	first, _ := utf8.DecodeRuneInString(parts[0])
	return string(first) + ". " + strings.Join(parts[1:], " ")
}

// layoutCascade places every box of the diagram.
func layoutCascade(c *model.Cascade, title, asOf string) diagramLayout {
	var l diagramLayout
	l.texts = append(l.texts,
		diagramText{diagramMargin, diagramMargin + 4, title, 14, true},
		diagramText{diagramMargin, diagramMargin + 10, fmt.Sprintf("%s people reached by %s trainers in %d generations · %s",
			uk(c.People), uk(countTrainers(c)), len(c.Generations), asOf), 8, false})
	y := diagramMargin + 15
	usable := diagramW - 2*diagramMargin

	// Trainers by generation, in the order a depth-first walk meets them so
	// each trainer's trainees sit together under them.
	byGen := map[int][]*model.CascadeNode{}
	c.Walk(func(n *model.CascadeNode, _ int) bool {
		if n.Kind != model.NodeTrainer {
			return false
		}
		byGen[n.Generation] = append(byGen[n.Generation], n)
		for _, ch := range n.Children {
			if ch.Kind == model.NodeTrainer {
				l.edges = append(l.edges, [2]string{trainerID(n.ID), trainerID(ch.ID)})
			}
		}
		return true
	})
	cols := int((usable + boxGap) / (trainerBoxW + boxGap))
	cohortRows := min((len(c.Cohorts)+6)/7, 3)
	// A large network cannot show every trainer on one page: cap the rows
	// per generation until the page holds, and sum the rest in one box.
	rowCap := 0
	for _, capRows := range []int{0, 6, 5, 4, 3, 2, 1} {
		h := y
		for _, g := range c.Generations {
			rows := (len(byGen[g.Generation]) + cols - 1) / cols
			if capRows > 0 {
				rows = min(rows, capRows)
			}
			h += bandHeadH + float64(rows)*(trainerBoxH+boxGap)
		}
		h += bandHeadH + float64(cohortRows)*(cohortBoxH+boxGap)
		rowCap = capRows
		if h <= diagramH-diagramMargin-6 {
			break
		}
	}
	for _, g := range c.Generations {
		nodes := byGen[g.Generation]
		var more []*model.CascadeNode
		if rowCap > 0 && len(nodes) > rowCap*cols {
			nodes, more = busiest(nodes, rowCap*cols-1)
		}
		l.texts = append(l.texts, diagramText{diagramMargin, y + 3.8,
			fmt.Sprintf("%s — %s trainers, reaching %s people", model.GenerationLabel(g.Generation), uk(g.Trainers), uk(g.Reach)), 8, true})
		y += bandHeadH
		boxes := make([]diagramBox, 0, len(nodes)+1)
		for _, n := range nodes {
			boxes = append(boxes, diagramBox{id: trainerID(n.ID), w: trainerBoxW, h: trainerBoxH,
				lines: []string{shortName(n.Label), "reach " + uk(n.Reach)}, fill: generationFill(g.Generation),
				flag: n.Flag != ""})
		}
		if len(more) > 0 {
			boxes = append(boxes, diagramBox{id: fmt.Sprintf("more%d", g.Generation), w: trainerBoxW, h: trainerBoxH,
				lines: []string{"+ " + uk(len(more)) + " more", "with less reach"}, fill: [3]int{235, 235, 235}})
		}
		for start := 0; start < len(boxes); start += cols {
			row := boxes[start:min(start+cols, len(boxes))]
			x := diagramMargin + (usable-float64(len(row))*(trainerBoxW+boxGap)+boxGap)/2
			for _, b := range row {
				b.x, b.y = x, y
				l.boxes = append(l.boxes, b)
				x += trainerBoxW + boxGap
			}
			y += trainerBoxH + boxGap
		}
	}

	// Cohorts: who delivered to them, and how far their seniors carried it.
	l.texts = append(l.texts, diagramText{diagramMargin, y + 3.8,
		"Cohorts — seniors and volunteers (not withdrawn), volunteers their seniors support (red: a thin spot)", 8, true})
	y += bandHeadH
	perRow := min(len(c.Cohorts), 7)
	if perRow > 0 {
		w := (usable-float64(perRow-1)*boxGap)/float64(perRow) - 0.01
		for i, co := range c.Cohorts {
			col, row := i%perRow, i/perRow
			if row >= cohortRows {
				break // beyond three rows the page is full; the tree lists every cohort
			}
			lines := []string{fmt.Sprintf("Cohort %d", co.Number),
				fmt.Sprintf("%s seniors · %s volunteers", uk(co.Seniors), uk(co.Volunteers))}
			if co.Seniors > 0 {
				lines = append(lines, fmt.Sprintf("%s supported · %s support none", uk(co.VolunteersSupported), uk(co.SeniorsWithout)))
			}
			id := fmt.Sprintf("c%d", co.ID)
			l.boxes = append(l.boxes, diagramBox{id: id, x: diagramMargin + float64(col)*(w+boxGap), y: y + float64(row)*(cohortBoxH+boxGap),
				w: w, h: cohortBoxH, lines: lines, fill: [3]int{246, 236, 214}, flag: co.SeniorsWithout > 0 || len(co.TrainerIDs) == 0})
			for _, t := range co.TrainerIDs {
				l.edges = append(l.edges, [2]string{trainerID(t), id})
			}
		}
	}
	return l
}

// busiest keeps the keep nodes with the most reach, in their original
// (tree) order, and returns the rest.
func busiest(nodes []*model.CascadeNode, keep int) (kept, rest []*model.CascadeNode) {
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return nodes[order[a]].Reach > nodes[order[b]].Reach })
	in := map[int]bool{}
	for _, i := range order[:keep] {
		in[i] = true
	}
	for i, n := range nodes {
		if in[i] {
			kept = append(kept, n)
		} else {
			rest = append(rest, n)
		}
	}
	return kept, rest
}

func trainerID(id int64) string { return fmt.Sprintf("t%d", id) }

func countTrainers(c *model.Cascade) int {
	n := 0
	for _, g := range c.Generations {
		n += g.Trainers
	}
	return n
}

// fitRunes shortens s to about what fits in width mm at size points.
func fitRunes(s string, width, size float64) string {
	maxRunes := int(width / (size * 0.3528 * 0.56))
	r := []rune(s)
	if len(r) <= maxRunes || maxRunes < 2 {
		return s
	}
	return string(r[:maxRunes-1]) + "…"
}

func (l diagramLayout) box(id string) (diagramBox, bool) {
	for _, b := range l.boxes {
		if b.id == id {
			return b, true
		}
	}
	return diagramBox{}, false
}

// CascadePDF writes the cascade diagram as a one-page A4 landscape PDF.
func CascadePDF(w io.Writer, c *model.Cascade, asOf string, created time.Time) error {
	const title = "The train-the-trainers cascade"
	l := layoutCascade(c, title, asOf)
	pdf := newDocument("L", created)
	reportFrame(pdf, title)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	// Edges faint, so the boxes and numbers stay what the eye reads.
	pdf.SetDrawColor(150, 160, 165)
	pdf.SetLineWidth(0.15)
	pdf.SetAlpha(0.45, "Normal")
	for _, e := range l.edges {
		a, okA := l.box(e[0])
		b, okB := l.box(e[1])
		if okA && okB {
			pdf.Line(a.x+a.w/2, a.y+a.h, b.x+b.w/2, b.y)
		}
	}
	pdf.SetAlpha(1, "Normal")
	for _, b := range l.boxes {
		pdf.SetFillColor(b.fill[0], b.fill[1], b.fill[2])
		if b.flag {
			pdf.SetDrawColor(200, 40, 40)
			pdf.SetLineWidth(0.6)
		} else {
			pdf.SetDrawColor(120, 130, 135)
			pdf.SetLineWidth(0.2)
		}
		pdf.Rect(b.x, b.y, b.w, b.h, "FD")
		dark := b.fill[0] < 130
		for i, line := range b.lines {
			style, size := "", 5.5
			if i == 0 {
				style = "B"
			}
			if b.h > trainerBoxH {
				size = 6.5
			}
			if dark {
				pdf.SetTextColor(255, 255, 255)
			} else {
				pdf.SetTextColor(20, 30, 35)
			}
			pdf.SetFont(fontFamily, style, size)
			lineH := (b.h - 1) / float64(len(b.lines))
			pdf.SetXY(b.x+0.5, b.y+0.5+float64(i)*lineH)
			pdf.CellFormat(b.w-1, lineH, fitText(pdf, line, b.w-1.2), "", 0, "C", false, 0, "")
		}
	}
	pdf.SetTextColor(0, 0, 0)
	for _, t := range l.texts {
		style := ""
		if t.bold {
			style = "B"
		}
		pdf.SetFont(fontFamily, style, t.size)
		pdf.Text(t.x, t.y, t.text)
	}
	return pdf.Output(w)
}

// CascadePNG draws the same diagram as a PNG, pxPerMM pixels to the millimetre.
func CascadePNG(w io.Writer, c *model.Cascade, asOf string, pxPerMM float64) error {
	l := layoutCascade(c, "The train-the-trainers cascade", asOf)
	px := func(mm float64) int { return int(mm * pxPerMM) }
	p := newChartPainter(px(diagramW), px(diagramH))
	p.FilledRect(0, 0, px(diagramW), px(diagramH), charts.ColorWhite, charts.ColorWhite, 0)
	grey := charts.Color{R: 150, G: 160, B: 165, A: 110}
	for _, e := range l.edges {
		a, okA := l.box(e[0])
		b, okB := l.box(e[1])
		if okA && okB {
			p.LineStroke([]charts.Point{{X: px(a.x + a.w/2), Y: px(a.y + a.h)}, {X: px(b.x + b.w/2), Y: px(b.y)}}, grey, 1)
		}
	}
	// Text sizes: the painter's points are at 72 dpi, so a point is pxPerMM*0.3528 pixels… scaled to taste.
	fontPx := func(pt float64) float64 { return pt * pxPerMM * 0.3528 * 0.75 }
	for _, b := range l.boxes {
		fill := charts.Color{R: uint8(b.fill[0]), G: uint8(b.fill[1]), B: uint8(b.fill[2]), A: 255}
		stroke, width := charts.Color{R: 120, G: 130, B: 135, A: 255}, 1.0
		if b.flag {
			stroke, width = charts.Color{R: 200, G: 40, B: 40, A: 255}, 3
		}
		p.FilledRect(px(b.x), px(b.y), px(b.x+b.w), px(b.y+b.h), fill, stroke, width)
		textColour := charts.Color{R: 20, G: 30, B: 35, A: 255}
		if b.fill[0] < 130 {
			textColour = charts.ColorWhite
		}
		size := 5.5
		if b.h > trainerBoxH {
			size = 6.5
		}
		lineH := (b.h - 1) / float64(len(b.lines))
		for i, line := range b.lines {
			style := charts.FontStyle{FontSize: fontPx(size), FontColor: textColour, Font: dejavuChartFont()}
			text := fitRunes(line, b.w-1.2, size)
			box := p.MeasureText(text, 0, style)
			x := px(b.x+b.w/2) - box.Width()/2
			y := px(b.y+0.5+float64(i)*lineH+lineH/2) + box.Height()/2 - 1
			p.Text(text, x, y, 0, style)
		}
	}
	for _, t := range l.texts {
		style := charts.FontStyle{FontSize: fontPx(t.size), FontColor: charts.ColorBlack, Font: dejavuChartFont()}
		p.Text(t.text, px(t.x), px(t.y), 0, style)
	}
	b, err := p.Bytes()
	if err != nil {
		return fmt.Errorf("cascade diagram: %w", err)
	}
	_, err = w.Write(b)
	return err
}
