package sqlstore

import (
	"archive/zip"
	"bytes"
	"cascade/model"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// Restore puts a backup archive back at dbPath. It proves every member
// against the manifest's size and SHA-256 while extracting into a temporary
// folder, opens and checks the extracted database is a whole Cascade
// programme, and only then swaps it and its evidence folder into place by
// journalled renames; a damaged or foreign archive changes nothing. It
// refuses while any other store has the programme at dbPath open.
func Restore(ctx context.Context, archive, dbPath string, opt model.RestoreOptions) (model.RestoreInfo, error) {
	if IsServerURL(dbPath) {
		return restoreToServer(ctx, archive, dbPath, opt)
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return model.RestoreInfo{}, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	dir := filepath.Dir(abs)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return model.RestoreInfo{}, fmt.Errorf("restore to %s: folder %s does not exist", dbPath, dir)
	}
	lock, err := lockExclusive(abs)
	if err != nil {
		return model.RestoreInfo{}, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	defer lock.release()
	return restoreLocked(ctx, archive, abs, dbPath, opt)
}

// restoreLocked restores with the target's lock held exclusive.
func restoreLocked(ctx context.Context, archive, abs, dbPath string, opt model.RestoreOptions) (model.RestoreInfo, error) {
	var info model.RestoreInfo
	// A restore cut short before this one is finished first, so the target
	// is whole before anything else looks at it.
	if data, err := os.ReadFile(swapJournal(abs)); err == nil {
		var p swapPlan
		if json.Unmarshal(data, &p) != nil || !ownedRestoreDir(abs, p) {
			return info, fmt.Errorf("restore to %s: %s is not a journal this cascade wrote; move it away first", dbPath, swapJournal(abs))
		}
		if err := finishSwap(abs, p); err != nil {
			return info, fmt.Errorf("restore to %s: finish a restore that was cut short: %w", dbPath, err)
		}
	}
	sweepTemporaries(abs)
	b, err := openBackup(archive, &info)
	if err != nil {
		return info, err
	}
	defer b.zr.Close()
	total := b.total
	if _, err := os.Stat(abs); err == nil {
		if !opt.Force {
			return info, fmt.Errorf("restore to %s: %w (use --force to replace it and its evidence files)", dbPath, model.ErrExists)
		}
		info.Replaced = true
	}
	dir := filepath.Dir(abs)
	if free, ok := freeBytes(dir); ok && total > free {
		return info, fmt.Errorf("restore to %s: the backup needs %s and the disk has %s free; nothing was restored",
			dbPath, megabytes(total), megabytes(free))
	}
	tmp, err := os.MkdirTemp(dir, restorePrefix(abs))
	if err != nil {
		return info, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(tmp)
		}
	}()
	newDB, err := b.extract(ctx, archive, tmp, &info, opt.Progress)
	if err != nil {
		return info, err
	}
	swapped = true // from here the journal owns tmp: finishSwap removes it
	if err := swapInto(tmp, newDB, abs); err != nil {
		if _, jerr := os.Stat(swapJournal(abs)); jerr != nil {
			os.RemoveAll(tmp) // no journal: the target was not touched
		}
		return info, fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	return info, nil
}

// backupArchive is a backup whose manifest has been read and proved to
// name every member safely.
type backupArchive struct {
	zr      *zip.ReadCloser
	members map[string]*zip.File
	man     model.BackupManifest
	total   uint64 // the members' bytes
}

// openBackup reads and proves a backup's manifest; a damaged or foreign
// archive is refused with ErrDamagedBackup. The caller closes b.zr.
func openBackup(archive string, info *model.RestoreInfo) (*backupArchive, error) {
	damaged := func(format string, a ...any) (*backupArchive, error) {
		return nil, fmt.Errorf("%s: %w: %s; nothing was restored", archive, model.ErrDamagedBackup, fmt.Sprintf(format, a...))
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("restore %s: no such file", archive)
		}
		return damaged("it is not a readable zip archive (%v)", err)
	}
	proved := false
	defer func() {
		if !proved {
			zr.Close()
		}
	}()
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
		return nil, fmt.Errorf("restore %s: %w: the backup has schema version %d, this cascade knows up to %d; use a newer cascade",
			archive, model.ErrNewerSchema, man.SchemaVersion, KnownSchemaVersion())
	}
	listed := map[string]bool{backupManifest: true}
	hasDB := false
	var total uint64
	for _, m := range man.Members {
		if !safeMemberName(m.Name) {
			return damaged("member %q has an unsafe name", m.Name)
		}
		f := members[m.Name]
		if f == nil {
			return damaged("%s is listed in the manifest but missing", m.Name)
		}
		if listed[m.Name] {
			return damaged("%s is listed twice in the manifest", m.Name)
		}
		// The zip's own header must agree with the manifest before a byte
		// is written: a member that claims 10 bytes and holds gigabytes is
		// refused here, not after it has filled the disk.
		if m.Size < 0 || f.UncompressedSize64 != uint64(m.Size) {
			return damaged("%s is %d bytes in the archive but the manifest says %d", m.Name, f.UncompressedSize64, m.Size)
		}
		total += uint64(m.Size)
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
	proved = true
	return &backupArchive{zr: zr, members: members, man: man, total: total}, nil
}

// extract writes every member into tmp, proving each against the manifest,
// and proves the database a whole Cascade programme, brought up to this
// binary's schema; it returns the extracted database's path.
func (b *backupArchive) extract(ctx context.Context, archive, tmp string, info *model.RestoreInfo, progress func(done, total int)) (string, error) {
	damaged := func(format string, a ...any) (string, error) {
		return "", fmt.Errorf("%s: %w: %s; nothing was restored", archive, model.ErrDamagedBackup, fmt.Sprintf(format, a...))
	}
	man, members := b.man, b.members
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
		if progress != nil {
			progress(i+1, len(man.Members))
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
	}
	if err := checkApplicationID(ctx, newDB); err != nil {
		return damaged("%v", err)
	}
	// The extracted file is proved before Open changes it: SQLite's own
	// integrity check says the database is whole, and the programme row and
	// signing key say it is a programme, not a file dressed up as one.
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: newDB}).EscapedPath()+"?mode=ro&_pragma=busy_timeout%2810000%29")
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", archive, err)
	}
	probe := &Store{db: raw, path: newDB}
	var rep model.CheckReport
	err = probe.checkProgramme(ctx)
	if err == nil {
		err = probe.checkIntegrity(ctx, &rep)
	}
	if err == nil && rep.OK() {
		err = probe.checkIsProgramme(ctx)
	}
	raw.Close()
	switch {
	case errors.Is(err, model.ErrNotProgramme) || errors.Is(err, model.ErrNotSQLite):
		return damaged("its %s is %v", backupDBName, err)
	case err != nil:
		return "", fmt.Errorf("restore %s: check the restored database: %w", archive, err)
	case !rep.OK():
		return damaged("its database fails SQLite's integrity check: %s", rep.Problems[0].What)
	}
	// Open migrates an older backup up to this binary's schema. Rule
	// problems the programme had when it was backed up are for check to
	// report afterwards, not reasons to keep a person from their own backup.
	s, err := Open(ctx, newDB)
	if err != nil {
		return damaged("its database cannot be opened (%v)", err)
	}
	s.Close()
	return newDB, nil
}

