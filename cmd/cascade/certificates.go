package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cascade/model"
	"cascade/reports"
)

func cmdCertificates(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 && args[0] == "revoke" {
		return cmdRevoke(ctx, args[1:], out, errOut)
	}
	fs := newFlags("certificates", `certificates --db FILE [--cohort N] [--host NAME] [--person EMAIL]
                    [--kind completion|units|trainer] --out DIR|FILE.pdf
       cascade certificates revoke NUMBER --reason TEXT --db FILE

Issues a certificate to everyone eligible in the selection (a reprint, same
number marked COPY, to anyone who already holds one) and writes one PDF per
person into DIR, or one combined PDF to print.`, errOut)
	db := fs.String("db", "", "the database file")
	cohort := fs.Int("cohort", 0, "only this cohort `number`")
	host := fs.String("host", "", "only this host organisation (a trainer's organisation for trainers)")
	person := fs.String("person", "", "only the person with this `email`")
	kind := fs.String("kind", "", "only this kind: completion, units or trainer (default all three)")
	outPath := fs.String("out", "", "a folder for one PDF per person, or FILE.pdf for one combined PDF")
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
	if *outPath == "" {
		fmt.Fprintln(errOut, "cascade certificates: --out DIR|FILE.pdf is required")
		return errUsage
	}
	if *kind != "" {
		if _, err := model.KindPrefix(*kind); err != nil {
			fmt.Fprintf(errOut, "cascade certificates: --kind %q: want completion, units or trainer\n", *kind)
			return errUsage
		}
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sel := model.CertSelection{Cohort: *cohort, Host: *host, Person: *person, Kind: *kind}
	cands, err := s.Candidates(ctx, sel)
	if err != nil {
		return err
	}
	if len(cands) == 0 {
		return fmt.Errorf("no one matches the selection (%s)", describeSelection(sel))
	}
	skipped := 0
	for _, c := range cands {
		if !c.Eligible {
			skipped++
			fmt.Fprintf(out, "skipped %s %s <%s>: %s\n", c.Kind, c.Name, c.Email, c.Why)
		}
	}
	if *on != "" {
		// Read as every date field reads it, so 3/9/2012 works here too.
		if *on, err = model.ParseDate("--on", *on); err != nil {
			return err
		}
	}
	issued, err := s.IssueCertificates(ctx, by, cands, model.IssueOptions{On: *on})
	if err != nil {
		return err
	}
	var reprinted int
	if len(issued) > 0 {
		cs, err := s.CertificateSettings(ctx)
		if err != nil {
			return err
		}
		printables := make([]model.Printable, len(issued))
		for i, c := range issued {
			printables[i] = c.Printable(c.Reprint, cs.Logo)
			if c.Reprint {
				reprinted++
			}
		}
		if err := writeCertificates(ctx, *outPath, printables, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "issued %d, reprinted %d, skipped %d\n", len(issued)-reprinted, reprinted, skipped)
	return nil
}

// writeCertificates writes a combined PDF when out names a .pdf file, and a
// folder of one PDF per person otherwise.
func writeCertificates(ctx context.Context, out string, certs []model.Printable, w io.Writer) error {
	created := time.Now().UTC()
	if strings.HasSuffix(strings.ToLower(out), ".pdf") {
		// Through a temporary file, so a failed run never leaves half a PDF.
		f, err := os.CreateTemp(filepath.Dir(out), ".cascade-certificates-*.pdf")
		if err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		defer os.Remove(f.Name())
		err = reports.WriteCertificates(f, certs, created)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), out)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Fprintf(w, "wrote %s (%d pages)\n", out, len(certs))
		return nil
	}
	paths, err := reports.WriteCertificateFiles(ctx, out, certs, created, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %d files to %s\n", len(paths), out)
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
	db := fs.String("db", "", "the database file")
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
