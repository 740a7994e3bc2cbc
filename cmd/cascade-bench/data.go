package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
)

const importRows = 50000

// measureBackup backs the bench database up with the store's Backup (the
// one the window and cascade backup use) against the sqlite3 shell's
// .backup, and restores the archive to a working copy for the certificates.
func (b *bench) measureBackup() error {
	if !b.wanted("backup") && !b.wanted("restore") {
		return nil
	}
	if b.server != nil {
		b.add(result{Name: "backup (database and evidence files, zip)", Unit: "ms", Peer: "pg_dump",
			Reason: "not measured on PostgreSQL: a server's programme is backed up by the server's own tools"})
		return nil
	}
	archive, took, err := b.backup()
	if err != nil {
		return err
	}
	defer os.Remove(archive)
	r := result{Name: "backup (database and evidence files, zip)", Value: ms(took), Unit: "ms", Peer: "sqlite3 .backup"}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		r.Reason = "sqlite3 not installed (apt-get install sqlite3)"
	} else {
		peerFile := filepath.Join(b.dir, "cli-backup.db")
		best, err := medianOf(3, timed(func() error {
			os.Remove(peerFile)
			out, err := exec.Command("sqlite3", b.db, ".backup "+peerFile).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
			}
			return nil
		}))
		os.Remove(peerFile)
		if err != nil {
			r.Reason = "sqlite3 .backup failed: " + err.Error()
		} else {
			r.PeerValue, r.Ratio = ptr(ms(best)), ptr(float64(took)/float64(best))
			r.Reason = "no target; ours also vacuums, zips and hashes every member, the shell copies pages"
		}
	}
	b.add(r)
	start := time.Now()
	if _, err := sqlstore.Restore(b.ctx, archive, b.workPath(), model.RestoreOptions{Force: true}); err != nil {
		return err
	}
	b.restored = true
	b.add(result{Name: "restore (checked, then swapped in)", Value: ms(time.Since(start)), Unit: "ms",
		Reason: "no peer: the shell's .restore does not prove the archive first"})
	return b.addPeak("peak RSS, backup then restore", "backup")
}

// backup writes an archive of the bench database and says how long it took.
func (b *bench) backup() (string, time.Duration, error) {
	archive := filepath.Join(b.dir, fmt.Sprintf("backup-scale%d.zip", b.scale))
	os.Remove(archive)
	start := time.Now()
	if _, err := b.store.Backup(b.ctx, model.LocalUser(), archive, nil); err != nil {
		return "", 0, err
	}
	return archive, time.Since(start), nil
}

func (b *bench) workPath() string {
	return filepath.Join(b.dir, fmt.Sprintf("work-scale%d.db", b.scale))
}

// workCopy is a copy of the bench database to change (issue certificates
// on), made by backup and restore unless the backup phase already made it.
func (b *bench) workCopy() (string, error) {
	if b.server != nil {
		if b.work == "" {
			work, err := b.serverCopy("work")
			if err != nil {
				return "", err
			}
			b.work = work
		}
		return b.work, nil
	}
	if !b.restored {
		archive, _, err := b.backup()
		if err != nil {
			return "", err
		}
		defer os.Remove(archive)
		if _, err := sqlstore.Restore(b.ctx, archive, b.workPath(), model.RestoreOptions{Force: true}); err != nil {
			return "", err
		}
		b.restored = true
	}
	return b.workPath(), nil
}

