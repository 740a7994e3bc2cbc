package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"cascade/model/sqlstore"
)

func cmdDemo(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("demo", "demo --db FILE [--seed N] [--scale N] [--password P] [--force]", errOut)
	db := dbFlag(fs, "the database file to build")
	seed := fs.Int64("seed", 1, "random seed: the same seed builds the same programme")
	scale := fs.Int("scale", 1, "people multiplier: 1 is the national programme, 10 for benchmarks")
	// A demo's users share the password the README gives, so anyone can sign
	// in; --password sets another for a demo others can reach.
	password := fs.String("password", sqlstore.DemoPassword, "password for every demo user")
	force := fs.Bool("force", false, "replace an existing database")
	quiet := fs.Bool("quiet", false, "print no progress")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *scale < 1 || *scale > 100 {
		return fmt.Errorf("--scale %d: give a whole number from 1 to 100", *scale)
	}
	start := time.Now()
	opt := sqlstore.DemoOptions{Seed: *seed, Scale: *scale, Password: *password, Force: *force}
	if !*quiet && isTerminal(errOut) {
		opt.Progress = func(step string, done, total int) {
			fmt.Fprintf(errOut, "\r[%d/%d] %-40s", done, total, step)
			if done == total {
				fmt.Fprintln(errOut)
			}
		}
	}
	res, err := sqlstore.Demo(ctx, *db, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "built the demo programme in %s (%.1f s)\n", *db, time.Since(start).Seconds())
	fmt.Fprintln(out, "sign in as one of these users:")
	for _, u := range res.Users {
		fmt.Fprintf(out, "  %-12s %s\n", u.Username, u.Role)
	}
	if res.Password == sqlstore.DemoPassword {
		fmt.Fprintf(out, "password: %s (the demo's, as the README says; --password sets another)\n", res.Password)
	} else {
		fmt.Fprintf(out, "password: %s\n", res.Password)
	}
	return nil
}
