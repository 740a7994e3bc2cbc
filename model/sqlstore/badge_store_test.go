package sqlstore

import (
	"context"
	"strings"
	"testing"

	"cascade/model"
)

// TestBadgesFollowTheSelection: badges go to delivered, unrevoked
// certificates only, matched by cohort or by email in any case; each export
// is in the audit log against its certificate; a moderator is refused.
func TestBadgesFollowTheSelection(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	by := model.LocalUser()
	cands, err := s.Candidates(ctx, model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil {
		t.Fatal(err)
	}
	var pick []model.Candidate
	for _, c := range cands {
		if c.Eligible && len(pick) < 3 {
			pick = append(pick, c)
		}
	}
	issued, err := s.IssueCertificates(ctx, by, pick, model.IssueOptions{})
	if err != nil || len(issued) != 3 {
		t.Fatalf("issue: %d, %v", len(issued), err)
	}
	// Before delivery there is nothing to export.
	if bs, err := s.Badges(ctx, by, model.CertSelection{Cohort: 2}); err != nil || len(bs) != 0 {
		t.Fatalf("undelivered: %d badges, %v; want none", len(bs), err)
	}
	var numbers []string
	for _, c := range issued {
		numbers = append(numbers, c.Number)
	}
	if err := s.MarkDelivered(ctx, by, numbers); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, by, numbers[2], "issued in error"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sel  model.CertSelection
		want int
	}{
		{model.CertSelection{Cohort: 2}, 2},
		{model.CertSelection{Cohort: 3}, 0},
		{model.CertSelection{Person: strings.ToUpper(issued[0].Email)}, 1},
		{model.CertSelection{Person: issued[2].Email}, 0}, // revoked
		{model.CertSelection{Kind: model.KindUnits}, 0},
	} {
		bs, err := s.Badges(ctx, by, c.sel)
		if err != nil || len(bs) != c.want {
			t.Errorf("Badges(%+v) = %d, %v; want %d", c.sel, len(bs), err, c.want)
		}
	}
	log, err := s.AuditLog(ctx, model.AuditFilter{Action: "export badge", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 { // two for the cohort, one for the person
		t.Errorf("%d export badge entries in the audit log; want 3", len(log))
	}
	mod := userWithRole(t, s, model.RoleModerator)
	if _, err := s.Badges(ctx, mod, model.CertSelection{}); err == nil || !strings.Contains(err.Error(), "may not") {
		t.Errorf("moderator: %v; want refused", err)
	}
}
