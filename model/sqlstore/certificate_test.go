package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"strings"
	"testing"
)

// certFixture is a small programme: one cohort and host, organisers in every
// state, modules, units and trainers, with names in every script.
type certFixture struct {
	s    *Store
	ctx  context.Context
	lead model.User // the training lead who issues and revokes
}

func newCertFixture(t *testing.T) certFixture {
	t.Helper()
	s := newTestStore(t)
	ctx := context.Background()
	now := model.Now()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if !strings.Contains(q, "RETURNING") {
			q += " RETURNING id"
		}
		if err := s.db.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	cohort := exec(`INSERT INTO cohorts (number, created_at) VALUES (3, $1)`, now)
	host := exec(`INSERT INTO hosts (name, region, cohort_id, created_at) VALUES ('Ceredigion Rural Trust', 'Wales', $1, $2)`, cohort, now)
	person := func(given, family, email string) int64 {
		return exec(`INSERT INTO people (given_name, family_name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`, given, family, email, now)
	}
	org := func(p int64, status string) int64 {
		return exec(`INSERT INTO organisers (person_id, role, host_id, cohort_id, status, created_at, updated_at) VALUES ($1, 'senior', $2, $3, $4, $5, $5)`,
			p, host, cohort, status, now)
	}
	var mods []int64
	for i, m := range []string{"M1", "M2"} {
		mods = append(mods, exec(`INSERT INTO modules (code, title, position) VALUES ($1, $1, $2)`, m, i))
	}
	unit := exec(`INSERT INTO units (code, title, level, credits) VALUES ('CO201', 'Systematic listening', 2, 3)`)
	unit2 := exec(`INSERT INTO units (code, title, level, credits) VALUES ('CO301', 'Collective action', 3, 6)`)
	user := exec(`INSERT INTO users (username, display_name, role, active_since, created_at) VALUES ('a1', 'Assessor One', 'assessor', $1, $1)`, now)

	org(person("Zoë", "Hart", "zoe@example.org"), "completed")
	lukasz := org(person("Łukasz", "Nowak", "lukasz@example.org"), "active")
	for _, m := range mods {
		exec(`INSERT INTO module_completions (organiser_id, module_id, completed_on) VALUES ($1, $2, '2013-05-01') RETURNING 0`, lukasz, m)
	}
	org(person("Aoife", "Ó Súilleabháin", "aoife@example.org"), "active") // one module short: not eligible
	withdrawn := org(person("Ŵyn", "Jones", "wyn@example.org"), "withdrawn")
	sofia := org(person("Σοφία", "Παπαδοπούλου", "sofia@example.org"), "completed")
	for _, o := range []int64{sofia, withdrawn} {
		ev := exec(`INSERT INTO evidence_items (organiser_id, kind, title, evidence_on, created_at) VALUES ($1, 'product', 'x', '2013-01-01', $2)`, o, now)
		dec := exec(`INSERT INTO assessment_decisions (evidence_id, organiser_id, assessor_id, outcome, decided_on, created_at) VALUES ($1, $2, $3, 'achieved', '2013-02-01', $4)`, ev, o, user, now)
		exec(`INSERT INTO unit_achievements (organiser_id, unit_id, decision_id, assessor_id, achieved_on) VALUES ($1, $2, $3, $4, '2013-02-01') RETURNING 0`, o, unit, dec, user)
		if o == sofia {
			exec(`INSERT INTO unit_achievements (organiser_id, unit_id, decision_id, assessor_id, achieved_on) VALUES ($1, $2, $3, $4, '2013-03-01') RETURNING 0`, o, unit2, dec, user)
		}
	}
	tr := func(p int64, status string) int64 {
		return exec(`INSERT INTO trainers (person_id, organisation, status, created_at) VALUES ($1, 'Trafford Hall', $2, $3)`, p, status, now)
	}
	tr(person("Дмитрий", "Иванов", "dmitry@example.org"), "accredited")
	tr(person("Nguyễn", "Thị Lan", "lan@example.org"), "active")
	tr(person("Sam", "Lapsed", "sam@example.org"), "lapsed")
	return certFixture{s, ctx, namedUser(t, s, "lead1", model.RoleLead)}
}

