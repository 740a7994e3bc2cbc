package main

import (
	"context"
	"fmt"
	"io"

	"cascade/model"
)

// cmdReport: TEMPORARY wiring on branch accred so `report accreditation` can
// be tried; the owner of report.go wires reportAccreditation at merge.
func cmdReport(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 && args[0] == "claim" {
		return cmdReportClaim(ctx, args[1:], out, errOut)
	}
	if len(args) == 0 || args[0] != "accreditation" {
		return notYet("report")(ctx, args, out, errOut)
	}
	fs := newFlags("report accreditation", "report accreditation --db FILE [--cohort N] --out FILE.csv", errOut)
	db := fs.String("db", "", "the database file")
	cohort := fs.Int("cohort", 0, "one cohort (all when 0)")
	to := fs.String("out", "", "the CSV file to write")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(errOut, "cascade report accreditation: --out FILE.csv is required")
		return errUsage
	}
	s, err := model.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := reportAccreditation(ctx, s, *cohort, *to); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", *to)
	return nil
}

// cmdReportClaim: TEMPORARY wiring of reportClaim, as above.
func cmdReportClaim(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("report claim", "report claim --db FILE --ref REFERENCE --out FILE.csv|FILE.pdf", errOut)
	db := fs.String("db", "", "the database file")
	ref := fs.String("ref", "", "the claim's reference, e.g. CLM-2013-C02")
	to := fs.String("out", "", "the CSV or PDF file to write")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *ref == "" || *to == "" {
		fmt.Fprintln(errOut, "cascade report claim: --ref and --out are required")
		return errUsage
	}
	s, err := model.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := reportClaim(ctx, s, *ref, *to); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", *to)
	return nil
}
