package sqlstore

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cascade/model"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// archiveMember is one member a test puts in a hand-made backup archive;
// declared, when not -1, is the size the manifest claims.
type archiveMember struct {
	name     string
	data     []byte
	declared int64
}

// writeArchive builds a backup archive whose manifest lists every member
// with its true SHA-256, as an adversary with the format in hand would.
func writeArchive(t *testing.T, path string, members ...archiveMember) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	man := model.BackupManifest{Format: backupFormat, SchemaVersion: KnownSchemaVersion(), CreatedAt: model.Now()}
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
		sum := sha256.Sum256(m.data)
		size := int64(len(m.data))
		if m.declared >= 0 {
			size = m.declared
		}
		man.Members = append(man.Members, model.BackupMember{Name: m.name, SHA256: hex.EncodeToString(sum[:]), Size: size})
	}
	if err := writeManifest(zw, man); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// sqliteFile makes a SQLite file with statements run in it and returns its bytes.
func sqliteFile(t *testing.T, stmts ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// allVersions lists every migration this binary carries as applied rows
// for a faked goose_db_version, so that nothing is left for Open to apply.
func allVersions(t *testing.T) string {
	t.Helper()
	entries, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil || len(entries) == 0 {
		t.Fatalf("list migrations: %v", err)
	}
	var b strings.Builder
	for _, e := range entries {
		var v int64
		fmt.Sscanf(filepath.Base(e), "%d_", &v)
		fmt.Fprintf(&b, ", (%d, 1)", v)
	}
	return b.String()
}

// programmeBytes is a whole small programme's file, changed by stmts.
func programmeBytes(t *testing.T, stmts ...string) []byte {
	t.Helper()
	s := newFileStore(t)
	for _, q := range stmts {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	snap := filepath.Join(t.TempDir(), "snap.db")
	if _, err := s.db.Exec(`VACUUM INTO $1`, snap); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// settled is a programme the restore tests try to replace, with its bytes.
func settled(t *testing.T, centre string) (path string, before []byte) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "target.db")
	s, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, model.LocalUser(), map[string]string{"centre.name": centre}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(s.FilesDir(), 0o700)
	if err := os.WriteFile(filepath.Join(s.FilesDir(), "marker-"+centre), []byte(centre), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, before
}

// centreOf opens the programme at path and says whose it is, failing the
// test when it is not a whole programme with its own evidence folder.
func centreOf(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after the restore: %v", err)
	}
	defer s.Close()
	var rep model.CheckReport
	if err := s.checkIntegrity(ctx, &rep); err != nil || !rep.OK() {
		t.Fatalf("integrity after the restore: %v %v", rep.Problems, err)
	}
	if err := s.checkIsProgramme(ctx); err != nil {
		t.Fatalf("after the restore: %v", err)
	}
	var centre string
	if err := s.db.QueryRow(`SELECT value FROM settings WHERE key = 'centre.name'`).Scan(&centre); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.FilesDir(), "marker-"+centre)); err != nil {
		t.Fatalf("the database is %s's but its evidence folder is not: %v", centre, err)
	}
	return centre
}

// noTemporaries fails when a restore or backup left a hidden copy in dir.
func noTemporaries(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cascade-") || strings.HasSuffix(e.Name(), ".restore") {
			t.Errorf("%s was left in %s", e.Name(), dir)
		}
	}
}

