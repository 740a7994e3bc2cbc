package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"cascade/reports"
)

func cmdReport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("report", `report KIND --db FILE [--cohort N] [--out FILE.pdf|.csv|.xlsx]

KIND is one of: `+strings.Join(reports.ReportKinds, ", ")+`.
The format follows the --out file's extension. Without --out the report is
written as PDF to the reports folder inside the output folder (the
output.folder setting, else Documents/Cascade). The claim report needs --ref
and is written as .csv or .pdf.`, errOut)
	db := dbFlag(fs, "the database file")
	cohort := fs.Int("cohort", 0, "only this cohort `number` (default the whole programme)")
	outPath := fs.String("out", "", "the report file: .pdf, .csv or .xlsx (default OUTPUT-FOLDER/reports/KIND.pdf)")
	ref := fs.String("ref", "", "for the claim report: the claim's `reference`, e.g. CLM-2013-C02")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !slices.Contains(reports.ReportKinds, pos[0]) {
		fmt.Fprintf(errOut, "cascade report: give one KIND: %s\n", strings.Join(reports.ReportKinds, ", "))
		return errUsage
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(*outPath)), ".")
	if *outPath != "" && !slices.Contains(reports.Formats, format) {
		fmt.Fprintln(errOut, "cascade report: --out must name a .pdf, .csv or .xlsx file")
		return errUsage
	}
	if pos[0] == "claim" && *ref == "" {
		fmt.Fprintln(errOut, "cascade report claim: --ref REFERENCE is required")
		return errUsage
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// A damaged page must fail the command, never thin its output.
	if err := s.QuickCheck(ctx); err != nil {
		return err
	}
	if *outPath == "" {
		if *outPath, err = defaultReportPath(ctx, s, pos[0], *cohort, *ref); err != nil {
			return err
		}
		format = "pdf"
	}
	// A claim report is one claim's (report_claim.go), in the formats it writes.
	switch pos[0] {
	case "claim":
		if err := reportClaim(ctx, s, *ref, *outPath); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", *outPath)
		return nil
	}
	doc, err := reports.BuildReport(ctx, s, pos[0], *cohort, time.Now().UTC())
	if err != nil {
		return err
	}
	return writeReport(doc, format, *outPath, out)
}

// defaultReportPath names a report's file in the output folder's reports
// folder, making that folder when missing.
func defaultReportPath(ctx context.Context, st reports.SettingsReader, kind string, cohort int, ref string) (string, error) {
	dir, err := reports.OutputFolder(ctx, st)
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make the reports folder: %w", err)
	}
	name := kind
	switch {
	case kind == "claim":
		name += "-" + reports.SafeName(ref)
	case cohort > 0:
		name += fmt.Sprintf("-cohort-%d", cohort)
	}
	return filepath.Join(dir, name+".pdf"), nil
}

// writeReport writes doc to path, leaving no half-written file behind.
func writeReport(doc reports.Document, format, path string, out io.Writer) error {
	if err := reports.WriteFileAtomic(path, func(w io.Writer) error { return doc.Write(w, format) }); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", path)
	return nil
}
