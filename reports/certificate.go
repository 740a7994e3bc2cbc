package reports

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf16"

	"cascade/reports/internal/qr"
	"github.com/boombuler/barcode"
	"github.com/go-fonts/dejavu/dejavuserif"
	"github.com/go-fonts/dejavu/dejavuserifbold"
	"github.com/go-fonts/dejavu/dejavuserifitalic"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"

	"cascade/model"
)

// Certificate fonts: DejaVu Serif in three faces. Parsing a whole DejaVu
// face costs gofpdf several milliseconds a document, so each face is first
// cut, once per process, to the scripts names come in (Latin with
// Vietnamese, Greek, Cyrillic); a name outside them gets the whole faces.
const serif = "DejaVuSerif"

// keywordsMark starts the PDF Keywords property of a certificate document:
// after it, one "payload-base64:CODE[:address-base64url]" entry per
// certificate, space-separated; the address is the verification page the QR
// code opens. legacyKeywordsMark heads documents printed before the QR code
// held the signed fields ("payload-base64:CODE", QR NUMBER:CODE): the reader
// still draws those as they were printed, so they still verify.
// layoutV2KeywordsMark heads documents in the layout before this one (the
// verification code in 6.3 pt under a lower QR code, units without dates):
// the reader draws those as they were printed, so they still verify.
const (
	keywordsMark         = "cascade-certificate-v3"
	layoutV2KeywordsMark = "cascade-certificate-v2"
	legacyKeywordsMark   = "cascade-certificate-v1"
)

// layout is which drawing of the page a document was printed in, as its
// keywords mark says: the signed fields never change, only where and how
// they are drawn.
type layout int

const (
	layoutV1 layout = 1 // QR code held NUMBER:CODE
	layoutV2 layout = 2 // QR code holds the signed fields
	layoutV3 layout = 3 // verification text 8 pt and up, dated units
)

// current is the layout new certificates are printed in.
const current = layoutV3

// mark is the keywords mark of a layout.
func (l layout) mark() string {
	switch l {
	case layoutV1:
		return legacyKeywordsMark
	case layoutV2:
		return layoutV2KeywordsMark
	}
	return keywordsMark
}

// qrY is where the layout puts the QR code's top edge, mm from the top:
// the current layout lifts it to make room for a readable code below.
func (l layout) qrY() float64 {
	if l >= layoutV3 {
		return 119
	}
	return 132
}

// Palette: the centre's teal and a muted gold for rules and borders.
var (
	teal = [3]int{31, 111, 120}
	gold = [3]int{176, 141, 62}
	ink  = [3]int{40, 40, 40}
)

type fontFace struct {
	style string
	full  []byte
}

var certFaces = []fontFace{{"", dejavuserif.TTF}, {"B", dejavuserifbold.TTF}, {"I", dejavuserifitalic.TTF}}

// fontRanges are the runes the cut faces keep.
var fontRanges = [][2]rune{{0x20, 0x7E}, {0xA0, 0x24F}, {0x2B0, 0x36F}, {0x370, 0x3FF}, {0x400, 0x52F},
	{0x1E00, 0x1FFF}, {0x2000, 0x206F}, {0x20A0, 0x20BF}, {0x2100, 0x214F}}

var (
	cutOnce  sync.Once
	cutFaces [][]byte
)

// CutFonts prepares the cut faces; callers may run it early (the window does,
// in the background) so the first certificate is as quick as the rest.
func CutFonts() {
	cutOnce.Do(func() {
		var set []rune
		for _, r := range fontRanges {
			for c := r[0]; c <= r[1]; c++ {
				set = append(set, c)
			}
		}
		cutFaces = make([][]byte, len(certFaces))
		var wg sync.WaitGroup
		for i, f := range certFaces {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cutFaces[i] = gofpdf.UTF8CutFont(f.full, string(set))
			}()
		}
		wg.Wait()
	})
}

