package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// drawnColour is the colour label l's text is drawn in.
func drawnColour(t *testing.T, l *widget.Label) color.Color {
	t.Helper()
	var c color.Color
	walk(l, func(o fyne.CanvasObject) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" && c == nil {
			c = tx.Color
		}
	})
	if c == nil {
		t.Fatalf("label %q draws no text", l.Text)
	}
	return c
}

// Settings saved shows in the success colour, a refusal in the error
// colour, and the next plain message in the ordinary colour again.
func TestStatusColourSaysHowItWent(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	e.user = uiUser(t, s, "admin", model.RoleAdmin)
	scr := newSettingsScreen(e)
	w.SetContent(scr.content())
	name := scr.entries["centre.name"]
	waitFor(t, q, "the settings", func() bool { return name.Text == "Trafford Hall" })
	name.SetText("Trafford Hall, Chester")
	test.Tap(findButton(w.Content(), "Save settings"))
	waitFor(t, q, "the save", func() bool { return scr.status.Text == "Settings saved." })
	success, failure, plain := theme.Color(theme.ColorNameSuccess), theme.Color(theme.ColorNameError), theme.Color(theme.ColorNameForeground)
	if got := drawnColour(t, scr.status); got != success {
		t.Errorf("%q drawn in %v; want the success colour %v", scr.status.Text, got, success)
	}
	test.Tap(findButton(w.Content(), "Save settings")) // nothing changed since
	waitFor(t, q, "the answer", func() bool { return scr.status.Text == "Nothing changed." })
	if got := drawnColour(t, scr.status); got != plain {
		t.Errorf("%q drawn in %v after a success; want the ordinary colour %v", scr.status.Text, got, plain)
	}
	scr.email.SetText("")
	scr.onErase()
	if got := drawnColour(t, scr.status); got != failure {
		t.Errorf("%q drawn in %v; want the error colour %v", scr.status.Text, got, failure)
	}
}
