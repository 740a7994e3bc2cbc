package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"cascade/model"
	"cascade/model/sqlstore"
)

// Peak memory is measured in a process of its own for each step: VmHWM only
// grows, and the Go runtime keeps what an earlier phase freed, so a phase's
// peak read in the bench's own process is mostly the phases before it.

// peakSteps are the steps -peak runs, each from a fresh start.
var peakSteps = map[string]func(ctx context.Context, db, dir string) error{
	"screens": peakScreens,
	"backup":  peakBackup,
}

// peakScreens opens the database and loads every screen's data once, as a
// user visiting each screen in turn would.
func peakScreens(ctx context.Context, db, _ string) error {
	s, err := sqlstore.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	learner, err := s.BenchLearner(ctx)
	if err != nil {
		return err
	}
	var organisers []model.OrganiserRow
	for _, l := range screenLoads(ctx, s, learner, &organisers) {
		if err := l.load(); err != nil && !strings.Contains(l.name, "claim") {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	return nil
}

// peakBackup backs the database up and restores the archive to a new file.
func peakBackup(ctx context.Context, db, dir string) error {
	s, err := sqlstore.Open(ctx, db)
	if err != nil {
		return err
	}
	archive := filepath.Join(dir, "peak-backup.zip")
	defer os.Remove(archive)
	_, err = s.Backup(ctx, model.LocalUser(), archive, nil)
	s.Close()
	if err != nil {
		return err
	}
	restored := filepath.Join(dir, "peak-restore.db")
	defer sqlstore.RemoveDatabase(restored)
	_, err = sqlstore.Restore(ctx, archive, restored, model.RestoreOptions{Force: true})
	return err
}

// runPeak is the child's side: run one step and print its peak resident set
// in MB, the only line on standard output.
func runPeak(ctx context.Context, step, db, dir string) error {
	fn, ok := peakSteps[step]
	if !ok {
		return fmt.Errorf("-peak %q: want screens or backup", step)
	}
	if err := fn(ctx, db, dir); err != nil {
		return fmt.Errorf("-peak %s: %w", step, err)
	}
	fmt.Println(strconv.FormatFloat(vmHWM(), 'f', 1, 64))
	return nil
}

// vmHWM is this process's peak resident set in MB, from /proc/self/status
// (0 where there is none).
func vmHWM() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// peakOf runs step in a child process of this same program and returns the
// child's peak resident set in MB.
func (b *bench) peakOf(step string) (float64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	args := []string{"-scale", strconv.Itoa(b.scale), "-dir", b.dir, "-peak", step}
	if b.server != nil {
		args = append(args, "-db", b.db) // the demo database's own URL
	}
	cmd := exec.CommandContext(b.ctx, self, args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("peak memory of %s: %v: %s", step, err, strings.TrimSpace(stderr.String()))
	}
	mb, err := strconv.ParseFloat(strings.TrimSpace(out.String()), 64)
	if err != nil {
		return 0, fmt.Errorf("peak memory of %s: child printed %q", step, out.String())
	}
	return mb, nil
}

// addPeak adds the row for step's peak memory, measured in its own process.
func (b *bench) addPeak(name, step string) error {
	mb, err := b.peakOf(step)
	if err != nil {
		return err
	}
	b.add(result{Name: name, Value: mb, Unit: "MB", Target: "< 300 MB", OK: ptr(mb < 300),
		Reason: "no peer; peak resident set (VmHWM) of a process doing only this"})
	return nil
}