func TestRestoreRefusesWhatIsNotAProgramme(t *testing.T) {
	ctx := context.Background()
	foreign := sqliteFile(t, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('x')`)
	faked := sqliteFile(t, `CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL,
		is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1)`+allVersions(t))
	cases := []struct {
		name string
		db   []byte
		says string
	}{
		{"another application's database", foreign, "not a Cascade programme"},
		{"a faked version table", faked, "not a Cascade programme"},
		{"another application id", programmeBytes(t, `PRAGMA application_id = 1234`), "another application"},
		{"no programme row", programmeBytes(t, `PRAGMA foreign_keys = OFF`, `DELETE FROM programme`), "no programme"},
		{"a signing key that does not match", programmeBytes(t, `UPDATE signing_keys SET public_key = zeroblob(32)`), "no whole signing key"},
		{"an empty database", sqliteFile(t, `CREATE TABLE x (a)`, `DROP TABLE x`), "no programme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target, before := settled(t, "A")
			archive := filepath.Join(t.TempDir(), "b.zip")
			writeArchive(t, archive, archiveMember{backupDBName, c.db, -1})
			_, err := Restore(ctx, archive, target, model.RestoreOptions{Force: true})
			if !errors.Is(err, model.ErrDamagedBackup) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("Restore(%s) = %v; want a refusal saying %q", c.name, err, c.says)
			}
			if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
				t.Error("the refused restore changed the programme")
			}
			if got := centreOf(t, target); got != "A" {
				t.Errorf("after a refused restore the programme is %q", got)
			}
			noTemporaries(t, filepath.Dir(target))
		})
	}
}

// TestOpenRefusesAnotherApplicationsDatabase: opening is no way to turn a
// foreign file into a programme either.
func TestOpenRefusesAnotherApplicationsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	data := sqliteFile(t, `CREATE TABLE notes (id INTEGER PRIMARY KEY)`)
	os.WriteFile(path, data, 0o600)
	if _, err := Open(context.Background(), path); !errors.Is(err, model.ErrNotProgramme) {
		t.Fatalf("Open(foreign) = %v; want ErrNotProgramme", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(data, after) {
		t.Error("Open changed the foreign file it refused")
	}
}

// TestProgrammesCarryTheApplicationID: new programmes are marked, and so is
// an older one the first time it is opened.
func TestProgrammesCarryTheApplicationID(t *testing.T) {
	sqliteOnly(t, "application_id is a field of the SQLite file's header")
	ctx := context.Background()
	s := newTestStore(t)
	var id int64
	s.db.QueryRow(`PRAGMA application_id`).Scan(&id)
	if id != applicationID {
		t.Fatalf("a new programme has application id %#x; want %#x", id, applicationID)
	}
	s.db.Exec(`PRAGMA application_id = 0`)
	path := s.Path()
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.QueryRow(`PRAGMA application_id`).Scan(&id)
	if id != applicationID {
		t.Fatalf("an unmarked programme opened has application id %#x; want %#x", id, applicationID)
	}
}

// TestRestoreRefusedWhileOpenInAnotherProcess: a second process holds the
// programme open as the window does; the restore is refused naming it, the
// programme is unchanged, and once that process is gone the restore works.
func TestRestoreRefusedWhileOpenInAnotherProcess(t *testing.T) {
	if os.Getenv("CASCADE_HOLD_DB") != "" {
		t.Skip("running as the helper")
	}
	ctx := context.Background()
	target, before := settled(t, "A")
	src, _ := settled(t, "B")
	srcStore, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	if _, err := srcStore.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatal(err)
	}
	srcStore.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldOpenHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "CASCADE_HOLD_DB="+target)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitForLine(t, out, "holding")

	_, err = Restore(ctx, archive, target, model.RestoreOptions{Force: true})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d, cascade window", cmd.Process.Pid)) {
		t.Fatalf("Restore while another process has it open = %v; want a refusal naming pid %d, cascade window", err, cmd.Process.Pid)
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
		t.Error("the refused restore changed the programme")
	}
	// The window's own restore is refused the same way and its store stays usable.
	s, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	_, err = FileSource{Path: target}.Restore(ctx, model.LocalUser(), s, archive, nil)
	if !errors.Is(err, ErrInUse) || errors.Is(err, model.ErrReopen) {
		t.Fatalf("FileSource.Restore while another process has it open = %v; want ErrInUse, the store still open", err)
	}
	if _, err := s.Summary(ctx); err != nil {
		t.Fatalf("the window's store after a refused restore: %v", err)
	}
	s.Close()

	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{Force: true}); err != nil {
		t.Fatalf("Restore once the other process died: %v", err)
	}
	if got := centreOf(t, target); got != "B" {
		t.Errorf("after the restore the programme is %q; want B", got)
	}
	noTemporaries(t, filepath.Dir(target))
}

// TestHoldOpenHelper opens the programme as the window does and holds it.
func TestHoldOpenHelper(t *testing.T) {
	db := os.Getenv("CASCADE_HOLD_DB")
	if db == "" {
		t.Skip("helper process for TestRestoreRefusedWhileOpenInAnotherProcess")
	}
	Holder = "cascade window"
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fmt.Println("holding", db)
	os.Stdout.Sync()
	time.Sleep(time.Minute)
}

// TestOpenWaitsOutARestore: a store opened while a restore holds the lock
// waits for it, and is refused naming the restore when it takes too long.
func TestOpenRefusedDuringARestore(t *testing.T) {
	target, _ := settled(t, "A")
	old := Holder
	Holder = "cascade restore"
	lock, err := lockExclusive(target)
	Holder = old
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	wait := lockWait
	lockWait = 200 * time.Millisecond
	defer func() { lockWait = wait }()
	_, err = Open(context.Background(), target)
	if err == nil || !strings.Contains(err.Error(), "restore is under way") || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())+", cascade restore") {
		t.Fatalf("Open during a restore = %v; want a refusal naming the restore", err)
	}
}

func waitForLine(t *testing.T, r interface{ Read([]byte) (int, error) }, prefix string) {
	t.Helper()
	got := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), prefix) {
				got <- true
				break
			}
		}
		close(got)
		for sc.Scan() {
		}
	}()
	select {
	case ok := <-got:
		if !ok {
			t.Fatalf("the helper ended without saying %q", prefix)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the helper never said %q", prefix)
	}
}

// TestRestoreKilledAtAnyPointLeavesAWholeProgramme kills a restoring
// process with SIGKILL at each step of the swap and at random moments; every
// time, the next Open finds a whole programme, the old one or the new one,
// with its own evidence folder, and no hidden copies are left.
func TestRestoreKilledAtAnyPointLeavesAWholeProgramme(t *testing.T) {
	if os.Getenv("CASCADE_RESTORE_CRASH") != "" {
		t.Skip("running as the helper")
	}
	ctx := context.Background()
	src, _ := settled(t, "B")
	srcStore, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	if _, err := srcStore.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatal(err)
	}
	srcStore.Close()
	steps := []string{"prepared", "journal", "aside-wal", "aside-shm", "aside.files", "aside", "files", "placed"}
	for i := range len(steps) + 5 {
		step := "random"
		if i < len(steps) {
			step = steps[i]
		}
		t.Run(fmt.Sprint(i, "-", step), func(t *testing.T) {
			target, _ := settled(t, "A")
			// A WAL beside the old file, as an open window leaves one.
			os.WriteFile(target+"-wal", nil, 0o600)
			os.WriteFile(target+"-shm", nil, 0o600)
			cmd := exec.Command(os.Args[0], "-test.run=^TestRestoreCrashHelper$", "-test.v")
			cmd.Env = append(os.Environ(), "CASCADE_RESTORE_CRASH="+strings.Join([]string{target, archive, step}, "|"))
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if step == "random" {
				// The helper slows each rename a little so a random moment
				// lands inside the swap, not only before or after it.
				waitForLine(t, out, "swapping")
				time.Sleep(time.Duration(rand.IntN(15000)) * time.Microsecond)
			} else {
				waitForLine(t, out, "paused")
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			got := centreOf(t, target)
			switch {
			case step == "prepared" && got != "A":
				t.Errorf("killed before the journal, the next Open found %q; want the old programme (A)", got)
			case step != "prepared" && step != "random" && got != "B":
				t.Errorf("killed at %s, the next Open found %q; want the restore finished (B)", step, got)
			}
			t.Logf("killed at %s: the programme is %s", step, got)
			if _, err := os.Stat(swapJournal(target)); err == nil {
				t.Error("the journal is still there after Open")
			}
			noTemporaries(t, filepath.Dir(target))
		})
	}
}

// TestRestoreCrashHelper restores and, at the step named, says so and waits
// to be killed.
func TestRestoreCrashHelper(t *testing.T) {
	env := os.Getenv("CASCADE_RESTORE_CRASH")
	if env == "" {
		t.Skip("helper process for TestRestoreKilledAtAnyPointLeavesAWholeProgramme")
	}
	parts := strings.Split(env, "|")
	target, archive, step := parts[0], parts[1], parts[2]
	swapHook = func(s string) {
		if step == "random" {
			if s == "journal" {
				fmt.Println("swapping")
				os.Stdout.Sync()
			}
			time.Sleep(2 * time.Millisecond)
			return
		}
		if s == step {
			fmt.Println("paused at", s)
			os.Stdout.Sync()
			time.Sleep(time.Minute)
		}
	}
	if _, err := Restore(context.Background(), archive, target, model.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if step != "random" {
		t.Fatalf("the restore never reached %s", step)
	}
	time.Sleep(time.Minute) // the parent kills at random; be there to kill
}

// bombDeflate is head then n bytes of fill deflated: a few kilobytes per
// megabyte. Compressing hundreds of megabytes takes minutes under the race
// detector, so one megabyte is compressed once by a fresh writer and
// flushed: those blocks refer to nothing before them and end on a byte
// boundary, so repeated they are a valid stream of the whole (CRC-32, which
// the callers work out, is assembly and cheap). n is whole megabytes.
func bombDeflate(t *testing.T, head []byte, fill byte, n int) []byte {
	t.Helper()
	if n%(1<<20) != 0 {
		t.Fatalf("bombDeflate(%d): want whole megabytes", n)
	}
	part := func(b []byte, final bool) []byte {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		w.Write(b)
		if final {
			w.Close()
		} else {
			w.Flush()
		}
		return buf.Bytes()
	}
	var b bytes.Buffer
	b.Write(part(head, false))
	mb := part(bytes.Repeat([]byte{fill}, 1<<20), false)
	for range n >> 20 {
		b.Write(mb)
	}
	b.Write(part(nil, true))
	return b.Bytes()
}

// TestBombDeflateInflatesWhole: the bombs below are refused from their
// sizes before a byte is inflated, so a stream bombDeflate built wrong would
// pass unnoticed there; a small one here inflates to exactly what it says.
func TestBombDeflateInflatesWhole(t *testing.T) {
	head := []byte(`{"format": "`)
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(bombDeflate(t, head, 'a', 4<<20))))
	if err != nil || !bytes.Equal(got, append(head, bytes.Repeat([]byte("a"), 4<<20)...)) {
		t.Fatalf("the bomb inflates to %d bytes, %v; want the head and 4 MB of a", len(got), err)
	}
}

