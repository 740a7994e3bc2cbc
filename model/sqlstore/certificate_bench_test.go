package sqlstore

import (
	"cascade/model"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// benchCopy opens a private copy of the demo programme.
func benchCopy(b *testing.B, src string) *Store {
	b.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCandidatesWholeProgramme counts who is eligible for every kind
// across the demo programme (5,000 organisers, 120 trainers).
func BenchmarkCandidatesWholeProgramme(b *testing.B) {
	s, _ := demoDB(&testing.T{})
	if s == nil {
		b.Skip("no demo")
	}
	for b.Loop() {
		if _, err := s.Candidates(context.Background(), model.CertSelection{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssue2000 issues the first 2,000 eligible certificates of the demo
// in one transaction: numbering, signing, inserting and auditing each.
func BenchmarkIssue2000(b *testing.B) {
	s, _ := demoDB(&testing.T{})
	if s == nil {
		b.Skip("no demo")
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		c := benchCopy(b, s.Path())
		cands, err := c.Candidates(ctx, model.CertSelection{})
		if err != nil {
			b.Fatal(err)
		}
		var pick []model.Candidate
		for _, x := range cands {
			if x.Eligible && len(pick) < 2000 {
				pick = append(pick, x)
			}
		}
		b.StartTimer()
		got, err := c.IssueCertificates(ctx, model.LocalUser(), pick, model.IssueOptions{On: "2013-07-01"})
		if err != nil || len(got) != len(pick) {
			b.Fatalf("issued %d of %d: %v", len(got), len(pick), err)
		}
		b.StopTimer()
		c.Close()
		b.StartTimer()
	}
}
