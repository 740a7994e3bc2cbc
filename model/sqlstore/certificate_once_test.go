package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestStaleCandidatesIssueNothingTwice replays what two runs started at once
// did: both read their candidates before either issued. The second run's
// list says nobody holds anything; the transaction must know better.
func TestStaleCandidatesIssueNothingTwice(t *testing.T) {
	f := newCertFixture(t)
	stale, err := f.s.Candidates(f.ctx, model.CertSelection{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.s.IssueCertificates(f.ctx, f.lead, stale, model.IssueOptions{On: "2013-07-01"})
	if err != nil || len(first) != 7 {
		t.Fatalf("first run: %d issued, %v; want 7", len(first), err)
	}
	second, err := f.s.IssueCertificates(f.ctx, f.lead, stale, model.IssueOptions{On: "2013-07-01"})
	if err != nil {
		t.Fatalf("second run from the stale list: %v", err)
	}
	for i, c := range second {
		if c.Number != first[i].Number || !c.Earlier || c.Reprint {
			t.Errorf("second run %d: %s earlier=%v reprint=%v; want %s printed again as an original (never delivered)",
				i, c.Number, c.Earlier, c.Reprint, first[i].Number)
		}
	}
	if n := count(t, f.s, `SELECT count(*) FROM certificates`); n != 7 {
		t.Errorf("certificates after two runs from one list = %d; want 7", n)
	}
	// A list naming one person's achievement twice prints it once.
	var zoe model.Candidate
	for _, c := range stale {
		if c.Email == "zoe@example.org" && c.Kind == model.KindCompletion {
			zoe = c
		}
	}
	twice, err := f.s.IssueCertificates(f.ctx, f.lead, []model.Candidate{zoe, zoe}, model.IssueOptions{On: "2013-07-01"})
	if err != nil || len(twice) != 1 {
		t.Errorf("one achievement listed twice: %d printed, %v; want 1", len(twice), err)
	}
}

// TestOneCertificatePerAchievementIsAConstraint writes around the store, as
// a second program or a careless script would, and is refused; revoking
// frees the achievement for a replacement.
func TestOneCertificatePerAchievementIsAConstraint(t *testing.T) {
	f := newCertFixture(t)
	c := issueAll(t, f, model.CertSelection{Person: "zoe@example.org", Kind: model.KindCompletion})[0]
	dup := `INSERT INTO certificates (number, kind, year, seq, person_id, holder_name, issued_on, template_version,
		issued_by, payload, signature, created_at, achievement)
		SELECT 'CO-2013-000099', kind, year, 99, person_id, holder_name, issued_on, template_version, issued_by,
		       payload, signature, created_at, %s FROM certificates WHERE number = $1`
	_, err := f.s.db.Exec(strings.Replace(dup, "%s", "achievement", 1), c.Number)
	if err == nil || !isUniqueViolation(err) {
		t.Errorf("a second completion certificate for one person: %v; want a UNIQUE refusal", err)
	}
	_, err = f.s.db.Exec(strings.Replace(dup, "%s", "NULL", 1), c.Number)
	if err == nil || !strings.Contains(err.Error(), "achievement") {
		t.Errorf("a certificate naming no achievement: %v; want refused", err)
	}
	if _, err := f.s.db.Exec(`UPDATE certificates SET achievement = 'other' WHERE number = $1`, c.Number); err == nil {
		t.Error("an issued certificate's achievement was changed")
	}
	if err := f.s.Revoke(f.ctx, f.lead, c.Number, "issued with a misspelt name"); err != nil {
		t.Fatal(err)
	}
	again := issueAll(t, f, model.CertSelection{Person: "zoe@example.org", Kind: model.KindCompletion})[0]
	if again.Number == c.Number || again.Earlier {
		t.Errorf("after revoking %s the next run gave %s (earlier=%v); want a new certificate", c.Number, again.Number, again.Earlier)
	}
}

// TestMarkDeliveredOnceAndOnlyByTheRole checks delivery is the lead's to
// record, is set once, and never touches a revoked certificate.
func TestMarkDeliveredOnceAndOnlyByTheRole(t *testing.T) {
	f := newCertFixture(t)
	issued := issueAll(t, f, model.CertSelection{Kind: model.KindTrainer})
	if len(issued) != 2 {
		t.Fatalf("issued %d trainer certificates; want 2", len(issued))
	}
	a, b := issued[0].Number, issued[1].Number
	mod := namedUser(t, f.s, "mod1", model.RoleModerator)
	if err := f.s.MarkDelivered(f.ctx, mod, []string{a}); !errors.Is(err, model.ErrPermission) {
		t.Errorf("MarkDelivered as moderator = %v; want ErrPermission", err)
	}
	if n := count(t, f.s, `SELECT count(*) FROM certificates WHERE delivered_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d delivered after a refused MarkDelivered; want 0", n)
	}
	if err := f.s.Revoke(f.ctx, f.lead, b, "wrong trainer"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.MarkDelivered(f.ctx, f.lead, []string{a, b, "CT-1999-000001"}); err != nil {
		t.Fatalf("MarkDelivered: %v", err)
	}
	got, _ := f.s.CertificateByNumber(f.ctx, a)
	if !got.Delivered() {
		t.Errorf("%s not delivered after MarkDelivered", a)
	}
	if rb, _ := f.s.CertificateByNumber(f.ctx, b); rb.Delivered() {
		t.Errorf("revoked %s marked delivered", b)
	}
	if _, err := f.s.db.Exec(`UPDATE certificates SET delivered_at = '2099-01-01' WHERE number = $1`, a); err == nil {
		t.Error("a delivery time was changed once set")
	}
	if err := f.s.MarkDelivered(f.ctx, f.lead, []string{a}); err != nil {
		t.Errorf("MarkDelivered again: %v", err)
	}
	if n := count(t, f.s, `SELECT count(*) FROM audit_log WHERE action = 'deliver'`); n != 1 {
		t.Errorf("%d deliveries audited; want 1", n)
	}
}

// TestMigrationKeepsCertificatesOfEarlierRuns builds a database at the
// schema before one-per-achievement, holding what the race left (two
// completion certificates for one person, two units certificates for one
// set of units), and opens it: the first of each keeps the achievement, the
// later ones are kept on record without one, and all count as delivered.
func TestMigrationKeepsCertificatesOfEarlierRuns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := openRawSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations/sqlite")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 30); err != nil {
		t.Fatal(err)
	}
	now := model.Now()
	if _, err := db.Exec(`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at)
		VALUES (1, 'Zoë', 'Hart', 'zoe@example.org', $1, $1)`, now); err != nil {
		t.Fatal(err)
	}
	units := []model.CertUnit{{Code: "CO301", Title: "Collective action", Level: 3, Credits: 6, Achieved: "2013-03-01"},
		{Code: "CO201", Title: "Systematic listening | part", Level: 2, Credits: 3, Achieved: "2013-02-01"}}
	add := func(seq int, kind string, u []model.CertUnit, revoked bool) {
		t.Helper()
		num, _ := model.CertificateNumber(kind, 2013, seq)
		payload := model.CertFields{Number: num, Kind: kind, Name: "Zoë Hart", Units: u, Issued: "2013-07-01"}.Payload()
		var rev any
		if revoked {
			rev = now
		}
		if _, err := db.Exec(`INSERT INTO certificates (number, kind, year, seq, person_id, holder_name, issued_on,
			template_version, issued_by, payload, signature, created_at, revoked_at, revoked_by, revoked_reason)
			VALUES ($1, $2, 2013, $3, 1, 'Zoë Hart', '2013-07-01', '1', 'lead', $4, 'SIG', $5, $6, $7, $8)`,
			num, kind, seq, payload, now, rev, map[bool]any{true: "lead", false: nil}[revoked],
			map[bool]any{true: "test", false: nil}[revoked]); err != nil {
			t.Fatal(err)
		}
	}
	add(1, model.KindCompletion, nil, true) // revoked: left alone
	add(2, model.KindCompletion, nil, false)
	add(3, model.KindCompletion, nil, false) // the race's second
	add(1, model.KindUnits, units, false)
	add(2, model.KindUnits, units, false) // the race's second
	add(3, model.KindUnits, units[:1], false)
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open an old database holding duplicates: %v", err)
	}
	defer s.Close()
	want := map[string]string{
		"CO-2013-000001": "revoked",
		"CO-2013-000002": "",
		"CO-2013-000003": "none",
		"CU-2013-000001": model.AchievementKey(model.KindUnits, units),
		"CU-2013-000002": "none",
		"CU-2013-000003": "CO301",
	}
	rows, err := s.db.Query(`SELECT number, coalesce(achievement, 'none'), revoked_at IS NOT NULL, delivered_at IS NOT NULL FROM certificates`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, ach string
		var revoked, delivered bool
		if err := rows.Scan(&number, &ach, &revoked, &delivered); err != nil {
			t.Fatal(err)
		}
		if revoked {
			ach = "revoked"
		}
		if ach != want[number] {
			t.Errorf("%s: achievement %q; want %q", number, ach, want[number])
		}
		if delivered == revoked {
			t.Errorf("%s: delivered=%v revoked=%v; want every unrevoked one delivered", number, delivered, revoked)
		}
	}
	if want[model.KindUnits] != "" || model.AchievementKey(model.KindUnits, units) != "CO201,CO301" {
		t.Errorf("units key = %q; want the codes sorted", model.AchievementKey(model.KindUnits, units))
	}
}
