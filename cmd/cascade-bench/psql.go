package main

import (
	"bytes"
	"context"
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

// psqlTime is psql's own time for q (k statements, each printing its own
// time, summed per run) on the database at url: one psql runs
// q n+1 times with \timing on and its rows sent to /dev/null, and the
// median of the times it reports is returned, the first run left out as our
// warming run is. \timing is from sending the query to holding every row
// (psql reads the whole result before printing), so psql's start-up, its
// connection and its printing are not charged to the query. psql's session
// has JIT off, as the store's connections do.
func psqlTime(ctx context.Context, url, q string, k, n int) (time.Duration, error) {
	var script strings.Builder
	script.WriteString("\\o /dev/null\n\\timing on\n")
	for i := 0; i <= n; i++ {
		script.WriteString(strings.TrimSpace(q) + ";\n")
	}
	cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-")
	// The store's connections plan without JIT (sqlstore's openPostgres):
	// psql's session is set the same, so the two run the same plans.
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c jit=off")
	cmd.Stdin = strings.NewReader(script.String())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	times, err := psqlTimings(stdout.String())
	if err != nil {
		return 0, err
	}
	if len(times) != k*(n+1) {
		return 0, fmt.Errorf("psql reported %d times for %d runs of %d statements", len(times), n+1, k)
	}
	// A run of k statements (the accreditation report's reads) is the sum
	// of their times.
	for i := range n + 1 {
		var sum time.Duration
		for _, t := range times[i*k : (i+1)*k] {
			sum += t
		}
		times[i] = sum
	}
	times = times[1 : n+1]
	slices.Sort(times)
	return times[len(times)/2], nil
}

var psqlTiming = regexp.MustCompile(`(?m)^Time: ([0-9.]+) ms`)

// psqlTimings reads the "Time: 12.345 ms" lines \timing prints.
func psqlTimings(out string) ([]time.Duration, error) {
	var times []time.Duration
	for _, m := range psqlTiming.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return nil, fmt.Errorf("psql timing %q: %w", m[0], err)
		}
		times = append(times, time.Duration(v*float64(time.Millisecond)))
	}
	return times, nil
}

var planCost = regexp.MustCompile(`\s*\(cost=[^)]*\)`)

// serverPlan is PostgreSQL's EXPLAIN of q on one line: each node, costs
// left out.
func serverPlan(db *sql.DB, q string) (string, error) {
	rows, err := db.Query("EXPLAIN " + q)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "->"))
		steps = append(steps, planCost.ReplaceAllString(line, ""))
	}
	return strings.Join(steps, "; "), rows.Err()
}
