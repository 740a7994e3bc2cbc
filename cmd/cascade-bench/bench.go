package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"cascade/model/sqlstore"
)

// result is one row of the table, and one JSON line with --json.
type result struct {
	Name      string   `json:"name"`
	Value     float64  `json:"value"`
	Unit      string   `json:"unit"`
	Peer      string   `json:"peer"`
	PeerValue *float64 `json:"peer_value"`
	Ratio     *float64 `json:"ratio"`
	Target    string   `json:"target"`
	OK        *bool    `json:"ok"`
	Reason    string   `json:"reason"`
}

// bench holds one run's settings and the rows measured so far.
type bench struct {
	ctx   context.Context
	scale int
	only  string
	dir   string
	json  bool
	out   io.Writer
	rows  []result
	store *sqlstore.Store
	db    string
	// restored is set once the working copy (workPath) holds a restore of db.
	restored bool
	// server is set for a run on PostgreSQL (--db postgres://…); db is then
	// the demo database's URL, work the working copy's.
	server *server
	work   string
	// dropAtEnd are the server databases the run made and drops when done.
	dropAtEnd []string
}

func (b *bench) run() error {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	b.db = filepath.Join(b.dir, fmt.Sprintf("demo-scale%d.db", b.scale))
	shown := b.db
	if b.server != nil {
		defer func() {
			for _, name := range b.dropAtEnd {
				b.server.drop(b.ctx, name)
			}
		}()
		shown = b.server.shown(b.server.name(fmt.Sprintf("demo_scale%d", b.scale))) + " (PostgreSQL)"
	}
	if !b.json {
		fmt.Fprintf(b.out, "cascade-bench: scale %d, database %s\n\n", b.scale, shown)
		fmt.Fprintf(b.out, "%-52s %12s %-5s %-26s %12s %7s %-14s %s\n", "measurement", "value", "unit", "peer", "peer value", "ratio", "target", "ok / reason")
	}
	phases := []func() error{b.measureDemo, b.measureOpen, b.measureQueries, b.measureScreens,
		b.measureBackup, b.measureMigrate, b.measureCertificates, b.measureDesks, b.measureWatch, b.measureImport}
	for _, p := range phases {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if err := p(); err != nil {
			return err
		}
	}
	if b.store != nil {
		b.store.Close()
		b.store = nil
	}
	return nil
}

// wanted reports whether --only selects the measurement.
func (b *bench) wanted(name string) bool {
	return b.only == "" || strings.Contains(name, b.only)
}

// add records and prints a row.
func (b *bench) add(r result) {
	b.rows = append(b.rows, r)
	if b.json {
		line, _ := json.Marshal(r)
		fmt.Fprintln(b.out, string(line))
		return
	}
	peerValue, ratio, ok := "", "", ""
	if r.PeerValue != nil {
		peerValue = strconv.FormatFloat(*r.PeerValue, 'f', 3, 64)
	}
	if r.Ratio != nil {
		ratio = strconv.FormatFloat(*r.Ratio, 'f', 2, 64) + "×"
	}
	if r.OK != nil {
		ok = map[bool]string{true: "ok", false: "MISSED"}[*r.OK]
	}
	if r.Reason != "" {
		ok = strings.TrimSpace(ok + " " + r.Reason)
	}
	fmt.Fprintf(b.out, "%-52s %12.3f %-5s %-26s %12s %7s %-14s %s\n", r.Name, r.Value, r.Unit, r.Peer, peerValue, ratio, r.Target, ok)
}

func ptr[T any](v T) *T { return &v }

// timeIt runs fn n times and returns the median of the runs: the machine is
// shared, and a mean carries every stall of other people's work.
func timeIt(n int, fn func() error) (time.Duration, error) {
	runs := make([]time.Duration, n)
	for i := range runs {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		runs[i] = time.Since(start)
	}
	slices.Sort(runs)
	return runs[n/2], nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// peakRSS reads the process's peak resident set (VmHWM) in MB and resets it,
// so each phase reports its own peak.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb float64
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		}
	}
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM on Linux
	return kb / 1024
}

