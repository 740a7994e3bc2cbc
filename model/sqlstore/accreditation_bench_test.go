package sqlstore

import (
	"cascade/model"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	benchOnce  sync.Once
	benchStore *Store
	benchErr   error
)

// scale10 opens a demo programme at scale 10: CASCADE_BENCH_DB names a ready
// one (cascade demo --scale 10), otherwise one is built, which takes a while.
func scale10(b *testing.B) *Store {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		path := os.Getenv("CASCADE_BENCH_DB")
		if path == "" {
			dir, err := os.MkdirTemp("", "cascade-bench-")
			if err != nil {
				benchErr = err
				return
			}
			path = filepath.Join(dir, "demo10.db")
			if _, benchErr = Demo(ctx, path, DemoOptions{Seed: 1, Scale: 10, Password: "pw"}); benchErr != nil {
				return
			}
		}
		benchStore, benchErr = Open(ctx, path)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
}

// BenchmarkAssessorQueue: the page the screen shows (the oldest 200 and the
// queue's length); target under 5 ms at scale 10.
func BenchmarkAssessorQueue(b *testing.B) {
	s := scale10(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.QueueLength(ctx); err != nil {
			b.Fatal(err)
		}
		q, err := s.AssessorQueue(ctx, model.QueueFilter{Limit: 200})
		if err != nil || len(q) == 0 {
			b.Fatalf("AssessorQueue = %d, %v", len(q), err)
		}
	}
}

// BenchmarkAssessorQueueAll: every item waiting, for comparison.
func BenchmarkAssessorQueueAll(b *testing.B) {
	s := scale10(b)
	ctx := context.Background()
	for b.Loop() {
		if q, err := s.AssessorQueue(ctx, model.QueueFilter{}); err != nil || len(q) == 0 {
			b.Fatalf("AssessorQueue = %d, %v", len(q), err)
		}
	}
}

// BenchmarkPortfolio: a learner's portfolio and coverage grid; target under 5 ms at scale 10.
func BenchmarkPortfolio(b *testing.B) {
	s := scale10(b)
	ctx := context.Background()
	var org int64
	s.db.QueryRowContext(ctx, `SELECT organiser_id FROM evidence_items ORDER BY organiser_id DESC LIMIT 1`).Scan(&org)
	for b.Loop() {
		items, err := s.Portfolio(ctx, org)
		if err != nil || len(items) == 0 {
			b.Fatalf("Portfolio = %d, %v", len(items), err)
		}
		if _, err := s.Coverage(ctx, org); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccreditationReport: compare with the sqlite3 shell running the
// report's statements (BenchQueries' "accreditation report") on the same
// file; target within 1.5×.
func BenchmarkAccreditationReport(b *testing.B) {
	s := scale10(b)
	ctx := context.Background()
	for b.Loop() {
		rows, err := s.AccreditationReport(ctx, 0)
		if err != nil || len(rows) == 0 {
			b.Fatalf("AccreditationReport = %d, %v", len(rows), err)
		}
	}
}
