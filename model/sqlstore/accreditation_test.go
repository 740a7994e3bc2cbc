package sqlstore

import (
	"cascade/model"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accredFixture is a small programme: a catalogue, one user per role, and a
// learner registered for the qualification.
type accredFixture struct {
	s                                               *Store
	admin, lead, assessor, assessor2, verifier, mod model.User
	learner                                         int64
	crit                                            map[string]int64 // "U1 1.1" → id
}

func newAccredFixture(t *testing.T) *accredFixture {
	t.Helper()
	ctx := context.Background()
	f := &accredFixture{s: newTestStore(t), crit: map[string]int64{}}
	var c model.Catalogue
	if err := json.Unmarshal([]byte(fixtureCatalogue), &c); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.ImportCatalogue(ctx, model.LocalUser(), c); err != nil {
		t.Fatalf("ImportCatalogue: %v", err)
	}
	var err error
	if f.admin, err = f.s.CreateFirstAdmin(ctx, model.NewUser{Username: "admin", DisplayName: "Ada Admin", Role: "", Password: "password1"}); err != nil {
		t.Fatal(err)
	}
	mk := func(name, role string) model.User {
		u, err := f.s.CreateUser(ctx, f.admin, model.NewUser{Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:], Role: role, Password: "password1"})
		if err != nil {
			t.Fatalf("CreateUser %s: %v", name, err)
		}
		return u
	}
	f.lead, f.assessor, f.assessor2, f.verifier, f.mod = mk("lead", model.RoleLead), mk("assessor", model.RoleAssessor),
		mk("assessor2", model.RoleAssessor), mk("verifier", model.RoleVerifier), mk("moderator", model.RoleModerator)
	db := f.s.DB()
	now := model.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO cohorts (id, number, created_at) VALUES (1, 1, $1)`, now)
	exec(`INSERT INTO hosts (id, name, cohort_id, created_at) VALUES (1, '=Host Trust', 1, $1)`, now)
	exec(`INSERT INTO people (id, given_name, family_name, email, uln, created_at, updated_at) VALUES (1, 'Zoë', 'Łukasz', 'zoe@example.org', '1234567890', $1, $1)`, now)
	exec(`INSERT INTO organisers (id, person_id, role, host_id, cohort_id, created_at, updated_at) VALUES (1, 1, 'senior', 1, 1, $1, $1)`, now)
	exec(`INSERT INTO registrations (organiser_id, qualification_id, registration_number, registered_on) VALUES (1, (SELECT id FROM qualifications WHERE code = 'Q'), 'REG-1', '2012-01-01')`)
	f.learner = 1
	rows, err := db.QueryContext(ctx, `SELECT u.code || ' ' || c.number, c.id FROM criteria c JOIN units u ON u.id = c.unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		rows.Scan(&k, &id)
		f.crit[k] = id
	}
	return f
}

func (f *accredFixture) evidence(t *testing.T, crit ...string) int64 {
	t.Helper()
	var ids []int64
	for _, c := range crit {
		ids = append(ids, f.crit[c])
	}
	id, err := f.s.AddEvidence(context.Background(), f.lead, model.EvidenceItem{OrganiserID: f.learner, Kind: "reflective_account",
		Title: "Account", EvidenceOn: "2012-03-01", CriterionIDs: ids}, true)
	if err != nil {
		t.Fatalf("AddEvidence: %v", err)
	}
	return id
}

func (f *accredFixture) decide(t *testing.T, by model.User, evidence int64, outcomes map[string]string) (int64, error) {
	t.Helper()
	d := model.DecisionDraft{EvidenceID: evidence, Outcomes: map[int64]string{}, Feedback: "ok", DecidedOn: "2012-03-10"}
	for k, v := range outcomes {
		d.Outcomes[f.crit[k]] = v
	}
	return f.s.RecordDecision(context.Background(), by, d)
}

