package sqlstore

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"cascade/model"

	"github.com/pressly/goose/v3"
	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// migrations holds one goose tree per dialect (migrations/sqlite and
// migrations/postgres); a version number means the same schema in both.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Store is an open programme: a SQLite file and the evidence-file folder
// beside it, or a PostgreSQL database holding both.
type Store struct {
	db *sql.DB
	// path is the SQLite file's absolute path, or the server URL without
	// its password.
	path     string
	filesDir string
	// pg is set for a programme on a PostgreSQL server.
	pg bool
	// files keeps evidence files' contents: filesDir, or the server's tables.
	files keptFiles
	// lock is this store's share of FILE.lock: a restore waits for none.
	lock *fileLock
	// readOnly is set when the file could not be written: every reading
	// command works, every change says read-only.
	readOnly bool
	// now is the clock sign-in throttling reads; tests move it.
	now func() time.Time
	// watch holds the running watches (Watch), stopped by Close.
	watch watchers
	// watchPoll, when set, replaces how often a watch looks unprompted
	// (tests make it long to show a server's notices arrive on their own).
	watchPoll time.Duration
	// dsn is a server programme's URL as given, password included, for the
	// connections a watch listens on; path is what is shown.
	dsn string
}

// applicationID marks a SQLite file as a Cascade programme ("CSCD") in its
// header, so a restore can tell a programme from any other database.
const applicationID = 0x43534344

// Open opens an existing programme database and brings its schema up to date.
// It changes nothing when it refuses: a missing file, a file that is not
// SQLite or not a Cascade programme, or a schema newer than this binary. A
// file it may not write is opened read-only when its schema is current.
// A restore cut short is finished first, so the file is always whole.
//
// A PostgreSQL URL (see IsServerURL) opens the programme on that server.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsServerURL(path) {
		return openPostgres(ctx, path, false)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	lock, err := finishInterruptedSwap(abs)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ro, err := checkOpenable(path, false)
	if err != nil {
		lock.release()
		return nil, err
	}
	if lock == nil {
		if lock, err = lockShared(abs); err != nil {
			return nil, err
		}
	}
	s, err := open(ctx, path, abs, ro, lock)
	if err != nil {
		lock.release()
		return nil, err
	}
	return s, nil
}

