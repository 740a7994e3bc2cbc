package main

import (
	"bytes"
	"compress/zlib"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cascade/model"
	"cascade/reports"
)

// TestVerifyJudgesThePage issues real certificates of every kind from the
// demo and checks verify against what a reader sees: untouched files are
// valid by --db and --key; each tampered one is invalid, exits 1, and
// prints nothing a terminal would act on.
func TestVerifyJudgesThePage(t *testing.T) {
	db := certDemo(t)
	dir := t.TempDir()
	people := filepath.Join(dir, "people")
	// Trainer certificates for one trainer: a run for all of them prints
	// ninety, which the race detector makes take minutes.
	trainer := eligibleTrainer(t, db)
	for _, kind := range []string{"completion", "units", "trainer"} {
		args := []string{"certificates", "--db", db, "--kind", kind, "--out", people}
		if kind != "trainer" {
			args = append(args, "--cohort", "2")
		} else {
			args = append(args, "--person", trainer)
		}
		if code, _, errOut := cascade(t, args...); code != 0 {
			t.Fatalf("certificates --kind %s: exit %d: %s", kind, code, errOut)
		}
	}
	key := filepath.Join(dir, "k.pub")
	if code, _, errOut := cascade(t, "keys", "export", "--db", db, "--out", key); code != 0 {
		t.Fatalf("keys export: %s", errOut)
	}
	files, _ := filepath.Glob(filepath.Join(people, "*.pdf"))
	// One of each kind and every name beyond ASCII (up to a dozen): the
	// scripts the programme's names come in.
	var picked []string
	seen := map[string]bool{}
	for _, f := range files {
		base := filepath.Base(f)
		if !seen[base[:2]] || (len(picked) < 12 && nonASCIIHolder(t, f)) {
			seen[base[:2]] = true
			picked = append(picked, f)
		}
	}
	for _, p := range []string{"CO", "CU", "CT"} {
		if !seen[p] {
			t.Fatalf("no %s certificate issued in %s", p, people)
		}
	}
	for _, f := range picked {
		for _, by := range [][]string{{"--db", db}, {"--key", key}} {
			code, out, errOut := cascade(t, "verify", by[0], by[1], f)
			if code != 0 || !strings.HasSuffix(out, "status: valid\n") {
				t.Errorf("verify %s %s: exit %d\n%s%s", by[0], filepath.Base(f), code, out, errOut)
			}
		}
	}

	a, _ := os.ReadFile(picked[0])
	b, _ := os.ReadFile(picked[1])
	nameA := fieldOf(stdout0(t, db, picked[0]), "name")
	forged := forgedEscapes(t, a)
	if err := os.WriteFile(filepath.Join(dir, "forged.pdf"), forged, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"visible name edited": editPage(t, a, func(s []byte) []byte {
			return bytes.Replace(s, utf16BE(nameA), utf16BE(nameA[:len(nameA)-1]+"x"), 1)
		}),
		"QR swapped with another certificate's": editPage(t, a, func(s []byte) []byte {
			return qrOps.ReplaceAllLiteral(s, qrOps.Find(pageStream(t, b)))
		}),
		"another certificate's Keywords": rewrite(t, a, func(o string) string {
			return strings.Replace(o, keywordsIn(a), keywordsIn(b), 1)
		}),
		"second Keywords after %%EOF": append(bytes.Clone(a), []byte(fmt.Sprintf(
			"40 0 obj\n<</Keywords %s>>\nendobj\nxref\n40 1\n%010d 00000 n \ntrailer\n<</Size 41 /Root 1 0 R /Info 40 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n",
			strings.TrimPrefix(keywordsIn(b), "/Keywords "), len(a), bytes.LastIndex(a, []byte("\nxref"))+1, len(a)+60))...),
		"name with terminal escapes and bidi overrides": forged,
		"truncated": a[:len(a)/2],
		"issue date changed": editPage(t, a, func(s []byte) []byte {
			return regexp.MustCompile(`\x00I\x00s\x00s\x00u\x00e\x00d\x00 \x00\d`).ReplaceAllFunc(s, bumpLastDigit)
		}),
		"page painted over": editPage(t, a, func(s []byte) []byte { return append(s, "q 1 g 0 0 842 595 re f Q\n"...) }),
	}
	for name, data := range cases {
		bad := filepath.Join(dir, "bad.pdf")
		if err := os.WriteFile(bad, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, by := range [][]string{{"--db", db}, {"--key", key}} {
			code, out, _ := cascade(t, "verify", by[0], by[1], bad)
			if code != 1 || !strings.HasSuffix(out, "status: invalid\n") {
				t.Errorf("%s, verify %s: exit %d; want 1 and status: invalid\n%s", name, by[0], code, out)
			}
			if strings.Count("\n"+out, "\nstatus: ") != 1 {
				t.Errorf("%s, verify %s: more than one status line\n%s", name, by[0], out)
			}
			for i, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == utf8.RuneError {
					t.Errorf("%s, verify %s: output byte %d is %U\n%q", name, by[0], i, r, out)
					break
				}
			}
		}
	}
	// The forged name is shown, escaped, so the reader sees the attempt.
	if _, out, _ := cascade(t, "verify", "--key", key, filepath.Join(dir, "forged.pdf")); !strings.Contains(out, `\x1b[2K`) || !strings.Contains(out, `\u202e`) {
		t.Errorf("forged name not shown escaped:\n%s", out)
	}
}

