package sqlstore

import (
	"cascade/model"
	"context"
	"testing"
)

// The done-when of the accreditation issue, on the demo, as its users: the
// lead adds evidence for a registered learner, the assessor decides, the
// verifier samples and agrees, the lead claims and submits.
func TestFullCycleOnTheDemo(t *testing.T) {
	ctx := context.Background()
	s := newDemoStore(t)
	_, demo := demoDB(t)
	signIn := func(name string) model.User {
		u, err := s.SignIn(ctx, name, demo.Password)
		if err != nil {
			t.Fatalf("SignIn %s: %v", name, err)
		}
		return u
	}
	// A senior of a cohort with no claim yet, registered for the certificate,
	// who has not achieved CO202.
	var org int64
	var cohort int
	err := s.db.QueryRowContext(ctx, `SELECT o.id, c.number FROM organisers o JOIN cohorts c ON c.id = o.cohort_id
		JOIN registrations r ON r.organiser_id = o.id JOIN qualifications q ON q.id = r.qualification_id AND q.code = 'COQ3C'
		JOIN people p ON p.id = o.person_id
		WHERE o.role = 'senior' AND length(p.uln) = 10 AND r.registration_number <> '' AND c.number >= 4
		  AND NOT EXISTS (SELECT 1 FROM unit_achievements a JOIN units u ON u.id = a.unit_id WHERE a.organiser_id = o.id AND u.code = 'CO202')
		ORDER BY o.id LIMIT 1`).Scan(&org, &cohort)
	if err != nil {
		t.Fatalf("no registered learner without CO202 in the demo: %v", err)
	}
	cat, _ := s.LoadCatalogue(ctx)
	var crit []int64
	for _, u := range cat.Units {
		if u.Code == "CO202" {
			for _, c := range u.Criteria() {
				crit = append(crit, c.ID)
			}
		}
	}
	lead := signIn("lead")
	ev, err := s.AddEvidence(ctx, lead, model.EvidenceItem{OrganiserID: org, Kind: "product", Title: "Network map", EvidenceOn: "2014-05-01", CriterionIDs: crit}, true)
	if err != nil {
		t.Fatal(err)
	}
	assessor := signIn("assessor3")
	d := model.DecisionDraft{EvidenceID: ev, Outcomes: map[int64]string{}, Feedback: "Clear map", DecidedOn: "2014-05-10"}
	for _, c := range crit {
		d.Outcomes[c] = model.OutcomeAchieved
	}
	dec, err := s.RecordDecision(ctx, assessor, d)
	if err != nil {
		t.Fatal(err)
	}
	verifier := signIn("verifier")
	sample, err := s.SampleDecision(ctx, verifier, dec)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.VerifySample(ctx, verifier, sample, model.SampleAgreed, ""); err != nil {
		t.Fatal(err)
	}
	lead = signIn("lead")
	claim, _, err := s.CreateClaim(ctx, lead, cohort, "COQ3C")
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := s.ClaimLines(ctx, claim.ID)
	found := false
	for _, l := range lines {
		found = found || (l.OrganiserID == org && l.UnitCode == "CO202")
	}
	if !found {
		t.Fatalf("claim %s lacks the learner's new CO202 (%d lines)", claim.Reference, len(lines))
	}
	if err := s.SubmitClaim(ctx, lead, claim.ID); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.AccreditationReport(ctx, cohort)
	for _, r := range rows {
		if r.UnitCode == "CO202" && r.AssessedOn == "2014-05-10" && (r.Status != "achieved" || r.Verifier == "") {
			t.Errorf("report row = %+v; want achieved and verified", r)
		}
	}
	log, _ := s.AuditLog(ctx, model.AuditFilter{Limit: 100})
	who := map[string]bool{}
	for _, e := range log {
		who[e.Actor+" "+e.Action] = true
	}
	for _, want := range []string{"lead create", "assessor3 decide", "verifier sample", "verifier verify", "lead claim", "lead submit"} {
		if !who[want] {
			t.Errorf("audit log lacks %q", want)
		}
	}
}
