package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"cascade/model"
)

func cmdBackup(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("backup", "backup --db FILE --out ARCHIVE.zip", errOut)
	db := dbFlag(fs, "the database file or postgres:// URL (it may be open in the window)")
	archive := fs.String("out", "", "the zip archive to write")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *archive == "" {
		fmt.Fprintln(errOut, "cascade backup: --out ARCHIVE.zip is required")
		return errUsage
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.Backup(ctx, by, *archive, nil)
	var incomplete *model.BackupIncompleteError
	if errors.As(err, &incomplete) {
		for _, p := range incomplete.Problems {
			fmt.Fprintf(errOut, "cascade backup: %s\n", p)
		}
		fmt.Fprintf(errOut, "cascade backup: wrote %s with %d evidence files, but it is not a whole copy (%d problems above); run cascade check --db %s\n",
			*archive, info.Files, len(incomplete.Problems), *db)
		return errReported
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backed up %s (schema version %d) and %d evidence files to %s\n",
		shownDB(*db), info.SchemaVersion, info.Files, *archive)
	return nil
}
