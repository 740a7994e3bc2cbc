package reports

import (
	"crypto/ed25519"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"time"
)

// The verification page is one HTML file: its style and script are inline
// (allowed by hash in its Content-Security-Policy, which forbids every
// request), so it works from a USB stick, file:// or any static host.
var (
	//go:embed verifypage/page.html
	verifyPageHTML string
	//go:embed verifypage/verify.js
	verifyPageJS string
	//go:embed verifypage/verify.css
	verifyPageCSS string

	verifyPageTmpl = template.Must(template.New("verify").Parse(verifyPageHTML))
)

// VerifyPage is what a verification page embeds: who issues, the public
// key that checks signatures, and the certificates revoked when exported.
type VerifyPage struct {
	Programme string
	Centre    string
	Key       ed25519.PublicKey
	Revoked   []string  // certificate numbers
	Exported  time.Time // when the revocations were read
}

// verifyPageData is the JSON the page's script reads.
type verifyPageData struct {
	Programme   string   `json:"programme"`
	Centre      string   `json:"centre"`
	Key         string   `json:"key"` // raw Ed25519 public key, base64
	Revoked     []string `json:"revoked"`
	RevokedUpTo string   `json:"revokedUpTo"` // "3 December 2026"
}

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

// WriteVerifyPage writes the self-contained verification page: opened with
// a certificate's token after '#' (as its QR code links) or given one
// pasted, it checks the Ed25519 signature in the browser with WebCrypto
// and says valid or not valid in plain words.
func WriteVerifyPage(w io.Writer, p VerifyPage) error {
	if len(p.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("verification page: the public key has %d bytes, want %d", len(p.Key), ed25519.PublicKeySize)
	}
	revoked := p.Revoked
	if revoked == nil {
		revoked = []string{}
	}
	upTo := p.Exported.UTC().Format("2 January 2006")
	key := base64.StdEncoding.EncodeToString(p.Key)
	err := verifyPageTmpl.Execute(w, map[string]any{
		"CSP": "default-src 'none'; script-src " + cspHash(verifyPageJS) + "; style-src " + cspHash(verifyPageCSS) +
			"; base-uri 'none'; form-action 'none'",
		"Programme":   p.Programme,
		"Centre":      p.Centre,
		"RevokedUpTo": upTo,
		"KeyB64":      key,
		"Data":        verifyPageData{Programme: p.Programme, Centre: p.Centre, Key: key, Revoked: revoked, RevokedUpTo: upTo},
		// Trusted, embedded at build time: written as they are, so their
		// hashes in the policy match.
		"Script": template.JS(verifyPageJS),
		"Style":  template.CSS(verifyPageCSS),
	})
	if err != nil {
		return fmt.Errorf("verification page: %w", err)
	}
	return nil
}
