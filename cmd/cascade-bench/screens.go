package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/reports"
)

// screenLoad is one screen's data, fetched through the store methods the
// screen itself calls, and why it has no sqlite3 peer.
type screenLoad struct {
	name   string
	reason string
	load   func() error
}

// measureScreens times each screen's data load as the screen does it, and
// the organiser filter over every organiser in memory.
func (b *bench) measureScreens() error {
	s, ctx := b.store, b.ctx
	learner, err := s.BenchLearner(ctx)
	if err != nil {
		return err
	}
	var organisers []model.OrganiserRow
	loads := screenLoads(ctx, s, learner, &organisers)
	target := b.screenTarget()
	for _, l := range loads {
		name := "screen data: " + l.name
		if !b.wanted(name) && !(l.name == "organisers" && b.wanted("organiser filter")) {
			continue
		}
		if err := l.load(); err != nil { // warm, as the screen's second visit is
			if errors.Is(err, reports.ErrReportNotBuilt) {
				b.add(result{Name: name, Unit: "ms", Reason: "a claim report is one claim's, written from the Claims screen: see the claims rows"})
				continue
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		if !b.wanted(name) {
			continue
		}
		d, err := timeIt(5, l.load)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b.add(result{Name: name, Value: ms(d), Unit: "ms", Target: fmt.Sprintf("< %.0f ms", target),
			OK: ptr(ms(d) < target), Reason: l.reason})
	}
	if b.wanted("organiser filter") && len(organisers) > 0 {
		// A typed word over every row, and a cohort plus status choice.
		filters := []model.OrganiserFilter{{Text: "an"}, {CohortID: organisers[len(organisers)/2].CohortID, Status: "active"}}
		d, err := timeIt(20, func() error {
			for _, f := range filters {
				model.FilterOrganisers(organisers, f)
			}
			return nil
		})
		if err != nil {
			return err
		}
		b.add(result{Name: fmt.Sprintf("organiser filter over %s organisers", thousands(len(organisers))), Value: ms(d / 2), Unit: "ms",
			Target: fmt.Sprintf("< %.0f ms", target), OK: ptr(ms(d/2) < target),
			Reason: "no peer: filtered in memory as the screen types; a spreadsheet filter has no timer"})
	}
	return b.addPeak("peak RSS, every screen's data once", "screens")
}

// screenTarget is the ceiling for one screen's data at this scale.
func (b *bench) screenTarget() float64 {
	if b.scale == 1 {
		return 100
	}
	return 300
}

// thousands writes n with commas, 50,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// screenLoads is every screen's data load; the organisers screen's rows are
// kept in *organisers for the filter row.
func screenLoads(ctx context.Context, s *sqlstore.Store, learner int64, organisers *[]model.OrganiserRow) []screenLoad {
	const several = "no peer: several queries through the store, each in its own round trip"
	inGo := "no peer: several queries, then computed in Go, so there is no one SQL text for the CLI"
	loads := []screenLoad{
		{"organisers", several, func() error {
			rows, err := s.OrganiserRows(ctx)
			*organisers = rows
			if err == nil {
				_, err = s.CohortChoices(ctx)
			}
			if err == nil {
				_, err = s.HostChoices(ctx)
			}
			return err
		}},
		{"trainers", inGo, func() error { _, err := s.Trainers(ctx); return err }},
		{"cascade tree with reach", inGo, func() error { _, err := s.Cascade(ctx); return err }},
		{"cohorts and hosts", several, func() error { _, _, err := s.CohortsAndHosts(ctx); return err }},
		{"training", several, func() error {
			if _, err := s.Training(ctx); err != nil {
				return err
			}
			if _, err := s.ModuleCompletionGrid(ctx); err != nil {
				return err
			}
			_, err := s.MissedSessions(ctx, time.Now())
			return err
		}},
		{"assessor queue (200 oldest and length)", "no peer here: its SQL is in the query rows", func() error {
			if _, err := s.AssessorQueue(ctx, model.QueueFilter{Limit: 200}); err != nil {
				return err
			}
			_, err := s.QueueLength(ctx)
			return err
		}},
		{"learner portfolio and coverage", "no peer here: the portfolio SQL is in the query rows", func() error {
			if _, err := s.Portfolio(ctx, learner); err != nil {
				return err
			}
			_, err := s.Coverage(ctx, learner)
			return err
		}},
		{"learner qualification progress", inGo, func() error { _, err := s.LearnerProgress(ctx, learner); return err }},
		{"certificates (candidates, issued)", inGo, func() error {
			if _, err := s.Candidates(ctx, model.CertSelection{}); err != nil {
				return err
			}
			_, err := s.Certificates(ctx, "", 1000)
			return err
		}},
		{"verification (samples, coverage matrix)", several, func() error {
			if _, err := s.Samples(ctx, model.SampleFilter{}); err != nil {
				return err
			}
			_, err := s.CoverageMatrix(ctx, 0)
			return err
		}},
		{"dashboard charts", several, func() error { _, err := s.DashboardCharts(ctx); return err }},
		{"audit log (2,000 newest)", "no peer: one query, but through the store's decoding", func() error {
			_, err := s.AuditLog(ctx, model.AuditFilter{Limit: 2000})
			return err
		}},
	}
	for _, kind := range reports.ReportKinds {
		loads = append(loads, screenLoad{"report data: " + kind, inGo, func() error {
			_, err := reports.BuildReport(ctx, s, kind, 0, time.Now().UTC())
			return err
		}})
	}
	return loads
}
