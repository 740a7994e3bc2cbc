package reports

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cascade/model"
)

// pdfObjects splits a PDF we wrote into its objects' raw bytes, in file
// order, with the parts before, between and after them, by its xref.
type pdfParts struct {
	head string
	objs []rawObj
	tail string // the trailer dictionary onwards, xref excluded
}

type rawObj struct {
	num  int
	text string
}

var objHead = regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)

func splitPDF(t *testing.T, data []byte) pdfParts {
	t.Helper()
	x := bytes.LastIndex(data, []byte("\nxref\n"))
	tr := bytes.LastIndex(data, []byte("\ntrailer\n"))
	if x < 0 || tr < x {
		t.Fatal("no xref in PDF")
	}
	body := string(data[:x+1])
	locs := objHead.FindAllStringSubmatchIndex(body, -1)
	p := pdfParts{head: body[:locs[0][0]], tail: string(data[tr+1:])}
	for i, l := range locs {
		end := len(body)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		n, _ := strconv.Atoi(body[l[2]:l[3]])
		p.objs = append(p.objs, rawObj{n, body[l[0]:end]})
	}
	return p
}

// join writes the parts back with a correct xref, as a tool that rewrites
// a PDF in full (qpdf, a PDF editor) would.
func (p pdfParts) join() []byte {
	var b bytes.Buffer
	b.WriteString(p.head)
	offs := map[int]int{}
	maxN := 0
	for _, o := range p.objs {
		offs[o.num] = b.Len()
		maxN = max(maxN, o.num)
		b.WriteString(o.text)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", maxN+1)
	for n := 1; n <= maxN; n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offs[n])
	}
	tail := regexp.MustCompile(`startxref\n\d+`).ReplaceAllString(p.tail, "startxref\n"+strconv.Itoa(xref))
	tail = regexp.MustCompile(`/Size \d+`).ReplaceAllString(tail, fmt.Sprintf("/Size %d", maxN+1))
	b.WriteString(tail)
	return b.Bytes()
}

// obj returns the index of object num.
func (p pdfParts) obj(t *testing.T, num int) int {
	for i, o := range p.objs {
		if o.num == num {
			return i
		}
	}
	t.Fatalf("no object %d", num)
	return -1
}

