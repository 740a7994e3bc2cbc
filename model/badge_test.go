package model

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// The W3C CCG did:key specification's Ed25519 test vectors
// (w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json): the seed, the
// did, and the raw public key in base58.
var didKeyVectors = []struct{ seed, did, base58 string }{
	{"0000000000000000000000000000000000000000000000000000000000000000", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"},
	{"0000000000000000000000000000000000000000000000000000000000000001", "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt"},
	{"0000000000000000000000000000000000000000000000000000000000000002", "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf", "8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH"},
	{"0000000000000000000000000000000000000000000000000000000000000003", "did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ", "HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2"},
	{"0000000000000000000000000000000000000000000000000000000000000004", "did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL", "J3qYF7YJMKCqQke47UQwiHizgFUXapHxRxKmxbkar89x"},
}

func TestDIDKeyMatchesSpecificationVectors(t *testing.T) {
	for _, v := range didKeyVectors {
		seed, _ := hex.DecodeString(v.seed)
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		if got := base58Encode(pub); got != v.base58 {
			t.Errorf("base58(key of seed %s) = %s; want %s", v.seed[60:], got, v.base58)
		}
		if got := DIDKey(pub); got != v.did {
			t.Errorf("DIDKey(seed %s) = %s; want %s", v.seed[60:], got, v.did)
		}
		back, err := ParseDIDKey(v.did)
		if err != nil || !back.Equal(pub) {
			t.Errorf("ParseDIDKey(%s) = %x, %v; want %x", v.did, back, err, pub)
		}
		if id := DIDKeyID(pub); id != v.did+"#"+strings.TrimPrefix(v.did, "did:key:") {
			t.Errorf("DIDKeyID = %s", id)
		}
	}
	for _, bad := range []string{"did:key:z", "did:web:example.org", "did:key:zXYZ0OIl", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6Mkother",
		"did:key:z" + base58Encode(append([]byte{0xec, 0x01}, make([]byte, 32)...))} {
		if _, err := ParseDIDKey(bad); err == nil {
			t.Errorf("ParseDIDKey(%q) took it", bad)
		}
	}
	// A hostile badge's half-megabyte issuer is refused at once (decoding
	// it would take minutes), in a message of readable size.
	huge := "did:key:z" + strings.Repeat("2", 500_000)
	if _, err := ParseDIDKey(huge); err == nil || len(err.Error()) > 300 {
		t.Errorf("ParseDIDKey(500,000 characters) = %.300v", err)
	}
}

func badgeTestKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(make([]byte, 32))
}

func badgeCert(t *testing.T, key ed25519.PrivateKey, kind string) Certificate {
	t.Helper()
	f := CertFields{Number: "CU-2013-000007", Kind: kind, Name: "Zoë Hart", Certifies: "has achieved the following units, accredited by OCN North West",
		Programme: "Community Organisers Programme", Cohort: "3", Host: "Ceredigion Trust", Issued: "2013-07-01", Template: TemplateVersion,
		IssuedBy: "lead", Centre: "Trafford Hall", Signatory1: "Jess Steele, Programme Director"}
	if kind == KindUnits {
		f.Units = []CertUnit{{Code: "CO201", Title: "Systematic listening", Level: 2, Credits: 3, Achieved: "2013-03-01"},
			{Code: "CO301", Title: "Collective action", Level: 3, Credits: 6, Achieved: "2013-06-20"}}
		f.Credits = 9
	} else {
		f.Number = "CO-2013-000007"
	}
	return Certificate{Number: f.Number, Kind: kind, Email: "Zoe.Hart@example.org", Payload: f.Payload(), Code: Sign(key, f.Payload()),
		DeliveredAt: "2013-07-01T10:00:00Z", Fields: f}
}

