package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cascade/model"
)

// needServer skips a test of a migrate to or from PostgreSQL when no test
// server is named.
func needServer(t *testing.T) {
	t.Helper()
	if !onServer() {
		t.Skipf("needs a PostgreSQL server: set %s (e.g. postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable)", testServerEnv)
	}
}

// sqliteDemo is a SQLite copy of the demo the test may change, as a
// closed file: the shared demo's pristine file when the tests run on
// files; when they run on a server, a SQLite demo built once for the
// migrate tests, whose source is always a file.
func sqliteDemo(t *testing.T) string {
	t.Helper()
	pristine, files := fileDemo(t)
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := copyFile(pristine, path); err != nil {
		t.Fatalf("copy demo: %v", err)
	}
	if err := os.CopyFS(path+".files", os.DirFS(files)); err != nil {
		t.Fatalf("copy demo files: %v", err)
	}
	return path
}

var (
	fileDemoOnce sync.Once
	fileDemoErr  error
	// fileDemoDir holds it; TestMain removes it.
	fileDemoDir string
)

// fileDemo is a closed SQLite demo file and its evidence folder.
func fileDemo(t *testing.T) (db, files string) {
	t.Helper()
	if !onServer() {
		shared, _ := demoDB(t)
		return filepath.Join(demoTmpDir, "pristine.db"), shared.FilesDir()
	}
	if ahead := os.Getenv(lentDemoEnv); ahead != "" {
		return ahead, ahead + ".files" // closed, and only copied from
	}
	fileDemoOnce.Do(func() {
		if fileDemoDir, fileDemoErr = os.MkdirTemp("", "cascade-migrate-demo-"); fileDemoErr == nil {
			_, fileDemoErr = Demo(context.Background(), filepath.Join(fileDemoDir, "demo.db"), DemoOptions{Seed: 1, Scale: 1})
		}
	})
	db = filepath.Join(fileDemoDir, "demo.db")
	if fileDemoErr != nil {
		t.Fatalf("Demo: %v", fileDemoErr)
	}
	return db, db + ".files"
}