// stream returns an object's stream, inflated.
func streamOf(t *testing.T, obj string) []byte {
	t.Helper()
	i := strings.Index(obj, "stream\n") + len("stream\n")
	j := strings.LastIndex(obj, "\nendstream")
	raw := []byte(obj[i:j])
	if !strings.Contains(obj[:i], "FlateDecode") {
		return raw
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withStream replaces an object's stream with data, uncompressed.
func withStream(num int, data []byte) string {
	return fmt.Sprintf("%d 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n", num, len(data), data)
}

// pageContents lists the content stream object numbers, page by page.
func pageContents(t *testing.T, p pdfParts) []int {
	var out []int
	re := regexp.MustCompile(`/Contents (\d+) 0 R`)
	for _, o := range p.objs {
		if strings.Contains(o.text, "/Type /Page\n") {
			n, _ := strconv.Atoi(re.FindStringSubmatch(o.text)[1])
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		t.Fatal("no pages")
	}
	return out
}

// editContent rewrites page i's content stream with edit.
func editContent(t *testing.T, data []byte, page int, edit func([]byte) []byte) []byte {
	t.Helper()
	p := splitPDF(t, data)
	num := pageContents(t, p)[page]
	k := p.obj(t, num)
	before := streamOf(t, p.objs[k].text)
	after := edit(before)
	if bytes.Equal(before, after) {
		t.Fatal("edit changed nothing")
	}
	p.objs[k].text = withStream(num, after)
	return p.join()
}

// utf16Hex is how gofpdf writes s inside a text string, escapes aside.
func utf16Bytes(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

var qrBlock = regexp.MustCompile(`(?s)q 0 g [^\n]* cm\n.*?f Q\n`)

func certPDF(t *testing.T, certs ...model.Printable) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCertificates(&buf, certs, fixed); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// problemOf reads a PDF and returns its document error or its pages'
// problems, joined.
func problemOf(data []byte) string {
	es, err := ReadCertificatePDF(data)
	if err != nil {
		return err.Error()
	}
	var ps []string
	for _, e := range es {
		if e.Problem != "" {
			ps = append(ps, e.Problem)
		}
	}
	return strings.Join(ps, "; ")
}

func TestReadCertificatePDFAcceptsWhatWeWrite(t *testing.T) {
	key := testKey(t)
	logo := filepath.Join(t.TempDir(), "logo.png")
	img := image.NewRGBA(image.Rect(0, 0, 30, 20))
	img.Set(3, 3, color.RGBA{200, 0, 0, 255})
	var lb bytes.Buffer
	png.Encode(&lb, img)
	os.WriteFile(logo, lb.Bytes(), 0o600)

	var all []model.Printable
	for i, name := range testNames {
		for j, kind := range model.CertificateKinds {
			c := samplePrintable(t, key, kind, name, 10*i+j+1, (i+j)%4 == 1)
			if j == 1 {
				c.Logo = logo
			}
			if got := problemOf(certPDF(t, c)); got != "" {
				t.Errorf("%s %s: %s", kind, name, got)
			}
			all = append(all, c)
		}
	}
	if got := problemOf(certPDF(t, all...)); got != "" {
		t.Errorf("batch of %d: %s", len(all), got)
	}
	// A name outside the cut faces makes the whole faces embedded.
	c := samplePrintable(t, key, model.KindCompletion, "Ấn 漢字 Ōta", 99, false)
	if got := problemOf(certPDF(t, c)); got != "" {
		t.Errorf("whole-font name: %s", got)
	}
}

func TestReadCertificatePDFRefusesTampering(t *testing.T) {
	key := testKey(t)
	zoe := samplePrintable(t, key, model.KindCompletion, "Zoë Hart", 1, false)
	units := samplePrintable(t, key, model.KindUnits, "Łukasz Nowak", 2, false)
	trainer := samplePrintable(t, key, model.KindTrainer, "Дмитрий Иванов", 3, false)
	single := certPDF(t, zoe)
	unitsPDF := certPDF(t, units)
	batch := certPDF(t, zoe, units, trainer)
	other := certPDF(t, samplePrintable(t, key, model.KindCompletion, "Nguyễn Thị Lan", 4, false))

	replace := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte { return bytes.Replace(b, utf16Bytes(old), utf16Bytes(new), 1) }
	}
	swapQR := func(from []byte) func([]byte) []byte {
		theirs := qrBlock.Find(streamOf(t, splitPDF(t, from).objs[splitPDF(t, from).obj(t, pageContents(t, splitPDF(t, from))[0])].text))
		return func(b []byte) []byte { return qrBlock.ReplaceAllLiteral(b, theirs) }
	}
	keywordsOf := func(data []byte) string {
		return regexp.MustCompile(`/Keywords \([^)]*\)`).FindString(string(data))
	}
	withInfo := func(data []byte, edit func(string) string) []byte {
		p := splitPDF(t, data)
		for i, o := range p.objs {
			if strings.Contains(o.text, "/Keywords (") {
				p.objs[i].text = edit(o.text)
			}
		}
		return p.join()
	}

	// Swap the QR codes of pages 1 and 2 of a batch.
	batchSwap := func() []byte {
		p := splitPDF(t, batch)
		pages := pageContents(t, p)
		a, b := p.obj(t, pages[0]), p.obj(t, pages[1])
		sa, sb := streamOf(t, p.objs[a].text), streamOf(t, p.objs[b].text)
		qa, qb := qrBlock.Find(sa), qrBlock.Find(sb)
		p.objs[a].text = withStream(pages[0], qrBlock.ReplaceAllLiteral(sa, qb))
		p.objs[b].text = withStream(pages[1], qrBlock.ReplaceAllLiteral(sb, qa))
		return p.join()
	}

	cases := []struct {
		name string
		pdf  []byte
		want string // in the reason
	}{
		{"visible name edited", editContent(t, single, 0, replace("Zoë Hart", "Zoë Hurt")), "holder's name on the page reads \"Zoë Hurt\""},
		{"QR from another certificate", editContent(t, single, 0, swapQR(other)), "QR code"},
		{"QR codes swapped in a batch", batchSwap(), "another certificate's fields and code (CU-2013-000002)"},
		{"QR code removed", editContent(t, single, 0, func(b []byte) []byte { return qrBlock.ReplaceAll(b, nil) }), "no QR code"},
		{"another certificate's Keywords", withInfo(single, func(s string) string {
			return strings.Replace(s, keywordsOf(single), keywordsOf(other), 1)
		}), "differ"},
		{"Keywords appended after %%EOF", append(bytes.Clone(single), []byte(fmt.Sprintf(
			"\n40 0 obj\n<</Keywords %s>>\nendobj\nxref\n0 1\n0000000000 65535 f \n40 1\n%010d 00000 n \ntrailer\n<</Size 41 /Root 9 0 R /Info 40 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n",
			strings.TrimPrefix(keywordsOf(other), "/Keywords "), len(single)+1, bytes.LastIndex(single, []byte("xref")), len(single)+40))...), "after the document's end"},
		{"date changed", editContent(t, single, 0, replace("1 July 2013", "2 July 2013")), "the certificate number and date"},
		{"unit achievement date changed", editContent(t, unitsPDF, 0, replace("20 Jun 2013", "21 Jun 2013")), "the units"},
		{"total credits changed", editContent(t, unitsPDF, 0, replace("Total: 12 credits", "Total: 19 credits")), "the total credits"},
		{"unit title changed", editContent(t, unitsPDF, 0, replace("Facilitating collective action", "Facilitating collective actions")), "the units"},
		{"award changed", editContent(t, single, 0, replace("Certificate of Completion", "Certificate of Excellence")), "the award"},
		{"page removed from a batch", func() []byte {
			p := splitPDF(t, batch)
			for i, o := range p.objs {
				if strings.Contains(o.text, "/Type /Pages") {
					p.objs[i].text = regexp.MustCompile(`/Kids \[(\d+ 0 R) \d+ 0 R `).ReplaceAllString(o.text, "/Kids [$1 ")
					p.objs[i].text = strings.Replace(p.objs[i].text, "/Count 3", "/Count 2", 1)
				}
			}
			return p.join()
		}(), "2 pages but its properties list 3"},
		{"truncated file", single[:len(single)*2/3], "read certificate"},
		{"white box over the name with a new name drawn", editContent(t, single, 0, func(b []byte) []byte {
			return append(b, "q 1 g 100 360 600 40 re f Q\n"...)
		}), "drawing differs"},
		{"text made invisible", editContent(t, single, 0, func(b []byte) []byte {
			return bytes.Replace(b, []byte("BT 3"), []byte("BT 3 Tr 3"), 1)
		}), "drawing differs"},
		{"glyph map changed", func() []byte {
			p := splitPDF(t, single)
			for i, o := range p.objs {
				if strings.Contains(o.text, "/Length1") { // a font program
					s := streamOf(t, o.text)
					s[len(s)/2] ^= 0xFF
					var z bytes.Buffer
					zw := zlib.NewWriter(&z)
					zw.Write(s)
					zw.Close()
					p.objs[i].text = fmt.Sprintf("%d 0 obj\n<</Length %d\n/Filter /FlateDecode\n/Length1 %d\n>>\nstream\n%s\nendstream\nendobj\n", o.num, z.Len(), len(s), z.Bytes())
					break
				}
			}
			return p.join()
		}(), "fonts differ"},
		{"annotation added to the page", func() []byte {
			p := splitPDF(t, single)
			for i, o := range p.objs {
				if strings.Contains(o.text, "/Type /Page\n") {
					p.objs[i].text = strings.Replace(o.text, "/Contents", "/Annots []\n/Contents", 1)
				}
			}
			return p.join()
		}(), "/Annots"},
		{"object defined twice", func() []byte {
			p := splitPDF(t, single)
			p.objs = append(p.objs, p.objs[0])
			return p.join()
		}(), "defined twice"},
	}
	for _, c := range cases {
		got := problemOf(c.pdf)
		if got == "" {
			t.Errorf("%s: read as valid", c.name)
		} else if !strings.Contains(got, c.want) {
			t.Errorf("%s: problem %q; want it to mention %q", c.name, got, c.want)
		}
	}
	// The untouched files still read clean, so the cases above fail for
	// their edits alone, and a rewrite with a fresh xref alone is harmless.
	for name, data := range map[string][]byte{"single": single, "units": unitsPDF, "batch": batch,
		"single rewritten": splitPDF(t, single).join(), "batch rewritten": splitPDF(t, batch).join()} {
		if got := problemOf(data); got != "" {
			t.Errorf("%s: %s", name, got)
		}
	}
}

// TestReadCertificatePDFLegacyAndAddress: a document printed before the QR
// code held the signed fields (NUMBER:CODE) still reads clean; a document
// whose QR code links to an address reads clean; its address changed in the
// properties alone, or in the properties and the footer, is caught.
func TestReadCertificatePDFLegacyAndAddress(t *testing.T) {
	key := testKey(t)
	c := samplePrintable(t, key, model.KindUnits, "Zoë Hart", 7, false)
	var legacy bytes.Buffer
	if err := writeCertificates(&legacy, []model.Printable{c}, fixed, layoutV1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(legacy.Bytes(), []byte(legacyKeywordsMark)) {
		t.Fatal("legacy drawing lacks its keywords mark")
	}
	if got := problemOf(legacy.Bytes()); got != "" {
		t.Errorf("legacy certificate: %s", got)
	}
	c.VerifyURL = "https://example.org/verify"
	var linked bytes.Buffer
	if err := WriteCertificates(&linked, []model.Printable{c}, fixed); err != nil {
		t.Fatal(err)
	}
	if got := problemOf(linked.Bytes()); got != "" {
		t.Errorf("certificate with an address: %s", got)
	}
	// The same certificate drawn with another address, its properties
	// claiming the first: the page and QR code differ from what they claim.
	evil := c
	evil.VerifyURL = "https://evil.example/verify"
	var moved bytes.Buffer
	if err := WriteCertificates(&moved, []model.Printable{evil}, fixed); err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Replace(moved.Bytes(), []byte(base64URL(evil.VerifyURL)), []byte(base64URL(c.VerifyURL)), 1)
	if bytes.Equal(swapped, moved.Bytes()) {
		t.Fatal("address not found in the keywords")
	}
	if got := problemOf(splitPDF(t, swapped).join()); got == "" {
		t.Error("a page linking elsewhere than its properties say read as valid")
	}
	// A legacy document's keywords with an address appended are damaged.
	bad := bytes.Replace(legacy.Bytes(), []byte(c.Code+")"), []byte(c.Code+":"+base64URL(c.VerifyURL)+")"), 1)
	if _, err := ReadCertificatePDF(splitPDF(t, bad).join()); err == nil {
		t.Error("legacy keywords with an address read without complaint")
	}
}

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
