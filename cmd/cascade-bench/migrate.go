package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"cascade/model/sqlstore"
)

// measureMigrate times cascade migrate of the demo: file to file beside the
// sqlite3 shell's dump piped into a new file, and, when --pg names a
// server, file to PostgreSQL beside pg_restore of the same rows and back
// beside pg_dump. Scratch databases are made and dropped on that server.
func (b *bench) measureMigrate() error {
	if !b.wanted("migrate") {
		return nil
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
	if b.pg == "" {
		b.add(result{Name: "migrate, file to PostgreSQL", Unit: "s", Peer: "pg_restore, same rows",
			Reason: "not measured: give --pg postgres://OWNER@HOST:PORT/postgres (scratch databases are made and dropped there)"})
		return nil
	}
	return b.measureMigrateServer()
}

// measureMigrateServer moves the demo into a scratch database and back out,
// and restores a pg_dump of that database into another beside it.
func (b *bench) measureMigrateServer() error {
	admin, err := sql.Open("pgx", b.pg)
	if err != nil {
		return err
	}
	defer admin.Close()
	var made []string
	defer func() {
		for _, name := range made {
			admin.ExecContext(context.WithoutCancel(b.ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
	}()
	scratch := func() (string, string, error) {
		buf := make([]byte, 6)
		rand.Read(buf)
		name := "cascade_bench_" + hex.EncodeToString(buf)
		if _, err := admin.ExecContext(b.ctx, "CREATE DATABASE "+name); err != nil {
			return "", "", fmt.Errorf("--pg: %w", err)
		}
		made = append(made, name)
		u, err := url.Parse(b.pg)
		if err != nil {
			return "", "", fmt.Errorf("--pg: %w", err)
		}
		u.Path = "/" + name
		return name, u.String(), nil
	}
	_, into, err := scratch()
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := sqlstore.Migrate(b.ctx, b.db, into, sqlstore.MigrateOptions{})
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
		} else if _, again, err := scratch(); err != nil {
			return err
		} else {
			start := time.Now()
			out, err := exec.CommandContext(b.ctx, "pg_restore", "--no-owner", "-d", again, dump).CombinedOutput()
			peer := time.Since(start)
			if err != nil {
				r.Reason = fmt.Sprintf("pg_restore failed: %v: %s", err, strings.TrimSpace(string(out)))
			} else {
				r.PeerValue, r.Ratio = ptr(peer.Seconds()), ptr(float64(took)/float64(peer))
				r.Reason = "no target; ours also makes the schema with goose and proves each evidence file"
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
