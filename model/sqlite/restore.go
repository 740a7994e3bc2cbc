package sqlite

import (
	"archive/zip"
	"cascade/model"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Restore puts a backup archive back at dbPath. It proves every member
// against the manifest's SHA-256 while extracting into a temporary folder,
// opens and checks the extracted database, and only then swaps it and its
// evidence folder into place by renaming; a damaged archive changes nothing.
func Restore(ctx context.Context, archive, dbPath string, opt model.RestoreOptions) (model.RestoreInfo, error) {
	var info model.RestoreInfo
	damaged := func(format string, a ...any) (model.RestoreInfo, error) {
		return info, fmt.Errorf("%s: %w: %s; nothing was restored", archive, model.ErrDamagedBackup, fmt.Sprintf(format, a...))
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return info, fmt.Errorf("restore %s: no such file", archive)
		}
		return damaged("it is not a readable zip archive (%v)", err)
	}
	defer zr.Close()
	members := map[string]*zip.File{}
	for _, f := range zr.File {
		members[f.Name] = f
	}
	mf, ok := members[backupManifest]
	if !ok {
		return damaged("it has no %s, so it is not a Cascade backup", backupManifest)
	}
	man, err := readManifest(mf)
	if err != nil {
		return damaged("%s cannot be read (%v)", backupManifest, err)
	}
	info.Manifest = man
	if man.Format != backupFormat {
		return damaged("%s says format %q, not %q", backupManifest, man.Format, backupFormat)
	}
	if man.SchemaVersion > KnownSchemaVersion() {
		return info, fmt.Errorf("restore %s: %w: the backup has schema version %d, this cascade knows up to %d; use a newer cascade",
			archive, model.ErrNewerSchema, man.SchemaVersion, KnownSchemaVersion())
	}
	listed := map[string]bool{backupManifest: true}
	hasDB := false
	for _, m := range man.Members {
		if !safeMemberName(m.Name) {
			return damaged("member %q has an unsafe name", m.Name)
		}
		if members[m.Name] == nil {
			return damaged("%s is listed in the manifest but missing", m.Name)
		}
		listed[m.Name] = true
		hasDB = hasDB || m.Name == backupDBName
	}
	if !hasDB {
		return damaged("it holds no %s", backupDBName)
	}
	for name := range members {
		if !listed[name] {
			return damaged("%s is in the archive but not in the manifest", name)
		}
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return info, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	if _, err := os.Stat(abs); err == nil {
		if !opt.Force {
			return info, fmt.Errorf("restore to %s: %w (use --force to replace it and its evidence files)", dbPath, model.ErrExists)
		}
		info.Replaced = true
	}
	dir := filepath.Dir(abs)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return info, fmt.Errorf("restore to %s: folder %s does not exist", dbPath, dir)
	}
	tmp, err := os.MkdirTemp(dir, ".cascade-restore-")
	if err != nil {
		return info, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	defer os.RemoveAll(tmp)
	newDB := filepath.Join(tmp, backupDBName)
	for i, m := range man.Members {
		dst := newDB
		if m.Name != backupDBName {
			dst = filepath.Join(newDB+".files", filepath.FromSlash(strings.TrimPrefix(m.Name, backupFilesDir)))
			info.Files++
		}
		if err := extractMember(members[m.Name], dst, m); err != nil {
			return damaged("%v", err)
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(man.Members))
		}
		if err := ctx.Err(); err != nil {
			return info, err
		}
	}
	// Open migrates an older backup up to this binary's schema. The hashes
	// prove the archive is what was backed up; SQLite's own integrity check
	// proves the database in it is whole. Rule problems the programme had
	// when it was backed up are for check to report afterwards, not reasons
	// to keep a person from their own backup.
	s, err := Open(ctx, newDB)
	if err != nil {
		return damaged("its database cannot be opened (%v)", err)
	}
	var rep model.CheckReport
	err = s.checkIntegrity(ctx, &rep)
	s.Close()
	if err != nil {
		return info, fmt.Errorf("restore %s: check the restored database: %w", archive, err)
	}
	if !rep.OK() {
		return damaged("its database fails SQLite's integrity check: %s", rep.Problems[0].What)
	}
	if err := swapInto(tmp, newDB, abs); err != nil {
		return info, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	return info, nil
}

func readManifest(f *zip.File) (model.BackupManifest, error) {
	var man model.BackupManifest
	r, err := f.Open()
	if err != nil {
		return man, err
	}
	defer r.Close()
	// Read to the end so the zip reader checks the member's CRC-32: nothing
	// else vouches for the manifest itself.
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return man, err
	}
	err = json.Unmarshal(b, &man)
	return man, err
}

// safeMemberName refuses names that would land outside the restore folder.
func safeMemberName(name string) bool {
	if name == backupDBName {
		return true
	}
	rest, ok := strings.CutPrefix(name, backupFilesDir)
	return ok && rest != "" && !strings.HasPrefix(rest, "/") && !strings.Contains(name, "\\") &&
		path.Clean(name) == name && !strings.Contains(name, "..")
}

// extractMember writes one member to dst, checking its size and SHA-256.
func extractMember(f *zip.File, dst string, m model.BackupMember) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s cannot be read (%v)", m.Name, err)
	}
	defer r.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s cannot be read (%v)", m.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != m.SHA256 || n != m.Size {
		return fmt.Errorf("%s does not match its SHA-256 in the manifest", m.Name)
	}
	return nil
}

// swapInto moves the restored database and files into place, keeping the old
// ones aside in tmp until the new ones are in, and putting them back if a
// rename fails. The old WAL files go too: left beside the new database they
// would be replayed into it.
func swapInto(tmp, newDB, target string) error {
	aside := filepath.Join(tmp, "previous")
	if err := os.Mkdir(aside, 0o700); err != nil {
		return err
	}
	var moved [][2]string
	undo := func() {
		for i := len(moved) - 1; i >= 0; i-- {
			os.Rename(moved[i][1], moved[i][0])
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".files"} {
		from := target + suffix
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		to := filepath.Join(aside, "old"+suffix)
		if err := os.Rename(from, to); err != nil {
			undo()
			return err
		}
		moved = append(moved, [2]string{from, to})
	}
	var placed []string
	for _, suffix := range []string{".files", ""} {
		from := newDB + suffix
		if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(from, target+suffix); err != nil {
			for _, p := range placed {
				os.RemoveAll(p)
			}
			undo()
			return err
		}
		placed = append(placed, target+suffix)
	}
	// Open leaves WAL companions beside the temporary copy; they belong to it.
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(newDB + suffix)
	}
	return nil
}
