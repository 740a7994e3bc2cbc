package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"cascade/model"
	"cascade/model/sqlstore"
)

func cmdMigrate(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("migrate", "migrate --from FILE|postgres://… --to FILE|postgres://… [--user NAME] [--quiet]\n\n"+
		"Copies a whole programme (every record with its id, the audit log, the signing key and the\n"+
		"evidence files) into a new one. The target must hold no programme: a new file, or an empty\n"+
		"PostgreSQL database (createdb NEW). --user signs in on the source.", errOut)
	from := fs.String("from", "", "the programme to copy: a database file or a postgres:// URL")
	to := fs.String("to", "", "where to put the copy: a new database file or an empty postgres:// database")
	quiet := fs.Bool("quiet", false, "print no progress")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(errOut, "cascade migrate: --from and --to are both required")
		return errUsage
	}
	start := time.Now()
	opt := sqlstore.MigrateOptions{SignIn: func(ctx context.Context, src *sqlstore.Store) (model.User, error) {
		return actingUser(ctx, fs, src)
	}}
	if !*quiet && isTerminal(errOut) {
		opt.Progress = countingLine(errOut)
	}
	res, err := sqlstore.Migrate(ctx, *from, *to, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "migrated %s to %s (schema version %d): %d rows in %d tables and %d evidence files (%.1f MB) in %.1f s\n",
		res.From, res.To, res.SchemaVersion, res.Rows, res.Tables, res.Files, float64(res.FileBytes)/1e6, time.Since(start).Seconds())
	return nil
}

// isTerminal reports whether w is a terminal: a progress line rewritten in
// place with \r is for a person watching, and only litters a log or a pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// countingLine reports done of total on one line rewritten in place, at
// most once a percent, ending it when the work is done.
func countingLine(errOut io.Writer) func(done, total int64) {
	last := int64(-1)
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		pct := done * 100 / total
		if pct == last {
			return
		}
		last = pct
		fmt.Fprintf(errOut, "\r[%3d%%] %d of %d rows and files", pct, done, total)
		if done >= total {
			fmt.Fprintln(errOut)
		}
	}
}

// userArgs passes --user on to a command run after this one.
func userArgs(fs *flag.FlagSet) []string {
	if name := userName(fs); name != "" {
		return []string{"--" + userFlag, name}
	}
	return nil
}
