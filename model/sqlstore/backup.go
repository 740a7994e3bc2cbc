package sqlstore

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
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A backup archive holds the database as backupDBName, each evidence file
// under files/ as it sits in FilesDir, and manifest.json naming every member
// with its SHA-256, so a restore can prove the archive whole before using it.
const (
	backupDBName     = "cascade.db"
	backupFilesDir   = "files/"
	backupManifest   = "manifest.json"
	backupFormat     = "cascade-backup/1"
	autoBackupPrefix = "cascade-"
)

// Backup writes the database and its evidence files into one zip archive at
// out. The database is copied with VACUUM INTO, a consistent snapshot taken
// inside a read transaction, so the window may stay open and keep working.
// progress (may be nil) is called as members are written.
func (s *Store) Backup(ctx context.Context, by model.User, out string, progress func(done, total int)) (model.BackupInfo, error) {
	if err := s.require(ctx, by, model.ActBackup); err != nil {
		return model.BackupInfo{}, err
	}
	return s.backup(ctx, out, progress)
}

// backup writes the archive; AutoBackup calls it as the window closes, a
// safety copy nobody asked for, so it checks no role.
func (s *Store) backup(ctx context.Context, out string, progress func(done, total int)) (model.BackupInfo, error) {
	info := model.BackupInfo{Path: out}
	fail := func(err error) (model.BackupInfo, error) { return info, fmt.Errorf("back up to %s: %w", out, err) }
	dir := filepath.Dir(out)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fail(fmt.Errorf("folder %s does not exist", dir))
	}
	sweepBackupTemporaries(dir)
	tmpDir, err := os.MkdirTemp(dir, backupTempPrefix())
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmpDir)
	snap := filepath.Join(tmpDir, backupDBName)
	filesRoot := s.filesDir
	var dbProblem, problems []model.Problem
	var files []string
	if s.pg {
		// A server's programme is backed up as a file programme, migrated
		// out of one snapshot of it with its evidence files (each proved
		// against its SHA-256 on the way): the archive is the same as a
		// file's, and restores into either.
		moved, err := s.migrateInto(ctx, snap, nil, true)
		if err != nil {
			return fail(err)
		}
		problems = moved.Problems
		filesRoot = snap + ".files"
		if info.SchemaVersion, err = s.SchemaVersion(ctx); err != nil {
			return fail(err)
		}
		if files, err = evidenceFiles(filesRoot); err != nil {
			return fail(err)
		}
	} else {
		if err := s.snapshot(ctx, snap); err != nil {
			return fail(fmt.Errorf("copy the database: %w", s.damageOf(ctx, err)))
		}
		// A page that lost rows copies without complaint; say so, but keep the
		// copy: it is all there is, and restore will refuse it rather than use it.
		if err := s.quickCheck(ctx); errors.Is(err, model.ErrDamaged) {
			dbProblem = []model.Problem{{Where: s.path, What: err.Error()}}
		} else if err != nil {
			return fail(err)
		}
		if info.SchemaVersion, err = s.SchemaVersion(ctx); err != nil {
			return fail(err)
		}
		if files, err = evidenceFiles(s.filesDir); err != nil {
			return fail(err)
		}
		if files, problems, err = s.wholeEvidenceFiles(ctx, files); err != nil {
			return fail(err)
		}
	}
	problems = append(dbProblem, problems...)
	zf, err := os.CreateTemp(dir, backupTempPrefix()+"*.zip")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(zf.Name())
	zw := zip.NewWriter(zf)
	man := model.BackupManifest{Format: backupFormat, SchemaVersion: info.SchemaVersion, CreatedAt: model.Now(), Source: s.path}
	total := len(files) + 1
	add := func(name, src string) error {
		m, err := addZipMember(zw, name, src)
		if err != nil {
			return err
		}
		man.Members = append(man.Members, m)
		info.Bytes += m.Size
		if progress != nil {
			progress(len(man.Members), total)
		}
		return ctx.Err()
	}
	err = add(backupDBName, snap)
	for _, rel := range files {
		if err != nil {
			break
		}
		err = add(backupFilesDir+filepath.ToSlash(rel), filepath.Join(filesRoot, rel))
	}
	if err == nil {
		err = writeManifest(zw, man)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = zf.Sync()
	}
	if cerr := zf.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(zf.Name(), out)
	}
	if err != nil {
		return fail(err)
	}
	info.Files = len(files)
	if len(problems) > 0 {
		return info, &model.BackupIncompleteError{Archive: out, Problems: problems}
	}
	return info, nil
}

