package model

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Open Badges 3.0 credentials, secured as VC-JWT with EdDSA.
//
// Why VC-JWT rather than a Data Integrity proof (eddsa-rdfc-2022): that
// suite signs the RDF canonical form of the JSON-LD, so issuing and checking
// need a JSON-LD processor, RDF dataset canonicalisation and the OB 3.0 and
// VC 2.0 contexts bundled for offline use; no well-kept Go library for that
// is available to this project, and writing one is where signatures go
// subtly wrong. A JWS signs the exact bytes of the credential: Go's
// crypto/ed25519 and encoding/json do it all, the result is verifiable
// offline, and Open Badges 3.0 (section 8.2, "JSON Web Token Proof Format")
// names it as one of its two proof formats.

// The @context entries every OpenBadgeCredential starts with (VC Data Model
// 2.0, then Open Badges 3.0).
const (
	VCContext = "https://www.w3.org/ns/credentials/v2"
	OBContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// BadgeCredential is an OpenBadgeCredential as issued: the members are the
// credential's, in the order written; Iss, Jti and Nbf are the JWT claims
// OB 3.0 section 8.2 asks for, mirroring issuer.id, id and validFrom.
type BadgeCredential struct {
	Context           []string     `json:"@context"`
	ID                string       `json:"id"`
	Type              []string     `json:"type"`
	Name              string       `json:"name"`
	Issuer            BadgeProfile `json:"issuer"`
	ValidFrom         string       `json:"validFrom"`
	CredentialSubject BadgeSubject `json:"credentialSubject"`
	Iss               string       `json:"iss"`
	Jti               string       `json:"jti"`
	Nbf               int64        `json:"nbf"`
}

// BadgeProfile is the issuer: the programme, identified by its key.
type BadgeProfile struct {
	ID          string   `json:"id"`
	Type        []string `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
}

// BadgeSubject is the learner: named by a salted hash of their email, never
// the address itself, and by the name printed on their certificate.
type BadgeSubject struct {
	Type          []string         `json:"type"`
	Identifier    []BadgeIdentity  `json:"identifier"`
	Achievement   BadgeAchievement `json:"achievement"`
	CreditsEarned *float64         `json:"creditsEarned,omitempty"`
}

// BadgeIdentity is an OB 3.0 IdentityObject.
type BadgeIdentity struct {
	Type         string `json:"type"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
	Salt         string `json:"salt,omitempty"`
}

// BadgeAchievement is what was achieved, with its criteria.
type BadgeAchievement struct {
	ID               string        `json:"id"`
	Type             []string      `json:"type"`
	AchievementType  string        `json:"achievementType,omitempty"`
	Name             string        `json:"name"`
	Description      string        `json:"description"`
	Criteria         BadgeCriteria `json:"criteria"`
	CreditsAvailable *float64      `json:"creditsAvailable,omitempty"`
	FieldOfStudy     string        `json:"fieldOfStudy,omitempty"`
	Tag              []string      `json:"tag,omitempty"`
}

// BadgeCriteria says in words how the achievement is earned.
type BadgeCriteria struct {
	Narrative string `json:"narrative"`
}

// Badge is one exported credential: the certificate it stands for, the
// credential, and the signed compact JWT.
type Badge struct {
	Number     string
	Name       string // the holder, for the file name
	Credential BadgeCredential
	JWT        string
}

// maxDIDKey is the length of an Ed25519 did:key: "did:key:z" and 47 base58
// characters.
const maxDIDKey = 56

// base58 alphabet (Bitcoin's), which multibase 'z' names.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func base58Encode(b []byte) string {
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod, base := new(big.Int), big.NewInt(58)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

func base58Decode(s string) ([]byte, error) {
	n := new(big.Int)
	base := big.NewInt(58)
	for _, r := range s {
		i := strings.IndexRune(base58Alphabet, r)
		if i < 0 {
			return nil, fmt.Errorf("base58: %q is not a base58 character: %w", r, ErrInvalid)
		}
		n.Mul(n, base).Add(n, big.NewInt(int64(i)))
	}
	out := n.Bytes()
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	return append(make([]byte, zeros), out...), nil
}

// ed25519Multicodec is the multicodec prefix of an Ed25519 public key
// (0xed as an unsigned varint).
var ed25519Multicodec = []byte{0xed, 0x01}

// DIDKey is the did:key of an Ed25519 public key: 'did:key:z' and the
// base58btc of the multicodec prefix and the 32-byte key.
func DIDKey(pub ed25519.PublicKey) string {
	return "did:key:z" + base58Encode(append(bytes.Clone(ed25519Multicodec), pub...))
}

// DIDKeyID is the key's verification method: the did and '#' and its
// multibase part, as a JWT's kid names it.
func DIDKeyID(pub ed25519.PublicKey) string {
	d := DIDKey(pub)
	return d + "#" + strings.TrimPrefix(d, "did:key:")
}

// ParseDIDKey reads an Ed25519 public key from a did:key (with or without a
// '#' fragment, which must then name the same key).
func ParseDIDKey(did string) (ed25519.PublicKey, error) {
	// An Ed25519 did:key is 56 characters; a longer one is refused before
	// decoding, which takes time growing with the square of its length.
	if len(did) > 2*maxDIDKey {
		return nil, fmt.Errorf("issuer %q…: %d characters, far longer than an Ed25519 did:key: %w", did[:maxDIDKey], len(did), ErrInvalid)
	}
	id, frag, hasFrag := strings.Cut(did, "#")
	mb, ok := strings.CutPrefix(id, "did:key:z")
	if !ok {
		return nil, fmt.Errorf("issuer %q: not a did:key in base58btc: %w", did, ErrInvalid)
	}
	if hasFrag && frag != "z"+mb {
		return nil, fmt.Errorf("issuer %q: the key named after '#' is not the did's: %w", did, ErrInvalid)
	}
	raw, err := base58Decode(mb)
	if err != nil {
		return nil, fmt.Errorf("issuer %q: %w", did, err)
	}
	if len(raw) != 2+ed25519.PublicKeySize || !bytes.HasPrefix(raw, ed25519Multicodec) {
		return nil, fmt.Errorf("issuer %q: not an Ed25519 did:key: %w", did, ErrInvalid)
	}
	return ed25519.PublicKey(raw[2:]), nil
}

// BadgeSalt is the salt of a holder's hashed email on one certificate's
// badge: an HMAC of the number under the signing key, so exporting again
// writes the same badge, yet nobody without the key can guess it and test
// addresses against the hash.
func BadgeSalt(key ed25519.PrivateKey, number string) string {
	m := hmac.New(sha256.New, key.Seed())
	m.Write([]byte("cascade badge salt\x00" + number))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// IdentityHash is OB 3.0's hash of an identity: "sha256$" and the hex of
// SHA-256 over the value and the salt. Emails are compared in lower case.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// CredentialID is a certificate's credential id: its number as a URN.
func CredentialID(number string) string { return "urn:cascade:certificate:" + number }

// numberFromCredentialID undoes CredentialID.
func numberFromCredentialID(id string) (string, bool) {
	return strings.CutPrefix(id, "urn:cascade:certificate:")
}

// Headline is the award a certificate of kind names, as printed.
func Headline(kind string) string {
	switch kind {
	case KindCompletion:
		return "Certificate of Completion"
	case KindUnits:
		return "Certificate of Achievement"
	case KindTrainer:
		return "Certificate of Trainer Accreditation"
	}
	return "Certificate"
}

// MakeBadge makes the OpenBadgeCredential for an issued certificate and
// signs it with the programme's key. A revoked or undelivered certificate,
// or one without an email to identify its holder, has no badge.
func MakeBadge(c Certificate, key ed25519.PrivateKey) (Badge, error) {
	f := c.Fields
	switch {
	case c.Revoked():
		return Badge{}, fmt.Errorf("badge for %s: the certificate is revoked: %w", c.Number, ErrInvalid)
	case !c.Delivered():
		return Badge{}, fmt.Errorf("badge for %s: the certificate was never delivered: %w", c.Number, ErrInvalid)
	case f.Number != c.Number:
		return Badge{}, fmt.Errorf("badge for %s: the recorded fields do not parse: %w", c.Number, ErrInvalid)
	case strings.TrimSpace(c.Email) == "":
		return Badge{}, fmt.Errorf("badge for %s: the holder has no email to identify them by: %w", c.Number, ErrInvalid)
	}
	issued, err := time.Parse("2006-01-02", f.Issued)
	if err != nil {
		return Badge{}, fmt.Errorf("badge for %s: issue date %q: %w", c.Number, f.Issued, ErrInvalid)
	}
	pub := key.Public().(ed25519.PublicKey)
	did := DIDKey(pub)
	salt := BadgeSalt(key, c.Number)
	ach := BadgeAchievement{
		ID:           "urn:cascade:achievement:" + f.Kind,
		Type:         []string{"Achievement"},
		Name:         Headline(f.Kind) + ": " + f.Programme,
		Description:  "Awarded by " + f.Centre + " in the " + f.Programme + ": the holder " + f.Certifies + ".",
		FieldOfStudy: "Community organising",
	}
	subj := BadgeSubject{
		Type: []string{"AchievementSubject"},
		Identifier: []BadgeIdentity{
			{Type: "IdentityObject", IdentityHash: IdentityHash(c.Email, salt), IdentityType: "emailAddress", Hashed: true, Salt: salt},
			{Type: "IdentityObject", IdentityHash: f.Name, IdentityType: "name", Hashed: false},
		},
	}
	switch f.Kind {
	case KindCompletion:
		ach.AchievementType = "CertificateOfCompletion"
		ach.Criteria.Narrative = "Completed every module of the programme's year-long course for community organisers" +
			cohortText(f) + ", as recorded by " + f.Centre + "."
	case KindTrainer:
		ach.AchievementType = "Certification"
		ach.Criteria.Narrative = "Trained through the programme's train-the-trainers course and accredited by " + f.Centre +
			" to deliver the programme's training."
	case KindUnits:
		ach.AchievementType = "Certificate"
		// An achievement names what is achieved: the set of units, so two
		// holders of the same units hold the same achievement.
		ach.ID = "urn:cascade:achievement:units:" + AchievementKey(f.Kind, f.Units)
		credits := float64(f.Credits)
		ach.CreditsAvailable, subj.CreditsEarned = &credits, &credits
		var b strings.Builder
		b.WriteString("Achieved each of these Open College Network units, every assessment criterion covered by evidence and judged achieved by an assessor:")
		levels := map[string]bool{}
		for _, u := range f.Units {
			fmt.Fprintf(&b, " %s %s (%s, %d credits, achieved %s);", u.Code, u.Title, LevelLabel(u.Level), u.Credits, u.Achieved)
			if !levels[LevelLabel(u.Level)] {
				levels[LevelLabel(u.Level)] = true
				ach.Tag = append(ach.Tag, "OCN "+LevelLabel(u.Level))
			}
		}
		fmt.Fprintf(&b, " %d credits in all.", f.Credits)
		ach.Criteria.Narrative = b.String()
	default:
		return Badge{}, fmt.Errorf("badge for %s: kind %q: %w", c.Number, f.Kind, ErrInvalid)
	}
	subj.Achievement = ach
	cred := BadgeCredential{
		Context:           []string{VCContext, OBContext},
		ID:                CredentialID(c.Number),
		Type:              []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:              Headline(f.Kind) + " " + c.Number,
		Issuer:            BadgeProfile{ID: did, Type: []string{"Profile"}, Name: f.Programme, Description: "Issued by " + f.Centre},
		ValidFrom:         issued.UTC().Format(time.RFC3339),
		CredentialSubject: subj,
		Iss:               did,
		Jti:               CredentialID(c.Number),
		Nbf:               issued.Unix(),
	}
	jwt, err := SignBadge(cred, key)
	if err != nil {
		return Badge{}, fmt.Errorf("badge for %s: %w", c.Number, err)
	}
	return Badge{Number: c.Number, Name: f.Name, Credential: cred, JWT: jwt}, nil
}

func cohortText(f CertFields) string {
	if f.Cohort == "" {
		return ""
	}
	return " in cohort " + f.Cohort
}

// badgeHeader is the JOSE header of a badge: EdDSA over Ed25519, the key
// named by its did:key verification method, typ JWT as OB 3.0 asks.
type badgeHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

var jwtEncoding = base64.RawURLEncoding

// SignBadge signs a credential as a compact JWS (VC-JWT).
func SignBadge(cred BadgeCredential, key ed25519.PrivateKey) (string, error) {
	pub := key.Public().(ed25519.PublicKey)
	h, err := json.Marshal(badgeHeader{Alg: "EdDSA", Typ: "JWT", Kid: DIDKeyID(pub)})
	if err != nil {
		return "", fmt.Errorf("sign badge: %w", err)
	}
	p, err := json.Marshal(cred)
	if err != nil {
		return "", fmt.Errorf("sign badge: %w", err)
	}
	input := jwtEncoding.EncodeToString(h) + "." + jwtEncoding.EncodeToString(p)
	return input + "." + jwtEncoding.EncodeToString(ed25519.Sign(key, []byte(input))), nil
}

// EnvelopedBadge is the JSON form of a badge: a VC Data Model 2.0
// EnvelopedVerifiableCredential carrying the VC-JWT as a data: URL, for
// systems that take a credential as JSON.
type EnvelopedBadge struct {
	Context string `json:"@context"`
	ID      string `json:"id"`
	Type    string `json:"type"`
}

const envelopePrefix = "data:application/vc+jwt,"

// Envelope wraps a badge's JWT as JSON.
func (b Badge) Envelope() ([]byte, error) {
	out, err := json.MarshalIndent(EnvelopedBadge{Context: VCContext, ID: envelopePrefix + b.JWT, Type: "EnvelopedVerifiableCredential"}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("badge %s: %w", b.Number, err)
	}
	return append(out, '\n'), nil
}

// maxBadgeSize bounds what a badge file may hold before it is read.
const maxBadgeSize = 1 << 20

// BadgeJWT takes the compact JWT from a badge file's text: the JWT alone,
// or the JSON envelope Envelope writes.
func BadgeJWT(data []byte) (string, error) {
	if len(data) > maxBadgeSize {
		return "", fmt.Errorf("badge: %d bytes, more than any badge: %w", len(data), ErrInvalid)
	}
	s := strings.TrimSpace(string(data))
	if !strings.HasPrefix(s, "{") {
		return s, nil
	}
	var env EnvelopedBadge
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return "", fmt.Errorf("badge: not an enveloped credential: %v: %w", err, ErrInvalid)
	}
	jwt, ok := strings.CutPrefix(env.ID, envelopePrefix)
	if env.Type != "EnvelopedVerifiableCredential" || !ok {
		return "", fmt.Errorf("badge: the JSON is not an EnvelopedVerifiableCredential holding a data:application/vc+jwt: %w", ErrInvalid)
	}
	return jwt, nil
}

// BadgeCheck is what checking a badge's signature and form found.
type BadgeCheck struct {
	Credential BadgeCredential
	Key        ed25519.PublicKey // the issuer's, from its did:key
	Number     string            // the certificate number, from the id
	Problem    string            // why it is not valid; '' when it is
}

// CheckBadge checks a compact VC-JWT badge on its own: its form, the
// required fields of an OpenBadgeCredential, and the signature by the key
// its issuer's did:key names. Whether that key is the programme's, and
// whether the certificate was revoked, the caller checks.
func CheckBadge(jwt string) BadgeCheck {
	var bc BadgeCheck
	fail := func(format string, a ...any) BadgeCheck {
		bc.Problem = fmt.Sprintf(format, a...)
		return bc
	}
	parts := strings.Split(strings.TrimSpace(jwt), ".")
	if len(parts) != 3 {
		return fail("the badge is not a signed credential (a JWT has three parts separated by dots)")
	}
	hb, err1 := jwtEncoding.DecodeString(parts[0])
	pb, err2 := jwtEncoding.DecodeString(parts[1])
	sig, err3 := jwtEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return fail("the badge is damaged (a part is not base64url)")
	}
	var h badgeHeader
	if err := strictJSON(hb, &h); err != nil {
		return fail("the badge's header is damaged: %v", err)
	}
	if h.Alg != "EdDSA" {
		return fail("the badge is signed with %q; Cascade signs with EdDSA", h.Alg)
	}
	pub, err := ParseDIDKey(h.Kid)
	if err != nil {
		return fail("the badge's signing key: %v", err)
	}
	bc.Key = pub
	if err := strictJSON(pb, &bc.Credential); err != nil {
		return fail("the badge's credential is damaged: %v", err)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return fail("the signature does not match the badge's contents (changed or forged)")
	}
	c := bc.Credential
	if c.Issuer.ID != DIDKey(pub) || c.Iss != c.Issuer.ID {
		return fail("the badge's issuer is not the key that signed it")
	}
	if problem := RequiredBadgeFields(c); problem != "" {
		return fail("%s", problem)
	}
	n, ok := numberFromCredentialID(c.ID)
	if !ok || c.Jti != c.ID {
		return fail("the badge's id does not name a Cascade certificate")
	}
	bc.Number = n
	return bc
}

