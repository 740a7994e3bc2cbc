package reports

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"cascade/model"
)

// CertificateEntry is one certificate read back from a PDF: the signed
// fields and code its properties carry, and Problem, set when its page does
// not show exactly those fields (then it is invalid whatever the signature).
type CertificateEntry struct {
	Payload string
	Code    string
	Problem string
	// VerifyURL is the verification address the QR code opens, as the
	// document's properties give it (not signed: the page and QR code are
	// compared with a drawing that uses it).
	VerifyURL string
}

// copyMarkText is the words drawCopyMark puts on a reprint; a page with them
// is compared with the reprint drawing, one without with the original.
const copyMarkText = "COPY · reprint of the certificate issued"

// ReadCertificatePDF reads the signed fields and codes a certificate PDF
// carries in its Keywords property and checks that the document is one
// WriteCertificates made for exactly those fields: nothing appended after
// its end, its properties, and on each page the text (read through the
// fonts' ToUnicode maps), the QR code (rebuilt from its squares), the
// fonts and every other drawing operator, against what the certificate
// template draws for the signed fields. A fault of the whole document is an
// error; a page that differs sets its entry's Problem.
//
// Comparing with a fresh drawing keeps one description of the layout (the
// template, drawCertificate) rather than a second copy here that could
// drift; the signed Template field names which drawing applies.
func ReadCertificatePDF(data []byte) ([]CertificateEntry, error) {
	doc, err := parsePDF(data)
	if err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	info := doc.dict(doc.trailer["Info"])
	kw, ok := doc.resolve(info["Keywords"]).(pdfString)
	if !ok {
		return nil, errors.New("read certificate: this PDF carries no Cascade certificate fields")
	}
	entries, lay, err := parseKeywords(decodePDFText(kw))
	if err != nil {
		return nil, err
	}
	pages, err := doc.pages()
	if err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	if len(pages) != len(entries) {
		return nil, fmt.Errorf("read certificate: the document has %d pages but its properties list %d certificates (a page was removed or added)", len(pages), len(entries))
	}

	// What each page shows, read as a reader would.
	actual := make([]pageView, len(pages))
	for i, p := range pages {
		actual[i], err = readPage(doc, p)
		if err != nil {
			return nil, fmt.Errorf("read certificate: page %d: %w", i+1, err)
		}
	}

	// Draw the same certificates afresh. An entry whose fields do not parse
	// is drawn as a stand-in (its page is reported anyway), so every other
	// page keeps its place and the state a page starts with.
	prints := make([]model.Printable, len(entries))
	fields := make([]model.CertFields, len(entries))
	parsed := make([]bool, len(entries))
	var stand model.Printable
	for i, e := range entries {
		f, err := model.ParsePayload(e.Payload)
		if err != nil {
			entries[i].Problem = "the certificate's fields in the document properties are damaged: " + err.Error()
			continue
		}
		if f.Template != model.TemplateVersion {
			entries[i].Problem = fmt.Sprintf("the certificate names template %q, which this version of Cascade cannot draw to compare", f.Template)
			continue
		}
		fields[i], parsed[i] = f, true
		prints[i] = model.Printable{Fields: f, Code: e.Code, Copy: slices.Contains(actual[i].texts(), copyMarkText), VerifyURL: e.VerifyURL}
		if stand.Code == "" {
			stand = prints[i]
		}
	}
	if stand.Code == "" {
		return entries, nil
	}
	for i := range prints {
		if !parsed[i] {
			prints[i] = stand
		}
	}
	var buf bytes.Buffer
	if err := writeCertificates(&buf, prints, fixedDrawTime, lay); err != nil {
		return nil, fmt.Errorf("read certificate: draw for comparison: %w", err)
	}
	want, err := parsePDF(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("read certificate: read the comparison drawing: %w", err)
	}
	wantPages, err := want.pages()
	if err != nil {
		return nil, fmt.Errorf("read certificate: read the comparison drawing: %w", err)
	}

	if err := sameProperties(doc, want); err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	if !sameValue(doc, doc.dict(doc.dict(doc.trailer["Root"])["Pages"])["MediaBox"], want, want.dict(want.dict(want.trailer["Root"])["Pages"])["MediaBox"], 0) {
		return nil, errors.New("read certificate: the page size differs from the one Cascade prints")
	}
	checkedRes := map[any]string{}
	for i := range entries {
		if !parsed[i] {
			continue
		}
		wv, err := readPage(want, wantPages[i])
		if err != nil {
			return nil, fmt.Errorf("read certificate: comparison page %d: %w", i+1, err)
		}
		problem := comparePage(doc, pages[i], actual[i], want, wantPages[i], wv, fields[i], prints[i], entries, checkedRes, lay)
		if problem != "" {
			entries[i].Problem = problem
			if len(entries) > 1 {
				entries[i].Problem = fmt.Sprintf("page %d: %s", i+1, problem)
			}
		}
	}
	return entries, nil
}