// TestRestoreRefusesAZipBomb: a member far longer than the manifest says,
// honestly sized in the zip header or lying there too, is refused before it
// fills the disk or the memory.
func TestRestoreRefusesAZipBomb(t *testing.T) {
	ctx := context.Background()
	const huge = 512 << 20
	t.Run("header tells the truth", func(t *testing.T) {
		target, before := settled(t, "A")
		archive := filepath.Join(t.TempDir(), "bomb.zip")
		f, _ := os.Create(archive)
		zw := zip.NewWriter(f)
		data := bombDeflate(t, nil, 0, huge)
		crc := crc32.NewIEEE()
		zero := make([]byte, 1<<20)
		for range huge >> 20 {
			crc.Write(zero)
		}
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: backupDBName, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(len(data)), UncompressedSize64: huge})
		w.Write(data)
		writeManifest(zw, model.BackupManifest{Format: backupFormat, SchemaVersion: 1,
			Members: []model.BackupMember{{Name: backupDBName, SHA256: strings.Repeat("0", 64), Size: 10}}})
		zw.Close()
		f.Close()
		refusedInBoundedMemory(t, ctx, archive, target, before, "manifest says 10")
	})
	t.Run("header lies too", func(t *testing.T) {
		target, before := settled(t, "A")
		archive := filepath.Join(t.TempDir(), "bomb.zip")
		f, _ := os.Create(archive)
		zw := zip.NewWriter(f)
		data := bombDeflate(t, nil, 0, huge)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: backupDBName, Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(make([]byte, 10)), CompressedSize64: uint64(len(data)), UncompressedSize64: 10})
		w.Write(data)
		writeManifest(zw, model.BackupManifest{Format: backupFormat, SchemaVersion: 1,
			Members: []model.BackupMember{{Name: backupDBName, SHA256: strings.Repeat("0", 64), Size: 10}}})
		zw.Close()
		f.Close()
		refusedInBoundedMemory(t, ctx, archive, target, before, backupDBName)
	})
	t.Run("manifest itself is a bomb", func(t *testing.T) {
		target, before := settled(t, "A")
		archive := filepath.Join(t.TempDir(), "bomb.zip")
		f, _ := os.Create(archive)
		zw := zip.NewWriter(f)
		head := []byte(`{"format": "` + backupFormat + `", "source": "`)
		crc := crc32.Update(0, crc32.IEEETable, head)
		mb := bytes.Repeat([]byte("a"), 1<<20)
		for range 64 {
			crc = crc32.Update(crc, crc32.IEEETable, mb)
		}
		data := bombDeflate(t, head, 'a', 64<<20)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: backupManifest, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(head)) + 64<<20})
		w.Write(data)
		zw.Close()
		f.Close()
		refusedInBoundedMemory(t, ctx, archive, target, before, "longer than 16 MB")
	})
}