// Create makes a new, empty programme database at path (schema, programme row,
// signing key) and refuses a file that already exists.
func Create(ctx context.Context, path string) (*Store, error) {
	if IsServerURL(path) {
		return openPostgres(ctx, path, true)
	}
	if _, err := checkOpenable(path, true); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	lock, err := lockShared(abs)
	if err != nil {
		return nil, err
	}
	if err := makeEmptyFile(abs); err != nil {
		lock.release()
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	s, err := open(ctx, path, abs, false, lock)
	if err != nil {
		lock.release()
		os.Remove(path)
		return nil, err
	}
	if err := s.initProgramme(ctx); err != nil {
		s.Close()
		removeDatabase(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return s, nil
}

// makeEmptyFile makes the file a new programme starts from: an empty file is
// a new SQLite database, and the store's connections (mode=rw) never make one.
func makeEmptyFile(abs string) error {
	f, err := os.OpenFile(abs, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// OpenOrCreate opens path, creating an empty programme there when no file exists.
func OpenOrCreate(ctx context.Context, path string) (s *Store, created bool, err error) {
	if IsServerURL(path) {
		s, err := openPostgres(ctx, path, false)
		if errors.Is(err, model.ErrNoDatabase) {
			s, err = openPostgres(ctx, path, true)
			return s, err == nil, err
		}
		return s, false, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if _, jerr := os.Stat(swapJournal(path)); jerr != nil {
			s, err := Create(ctx, path)
			return s, err == nil, err
		}
	}
	s, err = Open(ctx, path)
	return s, false, err
}

// checkOpenable refuses, before SQLite touches anything, the cases a person
// needs told in plain words. It reports a file this process may not write.
func checkOpenable(path string, create bool) (readOnly bool, err error) {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return false, fmt.Errorf("open %s: folder %s does not exist", path, dir)
	}
	st, err := os.Stat(path)
	switch {
	case create && err == nil:
		return false, fmt.Errorf("create %s: %w (choose another file, or remove it first)", path, model.ErrExists)
	case create && errors.Is(err, fs.ErrNotExist):
		f, err := os.CreateTemp(dir, ".cascade-write-test-*")
		if err != nil {
			return false, fmt.Errorf("create %s: folder %s is %w", path, dir, model.ErrReadOnly)
		}
		f.Close()
		os.Remove(f.Name())
		return false, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("open %s: %w there (make one with cascade init or cascade demo)", path, model.ErrNoDatabase)
	case err != nil:
		return false, fmt.Errorf("open %s: %w", path, err)
	case st.IsDir():
		return false, fmt.Errorf("open %s: it is a folder, not a database file", path)
	}
	// Root may write to anything, so the owner's write bit is the clearest sign
	// a person marked the file read-only.
	readOnly = st.Mode().Perm()&0o200 == 0
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil && errors.Is(err, fs.ErrPermission) {
		readOnly = true
		f, err = os.Open(path)
	}
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteFileHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 && st.Size() == 0 {
		if readOnly {
			return false, fmt.Errorf("open %s: the file is empty and %w", path, model.ErrReadOnly)
		}
		return false, nil // an empty file is a database SQLite has not written yet
	}
	if err != nil || !bytes.Equal(head, sqliteFileHeader) {
		return false, fmt.Errorf("open %s: %w", path, model.ErrNotSQLite)
	}
	return readOnly, nil
}

func open(ctx context.Context, path, abs string, readOnly bool, lock *fileLock) (*Store, error) {
	// Look before the pragmas below change anything: switching another
	// application's file to WAL would already have altered it.
	immutable := readOnly && unchangeable(abs)
	if err := probeProgramme(ctx, abs, immutable); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	conn := dsn(abs)
	if readOnly {
		conn = dsnReadOnly(abs, immutable)
	}
	db, err := sql.Open("sqlite", conn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: abs, filesDir: abs + ".files", files: folderFiles{abs + ".files"},
		now: time.Now, lock: lock, readOnly: readOnly}
	if readOnly {
		if err := s.checkCurrent(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		return s, nil
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.chainAuditLog(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Programmes made before the mark existed get it on their next open.
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: mark it as a Cascade programme: %w", path, err)
	}
	return s, nil
}

// probeProgramme runs checkProgramme on a read-only connection of its own.
func probeProgramme(ctx context.Context, abs string, immutable bool) error {
	if st, err := os.Stat(abs); err != nil || st.Size() == 0 {
		return nil // nothing written yet: a programme in the making
	}
	// Wait, as every connection does, for another one mid-write or
	// mid-checkpoint rather than failing with "database is locked".
	q := "?mode=ro&_pragma=busy_timeout%2810000%29"
	if immutable {
		q += "&immutable=1"
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+q)
	if err != nil {
		return err
	}
	defer db.Close()
	return (&Store{db: db}).checkProgramme(ctx)
}

// checkProgramme refuses a SQLite file that is some other application's:
// one marked with another application id, or one holding tables but never
// given Cascade's schema. Opening it would add Cascade's tables to it.
func (s *Store) checkProgramme(ctx context.Context) error {
	var id int64
	if err := s.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		if isNotADatabase(err) {
			return model.ErrNotSQLite
		}
		return fmt.Errorf("read the file's application id: %w", err)
	}
	if id == applicationID {
		return nil
	}
	if id != 0 {
		return fmt.Errorf("%w: the file belongs to another application (application id %#x)", model.ErrNotProgramme, id)
	}
	var tables, goose int
	err := s.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'goose_db_version')
		FROM sqlite_master WHERE type = 'table'`).Scan(&tables, &goose)
	if err != nil {
		if isNotADatabase(err) {
			return model.ErrNotSQLite
		}
		return fmt.Errorf("read the file's tables: %w", err)
	}
	if tables > 0 && goose == 0 {
		return fmt.Errorf("%w: it is a SQLite database with %d tables of its own", model.ErrNotProgramme, tables)
	}
	return nil
}

// checkCurrent refuses a read-only file whose schema this binary would
// have to change before it could read it.
func (s *Store) checkCurrent(ctx context.Context) error {
	current, err := s.dbSchemaVersion(ctx)
	if err != nil {
		if isNotADatabase(err) {
			return model.ErrNotSQLite
		}
		return fmt.Errorf("read schema version: %w", err)
	}
	if known := KnownSchemaVersion(); current > known {
		return fmt.Errorf("%w: the database has schema version %d, this cascade knows up to %d; use a newer cascade",
			model.ErrNewerSchema, current, known)
	}
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if pending || current == 0 {
		return fmt.Errorf("the file is %w and its schema (version %d) needs bringing up to date; make it writable and open it once",
			model.ErrReadOnly, current)
	}
	return nil
}

// dsn sets the pragmas on every pooled connection: busy_timeout first so the
// others wait for a lock, then WAL, foreign keys, NORMAL sync, the page
// cache and temporary storage. Write
// transactions take the lock at BEGIN so two writers never deadlock.
func dsn(path string) string {
	q := url.Values{}
	// Never create: a connection the pool opens after the file was moved or
	// removed (a restore's swap, a folder cleared while a screen was still
	// loading) must fail, not make an empty database in its place. Create
	// makes the file itself first.
	q.Add("mode", "rw")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// 64 MiB of page cache per connection: the assessor queue and reports
	// touch rows spread over a large file, and 2 MiB (the default) thrashes.
	q.Add("_pragma", "cache_size(-65536)")
	// Statement journals and temporary tables in memory: a many-row INSERT
	// inside a transaction journals the pages it changes so that statement
	// alone can fail, and on disk that is a write call per page (a third of
	// a large import's time).
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// dsnReadOnly opens a file this process may not write: no journal-mode
// change, and query_only so no statement can try.
func dsnReadOnly(path string, immutable bool) string {
	q := url.Values{}
	q.Add("mode", "ro")
	if immutable {
		q.Add("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "temp_store(MEMORY)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// unchangeable reports a read-only file in a folder this process may not
// write, with no WAL beside it. SQLite cannot make the shared-memory file a
// WAL database needs to be read there, and no one can be writing it (a
// writer would have left a WAL), so it is opened immutable.
func unchangeable(abs string) bool {
	if syscall.Access(filepath.Dir(abs), 2 /* W_OK */) == nil {
		return false
	}
	st, err := os.Stat(abs + "-wal")
	return errors.Is(err, fs.ErrNotExist) || (err == nil && st.Size() == 0)
}

// ReadOnly reports a programme opened from a file this process may not write.
func (s *Store) ReadOnly() bool { return s.readOnly }

func (s *Store) provider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if s.pg {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, s.db, sub, goose.WithAllowOutofOrder(true))
}

// migrate applies pending migrations, refusing a database from a newer binary.
func (s *Store) migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	known := KnownSchemaVersion()
	if current, err := s.dbSchemaVersion(ctx); err != nil {
		if isNotADatabase(err) {
			return model.ErrNotSQLite
		}
		return fmt.Errorf("read schema version: %w", err)
	} else if current > known {
		return fmt.Errorf("%w: the database has schema version %d, this cascade knows up to %d; use a newer cascade",
			model.ErrNewerSchema, current, known)
	}
	if _, err := p.Up(ctx); err != nil {
		if isNotADatabase(err) {
			return model.ErrNotSQLite
		}
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// dbSchemaVersion reads the highest applied migration, 0 for a new file.
func (s *Store) dbSchemaVersion(ctx context.Context) (int64, error) {
	var n int
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if s.pg {
		q = `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
	}
	err := s.db.QueryRowContext(ctx, q).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v sql.NullInt64
	err = s.db.QueryRowContext(ctx,
		`SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	return v.Int64, err
}

// SchemaVersion is the database's applied schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	return s.dbSchemaVersion(ctx)
}

// KnownSchemaVersion is the newest schema version this binary carries (both
// dialects' trees end at the same version; a test holds them to it).
func KnownSchemaVersion() int64 {
	return knownSchemaVersion("sqlite")
}

func knownSchemaVersion(dialect string) int64 {
	entries, _ := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
	var max int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(filepath.Base(e), "%d_", &v); err == nil && v > max {
			max = v
		}
	}
	return max
}

func isNotADatabase(err error) bool {
	return err != nil && bytes.Contains([]byte(err.Error()), []byte("file is not a database"))
}

// initProgramme writes the rows every programme has: the programme itself,
// default settings and the signing key pair.
func (s *Store) initProgramme(ctx context.Context) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("make signing key: %w", err)
	}
	now := model.Now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO programme (id, name, created_at) VALUES (1, $1, $2)`,
			"Community Organisers Programme", now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO signing_keys (id, public_key, private_key, created_at) VALUES (1, $1, $2, $3)`,
			[]byte(pub), []byte(priv), now); err != nil {
			return err
		}
		for k, v := range model.DefaultSettings() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, k, v); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, model.LocalUser(), "create", "programme", "1", nil, map[string]string{"path": s.path})
	})
}

// Close stops the store's watches, closes the database and lets go of its lock.
func (s *Store) Close() error {
	s.watch.stop()
	err := s.db.Close()
	s.lock.release()
	return err
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// FilesDir is the folder beside a SQLite database holding evidence files by
// hash ("" on a server, which holds them in its tables).
func (s *Store) FilesDir() string { return s.filesDir }

// DB exposes the handle to code inside model's own tests and tools; ui never calls it.
func (s *Store) DB() *sql.DB { return s.db }

// inTx runs fn in one transaction: all of it lands, or none.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.readOnly {
		return readOnlyWrite(s.path)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// writeWait is how long a write waits its turn behind another desk's or
// command's. busy_timeout alone gives up after ten seconds, and a
// certificate run or an import elsewhere can hold the file longer than
// that; a write that waits is better than one that fails.
const writeWait = 3 * time.Minute

// beginWrite begins a write transaction (BEGIN IMMEDIATE, so it takes the
// write lock before any work), trying again while another connection holds
// the lock, up to writeWait.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if s.pg {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if err := s.lockWrites(ctx, tx); err != nil {
			tx.Rollback()
			return nil, err
		}
		return tx, nil
	}
	deadline := time.Now().Add(writeWait)
	for {
		tx, err := s.db.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) {
			return tx, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("another desk or command has been changing %s for over %d minutes; try again when it has finished: %w",
				s.path, int(writeWait.Minutes()), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// isBusy says whether err is SQLite's "database is locked": another
// connection holds the write lock.
func isBusy(err error) bool {
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// removeDatabase deletes a database file and its WAL companions.
func removeDatabase(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// RemoveDatabase deletes a database, its WAL files and its evidence folder;
// demo --force uses it before building afresh.
func RemoveDatabase(path string) error {
	if IsServerURL(path) {
		return fmt.Errorf("remove %s: a programme on a server is removed by its administrator (dropdb), never by cascade", RedactURL(path))
	}
	removeDatabase(path)
	return os.RemoveAll(path + ".files")
}

// Store is a complete programme for screens and commands.
var _ model.Programme = (*Store)(nil)

// sqliteFileHeader starts every SQLite database file.
var sqliteFileHeader = []byte("SQLite format 3\x00")