// strictJSON decodes exactly one JSON value with no unknown members, so a
// badge read back is exactly the credential type Cascade writes.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}

// RequiredBadgeFields says which field an OpenBadgeCredential requires is
// missing or wrong (Open Badges 3.0 and the VC Data Model 2.0), ” when
// none is.
func RequiredBadgeFields(c BadgeCredential) string {
	s := c.CredentialSubject
	a := s.Achievement
	checks := []struct {
		ok   bool
		what string
	}{
		{len(c.Context) >= 2 && c.Context[0] == VCContext && c.Context[1] == OBContext, "@context must start with the VC 2.0 and Open Badges 3.0 contexts"},
		{c.ID != "", "the credential has no id"},
		{len(c.Type) == 2 && c.Type[0] == "VerifiableCredential" && c.Type[1] == "OpenBadgeCredential", "type must be VerifiableCredential, OpenBadgeCredential"},
		{c.Issuer.ID != "" && len(c.Issuer.Type) > 0 && c.Issuer.Type[0] == "Profile" && c.Issuer.Name != "", "the issuer needs an id, type Profile and a name"},
		{validTime(c.ValidFrom), "validFrom is not a date and time"},
		{len(s.Type) > 0 && s.Type[0] == "AchievementSubject", "credentialSubject must be an AchievementSubject"},
		{len(s.Identifier) > 0, "credentialSubject names nobody (no identifier)"},
		{a.ID != "" && len(a.Type) > 0 && a.Type[0] == "Achievement", "the achievement needs an id and type Achievement"},
		{a.Name != "" && a.Description != "", "the achievement needs a name and a description"},
		{a.Criteria.Narrative != "", "the achievement has no criteria"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return ch.what
		}
	}
	for _, id := range s.Identifier {
		if id.Type != "IdentityObject" || id.IdentityHash == "" || id.IdentityType == "" || (id.Hashed && !strings.HasPrefix(id.IdentityHash, "sha256$")) {
			return "credentialSubject's identifier is not an IdentityObject"
		}
		if id.IdentityType == "emailAddress" && !id.Hashed {
			return "credentialSubject shows an email address in clear"
		}
	}
	if t, err := time.Parse(time.RFC3339, c.ValidFrom); err == nil && t.Unix() != c.Nbf {
		return "the JWT's nbf is not validFrom"
	}
	return ""
}

