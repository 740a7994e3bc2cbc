package main

import (
	"bytes"
	"cascade/model/sqlstore"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
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
		if err := drainAll(b.store.DB(), q); err != nil { // warm the page cache, as the CLI's best-of-3 is
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		ours, err := timeIt(n, func() error { return drainAll(b.store.DB(), q) })
		if err != nil {
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		r := result{Name: name, Value: ms(ours), Unit: "ms", Peer: peerName}
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
		} else if peer, err := peerTime(q, n); err != nil {
			r.Reason = peerTool + " failed: " + err.Error()
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

// partsOf is the statements a named query runs, in order.
func partsOf(q sqlstore.NamedQuery) []string {
	if len(q.Parts) > 0 {
		return q.Parts
	}
	return []string{q.SQL}
}

// drainAll runs each of a named query's statements and reads every row.
func drainAll(db *sql.DB, q sqlstore.NamedQuery) error {
	for _, part := range partsOf(q) {
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
