package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"cascade/model"
)

// progressLine is one JSON line of `cascade progress`, exactly the keys.
type progressLine struct {
	Email string `json:"email"`
	model.QualificationProgress
}

func cmdProgress(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("progress", "progress --db FILE [--person EMAIL | --cohort N] --json", errOut)
	db := dbFlag(fs, "the database file")
	person := fs.String("person", "", "one learner, by email")
	cohort := fs.Int("cohort", 0, "the learners of one cohort")
	_ = fs.Bool("json", true, "one JSON object per line per learner and qualification (the only format)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *person != "" && *cohort != 0 {
		fmt.Fprintln(errOut, "cascade progress: give --person or --cohort, not both")
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
	lps, err := s.ProgressOf(ctx, model.ProgressFilter{Email: *person, Cohort: *cohort})
	if err != nil {
		return err
	}
	if *person != "" && len(lps) == 0 {
		return fmt.Errorf("no learner registered for a qualification has the email %s", *person)
	}
	enc := json.NewEncoder(out)
	for _, lp := range lps {
		if err := enc.Encode(progressLine{Email: lp.Email, QualificationProgress: lp.QualificationProgress}); err != nil {
			return err
		}
	}
	return nil
}
