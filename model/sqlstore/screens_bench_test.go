package sqlstore

import (
	"cascade/model"
	"cascade/reports"
	"context"
	"syscall"
	"testing"
	"time"
)

// processCPU is the process's CPU time so far, user and system.
func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// screenLoop runs load as b.Loop asks and also reports CPU milliseconds per
// run: on a shared machine the wall time moves by a factor of several with
// other people's load, the CPU time far less.
func screenLoop(b *testing.B, load func(ctx context.Context) error) {
	ctx := context.Background()
	if err := load(ctx); err != nil { // warm, as a screen's second visit is
		b.Fatal(err)
	}
	start, n := processCPU(b), 0
	for b.Loop() {
		if err := load(ctx); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(processCPU(b)-start)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
}

// The screens whose data missed 300 ms at scale 10 (issue 14). Run them on a
// ready database: CASCADE_BENCH_DB=/path/demo-scale10.db go test -run '^$'
// -bench 'Screen' ./model/sqlstore (scale10 builds one otherwise).

// BenchmarkScreenOrganisers: the organisers screen's rows and its choices.
func BenchmarkScreenOrganisers(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error {
		rows, err := s.OrganiserRows(ctx)
		if err == nil && len(rows) == 0 {
			b.Fatal("OrganiserRows: none")
		}
		if err == nil {
			_, err = s.CohortChoices(ctx)
		}
		if err == nil {
			_, err = s.HostChoices(ctx)
		}
		return err
	})
}

// BenchmarkScreenCascade: the cascade tree with every node's reach.
func BenchmarkScreenCascade(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.Cascade(ctx); return err })
}

// BenchmarkScreenCertificates: everyone's candidacy for every kind, and the
// newest 1,000 certificates, as the certificates screen opens.
func BenchmarkScreenCertificates(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error {
		c, err := s.Candidates(ctx, model.CertSelection{})
		if err == nil && len(c) == 0 {
			b.Fatal("Candidates: none")
		}
		if err == nil {
			_, err = s.Certificates(ctx, "", 1000)
		}
		return err
	})
}

// BenchmarkScreenProgressReport: the progress report's data, whole programme.
func BenchmarkScreenProgressReport(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.ProgressReport(ctx, 0); return err })
}

// BenchmarkScreenCascadeReport: the cascade report's tables (its diagram is
// BenchmarkScreenCascade's data).
func BenchmarkScreenCascadeReport(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.CascadeReport(ctx, 0); return err })
}

// BenchmarkScreenCascadeReportWithTree: the whole-programme cascade report
// with its diagram's cascade, as reports.BuildReport reads them (cascade-bench's
// "report data: cascade").
func BenchmarkScreenCascadeReportWithTree(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, _, err := s.CascadeReportWithTree(ctx); return err })
}

// BenchmarkScreenAccreditationReport: the accreditation report's rows, as
// BenchmarkAccreditationReport, with CPU time per run.
func BenchmarkScreenAccreditationReport(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.AccreditationReport(ctx, 0); return err })
}

// BenchmarkScreenAccreditationDocument: the accreditation report's rows laid
// out as reports.BuildReport lays them (cascade-bench's "report data:
// accreditation"), with CPU time per run.
func BenchmarkScreenAccreditationDocument(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error {
		_, err := reports.BuildReport(ctx, s, "accreditation", 0, time.Now().UTC())
		return err
	})
}

// BenchmarkAccreditationQuery: the accreditation report's SQL alone (its
// statements as the report runs them for the whole programme), read as
// cascade-bench's query row reads it (every column into an any), with CPU
// time per run to set against the sqlite3 shell's user time.
func BenchmarkAccreditationQuery(b *testing.B) {
	s := scale10(b)
	var parts []string
	if _, err := s.accreditationReport(context.Background(), 0, func(q string) { parts = append(parts, q) }); err != nil {
		b.Fatal(err)
	}
	screenLoop(b, func(ctx context.Context) error {
		for _, q := range parts {
			if err := drainQuery(ctx, s, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkScreenTraining: the training screen's modules and courses, its
// module completion grid and its missed sessions, as BenchmarkTrainingLoad
// at scale 10.
func BenchmarkScreenTraining(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error {
		if _, err := s.Training(ctx); err != nil {
			return err
		}
		if _, err := s.ModuleCompletionGrid(ctx); err != nil {
			return err
		}
		_, err := s.MissedSessions(ctx, time.Now())
		return err
	})
}

// BenchmarkScreenDashboard: the dashboard's numbers and flags, what the
// window shows first.
func BenchmarkScreenDashboard(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.Dashboard(ctx); return err })
}

// BenchmarkScreenDashboardCharts: the dashboard's chart series.
func BenchmarkScreenDashboardCharts(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.DashboardCharts(ctx); return err })
}

// BenchmarkScreenVerificationReport: the internal-verification report's
// data, whole programme.
func BenchmarkScreenVerificationReport(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.VerificationReport(ctx, 0); return err })
}

// BenchmarkScreenEqualityReport: the equality report's data, whole programme.
func BenchmarkScreenEqualityReport(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error { _, err := s.EqualityReport(ctx, 0); return err })
}

// BenchmarkScreenCohortsAndHosts: the cohorts screen's cohorts and hosts.
func BenchmarkScreenCohortsAndHosts(b *testing.B) {
	s := scale10(b)
	screenLoop(b, func(ctx context.Context) error {
		c, h, err := s.CohortsAndHosts(ctx)
		if err == nil && (len(c) == 0 || len(h) == 0) {
			b.Fatal("CohortsAndHosts: none")
		}
		return err
	})
}

// drainQuery runs q and reads every row into anys.
func drainQuery(ctx context.Context, s *Store, q string) error {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}
