package model

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"crypto/ed25519"
	"encoding/base32"
	"net/url"
	"strconv"
)

// Certificate kinds, and the prefix each puts on its numbers.
const (
	KindCompletion = "completion" // programme completion, to organisers
	KindUnits      = "units"      // unit and credit achievement, to organisers
	KindTrainer    = "trainer"    // trainer accreditation
)

// CertificateKinds lists the kinds in the order they are issued and shown.
var CertificateKinds = []string{KindCompletion, KindUnits, KindTrainer}

// TemplateVersion is recorded on every certificate: a later template draws
// the same signed fields, so it never changes what was certified.
const TemplateVersion = "1"

// payloadVersion heads every payload so a later format can be told apart.
const payloadVersion = "cascade-certificate 1"

// KindPrefix is the two letters a kind's numbers start with.
func KindPrefix(kind string) (string, error) {
	switch kind {
	case KindCompletion:
		return "CO", nil
	case KindUnits:
		return "CU", nil
	case KindTrainer:
		return "CT", nil
	}
	return "", fmt.Errorf("certificate kind %q: want completion, units or trainer: %w", kind, ErrInvalid)
}

// CertificateNumber formats a number: CO-2013-000123.
func CertificateNumber(kind string, year, seq int) (string, error) {
	p, err := KindPrefix(kind)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%04d-%06d", p, year, seq), nil
}

// CertUnit is one achieved unit named on a units certificate.
type CertUnit struct {
	Code     string
	Title    string
	Level    int
	Credits  int
	Achieved string // ISO date
}

// LevelLabel is how a certificate prints a level: "Entry" or "Level 2".
func LevelLabel(level int) string {
	if level == 0 {
		return "Entry"
	}
	return "Level " + LevelName(level)
}

// CertFields are the signed fields of a certificate: everything printed on
// it that says who and what, so the paper can be checked against the key.
type CertFields struct {
	Number     string
	Kind       string
	Name       string
	Certifies  string // what is certified, in words
	Programme  string
	Cohort     string // cohort number, '' for trainers
	Host       string // host organisation or trainer's organisation
	Units      []CertUnit
	Credits    int    // total credits of Units
	Issued     string // ISO date
	Template   string
	IssuedBy   string
	Centre     string
	Signatory1 string // "Name, Title"
	Signatory2 string
}

// clean keeps a field on one line, so the payload's line structure holds.
func Clean(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(s)
	return strings.TrimSpace(s)
}

// Payload is the canonical text that is signed: one "field: value" line per
// field in a fixed order, UTF-8, each value on one line.
func (f CertFields) Payload() string {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + ": " + Clean(v) + "\n") }
	b.WriteString(payloadVersion + "\n")
	line("number", f.Number)
	line("kind", f.Kind)
	line("name", f.Name)
	line("certifies", f.Certifies)
	line("programme", f.Programme)
	line("cohort", f.Cohort)
	line("host", f.Host)
	for _, u := range f.Units {
		line("unit", fmt.Sprintf("%s | %s | %d | %d | %s", Clean(u.Code), Clean(u.Title), u.Level, u.Credits, u.Achieved))
	}
	line("credits", strconv.Itoa(f.Credits))
	line("issued", f.Issued)
	line("template", f.Template)
	line("issued_by", f.IssuedBy)
	line("centre", f.Centre)
	line("signatory1", f.Signatory1)
	line("signatory2", f.Signatory2)
	return b.String()
}

// ParsePayload reads a payload back into fields. It refuses anything that
// is not exactly what Payload writes, so a payload that parses is canonical.
func ParsePayload(p string) (CertFields, error) {
	var f CertFields
	lines := strings.Split(p, "\n")
	if len(lines) < 2 || lines[0] != payloadVersion || lines[len(lines)-1] != "" {
		return f, fmt.Errorf("certificate payload: not a cascade certificate: %w", ErrInvalid)
	}
	for i, l := range lines[1 : len(lines)-1] {
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			return f, fmt.Errorf("certificate payload line %d: no field name: %w", i+2, ErrInvalid)
		}
		switch k {
		case "number":
			f.Number = v
		case "kind":
			f.Kind = v
		case "name":
			f.Name = v
		case "certifies":
			f.Certifies = v
		case "programme":
			f.Programme = v
		case "cohort":
			f.Cohort = v
		case "host":
			f.Host = v
		case "unit":
			parts := strings.Split(v, " | ")
			if len(parts) != 5 {
				return f, fmt.Errorf("certificate payload line %d: unit needs 5 parts: %w", i+2, ErrInvalid)
			}
			lvl, err1 := strconv.Atoi(parts[2])
			cr, err2 := strconv.Atoi(parts[3])
			if err1 != nil || err2 != nil {
				return f, fmt.Errorf("certificate payload line %d: unit level or credits not a number: %w", i+2, ErrInvalid)
			}
			f.Units = append(f.Units, CertUnit{Code: parts[0], Title: parts[1], Level: lvl, Credits: cr, Achieved: parts[4]})
		case "credits":
			n, err := strconv.Atoi(v)
			if err != nil {
				return f, fmt.Errorf("certificate payload line %d: credits not a number: %w", i+2, ErrInvalid)
			}
			f.Credits = n
		case "issued":
			f.Issued = v
		case "template":
			f.Template = v
		case "issued_by":
			f.IssuedBy = v
		case "centre":
			f.Centre = v
		case "signatory1":
			f.Signatory1 = v
		case "signatory2":
			f.Signatory2 = v
		default:
			return f, fmt.Errorf("certificate payload line %d: unknown field %q: %w", i+2, k, ErrInvalid)
		}
	}
	if f.Payload() != p {
		return f, fmt.Errorf("certificate payload: not in canonical form: %w", ErrInvalid)
	}
	return f, nil
}

