package main

import (
	"bytes"
	"cascade/model/sqlstore"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// measureQueries runs each hot-path query in-process and in the sqlite3
// shell on the same file, printing its query plan.
func (b *bench) measureQueries() error {
	queries, err := b.store.BenchQueries(b.ctx)
	if err != nil {
		return err
	}
	peerName, peerTool, peerShort, install := "sqlite3 CLI, same SQL", "sqlite3", "CLI", "apt-get install sqlite3"
	peerTime, plan := func(q sqlstore.NamedQuery, n int) (time.Duration, error) { return cliTime(b.db, q.SQL, n) }, queryPlan
	if b.server != nil {
		peerName, peerTool, peerShort, install = "psql, same SQL (\\timing)", "psql", "psql", "apt-get install postgresql-client"
		peerTime, plan = func(q sqlstore.NamedQuery, n int) (time.Duration, error) {
			return psqlTime(b.ctx, b.db, q.SQL, max(len(q.Parts), 1), n)
		}, serverPlan
	}
	_, cliErr := exec.LookPath(peerTool)
	for _, q := range queries {
		name := "query: " + q.Name
		if !b.wanted(name) {
			continue
		}
		n := 200
		if q.Report {
			n = 5
		}
		if err := drainAll(b.store.DB(), partsOf(q)); err != nil { // warm the page cache, as the CLI's best-of-3 is
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		var ours, peer time.Duration
		var peerErr error
		peerLabel := peerName
		if q.Report && b.server == nil && cliErr == nil {
			// A report's statements are timed by the shell itself, run by
			// run, in rounds taken in turn with ours (interleavedTimes).
			ours, peer, err = interleavedTimes(b.store.DB(), b.db, partsOf(q), 8, 5)
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			peerLabel += " (.timer)"
		} else {
			ours, err = timeIt(n, func() error { return drainAll(b.store.DB(), partsOf(q)) })
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			if cliErr == nil {
				peer, peerErr = peerTime(q, n)
			}
		}
		r := result{Name: name, Value: ms(ours), Unit: "ms", Peer: peerLabel}
		limit := 2.5
		if q.Report {
			limit = 1.5
		}
		if b.server != nil {
			limit = 2 // issue 17: every query within 2× psql
		}
		r.Target = fmt.Sprintf("≤ %.1f× %s", limit, peerShort)
		// The ceilings in milliseconds are the SQLite issue's, for a query
		// in the process; on a server issue 17 sets only the ratio to psql.
		targetMS := q.TargetMS
		if b.server != nil {
			targetMS = 0
		}
		if targetMS > 0 {
			r.Target += fmt.Sprintf(", ≤ %g ms", targetMS)
		}
		if cliErr != nil {
			r.Reason = peerTool + " not installed (" + install + ")"
		} else if peerErr != nil {
			r.Reason = peerTool + " failed: " + peerErr.Error()
		} else {
			r.PeerValue = ptr(ms(peer))
			if peer > 0 {
				r.Ratio = ptr(float64(ours) / float64(peer))
				ok := *r.Ratio <= limit && (targetMS == 0 || r.Value <= targetMS)
				r.OK = &ok
			} else {
				r.Reason = "CLI time too small to divide by"
			}
		}
		b.add(r)
		if !b.json {
			for _, part := range partsOf(q) {
				if plan, err := plan(b.store.DB(), part); err == nil {
					fmt.Fprintf(b.out, "    plan: %s\n", plan)
				}
			}
		}
	}
	return nil
}

var shellTiming = regexp.MustCompile(`(?m)^Run Time: real ([0-9.]+)`)

// interleavedTimes times a run of the statements (every row of each read)
// in our process and in the sqlite3 shell, as the median of rounds×n runs
// each. A run is timed the same way on both sides: from the first
// statement's start to the last one's final row, without process start-up
// (the shell's own .timer, summed over the statements, as psqlTime sums
// psql's \timing). The rounds take turns, ours then the shell's, so a
// machine that slows down for a while slows both alike; the shell's
// first run of each round, which fills its page cache, is left out as our
// warming run is. The shell's .timer counts whole milliseconds, so its
// sub-millisecond statements read as 0 and the ratio errs against us.
func interleavedTimes(db *sql.DB, file string, parts []string, rounds, n int) (ours, shell time.Duration, err error) {
	var script strings.Builder
	script.WriteString(".output /dev/null\n.timer on\n")
	for range n + 1 {
		for _, p := range parts {
			script.WriteString(strings.TrimSpace(p) + ";\n")
		}
	}
	var our, their []time.Duration
	for range rounds {
		for range n {
			start := time.Now()
			if err := drainAll(db, parts); err != nil {
				return 0, 0, err
			}
			our = append(our, time.Since(start))
		}
		cmd := exec.Command("sqlite3", "-readonly", file)
		cmd.Stdin = strings.NewReader(script.String())
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("sqlite3: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		times := shellTiming.FindAllStringSubmatch(stdout.String(), -1)
		k := len(parts)
		if len(times) != k*(n+1) {
			return 0, 0, fmt.Errorf("sqlite3 printed %d times for %d runs of %d statements", len(times), n+1, k)
		}
		for run := 1; run <= n; run++ {
			var sum float64
			for _, t := range times[run*k : (run+1)*k] {
				v, err := strconv.ParseFloat(t[1], 64)
				if err != nil {
					return 0, 0, fmt.Errorf("sqlite3 time %q: %w", t[1], err)
				}
				sum += v
			}
			their = append(their, time.Duration(sum*float64(time.Second)))
		}
	}
	slices.Sort(our)
	slices.Sort(their)
	return our[len(our)/2], their[len(their)/2], nil
}

// partsOf is the statements a named query runs, in order.
func partsOf(q sqlstore.NamedQuery) []string {
	if len(q.Parts) > 0 {
		return q.Parts
	}
	return []string{q.SQL}
}

// drainAll runs each statement in turn and reads every row.
func drainAll(db *sql.DB, parts []string) error {
	for _, part := range parts {
		if err := drain(db, part); err != nil {
			return err
		}
	}
	return nil
}

// drain runs a query and reads every row, as a screen would.
func drain(db *sql.DB, q string) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryPlan is EXPLAIN QUERY PLAN's details on one line.
func queryPlan(db *sql.DB, q string) (string, error) {
	rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "; "), rows.Err()
}

// cliTime is the sqlite3 shell's time for one run of q: the whole process
// running q n times, less the same process running nothing, over n, so
// process start-up is not charged to the query.
func cliTime(db, q string, n int) (time.Duration, error) {
	script := func(k int) string {
		var b strings.Builder
		b.WriteString(".output /dev/null\n")
		for i := 0; i < k; i++ {
			b.WriteString(strings.TrimSpace(q) + ";\n")
		}
		return b.String()
	}
	runOnce := func(s string) (time.Duration, error) {
		cmd := exec.Command("sqlite3", "-readonly", db)
		cmd.Stdin = strings.NewReader(s)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdout = os.Stdout
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		return time.Since(start), nil
	}
	best := func(s string) (time.Duration, error) {
		var min time.Duration
		for i := 0; i < 3; i++ {
			d, err := runOnce(s)
			if err != nil {
				return 0, err
			}
			if i == 0 || d < min {
				min = d
			}
		}
		return min, nil
	}
	base, err := best(script(0))
	if err != nil {
		return 0, err
	}
	full, err := best(script(n))
	if err != nil {
		return 0, err
	}
	return max(full-base, 0) / time.Duration(n), nil
}
