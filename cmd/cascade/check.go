package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

func cmdCheck(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("check", "check --db FILE", errOut)
	db := dbFlag(fs, "the database file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.Check(ctx)
	if err != nil {
		return err
	}
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintln(out, p)
		}
		noun := "problems"
		if len(r.Problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(errOut, "cascade check: %d %s in %s\n", len(r.Problems), noun, *db)
		return errReported
	}
	var flags []string
	for _, f := range r.Flags {
		flags = append(flags, fmt.Sprintf("%d %s", f.Count, f.Noun()))
	}
	line := fmt.Sprintf("ok: %s passes integrity, foreign keys and the programme's rules; %d evidence files match their hashes", *db, r.Files)
	if r.AuditHead != "" {
		line += fmt.Sprintf("; the audit log's %d entries chain to %s", r.AuditEntries, r.AuditHead)
	}
	if len(flags) > 0 {
		line += "; flagged for review: " + strings.Join(flags, ", ")
	}
	fmt.Fprintln(out, line)
	return nil
}