// Lines lists the fields as verify prints them, "field: value".
func (f CertFields) Lines() []string {
	out := []string{
		"number: " + f.Number,
		"name: " + f.Name,
		"kind: " + f.Kind,
		"issued: " + f.Issued,
		"certifies: " + f.Certifies,
		"programme: " + f.Programme,
	}
	if f.Cohort != "" {
		out = append(out, "cohort: "+f.Cohort)
	}
	if f.Host != "" {
		out = append(out, "host: "+f.Host)
	}
	for _, u := range f.Units {
		out = append(out, fmt.Sprintf("unit: %s %s (%s, %d credits, achieved %s)", u.Code, u.Title, LevelLabel(u.Level), u.Credits, u.Achieved))
	}
	if f.Kind == KindUnits {
		out = append(out, "credits: "+strconv.Itoa(f.Credits))
	}
	return append(out,
		"centre: "+f.Centre,
		"signatory1: "+f.Signatory1,
		"signatory2: "+f.Signatory2,
		"template: "+f.Template,
		"issued_by: "+f.IssuedBy,
	)
}

// codeEncoding writes signatures as upper-case base32 without padding: no
// characters that are mistaken for one another when typed from paper.
var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Sign makes the verification code: an Ed25519 signature over the payload.
func Sign(key ed25519.PrivateKey, payload string) string {
	return codeEncoding.EncodeToString(ed25519.Sign(key, []byte(payload)))
}

// NormaliseCode undoes how a person may type a code: spaces, dashes, case.
func NormaliseCode(code string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\n", "", "\t", "").Replace(code))
}

// VerifyCode reports whether code is a valid signature of payload by pub.
func VerifyCode(pub ed25519.PublicKey, payload, code string) bool {
	sig, err := codeEncoding.DecodeString(NormaliseCode(code))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, []byte(payload), sig)
}

// GroupCode prints a code in groups of five for reading off paper.
func GroupCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%5 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Certificate is an issued certificate as recorded.
type Certificate struct {
	ID              int64
	Number          string
	Kind            string
	Year            int
	Seq             int
	PersonID        int64
	HolderName      string
	Email           string
	IssuedOn        string
	TemplateVersion string
	IssuedBy        string
	Payload         string
	Code            string // the signature, base32
	RevokedAt       string
	RevokedBy       string
	RevokedReason   string
	CreatedAt       string
	// Achievement is what it certifies for its holder and kind (see
	// AchievementKey); '' on a certificate that an earlier run issued twice.
	Achievement string
	// DeliveredAt is when its PDF was safely written; '' while issued but
	// not yet delivered, so the next run prints it as an original.
	DeliveredAt string
	Fields      CertFields // parsed from Payload
}

// Revoked reports whether the certificate has been revoked.
func (c Certificate) Revoked() bool { return c.RevokedAt != "" }

// Delivered reports whether the certificate's PDF was ever safely written.
func (c Certificate) Delivered() bool { return c.DeliveredAt != "" }

// AchievementKey names what a certificate of kind certifies for one person,
// the thing they hold one certificate for: nothing more for completion and
// trainer certificates, and the achieved unit codes (sorted, joined by ',')
// for a units certificate, since more units earn a new one.
func AchievementKey(kind string, units []CertUnit) string {
	if kind != KindUnits {
		return ""
	}
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	slices.Sort(codes)
	return strings.Join(codes, ",")
}

// Printable is what the renderer draws: the signed fields, the code, and
// whether this printing is a copy (a reprint).
type Printable struct {
	Fields CertFields
	Code   string
	Copy   bool
	Logo   string // path to the centre's logo, '' for none
	// VerifyURL is the programme's verification page (setting verify.url),
	// '' for none: the QR code then holds the token as text.
	VerifyURL string
}