// fixedDrawTime dates comparison drawings; dates are not on the page.
var fixedDrawTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// parseKeywords reads the Keywords property WriteCertificates writes, and
// which layout the document was printed in.
func parseKeywords(kw string) ([]CertificateEntry, layout, error) {
	parts := strings.Fields(kw)
	var lay layout
	for _, l := range []layout{layoutV1, layoutV2, layoutV3} {
		if len(parts) > 0 && parts[0] == l.mark() {
			lay = l
		}
	}
	if lay == 0 {
		return nil, 0, errors.New("read certificate: this PDF carries no Cascade certificate fields")
	}
	legacy := lay == layoutV1
	var out []CertificateEntry
	for i, p := range parts[1:] {
		fields := strings.Split(p, ":")
		payload, err := base64.StdEncoding.DecodeString(fields[0])
		if len(fields) < 2 || len(fields) > 3 || (legacy && len(fields) != 2) || err != nil {
			return nil, 0, fmt.Errorf("read certificate %d in the PDF: its fields are damaged", i+1)
		}
		e := CertificateEntry{Payload: string(payload), Code: fields[1]}
		if len(fields) == 3 {
			u, err := base64.RawURLEncoding.DecodeString(fields[2])
			if err != nil || len(u) == 0 {
				return nil, 0, fmt.Errorf("read certificate %d in the PDF: its verification address is damaged", i+1)
			}
			if err := model.CheckVerifyURL(string(u)); err != nil {
				return nil, 0, fmt.Errorf("read certificate %d in the PDF: %w", i+1, err)
			}
			e.VerifyURL = string(u)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, 0, errors.New("read certificate: the PDF's certificate list is empty")
	}
	return out, lay, nil
}

// sameProperties compares the document properties a reader is shown with
// those WriteCertificates sets for the same certificates.
func sameProperties(doc, want *pdfDoc) error {
	got, exp := doc.dict(doc.trailer["Info"]), want.dict(want.trailer["Info"])
	for _, k := range []pdfName{"Title", "Subject", "Author", "Keywords", "Creator"} {
		g, _ := doc.resolve(got[k]).(pdfString)
		e, _ := want.resolve(exp[k]).(pdfString)
		if decodePDFText(g) != decodePDFText(e) {
			return fmt.Errorf("the document properties (%s) differ from the certificates' signed fields", k)
		}
	}
	for k := range got {
		switch k {
		case "Title", "Subject", "Author", "Keywords", "Creator", "Producer", "CreationDate", "ModDate":
		default:
			return fmt.Errorf("the document properties hold /%s, which Cascade never writes", k)
		}
	}
	for _, k := range []pdfName{"Root"} {
		if !sameKeys(doc.dict(doc.trailer[k]), want.dict(want.trailer[k])) {
			return errors.New("the document catalogue holds entries Cascade never writes (such as forms, actions or scripts)")
		}
	}
	return nil
}

func sameKeys(a, b pdfDict) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// textRun is one piece of text a page shows.
type textRun struct {
	text string
	font string
	size float64
}

// pageView is what a page shows: its operators and, decoded, its text.
type pageView struct {
	ops  []pdfOp
	runs []textRun
	res  pdfDict
}

func (v pageView) texts() []string {
	out := make([]string, len(v.runs))
	for i, r := range v.runs {
		out[i] = r.text
	}
	return out
}

// readPage reads a page's content stream and decodes every text-showing
// operator through its font's ToUnicode map.
func readPage(doc *pdfDoc, page pdfDict) (pageView, error) {
	var v pageView
	if _, ok := page["Contents"].(pdfRef); !ok {
		return v, errors.New("its content is not one stream")
	}
	data, err := doc.streamData(page["Contents"])
	if err != nil {
		return v, fmt.Errorf("content: %w", err)
	}
	v.ops, err = contentOps(data)
	if err != nil {
		return v, fmt.Errorf("content: %w", err)
	}
	v.res = doc.dict(page["Resources"])
	fonts := doc.dict(v.res["Font"])
	maps := map[string]*cmap{}
	var font string
	var size float64
	for _, op := range v.ops {
		var strs []pdfString
		switch op.op {
		case "Tf":
			if len(op.args) == 2 {
				n, _ := op.args[0].(pdfName)
				s, _ := op.args[1].(pdfNum)
				font, size = string(n), float64(s)
			}
			continue
		case "Tj", "'":
			if len(op.args) == 1 {
				s, _ := op.args[0].(pdfString)
				strs = append(strs, s)
			}
		case "\"":
			if len(op.args) == 3 {
				s, _ := op.args[2].(pdfString)
				strs = append(strs, s)
			}
		case "TJ":
			if len(op.args) == 1 {
				arr, _ := op.args[0].([]any)
				for _, a := range arr {
					if s, ok := a.(pdfString); ok {
						strs = append(strs, s)
					}
				}
			}
		default:
			continue
		}
		m, ok := maps[font]
		if !ok {
			m, err = fontCMap(doc, fonts[pdfName(font)])
			if err != nil {
				return v, fmt.Errorf("font /%s: %w", font, err)
			}
			maps[font] = m
		}
		var b strings.Builder
		for _, s := range strs {
			b.WriteString(m.decode(s))
		}
		v.runs = append(v.runs, textRun{b.String(), font, size})
	}
	return v, nil
}

// cmap maps character codes to Unicode, as a font's ToUnicode stream says.
type cmap struct {
	width  int // bytes per code
	single map[uint32]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi uint32
	dst    []uint16 // UTF-16 of the first code's text; later codes add to the last unit
	list   []string // or one text per code
}

// fontCMap reads the ToUnicode map of a Type0 Identity-H font, the only
// kind gofpdf writes for UTF-8 fonts.
func fontCMap(doc *pdfDoc, ref any) (*cmap, error) {
	f := doc.dict(ref)
	if f == nil {
		return nil, errors.New("the font is missing")
	}
	if f["Subtype"] != pdfName("Type0") || f["Encoding"] != pdfName("Identity-H") {
		return nil, errors.New("not a font Cascade embeds")
	}
	data, err := doc.streamData(f["ToUnicode"])
	if err != nil {
		return nil, fmt.Errorf("ToUnicode: %w", err)
	}
	return parseCMap(data)
}

func codeOf(s pdfString) uint32 {
	var v uint32
	for _, c := range s {
		v = v<<8 | uint32(c)
	}
	return v
}

func utf16Text(s pdfString) string {
	u := make([]uint16, 0, len(s)/2)
	for k := 0; k+1 < len(s); k += 2 {
		u = append(u, uint16(s[k])<<8|uint16(s[k+1]))
	}
	return string(utf16.Decode(u))
}

// parseCMap reads codespace, bfchar and bfrange sections of a CMap.
func parseCMap(data []byte) (*cmap, error) {
	ops, err := contentOps(data)
	if err != nil {
		return nil, fmt.Errorf("ToUnicode: %w", err)
	}
	m := &cmap{single: map[uint32]string{}}
	for _, op := range ops {
		switch op.op {
		case "endcodespacerange":
			for _, a := range op.args {
				if s, ok := a.(pdfString); ok {
					if m.width != 0 && m.width != len(s) {
						return nil, errors.New("ToUnicode: mixed code widths")
					}
					m.width = len(s)
				}
			}
		case "endbfchar":
			for k := 0; k+1 < len(op.args); k += 2 {
				src, ok1 := op.args[k].(pdfString)
				dst, ok2 := op.args[k+1].(pdfString)
				if !ok1 || !ok2 {
					return nil, errors.New("ToUnicode: bad bfchar")
				}
				m.single[codeOf(src)] = utf16Text(dst)
			}
		case "endbfrange":
			for k := 0; k+2 < len(op.args); k += 3 {
				lo, ok1 := op.args[k].(pdfString)
				hi, ok2 := op.args[k+1].(pdfString)
				if !ok1 || !ok2 {
					return nil, errors.New("ToUnicode: bad bfrange")
				}
				r := cmapRange{lo: codeOf(lo), hi: codeOf(hi)}
				switch d := op.args[k+2].(type) {
				case pdfString:
					for j := 0; j+1 < len(d); j += 2 {
						r.dst = append(r.dst, uint16(d[j])<<8|uint16(d[j+1]))
					}
				case []any:
					for _, x := range d {
						s, _ := x.(pdfString)
						r.list = append(r.list, utf16Text(s))
					}
				default:
					return nil, errors.New("ToUnicode: bad bfrange")
				}
				m.ranges = append(m.ranges, r)
			}
		}
	}
	if m.width < 1 || m.width > 4 {
		return nil, errors.New("ToUnicode: no code space")
	}
	return m, nil
}

func (m *cmap) decode(s pdfString) string {
	var b strings.Builder
	for k := 0; k+m.width <= len(s); k += m.width {
		c := codeOf(s[k : k+m.width])
		if t, ok := m.single[c]; ok {
			b.WriteString(t)
			continue
		}
		found := false
		for _, r := range m.ranges {
			if c < r.lo || c > r.hi {
				continue
			}
			off := c - r.lo
			if r.list != nil {
				if int(off) < len(r.list) {
					b.WriteString(r.list[off])
					found = true
				}
				break
			}
			if len(r.dst) > 0 {
				u := slices.Clone(r.dst)
				u[len(u)-1] += uint16(off)
				b.WriteString(string(utf16.Decode(u)))
				found = true
			}
			break
		}
		if !found {
			b.WriteRune('\uFFFD')
		}
	}
	if len(s)%m.width != 0 {
		b.WriteRune('\uFFFD')
	}
	return b.String()
}

// comparePage compares one page with the fresh drawing of its certificate
// and says, in words, the first part that differs; "" when none does.
func comparePage(doc *pdfDoc, page pdfDict, got pageView, want *pdfDoc, wantPage pdfDict, exp pageView,
	f model.CertFields, p model.Printable, all []CertificateEntry, checkedRes map[any]string, lay layout) string {
	// The text first: it is what a reader reads.
	gt, et := got.texts(), exp.texts()
	for i := 0; i < max(len(gt), len(et)); i++ {
		switch {
		case i >= len(gt):
			return fmt.Sprintf("%s is missing from the page: the signed fields give %q", partOf(f, et[i]), et[i])
		case i >= len(et):
			return fmt.Sprintf("the page shows text the certificate does not have: %q", gt[i])
		case gt[i] != et[i]:
			return fmt.Sprintf("%s on the page reads %q; the signed fields give %q", partOf(f, et[i]), gt[i], et[i])
		case got.runs[i].font != exp.runs[i].font || math.Abs(got.runs[i].size-exp.runs[i].size) > 0.01:
			return fmt.Sprintf("%s is not in the certificate's font and size", partOf(f, et[i]))
		}
	}

	// Then the QR code, rebuilt module by module.
	if problem := compareQR(got.ops, qrText(p, lay), all, lay); problem != "" {
		return problem
	}

	// Then what the page is made of: its dictionary, fonts and states.
	if problem := comparePageDict(doc, page, want, wantPage); problem != "" {
		return problem
	}
	key := fmt.Sprint(page["Resources"])
	if prob, ok := checkedRes[key]; ok && key != "map[]" {
		if prob != "" {
			return prob
		}
	} else {
		prob := compareResources(doc, got.res, want, exp.res)
		checkedRes[key] = prob
		if prob != "" {
			return prob
		}
	}

	// And every other drawing operator, which covers anything painted over
	// the text: only a logo, where the template puts one, may be added.
	i, j := 0, 0
	for i < len(got.ops) || j < len(exp.ops) {
		if j < len(exp.ops) && i < len(got.ops) && sameOp(got.ops[i], exp.ops[j]) {
			i, j = i+1, j+1
			continue
		}
		if isLogo(doc, got.ops[i:], got.res) {
			i += 4
			continue
		}
		if i >= len(got.ops) {
			return "the page lacks part of the certificate's drawing"
		}
		return fmt.Sprintf("the page's drawing differs from the certificate template at operator %d (%s)", i+1, got.ops[i].op)
	}
	return ""
}

// comparePageDict allows a page the entries the template's page has and a
// transparency group, which gofpdf adds for a logo with an alpha channel.
func comparePageDict(doc *pdfDoc, page pdfDict, want *pdfDoc, wantPage pdfDict) string {
	for k := range wantPage {
		if _, ok := page[k]; !ok {
			return fmt.Sprintf("the page lacks its /%s entry", k)
		}
	}
	for k, v := range page {
		switch k {
		case "Type", "Parent", "Resources", "Contents":
		case "Group":
			g := doc.dict(v)
			if g["S"] != pdfName("Transparency") || len(g) != 3 || g["CS"] != pdfName("DeviceRGB") {
				return "the page's transparency group is not the one Cascade writes"
			}
		default:
			return fmt.Sprintf("the page carries /%s, which Cascade never writes (such as annotations or a crop box)", k)
		}
	}
	return ""
}

// partOf names which signed field a line of the drawing shows.
func partOf(f model.CertFields, line string) string {
	switch {
	case line == f.Name:
		return "the holder's name"
	case line == headlines[f.Kind]:
		return "the award"
	case strings.HasPrefix(line, "Certificate number "):
		return "the certificate number and date"
	case strings.HasPrefix(line, "Total: "):
		return "the total credits"
	case line == f.Programme:
		return "the programme"
	case line == spaced(strings.ToUpper(f.Centre)):
		return "the centre"
	case strings.Contains(f.Certifies, line):
		return "what is certified"
	case f.Cohort != "" && strings.Contains(line, "Cohort "+f.Cohort):
		return "the cohort and host"
	case strings.HasSuffix(line, " credits") || strings.HasPrefix(line, "Level ") || line == "Entry":
		return "the units"
	case strings.Contains(f.Signatory1, line) || strings.Contains(f.Signatory2, line):
		return "the signatories"
	}
	for _, u := range f.Units {
		if line == u.Code || strings.HasPrefix(u.Title, strings.TrimSuffix(line, "…")) || line == shortDate(u.Achieved) || line == strconv.Itoa(u.Credits) {
			return "the units"
		}
	}
	return "the text"
}

// compareQR finds the QR code's squares, rebuilds its module matrix and
// compares it with the one our encoder makes for the certificate's signed
// fields and code (NUMBER:CODE in the legacy layout).
func compareQR(ops []pdfOp, text string, all []CertificateEntry, lay layout) string {
	want, err := qrMatrix(text)
	if err != nil {
		return "the certificate's fields and code cannot be put in a QR code: " + err.Error()
	}
	got, ok := readQR(ops, lay.qrY())
	if !ok {
		return "the page has no QR code drawn as Cascade draws it (missing or replaced)"
	}
	if equalMatrix(got, want) {
		return ""
	}
	for _, e := range all {
		if f, err := model.ParsePayload(e.Payload); err == nil {
			other := qrText(model.Printable{Fields: f, Code: e.Code, VerifyURL: e.VerifyURL}, lay)
			if m, err := qrMatrix(other); err == nil && other != text && equalMatrix(got, m) {
				return "the QR code holds another certificate's fields and code (" + f.Number + ")"
			}
		}
	}
	return "the QR code does not hold this certificate's fields and code"
}

func qrMatrix(text string) ([][]bool, error) {
	code, err := encodeQR(text)
	if err != nil {
		return nil, err
	}
	g, ok := code.(interface{ Get(x, y int) bool })
	if !ok {
		return nil, errors.New("no module access")
	}
	n := code.Bounds().Dx()
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
		for x := range m[y] {
			m[y][x] = g.Get(x, y)
		}
	}
	return m, nil
}

