package ui

import (
	"fmt"
	"os"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London without the system's zone files

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cascade/model/sqlstore/sqlstoretest"
)

func TestMain(m *testing.M) {
	// Screens show local time; the tests run as a UK desk does, so an
	// audit entry made in summer reads an hour after its stored UTC.
	// Set before any test starts a goroutine that reads the clock.
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		fmt.Fprintln(os.Stderr, "load Europe/London:", err)
		os.Exit(2)
	}
	time.Local = london
	code := m.Run()
	sqlstoretest.Cleanup()
	os.Exit(code)
}

// cacheRenderer gives the test driver's renderer for a widget.
func cacheRenderer(w fyne.Widget) fyne.WidgetRenderer { return test.WidgetRenderer(w) }
