package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"cascade/model"
	"cascade/model/sqlstore"
)

func cmdRestore(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("restore", "restore ARCHIVE.zip --db FILE|postgres://… [--force]\n\n"+
		"A backup made from either store restores into either. On PostgreSQL the database must be\n"+
		"empty (createdb NEW, then cascade restore ARCHIVE.zip --db postgres://…/NEW): the app's\n"+
		"database role may not drop a programme's tables or its audit log.", errOut)
	db := dbFlag(fs, "where to put the restored database: a file, or an empty postgres:// database")
	force := fs.Bool("force", false, "replace an existing database file and its evidence files (never a server's programme)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if err := mayRestore(ctx, fs, *db); err != nil {
		return err
	}
	info, err := sqlstore.Restore(ctx, pos[0], *db, model.RestoreOptions{Force: *force})
	if err != nil {
		return err
	}
	verb := "restored"
	if info.Replaced {
		verb = "replaced"
	}
	fmt.Fprintf(out, "%s %s from %s (backed up %s, schema version %d) with %d evidence files, every SHA-256 checked\n",
		verb, shownDB(*db), pos[0], info.Manifest.CreatedAt, info.Manifest.SchemaVersion, info.Files)
	// The same summary and check a person would run next, so the restore
	// proves itself.
	again := append([]string{"--db", *db}, userArgs(fs)...)
	if err := cmdSummary(ctx, again, out, errOut); err != nil {
		return err
	}
	return cmdCheck(ctx, again, out, errOut)
}

// mayRestore checks, when a programme is already at db, that the user the
// command acts as may restore over it; it changes nothing.
func mayRestore(ctx context.Context, fs *flag.FlagSet, db string) error {
	if sqlstore.IsServerURL(db) {
		return nil // restore refuses a server database that holds a programme
	}
	if exists, err := (sqlstore.FileSource{Path: db}).Exists(); err != nil || !exists {
		return err
	}
	s, by, err := openStore(ctx, fs, db)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Authorize(ctx, by, model.ActRestore)
}

// shownDB is a --db value fit to print: a server URL loses its password.
func shownDB(db string) string {
	if sqlstore.IsServerURL(db) {
		return sqlstore.RedactURL(db)
	}
	return db
}