func refusedInBoundedMemory(t *testing.T, ctx context.Context, archive, target string, before []byte, says string) {
	t.Helper()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err := Restore(ctx, archive, target, model.RestoreOptions{Force: true})
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, model.ErrDamagedBackup) || !strings.Contains(err.Error(), says) {
		t.Fatalf("Restore(bomb) = %v; want a damaged-backup refusal saying %q", err, says)
	}
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 80<<20 {
		t.Errorf("refusing the bomb allocated %d MB; want under 80", alloc>>20)
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
		t.Error("the refused restore changed the programme")
	}
	noTemporaries(t, filepath.Dir(target))
}

// TestRestoreAndBackupLeaveNoTemporaries: success, a damaged archive and a
// cancelled backup all leave nothing hidden behind; and what a killed backup
// or restore left is swept by the next one.
func TestRestoreAndBackupLeaveNoTemporaries(t *testing.T) {
	ctx := context.Background()
	target, _ := settled(t, "A")
	dir := filepath.Dir(target)
	s, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "a.zip")
	if _, err := s.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Backup(cancelled, model.LocalUser(), filepath.Join(dir, "c.zip"), nil); err == nil {
		t.Error("a cancelled backup succeeded")
	}
	// Leftovers of a killed backup (a dead pid) and a killed restore.
	dead := exec.Command("true")
	dead.Run()
	deadPid := dead.Process.Pid
	os.MkdirAll(filepath.Join(dir, fmt.Sprintf(".cascade-backup-%d-123", deadPid)), 0o700)
	os.WriteFile(filepath.Join(dir, fmt.Sprintf(".cascade-backup-%d-456.zip", deadPid)), []byte("x"), 0o600)
	os.MkdirAll(filepath.Join(dir, restorePrefix(target)+"789"), 0o700)
	if _, err := s.Backup(ctx, model.LocalUser(), archive, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	damagedArchive := filepath.Join(dir, "d.zip")
	data, _ := os.ReadFile(archive)
	data[len(data)/3] ^= 0xff
	os.WriteFile(damagedArchive, data, 0o600)
	if _, err := Restore(ctx, damagedArchive, target, model.RestoreOptions{Force: true}); err == nil {
		t.Error("a damaged archive restored")
	}
	if _, err := Restore(ctx, archive, target, model.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	noTemporaries(t, dir)
}

// TestBackupNamesMissingAndDamagedEvidence: the archive holds every whole
// file and the backup fails naming each one it could not keep.
func TestBackupNamesMissingAndDamagedEvidence(t *testing.T) {
	ctx := context.Background()
	s := newDemoStore(t)
	var missing, damaged string
	s.db.QueryRow(`SELECT sha256 FROM evidence_files ORDER BY sha256 LIMIT 1`).Scan(&missing)
	s.db.QueryRow(`SELECT sha256 FROM evidence_files ORDER BY sha256 DESC LIMIT 1`).Scan(&damaged)
	dropKept(t, s, missing)
	overwriteKept(t, s, damaged, []byte("rot"))
	archive := filepath.Join(t.TempDir(), "b.zip")
	info, err := s.Backup(ctx, model.LocalUser(), archive, nil)
	var inc *model.BackupIncompleteError
	if !errors.As(err, &inc) || len(inc.Problems) != 2 {
		t.Fatalf("Backup with a missing and a damaged file = %v; want both named", err)
	}
	if !strings.Contains(inc.Problems[0].String()+inc.Problems[1].String(), missing) ||
		!strings.Contains(inc.Problems[0].String()+inc.Problems[1].String(), damaged) {
		t.Errorf("problems %v; want %s and %s named", inc.Problems, missing, damaged)
	}
	sum, _ := s.Summary(ctx)
	if info.Files != sum.EvidenceFiles-2 {
		t.Errorf("the archive holds %d files; want the %d whole ones", info.Files, sum.EvidenceFiles-2)
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, damaged) || strings.Contains(f.Name, missing) {
			t.Errorf("the archive holds %s", f.Name)
		}
	}
	var man model.BackupManifest
	for _, f := range zr.File {
		if f.Name == backupManifest {
			r, _ := f.Open()
			json.NewDecoder(r).Decode(&man)
			r.Close()
		}
	}
	if len(man.Members) != info.Files+1 {
		t.Errorf("the manifest lists %d members; want %d", len(man.Members), info.Files+1)
	}
}

