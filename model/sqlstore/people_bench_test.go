package sqlstore

import (
	"cascade/model"
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkOrganiserFilterScale10 times instant search plus a filter over the
// 50,000 organisers of a scale-10 demo (target: under 50 ms). The demo is built
// once, before the timer starts.
func BenchmarkOrganiserFilterScale10(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "demo10.db")
	if _, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: 10, Password: "pw"}); err != nil {
		b.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d organisers in %v", len(rows), time.Since(start))
	filters := []model.OrganiserFilter{
		{Text: "smi"},
		{Text: "ann leeds"},
		{Role: model.RoleVolunteer, Status: model.StatusActive, Flag: model.FlagAny},
		{Text: "a", CohortID: rows[len(rows)/2].CohortID},
	}
	b.ResetTimer()
	for b.Loop() {
		for _, f := range filters {
			model.FilterOrganisers(rows, f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(filters)), "ms/filter")
}

// Each screen's data load at scale 1 (target: under 100 ms).
func BenchmarkOrganisersLoad(b *testing.B) {
	s := benchDemo(b)
	for b.Loop() {
		if _, err := s.OrganiserRows(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOrganiserPageLoad(b *testing.B) {
	s := benchDemo(b)
	var id int64
	if err := s.db.QueryRow(`SELECT organiser_id FROM unit_achievements LIMIT 1`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.OrganiserPage(context.Background(), id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCohortsLoad(b *testing.B) {
	s := benchDemo(b)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := s.CohortsAndHosts(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainingLoad(b *testing.B) {
	s := benchDemo(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Training(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ModuleCompletionGrid(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := s.MissedSessions(ctx, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegisterLoad(b *testing.B) {
	s := benchDemo(b)
	var id int64
	if err := s.db.QueryRow(`SELECT session_id FROM attendance LIMIT 1`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Register(context.Background(), id); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDemo builds a scale-1 demo for one benchmark, before its timer starts.
func benchDemo(b *testing.B) *Store {
	b.Helper()
	s := freshDemo(b)
	b.ResetTimer()
	return s
}
