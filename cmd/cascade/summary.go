package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

func cmdSummary(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("summary", "summary --db FILE [--json]", errOut)
	db := dbFlag(fs, "the database file")
	asJSON := fs.Bool("json", false, "print one flat JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := s.Summary(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(out).Encode(sum)
	}
	for _, row := range []struct {
		label string
		n     int64
	}{
		{"schema version", sum.SchemaVersion},
		{"cohorts", int64(sum.Cohorts)},
		{"host organisations", int64(sum.Hosts)},
		{"  kickstarters", int64(sum.KickstarterHosts)},
		{"trainers", int64(sum.Trainers)},
		{"  generations", int64(sum.TrainerGenerations)},
		{"senior organisers", int64(sum.SeniorOrganisers)},
		{"volunteer organisers", int64(sum.VolunteerOrganisers)},
		{"OCN units", int64(sum.Units)},
		{"  assessment criteria", int64(sum.Criteria)},
		{"evidence items", int64(sum.EvidenceItems)},
		{"  files", int64(sum.EvidenceFiles)},
		{"assessment decisions", int64(sum.Decisions)},
		{"certificates", int64(sum.Certificates)},
	} {
		fmt.Fprintf(out, "%-24s %8d\n", row.label, row.n)
	}
	return nil
}