// TestBadgeHasEveryRequiredField decodes the signed JWT's payload as plain
// JSON, not through our own types, and looks for each field OB 3.0 and the
// VC Data Model 2.0 require; dropping any one from MakeBadge fails it.
func TestBadgeHasEveryRequiredField(t *testing.T) {
	key := badgeTestKey()
	b, err := MakeBadge(badgeCert(t, key, KindUnits), key)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(b.JWT, ".")
	var header, cred map[string]any
	hb, _ := jwtEncoding.DecodeString(parts[0])
	pb, _ := jwtEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(hb, &header); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(pb, &cred); err != nil {
		t.Fatal(err)
	}
	did := DIDKey(key.Public().(ed25519.PublicKey))
	if header["alg"] != "EdDSA" || header["kid"] != DIDKeyID(key.Public().(ed25519.PublicKey)) || header["typ"] != "JWT" {
		t.Errorf("header = %v", header)
	}
	get := func(path string) any {
		var v any = cred
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	want := map[string]any{
		"@context":                           []any{VCContext, OBContext},
		"type":                               []any{"VerifiableCredential", "OpenBadgeCredential"},
		"id":                                 "urn:cascade:certificate:CU-2013-000007",
		"issuer.id":                          did,
		"issuer.type":                        []any{"Profile"},
		"issuer.name":                        "Community Organisers Programme",
		"validFrom":                          "2013-07-01T00:00:00Z",
		"credentialSubject.type":             []any{"AchievementSubject"},
		"credentialSubject.achievement.type": []any{"Achievement"},
		"credentialSubject.achievement.name": "Certificate of Achievement: Community Organisers Programme",
		"credentialSubject.achievement.creditsAvailable": 9.0,
		"credentialSubject.creditsEarned":                9.0,
		"iss":                                            did,
		"jti":                                            "urn:cascade:certificate:CU-2013-000007",
		"nbf":                                            float64(1372636800),
	}
	for path, w := range want {
		got, _ := json.Marshal(get(path))
		wb, _ := json.Marshal(w)
		if string(got) != string(wb) {
			t.Errorf("%s = %s; want %s", path, got, wb)
		}
	}
	for _, path := range []string{"credentialSubject.achievement.id", "credentialSubject.achievement.description", "credentialSubject.achievement.criteria.narrative"} {
		if s, _ := get(path).(string); s == "" {
			t.Errorf("%s is missing", path)
		}
	}
	narrative := get("credentialSubject.achievement.criteria.narrative").(string)
	for _, w := range []string{"CO201", "Level 2", "Level 3", "6 credits", "achieved 2013-06-20"} {
		if !strings.Contains(narrative, w) {
			t.Errorf("criteria narrative lacks %q: %s", w, narrative)
		}
	}
	ids, _ := get("credentialSubject.identifier").([]any)
	if len(ids) == 0 {
		t.Fatal("credentialSubject has no identifier")
	}
	email := ids[0].(map[string]any)
	if email["type"] != "IdentityObject" || email["identityType"] != "emailAddress" || email["hashed"] != true || email["salt"] == "" ||
		email["identityHash"] != IdentityHash("zoe.hart@example.org", email["salt"].(string)) {
		t.Errorf("email identifier = %v", email)
	}
	if strings.Contains(strings.ToLower(string(pb)), "zoe.hart") || strings.Contains(string(pb), "example.org") {
		t.Errorf("the badge holds the email address in clear: %s", pb)
	}
	if !b.Credential.HolderMatches("zoe.hart@example.org") || b.Credential.HolderMatches("someone@example.org") {
		t.Error("HolderMatches does not tell the holder's address from another")
	}
	if c := CheckBadge(b.JWT); c.Problem != "" || c.Number != "CU-2013-000007" {
		t.Errorf("CheckBadge(issued) = %q, %q; want valid", c.Problem, c.Number)
	}
}

// TestRequiredBadgeFieldsCatchesEachMissing removes each required field in
// turn from a good credential and wants a complaint about it.
func TestRequiredBadgeFieldsCatchesEachMissing(t *testing.T) {
	key := badgeTestKey()
	b, err := MakeBadge(badgeCert(t, key, KindCompletion), key)
	if err != nil {
		t.Fatal(err)
	}
	if p := RequiredBadgeFields(b.Credential); p != "" {
		t.Fatalf("good credential: %s", p)
	}
	cuts := map[string]func(c *BadgeCredential){
		"@context":       func(c *BadgeCredential) { c.Context = c.Context[:1] },
		"id":             func(c *BadgeCredential) { c.ID = "" },
		"type":           func(c *BadgeCredential) { c.Type = []string{"VerifiableCredential"} },
		"issuer.name":    func(c *BadgeCredential) { c.Issuer.Name = "" },
		"issuer.type":    func(c *BadgeCredential) { c.Issuer.Type = nil },
		"validFrom":      func(c *BadgeCredential) { c.ValidFrom = "1 July 2013" },
		"subject.type":   func(c *BadgeCredential) { c.CredentialSubject.Type = nil },
		"identifier":     func(c *BadgeCredential) { c.CredentialSubject.Identifier = nil },
		"achieve.id":     func(c *BadgeCredential) { c.CredentialSubject.Achievement.ID = "" },
		"achieve.desc":   func(c *BadgeCredential) { c.CredentialSubject.Achievement.Description = "" },
		"criteria":       func(c *BadgeCredential) { c.CredentialSubject.Achievement.Criteria.Narrative = "" },
		"email unsalted": func(c *BadgeCredential) { c.CredentialSubject.Identifier[0].Hashed = false },
		"nbf":            func(c *BadgeCredential) { c.Nbf++ },
	}
	for name, cut := range cuts {
		c := b.Credential
		c.CredentialSubject.Identifier = append([]BadgeIdentity(nil), c.CredentialSubject.Identifier...)
		cut(&c)
		if RequiredBadgeFields(c) == "" {
			t.Errorf("without %s: no complaint", name)
		}
	}
}

func TestCheckBadgeRefusesTampering(t *testing.T) {
	key := badgeTestKey()
	b, err := MakeBadge(badgeCert(t, key, KindUnits), key)
	if err != nil {
		t.Fatal(err)
	}
	other := ed25519.NewKeyFromSeed(append(make([]byte, 31), 9))
	parts := strings.Split(b.JWT, ".")
	pb, _ := jwtEncoding.DecodeString(parts[1])
	resigned := func(edit func(*BadgeCredential), k ed25519.PrivateKey) string {
		c := b.Credential
		edit(&c)
		s, err := SignBadge(c, k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := map[string]string{
		"one field changed": parts[0] + "." + jwtEncoding.EncodeToString([]byte(strings.Replace(string(pb), "Zoë Hart", "Zoë Hurt", 1))) + "." + parts[2],
		"signature changed": parts[0] + "." + parts[1] + "." + jwtEncoding.EncodeToString(make([]byte, 64)),
		"signature cut":     parts[0] + "." + parts[1] + ".",
		"key swapped":       resigned(func(c *BadgeCredential) {}, other), // issuer still names ours
		"issuer swapped too": resigned(func(c *BadgeCredential) {
			c.Issuer.ID = DIDKey(other.Public().(ed25519.PublicKey))
			c.Iss = c.Issuer.ID
		}, other),
		"unknown member": parts[0] + "." + jwtEncoding.EncodeToString([]byte(strings.Replace(string(pb), `{"@context"`, `{"extra":1,"@context"`, 1))) + "." + parts[2],
		"two parts":      parts[0] + "." + parts[1],
		"alg none":       jwtEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"x"}`)) + "." + parts[1] + ".",
		"not base64":     "!!!." + parts[1] + "." + parts[2],
		"empty":          "",
	}
	for name, jwt := range cases {
		c := CheckBadge(jwt)
		if name == "issuer swapped too" {
			// Well formed and signed by the key it names: only comparing
			// that key with the programme's (the caller's job) refuses it.
			if c.Problem != "" || c.Key.Equal(key.Public()) {
				t.Errorf("%s: problem %q, key ours %v", name, c.Problem, c.Key.Equal(key.Public()))
			}
			continue
		}
		if c.Problem == "" {
			t.Errorf("CheckBadge(%s) = valid; want a problem", name)
		}
	}
}

func TestBadgeEnvelopeAndRefusals(t *testing.T) {
	key := badgeTestKey()
	b, err := MakeBadge(badgeCert(t, key, KindCompletion), key)
	if err != nil {
		t.Fatal(err)
	}
	env, err := b.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	if jwt, err := BadgeJWT(env); err != nil || jwt != b.JWT {
		t.Errorf("BadgeJWT(envelope) = %.20q, %v", jwt, err)
	}
	for _, bad := range []string{`{"@context":"x","id":"data:text/plain,abc","type":"EnvelopedVerifiableCredential"}`, `{"id":1}`, `{"a":"b"}`} {
		if _, err := BadgeJWT([]byte(bad)); err == nil {
			t.Errorf("BadgeJWT(%s) took it", bad)
		}
	}
	// Twice the same export writes the same badge (deterministic salt and
	// signature), and another certificate gets another salt.
	again, _ := MakeBadge(badgeCert(t, key, KindCompletion), key)
	if again.JWT != b.JWT {
		t.Error("exporting again wrote a different badge")
	}
	if BadgeSalt(key, "CO-2013-000007") == BadgeSalt(key, "CO-2013-000008") {
		t.Error("two certificates share a salt")
	}
	c := badgeCert(t, key, KindTrainer)
	c.RevokedAt = "2014-01-01"
	if _, err := MakeBadge(c, key); err == nil {
		t.Error("a revoked certificate got a badge")
	}
	c = badgeCert(t, key, KindTrainer)
	c.DeliveredAt = ""
	if _, err := MakeBadge(c, key); err == nil {
		t.Error("an undelivered certificate got a badge")
	}
	c = badgeCert(t, key, KindTrainer)
	c.Email = " "
	if _, err := MakeBadge(c, key); err == nil {
		t.Error("a holder without an email got a badge")
	}
}
