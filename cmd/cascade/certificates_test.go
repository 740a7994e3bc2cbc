package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model"
	"cascade/model/sqlstore"
)

// certDemo is a copy of the shared demo the test may change.
func certDemo(t *testing.T) string { return demoCopy(t) }

func TestCertificatesIssueVerifyRevoke(t *testing.T) {
	db := certDemo(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "people")
	host := mixedHost(t, db)
	code, stdout, errOut := cascade(t, "certificates", "--db", db, "--cohort", "2", "--host", host, "--kind", "completion", "--out", out)
	if code != 0 {
		t.Fatalf("certificates: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "issued ") || !strings.Contains(last, ", reprinted 0, skipped ") {
		t.Fatalf("last line %q; want issued N, reprinted 0, skipped N", last)
	}
	if !strings.Contains(stdout, "skipped completion ") {
		t.Errorf("no skips listed with why:\n%s", stdout)
	}
	files, _ := filepath.Glob(filepath.Join(out, "CO-*.pdf"))
	if len(files) == 0 {
		t.Fatalf("no certificate files in %s", out)
	}
	pdf := files[0]
	number := filepath.Base(pdf)[:14]

	code, stdout, _ = cascade(t, "verify", "--db", db, pdf)
	if code != 0 || !strings.Contains(stdout, "number: "+number) || !strings.HasSuffix(stdout, "status: valid\n") {
		t.Fatalf("verify good PDF: exit %d\n%s", code, stdout)
	}
	key := filepath.Join(dir, "k.pub")
	if code, _, errOut := cascade(t, "keys", "export", "--db", db, "--out", key); code != 0 {
		t.Fatalf("keys export: %s", errOut)
	}
	if code, stdout, _ := cascade(t, "verify", "--key", key, pdf); code != 0 || !strings.HasSuffix(stdout, "status: valid\n") {
		t.Fatalf("verify --key: exit %d\n%s", code, stdout)
	}

	// One character of the name changed in the PDF's signed fields.
	data, _ := os.ReadFile(pdf)
	tampered := tamperName(t, data)
	bad := filepath.Join(dir, "bad.pdf")
	os.WriteFile(bad, tampered, 0o600)
	for _, args := range [][]string{{"--db", db}, {"--key", key}} {
		code, stdout, _ := cascade(t, append(append([]string{"verify"}, args...), bad)...)
		if code != 1 || !strings.HasSuffix(stdout, "status: invalid\n") {
			t.Errorf("verify %s tampered PDF: exit %d\n%s", args[0], code, stdout)
		}
	}

	// NUMBER:CODE as printed, and with one character changed.
	codeText := fieldOf(stdout0(t, db, pdf), "code")
	if c, s, _ := cascade(t, "verify", "--db", db, number+":"+codeText); c != 0 || !strings.HasSuffix(s, "status: valid\n") {
		t.Errorf("verify NUMBER:CODE: exit %d\n%s", c, s)
	}
	wrong := []byte(codeText)
	wrong[0] = map[bool]byte{true: 'B', false: 'A'}[wrong[0] == 'A']
	if c, s, _ := cascade(t, "verify", "--db", db, number+":"+string(wrong)); c != 1 || !strings.HasSuffix(s, "status: invalid\n") {
		t.Errorf("verify changed code: exit %d\n%s", c, s)
	}

	// Reprint keeps the number.
	code, stdout, _ = cascade(t, "certificates", "--db", db, "--cohort", "2", "--host", host, "--kind", "completion", "--out", filepath.Join(dir, "again.pdf"))
	if code != 0 || !strings.Contains(stdout, "issued 0, reprinted ") {
		t.Errorf("second run: exit %d\n%s", code, stdout)
	}
	text, err := exec.Command("pdftotext", filepath.Join(dir, "again.pdf"), "-").Output()
	if err != nil || !strings.Contains(string(text), number) || !strings.Contains(string(text), "COPY") {
		t.Errorf("reprint file lacks %s or its COPY mark (%v)", number, err)
	}

	if code, _, errOut := cascade(t, "certificates", "revoke", number, "--reason", "issued to the wrong person", "--db", db); code != 0 {
		t.Fatalf("revoke: %s", errOut)
	}
	code, stdout, _ = cascade(t, "verify", "--db", db, pdf)
	if code != 1 || !strings.Contains(stdout, "reason: issued to the wrong person") || !strings.HasSuffix(stdout, "status: revoked\n") {
		t.Errorf("verify revoked: exit %d\n%s", code, stdout)
	}
	if code, _, errOut := cascade(t, "certificates", "revoke", number, "--db", db); code != 2 {
		t.Errorf("revoke without reason: exit %d, %s; want 2", code, errOut)
	}
}

// mixedHost finds a cohort-2 host with organisers both eligible and not for
// a completion certificate, so one host's run shows issues and skips.
func mixedHost(t *testing.T, db string) string {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cands, err := s.Candidates(context.Background(), model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil {
		t.Fatal(err)
	}
	yes, no := map[string]bool{}, map[string]bool{}
	for _, c := range cands {
		if c.Eligible {
			yes[c.Host] = true
		} else {
			no[c.Host] = true
		}
	}
	for h := range yes {
		if no[h] && h != "" {
			return h
		}
	}
	t.Fatal("no cohort-2 host with both eligible and ineligible organisers")
	return ""
}

func stdout0(t *testing.T, db, pdf string) string {
	_, s, _ := cascade(t, "verify", "--db", db, pdf)
	return s
}

func fieldOf(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, name+": "); ok {
			return v
		}
	}
	return ""
}

