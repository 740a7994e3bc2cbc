package sqlstore

import (
	"cascade/model"
	"context"
	"sync"
	"testing"
)

// TestDesksIssuingAtOnce: several desks (each its own handle: its own
// connections, as separate windows or servers' clients are) issue from the
// same list at once, and from overlapping halves of it. Afterwards no number
// is repeated or skipped, no achievement has two certificates, and every
// candidate has exactly one. On PostgreSQL this is the advisory write lock's
// work; on SQLite the file's.
func TestDesksIssuingAtOnce(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	lead := userWithRole(t, s, model.RoleLead)
	var cands []model.Candidate
	for cohort := 1; cohort <= 14 && len(cands) < 30; cohort++ {
		got, err := s.Candidates(ctx, model.CertSelection{Cohort: cohort})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			if c.Eligible && c.Existing == nil && c.Kind != model.KindTrainer {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) < 6 {
		t.Fatalf("only %d candidates to issue; the test needs a few", len(cands))
	}
	cands = cands[:min(len(cands), 30)]
	before := count(t, s, `SELECT count(*) FROM certificates`)
	half := len(cands) / 2
	lists := [][]model.Candidate{cands, cands, cands[:half+2], cands[half-2:]}
	var wg sync.WaitGroup
	errs := make([]error, len(lists))
	for i, list := range lists {
		desk, err := Open(ctx, reopenPath(t, s))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { desk.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = desk.IssueCertificates(ctx, lead, list, model.IssueOptions{On: "2014-07-01"})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("desk %d: %v", i+1, err)
		}
	}
	if got := count(t, s, `SELECT count(*) FROM certificates`) - before; got != len(cands) {
		t.Errorf("%d desks issued %d certificates for %d candidates; want one each", len(lists), got, len(cands))
	}
	if n := count(t, s, `SELECT count(*) FROM (SELECT number FROM certificates GROUP BY number HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d certificate numbers repeated", n)
	}
	if n := count(t, s, `SELECT count(*) FROM (SELECT person_id, kind, achievement FROM certificates
		WHERE revoked_at IS NULL GROUP BY person_id, kind, achievement HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d achievements hold two certificates", n)
	}
	// No number skipped: each kind and year's sequence runs 1, 2, 3 … with no gap.
	rows, err := s.db.QueryContext(ctx, `SELECT kind, year, count(*), min(seq), max(seq) FROM certificates GROUP BY kind, year`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var year, n, lo, hi int
		if err := rows.Scan(&kind, &year, &n, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if lo != 1 || hi != n {
			t.Errorf("%s certificates of %d: %d numbered %d to %d; want 1 to %d with none skipped", kind, year, n, lo, hi, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d desks, %d candidates, %d certificates before", len(lists), len(cands), before)
}