// smallProgramme is a new SQLite programme of a few dozen rows, for the
// tests that need a programme but not the demo (a migrate of the demo under
// the race detector takes a minute): 30 cohorts, and two trainers, the
// first trained by the second, a reference to a row copied after its own.
func smallProgramme(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "small.db")
	s, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 1; i <= 30; i++ {
		if _, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: i}); err != nil {
			t.Fatal(err)
		}
	}
	now := model.Now()
	for _, q := range []string{
		`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES (1, 'Ann', 'Ash', 'ann@example.org', $1, $1), (2, 'Bo', 'Birch', 'bo@example.org', $1, $1)`,
		`INSERT INTO trainers (id, person_id, trained_by_id, created_at) VALUES (2, 2, NULL, $1), (1, 1, 2, $1)`,
	} {
		if _, err := s.db.ExecContext(ctx, q, now); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// issueTwo issues two completion certificates in the programme at db, so
// a migrate has signed certificates to carry.
func issueTwo(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cands, err := s.Candidates(ctx, model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil {
		t.Fatal(err)
	}
	var pick []model.Candidate
	for _, c := range cands {
		if c.Eligible && len(pick) < 2 {
			pick = append(pick, c)
		}
	}
	if issued, err := s.IssueCertificates(ctx, model.LocalUser(), pick, model.IssueOptions{}); err != nil || len(issued) != 2 {
		t.Fatalf("issue: %d, %v", len(issued), err)
	}
}

// openRawSQLite opens a SQLite file as plain SQL, past the store's guards,
// making it when missing (the store's own connections never do).
func openRawSQLite(path string) (*sql.DB, error) {
	return sql.Open("sqlite", strings.Replace(dsn(path), "mode=rw", "mode=rwc", 1))
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// openFor opens a programme for a test and closes it when the test ends.
func openFor(t *testing.T, db string) *Store {
	t.Helper()
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatalf("Open %s: %v", shownDB(db), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tableDigests is, for every table migrate copies, its row count and a
// SHA-256 of its rows (each row's values with their Go types, in column
// name order; rows sorted, since the two databases collate text apart).
func tableDigests(t *testing.T, s *Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	info, err := readSchema(ctx, s.db, s.pg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for table, cols := range info.cols {
		if migrateSkip(table) {
			continue
		}
		cols = append([]string(nil), cols...)
		sort.Strings(cols)
		rows, err := s.db.QueryContext(ctx, `SELECT "`+strings.Join(cols, `", "`)+`" FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var sums []string
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("read %s: %v", table, err)
			}
			h := sha256.New()
			for _, v := range vals {
				fmt.Fprintf(h, "%T:%q|", v, v)
			}
			sums = append(sums, hex.EncodeToString(h.Sum(nil)))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		sort.Strings(sums)
		all := sha256.Sum256([]byte(strings.Join(sums, "")))
		out[table] = fmt.Sprintf("%d rows %x", len(sums), all[:8])
	}
	return out
}

// sameProgrammes fails unless b holds what a holds: every table row for
// row, the summary, and the evidence files.
func sameProgrammes(t *testing.T, a, b *Store) {
	t.Helper()
	ctx := context.Background()
	da, db := tableDigests(t, a), tableDigests(t, b)
	if !reflect.DeepEqual(da, db) {
		for table := range da {
			if da[table] != db[table] {
				t.Errorf("table %s: %s has %s, %s has %s", table, a.path, da[table], b.path, db[table])
			}
		}
		if len(da) != len(db) {
			t.Errorf("%d tables against %d", len(da), len(db))
		}
	}
	sa, err := a.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb {
		t.Errorf("summaries differ:\n%s: %+v\n%s: %+v", a.path, sa, b.path, sb)
	}
}

// checkMoved fails unless the moved programme passes check (the audit
// chain, every certificate's signature, the evidence files' hashes among
// the rest) and a certificate issued on the source verifies against it.
func checkMoved(t *testing.T, src, dst *Store) {
	t.Helper()
	ctx := context.Background()
	r, err := dst.Check(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("check %s: %v %+v", dst.path, err, r.Problems)
	}
	var number string
	if err := src.db.QueryRowContext(ctx, `SELECT number FROM certificates WHERE revoked_at IS NULL ORDER BY id LIMIT 1`).Scan(&number); err != nil {
		t.Fatalf("no certificate in the demo: %v", err)
	}
	c, err := src.CertificateByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	v, err := dst.VerifyCertificate(ctx, c.Number, c.Code, c.Payload)
	if err != nil || v.Status != model.StatusValid {
		t.Fatalf("certificate %s on %s: %v %+v", number, dst.path, err, v)
	}
}

func TestMigrateFileToFile(t *testing.T) {
	ctx := context.Background()
	from := sqliteDemo(t)
	issueTwo(t, from)
	to := filepath.Join(t.TempDir(), "moved.db")
	var last atomic.Int64
	res, err := Migrate(ctx, from, to, MigrateOptions{Progress: func(done, total int64) {
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
		last.Store(done)
	}})
	if err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	src, dst := openFor(t, from), openFor(t, to)
	sameProgrammes(t, src, dst)
	checkMoved(t, src, dst)
	if res.Rows == 0 || res.Files == 0 || last.Load() != res.Rows+int64(res.Files) {
		t.Errorf("result %+v, last progress %d", res, last.Load())
	}
	if r, err := dst.Check(ctx); err != nil || r.Files != res.Files {
		t.Errorf("check found %d files, migrate copied %d (%v)", r.Files, res.Files, err)
	}
	// Nothing of the copy under its temporary name is left beside it.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(to), migrateTempPrefix+"*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestMigrateRoundTripThroughServer(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	from := sqliteDemo(t)
	issueTwo(t, from)
	server := newServerDatabase(t, "")
	if _, err := Migrate(ctx, from, server, MigrateOptions{}); err != nil {
		t.Fatalf("Migrate to the server: %v", err)
	}
	back := filepath.Join(t.TempDir(), "back.db")
	if _, err := Migrate(ctx, server, back, MigrateOptions{}); err != nil {
		t.Fatalf("Migrate back to a file: %v", err)
	}
	a, b, c := openFor(t, from), openFor(t, server), openFor(t, back)
	sameProgrammes(t, a, b)
	sameProgrammes(t, a, c)
	checkMoved(t, a, b)
	checkMoved(t, a, c)
	// The server's ids carry on after the copied ones.
	id, err := b.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 999})
	if err != nil {
		t.Fatalf("a new cohort on the moved programme: %v", err)
	}
	var max int64
	a.db.QueryRowContext(ctx, `SELECT max(id) FROM cohorts`).Scan(&max)
	if id != max+1 {
		t.Errorf("new cohort id %d, want %d", id, max+1)
	}
}

func TestMigrateRefusesTargetWithProgramme(t *testing.T) {
	ctx := context.Background()
	from := smallProgramme(t)
	existing := newTestStore(t)
	before := tableDigests(t, existing)
	_, err := Migrate(ctx, from, existingDB(t, existing), MigrateOptions{})
	if !errors.Is(err, model.ErrExists) {
		t.Fatalf("Migrate onto a programme: %v, want ErrExists", err)
	}
	if after := tableDigests(t, existing); !reflect.DeepEqual(before, after) {
		t.Errorf("the refused target changed")
	}
}

// existingDB is the address a test store was opened at.
func existingDB(t *testing.T, s *Store) string {
	t.Helper()
	if s.pg {
		var name string
		if err := s.db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		return serverDSN(t, name)
	}
	return s.path
}

func TestMigrateRefusesUnreachableServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	from := smallProgramme(t)
	// Port 1 on this machine: nothing listens there.
	_, err := Migrate(ctx, from, "postgres://cascade@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=5", MigrateOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach a PostgreSQL server at 127.0.0.1:1") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Migrate to an unreachable server: %v", err)
	}
	_, err = Migrate(ctx, "postgres://cascade@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=5", filepath.Join(t.TempDir(), "x.db"), MigrateOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("Migrate from an unreachable server: %v", err)
	}
	for _, e := range mustReadDir(t, filepath.Dir(from)) {
		if n := e.Name(); n != "small.db" && n != "small.db.lock" {
			t.Errorf("left beside the source: %s", n)
		}
	}
}

func TestMigrateRefusesSourceThatIsNoProgramme(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	os.WriteFile(text, []byte("shopping list\n"), 0o600)
	foreign := filepath.Join(dir, "foreign.db")
	f, err := openRawSQLite(foreign)
	if err != nil {
		t.Fatal(err)
	}
	f.Exec(`CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)`)
	f.Close()
	older := smallProgramme(t)
	o, err := openRawSQLite(older)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Exec(`DELETE FROM goose_db_version WHERE version_id = $1`, KnownSchemaVersion()); err != nil {
		t.Fatal(err)
	}
	o.Close()
	olderBytes, _ := os.ReadFile(older)
	for _, c := range []struct {
		from string
		want error
		says string
	}{
		{filepath.Join(dir, "missing.db"), model.ErrNoDatabase, ""},
		{text, model.ErrNotSQLite, ""},
		{foreign, model.ErrNotProgramme, ""},
		{older, nil, "open it once with this cascade"},
	} {
		to := filepath.Join(dir, "to-"+filepath.Base(c.from))
		_, err := Migrate(ctx, c.from, to, MigrateOptions{})
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Migrate from %s: %v, want %v %q", filepath.Base(c.from), err, c.want, c.says)
		}
		if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Migrate from %s made %s", filepath.Base(c.from), to)
		}
	}
	// The older source was refused before anything brought it up to date.
	if now, _ := os.ReadFile(older); !bytes.Equal(now, olderBytes) {
		t.Errorf("the refused older source changed")
	}
}

// Adversarial: a migrate cut short part-way (a kill, a lost connection)
// leaves no programme at the target, and a second migrate succeeds.
func TestMigrateCutShortLeavesNoProgramme(t *testing.T) {
	from := smallProgramme(t)
	targets := []string{filepath.Join(t.TempDir(), "cut.db")}
	if onServer() {
		targets = append(targets, newServerDatabase(t, ""))
	}
	for _, to := range targets {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Migrate(ctx, from, to, MigrateOptions{Progress: func(done, total int64) {
			if done > total/2 {
				cancel()
			}
		}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Migrate cut short to %s: %v, want context.Canceled", shownDB(to), err)
		}
		if _, err := Open(context.Background(), to); !errors.Is(err, model.ErrNoDatabase) {
			t.Fatalf("Open %s after a migrate cut short: %v, want ErrNoDatabase", shownDB(to), err)
		}
		if !IsServerURL(to) {
			for _, e := range mustReadDir(t, filepath.Dir(to)) {
				t.Errorf("left behind a migrate cut short: %s", e.Name())
			}
		}
		if _, err := Migrate(context.Background(), from, to, MigrateOptions{}); err != nil {
			t.Fatalf("Migrate again to %s: %v", shownDB(to), err)
		}
		sameProgrammes(t, openFor(t, from), openFor(t, to))
	}
}

// Adversarial: text a person could paste (quotes, SQL, emoji, right-to-left
// marks, newlines, a NUL byte, bytes that are not UTF-8) survives a move
// between files byte for byte; PostgreSQL text cannot hold the last two, so
// a move there refuses naming the row and column, and leaves nothing.
func TestMigrateHostileText(t *testing.T) {
	ctx := context.Background()
	from := smallProgramme(t)
	storable := "O'Brien \"Bob\" '); DROP TABLE people; -- \u202eevil\u202c 🎓\r\n\ttab\\x00 $1 ?"
	raw, err := openRawSQLite(from)
	if err != nil {
		t.Fatal(err)
	}
	var personID int64
	raw.QueryRow(`SELECT min(id) FROM people`).Scan(&personID)
	if _, err := raw.Exec(`UPDATE people SET given_name = $1 WHERE id = $2`, storable, personID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	check := func(to string) {
		t.Helper()
		if _, err := Migrate(ctx, from, to, MigrateOptions{}); err != nil {
			t.Fatalf("Migrate to %s: %v", shownDB(to), err)
		}
		dst := openFor(t, to)
		var got string
		dst.db.QueryRow(`SELECT given_name FROM people WHERE id = $1`, personID).Scan(&got)
		if got != storable {
			t.Errorf("%s: given name %q, want %q", shownDB(to), got, storable)
		}
		sameProgrammes(t, openFor(t, from), dst)
	}
	check(filepath.Join(t.TempDir(), "hostile.db"))
	if onServer() {
		check(newServerDatabase(t, ""))
	}

	// A NUL byte and bytes that are not UTF-8 move between files intact.
	raw, _ = openRawSQLite(from)
	unstorable := "nul\x00byte and \xff\xfe not UTF-8"
	if _, err := raw.Exec(`UPDATE people SET family_name = $1 WHERE id = $2`, unstorable, personID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	to := filepath.Join(t.TempDir(), "binary.db")
	if _, err := Migrate(ctx, from, to, MigrateOptions{}); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	var got []byte
	openFor(t, to).db.QueryRow(`SELECT CAST(family_name AS BLOB) FROM people WHERE id = $1`, personID).Scan(&got)
	if string(got) != unstorable {
		t.Errorf("family name %q, want %q", got, unstorable)
	}
	if onServer() {
		server := newServerDatabase(t, "")
		_, err := Migrate(ctx, from, server, MigrateOptions{})
		want := fmt.Sprintf("people row %d column family_name holds text PostgreSQL cannot hold", personID)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Migrate of a NUL byte to the server: %v, want %q", err, want)
		}
		if _, err := Open(ctx, server); !errors.Is(err, model.ErrNoDatabase) {
			t.Errorf("Open after the refused migrate: %v, want ErrNoDatabase", err)
		}
	}
}

// Adversarial: another desk keeps writing to the source while it moves;
// the copy is one moment of it: every cohort the desk added is there with
// its audit entry or neither is, and the audit chain holds.
func TestMigrateSnapshotWhileAnotherDeskWrites(t *testing.T) {
	ctx := context.Background()
	from := smallProgramme(t)
	desk := openFor(t, from)
	stop := make(chan struct{})
	wrote := make(chan int, 1000)
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := desk.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 5000 + i}); err != nil {
				done <- err
				return
			}
			select {
			case wrote <- i:
			default:
			}
		}
	}()
	<-wrote // the desk is writing before the migrate starts
	waited := false
	to := filepath.Join(t.TempDir(), "moving.db")
	_, err := Migrate(ctx, from, to, MigrateOptions{Progress: func(done, total int64) {
		if !waited {
			// Let the desk land more cohorts while the copy reads.
			waited = true
			for range 3 {
				select {
				case <-wrote:
				case <-time.After(10 * time.Second):
				}
			}
		}
	}})
	close(stop)
	if derr := <-done; derr != nil {
		t.Fatalf("the other desk: %v", derr)
	}
	if err != nil {
		t.Fatalf("Migrate while another desk writes: %v", err)
	}
	dst := openFor(t, to)
	var cohorts, audited, srcCohorts int
	dst.db.QueryRow(`SELECT count(*) FROM cohorts WHERE number >= 5000`).Scan(&cohorts)
	dst.db.QueryRow(`SELECT count(*) FROM audit_log WHERE entity = 'cohort' AND entity_id IN
		(SELECT CAST(id AS TEXT) FROM cohorts WHERE number >= 5000)`).Scan(&audited)
	desk.db.QueryRow(`SELECT count(*) FROM cohorts WHERE number >= 5000`).Scan(&srcCohorts)
	if cohorts == 0 || cohorts != audited || cohorts >= srcCohorts {
		t.Errorf("copy has %d of the desk's cohorts and %d audit entries for them; the source has %d now", cohorts, audited, srcCohorts)
	}
	var r model.CheckReport
	if err := dst.checkAuditChain(ctx, &r); err != nil || !r.OK() {
		t.Errorf("audit chain of the copy: %v %+v", err, r.Problems)
	}
}

// A backup made from either store restores into either: a server's backup
// into a file, a file's backup into an empty server database; a server
// database that holds a programme is refused, --force or not.
func TestBackupRestoreAcrossStores(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	from := sqliteDemo(t)
	issueTwo(t, from)
	file := openFor(t, from)
	dir := t.TempDir()

	fileZip := filepath.Join(dir, "file.zip")
	if _, err := file.Backup(ctx, model.LocalUser(), fileZip, nil); err != nil {
		t.Fatalf("Backup of the file: %v", err)
	}
	server := newServerDatabase(t, "")
	info, err := Restore(ctx, fileZip, server, model.RestoreOptions{})
	if err != nil {
		t.Fatalf("Restore into the server: %v", err)
	}
	if info.Files == 0 {
		t.Errorf("restored %d evidence files", info.Files)
	}
	onServer := openFor(t, server)
	sameProgrammes(t, file, onServer)
	checkMoved(t, file, onServer)

	serverZip := filepath.Join(dir, "server.zip")
	binfo, err := onServer.Backup(ctx, model.LocalUser(), serverZip, nil)
	if err != nil {
		t.Fatalf("Backup of the server: %v", err)
	}
	if binfo.Files != info.Files || binfo.SchemaVersion != KnownSchemaVersion() {
		t.Errorf("server backup %+v, want %d files at version %d", binfo, info.Files, KnownSchemaVersion())
	}
	back := filepath.Join(dir, "back.db")
	if _, err := Restore(ctx, serverZip, back, model.RestoreOptions{}); err != nil {
		t.Fatalf("Restore of the server's backup into a file: %v", err)
	}
	sameProgrammes(t, file, openFor(t, back))
	checkMoved(t, file, openFor(t, back))

	before := tableDigests(t, onServer)
	_, err = Restore(ctx, serverZip, server, model.RestoreOptions{Force: true})
	if !errors.Is(err, model.ErrExists) || !strings.Contains(err.Error(), "createdb NEW") {
		t.Fatalf("Restore over the server's programme: %v, want ErrExists naming createdb", err)
	}
	if after := tableDigests(t, onServer); !reflect.DeepEqual(before, after) {
		t.Errorf("the refused restore changed the server's programme")
	}
}
