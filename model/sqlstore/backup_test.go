package sqlstore

import (
	"archive/zip"
	"cascade/model"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoCopy gives a test its own copy of the shared demo to change, so tests
// that write never touch the shared demo: the closed file and its evidence
// files copied, or on a test server the demo's template database copied
// whole (newDemoStore). TestBackupRestoreRoundTrip proves the backup and
// restore round trip once; under the race detector each one took some
// twenty seconds.
func demoCopy(t *testing.T) *Store {
	t.Helper()
	return newDemoStore(t)
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	demo, _ := demoDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	archive := filepath.Join(dir, "b.zip")
	var calls int
	info, err := demo.Backup(ctx, model.LocalUser(), archive, func(done, total int) { calls++ })
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	want, err := demo.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Files != want.EvidenceFiles || calls != info.Files+1 {
		t.Errorf("Backup wrote %d files with %d progress calls; the demo holds %d", info.Files, calls, want.EvidenceFiles)
	}
	target := filepath.Join(dir, "restored.db")
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	s, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Summary after restore = %+v; want %+v", got, want)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() || r.Files != want.EvidenceFiles {
		t.Errorf("Check after restore = %v (%d files), %v", r.Problems, r.Files, err)
	}
	// Change the restored copy, then put the backup back over it.
	s.db.ExecContext(ctx, `DELETE FROM evidence_files`)
	s.Close()
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{}); !errors.Is(err, model.ErrExists) {
		t.Fatalf("Restore over an existing database = %v; want ErrExists", err)
	}
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{Force: true}); err != nil {
		t.Fatalf("Restore --force: %v", err)
	}
	s, err = Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, _ := s.Summary(ctx); got != want {
		t.Errorf("Summary after forced restore = %+v; want %+v", got, want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".cascade-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestRestoreRefusesDamagedArchive(t *testing.T) {
	sqliteOnly(t, "it damages a SQLite programme's archive byte by byte, its evidence folder included")
	s := importedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	// An evidence file to carry, stored uncompressed-looking text.
	os.MkdirAll(filepath.Join(s.FilesDir(), "ab"), 0o700)
	os.WriteFile(filepath.Join(s.FilesDir(), "ab", "abcdef"), []byte(strings.Repeat("evidence ", 200)), 0o600)
	archive := filepath.Join(dir, "b.zip")
	if _, err := s.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(archive)
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	offsets := map[string]int64{}
	for _, f := range zr.File {
		off, _ := f.DataOffset()
		offsets[f.Name] = off + int64(f.CompressedSize64)/2
	}
	zr.Close()
	cases := []struct {
		name string
		at   int64 // byte to flip
		says string
	}{
		{"database member", offsets[backupDBName], "cascade.db"},
		{"evidence member", offsets["files/ab/abcdef"], "files/ab/abcdef"},
		{"manifest", offsets[backupManifest], "manifest.json"},
		// The central directory's first signature byte: the archive no longer opens.
		{"central directory", int64(binary.LittleEndian.Uint32(good[len(good)-6:])), "not a readable zip archive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := append([]byte(nil), good...)
			bad[c.at] ^= 0x5a
			path := filepath.Join(dir, "bad.zip")
			os.WriteFile(path, bad, 0o600)
			target := filepath.Join(dir, "target.db")
			os.WriteFile(target, []byte("the old database stays as it was"), 0o600)
			_, err := Restore(ctx, path, target, model.RestoreOptions{Force: true})
			if !errors.Is(err, model.ErrDamagedBackup) || !strings.Contains(err.Error(), c.says) ||
				!strings.Contains(err.Error(), "nothing was restored") {
				t.Fatalf("Restore(flipped byte in %s) = %v; want a damaged-backup refusal naming %s", c.name, err, c.says)
			}
			if b, _ := os.ReadFile(target); string(b) != "the old database stays as it was" {
				t.Errorf("a refused restore changed the target")
			}
		})
	}
	// Not a backup at all, and an archive with a member the manifest does not list.
	notZip := filepath.Join(dir, "notes.zip")
	os.WriteFile(notZip, []byte("hello"), 0o600)
	if _, err := Restore(ctx, notZip, filepath.Join(dir, "x.db"), model.RestoreOptions{}); !errors.Is(err, model.ErrDamagedBackup) {
		t.Errorf("Restore(not a zip) = %v; want ErrDamagedBackup", err)
	}
	extra := filepath.Join(dir, "extra.zip")
	out, _ := os.Create(extra)
	zw := zip.NewWriter(out)
	zr, _ = zip.OpenReader(archive)
	for _, f := range zr.File {
		zw.Copy(f)
	}
	zr.Close()
	w, _ := zw.Create("files/zz/smuggled")
	w.Write([]byte("not in the manifest"))
	zw.Close()
	out.Close()
	if _, err := Restore(ctx, extra, filepath.Join(dir, "y.db"), model.RestoreOptions{}); !errors.Is(err, model.ErrDamagedBackup) ||
		!strings.Contains(err.Error(), "files/zz/smuggled is in the archive but not in the manifest") {
		t.Errorf("Restore(extra member) = %v", err)
	}
}

func TestAutoBackupKeepsTheLastN(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "backups")
	for i := 0; i < 4; i++ {
		if _, err := s.AutoBackup(ctx, dir, 3); err != nil {
			t.Fatalf("AutoBackup %d: %v", i, err)
		}
	}
	got, err := AutoBackups(dir)
	if err != nil || len(got) != 3 {
		t.Fatalf("AutoBackups = %v, %v; want 3 kept", got, err)
	}
}

func TestBackupWhileAnotherWriterIsMidTransaction(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	other, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO cohorts (number, created_at) VALUES (9, $1)`, model.Now()); err != nil {
		t.Fatal(err)
	}
	// The window holds a write transaction open; the backup still runs, and
	// holds the database as last committed.
	archive := filepath.Join(t.TempDir(), "b.zip")
	if _, err := s.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatalf("Backup during another's write transaction: %v", err)
	}
	target := filepath.Join(t.TempDir(), "r.db")
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := count(t, r, `SELECT count(*) FROM cohorts`); n != 0 {
		t.Errorf("the backup holds %d uncommitted cohorts; want 0", n)
	}
}
