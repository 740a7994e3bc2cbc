// Command cascade-bench measures Cascade against the tools it replaces (the
// sqlite3 shell, LibreOffice) on a demo programme, side by side in one run;
// with --db postgres://… it measures a programme on PostgreSQL beside psql.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"

	"cascade/model/sqlstore"
)

func main() {
	// As in cascade, the collector may let the heap grow to five times what is live, up to
	// a soft 160 MB. The live heap is a few MB while each PDF allocates
	// several MB of gofpdf font tables, so at the default it collects once per
	// certificate; this halves the CPU of printing one file each
	// (docs/performance.md). The soft limit leaves SQLite's own memory and the
	// program room under the 300 MB peak the issue sets: at 256 MB, loading
	// every screen at scale 10 peaked at 318 MB (302 MB at 200), as
	// SQLite's page caches (64 MB a connection) sit outside the limit.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(160 << 20)
	scale := flag.Int("scale", 1, "demo scale: 1 is the national programme, 10 has 50,000 organisers")
	asJSON := flag.Bool("json", false, "print one JSON object per line")
	only := flag.String("only", "", "run only measurements whose name contains this")
	dir := flag.String("dir", "bench", "folder for the demo databases it builds and reuses")
	dbURL := flag.String("db", "", "run on PostgreSQL: postgres://USER@HOST:PORT/PREFIX?sslmode=…, a user who may create databases; "+
		"the demo is kept in database PREFIX_demo_scaleN and reused while its schema is current, copies to change are made and dropped beside it "+
		"(PREFIX defaults to "+defaultPrefix+"); without --db the bench runs on SQLite files in --dir")
	peak := flag.String("peak", "", "run one step (screens, backup) on the built demo and print its peak memory in MB; the bench runs itself so for each peak-memory row")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *dbURL != "" && !sqlstore.IsServerURL(*dbURL) {
		fmt.Fprintf(os.Stderr, "cascade-bench: --db %s: give a postgres:// URL (the SQLite run keeps its files in --dir)\n", *dbURL)
		os.Exit(2)
	}
	if *peak != "" {
		db := filepath.Join(*dir, fmt.Sprintf("demo-scale%d.db", *scale))
		if *dbURL != "" {
			db = *dbURL // the parent passes the demo database's own URL
		}
		if err := runPeak(ctx, *peak, db, *dir); err != nil {
			fmt.Fprintln(os.Stderr, "cascade-bench:", err)
			os.Exit(1)
		}
		return
	}
	b := &bench{ctx: ctx, scale: *scale, only: *only, dir: *dir, json: *asJSON, out: os.Stdout}
	if *dbURL != "" {
		srv, err := newServer(ctx, *dbURL)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cascade-bench:", err)
			os.Exit(1)
		}
		defer srv.close()
		b.server = srv
	}
	if err := b.run(); err != nil {
		fmt.Fprintln(os.Stderr, "cascade-bench:", err)
		os.Exit(1)
	}
}