// covered reports whether the cut faces hold every rune of s.
func covered(s string) bool {
	for _, r := range s {
		ok := false
		for _, rg := range fontRanges {
			if r >= rg[0] && r <= rg[1] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func newCertificateDocument(created time.Time, full bool) *gofpdf.Fpdf {
	pdf := gofpdf.New("L", "mm", "A4", "")
	if !full {
		CutFonts()
	}
	for i, f := range certFaces {
		data := f.full
		if !full {
			data = cutFaces[i]
		}
		// Each document gets its own copy: gofpdf's checksum pads table
		// slices with append, writing into the bytes it was given, which
		// races when documents are written on several cores.
		pdf.AddUTF8FontFromBytes(serif, f.style, bytes.Clone(data))
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("Cascade", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	return pdf
}

// WriteCertificates draws certificates, one A4 landscape page each, as one
// PDF onto w: one certificate for a person's own file, many for a print run.
// The document's Keywords carry each certificate's signed fields and code,
// so ReadCertificatePDF and `cascade verify FILE.pdf` read them back.
func WriteCertificates(w io.Writer, certs []model.Printable, created time.Time) error {
	return writeCertificates(w, certs, created, current)
}

// writeCertificates draws certificates in the given layout: the current one,
// or an earlier one for the reader to compare a document printed in it.
func writeCertificates(w io.Writer, certs []model.Printable, created time.Time, lay layout) error {
	if len(certs) == 0 {
		return errors.New("write certificates: none to write")
	}
	full := false
	for _, c := range certs {
		if !covered(c.Fields.Payload()) {
			full = true
			break
		}
	}
	pdf := newCertificateDocument(created, full)
	if len(certs) > 1 {
		// gofpdf makes a fresh zlib compressor (about 1 MB of state) for each
		// page stream, which costs more than drawing the page; a print run
		// keeps its pages plain (fonts are still compressed and subset).
		pdf.SetCompression(false)
	}
	logos := map[string]string{} // path → registered image name, '' when unreadable
	kw := make([]string, 0, len(certs)+1)
	kw = append(kw, lay.mark())
	qrs := qrStream(certs, lay)
	var qrErr error
	for _, c := range certs {
		qr := <-<-qrs
		qrErr = cmp.Or(qrErr, qr.err)
		drawCertificate(pdf, c, qr.ops, logoFor(pdf, logos, c.Logo), lay)
		entry := base64.StdEncoding.EncodeToString([]byte(c.Fields.Payload())) + ":" + c.Code
		if c.VerifyURL != "" && lay != layoutV1 {
			entry += ":" + base64.RawURLEncoding.EncodeToString([]byte(c.VerifyURL))
		}
		kw = append(kw, entry)
	}
	first := certs[0].Fields
	if len(certs) == 1 {
		pdf.SetTitle(fmt.Sprintf("Certificate %s: %s", first.Number, first.Name), true)
		pdf.SetSubject(strings.Join(first.Lines(), "; ")+"; code: "+certs[0].Code, true)
	} else {
		pdf.SetTitle(fmt.Sprintf("%d certificates, %s to %s", len(certs), first.Number, certs[len(certs)-1].Fields.Number), true)
		subject := "Certificates printed together; check each by scanning the QR code on its page"
		if lay == layoutV1 {
			subject = "Certificates printed together; verify each by the NUMBER:CODE on its page"
		}
		pdf.SetSubject(subject, true)
	}
	pdf.SetAuthor(first.Centre, true)
	pdf.SetKeywords(strings.Join(kw, " "), false)
	if qrErr != nil {
		return qrErr
	}
	return pdf.Output(w)
}

// logoFor registers a logo file once per document; a missing or unreadable
// logo is left off rather than failing a print run.
func logoFor(pdf *gofpdf.Fpdf, done map[string]string, path string) string {
	if path == "" {
		return ""
	}
	if name, ok := done[path]; ok {
		return name
	}
	done[path] = ""
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	tp := strings.ToUpper(strings.TrimPrefix(strings.ToLower(path[strings.LastIndex(path, ".")+1:]), "."))
	if tp == "JPEG" {
		tp = "JPG"
	}
	info := pdf.RegisterImageOptionsReader(path, gofpdf.ImageOptions{ImageType: tp}, bytes.NewReader(data))
	if pdf.Err() || info == nil {
		pdf.ClearError()
		return ""
	}
	done[path] = path
	return path
}

// setColor sets the text colour and, to match, the fill colour: gofpdf wraps
// every piece of text whose colour differs from the fill in its own
// save/restore, bytes on every page of a print run.
func setColor(pdf *gofpdf.Fpdf, c [3]int) {
	pdf.SetTextColor(c[0], c[1], c[2])
	pdf.SetFillColor(c[0], c[1], c[2])
}

var headlines = map[string]string{
	model.KindCompletion: "Certificate of Completion",
	model.KindUnits:      "Certificate of Achievement",
	model.KindTrainer:    "Certificate of Trainer Accreditation",
}

// drawCertificate draws one award page.
func drawCertificate(pdf *gofpdf.Fpdf, c model.Printable, qrOps string, logo string, lay layout) {
	f := c.Fields
	pdf.AddPage()
	const W, H = 297.0, 210.0

	// Border: a heavy teal frame, a gold rule inside it, and corner marks.
	pdf.SetDrawColor(teal[0], teal[1], teal[2])
	pdf.SetLineWidth(2.2)
	pdf.Rect(8, 8, W-16, H-16, "D")
	pdf.SetDrawColor(gold[0], gold[1], gold[2])
	pdf.SetLineWidth(0.5)
	pdf.Rect(12, 12, W-24, H-24, "D")
	pdf.SetFillColor(gold[0], gold[1], gold[2])
	for _, p := range [][2]float64{{12, 12}, {W - 12, 12}, {12, H - 12}, {W - 12, H - 12}} {
		pdf.Polygon([]gofpdf.PointType{{X: p[0] - 3, Y: p[1]}, {X: p[0], Y: p[1] - 3}, {X: p[0] + 3, Y: p[1]}, {X: p[0], Y: p[1] + 3}}, "F")
	}

	if c.Copy {
		drawCopyMark(pdf, W, H)
	}
	if logo != "" {
		pdf.ImageOptions(logo, 20, 18, 0, 20, false, gofpdf.ImageOptions{}, 0, "")
	}

	// Centre and headline.
	setColor(pdf, teal)
	pdf.SetFont(serif, "", 11)
	pdf.SetXY(0, 22)
	pdf.CellFormat(W, 6, fitText(pdf, spaced(strings.ToUpper(clip(f.Centre))), W-40), "", 0, "C", false, 0, "")
	pdf.SetFont(serif, "B", 30)
	pdf.SetXY(0, 33)
	pdf.CellFormat(W, 14, headlines[f.Kind], "", 0, "C", false, 0, "")
	rule(pdf, W/2-40, 50, W/2+40)

	setColor(pdf, ink)
	pdf.SetFont(serif, "I", 13)
	pdf.SetXY(0, 56)
	pdf.CellFormat(W, 7, "This is to certify that", "", 0, "C", false, 0, "")

	// The holder's name, as large as fits.
	size := 36.0
	pdf.SetFont(serif, "B", size)
	for size > 18 && pdf.GetStringWidth(clip(f.Name)) > W-70 {
		size -= 2
		pdf.SetFont(serif, "B", size)
	}
	setColor(pdf, teal)
	pdf.SetXY(0, 66)
	pdf.CellFormat(W, 16, fitText(pdf, f.Name, W-70), "", 0, "C", false, 0, "")
	rule(pdf, 60, 84, W-60)

	setColor(pdf, ink)
	pdf.SetFont(serif, "", 13)
	pdf.SetXY(35, 89)
	pdf.MultiCell(W-70, 6.5, certifiesLines(pdf, f.Certifies, W-70), "", "C", false)
	pdf.SetFont(serif, "B", 15)
	pdf.SetX(0)
	pdf.CellFormat(W, 8, fitText(pdf, f.Programme, W-40), "", 1, "C", false, 0, "")

	y := pdf.GetY() + 2
	switch f.Kind {
	case model.KindUnits:
		if lay >= layoutV3 {
			y = drawDatedUnits(pdf, f, y)
		} else {
			y = drawUnits(pdf, f, y, W)
		}
	default:
		var bits []string
		if f.Cohort != "" {
			bits = append(bits, "Cohort "+f.Cohort)
		}
		if f.Host != "" {
			bits = append(bits, f.Host)
		}
		if len(bits) > 0 {
			pdf.SetFont(serif, "I", 12)
			pdf.SetXY(0, y)
			pdf.CellFormat(W, 7, fitText(pdf, strings.Join(bits, "  ·  "), W-40), "", 0, "C", false, 0, "")
		}
	}
	_ = y

	// Signatures, left and centre; the verification block on the right.
	// Names first, then titles: one change of font each, not one per signatory.
	sigs := []string{f.Signatory1, f.Signatory2}
	pdf.SetDrawColor(ink[0], ink[1], ink[2])
	pdf.SetLineWidth(0.3)
	pdf.SetFont(serif, "B", 10.5)
	for i, s := range sigs {
		if s == "" {
			continue
		}
		x := 30 + float64(i)*82
		pdf.Line(x, 165, x+68, 165)
		name, _, _ := strings.Cut(s, ", ")
		pdf.SetXY(x, 166.5)
		pdf.CellFormat(68, 5, fitText(pdf, name, 68), "", 0, "C", false, 0, "")
	}
	pdf.SetFont(serif, "I", 9)
	for i, s := range sigs {
		if _, title, ok := strings.Cut(s, ", "); ok {
			pdf.SetXY(30+float64(i)*82, 171.5)
			pdf.CellFormat(68, 4.5, fitText(pdf, title, 68), "", 0, "C", false, 0, "")
		}
	}
	setColor(pdf, ink)
	pdf.SetFont(serif, "", 10.5)
	pdf.SetXY(30, numberY[min(lay, layoutV3)])
	pdf.CellFormat(150, 5, "Certificate number "+f.Number+"   ·   Issued "+longDate(f.Issued), "", 0, "L", false, 0, "")

	pdf.RawWriteStr(qrOps)
	setColor(pdf, ink)
	switch lay {
	case layoutV1, layoutV2:
		pdf.SetFont(serif, "", 6.3)
		pdf.SetXY(W-86, 174)
		pdf.MultiCell(60, 2.9, "Verification code\n"+model.GroupCode(c.Code), "", "C", false)
	default:
		// The code under the lifted QR code, in 8 pt: it is read off paper
		// and typed, so it must be legible.
		pdf.SetFont(serif, "B", 8)
		pdf.SetXY(W-84, lay.qrY()+qrSize+1.5)
		pdf.CellFormat(70, 3.6, "Verification code", "", 2, "C", false, 0, "")
		pdf.SetFont(serif, "", 8)
		pdf.SetX(W - 84)
		pdf.MultiCell(70, 3.6, model.GroupCode(c.Code), "", "C", false)
	}
	switch lay {
	case layoutV1:
		pdf.SetFont(serif, "", 6.5)
		pdf.SetXY(20, 190)
		pdf.CellFormat(W-40, 4, "Verify this certificate with: cascade verify "+f.Number+":CODE (the code is beside the QR code, which holds both)",
			"", 0, "C", false, 0, "")
	case layoutV2:
		pdf.SetFont(serif, "", 8)
		for i, l := range footerLines(c) {
			pdf.SetXY(20, 188.5+float64(i)*3.8)
			pdf.CellFormat(W-40, 3.8, fitText(pdf, l, W-40), "", 0, "C", false, 0, "")
		}
	default:
		pdf.SetFont(serif, "", 8)
		lines := footerWrapped(pdf, footerText(c), W-40)
		for i, l := range lines {
			pdf.SetXY(20, 186+float64(i)*3.7)
			pdf.CellFormat(W-40, 3.8, l, "", 0, "C", false, 0, "")
		}
	}
	setColor(pdf, [3]int{0, 0, 0})
}

// footerLines tell a reader in plain words how to check the certificate:
// with a phone camera when the programme has a verification address, else
// by pasting what the QR code holds into the programme's page; and, without
// either, by asking the centre about the number and code.
func footerLines(c model.Printable) []string {
	centre := cmp.Or(c.Fields.Centre, "the centre")
	ask := "Or ask " + centre + " to confirm certificate " + c.Fields.Number + " and the verification code printed beside the QR code."
	if c.VerifyURL != "" {
		return []string{"To check this certificate, scan the QR code with a phone camera: it opens " + c.VerifyURL + " and says whether it is valid.", ask}
	}
	return []string{"To check this certificate, scan the QR code and paste the text it holds into " + centre + "'s verification page, which says whether it is valid.", ask}
}

// numberY is where each layout prints the certificate number line, mm.
var numberY = map[layout]float64{layoutV1: 180, layoutV2: 180, layoutV3: 178.5}

// footerText tells a reader in plain words how to check the certificate
// (current layout): with a phone camera when the programme has a
// verification address, else by pasting what the QR code holds into the
// programme's page; and, without a phone, by typing the number and code
// into the page at that address (it holds each certificate sealed under
// its number and code) or giving them to the centre.
func footerText(c model.Printable) []string {
	centre := cmp.Or(c.Fields.Centre, "the centre")
	ask := "No phone? Give " + centre + " the certificate number " + c.Fields.Number +
		" and the verification code under the QR code: they will confirm whether it is valid."
	if c.VerifyURL != "" {
		// The page also opens a certificate from its number and code, typed.
		typed := "No phone? Type the certificate number " + c.Fields.Number + " and the verification code under the QR code into that page, or give them to " +
			centre + ": either will confirm whether it is valid."
		return []string{"To check this certificate, scan the QR code with a phone camera: it opens " + c.VerifyURL +
			" and shows what the certificate says and whether it is valid.", typed}
	}
	return []string{"To check this certificate, scan the QR code and paste the text it holds into " + centre +
		"'s verification page: it shows what the certificate says and whether it is valid.", ask}
}

// maxFooterLines is how many lines the footer may take above the border.
const maxFooterLines = 3

// footerWrapped wraps each paragraph to width within maxFooterLines lines:
// the last paragraph (how to ask the centre) always shows whole, and the
// first is cut with an ellipsis when a long address leaves it no room.
func footerWrapped(pdf *gofpdf.Fpdf, paras []string, width float64) []string {
	wrapped := make([][]string, len(paras))
	total := 0
	for i, p := range paras {
		p, _ = clipRunes(p, maxFitRunes)
		wrapped[i] = pdf.SplitText(p, width)
		total += len(wrapped[i])
	}
	if total > maxFooterLines && len(wrapped) > 1 {
		last := wrapped[len(wrapped)-1]
		room := max(maxFooterLines-len(last), 1)
		first := wrapped[0][:room]
		first[room-1] = fitText(pdf, first[room-1]+" …", width)
		wrapped = [][]string{first, last}
	}
	var out []string
	for _, w := range wrapped {
		out = append(out, w...)
	}
	return out[:min(len(out), maxFooterLines)]
}

// qrText is what a certificate's QR code holds in the current or legacy
// layout.
func qrText(c model.Printable, lay layout) string {
	if lay == layoutV1 {
		return c.Fields.Number + ":" + c.Code
	}
	return c.QRText()
}

// drawUnits lists a units certificate's units and total credits.
func drawUnits(pdf *gofpdf.Fpdf, f model.CertFields, y, W float64) float64 {
	size, lineH := 10.0, 5.0
	if len(f.Units) > 6 {
		size, lineH = 8.5, 4.0
	}
	rows := max(int((160-y)/lineH), 2) // at least one unit and the "more" line
	units := f.Units
	more := 0
	if len(units) > rows-1 {
		more = len(units) - (rows - 1)
		units = units[:rows-1]
	}
	x := 40.0 // the list ends clear of the QR code at the right
	pdf.SetFont(serif, "", size)
	for _, u := range units {
		pdf.SetXY(x, y)
		pdf.CellFormat(26, lineH, u.Code, "", 0, "L", false, 0, "")
		pdf.CellFormat(110, lineH, fitText(pdf, u.Title, 108), "", 0, "L", false, 0, "")
		pdf.CellFormat(22, lineH, model.LevelLabel(u.Level), "", 0, "L", false, 0, "")
		pdf.CellFormat(22, lineH, fmt.Sprintf("%d credits", u.Credits), "", 0, "R", false, 0, "")
		y += lineH
	}
	if more > 0 {
		pdf.SetXY(x, y)
		pdf.CellFormat(180, lineH, fmt.Sprintf("and %d more units (listed in the certificate's record)", more), "", 0, "L", false, 0, "")
		y += lineH
	}
	pdf.SetFont(serif, "B", size+1)
	pdf.SetXY(x, y+1)
	pdf.CellFormat(180, lineH+1, fmt.Sprintf("Total: %d credits", f.Credits), "", 0, "R", false, 0, "")
	return y + lineH + 2
}

// drawDatedUnits lists a units certificate's units under a heading, each
// with its level, credits and the date it was achieved, then the total
// (current layout). The table ends left of the QR code.
func drawDatedUnits(pdf *gofpdf.Fpdf, f model.CertFields, y float64) float64 {
	size, lineH := 10.0, 4.8
	if len(f.Units) > 5 {
		size, lineH = 8.5, 3.9
	}
	const x = 24.0
	cols := []float64{20, 104, 22, 22, 30} // code, title, level, credits, achieved
	pdf.SetFont(serif, "I", max(size-1, 8))
	pdf.SetXY(x, y)
	for i, h := range []string{"Unit", "", "Level", "Credits", "Achieved"} {
		align := "L"
		if i >= 3 {
			align = "R"
		}
		pdf.CellFormat(cols[i], lineH, h, "", 0, align, false, 0, "")
	}
	y += lineH
	// Rows stop where the total still ends above the signature lines (165).
	rows := max(int((155-y)/lineH), 2) // at least one unit and the "more" line
	units := f.Units
	more := 0
	if len(units) > rows-1 {
		more = len(units) - (rows - 1)
		units = units[:rows-1]
	}
	pdf.SetFont(serif, "", size)
	for _, u := range units {
		pdf.SetXY(x, y)
		pdf.CellFormat(cols[0], lineH, u.Code, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], lineH, fitText(pdf, u.Title, cols[1]-2), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[2], lineH, model.LevelLabel(u.Level), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], lineH, strconv.Itoa(u.Credits), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], lineH, shortDate(u.Achieved), "", 0, "R", false, 0, "")
		y += lineH
	}
	if more > 0 {
		pdf.SetXY(x, y)
		pdf.CellFormat(180, lineH, fmt.Sprintf("and %d more %s (listed in the certificate's record)", more, plural(more, "unit", "units")), "", 0, "L", false, 0, "")
		y += lineH
	}
	pdf.SetFont(serif, "B", size+1)
	pdf.SetXY(x, y+1)
	pdf.CellFormat(cols[0]+cols[1]+cols[2]+cols[3], lineH+1, fmt.Sprintf("Total: %d credits", f.Credits), "", 0, "R", false, 0, "")
	return y + lineH + 2
}

// shortDate prints an ISO date as "15 Dec 2011", which fits a table column.
func shortDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("2 Jan 2006")
}

// drawCopyMark writes "COPY" faintly across the page and says so in words.
func drawCopyMark(pdf *gofpdf.Fpdf, W, H float64) {
	pdf.SetAlpha(0.12, "Normal")
	pdf.SetFont(serif, "", 120)
	pdf.SetTextColor(190, 40, 40)
	pdf.TransformBegin()
	pdf.TransformRotate(20, W/2, H/2)
	pdf.SetXY(0, H/2-25)
	pdf.CellFormat(W, 50, "COPY", "", 0, "C", false, 0, "")
	pdf.TransformEnd()
	pdf.SetAlpha(1, "Normal")
	pdf.SetFont(serif, "", 8)
	pdf.SetXY(W-80, 16)
	pdf.CellFormat(64, 4, "COPY · reprint of the certificate issued", "", 0, "R", false, 0, "")
}

func rule(pdf *gofpdf.Fpdf, x1, y, x2 float64) {
	pdf.SetDrawColor(gold[0], gold[1], gold[2])
	pdf.SetLineWidth(0.6)
	pdf.Line(x1, y, x2, y)
}

// QR placement on the page, mm.
const qrX, qrSize = 297.0 - 66, 40.0

// qrLookahead bounds how many QR codes are encoded ahead of the page being
// drawn, so a long print run does not hold every page's operators at once.
const qrLookahead = 64

// qrStream encodes the certificates' QR codes into PDF path operators on
// all cores while the caller draws pages on its own goroutine: encoding
// needs nothing from the document. It yields results in certificate order;
// the caller must receive one per certificate.
func qrStream(certs []model.Printable, lay layout) <-chan chan qrResult {
	order := make(chan chan qrResult, qrLookahead)
	work := make(chan qrJob)
	go func() {
		for i := range certs {
			out := make(chan qrResult, 1)
			work <- qrJob{i, out}
			order <- out
		}
		close(work)
		close(order)
	}()
	for range min(runtime.NumCPU(), len(certs)) {
		go func() {
			for j := range work {
				ops, err := qrPath(qrText(certs[j.i], lay), qrX, lay.qrY(), qrSize, 210)
				j.out <- qrResult{ops, err}
			}
		}()
	}
	return order
}

type qrJob struct {
	i   int
	out chan qrResult
}

type qrResult struct {
	ops string
	err error
}

// qrRun is a rectangle of dark modules: columns [start, end) from row down
// height rows.
type qrRun struct{ start, end, row, height int }

// qrPath encodes text as a QR code and returns the PDF operators that fill
// its dark modules as vector squares, size mm across at (x, y) mm from the
// top left of a page pageH mm tall. The operators work in module units under
// one transform, so each rectangle is four small integers; runs of dark
// modules in a row become one rectangle, and a run repeated in the rows
// below grows taller instead of starting another: fewer bytes on every page
// of a print run, the same picture, and no hairline gaps.
func qrPath(text string, x, y, size, pageH float64) (string, error) {
	code, err := encodeQR(text)
	if err != nil {
		return "", fmt.Errorf("qr code for %.40s…: %w", text, err)
	}
	modules, ok := code.(interface{ Get(x, y int) bool })
	if !ok {
		return "", fmt.Errorf("qr code for %s: no module access", text)
	}
	n := code.Bounds().Dx()
	const k = 72 / 25.4 // points per mm
	cell := size / float64(n) * k
	b := make([]byte, 0, 8*n*n/5) // about what a code of this size takes
	b = fmt.Appendf(b, "q 0 g %.4f 0 0 %.4f %.2f %.2f cm\n", cell, -cell, x*k, (pageH-y)*k)
	rect := func(r qrRun) {
		b = strconv.AppendInt(b, int64(r.start), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.row), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.end-r.start), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.height), 10)
		b = append(b, " re\n"...)
	}
	// open holds the previous row's runs by start; a run this row repeats
	// exactly grows taller, and one it does not is drawn.
	open := make([]qrRun, 0, n/2+1)
	next := make([]qrRun, 0, n/2+1)
	for row := 0; row <= n; row++ {
		next = next[:0]
		j := 0
		for col := 0; row < n && col < n; {
			if !modules.Get(col, row) {
				col++
				continue
			}
			start := col
			for col < n && modules.Get(col, row) {
				col++
			}
			for ; j < len(open) && open[j].start < start; j++ {
				rect(open[j])
			}
			if j < len(open) && open[j].start == start && open[j].end == col {
				open[j].height++
				next = append(next, open[j])
				j++
				continue
			}
			next = append(next, qrRun{start: start, end: col, row: row, height: 1})
		}
		for ; j < len(open); j++ {
			rect(open[j])
		}
		open, next = next, open
	}
	b = append(b, "f Q\n"...)
	return string(b), nil
}

