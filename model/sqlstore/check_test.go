package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newDemoStore gives a test its own copy of the shared demo programme to
// damage: VACUUM INTO snapshots the database, and the evidence files are copied.
func newDemoStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	shared, _ := demoDB(t)
	if onServer() {
		s, err := Open(ctx, newServerDatabase(t, demoTemplate))
		if err != nil {
			t.Fatalf("Open demo copy: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := copyFile(filepath.Join(demoTmpDir, "pristine.db"), path); err != nil {
		t.Fatalf("copy demo: %v", err)
	}
	if err := os.CopyFS(path+".files", os.DirFS(shared.FilesDir())); err != nil {
		t.Fatalf("copy demo files: %v", err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open demo copy: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCheckPassesOnDemo(t *testing.T) {
	s := newDemoStore(t)
	r, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("Check on the demo found %d problems, first %v", len(r.Problems), r.Problems[0])
	}
	if r.Files < 200 {
		t.Errorf("Check verified %d evidence files; want at least 200", r.Files)
	}
	flagged := map[string]bool{}
	for _, f := range r.Flags {
		flagged[f.Name] = f.Count > 0
	}
	for _, want := range []string{"hosts with a team outside 2-5", "trainers without a trainer"} {
		if !flagged[want] {
			t.Errorf("Check flags %v; want the demo's planted %q", r.Flags, want)
		}
	}
}

func TestCheckFindsInjectedFaults(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		damage func(t *testing.T, s *Store)
		says   string
	}{
		{"damaged evidence file", func(t *testing.T, s *Store) {
			var sha string
			s.db.QueryRowContext(ctx, `SELECT sha256 FROM evidence_files ORDER BY id LIMIT 1`).Scan(&sha)
			overwriteKept(t, s, sha, []byte("overwritten"))
		}, "evidence file is damaged"},
		{"missing evidence file", func(t *testing.T, s *Store) {
			var sha string
			s.db.QueryRowContext(ctx, `SELECT sha256 FROM evidence_files ORDER BY id DESC LIMIT 1`).Scan(&sha)
			dropKept(t, s, sha)
		}, "evidence file is missing"},
		{"verifier verifying own decision", func(t *testing.T, s *Store) {
			_, err := s.db.ExecContext(ctx, `UPDATE iv_samples SET verifier_id =
                (SELECT assessor_id FROM assessment_decisions d WHERE d.id = iv_samples.decision_id)
                WHERE id = (SELECT min(id) FROM iv_samples)`)
			if err != nil {
				t.Fatal(err)
			}
		}, "verifier also made the decision"},
		{"unit achieved without evidence", func(t *testing.T, s *Store) {
			_, err := s.db.ExecContext(ctx, `DELETE FROM decision_criteria WHERE decision_id =
                (SELECT decision_id FROM unit_achievements ORDER BY organiser_id, unit_id LIMIT 1)`)
			if err != nil {
				t.Fatal(err)
			}
		}, "has no achieved assessment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newDemoStore(t)
			c.damage(t, s)
			r, err := s.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() {
				t.Fatalf("Check passed after %s", c.name)
			}
			var all []string
			for _, p := range r.Problems {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), c.says) {
				t.Errorf("Check problems %q; want one saying %q", all, c.says)
			}
		})
	}
}

// TestCheckFindsDamagedPage overwrites a page in the middle of the closed
// database file, as a failing disk would.
func TestCheckFindsDamagedPage(t *testing.T) {
	sqliteOnly(t, "overwrites a page of the database file; a server's files are its own")
	ctx := context.Background()
	s := newDemoStore(t)
	path := s.Path()
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	if _, err := f.WriteAt(junk, (st.Size()/2)/4096*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		if !strings.Contains(err.Error(), "malformed") && !strings.Contains(err.Error(), "not a") {
			t.Fatalf("Open(damaged) = %v; want a clear damage error or a store", err)
		}
		return
	}
	defer s2.Close()
	r, err := s2.Check(ctx)
	if err != nil {
		t.Fatalf("Check(damaged) error %v; want problems reported", err)
	}
	if r.OK() || !strings.Contains(r.Problems[0].What, "damaged") {
		t.Fatalf("Check(damaged page) = %+v; want a damage problem", r.Problems)
	}
	for _, p := range r.Problems {
		if strings.Contains(p.String(), "\n") {
			t.Errorf("problem %q spans lines; want one line per problem", p)
		}
	}
}
