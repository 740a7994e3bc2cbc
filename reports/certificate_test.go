package reports

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cascade/model"
)

var fixed = time.Date(2013, 7, 1, 9, 0, 0, 0, time.UTC)

// testNames covers every script the programme's names come in.
var testNames = []string{"Zoë Hart", "Łukasz Nowak", "Aoife Ó Súilleabháin", "Ŵyn Jones", "Σοφία Παπαδοπούλου", "Дмитрий Иванов", "Nguyễn Thị Lan"}

func samplePrintable(t testing.TB, key ed25519.PrivateKey, kind, name string, seq int, copyMark bool) model.Printable {
	t.Helper()
	number, err := model.CertificateNumber(kind, 2013, seq)
	if err != nil {
		t.Fatal(err)
	}
	f := model.CertFields{Number: number, Kind: kind, Name: name,
		Certifies: "has successfully completed the programme's training as a senior community organiser",
		Programme: "Community Organisers Programme", Cohort: "3", Host: "Ceredigion Rural Development Trust",
		Issued: "2013-07-01", Template: model.TemplateVersion, IssuedBy: "os:lead", Centre: "Trafford Hall",
		Signatory1: "Jess Steele, Programme Director", Signatory2: "Dr Rhys Ap Gwilym, Head of Training, Trafford Hall"}
	switch kind {
	case model.KindUnits:
		f.Certifies = "has achieved the following units, accredited by Open College Network North West Region"
		f.Units = []model.CertUnit{
			{Code: "CO201", Title: "Systematic listening in communities", Level: 2, Credits: 3, Achieved: "2013-03-01"},
			{Code: "CO202", Title: "Building networks and relationships", Level: 2, Credits: 3, Achieved: "2013-04-11"},
			{Code: "CO301", Title: "Facilitating collective action", Level: 3, Credits: 6, Achieved: "2013-06-20"},
		}
		f.Credits = 12
	case model.KindTrainer:
		f.Certifies = "is an accredited trainer of the programme's trainer network"
		f.Cohort = ""
	}
	p := f.Payload()
	return model.Printable{Fields: f, Code: model.Sign(key, p), Copy: copyMark}
}

func testKey(t testing.TB) ed25519.PrivateKey {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestCertificatePDFPrintsEveryScript(t *testing.T) {
	key := testKey(t)
	var certs []model.Printable
	for i, n := range testNames {
		kind := model.CertificateKinds[i%3]
		certs = append(certs, samplePrintable(t, key, kind, n, i+1, i == 2))
	}
	path := filepath.Join(t.TempDir(), "all.pdf")
	var buf bytes.Buffer
	if err := WriteCertificates(&buf, certs, fixed); err != nil {
		t.Fatalf("WriteCertificates: %v", err)
	}
	os.WriteFile(path, buf.Bytes(), 0o600)
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, c := range certs {
		for _, want := range []string{c.Fields.Name, c.Fields.Number, model.GroupCode(c.Code)[:17]} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext lacks %q", want)
			}
		}
	}
	if got := strings.Count(text, "\f"); got != len(certs) {
		t.Errorf("pages = %d; want %d", got, len(certs))
	}
	if !strings.Contains(text, "COPY") {
		t.Error("reprint has no COPY mark")
	}
	fonts := run(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists %d fonts:\n%s", len(lines), fonts)
	}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) < 5 || !strings.Contains(l, " yes ") || strings.Contains(l, "Type 1") {
			t.Errorf("font not embedded: %s", l)
		}
	}
	entries, err := ReadCertificatePDF(buf.Bytes())
	if err != nil || len(entries) != len(certs) {
		t.Fatalf("ReadCertificatePDF = %d, %v; want %d", len(entries), err, len(certs))
	}
	for i, e := range entries {
		if e.Payload != certs[i].Fields.Payload() || e.Code != certs[i].Code {
			t.Errorf("entry %d read back differs", i)
		}
	}
}

func TestReadCertificatePDFRefusesOtherPDFs(t *testing.T) {
	var buf bytes.Buffer
	pdf := newDocument("P", fixed)
	pdf.AddPage()
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCertificatePDF(buf.Bytes()); err == nil {
		t.Error("ReadCertificatePDF(plain PDF) succeeded; want an error")
	}
}