func eligibleNames(cs []model.Candidate, kind string) []string {
	var out []string
	for _, c := range cs {
		if c.Kind == kind && c.Eligible {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestCandidatesFollowTheRules(t *testing.T) {
	f := newCertFixture(t)
	cs, err := f.s.Candidates(f.ctx, model.CertSelection{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind string
		want string
	}{
		// completed by status (Zoë, Σοφία) or by every module (Łukasz); never withdrawn.
		{model.KindCompletion, "Zoë Hart|Łukasz Nowak|Σοφία Παπαδοπούλου"},
		// any achieved unit, withdrawn or not.
		{model.KindUnits, "Ŵyn Jones|Σοφία Παπαδοπούλου"},
		{model.KindTrainer, "Nguyễn Thị Lan|Дмитрий Иванов"},
	}
	for _, c := range cases {
		got := strings.Join(eligibleNames(cs, c.kind), "|")
		if got != c.want {
			t.Errorf("eligible %s = %q; want %q", c.kind, got, c.want)
		}
	}
	for _, c := range cs {
		if !c.Eligible && c.Why == "" {
			t.Errorf("%s %s not eligible without a reason", c.Kind, c.Name)
		}
	}
	one, err := f.s.Candidates(f.ctx, model.CertSelection{Person: "ZOE@example.org", Kind: model.KindCompletion})
	if err != nil || len(one) != 1 || one[0].Name != "Zoë Hart" {
		t.Errorf("Candidates(person) = %v, %v; want Zoë alone", one, err)
	}
	if _, err := f.s.Candidates(f.ctx, model.CertSelection{Kind: "diploma"}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("Candidates(kind diploma) = %v; want ErrInvalid", err)
	}
}

func issueAll(t *testing.T, f certFixture, sel model.CertSelection) []model.Issued {
	t.Helper()
	cs, err := f.s.Candidates(f.ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.s.IssueCertificates(f.ctx, f.lead, cs, model.IssueOptions{On: "2013-07-01"})
	if err != nil {
		t.Fatalf("IssueCertificates: %v", err)
	}
	return out
}

// deliver records that these certificates' PDFs are in place, as a print
// run does once it has written them.
func deliver(t *testing.T, f certFixture, issued []model.Issued) {
	t.Helper()
	numbers := make([]string, len(issued))
	for i, c := range issued {
		numbers[i] = c.Number
	}
	if err := f.s.MarkDelivered(f.ctx, f.lead, numbers); err != nil {
		t.Fatalf("MarkDelivered: %v", err)
	}
}

func TestIssueNumbersSignsAndReprints(t *testing.T) {
	f := newCertFixture(t)
	first := issueAll(t, f, model.CertSelection{})
	if len(first) != 7 {
		t.Fatalf("issued %d; want 7", len(first))
	}
	want := map[string]bool{"CO-2013-000001": true, "CO-2013-000003": true, "CU-2013-000002": true, "CT-2013-000001": true}
	pub, _ := f.s.PublicKey(f.ctx)
	for _, c := range first {
		delete(want, c.Number)
		if c.Reprint || c.IssuedBy != "lead1" || !model.VerifyCode(pub, c.Payload, c.Code) {
			t.Errorf("%s: reprint=%v issued_by=%q signature ok=%v", c.Number, c.Reprint, c.IssuedBy, model.VerifyCode(pub, c.Payload, c.Code))
		}
	}
	if len(want) > 0 {
		t.Errorf("numbers missing: %v", want)
	}
	// Not yet delivered (no PDF was written): the next run prints the same
	// certificates again as originals.
	undelivered := issueAll(t, f, model.CertSelection{})
	for i, c := range undelivered {
		if c.Reprint || !c.Earlier || c.Number != first[i].Number {
			t.Errorf("run before delivery %d: %s reprint=%v earlier=%v; want %s again as an original", i, c.Number, c.Reprint, c.Earlier, first[i].Number)
		}
	}
	deliver(t, f, first)
	again := issueAll(t, f, model.CertSelection{})
	for i, c := range again {
		if !c.Reprint || c.Number != first[i].Number || c.Code != first[i].Code {
			t.Errorf("second run %d: %s reprint=%v; want reprint of %s", i, c.Number, c.Reprint, first[i].Number)
		}
	}
	var n int
	f.s.db.QueryRow(`SELECT count(*) FROM certificates`).Scan(&n)
	if n != 7 {
		t.Errorf("certificates after reprint = %d; want 7", n)
	}
	issues, _ := f.s.AuditLog(f.ctx, model.AuditFilter{Entity: "certificate", Action: "issue"})
	reprints, _ := f.s.AuditLog(f.ctx, model.AuditFilter{Entity: "certificate", Action: "reprint"})
	prints, _ := f.s.AuditLog(f.ctx, model.AuditFilter{Entity: "certificate", Action: "print"})
	delivers, _ := f.s.AuditLog(f.ctx, model.AuditFilter{Entity: "certificate", Action: "deliver"})
	if len(issues) != 7 || len(reprints) != 7 || len(prints) != 7 || len(delivers) != 7 || issues[0].Actor != "lead1" {
		t.Errorf("audit: %d issues, %d reprints, %d prints, %d deliveries; want 7 of each by lead1",
			len(issues), len(reprints), len(prints), len(delivers))
	}
}

func TestVerifyAndRevoke(t *testing.T) {
	f := newCertFixture(t)
	c := issueAll(t, f, model.CertSelection{Person: "sofia@example.org", Kind: model.KindUnits})[0]
	if c.Fields.Credits != 9 || len(c.Fields.Units) != 2 {
		t.Errorf("units certificate: %d credits, %d units; want 9 and 2", c.Fields.Credits, len(c.Fields.Units))
	}
	v, err := f.s.VerifyCertificate(f.ctx, c.Number, model.GroupCode(strings.ToLower(c.Code)), "")
	if err != nil || v.Status != model.StatusValid || v.Fields.Name != "Σοφία Παπαδοπούλου" {
		t.Fatalf("verify good = %+v, %v; want valid", v, err)
	}
	// One character changed in the code, then in the signed fields.
	bad := []byte(c.Code)
	bad[10] = map[bool]byte{true: 'B', false: 'A'}[bad[10] == 'A']
	if v, _ := f.s.VerifyCertificate(f.ctx, c.Number, string(bad), ""); v.Status != model.StatusInvalid {
		t.Errorf("verify changed code = %s; want invalid", v.Status)
	}
	forged := strings.Replace(c.Payload, "credits: 9", "credits: 8", 1)
	if v, _ := f.s.VerifyCertificate(f.ctx, c.Number, c.Code, forged); v.Status != model.StatusInvalid {
		t.Errorf("verify changed fields = %s; want invalid", v.Status)
	}
	if v := model.VerifyOffline(pub(t, f), forged, c.Code); v.Status != model.StatusInvalid {
		t.Errorf("offline verify changed fields = %s; want invalid", v.Status)
	}
	if v := model.VerifyOffline(pub(t, f), c.Payload, c.Code); v.Status != model.StatusValid {
		t.Errorf("offline verify = %s (%s); want valid", v.Status, v.Reason)
	}
	if v, _ := f.s.VerifyCertificate(f.ctx, "CU-2013-999999", c.Code, ""); v.Status != model.StatusInvalid {
		t.Errorf("verify unknown number = %s; want invalid", v.Status)
	}

	if err := f.s.Revoke(f.ctx, f.lead, c.Number, "  "); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("Revoke without reason = %v; want ErrInvalid", err)
	}
	if err := f.s.Revoke(f.ctx, f.lead, c.Number, "issued in error"); err != nil {
		t.Fatal(err)
	}
	v, _ = f.s.VerifyCertificate(f.ctx, c.Number, c.Code, "")
	if v.Status != model.StatusRevoked || v.Reason != "issued in error" || v.Revoked == "" {
		t.Errorf("verify revoked = %+v; want revoked with reason", v)
	}
	if err := f.s.Revoke(f.ctx, f.lead, c.Number, "again"); err == nil {
		t.Error("second Revoke succeeded; want refusal")
	}
	if _, err := f.s.Reprint(f.ctx, f.lead, c.Number); err == nil {
		t.Error("Reprint of a revoked certificate succeeded")
	}
	// Revoked, the person is issued a new certificate with a new number.
	next := issueAll(t, f, model.CertSelection{Person: "sofia@example.org", Kind: model.KindUnits})[0]
	if next.Reprint || next.Number == c.Number {
		t.Errorf("after revoke: %s reprint=%v; want a new number", next.Number, next.Reprint)
	}
}

func pub(t *testing.T, f certFixture) []byte {
	k, err := f.s.PublicKey(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestIssuedCertificatesAreLocked(t *testing.T) {
	f := newCertFixture(t)
	c := issueAll(t, f, model.CertSelection{Person: "zoe@example.org", Kind: model.KindCompletion})[0]
	for _, q := range []string{
		`UPDATE certificates SET holder_name = 'Zoe Hart' WHERE id = $1`,
		`UPDATE certificates SET payload = payload || 'x' WHERE id = $1`,
		`UPDATE certificates SET kind = 'trainer' WHERE id = $1`,
		`UPDATE certificates SET revoked_at = '2013-08-01T00:00:00Z' WHERE id = $1`, // no reason
		`DELETE FROM certificates WHERE id = $1`,
	} {
		if _, err := f.s.db.ExecContext(f.ctx, q, c.ID); err == nil {
			t.Errorf("%s succeeded; want the trigger to refuse", q)
		}
	}
}

func TestPublicKeyPEMRoundTrip(t *testing.T) {
	f := newCertFixture(t)
	k, _ := f.s.PublicKey(f.ctx)
	pem, err := model.EncodePublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := model.DecodePublicKey(pem)
	if err != nil || !back.Equal(k) {
		t.Errorf("DecodePublicKey = %v; want the same key", err)
	}
	if _, err := model.DecodePublicKey([]byte("not a key")); err == nil {
		t.Error("DecodePublicKey(garbage) succeeded")
	}
}

// TestUnitsCertificateNamesQualificationsFromProgress checks the units
// certificate and the shared progress function agree on the demo.
func TestUnitsCertificateNamesQualificationsFromProgress(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	cs, err := s.Candidates(ctx, model.CertSelection{Cohort: 1, Kind: model.KindUnits})
	if err != nil {
		t.Fatal(err)
	}
	progress, err := s.ProgressOf(ctx, model.ProgressFilter{Cohort: 1})
	if err != nil {
		t.Fatal(err)
	}
	eligible := map[string]bool{}
	for _, p := range progress {
		if p.Eligible {
			eligible[p.Email] = true
		}
	}
	named := 0
	for _, c := range cs {
		if (len(c.Qualified) > 0) != eligible[c.Email] {
			t.Errorf("%s: certificate names %v; progress says eligible=%v", c.Email, c.Qualified, eligible[c.Email])
		}
		if len(c.Qualified) > 0 {
			named++
			if !strings.Contains(certifies(c, model.CertificateSettings{}), "meeting the requirements of the Level 3 Certificate") {
				t.Errorf("%s: certifies %q; want the qualification named", c.Email, certifies(c, model.CertificateSettings{}))
			}
		}
	}
	if named == 0 {
		t.Error("no cohort 1 learner's units certificate names a qualification; the demo has eligible learners")
	}
}

// TestIssueToOnePersonTwiceReprints checks the one-person look-up finds the
// certificate already held, whatever the case of the email given.
func TestIssueToOnePersonTwiceReprints(t *testing.T) {
	f := newCertFixture(t)
	first := issueAll(t, f, model.CertSelection{Person: "zoe@example.org", Kind: model.KindCompletion})[0]
	deliver(t, f, []model.Issued{first})
	again := issueAll(t, f, model.CertSelection{Person: "ZOE@Example.org", Kind: model.KindCompletion})[0]
	if !again.Reprint || again.Number != first.Number {
		t.Errorf("second issue to one person = %s reprint=%v; want a reprint of %s", again.Number, again.Reprint, first.Number)
	}
}