func TestSeparationOfDutiesInModel(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev := f.evidence(t, "U2 1.1")
	// An administrator may do everything; the others who are not assessors may not decide.
	for _, u := range []model.User{f.mod, f.verifier, f.lead} {
		if _, err := f.decide(t, u, ev, map[string]string{"U2 1.1": model.OutcomeAchieved}); !errors.Is(err, model.ErrPermission) {
			t.Errorf("RecordDecision by %s = %v; want ErrPermission", u.Role, err)
		}
	}
	if _, err := f.s.AddEvidence(ctx, f.mod, model.EvidenceItem{OrganiserID: 1, Kind: "product", Title: "x", EvidenceOn: "2012-01-01",
		CriterionIDs: []int64{f.crit["U2 1.1"]}}, true); !errors.Is(err, model.ErrPermission) {
		t.Errorf("AddEvidence by moderator = %v; want ErrPermission", err)
	}
	if _, err := f.s.CreateUser(ctx, f.lead, model.NewUser{Username: "x", DisplayName: "X", Role: model.RoleAdmin, Password: "password1"}); !errors.Is(err, model.ErrPermission) {
		t.Errorf("CreateUser by lead = %v; want ErrPermission", err)
	}
	if _, _, err := f.s.CreateClaim(ctx, f.mod, 1, "Q"); !errors.Is(err, model.ErrPermission) {
		t.Errorf("CreateClaim by moderator = %v; want ErrPermission", err)
	}
	// The assessor decides, then is made a verifier: they still may never
	// sample or verify their own decision.
	dec, err := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved})
	if err != nil {
		t.Fatalf("RecordDecision: %v", err)
	}
	if _, err := f.s.SampleDecision(ctx, f.assessor, dec); !errors.Is(err, model.ErrPermission) {
		t.Errorf("SampleDecision by an assessor = %v; want ErrPermission", err)
	}
	if err := f.s.SetUserRole(ctx, f.admin, f.assessor.ID, model.RoleVerifier); err != nil {
		t.Fatal(err)
	}
	former, _ := f.s.UserByID(ctx, f.assessor.ID)
	if _, err := f.s.SampleDecision(ctx, former, dec); !errors.Is(err, model.ErrPermission) {
		t.Errorf("SampleDecision of own decision = %v; want ErrPermission", err)
	}
	if n, err := f.s.DrawSample(ctx, former, 1); err != nil || n != 0 {
		t.Errorf("DrawSample by the decision's assessor = %d, %v; want 0 sampled", n, err)
	}
	sample, err := f.s.SampleDecision(ctx, f.verifier, dec)
	if err != nil {
		t.Fatalf("SampleDecision: %v", err)
	}
	if err := f.s.VerifySample(ctx, former, sample, model.SampleAgreed, ""); !errors.Is(err, model.ErrPermission) {
		t.Errorf("VerifySample of own decision = %v; want ErrPermission", err)
	}
	if err := f.s.VerifySample(ctx, f.mod, sample, model.SampleAgreed, ""); !errors.Is(err, model.ErrPermission) {
		t.Errorf("VerifySample by moderator = %v; want ErrPermission", err)
	}
	if err := f.s.VerifySample(ctx, f.verifier, sample, model.SampleAgreed, ""); err != nil {
		t.Errorf("VerifySample by another verifier: %v", err)
	}
}

