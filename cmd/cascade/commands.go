package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"cascade/model"
	"cascade/model/sqlstore"
)

// command is one verb of the cascade binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// commands lists every verb in the order --help shows them.
func commands() []command {
	return []command{
		{"init", "create an empty programme database", cmdInit},
		{"demo", "build a demo programme at full national scale", cmdDemo},
		{"summary", "count what a database holds", cmdSummary},
		{"check", "check a database and its evidence files", cmdCheck},
		{"import", "import cohorts, hosts, organisers, trainers or the OCN catalogue", cmdImport},
		{"export", "export records as CSV, XLSX or JSON", cmdExport},
		{"progress", "learners' qualification progress as JSON lines", cmdProgress},
		{"certificates", "issue, reprint or revoke certificates", cmdCertificates},
		{"report", "write a progress, accreditation, claim, cascade, verification or equality report", cmdReport},
		{"verify", "verify a certificate PDF or NUMBER:CODE", cmdVerify},
		{"keys", "export the database's certificate-signing public key", cmdKeys},
		{"backup", "back the database and its evidence files up into one archive", cmdBackup},
		{"restore", "restore a backup archive", cmdRestore},
		{"migrate", "copy a whole programme between a file and a PostgreSQL server", cmdMigrate},
		{"erase", "erase a withdrawn person's personal details", cmdErase},
	}
}

// errUsage marks a mistake in how the command was called (exit code 2).
var errUsage = errors.New("usage")

// run dispatches to a command, or opens the window when none is named.
func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range commands() {
			if c.name == args[0] {
				sqlstore.Holder = "cascade " + c.name
				return exitCode(errOut, c.name, c.run(ctx, args[1:], out, errOut))
			}
		}
		fmt.Fprintf(errOut, "cascade: unknown command %q (see cascade --help)\n", args[0])
		return 2
	}
	sqlstore.Holder = "cascade window"
	return exitCode(errOut, "", cmdWindow(ctx, args, out, errOut))
}

// exitCode prints a failure as one line a person can act on.
func exitCode(errOut io.Writer, name string, err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	if msg := err.Error(); !errors.Is(err, model.ErrDamaged) &&
		(strings.Contains(msg, "database disk image is malformed") || strings.Contains(msg, "(11)")) {
		// SQLite's words for a page it could not read, said plainly.
		err = fmt.Errorf("%w: %v; run cascade check", model.ErrDamaged, err)
	}
	prefix := "cascade"
	if name != "" {
		prefix += " " + name
	}
	fmt.Fprintf(errOut, "%s: %v\n", prefix, err)
	return 1
}

// errReported means the command already printed its problems line by line.
var errReported = errors.New("problems reported")

// newFlags makes a flag set that prints its usage to errOut and reports
// mistakes as errUsage.
func newFlags(name, usage string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.String(userFlag, "", "act as this programme user, judged by their role (password from "+passwordEnv+
		", or asked for); without it, on a local file, as the operating-system user")
	fs.Usage = func() {
		fmt.Fprintf(errOut, "usage: cascade %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, letting positional arguments sit before or between them.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// dbEnv names the programme when --db is not given: a file, or a server.
const dbEnv = "CASCADE_DB"

// dbFlag declares --db, whose default is $CASCADE_DB: a SQLite file or a
// PostgreSQL URL (postgres://USER@HOST:PORT/DB?sslmode=…).
func dbFlag(fs *flag.FlagSet, what string) *string {
	return fs.String("db", os.Getenv(dbEnv), what+": a file, or postgres://USER@HOST:PORT/DB?sslmode=… for a programme "+
		"many desks share (default $"+dbEnv+")")
}

// needDB reports a missing --db as a usage mistake.
func needDB(fs *flag.FlagSet, db string) error {
	if db == "" {
		fmt.Fprintf(fs.Output(), "cascade %s: --db FILE (or postgres://…, or $%s) is required\n", fs.Name(), dbEnv)
		return errUsage
	}
	return nil
}

// openStore opens the existing database a command's --db names, refusing
// with the usage line when none was given, and signs in as --user: it
// returns who the command acts as.
func openStore(ctx context.Context, fs *flag.FlagSet, db string) (*sqlstore.Store, model.User, error) {
	if err := needDB(fs, db); err != nil {
		return nil, model.User{}, err
	}
	s, err := sqlstore.Open(ctx, db)
	if err != nil {
		return nil, model.User{}, err
	}
	by, err := actingUser(ctx, fs, s)
	if err != nil {
		s.Close()
		return nil, model.User{}, err
	}
	return s, by, nil
}

func usage(out io.Writer) {
	fmt.Fprintln(out, `usage: cascade [--db FILE]          open the window
       cascade COMMAND [flags]       batch work, no display needed

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(out, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(out, "\nRun cascade COMMAND --help for a command's flags.")
}