func equalMatrix(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for y := range a {
		if !slices.Equal(a[y], b[y]) {
			return false
		}
	}
	return true
}

// readQR rebuilds the module matrix from the block qrPath writes:
// q, black fill, one transform to module units, rectangles, fill, Q. The
// transform must put a code of some QR version (21 to 177 modules: codes
// differ in size with the fields they hold) where the template puts it.
func readQR(ops []pdfOp, qrY float64) ([][]bool, bool) {
	const k = 72 / 25.4
	for i := 0; i+3 < len(ops); i++ {
		if ops[i].op != "q" || ops[i+1].op != "g" || ops[i+2].op != "cm" {
			continue
		}
		cm := nums(ops[i+2].args)
		if len(cm) != 6 || cm[0] <= 0 {
			continue
		}
		n := int(math.Round(qrSize * k / cm[0]))
		cell := qrSize / float64(n) * k
		if n < 21 || n > 177 || (n-21)%4 != 0 || cm[1] != 0 || cm[2] != 0 || math.Abs(cm[0]-cell) > 0.001 || math.Abs(cm[3]+cell) > 0.001 ||
			math.Abs(cm[4]-qrX*k) > 0.01 || math.Abs(cm[5]-(210-qrY)*k) > 0.01 {
			continue
		}
		if g := nums(ops[i+1].args); len(g) != 1 || g[0] != 0 {
			return nil, false
		}
		m := make([][]bool, n)
		for y := range m {
			m[y] = make([]bool, n)
		}
		for j := i + 3; j < len(ops); j++ {
			switch ops[j].op {
			case "re":
				r := nums(ops[j].args)
				if len(r) != 4 {
					return nil, false
				}
				x0, y0, w, h := int(r[0]), int(r[1]), int(r[2]), int(r[3])
				if float64(x0) != r[0] || float64(y0) != r[1] || float64(w) != r[2] || float64(h) != r[3] ||
					x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0+w > n || y0+h > n {
					return nil, false
				}
				for y := y0; y < y0+h; y++ {
					for x := x0; x < x0+w; x++ {
						m[y][x] = true
					}
				}
			case "f":
				if j+1 < len(ops) && ops[j+1].op == "Q" {
					return m, true
				}
				return nil, false
			default:
				return nil, false
			}
		}
		return nil, false
	}
	return nil, false
}

