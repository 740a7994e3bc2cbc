package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"cascade/model/sqlstore"

	"github.com/jackc/pgx/v5/pgconn"
)

// server is where a --db postgres://… run keeps its programmes. The URL's
// database is not opened: its name is the prefix of the databases the bench
// makes there (PREFIX_demo_scaleN, kept between runs as the SQLite run keeps
// its file; PREFIX_work_scaleN and the desks' copies, dropped when done).
// CREATE and DROP DATABASE run from the server's maintenance database,
// postgres, so the URL's user must be allowed to create databases.
type server struct {
	base   *url.URL
	prefix string
	admin  *sql.DB
}

// defaultPrefix names the bench's databases when the URL names none, or
// names the maintenance database itself.
const defaultPrefix = "cascade_bench"

var prefixOK = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

// newServer reads --db's URL and connects to the server's maintenance
// database.
func newServer(ctx context.Context, raw string) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--db %s: %w", sqlstore.RedactURL(raw), err)
	}
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix == "" || prefix == "postgres" {
		prefix = defaultPrefix
	}
	if !prefixOK.MatchString(prefix) {
		return nil, fmt.Errorf("--db %s: the database name %q is the prefix of the bench's databases: give lower-case letters, digits and _ (at most 40)",
			sqlstore.RedactURL(raw), prefix)
	}
	s := &server{base: u, prefix: prefix}
	s.admin, err = sql.Open("pgx", s.url("postgres"))
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := s.admin.PingContext(pingCtx); err != nil {
		s.admin.Close()
		return nil, fmt.Errorf("--db %s: %w", sqlstore.RedactURL(raw), err)
	}
	return s, nil
}

// name is the bench's database called what.
func (s *server) name(what string) string { return s.prefix + "_" + what }

// url is the URL of database name on this server.
func (s *server) url(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// shown is the URL of database name without its password.
func (s *server) shown(name string) string { return sqlstore.RedactURL(s.url(name)) }

func (s *server) close() { s.admin.Close() }

// exists reports whether database name is on the server.
func (s *server) exists(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n)
	return n > 0, err
}

// drop removes database name, closing anyone's connections to it.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(context.WithoutCancel(ctx), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// create makes database name, empty or (from non-empty) a copy of from. A
// copy waits a few seconds for a connection to from closed just before to
// go: PostgreSQL refuses to copy a database anyone is connected to.
func (s *server) create(ctx context.Context, name, from string) error {
	if err := s.drop(ctx, name); err != nil {
		return err
	}
	stmt := "CREATE DATABASE " + name
	if from != "" {
		stmt += " TEMPLATE " + from
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.admin.ExecContext(ctx, stmt)
		var pe *pgconn.PgError
		if err != nil && errors.As(err, &pe) && pe.Code == "55006" && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
		return nil
	}
}

// rename gives database from the name to.
func (s *server) rename(ctx context.Context, from, to string) error {
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+from+" RENAME TO "+to); err != nil {
		return fmt.Errorf("rename database %s to %s: %w", from, to, err)
	}
	return nil
}

// schemaVersion is the goose version of the programme in database name, 0
// when it holds none.
func (s *server) schemaVersion(ctx context.Context, name string) (int64, error) {
	db, err := sql.Open("pgx", s.url(name))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v sql.NullInt64
	err = db.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // no goose table: no programme
		return 0, nil
	}
	return v.Int64, err
}

// size is database name's size on disk in MB.
func (s *server) size(ctx context.Context, name string) (float64, error) {
	var n int64
	err := s.admin.QueryRowContext(ctx, `SELECT pg_database_size($1)`, name).Scan(&n)
	return float64(n) / (1 << 20), err
}

// serverDemo makes sure the scale's demo is on the server: reused when a
// database of that name holds a programme at this binary's schema version,
// otherwise the SQLite demo in --dir (built if missing) migrated in, under
// another name renamed when whole, so a build cut short is never taken for
// a demo. It reports the build's time, or 0 when reused.
func (b *bench) serverDemo() (time.Duration, error) {
	ctx, srv := b.ctx, b.server
	name := srv.name(fmt.Sprintf("demo_scale%d", b.scale))
	b.db = srv.url(name)
	ok, err := srv.exists(ctx, name)
	if err != nil {
		return 0, err
	}
	if ok {
		v, err := srv.schemaVersion(ctx, name)
		if err != nil {
			return 0, fmt.Errorf("read the schema version of %s: %w", name, err)
		}
		if v == sqlstore.KnownSchemaVersion() {
			return 0, nil
		}
		fmt.Fprintf(os.Stderr, "cascade-bench: %s is at schema %d, this binary %d: building it again\n", name, v, sqlstore.KnownSchemaVersion())
	}
	building := name + "_building"
	if err := srv.create(ctx, building, ""); err != nil {
		return 0, err
	}
	// The SQLite demo moved in is the quicker way: at scale 10 the SQLite
	// build takes 7–15 s and the migrate 34 s, where sqlstore.Demo straight
	// into the server took 147–302 s (a round trip per row).
	start := time.Now()
	from, err := b.sqliteDemo()
	if err == nil {
		_, err = sqlstore.Migrate(ctx, from, srv.url(building), sqlstore.MigrateOptions{})
	}
	if err != nil {
		srv.drop(ctx, building)
		return 0, fmt.Errorf("build demo on the server: %w", err)
	}
	took := time.Since(start)
	if err := srv.drop(ctx, name); err != nil {
		return 0, err
	}
	return took, srv.rename(ctx, building, name)
}

// serverCopy makes database PREFIX_what a copy of the demo and returns its
// URL; the copy is dropped when the run ends. The bench's own handle on the
// demo is closed first, as PostgreSQL copies only a database no one is
// connected to (the phases after the screens do not use it).
func (b *bench) serverCopy(what string) (string, error) {
	if b.store != nil {
		b.store.Close()
		b.store = nil
	}
	srv := b.server
	name := srv.name(fmt.Sprintf("%s_scale%d", what, b.scale))
	if err := srv.create(b.ctx, name, srv.name(fmt.Sprintf("demo_scale%d", b.scale))); err != nil {
		return "", err
	}
	b.dropAtEnd = append(b.dropAtEnd, name)
	return srv.url(name), nil
}