// checkApplicationID reads the extracted database's header mark before Open
// changes anything: another application's file is no programme. A file
// without a mark is a backup from before Cascade marked its files; the
// programme row and signing key checked after Open decide it.
func checkApplicationID(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 100)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head[:16], sqliteFileHeader) {
		return fmt.Errorf("its %s is not a SQLite database", backupDBName)
	}
	// The application id is the big-endian 32-bit integer at offset 68.
	if id := binary.BigEndian.Uint32(head[68:72]); id != applicationID && id != 0 {
		return fmt.Errorf("its %s is %w: it belongs to another application (application id %#x)", backupDBName, model.ErrNotProgramme, id)
	}
	return nil
}

// checkIsProgramme proves the database is a Cascade programme and not a
// file dressed up as one: the programme row and a signing key pair whose
// halves belong together.
func (s *Store) checkIsProgramme(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM programme WHERE id = 1`).Scan(&n); err != nil || n != 1 {
		return fmt.Errorf("%w: it has no programme", model.ErrNotProgramme)
	}
	var pub, priv []byte
	err := s.db.QueryRowContext(ctx, `SELECT public_key, private_key FROM signing_keys WHERE id = 1`).Scan(&pub, &priv)
	if err != nil || len(pub) != ed25519.PublicKeySize || len(priv) != ed25519.PrivateKeySize ||
		!bytes.Equal(ed25519.PrivateKey(priv).Public().(ed25519.PublicKey), pub) {
		return fmt.Errorf("%w: it has no whole signing key", model.ErrNotProgramme)
	}
	return nil
}

// freeBytes is the space left for this user on dir's disk.
func freeBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}

func megabytes(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func readManifest(f *zip.File) (model.BackupManifest, error) {
	var man model.BackupManifest
	r, err := f.Open()
	if err != nil {
		return man, err
	}
	defer r.Close()
	// Read to the end so the zip reader checks the member's CRC-32: nothing
	// else vouches for the manifest itself.
	const most = 16 << 20
	b, err := io.ReadAll(io.LimitReader(r, most+1))
	if err != nil {
		return man, err
	}
	if len(b) > most {
		return man, fmt.Errorf("it is longer than %d MB", most>>20)
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
	// Never write more than the manifest declares: one byte over is proof
	// enough that the member is not what was backed up.
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, m.Size+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s cannot be read (%v)", m.Name, err)
	}
	if n > m.Size {
		return fmt.Errorf("%s is longer than the %d bytes the manifest says", m.Name, m.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != m.SHA256 || n != m.Size {
		return fmt.Errorf("%s does not match its SHA-256 in the manifest", m.Name)
	}
	return nil
}

// restoreToServer restores a backup into an empty PostgreSQL database: the
// archive is proved and extracted as for a file, then its programme is
// migrated in, in one transaction. A database that already holds a
// programme is refused, --force or not: the app's database role may not
// drop tables or delete the audit log, and a restore must not half-replace
// one, so a restore goes into a new database.
func restoreToServer(ctx context.Context, archive, dsn string, opt model.RestoreOptions) (model.RestoreInfo, error) {
	var info model.RestoreInfo
	shown := RedactURL(dsn)
	probe, err := connectServer(ctx, dsn, "restore to")
	if err != nil {
		return info, err
	}
	err = probe.checkServerProgramme(ctx, true)
	probe.db.Close()
	if errors.Is(err, model.ErrExists) {
		return info, fmt.Errorf("restore to %s: %w: the database already holds a programme; restore into an empty database: createdb NEW, then cascade restore %s --db postgres://…/NEW",
			shown, model.ErrExists, archive)
	}
	if err != nil {
		return info, fmt.Errorf("restore to %s: %w", shown, err)
	}
	b, err := openBackup(archive, &info)
	if err != nil {
		return info, err
	}
	defer b.zr.Close()
	tmp, err := os.MkdirTemp("", "cascade-restore-")
	if err != nil {
		return info, fmt.Errorf("restore to %s: %w", shown, err)
	}
	defer os.RemoveAll(tmp)
	if free, ok := freeBytes(tmp); ok && b.total > free {
		return info, fmt.Errorf("restore to %s: the backup needs %s in %s and the disk has %s free; nothing was restored",
			shown, megabytes(b.total), os.TempDir(), megabytes(free))
	}
	newDB, err := b.extract(ctx, archive, tmp, &info, opt.Progress)
	if err != nil {
		return info, err
	}
	if _, err := Migrate(ctx, newDB, dsn, MigrateOptions{}); err != nil {
		return info, fmt.Errorf("restore to %s: %w; nothing was restored", shown, err)
	}
	return info, nil
}
