package main

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cascade/model"
	"cascade/model/sqlstore"
)

// chromiumVerdict opens the verification page at page#fragment in headless
// Chromium and returns the verdict's status and text as the page set them.
func chromiumVerdict(t *testing.T, chromium, page, fragment string) (status, text string) {
	t.Helper()
	url := "file://" + page
	if fragment != "" {
		url += "#" + fragment
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=5000", "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`<p id="verdict" data-status="([a-z]+)">([^<]*)</p>`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no verdict in the page Chromium dumped:\n%s", out)
	}
	return m[1], m[2]
}

// TestVerifyPageInChromium issues real certificates with a verification
// address, exports the page, and opens it in headless Chromium with the
// token the printed QR code holds (read by zbarimg when installed), a
// tampered token, a revoked certificate's token and text that is no token.
func TestVerifyPageInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (make test installs it): the verification page is not tested in a browser")
	}
	ctx := context.Background()
	db := certDemo(t)
	dir := t.TempDir()
	s, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const address = "https://example.org/verify"
	if err := s.SaveSettings(ctx, model.LocalUser(), map[string]string{"verify.url": address}); err != nil {
		t.Fatal(err)
	}
	people := filepath.Join(dir, "people")
	if code, _, errOut := cascade(t, "certificates", "--db", db, "--cohort", "2", "--kind", "units", "--out", people); code != 0 {
		t.Fatalf("certificates: exit %d: %s", code, errOut)
	}
	certs, err := s.Certificates(ctx, "CU-", 3)
	if err != nil || len(certs) < 2 {
		t.Fatalf("certificates: %v (%d)", err, len(certs))
	}
	good, revoked := certs[0], certs[1]
	if err := s.Revoke(ctx, model.LocalUser(), revoked.Number, "issued in error"); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "verify.html")
	code, stdout, errOut := cascade(t, "keys", "export", "--db", db, "--html", page)
	if code != 0 || !strings.Contains(stdout, "1 revoked") {
		t.Fatalf("keys export --html: exit %d\n%s%s", code, stdout, errOut)
	}

	// What the printed QR code holds, as a phone would read it.
	goodToken := model.QRToken(good.Fields, good.Code)
	if _, err := exec.LookPath("zbarimg"); err == nil {
		files, _ := filepath.Glob(filepath.Join(people, good.Number+"-*.pdf"))
		if len(files) != 1 {
			t.Fatalf("no PDF for %s in %s", good.Number, people)
		}
		png := filepath.Join(dir, "qr")
		if out, err := exec.Command("pdftoppm", "-png", "-r", "200", "-singlefile", files[0], png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		out, _ := exec.Command("zbarimg", "-q", "--raw", png+".png").Output()
		scanned := strings.TrimSpace(string(out))
		if scanned != address+"#"+goodToken {
			t.Fatalf("the QR code reads %q; want %q", scanned, address+"#"+goodToken)
		}
		_, goodToken, _ = strings.Cut(scanned, "#")
	}
	tamperedFields := good.Fields
	tamperedFields.Name += "e"
	tampered := model.QRToken(tamperedFields, good.Code)
	moreCredits := good.Fields
	moreCredits.Credits += 10
	forgedCredits := model.QRToken(moreCredits, good.Code)
	otherSig := model.QRToken(good.Fields, revoked.Code)

	cases := []struct {
		name, fragment, status, says string
	}{
		{"valid", goodToken, "valid", "Valid: this certificate was issued by"},
		{"valid, typed in lower case", strings.ToLower(goodToken), "valid", "Valid"},
		{"name changed", tampered, "invalid", "Not valid: this certificate has been changed"},
		{"credits raised", forgedCredits, "invalid", "Not valid: this certificate has been changed"},
		{"another certificate's signature", otherSig, "invalid", "Not valid"},
		{"revoked", model.QRToken(revoked.Fields, revoked.Code), "revoked", "Not valid: certificate " + revoked.Number + " has been revoked"},
		{"not a token", "hello", "invalid", "Not valid"},
		{"fields cut short", goodToken[:40] + goodToken[strings.LastIndex(goodToken, "."):], "invalid", "Not valid"},
		// Typed from the paper: the number and the code under the QR code.
		{"number and code typed", typed(good.Number, model.GroupCode(good.Code)), "valid", "Valid: this certificate was issued by"},
		{"code typed in lower case, O as 0", typed(strings.ToLower(good.Number), strings.ReplaceAll(strings.ToLower(good.Code), "o", "0")), "valid", "Valid"},
		{"code of another certificate", typed(good.Number, revoked.Code), "invalid", "Not valid: the verification code does not match"},
		{"one character of the code wrong", typed(good.Number, flipFirst(good.Code)), "invalid", "Not valid: the verification code does not match"},
		{"revoked, typed", typed(revoked.Number, revoked.Code), "revoked", "Not valid: certificate " + revoked.Number + " has been revoked"},
		{"number unknown to the page", typed("CU-2099-999999", good.Code), "unknown", "Not found"},
	}
	for _, c := range cases {
		status, text := chromiumVerdict(t, chromium, page, c.fragment)
		if status != c.status || !strings.HasPrefix(text, c.says) {
			t.Errorf("%s: verdict %s %q; want %s %q…", c.name, status, text, c.status, c.says)
		}
	}

	// The page shows every signed field and the date of its revocations,
	// and names no address to fetch anything from.
	dom, err := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(),
		"--virtual-time-budget=5000", "--dump-dom", "file://"+page+"#"+goodToken).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{good.Fields.Name, "Certificate of Achievement", good.Fields.Number, good.Fields.Centre,
		good.Fields.Units[0].Code, "credits in total", "revoked certificates up to"} {
		if !strings.Contains(string(dom), htmlEscape(want)) {
			t.Errorf("the page does not show %q", want)
		}
	}
	html, _ := os.ReadFile(page)
	if regexp.MustCompile(`(?i)(src|href)\s*=|https?://|@import|url\(`).Match(html) {
		t.Errorf("the page names something to fetch: %s", regexp.MustCompile(`(?i).{30}((src|href)\s*=|https?://|@import|url\().{30}`).Find(html))
	}
	if !strings.Contains(string(html), `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
		t.Error("the page has no Content-Security-Policy forbidding requests")
	}
}

// typed is the fragment of the page's typed form: #number=…&code=….
func typed(number, code string) string {
	return "number=" + url.QueryEscape(number) + "&code=" + url.QueryEscape(code)
}

// flipFirst changes the first character of a code to another of its
// alphabet.
func flipFirst(code string) string {
	if code[0] == 'A' {
		return "B" + code[1:]
	}
	return "A" + code[1:]
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
