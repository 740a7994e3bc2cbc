package reports

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"cascade/model"
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
	// Certificates issued up to the export, sealed so that the page can
	// check a certificate from its typed number and code.
	Certificates []model.Certificate
}

// verifyPageData is the JSON the page's script reads.
type verifyPageData struct {
	Programme   string   `json:"programme"`
	Centre      string   `json:"centre"`
	Key         string   `json:"key"` // raw Ed25519 public key, base64
	Revoked     []string `json:"revoked"`
	RevokedUpTo string   `json:"revokedUpTo"` // "3 December 2026"
	// Sealed maps a certificate number to its signed fields (the middle of
	// its QR token) encrypted with a key made from its number and code.
	Sealed map[string]string `json:"sealed"`
}

// sealLabel starts what a sealed certificate's key is hashed from; the
// page's script makes the same key from a typed number and code.
const sealLabel = "cascade-verify-page 1\n"

// sealCertificates encrypts each certificate's signed fields with AES-GCM
// under SHA-256(sealLabel, number, code). The code is the certificate's
// 64-byte signature, so only someone holding the paper can open its entry:
// the page lists no holder's name, yet a number and code typed from the
// certificate show every signed field and check the signature as a
// scanned QR code does.
func sealCertificates(certs []model.Certificate) (map[string]string, error) {
	out := make(map[string]string, len(certs))
	for _, c := range certs {
		f, err := model.ParsePayload(c.Payload)
		if err != nil {
			return nil, fmt.Errorf("certificate %s: %w", c.Number, err)
		}
		parts := strings.Split(model.QRToken(f, c.Code), ".")
		key := sha256.Sum256([]byte(sealLabel + c.Number + "\n" + model.NormaliseCode(c.Code)))
		block, err := aes.NewCipher(key[:])
		if err != nil {
			return nil, err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, gcm.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("seal certificate %s: %w", c.Number, err)
		}
		out[c.Number] = base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(parts[1]), nil))
	}
	return out, nil
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
	sealed, err := sealCertificates(p.Certificates)
	if err != nil {
		return fmt.Errorf("verification page: %w", err)
	}
	err = verifyPageTmpl.Execute(w, map[string]any{
		"CSP": "default-src 'none'; script-src " + cspHash(verifyPageJS) + "; style-src " + cspHash(verifyPageCSS) +
			"; base-uri 'none'; form-action 'none'",
		"Programme":   p.Programme,
		"Centre":      p.Centre,
		"RevokedUpTo": upTo,
		"KeyB64":      key,
		"Data":        verifyPageData{Programme: p.Programme, Centre: p.Centre, Key: key, Revoked: revoked, RevokedUpTo: upTo, Sealed: sealed},
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