func TestDecisionHistoryAndUnitAchievement(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	part1 := f.evidence(t, "U1 1.1", "U1 1.2")
	part2 := f.evidence(t, "U1 2.1")
	if q, _ := f.s.AssessorQueue(ctx, model.QueueFilter{}); len(q) != 2 || q[0].EvidenceID != part1 || q[0].UnitCode != "U1" {
		t.Fatalf("AssessorQueue = %+v; want both items, oldest first, unit U1", q)
	}
	if _, err := f.decide(t, f.assessor, part1, map[string]string{"U1 1.1": model.OutcomeAchieved}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("decision missing a criterion = %v; want ErrInvalid", err)
	}
	if _, err := f.decide(t, f.assessor, part1, map[string]string{"U1 1.1": model.OutcomeAchieved, "U1 1.2": model.OutcomeNotYet}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.decide(t, f.assessor, part1, map[string]string{"U1 1.1": model.OutcomeAchieved, "U1 1.2": model.OutcomeAchieved}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("deciding referred evidence before resubmission = %v; want ErrInvalid", err)
	}
	if err := f.s.SubmitEvidence(ctx, f.lead, part1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.decide(t, f.assessor2, part1, map[string]string{"U1 1.1": model.OutcomeAchieved, "U1 1.2": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	hist, err := f.s.Decisions(ctx, part1)
	if err != nil || len(hist) != 2 || hist[0].Outcome != model.OutcomeNotYet || hist[1].Attempt != 2 || hist[1].SupersedesID != hist[0].ID {
		t.Fatalf("Decisions = %+v, %v; want two, the second superseding the first", hist, err)
	}
	lp, _ := f.s.LearnerProgress(ctx, f.learner)
	if len(lp) != 1 || lp[0].Credits != 0 {
		t.Fatalf("progress before every criterion is achieved = %+v; want 0 credits", lp)
	}
	if _, err := f.decide(t, f.assessor, part2, map[string]string{"U1 2.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	lp, _ = f.s.LearnerProgress(ctx, f.learner)
	if len(lp) != 1 || lp[0].Credits != 3 || lp[0].Eligible || lp[0].Size != "Award" {
		t.Fatalf("progress after U1 = %+v; want 3 credits, not eligible, Award", lp)
	}
	cov, _ := f.s.Coverage(ctx, f.learner)
	states := map[string]model.CoverageState{}
	for _, c := range cov {
		states[c.UnitCode+" "+c.Criterion.Number] = c.State
	}
	if states["U1 1.2"] != model.CoverageAchieved || states["U2 1.1"] != model.CoverageMissing {
		t.Errorf("Coverage = %v; want U1 1.2 achieved, U2 1.1 missing", states)
	}
	if q, _ := f.s.AssessorQueue(ctx, model.QueueFilter{}); len(q) != 0 {
		t.Errorf("AssessorQueue after decisions = %d items; want 0", len(q))
	}
	counts := auditCounts(t, f.s)
	if counts["decide"] != 3 || counts["achieve"] != 1 || counts["submit"] != 1 || counts["create evidence"] != 2 {
		t.Errorf("audit counts = %v; want 3 decide, 1 achieve, 1 submit, 2 create evidence", counts)
	}
}

func auditCounts(t *testing.T, s *Store) map[string]int {
	t.Helper()
	entries, err := s.AuditLog(context.Background(), model.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range entries {
		out[e.Action]++
		out[e.Action+" "+e.Entity]++
	}
	return out
}

func TestSentBackReturnsToQueueAndBlocksClaim(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev := f.evidence(t, "U2 1.1")
	dec, err := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := f.s.SampleDecision(ctx, f.verifier, dec)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing else is claimable, so no claim is made; the problem says why.
	_, problems, err := f.s.CreateClaim(ctx, f.lead, 1, "Q")
	if !errors.Is(err, model.ErrInvalid) || len(problems) != 1 || !strings.Contains(problems[0].Reason, "not yet agreed") {
		t.Fatalf("CreateClaim with a pending sample = %v, %v; want ErrInvalid and one problem, not yet agreed", problems, err)
	}
	if err := f.s.VerifySample(ctx, f.verifier, sample, model.SampleSentBack, ""); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("send back without actions = %v; want ErrInvalid", err)
	}
	if err := f.s.VerifySample(ctx, f.verifier, sample, model.SampleSentBack, "Say how 1.1 was met"); err != nil {
		t.Fatal(err)
	}
	q, _ := f.s.AssessorQueue(ctx, model.QueueFilter{Unit: "U2"})
	if len(q) != 1 || q[0].EvidenceID != ev || q[0].SentBack != "Say how 1.1 was met" {
		t.Fatalf("AssessorQueue after send back = %+v; want the evidence with the actions", q)
	}
	if _, err := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	if q, _ := f.s.AssessorQueue(ctx, model.QueueFilter{}); len(q) != 0 {
		t.Errorf("AssessorQueue after re-decision = %+v; want empty", q)
	}
	// However a sent-back sample is written (the demo inserts them), the
	// evidence goes back in the queue.
	last, _ := f.s.Decisions(ctx, ev)
	if _, err := f.s.DB().ExecContext(ctx, `INSERT INTO iv_samples (decision_id, verifier_id, sampled_on, outcome, actions, verified_on, created_at)
		VALUES ($1, $2, '2012-04-01', 'sent_back', 'Date the account', '2012-04-02', $3)`, last[len(last)-1].ID, f.verifier.ID, model.Now()); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.QueueLength(ctx); n != 1 {
		t.Errorf("QueueLength after a sent-back insert = %d; want 1", n)
	}
	if q, _ := f.s.AssessorQueue(ctx, model.QueueFilter{Limit: 10}); len(q) != 1 || q[0].SentBack != "Date the account" || q[0].WaitingFrom != "2012-04-02T00:00:00Z" {
		t.Errorf("AssessorQueue = %+v; want the evidence, waiting from the send-back", q)
	}
	if _, err := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DrawSample(ctx, f.verifier, 1); err != nil {
		t.Fatalf("DrawSample: %v", err)
	}
	m, err := f.s.CoverageMatrix(ctx, 1)
	if err != nil || len(m) != 1 || m[0].Decisions != 3 || m[0].Sampled < 1 {
		t.Errorf("CoverageMatrix = %+v, %v; want Assessor×U2 with 3 decisions, sampled", m, err)
	}
}

func TestClaimLockingAndCorrection(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev := f.evidence(t, "U2 1.1")
	if _, err := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved}); err != nil {
		t.Fatal(err)
	}
	c, problems, err := f.s.CreateClaim(ctx, f.lead, 1, "Q")
	if err != nil || len(problems) != 0 || c.Lines != 1 || c.Credits != 6 {
		t.Fatalf("CreateClaim = %+v, %v, %v; want 1 line of 6 credits", c, problems, err)
	}
	if err := f.s.SubmitClaim(ctx, f.lead, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RemoveClaimLine(ctx, f.lead, c.ID, f.learner, "U2"); !errors.Is(err, model.ErrLocked) {
		t.Errorf("RemoveClaimLine on a submitted claim = %v; want ErrLocked", err)
	}
	if _, err := f.s.DB().ExecContext(ctx, `UPDATE claims SET reference = 'X' WHERE id = $1`, c.ID); err == nil {
		t.Error("the database let a submitted claim change")
	}
	if err := f.s.SubmitClaim(ctx, f.lead, c.ID); !errors.Is(err, model.ErrLocked) {
		t.Errorf("SubmitClaim twice = %v; want ErrLocked", err)
	}
	// The unit is claimed: no new claim carries it again.
	if again, _, err := f.s.CreateClaim(ctx, f.lead, 1, "Q"); !errors.Is(err, model.ErrInvalid) || again.ID != 0 {
		t.Errorf("second claim = %+v, %v; want ErrInvalid and no claim", again, err)
	}
	fix, err := f.s.CorrectClaim(ctx, f.admin, c.ID)
	if err != nil || fix.CorrectsID != c.ID || fix.Reference != c.Reference+"-R1" {
		t.Fatalf("CorrectClaim = %+v, %v", fix, err)
	}
	// While the correction is a draft it holds the unit: still no new claim.
	if _, _, err := f.s.CreateClaim(ctx, f.lead, 1, "Q"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("a claim beside the correcting draft = %v; want ErrInvalid", err)
	}
	if err := f.s.RemoveClaimLine(ctx, f.admin, fix.ID, f.learner, "U2"); err != nil {
		t.Errorf("RemoveClaimLine on the correcting draft: %v", err)
	}
	orig, _ := f.s.ClaimLines(ctx, c.ID)
	if len(orig) != 1 || orig[0].ULN != "1234567890" || orig[0].RegistrationNumber != "REG-1" {
		t.Errorf("original claim lines = %+v; want unchanged", orig)
	}
	if n := auditCounts(t, f.s); n["claim"] != 2 || n["submit claim"] != 1 {
		t.Errorf("audit = %v; want 2 claim, 1 submit claim", n)
	}
	// Discarding the correcting draft frees nothing twice: the original stands again.
	if err := f.s.DiscardClaim(ctx, f.lead, c.ID); !errors.Is(err, model.ErrLocked) {
		t.Errorf("DiscardClaim on a submitted claim = %v; want ErrLocked", err)
	}
	if err := f.s.DiscardClaim(ctx, f.lead, fix.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ClaimByID(ctx, fix.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("the discarded draft is still there: %v", err)
	}
	if _, _, err := f.s.CreateClaim(ctx, f.lead, 1, "Q"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("a claim after discarding the correction = %v; want ErrInvalid (the original claims the unit)", err)
	}
	fix2, err := f.s.CorrectClaim(ctx, f.admin, c.ID)
	if err != nil || fix2.Reference != c.Reference+"-R1" {
		t.Errorf("correcting again after a discard = %+v, %v; want %s-R1", fix2, err, c.Reference)
	}
}

func TestClaimRefusesBadULN(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	f.s.DB().ExecContext(ctx, `UPDATE people SET uln = '12345' WHERE id = 1`)
	ev := f.evidence(t, "U2 1.1")
	f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved})
	c, problems, err := f.s.CreateClaim(ctx, f.lead, 1, "Q")
	if !errors.Is(err, model.ErrInvalid) || c.ID != 0 || len(problems) != 1 || !strings.Contains(problems[0].Reason, "ULN") {
		t.Errorf("CreateClaim with a 5-digit ULN = %+v, %v, %v; want the line refused for its ULN", c, problems, err)
	}
	for uln, want := range map[string]bool{"1234567890": true, "123456789": false, "12345678901": false, "123456789a": false, "": false} {
		if model.ValidULN(uln) != want {
			t.Errorf("ValidULN(%q) = %v; want %v", uln, !want, want)
		}
	}
}

func TestAccreditationReportStatuses(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	ev := f.evidence(t, "U2 1.1")
	dec, _ := f.decide(t, f.assessor, ev, map[string]string{"U2 1.1": model.OutcomeAchieved})
	sample, _ := f.s.SampleDecision(ctx, f.verifier, dec)
	f.s.VerifySample(ctx, f.verifier, sample, model.SampleAgreed, "")
	rows, err := f.s.AccreditationReport(ctx, 1)
	if err != nil || len(rows) != 2 {
		t.Fatalf("AccreditationReport = %+v, %v; want U1 and U2", rows, err)
	}
	if r := rows[0]; r.UnitCode != "U1" || r.Status != "not_started" || r.Assessor != "" || r.Verifier != "" {
		t.Errorf("U1 row = %+v; want not_started, no assessor", r)
	}
	if r := rows[1]; r.UnitCode != "U2" || r.Status != "achieved" || r.Assessor != "Assessor" || r.AssessedOn != "2012-03-10" ||
		r.Verifier != "Verifier" || r.VerifiedOn == "" || r.Cohort != 1 || r.Level != 3 || r.Host != "=Host Trust" {
		t.Errorf("U2 row = %+v; want achieved, assessed and verified", r)
	}
	f.evidence(t, "U1 1.1", "U1 1.2")
	rows, _ = f.s.AccreditationReport(ctx, 1)
	if rows[0].Status != "in_progress" {
		t.Errorf("U1 with evidence = %s; want in_progress", rows[0].Status)
	}
	if rows, _ := f.s.AccreditationReport(ctx, 2); len(rows) != 0 {
		t.Errorf("cohort 2 = %d rows; want 0", len(rows))
	}
}

func TestImportCatalogueAllOrNothing(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	var cat model.Catalogue
	json.Unmarshal([]byte(`{"units":[{"code":"U3","title":"New","level":1,"credits":1,"outcomes":[{"number":1,"text":"t","criteria":[{"number":"1.1","text":"c"}]}]},
		{"code":"U1","title":"Again","level":1,"credits":1,"outcomes":[{"number":1,"text":"t","criteria":[{"number":"1.1","text":"c"}]}]}]}`), &cat)
	_, _, err := f.s.ImportCatalogue(ctx, model.LocalUser(), cat)
	if err == nil || !strings.Contains(err.Error(), "units[1].code: unit U1 is already in the catalogue") {
		t.Fatalf("ImportCatalogue with U1 present = %v; want refused by name", err)
	}
	got, _ := f.s.LoadCatalogue(ctx)
	if len(got.Units) != 2 {
		t.Errorf("units after refused import = %d; want 2 (nothing added)", len(got.Units))
	}
	if len(got.Qualifications) != 1 || got.Qualifications[0].AtOrAbove == nil || got.Qualifications[0].Groups[1].MaxCredits == nil ||
		*got.Qualifications[0].Groups[1].MaxCredits != 12 {
		t.Errorf("qualification read back = %+v", got.Qualifications)
	}
}

func TestSignInAndFiles(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	if _, err := f.s.SignIn(ctx, "assessor", "wrong"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("SignIn wrong password = %v; want ErrSignIn", err)
	}
	if _, err := f.s.SignIn(ctx, "nobody", "password1"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("SignIn unknown = %v; want ErrSignIn", err)
	}
	u, err := f.s.SignIn(ctx, "ASSESSOR", "password1")
	if err != nil || u.ID != f.assessor.ID {
		t.Fatalf("SignIn = %+v, %v", u, err)
	}
	f.s.SetUserActive(ctx, f.admin, f.assessor.ID, false)
	if _, err := f.s.SignIn(ctx, "assessor", "password1"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("SignIn disabled = %v; want ErrSignIn", err)
	}
	// A file is stored once by its hash however often it is added.
	src := filepath.Join(t.TempDir(), "log.txt")
	os.WriteFile(src, []byte("twelve conversations; themes: parks"), 0o644)
	ev := f.evidence(t, "U1 1.1")
	a, err := f.s.AddEvidenceFile(ctx, f.lead, ev, src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.s.AddEvidenceFile(ctx, f.lead, ev, src)
	if err != nil || a.SHA256 != b.SHA256 {
		t.Fatalf("second add = %+v, %v", b, err)
	}
	data, err := readKept(t, f.s, a.SHA256)
	if err != nil || string(data) != "twelve conversations; themes: parks" {
		t.Errorf("stored file = %q, %v", data, err)
	}
	left, _ := filepath.Glob(filepath.Join(f.s.FilesDir(), ".incoming-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := f.s.AddEvidence(ctx, f.lead, model.EvidenceItem{OrganiserID: 1, Kind: "listening_log", Title: "Log", EvidenceOn: "2012-01-01",
		ListeningCount: 3, ListeningThemes: "housing; call Mrs P on 07700 900123", CriterionIDs: []int64{f.crit["U1 1.1"]}}, true); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("listening log with a phone number = %v; want ErrInvalid", err)
	}
}

// TestPlanRatesChangeAsANewPlan: verifiers change a cohort's sampling
// rates; the change is a new plan that Plan and DrawSample then use.
func TestPlanRatesChangeAsANewPlan(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	p, err := f.s.PlanRates(ctx, 1)
	if err != nil || p.BaseRate != model.DefaultBaseRate || p.NewAssessorRate != model.DefaultNewAssessorRate || p.ID != 0 {
		t.Fatalf("PlanRates with no plan = %+v, %v; want the defaults and no plan made", p, err)
	}
	if _, err := f.s.SetPlanRates(ctx, f.lead, 1, 15, 30); !errors.Is(err, model.ErrPermission) {
		t.Errorf("a training lead changed the plan: %v; want ErrPermission", err)
	}
	for _, r := range [][2]int{{0, 10}, {10, 101}, {30, 20}} {
		if _, err := f.s.SetPlanRates(ctx, f.verifier, 1, r[0], r[1]); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("rates %d%% and %d%%: %v; want ErrInvalid", r[0], r[1], err)
		}
	}
	if _, err := f.s.SetPlanRates(ctx, f.verifier, 99, 15, 30); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a plan for cohort 99: %v; want ErrNotFound", err)
	}
	got, err := f.s.SetPlanRates(ctx, f.verifier, 1, 15, 30)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := f.s.Plan(ctx, f.verifier, 1)
	if err != nil || plan.ID != got.ID || plan.BaseRate != 15 || plan.NewAssessorRate != 30 {
		t.Errorf("Plan after the change = %+v, %v; want plan %d at 15%% and 30%%", plan, err, got.ID)
	}
	log, _ := f.s.AuditLog(ctx, model.AuditFilter{Entity: "iv_plan", Action: "update"})
	if len(log) != 1 || !strings.Contains(log[0].Before, `"base_rate":10`) || !strings.Contains(log[0].After, `"base_rate":15`) {
		t.Errorf("audit of the change = %+v; want the rates before and after", log)
	}
}

// fixtureCatalogue is a small catalogue the tests import.
const fixtureCatalogue = `{"units":[
 {"code":"U1","title":"Listening","level":2,"credits":3,"guided_hours":24,"outcomes":[
   {"number":1,"text":"Plan listening","criteria":[{"number":"1.1","text":"Plan"},{"number":"1.2","text":"Record"}]},
   {"number":2,"text":"Reflect","criteria":[{"number":"2.1","text":"Reflect on it"}]}]},
 {"code":"U2","title":"Networks","level":3,"credits":6,"guided_hours":48,"outcomes":[
   {"number":1,"text":"Map","criteria":[{"number":"1.1","text":"Map a network"}]}]}],
 "qualifications":[{"code":"Q","title":"Certificate","level":3,"min_credits":9,
   "min_credits_at_or_above":{"level":3,"credits":6},
   "groups":[{"name":"Mandatory","mandatory":true,"min_credits":3,"max_credits":null,"units":["U1"]},
             {"name":"Optional","mandatory":false,"min_credits":6,"max_credits":12,"units":["U2"]}]}]}`