// tamperName changes one letter of the holder's name inside the base64
// payload in the PDF's Keywords, keeping the file's length.
func tamperName(t *testing.T, data []byte) []byte {
	t.Helper()
	i := bytes.Index(data, []byte("cascade-certificate-v3 "))
	if i < 0 {
		t.Fatal("no certificate keywords in PDF")
	}
	start := i + len("cascade-certificate-v3 ")
	end := start + bytes.IndexByte(data[start:], ':')
	payload, err := base64.StdEncoding.DecodeString(string(data[start:end]))
	if err != nil {
		t.Fatal(err)
	}
	j := bytes.Index(payload, []byte("\nname: ")) + len("\nname: ")
	if payload[j] == 'X' {
		payload[j] = 'Y'
	} else {
		payload[j] = 'X'
	}
	enc := base64.StdEncoding.EncodeToString(payload)
	if len(enc) != end-start {
		t.Fatalf("re-encoded payload changed length")
	}
	out := append([]byte(nil), data...)
	copy(out[start:end], enc)
	return out
}

func TestReportKinds(t *testing.T) {
	db := certDemo(t)
	dir := t.TempDir()
	// Every kind once and every format more than once: the writers are
	// shared by the kinds (reports' own tests read each format back), and
	// each run here quick-checks the whole file, which the race detector
	// makes slow.
	for _, out := range []string{"progress.xlsx", "accreditation.pdf", "accreditation.csv", "cascade.pdf", "verification.csv", "equality.xlsx"} {
		kind := strings.TrimSuffix(out, filepath.Ext(out))
		out = filepath.Join(dir, out)
		if code, _, errOut := cascade(t, "report", kind, "--db", db, "--cohort", "3", "--out", out); code != 0 {
			t.Errorf("report %s: %s", filepath.Base(out), errOut)
			continue
		}
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Errorf("report %s: empty or missing", filepath.Base(out))
		}
	}
	if code, _, errOut := cascade(t, "report", "claim", "--db", db, "--out", filepath.Join(dir, "c.pdf")); code != 2 || !strings.Contains(errOut, "--ref") {
		t.Errorf("report claim without --ref: exit %d %q; want 2 asking for --ref", code, errOut)
	}
	if text := pdfText(t, filepath.Join(dir, "accreditation.pdf")); !strings.Contains(text, "Accreditation summary") ||
		!strings.Contains(text, "Units by learner") {
		t.Errorf("accreditation PDF reads %q; want its title and the learner table", text[:min(len(text), 300)])
	}
	if head, _ := os.ReadFile(filepath.Join(dir, "accreditation.csv")); !strings.HasPrefix(string(head),
		"organiser_email,organiser_name,cohort,host,unit_code,unit_title,level,credits,status,assessor,assessed_on,verifier,verified_on\n") {
		t.Errorf("accreditation CSV starts %q; want the issue's exact header", string(head[:min(len(head), 200)]))
	}
	if code, _, _ := cascade(t, "report", "progress", "--db", db, "--out", filepath.Join(dir, "x.doc")); code != 2 {
		t.Errorf("report to .doc: exit %d; want 2", code)
	}
}

// pdfText reads a PDF's text back with poppler's pdftotext.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(text)
}