func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// HolderMatches reports whether a badge names email (salted and hashed as
// its identifier says), for a person checking a badge given to them.
func (c BadgeCredential) HolderMatches(email string) bool {
	for _, id := range c.CredentialSubject.Identifier {
		if id.IdentityType == "emailAddress" && id.Hashed && hmac.Equal([]byte(id.IdentityHash), []byte(IdentityHash(email, id.Salt))) {
			return true
		}
	}
	return false
}

// Lines lists a badge's fields as verify prints them.
func (c BadgeCredential) Lines() []string {
	s := c.CredentialSubject
	out := []string{"badge: " + c.ID, "name: " + holderName(s), "award: " + s.Achievement.Name, "issuer: " + c.Issuer.Name + " (" + c.Issuer.ID + ")", "valid from: " + c.ValidFrom}
	out = append(out, "criteria: "+s.Achievement.Criteria.Narrative)
	if s.CreditsEarned != nil {
		out = append(out, fmt.Sprintf("credits: %g", *s.CreditsEarned))
	}
	return out
}

func holderName(s BadgeSubject) string {
	for _, id := range s.Identifier {
		if id.IdentityType == "name" && !id.Hashed {
			return id.IdentityHash
		}
	}
	return "(not named)"
}

// BadgeVerification is what checking a badge found, as verify prints it.
type BadgeVerification struct {
	Credential BadgeCredential
	Number     string
	Status     string // valid, revoked or invalid
	Reason     string // why invalid, or the revocation reason
	Revoked    string // when revoked
	Checked    string // what was checked against
}

