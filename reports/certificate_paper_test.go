package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model"
)

// paperText is what pdftotext reads off a certificate document.
func paperText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// smallestText is the smallest font size any text on any page is drawn in,
// and that text.
func smallestText(t *testing.T, data []byte) (float64, string) {
	t.Helper()
	doc, err := parsePDF(data)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := doc.pages()
	if err != nil {
		t.Fatal(err)
	}
	small, what := 1000.0, ""
	for _, p := range pages {
		v, err := readPage(doc, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range v.runs {
			if r.size < small {
				small, what = r.size, r.text
			}
		}
	}
	return small, what
}

// TestCertificatesOnPaper reads each kind back as a reader would: the footer
// says how to check it, the signatories are named with their roles, a units
// certificate dates each unit, no text is under 8 pt, and the strict reader
// still finds the page exactly as signed.
func TestCertificatesOnPaper(t *testing.T) {
	key := testKey(t)
	for _, kind := range model.CertificateKinds {
		for _, url := range []string{"", "https://example.org/verify"} {
			c := samplePrintable(t, key, kind, "Zoë Hart", 5, kind == model.KindTrainer)
			c.VerifyURL = url
			data := certPDF(t, c)
			text := paperText(t, data)
			want := []string{"To check this certificate, scan the QR code",
				"verification code under the QR code", "whether it is valid", "Verification code",
				"Jess Steele", "Programme Director", "Dr Rhys Ap Gwilym", "Head of Training, Trafford Hall"}
			if url != "" {
				want = append(want, "phone camera: it opens "+url, "No phone? Type the certificate number "+c.Fields.Number, "into that page")
			} else {
				want = append(want, "paste the text it holds into Trafford Hall's verification page", "No phone? Give Trafford Hall the certificate number "+c.Fields.Number)
			}
			if kind == model.KindUnits {
				want = append(want, "Achieved", "CO201", "1 Mar 2013", "11 Apr 2013", "20 Jun 2013", "Total: 12 credits")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s certificate (address %q): the page lacks %q\n%s", kind, url, w, text)
				}
			}
			if size, what := smallestText(t, data); size < 8 {
				t.Errorf("%s certificate: %q is in %.1f pt; want 8 pt or more", kind, what, size)
			}
			if p := problemOf(data); p != "" {
				t.Errorf("%s certificate (address %q) does not read back: %s", kind, url, p)
			}
		}
	}
}

// TestCertificatesOnPaperAdversarial: many long-titled units, a very long
// verification address, a signatory with no role and none at all, and a
// document printed in the layout before this one.
func TestCertificatesOnPaperAdversarial(t *testing.T) {
	key := testKey(t)

	many := samplePrintable(t, key, model.KindUnits, "Aoife Ó Súilleabháin", 6, false)
	many.Fields.Units = nil
	for i := range 14 {
		many.Fields.Units = append(many.Fields.Units, model.CertUnit{Code: "CO" + string(rune('A'+i)) + "01",
			Title: strings.TrimSpace(strings.Repeat("Working with elected representatives and power ", 3)), Level: 3, Credits: 4, Achieved: "2013-01-2" + string(rune('0'+i%10))})
	}
	many.Fields.Credits = 56
	many.Code = model.Sign(key, many.Fields.Payload())
	data := certPDF(t, many)
	if d := os.Getenv("CASCADE_PAPER_DUMP"); d != "" {
		os.WriteFile(filepath.Join(d, "many.pdf"), data, 0o644)
	}
	text := paperText(t, data)
	for _, w := range []string{"20 Jan 2013", "more units (listed in the certificate's record)", "Total: 56 credits", "No phone?"} {
		if !strings.Contains(text, w) {
			t.Errorf("14 units: the page lacks %q\n%s", w, text)
		}
	}
	if size, what := smallestText(t, data); size < 8 {
		t.Errorf("14 units: %q is in %.1f pt", what, size)
	}
	if p := problemOf(data); p != "" {
		t.Errorf("14 units: %s", p)
	}

	long := samplePrintable(t, key, model.KindCompletion, "Łukasz Nowak", 7, false)
	long.VerifyURL = "https://certificates.example.org/" + strings.Repeat("community-organisers/", 12) + "verify"
	long.Fields.Signatory1 = "Jess Steele" // no role
	long.Fields.Signatory2 = ""
	long.Code = model.Sign(key, long.Fields.Payload())
	data = certPDF(t, long)
	if d := os.Getenv("CASCADE_PAPER_DUMP"); d != "" {
		os.WriteFile(filepath.Join(d, "long.pdf"), data, 0o644)
	}
	text = paperText(t, data)
	if !strings.Contains(text, "Jess Steele") || strings.Contains(text, "Rhys") || !strings.Contains(text, "No phone? Type the certificate number") {
		t.Errorf("one signatory: %s", text)
	}
	if size, what := smallestText(t, data); size < 8 {
		t.Errorf("long address: %q is in %.1f pt", what, size)
	}
	if p := problemOf(data); p != "" {
		t.Errorf("long address: %s", p)
	}
	// The footer keeps inside the border: three lines at most, the last
	// cut with an ellipsis rather than running off the page.
	var buf bytes.Buffer
	pdf := newCertificateDocument(fixed, false)
	pdf.AddPage()
	pdf.SetFont(serif, "", 8)
	if lines := footerWrapped(pdf, footerText(long), 257); len(lines) > maxFooterLines {
		t.Errorf("footer of %d lines; want at most %d", len(lines), maxFooterLines)
	}

	// A certificate printed in the layout before this one (6.3 pt code,
	// units without dates) still reads back as exactly what was signed.
	old := samplePrintable(t, key, model.KindUnits, "Zoë Hart", 8, false)
	if err := writeCertificates(&buf, []model.Printable{old}, fixed, layoutV2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(layoutV2KeywordsMark)) {
		t.Fatal("the earlier layout lacks its mark")
	}
	if p := problemOf(buf.Bytes()); p != "" {
		t.Errorf("earlier layout: %s", p)
	}
	// Its mark changed to the current one, the page no longer matches.
	relabelled := bytes.Replace(buf.Bytes(), utf16Bytes(layoutV2KeywordsMark), utf16Bytes(keywordsMark), 1)
	if bytes.Equal(relabelled, buf.Bytes()) {
		relabelled = bytes.Replace(buf.Bytes(), []byte(layoutV2KeywordsMark), []byte(keywordsMark), 1)
	}
	if p := problemOf(relabelled); p == "" {
		t.Error("an earlier page relabelled as the current layout read back clean")
	}
}
