package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"cascade/model"
	"cascade/reports"
)

// cmdExportBadges is `export badges`: an Open Badges 3.0 credential for
// each issued, unrevoked certificate in the selection.
func cmdExportBadges(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("export badges", `export badges --db FILE [--cohort N | --person EMAIL] --out DIR

Writes an Open Badges 3.0 credential (a W3C Verifiable Credential, signed
with the programme's key as a did:key issuer) for each issued, unrevoked
certificate in the selection: NUMBER-NAME.jwt, which a wallet or backpack
imports, and NUMBER-NAME.json, the same credential as JSON. The holder is
named by a salted hash of their email, never the address. Check one with
cascade verify FILE.json.`, errOut)
	db := dbFlag(fs, "the database file")
	cohort := fs.Int("cohort", 0, "only this cohort `number`")
	person := fs.String("person", "", "only the person with this `email`")
	outDir := fs.String("out", "", "the `folder` to write the badges into")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(errOut, "cascade export badges: unexpected %q\n", pos[0])
		return errUsage
	}
	if *outDir == "" {
		fmt.Fprintln(errOut, "cascade export badges: --out DIR is required")
		return errUsage
	}
	if *cohort != 0 && *person != "" {
		fmt.Fprintln(errOut, "cascade export badges: give --cohort or --person, not both")
		return errUsage
	}
	if *cohort < 0 {
		fmt.Fprintf(errOut, "cascade export badges: --cohort %d: want a cohort number from 1\n", *cohort)
		return errUsage
	}
	if strings.HasSuffix(strings.ToLower(*outDir), ".json") || strings.HasSuffix(strings.ToLower(*outDir), ".jwt") {
		fmt.Fprintf(errOut, "cascade export badges: --out %s: give a folder; each badge is its own file\n", *outDir)
		return errUsage
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	badges, err := s.Badges(ctx, by, model.CertSelection{Cohort: *cohort, Person: *person})
	if err != nil {
		return err
	}
	if len(badges) == 0 {
		fmt.Fprintf(out, "no issued, unrevoked certificates %s: no badges written\n", selectionWords(*cohort, *person))
		return nil
	}
	paths, err := reports.WriteBadgeFiles(ctx, *outDir, badges, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d badges (%d files) to %s\n", len(paths), 2*len(paths), *outDir)
	return nil
}

func selectionWords(cohort int, person string) string {
	switch {
	case cohort != 0:
		return fmt.Sprintf("in cohort %d", cohort)
	case person != "":
		return "for " + person
	}
	return "in the programme"
}
