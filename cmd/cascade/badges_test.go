package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cascade/model"
	"cascade/model/sqlstore/sqlstoretest"
)

var emailPattern = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.]+`)

// TestExportBadgesVerifies issues a host's completion certificates, exports
// their badges and checks each file with verify by the database and by the
// key; then a tampered badge (a field changed, the signature changed, the key
// swapped) is not valid, a revoked certificate's badge says revoked and is
// not exported again.
func TestExportBadgesVerifies(t *testing.T) {
	db := certDemo(t)
	dir := t.TempDir()
	host := mixedHost(t, db)
	if code, _, errOut := cascade(t, "certificates", "--db", db, "--cohort", "2", "--host", host, "--kind", "completion", "--out", filepath.Join(dir, "pdf")); code != 0 {
		t.Fatalf("certificates: %s", errOut)
	}
	pdfs, _ := filepath.Glob(filepath.Join(dir, "pdf", "CO-*.pdf"))
	out := filepath.Join(dir, "badges")
	code, stdout, errOut := cascade(t, "export", "badges", "--db", db, "--cohort", "2", "--out", out)
	if code != 0 || !strings.HasPrefix(stdout, "wrote ") {
		t.Fatalf("export badges: exit %d\n%s%s", code, stdout, errOut)
	}
	jsons, _ := filepath.Glob(filepath.Join(out, "*.json"))
	jwts, _ := filepath.Glob(filepath.Join(out, "*.jwt"))
	if len(jsons) != len(pdfs) || len(jwts) != len(pdfs) || len(pdfs) == 0 {
		t.Fatalf("%d .json and %d .jwt badges for %d certificates", len(jsons), len(jwts), len(pdfs))
	}
	key := filepath.Join(dir, "k.pub")
	if code, _, errOut := cascade(t, "keys", "export", "--db", db, "--out", key); code != 0 {
		t.Fatalf("keys export: %s", errOut)
	}
	for _, f := range []string{jsons[0], jwts[0]} {
		for _, by := range [][]string{{"--db", db}, {"--key", key}} {
			code, out, errOut := cascade(t, "verify", by[0], by[1], f)
			if code != 0 || !strings.HasSuffix(out, "status: valid\n") || !strings.Contains(out, "award: Certificate of Completion") {
				t.Errorf("verify %s %s: exit %d\n%s%s", by[0], filepath.Base(f), code, out, errOut)
			}
		}
	}
	// No address in clear anywhere in the folder.
	for _, f := range append(jsons, jwts...) {
		data, _ := os.ReadFile(f)
		jwt, err := model.BadgeJWT(data)
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1])
		if addr := emailPattern.FindString(string(payload)); addr != "" {
			t.Errorf("%s holds an address in clear: %s", filepath.Base(f), addr)
		}
	}

	data, _ := os.ReadFile(jwts[0])
	jwt := strings.TrimSpace(string(data))
	parts := strings.Split(jwt, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var cred model.BadgeCredential
	if err := json.Unmarshal(payload, &cred); err != nil {
		t.Fatal(err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	swapped, err := model.SignBadge(cred, other) // issuer still names the programme
	if err != nil {
		t.Fatal(err)
	}
	cred.Issuer.ID = model.DIDKey(other.Public().(ed25519.PublicKey))
	cred.Iss = cred.Issuer.ID
	ownKey, _ := model.SignBadge(cred, other) // a forger's own did:key
	name := cred.CredentialSubject.Identifier[1].IdentityHash
	cases := map[string]struct{ jwt, reason string }{
		"name changed": {parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), name, name+"x", 1))) + "." + parts[2],
			"signature does not match"},
		"signature changed": {parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 64)), "signature does not match"},
		"key swapped":       {swapped, "issuer is not the key that signed it"},
		"forger's did:key":  {ownKey, "not signed by this programme's key"},
		"not a badge":       {"hello", "not a signed credential"},
	}
	for name, c := range cases {
		for _, ext := range []string{".jwt", ".json"} {
			f := filepath.Join(dir, "bad"+ext)
			body := []byte(c.jwt)
			if ext == ".json" {
				body, _ = model.Badge{JWT: c.jwt}.Envelope()
			}
			os.WriteFile(f, body, 0o600)
			// Each form once, by the database and by the key between them.
			by := []string{"--db", db}
			if ext == ".jwt" {
				by = []string{"--key", key}
			}
			code, out, _ := cascade(t, "verify", by[0], by[1], f)
			if code != 1 || !strings.HasSuffix(out, "status: invalid\n") || !strings.Contains(out, c.reason) {
				t.Errorf("verify %s %s (%s): exit %d; want 1, invalid, %q\n%s", by[0], ext, name, code, c.reason, out)
			}
		}
	}

	// Revoked: the database knows, the key alone cannot; the next export
	// leaves it out.
	number := filepath.Base(jwts[0])[:14]
	if code, _, errOut := cascade(t, "certificates", "revoke", number, "--reason", "issued in error", "--db", db); code != 0 {
		t.Fatalf("revoke: %s", errOut)
	}
	code, stdout, _ = cascade(t, "verify", "--db", db, jwts[0])
	if code != 1 || !strings.Contains(stdout, "reason: issued in error") || !strings.HasSuffix(stdout, "status: revoked\n") {
		t.Errorf("verify revoked badge: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = cascade(t, "verify", "--key", key, jwts[0])
	if code != 0 || !strings.Contains(stdout, "revocation needs the database") {
		t.Errorf("verify --key revoked badge: exit %d\n%s", code, stdout)
	}
	again := filepath.Join(dir, "again")
	if code, _, errOut := cascade(t, "export", "badges", "--db", db, "--cohort", "2", "--out", again); code != 0 {
		t.Fatalf("export again: %s", errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(again, "*.jwt")); len(left) != len(jwts)-1 {
		t.Errorf("after revoking one, %d badges; want %d", len(left), len(jwts)-1)
	}
	if _, err := os.Stat(filepath.Join(again, filepath.Base(jwts[0]))); err == nil {
		t.Errorf("the revoked certificate's badge was exported again")
	}
}

// TestExportBadgesRefusals: usage mistakes and a role that may not issue.
func TestExportBadgesRefusals(t *testing.T) {
	db := sharedDemo(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "badges", "--db", db, "--cohort", "2", "--person", "a@example.org", "--out", dir}, 2, "not both"},
		{[]string{"export", "badges", "--db", db, "--cohort", "2"}, 2, "--out DIR is required"},
		{[]string{"export", "badges", "--db", db, "--out", filepath.Join(dir, "x.json")}, 2, "give a folder"},
		{[]string{"export", "badges", "--db", db, "--cohort", "-1", "--out", dir}, 2, "cohort number from 1"},
	} {
		code, _, errOut := cascade(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args[2:], code, errOut, c.code, c.want)
		}
	}
	// Nothing issued in the shared demo: says so, writes nothing.
	code, out, _ := cascade(t, "export", "badges", "--db", db, "--person", "nobody@example.org", "--out", dir)
	if code != 0 || !strings.Contains(out, "no issued, unrevoked certificates for nobody@example.org") {
		t.Errorf("no certificates: exit %d, %q", code, out)
	}
	t.Setenv(passwordEnv, sqlstoretest.Password)
	code, _, errOut := cascade(t, "export", "badges", "--db", demoCopy(t), "--out", dir, "--user", "moderator")
	if code != 1 || !strings.Contains(errOut, "moderator (external moderator) may not issue, reprint or revoke certificates") {
		t.Errorf("as moderator: exit %d, %q", code, errOut)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("refusals wrote %d files", len(files))
	}
}