// encodeQR encodes a QR code at level M: in alphanumeric mode when the text
// allows (NUMBER:CODE, a token alone), else in byte mode (an address).
func encodeQR(text string) (barcode.Barcode, error) {
	mode := qr.AlphaNumeric
	for _, r := range text {
		if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", r) {
			mode = qr.Unicode
			break
		}
	}
	return qr.Encode(text, qr.M, mode)
}

// clip cuts a text to what a line could ever show, so measuring it is cheap.
func clip(s string) string {
	s, _ = clipRunes(s, maxFitRunes)
	return s
}

// maxCertifiesLines is how many lines the certificate's wording may take
// before the units list; more would push the page's lower half off it.
const maxCertifiesLines = 3

// certifiesLines wraps the wording to width and keeps at most
// maxCertifiesLines lines, the last ending in an ellipsis when cut.
func certifiesLines(pdf *gofpdf.Fpdf, s string, width float64) string {
	s, clipped := clipRunes(s, maxFitRunes)
	lines := pdf.SplitText(s, width)
	if len(lines) <= maxCertifiesLines && !clipped {
		return s
	}
	lines = lines[:min(len(lines), maxCertifiesLines)]
	last := len(lines) - 1
	lines[last] = fitText(pdf, lines[last]+" …", width)
	if !strings.HasSuffix(lines[last], "…") {
		lines[last] = strings.TrimSuffix(lines[last], " …") + "…"
	}
	return strings.Join(lines, "\n")
}

