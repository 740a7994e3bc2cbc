package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func cmdErase(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("erase", "erase person EMAIL --db FILE --reason TEXT", errOut)
	db := fs.String("db", "", "the database file")
	reason := fs.String("reason", "", "why the details are erased (kept in the audit log)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "person" {
		fs.Usage()
		return errUsage
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *reason == "" {
		fmt.Fprintln(errOut, "cascade erase: --reason TEXT is required; it is kept in the audit log")
		return errUsage
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.ErasePerson(ctx, by, pos[1], *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "erased %s's personal details: now shown as %q; %d evidence files removed; %d issued certificates kept for verification\n",
		pos[1], res.Label, res.FilesRemoved, res.Kept)
	return nil
}

// exportPerson answers a subject access request into a folder.
func exportPerson(ctx context.Context, fs *flag.FlagSet, db, email, dir string, out io.Writer) error {
	s, by, err := openStore(ctx, fs, db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.ExportPerson(ctx, by, email, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote everything held about %s to %s: person.json, certificates.json (%d) and %d evidence files\n",
		email, dir, res.Certificates, res.Files)
	return nil
}