func nums(args []any) []float64 {
	out := make([]float64, 0, len(args))
	for _, a := range args {
		n, ok := a.(pdfNum)
		if !ok {
			return nil
		}
		out = append(out, float64(n))
	}
	return out
}

// sameOp compares two operators; numbers within the precision we print.
func sameOp(a, b pdfOp) bool {
	if a.op != b.op || len(a.args) != len(b.args) {
		return false
	}
	for i := range a.args {
		if !sameArg(a.args[i], b.args[i]) {
			return false
		}
	}
	return true
}

func sameArg(a, b any) bool {
	switch x := a.(type) {
	case pdfNum:
		y, ok := b.(pdfNum)
		return ok && math.Abs(float64(x-y)) < 0.006
	case pdfString:
		y, ok := b.(pdfString)
		return ok && bytes.Equal(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameArg(x[i], y[i]) {
				return false
			}
		}
		return true
	case pdfDict:
		return false // no inline dictionaries in our content
	}
	return a == b
}

// isLogo reports whether ops start with the centre's logo as drawCertificate
// places it: an image (never a form, which could hold text) 20 mm tall at
// (20, 18) mm, at most 60 mm wide, so it cannot cover the signed text.
func isLogo(doc *pdfDoc, ops []pdfOp, res pdfDict) bool {
	const k = 72 / 25.4
	if len(ops) < 4 || ops[0].op != "q" || ops[1].op != "cm" || ops[2].op != "Do" || ops[3].op != "Q" ||
		len(ops[0].args) != 0 || len(ops[3].args) != 0 || len(ops[2].args) != 1 {
		return false
	}
	cm := nums(ops[1].args)
	if len(cm) != 6 || cm[1] != 0 || cm[2] != 0 || cm[0] <= 0 || cm[0] > 60*k ||
		math.Abs(cm[3]-20*k) > 0.01 || math.Abs(cm[4]-20*k) > 0.01 || math.Abs(cm[5]-(210-18-20)*k) > 0.01 {
		return false
	}
	name, _ := ops[2].args[0].(pdfName)
	img := doc.dict(doc.dict(res["XObject"])[name])
	return img != nil && img["Subtype"] == pdfName("Image")
}

