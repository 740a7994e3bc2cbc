package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"cascade/model/sqlstore"
)

// measureMigrate times cascade migrate of the demo. On SQLite: file to file
// beside the sqlite3 shell's dump piped into a new file. With --db
// postgres://…: the SQLite demo (built in --dir if missing) into a new
// database on the server beside pg_restore of a pg_dump of the same rows,
// and back out to a file beside that pg_dump; the databases are made beside
// the bench's demo (PREFIX_migrate_scaleN, PREFIX_migrate_peer_scaleN) and
// dropped after.
func (b *bench) measureMigrate() error {
	if !b.wanted("migrate") {
		return nil
	}
	if b.server != nil {
		return b.measureMigrateServer()
	}
	copyPath := filepath.Join(b.dir, "migrate-copy.db")
	clean := func() { os.Remove(copyPath); os.RemoveAll(copyPath + ".files") }
	clean()
	defer clean()
	start := time.Now()
	res, err := sqlstore.Migrate(b.ctx, b.db, copyPath, sqlstore.MigrateOptions{})
	if err != nil {
		return fmt.Errorf("migrate file to file: %w", err)
	}
	took := time.Since(start)
	r := result{Name: fmt.Sprintf("migrate, file to file (%d rows, %d files)", res.Rows, res.Files), Value: took.Seconds(), Unit: "s",
		Peer: "sqlite3 .dump | sqlite3"}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		r.Reason = "sqlite3 not installed (apt-get install sqlite3)"
	} else {
		peerFile := filepath.Join(b.dir, "cli-dump.db")
		os.Remove(peerFile)
		start := time.Now()
		cmd := exec.CommandContext(b.ctx, "sh", "-c", `sqlite3 "$1" .dump | sqlite3 "$2"`, "sh", b.db, peerFile)
		out, err := cmd.CombinedOutput()
		peer := time.Since(start)
		os.Remove(peerFile)
		if err != nil {
			r.Reason = fmt.Sprintf("sqlite3 .dump failed: %v: %s", err, strings.TrimSpace(string(out)))
		} else {
			r.PeerValue, r.Ratio = ptr(peer.Seconds()), ptr(float64(took)/float64(peer))
			r.Reason = "no target; ours also copies and hashes the evidence files"
		}
	}
	b.add(r)
	b.add(result{Name: "migrate, file to PostgreSQL", Unit: "s", Peer: "pg_restore, same rows",
		Reason: "not measured: run with --db postgres://USER@HOST:PORT/PREFIX (docs/performance.md)"})
	return nil
}

// measureMigrateServer moves the SQLite demo into a new database on the
// server and back out, and restores a pg_dump of that database into
// another beside it.
func (b *bench) measureMigrateServer() error {
	srv := b.server
	from, err := b.sqliteDemo()
	if err != nil {
		return err
	}
	scratch := func(what string) (string, error) {
		name := srv.name(fmt.Sprintf("%s_scale%d", what, b.scale))
		if err := srv.create(b.ctx, name, ""); err != nil {
			return "", err
		}
		b.dropAtEnd = append(b.dropAtEnd, name)
		return srv.url(name), nil
	}
	into, err := scratch("migrate")
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := sqlstore.Migrate(b.ctx, from, into, sqlstore.MigrateOptions{})
	if err != nil {
		return fmt.Errorf("migrate file to PostgreSQL: %w", err)
	}
	took := time.Since(start)
	r := result{Name: fmt.Sprintf("migrate, file to PostgreSQL (%d rows)", res.Rows), Value: took.Seconds(), Unit: "s", Peer: "pg_restore, same rows"}
	dump := filepath.Join(b.dir, "migrate.pgdump")
	defer os.Remove(dump)
	var dumpTook time.Duration
	if _, err := exec.LookPath("pg_restore"); err != nil {
		r.Reason = "pg_dump and pg_restore not installed (apt-get install postgresql-client)"
	} else {
		start := time.Now()
		out, err := exec.CommandContext(b.ctx, "pg_dump", "-Fc", "-f", dump, into).CombinedOutput()
		dumpTook = time.Since(start)
		if err != nil {
			r.Reason = fmt.Sprintf("pg_dump failed: %v: %s", err, strings.TrimSpace(string(out)))
		} else if again, err := scratch("migrate_peer"); err != nil {
			return err
		} else {
			start := time.Now()
			out, err := exec.CommandContext(b.ctx, "pg_restore", "--no-owner", "-d", again, dump).CombinedOutput()
			peer := time.Since(start)
			if err != nil {
				r.Reason = fmt.Sprintf("pg_restore failed: %v: %s", err, strings.TrimSpace(string(out)))
			} else {
				r.PeerValue, r.Ratio = ptr(peer.Seconds()), ptr(float64(took)/float64(peer))
				r.Reason = "no target; ours also makes the schema with goose, proves each evidence file and analyses the tables"
			}
		}
	}
	b.add(r)
	clean := func() { os.Remove(b.migrateBack()); os.RemoveAll(b.migrateBack() + ".files") }
	clean()
	defer clean()
	start = time.Now()
	if _, err := sqlstore.Migrate(b.ctx, into, b.migrateBack(), sqlstore.MigrateOptions{}); err != nil {
		return fmt.Errorf("migrate PostgreSQL to file: %w", err)
	}
	took = time.Since(start)
	r = result{Name: "migrate, PostgreSQL to file", Value: took.Seconds(), Unit: "s", Peer: "pg_dump -Fc, same database"}
	if dumpTook > 0 {
		r.PeerValue, r.Ratio = ptr(dumpTook.Seconds()), ptr(float64(took)/float64(dumpTook))
		r.Reason = "no target; ours also writes a SQLite file with its indexes"
	} else {
		r.Reason = "no pg_dump to compare"
	}
	b.add(r)
	return nil
}

// migrateBack is where the migrate back from the server lands.
func (b *bench) migrateBack() string { return filepath.Join(b.dir, "migrate-back.db") }

// sqliteDemo is the SQLite demo file of this scale in --dir, built as the
// SQLite run builds it when missing: the source a server run migrates.
func (b *bench) sqliteDemo() (string, error) {
	path := filepath.Join(b.dir, fmt.Sprintf("demo-scale%d.db", b.scale))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if _, err := sqlstore.Demo(b.ctx, path, sqlstore.DemoOptions{Seed: 1, Scale: b.scale}); err != nil {
		return "", fmt.Errorf("build the SQLite demo to migrate: %w", err)
	}
	return path, nil
}