// spaced letterspaces a short heading.
func spaced(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// longDate prints an ISO date as "25 November 2026".
func longDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("2 January 2006")
}

// decodePDFText undoes a PDF text string's UTF-16 (as gofpdf writes UTF-8
// properties).
func decodePDFText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for k := 2; k+1 < len(b); k += 2 {
			u = append(u, uint16(b[k])<<8|uint16(b[k+1]))
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

// WriteCertificateFiles writes one PDF per certificate into dir on every
// core, each named by number and a safe form of the holder's name, calling
// progress after each; it stops early when ctx is cancelled. It is all or
// nothing: each PDF is first written to a hidden temporary file beside its
// name and synced, and only when every one is written are they renamed
// into place; on any failure the temporary files, and any already renamed,
// are removed. It returns the paths written, in the order of certs.
func WriteCertificateFiles(ctx context.Context, dir string, certs []model.Printable, created time.Time, progress func(done, total int)) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write certificates: %w", err)
	}
	paths := make([]string, len(certs))
	for i, c := range certs {
		paths[i] = filepath.Join(dir, c.Fields.Number+"-"+SafeName(c.Fields.Name)+".pdf")
	}
	temps := make([]string, len(certs))
	removeTemps := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	// One document made here first, before the workers: gofpdf names each
	// font by JSON-encoding its definition, and the first encoding of a
	// type fills encoding/json's shared cache; -race saw a worker read that
	// cache while another was still sorting it (ui's
	// TestCertificatesConfirmedIssue). Made once here, every worker only
	// reads what this goroutine wrote before starting them.
	newCertificateDocument(created, false)
	var next, done atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(certs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(certs) || ctx.Err() != nil {
					return
				}
				mu.Lock()
				failed := firstErr != nil
				mu.Unlock()
				if failed {
					return
				}
				tmp, err := writeTemp(paths[i], func(w io.Writer) error { return WriteCertificates(w, certs[i:i+1], created) })
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				temps[i] = tmp // each worker writes its own indexes
				n := int(done.Add(1))
				if progress != nil {
					progress(n, len(certs))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		removeTemps()
		return nil, firstErr
	}
	for i := range temps {
		if err := os.Rename(temps[i], paths[i]); err != nil {
			// Take back what this run put in place, so the folder holds
			// none of a run that is not recorded as delivered.
			for _, p := range paths[:i] {
				os.Remove(p)
			}
			removeTemps()
			return nil, fmt.Errorf("write %s: %w", paths[i], err)
		}
		temps[i] = ""
	}
	if err := syncDir(dir); err != nil {
		return nil, err
	}
	return paths, nil
}

// SafeName makes a person's name safe in a file name on any system: accents
// dropped where a base letter exists, anything but letters and digits
// becomes a dash.
func SafeName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return "certificate"
	}
	return norm.NFC.String(s)
}

// plural picks the word for n: "1 unit", "2 units".
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
