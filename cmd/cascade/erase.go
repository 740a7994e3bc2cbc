package main

import (
	"cascade/model"
	"cascade/model/sqlstore"
	"context"
	"flag"
	"fmt"
	"io"
)

func cmdErase(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("erase", "erase person EMAIL --db FILE --reason TEXT [--purge-backups]", errOut)
	db := dbFlag(fs, "the database file")
	reason := fs.String("reason", "", "why the details are erased (kept in the audit log)")
	purge := fs.Bool("purge-backups", false, "also remove the person from the automatic backups made before")
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
	if *purge {
		// Run again after an erasure, with the placeholder address: only the
		// backups are left to clear.
		if erased, err := s.PersonErased(ctx, pos[1]); err == nil && erased {
			backups, err := sqlstore.AutoBackups(sqlstore.AutoBackupDir(s.Path()))
			if err != nil {
				return err
			}
			return purgeBackups(ctx, s, by, pos[1], backups, out)
		}
	}
	res, err := s.ErasePerson(ctx, by, pos[1], *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "erased %s's personal details: now shown as %q; %d evidence files removed; %d issued certificates kept for verification\n",
		pos[1], res.Label, res.FilesRemoved, res.Kept)
	if !res.Compacted {
		fmt.Fprintln(errOut, "cascade erase: another window has the programme open, so old copies of the details may stay in its write-ahead log until every window is closed")
	}
	if len(res.Backups) == 0 {
		return nil
	}
	if !*purge {
		fmt.Fprintf(out, "%d automatic backups made before still hold the person; to remove them from these, run\n  cascade erase person %s --db %s --reason TEXT --purge-backups\n",
			len(res.Backups), model.ErasedEmail(res.PersonID), *db)
		for _, b := range res.Backups {
			fmt.Fprintln(out, "  "+b)
		}
		return nil
	}
	return purgeBackups(ctx, s, by, model.ErasedEmail(res.PersonID), res.Backups, out)
}

// purgeBackups removes an erased person from the automatic backups and says which held them.
func purgeBackups(ctx context.Context, s *sqlstore.Store, by model.User, email string, backups []string, out io.Writer) error {
	done, err := s.PurgeBackups(ctx, by, email, backups)
	for _, b := range done {
		fmt.Fprintln(out, "removed the person from backup "+b)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d of %d automatic backups held the person; none does now\n", len(done), len(backups))
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