// Printable makes what the renderer draws for this certificate with the
// programme's logo and verification address.
func (c Certificate) Printable(copyMark bool, cs CertificateSettings) Printable {
	return Printable{Fields: c.Fields, Code: c.Code, Copy: copyMark, Logo: cs.Logo, VerifyURL: cs.VerifyURL}
}

// QRText is what the QR code holds: the verification address with the
// token after '#', which a browser never sends to the server, or the token
// alone when the programme has no address.
func (p Printable) QRText() string {
	t := QRToken(p.Fields, p.Code)
	if p.VerifyURL == "" {
		return t
	}
	return p.VerifyURL + "#" + t
}

// qrTokenMark heads a QR token and names its format.
const qrTokenMark = "CASCADE1"

// The signed payload's field names, in order, before and after its unit
// lines: a QR token carries only the values and the page puts the names
// back, which keeps the code small enough for a phone camera.
var (
	qrFieldsBefore = []string{"number", "kind", "name", "certifies", "programme", "cohort", "host"}
	qrFieldsAfter  = []string{"credits", "issued", "template", "issued_by", "centre", "signatory1", "signatory2"}
)

// QRToken is the signed payload and its signature in a form a QR code holds
// compactly and a verification page can check alone:
// CASCADE1.<values>.<signature>, where values are the payload's values one
// a line (names dropped), raw-deflated (about half the size: a units
// certificate's code shrinks from version 28 to 19, which a phone reads
// from paper), and both parts are upper-case base32 without padding, which
// a QR code stores in its alphanumeric mode.
func QRToken(f CertFields, code string) string {
	lines := strings.Split(strings.TrimSuffix(f.Payload(), "\n"), "\n")[1:]
	for i, l := range lines {
		_, v, _ := strings.Cut(l, ": ")
		lines[i] = v
	}
	var b bytes.Buffer
	// Writing to a bytes.Buffer at a valid level cannot fail.
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(strings.Join(lines, "\n")))
	w.Close()
	return qrTokenMark + "." + codeEncoding.EncodeToString(b.Bytes()) + "." + NormaliseCode(code)
}

// maxTokenValues bounds what a token's fields inflate to, so a crafted
// token cannot make a reader inflate without end.
const maxTokenValues = 64 << 10

// ParseQRToken reads a token from a QR code (alone, or after the '#' of a
// verification address) back into the signed payload and the code. The
// payload it returns is canonical; the signature is not checked here.
func ParseQRToken(s string) (payload, code string, err error) {
	if _, frag, ok := strings.Cut(s, "#"); ok {
		s = frag
	}
	parts := strings.Split(NormaliseCode(s), ".")
	if len(parts) != 3 || parts[0] != qrTokenMark {
		return "", "", fmt.Errorf("certificate token: not CASCADE1.<fields>.<code>: %w", ErrInvalid)
	}
	packed, err := codeEncoding.DecodeString(parts[1])
	if err != nil {
		return "", "", fmt.Errorf("certificate token: the fields are not base32: %w", ErrInvalid)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxTokenValues+1))
	if err != nil || len(raw) > maxTokenValues || !utf8.Valid(raw) {
		return "", "", fmt.Errorf("certificate token: the fields are damaged: %w", ErrInvalid)
	}
	values := strings.Split(string(raw), "\n")
	if len(values) < len(qrFieldsBefore)+len(qrFieldsAfter) {
		return "", "", fmt.Errorf("certificate token: %d fields, want at least %d: %w", len(values), len(qrFieldsBefore)+len(qrFieldsAfter), ErrInvalid)
	}
	var b strings.Builder
	b.WriteString(payloadVersion + "\n")
	nUnits := len(values) - len(qrFieldsBefore) - len(qrFieldsAfter)
	for i, v := range values {
		name := "unit"
		switch {
		case i < len(qrFieldsBefore):
			name = qrFieldsBefore[i]
		case i >= len(qrFieldsBefore)+nUnits:
			name = qrFieldsAfter[i-len(qrFieldsBefore)-nUnits]
		}
		b.WriteString(name + ": " + v + "\n")
	}
	payload = b.String()
	if _, err := ParsePayload(payload); err != nil {
		return "", "", fmt.Errorf("certificate token: %w", err)
	}
	return payload, parts[2], nil
}

