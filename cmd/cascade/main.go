// Command cascade tracks a community-organiser training programme: with no
// command it opens the window, with one it does batch work without a display.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	_ "cascade/cmd/cascade/locale" // before Fyne reads the locale
)

func main() {
	// The collector may let the heap grow to five times what is live, up to
	// a soft 160 MB. The live heap is a few MB while each PDF allocates
	// several MB of gofpdf font tables, so at the default it collects once per
	// certificate; this halves the CPU of printing one file each
	// (docs/performance.md). The soft limit leaves SQLite's own memory and the
	// program room under the 300 MB peak the issue sets: at 256 MB, loading
	// every screen at scale 10 peaked at 318 MB (302 MB at 200), as
	// SQLite's page caches (64 MB a connection) sit outside the limit.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(160 << 20)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