// TestOpenReadOnlyAsAnotherUser opens a programme the process truly may not
// write, in a folder it may not write either: as root, by running this test
// binary again as nobody; otherwise by taking the write bits away.
func TestOpenReadOnlyAsAnotherUser(t *testing.T) {
	if db := os.Getenv("CASCADE_RO_DB"); db != "" {
		t.Skip("running as the helper")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "cascade-ro-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ro.db")
	s, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	os.Remove(lockPath(path))
	before, _ := os.ReadFile(path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenReadOnlyHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "CASCADE_RO_DB="+path)
	if os.Geteuid() == 0 {
		bin := filepath.Join(dir, "sqlite.test")
		data, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(bin, data, 0o755)
		os.Chmod(dir, 0o755)
		os.Chmod(path, 0o644)
		cmd.Path, cmd.Args[0] = bin, bin
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		cmd.Env = append(cmd.Env, "HOME="+dir, "GOCACHE="+dir, "TMPDIR="+dir)
	} else {
		os.Chmod(path, 0o444)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "read-only helper ok") {
		t.Fatalf("the helper failed: %v\n%s", err, out)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the read-only file changed")
	}
}

// TestOpenReadOnlyHelper reads the programme and tries one change.
func TestOpenReadOnlyHelper(t *testing.T) {
	db := os.Getenv("CASCADE_RO_DB")
	if db == "" {
		t.Skip("helper process for TestOpenReadOnlyAsAnotherUser")
	}
	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatalf("Open(read-only as uid %d) = %v", os.Geteuid(), err)
	}
	defer s.Close()
	if _, err := s.Summary(ctx); err != nil {
		t.Fatalf("Summary: %v", err)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check: %v %v", r.Problems, err)
	}
	err = s.SaveSettings(ctx, model.LocalUser(), map[string]string{"backup.keep": "3"})
	if !errors.Is(err, model.ErrReadOnly) {
		t.Fatalf("SaveSettings = %v; want ErrReadOnly", err)
	}
	fmt.Println("read-only helper ok")
}

// TestPlantedJournalMovesNothing: a FILE.restore naming a folder elsewhere
// is refused, not followed; the programme and the other folder stay put.
func TestPlantedJournalMovesNothing(t *testing.T) {
	ctx := context.Background()
	target, before := settled(t, "A")
	elsewhere := t.TempDir()
	os.WriteFile(filepath.Join(elsewhere, backupDBName), []byte("bait"), 0o600)
	plan, _ := json.Marshal(swapPlan{Dir: elsewhere, New: filepath.Join(elsewhere, backupDBName), Aside: filepath.Join(elsewhere, "previous")})
	os.WriteFile(swapJournal(target), plan, 0o600)
	if _, err := Open(ctx, target); err == nil || !strings.Contains(err.Error(), "not a journal this cascade wrote") {
		t.Fatalf("Open with a planted journal = %v; want a refusal", err)
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
		t.Error("the planted journal moved the programme")
	}
	if _, err := os.Stat(filepath.Join(elsewhere, backupDBName)); err != nil {
		t.Error("the planted journal's folder was touched")
	}
}
