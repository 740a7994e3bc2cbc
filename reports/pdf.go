package reports

import (
	"fmt"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-fonts/dejavu/dejavusansboldoblique"
	"github.com/go-fonts/dejavu/dejavusansoblique"
	"github.com/jung-kurt/gofpdf"
)

// fontFamily is the embedded UTF-8 family every document uses: DejaVu covers
// Latin with Vietnamese, Greek and Cyrillic, where the core PDF fonts are
// cp1252 only and print "Łukasz" wrongly.
const fontFamily = "DejaVu"

// newDocument starts an A4 document ("P" portrait, "L" landscape) with the
// embedded fonts, a fixed creation date and a sorted catalogue, so the same
// data always gives the same bytes.
func newDocument(orientation string, created time.Time) *gofpdf.Fpdf {
	pdf := gofpdf.New(orientation, "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", dejavusansbold.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "I", dejavusansoblique.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "BI", dejavusansboldoblique.TTF)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("Cascade", true)
	pdf.SetFont(fontFamily, "", 10)
	return pdf
}

// reportFrame is what every report page carries: its title at the top and
// "Page N" at the foot.
func reportFrame(pdf *gofpdf.Fpdf, title string) {
	pdf.SetTitle(title, true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(fontFamily, "I", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 6, title, "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 6, fmt.Sprintf("Page %d", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
}

// table draws rows under a header that repeats at the top of every page the
// table runs onto. widths are in mm; align holds "L", "C" or "R" per column.
func table(pdf *gofpdf.Fpdf, header []string, widths []float64, align []string, rows [][]string) {
	const lineH = 6.0
	_, pageH := pdf.GetPageSize()
	_, breakMargin := pdf.GetAutoPageBreak()
	drawHeader := func() {
		pdf.SetFont(fontFamily, "B", 9)
		pdf.SetFillColor(31, 111, 120)
		pdf.SetTextColor(255, 255, 255)
		for i, h := range header {
			a := "L"
			if i < len(align) {
				a = align[i]
			}
			pdf.CellFormat(widths[i], lineH+1, fitText(pdf, h, widths[i]-1), "", 0, a, true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFont(fontFamily, "", 9)
	}
	drawHeader()
	for r, row := range rows {
		if pdf.GetY()+lineH > pageH-breakMargin {
			pdf.AddPage()
			drawHeader()
		}
		fill := r%2 == 1
		pdf.SetFillColor(238, 244, 245)
		for i, v := range row {
			a := "L"
			if i < len(align) {
				a = align[i]
			}
			pdf.CellFormat(widths[i], lineH, fitText(pdf, v, widths[i]-1), "", 0, a, fill, 0, "")
		}
		pdf.Ln(-1)
	}
}

// maxFitRunes bounds the text fitText measures: no line of a page holds
// more, and measuring an over-long text rune by rune would never finish.
const maxFitRunes = 500

// fitText shortens s with an ellipsis so it fits in width mm.
func fitText(pdf *gofpdf.Fpdf, s string, width float64) string {
	s, clipped := clipRunes(s, maxFitRunes)
	if !clipped && pdf.GetStringWidth(s) <= width {
		return s
	}
	// The longest prefix that fits with its ellipsis, by halving: widths
	// only grow as runes are added.
	r := []rune(s)
	lo, hi := 1, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if pdf.GetStringWidth(string(r[:mid])+"…") <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// clipRunes is s cut to at most n runes, and whether it was cut; it reads no
// further than it keeps.
func clipRunes(s string, n int) (string, bool) {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], true
		}
		i++
	}
	return s, false
}
