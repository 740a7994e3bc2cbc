package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// TestCertificateRunKilledMidwayLeavesNone kills a certificate run with
// SIGKILL while half its certificates are written, then shows the database
// opens, passes check and holds none of them; a second run issues them all.
// crashSelection is one cohort's completion certificates: enough for a run
// to be killed halfway, few enough that the race detector does not make the
// test take minutes.
var crashSelection = model.CertSelection{Cohort: 2, Kind: model.KindCompletion}

func TestCertificateRunKilledMidwayLeavesNone(t *testing.T) {
	if os.Getenv("CASCADE_CERT_CRASH_DB") != "" {
		t.Skip("running as the helper")
	}
	s := newDemoStore(t)
	db := reopenPath(t, s)
	s.Close()
	killMidway(t, "TestCertificateCrashHelper", "mid-run", "CASCADE_CERT_CRASH_DB="+db)

	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatalf("Open after SIGKILL: %v", err)
	}
	defer s.Close()
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check after SIGKILL = %v, %v", r.Problems, err)
	}
	if n := count(t, s, `SELECT count(*) FROM certificates`); n != 0 {
		t.Fatalf("after SIGKILL mid-run the database holds %d certificates; want none", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'certificate'`); n != 0 {
		t.Fatalf("after SIGKILL mid-run the audit log holds %d certificate entries; want none", n)
	}
	cands, err := s.Candidates(ctx, crashSelection)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.IssueCertificates(ctx, model.LocalUser(), cands, model.IssueOptions{})
	if err != nil {
		t.Fatalf("certificate run after the crash: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM certificates`); n != len(issued) || n == 0 {
		t.Fatalf("after a whole run the database holds %d certificates; want all %d", n, len(issued))
	}
}

// TestCertificateCrashHelper is the process the crash test kills: halfway
// through issuing, inside the transaction, it says so and waits.
func TestCertificateCrashHelper(t *testing.T) {
	db := os.Getenv("CASCADE_CERT_CRASH_DB")
	if db == "" {
		t.Skip("helper process for TestCertificateRunKilledMidwayLeavesNone")
	}
	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	cands, err := s.Candidates(ctx, crashSelection)
	if err != nil {
		t.Fatal(err)
	}
	eligible := 0
	for _, c := range cands {
		if c.Eligible {
			eligible++
		}
	}
	said := false
	_, err = s.IssueCertificates(ctx, model.LocalUser(), cands, model.IssueOptions{Progress: func(done, _ int) {
		if !said && done >= eligible/2 {
			said = true
			fmt.Printf("mid-run %d of %d certificates written\n", done, eligible)
			os.Stdout.Sync()
			time.Sleep(time.Minute)
		}
	}})
	t.Fatalf("the helper was not killed (run returned %v)", err)
}
