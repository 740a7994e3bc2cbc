package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cascade/model"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
)

// IsServerURL reports a --db value naming a PostgreSQL server
// (postgres://… or postgresql://…) rather than a SQLite file.
func IsServerURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// RedactURL is a server URL fit to show and to log: the password is gone.
func RedactURL(db string) string {
	u, err := url.Parse(db)
	if err != nil {
		return "the PostgreSQL server named in --db"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// writeLockKey is the PostgreSQL advisory lock every write transaction takes
// first: writes to one programme follow one another as they do on SQLite, so
// certificate numbers, achievements and the audit chain see every earlier
// write whole, whichever desk made it. Readers never wait for it.
const writeLockKey = 0x43534344 // "CSCD"

// openPostgres opens the programme in the database named by dsn, making it
// first when create is set. It refuses, changing nothing, an unreachable
// server, a refused sign-in, another application's database, a schema newer
// than this binary and (when creating) a database that already holds one.
func openPostgres(ctx context.Context, dsn string, create bool) (*Store, error) {
	return openServer(ctx, dsn, create, create)
}

// openServer is openPostgres with the programme's first rows (init) apart
// from its schema (create): migrate makes the schema and copies every row,
// the programme's own included.
func openServer(ctx context.Context, dsn string, create, init bool) (*Store, error) {
	verb := "open"
	if create {
		verb = "create"
	}
	s, err := connectServer(ctx, dsn, verb)
	if err != nil {
		return nil, err
	}
	db, shown := s.db, s.path
	if err := s.checkServerProgramme(ctx, create); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s %s: %w", verb, shown, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s %s: %w", verb, shown, err)
	}
	if init {
		if err := s.initProgramme(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s %s: %w", verb, shown, err)
		}
	}
	if err := s.chainAuditLog(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s %s: %w", verb, shown, err)
	}
	return s, nil
}

// connectServer connects to the server dsn names, touching nothing there.
func connectServer(ctx context.Context, dsn, verb string) (*Store, error) {
	shown := RedactURL(dsn)
	connCfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%s %s: the address is not a PostgreSQL URL: %w", verb, shown, err)
	}
	cfg := &connCfg.Config
	// The store's report queries are costed above the server's JIT threshold
	// at scale 10 and then spend more compiling than running (2.2 s of the
	// accreditation report's 5.7 s, 1 s of the verification report's 1.4 s):
	// they are sub-second reads of a modest database, so every connection
	// plans them without JIT. A URL that says jit=… itself keeps its word.
	if _, set := connCfg.RuntimeParams["jit"]; !set {
		connCfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*connCfg, stdlib.OptionAfterConnect(boolsAsIntegers))
	// Many desks share one server: a few connections per desk are plenty.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s %s: %w", verb, shown, explainConnect(cfg, err))
	}
	return &Store{db: db, path: shown, dsn: dsn, now: time.Now, pg: true, files: serverFiles{db}}, nil
}

// explainConnect turns a failed connection into one line a person can act on.
func explainConnect(cfg *pgconn.Config, err error) error {
	where := net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("the server at %s refused user %q (wrong password, or no such user): %s", where, cfg.User, pe.Message)
		case "3D000":
			return fmt.Errorf("the server at %s has no database %q (create it with createdb, then cascade init)", where, cfg.Database)
		}
		return fmt.Errorf("the server at %s refused the connection: %s (%s)", where, pe.Message, pe.Code)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer from a PostgreSQL server at %s within 15 seconds", where)
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "connect") {
		msg = msg[i+2:]
	}
	return fmt.Errorf("cannot reach a PostgreSQL server at %s: %s", where, msg)
}

// checkServerProgramme refuses a database that holds another application's
// tables (opening would add Cascade's beside them), and, when creating, one
// that already holds a programme; when opening, it refuses one that holds
// nothing yet, which cascade init makes.
func (s *Store) checkServerProgramme(ctx context.Context, create bool) error {
	var tables, goose, programme int
	err := s.db.QueryRowContext(ctx, `SELECT count(*),
			count(*) FILTER (WHERE table_name = 'goose_db_version'),
			count(*) FILTER (WHERE table_name = 'programme')
		FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`).Scan(&tables, &goose, &programme)
	if err != nil {
		return fmt.Errorf("read the database's tables: %w", err)
	}
	switch {
	case tables > 0 && (goose == 0 || programme == 0):
		return fmt.Errorf("%w: the database holds %d tables of another application", model.ErrNotProgramme, tables)
	case create && programme > 0:
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM programme`).Scan(&n); err != nil {
			return fmt.Errorf("read the programme: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("%w: the database already holds a programme (choose another database, or drop it first)", model.ErrExists)
		}
	case !create && programme == 0:
		return fmt.Errorf("%w there yet (make one with cascade init --db …, or move one in with cascade migrate)", model.ErrNoDatabase)
	case !create:
		// A migrate or restore cut short leaves the schema with no
		// programme in it: nothing to open, and migrate may try again.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM programme`).Scan(&n); err != nil {
			return fmt.Errorf("read the programme: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("%w there yet: the database has Cascade's tables but no programme (a migrate or restore was cut short; run it again, or cascade init --db …)", model.ErrNoDatabase)
		}
	}
	return nil
}