// CheckVerifyURL says what is wrong with a verification address: it must be
// an absolute http(s) address with no fragment, since the QR code appends
// its own after '#'. An empty address is allowed (no page).
func CheckVerifyURL(u string) error {
	if u == "" {
		return nil
	}
	pu, err := url.Parse(u)
	switch {
	case err != nil:
		return fmt.Errorf("verification address %q: %v: %w", u, err, ErrInvalid)
	case pu.Scheme != "https" && pu.Scheme != "http", pu.Host == "":
		return fmt.Errorf("verification address %q: want an address starting https:// and naming a host: %w", u, ErrInvalid)
	case strings.Contains(u, "#"):
		return fmt.Errorf("verification address %q: must not hold '#', which the QR code adds: %w", u, ErrInvalid)
	case strings.ContainsAny(u, " \t\r\n"):
		return fmt.Errorf("verification address %q: must not hold spaces: %w", u, ErrInvalid)
	}
	return nil
}

// Verification is what checking a certificate found.
type Verification struct {
	Fields  CertFields
	Code    string
	Status  string // valid, revoked or invalid
	Reason  string // why invalid, or the revocation reason
	Revoked string // when revoked
	Checked string // what was checked against: database or key
}

// Verification statuses.
const (
	StatusValid   = "valid"
	StatusRevoked = "revoked"
	StatusInvalid = "invalid"
)

// VerifyOffline checks a payload and code against a public key alone, as
// `verify --key` does: it cannot know of revocation.
func VerifyOffline(pub ed25519.PublicKey, payload, code string) Verification {
	v := Verification{Code: NormaliseCode(code), Checked: "public key (revocation needs the database)"}
	f, err := ParsePayload(payload)
	v.Fields = f
	switch {
	case err != nil:
		v.Status, v.Reason = StatusInvalid, err.Error()
	case !VerifyCode(pub, payload, code):
		v.Status, v.Reason = StatusInvalid, "the verification code does not match the certificate's fields (changed or forged)"
	default:
		v.Status = StatusValid
	}
	return v
}

// CertSelection chooses people as `cascade certificates` does; zero fields
// match everyone, and an empty Kind means every kind.
type CertSelection struct {
	Cohort int    // cohort number
	Host   string // host organisation name (a trainer's organisation for trainers)
	Person string // email
	Kind   string
}

// Candidate is one person in a selection for one kind of certificate, with
// whether they are eligible and, when not, why.
type Candidate struct {
	Kind     string
	PersonID int64
	Name     string
	Email    string
	Role     string // senior or volunteer for organisers
	Cohort   string
	Host     string
	Eligible bool
	Why      string     // why not eligible
	Units    []CertUnit // achieved units, for the units kind
	// Qualified names the qualifications whose rules of combination the
	// units meet, from the shared progress function (units kind).
	Qualified []string
	Existing  *Certificate
}

// Achievement names what a certificate to this candidate would certify.
func (c Candidate) Achievement() string { return AchievementKey(c.Kind, c.Units) }

// Reprint reports whether issuing to this candidate reprints what they hold
// (a COPY): a certificate issued but never delivered prints as an original.
func (c Candidate) Reprint() bool {
	if c.Existing == nil || !c.Existing.Delivered() {
		return false
	}
	if c.Kind != KindUnits {
		return true
	}
	// A units certificate names its units: once more are achieved, a new
	// certificate is issued and the earlier one stays a true record.
	return sameUnits(c.Existing.Fields.Units, c.Units)
}

func sameUnits(a, b []CertUnit) bool {
	return slices.EqualFunc(a, b, func(x, y CertUnit) bool { return x.Code == y.Code })
}

// CertificateSettings are the settings a certificate prints.
type CertificateSettings struct {
	Centre     string
	Signatory1 string
	Signatory2 string
	Logo       string
	OCN        string
	Programme  string
	VerifyURL  string // setting verify.url: the verification page's address, '' for none
}

// where is the SQL condition for an organiser selection over people p,
// cohorts c and hosts h, naming only what is set: "anything or this person"
// written as one OR keeps SQLite from using the email index, so issuing one
// person's certificate read every organiser.
func (sel CertSelection) Where() (string, []any) {
	conds := []string{"1 = 1"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if sel.Cohort != 0 {
		add("c.number = $%d", sel.Cohort)
	}
	if sel.Host != "" {
		add("lower(h.name) = lower($%d)", sel.Host)
	}
	if sel.Person != "" {
		add("lower(p.email) = lower($%d)", sel.Person)
	}
	return strings.Join(conds, " AND "), args
}

// IssueOptions tunes IssueCertificates.
type IssueOptions struct {
	On string // issue date, ISO; today (UTC) when empty
	// Progress, when set, is told after each certificate is written inside
	// the transaction.
	Progress func(done, total int)
}

// Issued is one certificate that IssueCertificates issued or reprinted.
type Issued struct {
	Certificate
	// Reprint marks a certificate already delivered: it prints as a COPY.
	// One issued earlier but never delivered prints as an original.
	Reprint bool
	// Earlier marks a certificate issued before this run (a reprint, or
	// one never delivered), so it is not counted as newly issued.
	Earlier bool
}
