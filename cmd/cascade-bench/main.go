// Command cascade-bench measures Cascade against the tools it replaces (the
// sqlite3 shell, LibreOffice) on a demo programme, side by side in one run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
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
	peak := flag.String("peak", "", "run one step (screens, backup) on the built demo and print its peak memory in MB; the bench runs itself so for each peak-memory row")
	pg := flag.String("pg", "", "a PostgreSQL URL whose user may create databases (postgres://OWNER@HOST:PORT/postgres): migrate is measured into scratch databases there, dropped after")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *peak != "" {
		db := filepath.Join(*dir, fmt.Sprintf("demo-scale%d.db", *scale))
		if err := runPeak(ctx, *peak, db, *dir); err != nil {
			fmt.Fprintln(os.Stderr, "cascade-bench:", err)
			os.Exit(1)
		}
		return
	}
	b := &bench{ctx: ctx, scale: *scale, only: *only, dir: *dir, json: *asJSON, out: os.Stdout, pg: *pg}
	if err := b.run(); err != nil {
		fmt.Fprintln(os.Stderr, "cascade-bench:", err)
		os.Exit(1)
	}
}