// forgedEscapes makes a certificate with the number of the one in pdf but
// a name full of terminal escapes and a right-to-left override, signed by
// a key of its own, so it is drawn exactly as Cascade would draw it.
func forgedEscapes(t *testing.T, pdf []byte) []byte {
	t.Helper()
	es, err := reports.ReadCertificatePDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := model.ParsePayload(es[0].Payload)
	if err != nil {
		t.Fatal(err)
	}
	f.Name = "Eve\x1b[2K\x1b[1Astatus: valid\x1b[8m\u202eevE"
	if f, err = model.ParsePayload(f.Payload()); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	var buf bytes.Buffer
	if err := reports.WriteCertificates(&buf, []model.Printable{{Fields: f, Code: model.Sign(priv, f.Payload())}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func nonASCIIHolder(t *testing.T, pdf string) bool {
	base := filepath.Base(pdf)
	for _, r := range base {
		if r >= 0x80 {
			return true
		}
	}
	return false
}

func bumpLastDigit(b []byte) []byte {
	out := bytes.Clone(b)
	d := out[len(out)-1]
	out[len(out)-1] = '1' + (d-'0')%8
	return out
}

func utf16BE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

var qrOps = regexp.MustCompile(`(?s)q 0 g [^\n]* cm\n.*?f Q\n`)

var objStart = regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)

// rewrite edits a PDF's objects (edit sees each object's text) and writes
// it back whole with a correct cross-reference table, as a PDF editor would.
func rewrite(t *testing.T, data []byte, edit func(obj string) string) []byte {
	t.Helper()
	x := bytes.LastIndex(data, []byte("\nxref\n")) + 1
	tr := bytes.LastIndex(data, []byte("\ntrailer\n")) + 1
	body := string(data[:x])
	locs := objStart.FindAllStringSubmatchIndex(body, -1)
	var out bytes.Buffer
	out.WriteString(body[:locs[0][0]])
	offs := map[int]int{}
	maxN := 0
	for i, l := range locs {
		end := len(body)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		n, _ := strconv.Atoi(body[l[2]:l[3]])
		offs[n], maxN = out.Len(), max(maxN, n)
		out.WriteString(edit(body[l[0]:end]))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", maxN+1)
	for n := 1; n <= maxN; n++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", offs[n])
	}
	out.WriteString(regexp.MustCompile(`startxref\n\d+`).ReplaceAllString(string(data[tr:]), "startxref\n"+strconv.Itoa(xref)))
	return out.Bytes()
}

// pageStream is the inflated content stream of a one-page PDF.
func pageStream(t *testing.T, data []byte) []byte {
	t.Helper()
	var s []byte
	ref := pageRef(data)
	rewrite(t, data, func(o string) string {
		if strings.HasPrefix(o, ref+" 0 obj\n") {
			s = inflate(t, o)
		}
		return o
	})
	if s == nil {
		t.Fatal("no page content found")
	}
	return s
}

func pageRef(data []byte) string {
	m := regexp.MustCompile(`/Contents (\d+) 0 R`).FindSubmatch(data)
	return string(m[1])
}

func inflate(t *testing.T, obj string) []byte {
	i := strings.Index(obj, "stream\n") + len("stream\n")
	raw := []byte(obj[i:strings.LastIndex(obj, "\nendstream")])
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

// editPage rewrites the page content of a one-page PDF with edit.
func editPage(t *testing.T, data []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	ref := pageRef(data)
	changed := false
	out := rewrite(t, data, func(o string) string {
		if !strings.HasPrefix(o, ref+" 0 obj\n") {
			return o
		}
		before := inflate(t, o)
		after := edit(bytes.Clone(before))
		changed = !bytes.Equal(before, after)
		return fmt.Sprintf("%s 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n", ref, len(after), after)
	})
	if !changed {
		t.Fatal("page edit changed nothing")
	}
	return out
}

func keywordsIn(data []byte) string {
	return regexp.MustCompile(`/Keywords \([^)]*\)`).FindString(string(data))
}