func (b *bench) measureDemo() error {
	peakRSS()
	if b.server != nil {
		return b.measureServerDemo()
	}
	if _, err := os.Stat(b.db); err == nil {
		if b.wanted("demo build") {
			b.add(result{Name: fmt.Sprintf("demo build, scale %d", b.scale), Unit: "s",
				Reason: "reused " + b.db + "; delete it to measure the build"})
		}
	} else {
		start := time.Now()
		if _, err := sqlstore.Demo(b.ctx, b.db, sqlstore.DemoOptions{Seed: 1, Scale: b.scale}); err != nil {
			return fmt.Errorf("build demo: %w", err)
		}
		took := time.Since(start).Seconds()
		target, ok := "", (*bool)(nil)
		if b.scale == 1 {
			target, ok = "< 30 s", ptr(took < 30)
		}
		b.add(result{Name: fmt.Sprintf("demo build, scale %d", b.scale), Value: took, Unit: "s", Target: target, OK: ok,
			Reason: "no peer: a spreadsheet has no equivalent"})
		b.add(result{Name: "peak RSS, demo build", Value: peakRSS(), Unit: "MB", Reason: "no peer"})
	}
	size := 0.0
	if st, err := os.Stat(b.db); err == nil {
		size = float64(st.Size()) / (1 << 20)
	}
	b.add(result{Name: "database size", Value: size, Unit: "MB", Reason: "no peer"})
	return nil
}

// measureOpen is process start to first dashboard data: open (with
// migrations) and the dashboard's queries.
func (b *bench) measureOpen() error {
	peakRSS()
	start := time.Now()
	s, err := sqlstore.Open(b.ctx, b.db)
	if err != nil {
		return err
	}
	if _, err := s.Dashboard(b.ctx); err != nil {
		return err
	}
	b.store = s
	took := ms(time.Since(start))
	target := map[bool]float64{true: 100, false: 300}[b.scale == 1]
	if b.wanted("first dashboard") {
		b.add(result{Name: "open to first dashboard data", Value: took, Unit: "ms",
			Target: fmt.Sprintf("< %.0f ms", target), OK: ptr(took < target), Reason: "no peer"})
	}
	if b.wanted("screen") {
		d, err := timeIt(5, func() error { _, err := s.Dashboard(b.ctx); return err })
		if err != nil {
			return err
		}
		b.add(result{Name: "screen data: dashboard", Value: ms(d), Unit: "ms",
			Target: fmt.Sprintf("< %.0f ms", target), OK: ptr(ms(d) < target), Reason: "no peer"})
	}
	rss := peakRSS()
	b.add(result{Name: "peak RSS, open and dashboard", Value: rss, Unit: "MB", Target: "< 300 MB",
		OK: ptr(rss < 300), Reason: "no peer"})
	return nil
}

// measureServerDemo builds the demo on the server, or reuses the one an
// earlier run built at this schema version.
func (b *bench) measureServerDemo() error {
	name := fmt.Sprintf("demo build, scale %d", b.scale)
	took, err := b.serverDemo()
	if err != nil {
		return err
	}
	demo := b.server.name(fmt.Sprintf("demo_scale%d", b.scale))
	if b.wanted("demo build") {
		if took == 0 {
			b.add(result{Name: name, Unit: "s", Reason: "reused database " + demo + " (its schema is current); drop it to measure the build"})
		} else {
			b.add(result{Name: name + ", on PostgreSQL", Value: took.Seconds(), Unit: "s",
				Reason: "no peer: the SQLite demo in --dir (built if missing) moved in by cascade migrate, then analysed"})
		}
	}
	size, err := b.server.size(b.ctx, demo)
	if err != nil {
		return err
	}
	b.add(result{Name: "database size", Value: size, Unit: "MB", Reason: "no peer; pg_database_size, indexes included"})
	return nil
}
