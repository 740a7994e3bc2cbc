package model

import (
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
)

func TestPayloadRoundTripAndRefusals(t *testing.T) {
	f := CertFields{Number: "CU-2013-000001", Kind: KindUnits, Name: "Nguyễn\nThị", Units: []CertUnit{{"CO201", "A | B", 2, 3, "2013-01-01"}}}
	p := f.Payload()
	if strings.Count(p, "\n") != strings.Count(p, ": ")+0 && !strings.Contains(p, "name: Nguyễn Thị\n") {
		t.Errorf("payload keeps a newline inside a field:\n%s", p)
	}
	if _, err := ParsePayload(p); err == nil {
		t.Error("a unit title holding ' | ' parsed back; want it refused as not canonical")
	}
	f.Units[0].Title = "Listening"
	got, err := ParsePayload(f.Payload())
	if err != nil || got.Name != "Nguyễn Thị" || got.Units[0].Credits != 3 {
		t.Errorf("ParsePayload = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "hello\n", payloadVersion + "\nnumber: X", payloadVersion + "\nshoe: 9\n"} {
		if _, err := ParsePayload(bad); err == nil {
			t.Errorf("ParsePayload(%q) succeeded", bad)
		}
	}
}

// TestQRTokenRoundTrip: a token gives back exactly the signed payload and
// code, from a QR code alone, after an address, or typed in lower case;
// anything damaged or crafted is refused.
func TestQRTokenRoundTrip(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	f := CertFields{Number: "CU-2026-000001", Kind: KindUnits, Name: "Zoë Hart", Certifies: "has achieved: units",
		Programme: "P", Host: "H", Units: []CertUnit{{Code: "CO201", Title: "Listening to people", Level: 2, Credits: 3, Achieved: "2026-01-02"},
			{Code: "CO202", Title: "Networks", Level: 0, Credits: 1, Achieved: "2026-02-03"}},
		Credits: 4, Issued: "2026-03-01", Template: TemplateVersion, IssuedBy: "os:a", Centre: "C", Signatory1: "S"}
	code := Sign(key, f.Payload())
	tok := QRToken(f, code)
	for _, in := range []string{tok, "https://example.org/verify#" + tok, strings.ToLower(tok), " " + tok + "\n"} {
		p, c, err := ParseQRToken(in)
		if err != nil || p != f.Payload() || c != code {
			t.Errorf("ParseQRToken(%.30q…): %v; payload same %v, code same %v", in, err, p == f.Payload(), c == code)
		}
	}
	if v := VerifyOffline(key.Public().(ed25519.PublicKey), f.Payload(), code); v.Status != StatusValid {
		t.Errorf("token's payload does not verify: %s", v.Reason)
	}
	// A deflate bomb: far more than any certificate's fields.
	var bomb bytes.Buffer
	w, _ := flate.NewWriter(&bomb, flate.BestCompression)
	w.Write(bytes.Repeat([]byte("a\n"), 1<<20))
	w.Close()
	bad := map[string]string{
		"empty":          "",
		"other mark":     "CASCADE2." + strings.SplitN(tok, ".", 2)[1],
		"not base32":     "CASCADE1.!!!." + code,
		"not deflate":    "CASCADE1." + codeEncoding.EncodeToString([]byte("plain text")) + "." + code,
		"too few fields": "CASCADE1." + codeEncoding.EncodeToString(deflated(t, "a\nb")) + "." + code,
		"bomb":           "CASCADE1." + codeEncoding.EncodeToString(bomb.Bytes()) + "." + code,
		"four parts":     tok + ".AAAA",
	}
	for name, in := range bad {
		if _, _, err := ParseQRToken(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v; want ErrInvalid", name, err)
		}
	}
}

func deflated(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestCheckVerifyURL: only an absolute http(s) address without a fragment.
func TestCheckVerifyURL(t *testing.T) {
	for _, ok := range []string{"", "https://example.org/verify", "http://localhost:8080/v.html"} {
		if err := CheckVerifyURL(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"example.org/verify", "javascript:alert(1)", "https://example.org/v#x", "file:///tmp/v.html", "https:///v", "https://example.org/a b"} {
		if err := CheckVerifyURL(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err %v; want ErrInvalid", bad, err)
		}
	}
}