// compareResources compares a page's fonts and graphics states, in full
// (font programs, glyph maps, widths, ToUnicode), with the fresh drawing's:
// a changed glyph map would show other letters for the same text. Images
// may only be images (the logo); nothing else may be added.
func compareResources(doc *pdfDoc, got pdfDict, want *pdfDoc, exp pdfDict) string {
	for k := range got {
		switch k {
		case "ProcSet", "Font", "XObject", "ExtGState", "ColorSpace":
		default:
			return fmt.Sprintf("the page's resources hold /%s, which Cascade never writes", k)
		}
	}
	for _, k := range []pdfName{"Font", "ExtGState"} {
		if !sameValue(doc, got[k], want, exp[k], 0) {
			if k == "Font" {
				return "the page's fonts differ from the ones Cascade embeds (letters could show other glyphs)"
			}
			return "the page's graphics states differ from the ones Cascade writes"
		}
	}
	for name, x := range doc.dict(got["XObject"]) {
		if d := doc.dict(x); d == nil || d["Subtype"] != pdfName("Image") {
			return fmt.Sprintf("the page's resources hold /%s, which is not an image", name)
		}
	}
	if cs := doc.dict(got["ColorSpace"]); len(cs) > 0 {
		return "the page's resources hold colour spaces Cascade never writes"
	}
	return ""
}

// sameValue compares two objects from two documents deeply: references
// followed, streams by their decoded bytes and dictionaries.
func sameValue(da *pdfDoc, a any, db *pdfDoc, b any, depth int) bool {
	if depth > 16 {
		return false
	}
	a, b = da.resolve(a), db.resolve(b)
	switch x := a.(type) {
	case *pdfStream:
		y, ok := b.(*pdfStream)
		if !ok {
			return false
		}
		xd, err1 := da.streamData(x)
		yd, err2 := db.streamData(y)
		if err1 != nil || err2 != nil || !bytes.Equal(xd, yd) {
			return false
		}
		strip := func(d pdfDict) pdfDict {
			c := pdfDict{}
			for k, v := range d {
				if k != "Length" && k != "Filter" {
					c[k] = v
				}
			}
			return c
		}
		return sameValue(da, strip(x.dict), db, strip(y.dict), depth+1)
	case pdfDict:
		y, ok := b.(pdfDict)
		if !ok || !sameKeys(x, y) {
			return false
		}
		for k := range x {
			if !sameValue(da, x[k], db, y[k], depth+1) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(da, x[i], db, y[i], depth+1) {
				return false
			}
		}
		return true
	}
	return sameArg(a, b)
}
