package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var tempDirs []string

// osMkdirTemp makes a folder removed when the test binary ends.
func osMkdirTemp() (string, error) {
	d, err := os.MkdirTemp("", "cascade-ui-")
	if err == nil {
		tempDirs = append(tempDirs, d)
	}
	return d, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// cacheRenderer gives the test driver's renderer for a widget.
func cacheRenderer(w fyne.Widget) fyne.WidgetRenderer { return test.WidgetRenderer(w) }
