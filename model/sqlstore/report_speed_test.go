package sqlstore

import (
	"context"
	"reflect"
	"slices"
	"testing"
)

// sameAsBefore fails the test when the verification and equality reports
// for each cohort, or the cohorts screen's lists, differ from the reads they
// replaced for speed (report_ref_test.go).
func sameAsBefore(t *testing.T, s *Store, cohorts ...int) {
	t.Helper()
	ctx := context.Background()
	for _, c := range cohorts {
		got, err := s.VerificationReport(ctx, c)
		want, werr := s.refVerificationReport(ctx, c)
		if err != nil || werr != nil {
			t.Fatalf("VerificationReport(%d): %v; before: %v", c, err, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("VerificationReport(%d) =\n%+v\nwant, as before,\n%+v", c, got, want)
		}
		eq, err := s.EqualityReport(ctx, c)
		weq, werr := s.refEqualityReport(ctx, c)
		if err != nil || werr != nil {
			t.Fatalf("EqualityReport(%d): %v; before: %v", c, err, werr)
		}
		if !reflect.DeepEqual(eq, weq) {
			t.Errorf("EqualityReport(%d) =\n%+v\nwant, as before,\n%+v", c, eq, weq)
		}
	}
	cohortRows, hosts, err := s.CohortsAndHosts(ctx)
	wantCohorts, wantHosts, werr := s.refCohortsAndHosts(ctx)
	if err != nil || werr != nil {
		t.Fatalf("CohortsAndHosts: %v; before: %v", err, werr)
	}
	if !reflect.DeepEqual(cohortRows, wantCohorts) {
		t.Errorf("CohortsAndHosts cohorts =\n%+v\nwant, as before,\n%+v", cohortRows, wantCohorts)
	}
	if !reflect.DeepEqual(hosts, wantHosts) {
		t.Errorf("CohortsAndHosts hosts differ from before: %d rows, want %d", len(hosts), len(wantHosts))
		for i := range min(len(hosts), len(wantHosts)) {
			if !reflect.DeepEqual(hosts[i], wantHosts[i]) {
				t.Errorf("first difference, row %d: %+v; want %+v", i, hosts[i], wantHosts[i])
				break
			}
		}
	}
	if alone, err := s.Hosts(ctx); err != nil || !reflect.DeepEqual(alone, wantHosts) {
		t.Errorf("Hosts differs from before (%v)", err)
	}
}

// mustExec runs a statement on s, failing the test if it fails.
func mustExec(t *testing.T, s *Store, q string, args ...any) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// The demo reads as it did, whole programme, a cohort, the last cohort and
// a cohort nobody is in.
func TestReportDataAsBeforeOnTheDemo(t *testing.T) {
	s, _ := demoDB(t)
	sameAsBefore(t, s, 0, 1, 14, 99)
	r, err := s.VerificationReport(context.Background(), 0)
	if err != nil || len(r.Assessors) == 0 || len(r.Units) == 0 || r.Total.Sampled == 0 || r.Total.SentBack == 0 {
		t.Errorf("the demo's verification report is thin: %+v, %v", r.Total, err)
	}
}

// Answers the form refuses (a database edited by hand, or older data): ones
// it does not offer keep the database's text order among themselves, blank
// and spaces-only answers and a literal "Not stated" count as Not stated,
// last; a trainer's answers (not an organiser) are left out.
func TestEqualityAnswersTheFormRefuses(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	odd := []string{"zeta", "Alpha", "beta", "Ωmega", "   ", "", "Not stated", "Woman "}
	var ids []int64
	rows, err := s.db.QueryContext(ctx, `SELECT em.person_id FROM equality_monitoring em
		JOIN organisers o ON o.person_id = em.person_id JOIN cohorts c ON c.id = o.cohort_id
		WHERE c.number = 2 ORDER BY em.person_id LIMIT $1`, len(odd))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != len(odd) {
		t.Fatalf("found %d answers in cohort 2; want %d", len(ids), len(odd))
	}
	for i, id := range ids {
		mustExec(t, s, `UPDATE equality_monitoring SET gender = $1, ethnicity = $1 WHERE person_id = $2`, odd[i], id)
	}
	mustExec(t, s, `INSERT INTO equality_monitoring (person_id, gender, age_band, ethnicity, disability, updated_at)
		SELECT t.person_id, 'trainer-only', '', '', '', '2024-01-01' FROM trainers t
		WHERE NOT EXISTS (SELECT 1 FROM organisers o WHERE o.person_id = t.person_id)
		  AND NOT EXISTS (SELECT 1 FROM equality_monitoring em WHERE em.person_id = t.person_id)`)
	sameAsBefore(t, s, 0, 2, 3)
	r, err := s.EqualityReport(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var genders []string
	notStated := 0
	for _, row := range r.Rows {
		if row.Dimension == "Gender" {
			genders = append(genders, row.Category)
			if row.Category == "Not stated" {
				notStated = row.Count
			}
		}
		if row.Category == "trainer-only" {
			t.Errorf("a trainer's answer is counted: %+v", row)
		}
	}
	if genders[len(genders)-1] != "Not stated" || notStated != 3 {
		t.Errorf("gender categories %q, Not stated %d; want Not stated last, counting '', '   ' and 'Not stated'", genders, notStated)
	}
	for _, want := range []string{"zeta", "Alpha", "beta", "Ωmega", "Woman "} {
		if !slices.Contains(genders, want) {
			t.Errorf("gender categories %q lack %q", genders, want)
		}
	}
	if !s.pg && !slices.IsSorted(genders[slices.Index(genders, "Woman "):len(genders)-1]) {
		t.Errorf("answers the form does not offer, %q, not in SQLite's byte order", genders)
	}
}

// Decisions the demo does not make: one judging criteria of two units (it
// counts once for each), one sampled twice, agreed and sent back (one
// sample of each kind, once), one with no criteria left (counted nowhere),
// and two assessors of one name (one assessor, as grouping by name made).
func TestVerificationOddDecisions(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	var decision, unit, otherCriterion, verifier int64
	if err := s.db.QueryRowContext(ctx, `SELECT dc.decision_id, cr.unit_id FROM decision_criteria dc
		JOIN criteria cr ON cr.id = dc.criterion_id ORDER BY dc.decision_id LIMIT 1`).Scan(&decision, &unit); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT min(id) FROM criteria WHERE unit_id <> $1`, unit).Scan(&otherCriterion); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT min(id) FROM users WHERE role = 'verifier'`).Scan(&verifier); err != nil {
		t.Fatal(err)
	}
	before, err := s.VerificationReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `INSERT INTO decision_criteria (decision_id, criterion_id, outcome) VALUES ($1, $2, 'achieved')`, decision, otherCriterion)
	var twice, bare int64
	if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM assessment_decisions
		WHERE id <> $1 AND id NOT IN (SELECT decision_id FROM iv_samples)`, decision).Scan(&twice, &bare); err != nil {
		t.Fatal(err)
	}
	for _, outcome := range []string{"agreed", "sent_back"} {
		mustExec(t, s, `INSERT INTO iv_samples (decision_id, verifier_id, sampled_on, outcome, created_at)
			VALUES ($1, $2, '2024-01-01', $3, '2024-01-01')`, twice, verifier, outcome)
	}
	bareUnits := count(t, s, `SELECT count(DISTINCT cr.unit_id) FROM decision_criteria dc JOIN criteria cr ON cr.id = dc.criterion_id
		WHERE dc.decision_id = $1`, bare)
	mustExec(t, s, `DELETE FROM decision_criteria WHERE decision_id = $1`, bare)
	mustExec(t, s, `UPDATE users SET display_name = (SELECT min(display_name) FROM users WHERE role = 'assessor')
		WHERE id = (SELECT max(id) FROM users WHERE role = 'assessor')`)
	var cohort int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(c.number, 0) FROM assessment_decisions ad
		JOIN organisers o ON o.id = ad.organiser_id LEFT JOIN cohorts c ON c.id = o.cohort_id WHERE ad.id = $1`, twice).Scan(&cohort); err != nil {
		t.Fatal(err)
	}
	sameAsBefore(t, s, 0, cohort)
	after, err := s.VerificationReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := before.Total
	want.Decisions += 1 - bareUnits // a second unit for decision; bare's units gone
	want.Sampled++
	want.Agreed++
	want.SentBack++
	if after.Total != want {
		t.Errorf("total %+v; want %+v (before %+v)", after.Total, want, before.Total)
	}
	if len(after.Assessors) != len(before.Assessors)-1 {
		t.Errorf("assessors %q; want one fewer than %q, two sharing a name", after.Assessors, before.Assessors)
	}
}

