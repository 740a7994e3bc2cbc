// Command cascade tracks a community-organiser training programme: with no
// command it opens the window, with one it does batch work without a display.
package main

import (
	"context"
	"os"
	"os/signal"

	_ "cascade/cmd/cascade/locale" // before Fyne reads the locale
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
