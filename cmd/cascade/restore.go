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
	fs := newFlags("restore", "restore ARCHIVE.zip --db FILE [--force]", errOut)
	db := dbFlag(fs, "where to put the restored database")
	force := fs.Bool("force", false, "replace an existing database and its evidence files")
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
		verb, *db, pos[0], info.Manifest.CreatedAt, info.Manifest.SchemaVersion, info.Files)
	// The same summary and check a person would run next, so the restore
	// proves itself.
	if err := cmdSummary(ctx, []string{"--db", *db}, out, errOut); err != nil {
		return err
	}
	return cmdCheck(ctx, []string{"--db", *db}, out, errOut)
}

// mayRestore checks, when a programme is already at db, that the user the
// command acts as may restore over it; it changes nothing.
func mayRestore(ctx context.Context, fs *flag.FlagSet, db string) error {
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