// measureImport imports 50,000 organisers from CSV into a new programme with
// their cohort and hosts, against the sqlite3 shell's .import of the same
// file into a bare table.
func (b *bench) measureImport() error {
	if !b.wanted("import") {
		return nil
	}
	if b.server != nil {
		b.add(result{Name: fmt.Sprintf("import %s organisers from CSV", thousands(importRows)), Unit: "s",
			Reason: "not measured on PostgreSQL: the SQLite run measures import"})
		return nil
	}
	peakRSS()
	dir := filepath.Join(b.dir, "import")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base := filepath.Join(dir, "base.db")
	hosts, err := sqlstore.CreateImportBase(b.ctx, base)
	if err != nil {
		return err
	}
	csvPath := filepath.Join(dir, "organisers.csv")
	if err := sqlstore.WriteOrganisersCSV(csvPath, importRows, hosts); err != nil {
		return err
	}
	run := filepath.Join(dir, "run.db")
	// Each run starts from the same base, as the shell's runs below do.
	took, err := medianOf(3, func() (time.Duration, error) {
		sqlstore.RemoveDatabase(run)
		if err := copyFile(base, run); err != nil {
			return 0, err
		}
		s, err := sqlstore.Open(b.ctx, run)
		if err != nil {
			return 0, err
		}
		start := time.Now()
		res, err := s.Import(b.ctx, model.LocalUser(), model.KindOrganisers, csvPath, model.ImportOptions{})
		took := time.Since(start)
		s.Close()
		if err != nil {
			return 0, err
		}
		if len(res.Problems) > 0 {
			return 0, fmt.Errorf("import: %d problems, first %v", len(res.Problems), res.Problems[0])
		}
		return took, nil
	})
	if err != nil {
		return err
	}
	name := fmt.Sprintf("import %s organisers from CSV", thousands(importRows))
	bare := ".import --csv " + csvPath + " staged\n"
	full := bare + `BEGIN;
INSERT INTO people (id, given_name, family_name, email, created_at, updated_at)
	SELECT rowid, given_name, family_name, email, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM staged;
INSERT INTO organisers (id, person_id, role, host_id, cohort_id, supported_by_id, starts_on, status, created_at, updated_at)
	SELECT s.rowid, s.rowid, s.role, h.id, c.id, sp.rowid, s.start_date, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
	FROM staged s LEFT JOIN hosts h ON h.name = s.host LEFT JOIN cohorts c ON c.number = s.cohort
	LEFT JOIN staged sp ON sp.email = s.supported_by AND s.supported_by <> '';
COMMIT;
`
	peers := []struct {
		name, peer, script, target string
		fromBase                   bool
		limit                      float64
	}{
		// The target compares the same work: the shell's .import into a
		// staging table, then INSERT … SELECT into people and organisers.
		{name, "sqlite3 .import + INSERT", full, "≤ 2.2× CLI", true, 2.2},
		{name + " (vs bare .import)", "sqlite3 .import, bare table", bare, "", false, 0},
	}
	_, cliErr := exec.LookPath("sqlite3")
	for _, p := range peers {
		r := result{Name: p.name, Value: took.Seconds(), Unit: "s", Peer: p.peer, Target: p.target}
		if cliErr != nil {
			r.Reason = "sqlite3 not installed (apt-get install sqlite3)"
			b.add(r)
			continue
		}
		cli := filepath.Join(dir, "cli.db")
		best, err := medianOf(3, timed(func() error {
			sqlstore.RemoveDatabase(cli)
			if p.fromBase {
				if err := copyFile(base, cli); err != nil {
					return err
				}
			}
			cmd := exec.Command("sqlite3", cli)
			cmd.Stdin = strings.NewReader(p.script)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
			}
			return nil
		}))
		sqlstore.RemoveDatabase(cli)
		if err != nil {
			r.Reason = "sqlite3 failed: " + err.Error()
		} else {
			r.PeerValue, r.Ratio = ptr(best.Seconds()), ptr(float64(took)/float64(best))
			if p.limit > 0 {
				r.OK = ptr(*r.Ratio <= p.limit)
			} else {
				r.Reason = "no target: one table of text, no people, organisers, checks or audit"
			}
		}
		b.add(r)
	}
	rss := peakRSS()
	b.add(result{Name: "peak RSS, import", Value: rss, Unit: "MB", Target: "< 300 MB", OK: ptr(rss < 300), Reason: "no peer"})
	return nil
}

// bestOf runs fn n times and returns its quickest run.
func bestOf(n int, fn func() error) (time.Duration, error) {
	var best time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
	}
	return best, nil
}

// medianOf runs fn n times and returns the median of the times fn reports
// for itself: on a shared machine the best of several flatters and the mean
// carries other people's stalls.
func medianOf(n int, fn func() (time.Duration, error)) (time.Duration, error) {
	runs := make([]time.Duration, n)
	for i := range runs {
		d, err := fn()
		if err != nil {
			return 0, err
		}
		runs[i] = d
	}
	slices.Sort(runs)
	return runs[n/2], nil
}

// timed times all of fn, for medianOf.
func timed(fn func() error) func() (time.Duration, error) {
	return func() (time.Duration, error) {
		start := time.Now()
		err := fn()
		return time.Since(start), err
	}
}

// copyFile copies a closed database file.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