// TestWriteCertificatePages writes page images for docs/pages when asked:
// CASCADE_PAGES=dir go test ./reports -run Pages
func TestWriteCertificatePages(t *testing.T) {
	dir := os.Getenv("CASCADE_PAGES")
	if dir == "" {
		t.Skip("set CASCADE_PAGES to write page images")
	}
	key := testKey(t)
	for i, kind := range model.CertificateKinds {
		var buf bytes.Buffer
		c := samplePrintable(t, key, kind, testNames[[]int{0, 6, 4}[i]], 123, false)
		if err := WriteCertificates(&buf, []model.Printable{c}, fixed); err != nil {
			t.Fatal(err)
		}
		pdfPath := filepath.Join(dir, "certificate-"+kind+".pdf")
		os.WriteFile(pdfPath, buf.Bytes(), 0o644)
		run(t, "pdftoppm", "-png", "-r", "70", "-singlefile", pdfPath, strings.TrimSuffix(pdfPath, ".pdf"))
		os.Remove(pdfPath)
	}
	var buf bytes.Buffer
	WriteCertificates(&buf, []model.Printable{samplePrintable(t, key, model.KindCompletion, "Дмитрий Иванов", 7, true)}, fixed)
	p := filepath.Join(dir, "certificate-copy.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	run(t, "pdftoppm", "-png", "-r", "70", "-singlefile", p, strings.TrimSuffix(p, ".pdf"))
	os.Remove(p)
}

// cpuClock reports CPU time used by the process so far; on a shared machine
// CPU per operation is steadier than wall time, so benchmarks report both.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ms/op metric from a cpuClock reading at the start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuClock()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

func benchCerts(b *testing.B, n int) []model.Printable {
	key := testKey(b)
	out := make([]model.Printable, n)
	for i := range out {
		out[i] = samplePrintable(b, key, model.CertificateKinds[i%3], testNames[i%len(testNames)], i+1, false)
	}
	return out
}

func BenchmarkCertificateSingle(b *testing.B) {
	c := benchCerts(b, 1)
	CutFonts()
	var buf bytes.Buffer
	start := cpuClock()
	for b.Loop() {
		buf.Reset()
		if err := WriteCertificates(&buf, c, fixed); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

func BenchmarkCertificatesCombined2000(b *testing.B) {
	c := benchCerts(b, 2000)
	CutFonts()
	var buf bytes.Buffer
	start := cpuClock()
	for b.Loop() {
		buf.Reset()
		if err := WriteCertificates(&buf, c, fixed); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
	b.ReportMetric(float64(buf.Len())/1e6, "MB")
}

// BenchmarkCertificatesPerPerson writes one file per person on every core;
// ns/op is per certificate.
func BenchmarkCertificatesPerPerson(b *testing.B) {
	certs := benchCerts(b, 64)
	CutFonts()
	b.ResetTimer()
	start := cpuClock()
	b.SetParallelism(1)
	var mu sync.Mutex
	var firstErr error
	_ = runtime.NumCPU()
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		i := 0
		for pb.Next() {
			buf.Reset()
			if err := WriteCertificates(&buf, certs[i%len(certs):i%len(certs)+1], fixed); err != nil {
				mu.Lock()
				firstErr = fmt.Errorf("write: %w", err)
				mu.Unlock()
			}
			i++
		}
	})
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	reportCPU(b, start)
}

// TestQRCodeScans decodes the printed QR code with zbarimg, when installed,
// and expects NUMBER:CODE.
func TestQRCodeScans(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg (zbar-tools) not installed")
	}
	// A print run of every kind: each page's QR code must read back as its
	// own NUMBER:CODE.
	key := testKey(t)
	var certs []model.Printable
	for i, kind := range model.CertificateKinds {
		certs = append(certs, samplePrintable(t, key, kind, testNames[i], 42+i, i == 1))
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := WriteCertificates(&buf, certs, fixed); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "c.pdf")
	os.WriteFile(pdf, buf.Bytes(), 0o600)
	run(t, "pdftoppm", "-png", "-r", "150", pdf, filepath.Join(dir, "c"))
	for i, c := range certs {
		png := filepath.Join(dir, fmt.Sprintf("c-%d.png", i+1))
		out, _ := exec.Command("zbarimg", "-q", "--raw", png).Output()
		if got := strings.TrimSpace(string(out)); got != c.QRText() {
			t.Errorf("page %d: QR reads %q; want %q", i+1, got, c.QRText())
		}
	}
}

// TestCertificateWithHugeTextsFitsOnePage prints data older than the text
// checks could hold: a million-character unit title, and over-long name,
// wording, programme, centre and signatory. Printing must return, on one
// page, with the long texts clipped.
func TestCertificateWithHugeTextsFitsOnePage(t *testing.T) {
	key := testKey(t)
	c := samplePrintable(t, key, model.KindUnits, "Zoë Hart", 1, false)
	f := &c.Fields
	f.Units[0].Title = strings.Repeat("W", 1_000_000)
	f.Units[1].Title = "a" + strings.Repeat("\u0301", 10_000)
	f.Name = strings.Repeat("Łukasz ", 20_000)
	f.Certifies = strings.Repeat("has achieved ", 20_000)
	f.Programme = strings.Repeat("Programme ", 10_000)
	f.Centre = strings.Repeat("Centre ", 10_000)
	f.Signatory1 = strings.Repeat("Jess ", 10_000) + ", " + strings.Repeat("Director ", 10_000)
	// As issued: the signed fields hold no surrounding spaces.
	for _, v := range []*string{&f.Name, &f.Certifies, &f.Programme, &f.Centre, &f.Signatory1} {
		*v = strings.TrimSpace(*v)
	}
	c.Code = model.Sign(key, f.Payload())
	// The current layout's QR code carries the signed fields, so these cannot
	// be printed in it: WriteCertificates must say so, not hang.
	if err := WriteCertificates(io.Discard, []model.Printable{c}, fixed); err == nil || !strings.Contains(err.Error(), "qr code") {
		t.Errorf("WriteCertificates(million-character title) = %.120v; want a QR code error", err)
	}
	// The layout before that (number:code in the QR code) draws every text.
	var buf bytes.Buffer
	if err := writeCertificates(&buf, []model.Printable{c}, fixed, layoutV1); err != nil {
		t.Fatalf("writeCertificates(legacy): %v", err)
	}
	path := filepath.Join(t.TempDir(), "huge.pdf")
	os.WriteFile(path, buf.Bytes(), 0o600)
	if info := run(t, "pdfinfo", path); !regexp.MustCompile(`\nPages:\s+1\n`).MatchString(info) {
		t.Errorf("pdfinfo:\n%s\nwant 1 page", info)
	}
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{"CO201", "WWWW…", "CO301", "Facilitating collective action", f.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if len(text) > 20_000 {
		t.Errorf("page text is %d bytes; want the long texts clipped", len(text))
	}
	entries, err := ReadCertificatePDF(buf.Bytes())
	if err != nil || len(entries) != 1 || entries[0].Payload != f.Payload() {
		t.Errorf("ReadCertificatePDF = %d entries, %v; want the signed payload back whole", len(entries), err)
	}
}