// VerifyBadge checks a badge as verify checks a certificate: signed by the
// programme's key (its did:key issuer must be that key), well formed, and,
// when lookup is given (the database), issued under a certificate number on
// record and not revoked since. Without lookup it cannot know of revocation.
// The error is only lookup's own failure.
func VerifyBadge(jwt string, programme ed25519.PublicKey, lookup func(number string) (Certificate, error)) (BadgeVerification, error) {
	c := CheckBadge(jwt)
	v := BadgeVerification{Credential: c.Credential, Number: c.Number, Status: StatusInvalid, Checked: "public key (revocation needs the database)"}
	if lookup != nil {
		v.Checked = "database"
	}
	switch {
	case c.Problem != "":
		v.Reason = c.Problem
		return v, nil
	case !c.Key.Equal(programme):
		v.Reason = "the badge was not signed by this programme's key (its issuer is " + DIDKey(c.Key) + ", the programme is " + DIDKey(programme) + ")"
		return v, nil
	}
	if lookup != nil {
		cert, err := lookup(c.Number)
		if errors.Is(err, ErrNotFound) {
			v.Reason = "no certificate " + c.Number + " was issued by this database"
			return v, nil
		}
		if err != nil {
			return v, err
		}
		if cert.Revoked() {
			v.Status, v.Reason, v.Revoked = StatusRevoked, cert.RevokedReason, cert.RevokedAt
			return v, nil
		}
	}
	v.Status = StatusValid
	return v, nil
}