// Organisers the demo keeps tidy: one with no host, one with no cohort, one
// in another cohort than its host's, one withdrawn, and a host with nobody
// and no cohort. Each list counts them as the separate reads did.
func TestCohortsAndHostsOddOrganisers(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	var first, last int64
	if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM organisers WHERE role = 'senior' AND status <> 'withdrawn'`).
		Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `UPDATE organisers SET host_id = NULL WHERE id = $1`, first)
	mustExec(t, s, `UPDATE organisers SET cohort_id = NULL WHERE id = $1`, last)
	mustExec(t, s, `UPDATE organisers SET cohort_id = (SELECT id FROM cohorts WHERE number = 14)
		WHERE id = (SELECT min(id) FROM organisers WHERE role = 'volunteer' AND status <> 'withdrawn'
		            AND cohort_id = (SELECT id FROM cohorts WHERE number = 1))`)
	mustExec(t, s, `UPDATE organisers SET status = 'withdrawn' WHERE id = (SELECT min(id) FROM organisers WHERE id > $1 AND role = 'senior')`, first)
	mustExec(t, s, `INSERT INTO hosts (name, region, created_at) VALUES ('Empty Trust', '', '2024-01-01')`)
	sameAsBefore(t, s, 0, 1, 14)
	_, hosts, err := s.CohortsAndHosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h := hosts[len(hosts)-1]; h.Name != "Empty Trust" || h.Team != 0 || h.Volunteers != 0 || !h.TeamFlagged() {
		t.Errorf("last host %+v; want Empty Trust, no cohort, no team, flagged", h)
	}
}

// An empty programme: no cohorts, no hosts, no decisions, no answers.
func TestReportDataAsBeforeWhenEmpty(t *testing.T) {
	s := newTestStore(t)
	sameAsBefore(t, s, 0, 1)
	r, err := s.EqualityReport(context.Background(), 0)
	if err != nil || r.Organisers != 0 || r.Responded != 0 || len(r.Rows) != 0 {
		t.Errorf("EqualityReport on nothing = %+v, %v", r, err)
	}
}

// Decisions past the verification report's fast paths on SQLite: ids
// beyond its slice (one far past, one negative), sampled and not; and more
// than 64 units, judged by one decision through two criteria of each unit
// whose ids interleave with the other units', so only a set per decision,
// not the order rows come in, makes its units distinct.
func TestVerificationIDsAndUnitsPastTheFastPaths(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	var first, verifier int64
	if err := s.db.QueryRowContext(ctx, `SELECT min(decision_id) FROM decision_criteria`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT min(id) FROM users WHERE role = 'verifier'`).Scan(&verifier); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{3_000_000, -7} {
		mustExec(t, s, `INSERT INTO assessment_decisions (id, evidence_id, organiser_id, assessor_id, outcome, feedback,
			decided_on, attempt, created_at)
			SELECT $1, evidence_id, organiser_id, assessor_id, outcome, feedback, decided_on, attempt, created_at
			FROM assessment_decisions WHERE id = $2`, id, first)
		mustExec(t, s, `INSERT INTO decision_criteria (decision_id, criterion_id, outcome)
			SELECT $1, criterion_id, outcome FROM decision_criteria WHERE decision_id = $2`, id, first)
	}
	mustExec(t, s, `INSERT INTO iv_samples (decision_id, verifier_id, sampled_on, outcome, created_at)
		VALUES (3000000, $1, '2024-01-01', 'sent_back', '2024-01-01')`, verifier)
	sameAsBefore(t, s, 0, 1)
	before, err := s.VerificationReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}

	mustExec(t, s, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70)
		INSERT INTO units (code, title, level, credits) SELECT 'ZZ' || i, 'Extra unit', 2, 1 FROM n`)
	mustExec(t, s, `INSERT INTO learning_outcomes (unit_id, number, text)
		SELECT id, 1, 'Extra outcome' FROM units WHERE code LIKE 'ZZ%'`)
	for _, number := range []string{"1.1", "1.2"} {
		mustExec(t, s, `INSERT INTO criteria (unit_id, outcome_id, number, text)
			SELECT lo.unit_id, lo.id, $1, 'Extra criterion' FROM learning_outcomes lo
			JOIN units u ON u.id = lo.unit_id WHERE u.code LIKE 'ZZ%'`, number)
	}
	mustExec(t, s, `INSERT INTO decision_criteria (decision_id, criterion_id, outcome)
		SELECT $1, c.id, 'achieved' FROM criteria c JOIN units u ON u.id = c.unit_id WHERE u.code LIKE 'ZZ%'`, first)
	sameAsBefore(t, s, 0, 1)
	after, err := s.VerificationReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := after.Total.Decisions, before.Total.Decisions+70; got != want {
		t.Errorf("decisions %d after one decision judged two criteria of each of 70 new units; want %d", got, want)
	}
	if got, want := len(after.Units), len(before.Units)+70; got != want {
		t.Errorf("%d units; want %d", got, want)
	}
}
