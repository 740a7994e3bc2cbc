package sqlstore

import (
	"context"
	"os"
	"testing"
)

// BenchmarkCascadeFile measures the cascade on a database named by
// CASCADE_BENCH_DB (e.g. a --scale 10 demo); skipped without it.
func BenchmarkCascadeFile(b *testing.B) {
	path := os.Getenv("CASCADE_BENCH_DB")
	if path == "" {
		b.Skip("set CASCADE_BENCH_DB to a database file")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if _, err := s.Cascade(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainersFile is BenchmarkCascadeFile for the trainer list.
func BenchmarkTrainersFile(b *testing.B) {
	path := os.Getenv("CASCADE_BENCH_DB")
	if path == "" {
		b.Skip("set CASCADE_BENCH_DB to a database file")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if _, err := s.Trainers(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