// wholeEvidenceFiles keeps the files that are whole and names, one problem
// each, every file the programme refers to that is missing and every file
// whose contents no longer match the SHA-256 it is named by.
func (s *Store) wholeEvidenceFiles(ctx context.Context, files []string) ([]string, []model.Problem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM evidence_files ORDER BY sha256`)
	if err != nil {
		return nil, nil, fmt.Errorf("list evidence files: %w", err)
	}
	defer rows.Close()
	present := map[string]bool{}
	for _, rel := range files {
		present[filepath.Join(s.filesDir, rel)] = true
	}
	var problems []model.Problem
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, nil, fmt.Errorf("list evidence files: %w", err)
		}
		if p := s.EvidenceFilePath(h); !present[p] {
			problems = append(problems, model.Problem{Where: p, What: "evidence file is missing"})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list evidence files: %w", err)
	}
	var whole []string
	for _, rel := range files {
		path := filepath.Join(s.filesDir, rel)
		name := filepath.Base(rel)
		if len(name) == sha256.Size*2 {
			got, err := hashFile(path)
			switch {
			case err != nil:
				problems = append(problems, model.Problem{Where: path, What: "evidence file cannot be read: " + err.Error()})
				continue
			case got != name:
				problems = append(problems, model.Problem{Where: path, What: "evidence file is damaged: its SHA-256 is " + got})
				continue
			}
		}
		whole = append(whole, rel)
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Where < problems[j].Where })
	return whole, problems, nil
}

// backupTempPrefix names this process's temporaries in a backup's folder,
// carrying the pid so a later backup can tell a killed one's leftovers.
func backupTempPrefix() string { return fmt.Sprintf(".cascade-backup-%d-", os.Getpid()) }

// sweepBackupTemporaries removes what backups killed part-way left in dir: a
// database snapshot and a half-written archive, each a full copy.
func sweepBackupTemporaries(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), ".cascade-backup-")
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		if pid, err := strconv.Atoi(pidText); err == nil && pid != os.Getpid() && !alive(pid) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// snapshot copies the database to path with VACUUM INTO. A read-only store
// is query_only, which refuses VACUUM INTO though it writes only the copy;
// the file itself stays protected by opening it mode=ro.
func (s *Store) snapshot(ctx context.Context, path string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.readOnly {
		if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO $1`, path)
	return err
}

// evidenceFiles lists the evidence folder's files relative to it; a database
// with no folder yet has none.
func evidenceFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root && os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list evidence files: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

func addZipMember(zw *zip.Writer, name, src string) (model.BackupMember, error) {
	f, err := os.Open(src)
	if err != nil {
		return model.BackupMember{}, err
	}
	defer f.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return model.BackupMember{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), f)
	if err != nil {
		return model.BackupMember{}, fmt.Errorf("add %s: %w", name, err)
	}
	return model.BackupMember{Name: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

func writeManifest(zw *zip.Writer, man model.BackupManifest) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: backupManifest, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(man)
}

// AutoBackup writes a dated backup into dir (made if missing) and removes the
// oldest automatic backups there beyond keep. The window calls it on close.
func (s *Store) AutoBackup(ctx context.Context, dir string, keep int) (model.BackupInfo, error) {
	if keep < 1 {
		keep = 1
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return model.BackupInfo{}, fmt.Errorf("automatic backup: %w", err)
	}
	name := autoBackupPrefix + time.Now().UTC().Format("20060102-150405.000") + ".zip"
	info, err := s.backup(ctx, filepath.Join(dir, name), nil)
	if err != nil {
		return info, err
	}
	old, err := AutoBackups(dir)
	if err != nil {
		return info, err
	}
	for len(old) > keep {
		if err := os.Remove(old[0]); err != nil {
			return info, fmt.Errorf("automatic backup: remove old %s: %w", old[0], err)
		}
		old = old[1:]
	}
	return info, nil
}

// AutoBackups lists the automatic backups in dir, oldest first (their names
// sort by time).
func AutoBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, autoBackupPrefix) && strings.HasSuffix(n, ".zip") && e.Type().IsRegular() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	return out, nil
}

// AutoBackupDir is where the window keeps automatic backups of a database.
func AutoBackupDir(dbPath string) string { return dbPath + ".backups" }
