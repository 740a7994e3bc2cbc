package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"cascade/model"
	"cascade/reports"
)

func cmdCertificates(ctx context.Context, args []string, out, errOut io.Writer) error {
	return certificatesRun(ctx, args, out, errOut, nil)
}

// certificatesRun is the certificates command; progress, when set, is told
// after each PDF is written (tests stop a run there).
func certificatesRun(ctx context.Context, args []string, out, errOut io.Writer, progress func(done, total int)) error {
	if len(args) > 0 && args[0] == "revoke" {
		return cmdRevoke(ctx, args[1:], out, errOut)
	}
	fs := newFlags("certificates", `certificates --db FILE [--cohort N] [--host NAME] [--person EMAIL]
                    [--kind completion|units|trainer] [--out DIR|FILE.pdf]
       cascade certificates revoke NUMBER --reason TEXT --db FILE

Issues a certificate to everyone eligible in the selection (a reprint, same
number marked COPY, to anyone who already holds one) and writes one PDF per
person into DIR, or one combined PDF to print. Without --kind it issues
organisers' completion and units certificates; trainer certificates, signed
and permanent, only with --kind trainer. Without --out they go to the
certificates folder inside the output folder (the output.folder setting,
else Documents/Cascade). A certificate counts as delivered only once its
PDF is in place; one a failed run issued prints as an original next time.`, errOut)
	db := dbFlag(fs, "the database file")
	cohort := fs.Int("cohort", 0, "only this cohort `number`")
	host := fs.String("host", "", "only this host organisation (a trainer's organisation for trainers)")
	person := fs.String("person", "", "only the person with this `email`")
	kind := fs.String("kind", "", "only this kind: completion, units or trainer (default completion and units; trainer certificates only when asked for)")
	outPath := fs.String("out", "", "a folder for one PDF per person, or FILE.pdf for one combined PDF (default OUTPUT-FOLDER/certificates)")
	on := fs.String("on", "", "issue `date`, e.g. 3/9/2012 or 2012-09-03 (default today)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(errOut, "cascade certificates: unexpected %q (did you mean certificates revoke?)\n", pos[0])
		return errUsage
	}
	if *kind != "" {
		if _, err := model.KindPrefix(*kind); err != nil {
			fmt.Fprintf(errOut, "cascade certificates: --kind %q: want completion, units or trainer\n", *kind)
			return errUsage
		}
	}
	if *on != "" {
		// Read as every date field reads it, so 3/9/2012 works here too.
		if *on, err = model.ParseDate("--on", *on); err != nil {
			return err
		}
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Refuse before listing anyone: a refused run prints one line, not the
	// candidates it would have skipped.
	if err := s.Authorize(ctx, by, model.ActCertificates); err != nil {
		return err
	}
	if *outPath == "" {
		dir, err := reports.OutputFolder(ctx, s)
		if err != nil {
			return err
		}
		*outPath = filepath.Join(dir, "certificates")
	}
	sel := model.CertSelection{Cohort: *cohort, Host: *host, Person: *person, Kind: *kind}
	cands, err := s.Candidates(ctx, sel)
	if err != nil {
		return err
	}
	if *kind == "" {
		// Trainer certificates are signed and permanent: issued only when
		// asked for by name, as the Certificates screen does.
		cands = slices.DeleteFunc(cands, func(c model.Candidate) bool { return c.Kind == model.KindTrainer })
	}
	if len(cands) == 0 {
		return fmt.Errorf("no one matches the selection (%s)", describeSelection(sel))
	}
	for _, c := range cands {
		if !c.Eligible {
			fmt.Fprintf(out, "skipped %s %s <%s>: %s\n", c.Kind, c.Name, c.Email, c.Why)
		}
	}
	res, err := reports.IssueAndPrint(ctx, s, by, cands, reports.PrintRunOptions{Out: *outPath, On: *on, Progress: progress})
	if err != nil {
		return err
	}
	switch {
	case len(res.Paths) == 0:
	case res.Combined:
		fmt.Fprintf(out, "wrote %s (%d pages)\n", *outPath, len(res.Certificates))
	default:
		fmt.Fprintf(out, "wrote %d files to %s\n", len(res.Paths), *outPath)
	}
	if res.Again > 0 {
		fmt.Fprintf(out, "printed %d issued earlier but never delivered, as originals\n", res.Again)
	}
	fmt.Fprintf(out, "issued %d, reprinted %d, skipped %d\n", res.Issued, res.Reprinted, res.Skipped)
	return nil
}

func describeSelection(sel model.CertSelection) string {
	var b []string
	if sel.Cohort > 0 {
		b = append(b, fmt.Sprintf("cohort %d", sel.Cohort))
	}
	if sel.Host != "" {
		b = append(b, "host "+sel.Host)
	}
	if sel.Person != "" {
		b = append(b, "person "+sel.Person)
	}
	if sel.Kind != "" {
		b = append(b, "kind "+sel.Kind)
	}
	if len(b) == 0 {
		return "everyone"
	}
	return strings.Join(b, ", ")
}

func cmdRevoke(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("certificates revoke", "certificates revoke NUMBER --reason TEXT --db FILE", errOut)
	db := dbFlag(fs, "the database file")
	reason := fs.String("reason", "", "why it is revoked (required; kept with the certificate)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*reason) == "" {
		fmt.Fprintln(errOut, "cascade certificates revoke: give one NUMBER and --reason TEXT")
		return errUsage
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Revoke(ctx, by, pos[0], *reason); err != nil {
		return err
	}
	fmt.Fprintf(out, "revoked %s: %s\n", strings.ToUpper(pos[0]), strings.TrimSpace(*reason))
	return nil
}