// lockWrites takes the programme's write lock inside tx, waiting up to
// writeWait for another desk's write to finish.
func (s *Store) lockWrites(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = '%dms'`, writeWait.Milliseconds())); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLockKey); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" {
			return fmt.Errorf("another desk or command has been changing %s for over %d minutes; try again when it has finished",
				s.path, int(writeWait.Minutes()))
		}
		return err
	}
	_, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = 0`)
	return err
}

// OnServer reports a programme on a PostgreSQL server, which many desks
// share: nobody there acts as this machine's operating-system user.
func (s *Store) OnServer() bool { return s.pg }

// listenFallback is how often a watch on a server looks unprompted.
const listenFallback = 5 * time.Second

// changesChannel is the channel the audit log's trigger notifies on each
// new entry (migrations/postgres: cascade_notify_change).
const changesChannel = "cascade_changes"

// listen holds a connection of its own LISTENing on changesChannel and
// signals wake (coalesced: one pending signal at most) for each notice,
// and once more after each reconnection, since notices sent while it was
// away are lost. It ends when ctx does, closing done once its connection
// is closed.
func (s *Store) listen(ctx context.Context) (wake <-chan struct{}, done <-chan struct{}) {
	w := make(chan struct{}, 1)
	d := make(chan struct{})
	signal := func() {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	go func() {
		defer close(d)
		for ctx.Err() == nil {
			conn, err := pgx.Connect(ctx, s.dsn)
			if err == nil {
				_, err = conn.Exec(ctx, "LISTEN "+changesChannel)
			}
			if err == nil {
				signal() // anything committed while no one listened
				for err == nil {
					_, err = conn.WaitForNotification(ctx)
					if err == nil {
						signal()
					}
				}
			}
			if conn != nil {
				closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				conn.Close(closeCtx)
				cancel()
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return w, d
}

// boolsAsIntegers lets a Go bool stand for an INTEGER 0/1 column, as the
// SQLite driver does: both schemas keep flags as integers, so the store's
// one SQL text passes bools as it does on SQLite. Columns PostgreSQL types
// as boolean still take a bool as it is (the wrapper only runs when no
// other encoding fits).
func boolsAsIntegers(_ context.Context, c *pgx.Conn) error {
	m := c.TypeMap()
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{wrapBoolAsInteger, wrapIntegerAsText}, m.TryWrapEncodePlanFuncs...)
	return nil
}

// wrapIntegerAsText lets a Go integer stand for the TEXT a column holds it
// as (the audit log's entity_id, for one), which SQLite's column affinity
// does by itself. It is tried only where no integer encoding fits.
func wrapIntegerAsText(v any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	switch n := v.(type) {
	case int:
		return &integerTextPlan{}, integerText(n), true
	case int64:
		return &integerTextPlan{}, integerText(n), true
	case int32:
		return &integerTextPlan{}, integerText(n), true
	}
	return nil, nil, false
}

// integerText is an integer encoded as its decimal text.
type integerText int64

// TextValue implements pgtype.TextValuer.
func (n integerText) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: strconv.FormatInt(int64(n), 10), Valid: true}, nil
}

type integerTextPlan struct{ next pgtype.EncodePlan }

func (p *integerTextPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *integerTextPlan) Encode(v any, buf []byte) ([]byte, error) {
	var n integerText
	switch x := v.(type) {
	case int:
		n = integerText(x)
	case int64:
		n = integerText(x)
	case int32:
		n = integerText(x)
	}
	return p.next.Encode(n, buf)
}

func wrapBoolAsInteger(v any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	b, ok := v.(bool)
	if !ok {
		return nil, nil, false
	}
	return &boolIntegerPlan{}, boolInteger(b), true
}

// boolInteger is a bool encoded as the integer 1 or 0.
type boolInteger bool

// Int64Value implements pgtype.Int64Valuer.
func (b boolInteger) Int64Value() (pgtype.Int8, error) {
	var n int64
	if b {
		n = 1
	}
	return pgtype.Int8{Int64: n, Valid: true}, nil
}

type boolIntegerPlan struct{ next pgtype.EncodePlan }

func (p *boolIntegerPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *boolIntegerPlan) Encode(v any, buf []byte) ([]byte, error) {
	return p.next.Encode(boolInteger(v.(bool)), buf)
}
