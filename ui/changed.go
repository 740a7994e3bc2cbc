package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// changedText is what a form says when its save was refused because someone
// (or this user in another window) changed the record since the form read
// it: "Not saved: changed by lead2 at 14:05 — reload." It reports false for
// any other error.
func changedText(err error) (string, bool) {
	var ce *model.ChangedError
	if !errors.As(err, &ce) {
		return "", false
	}
	return "Not saved: " + ce.Error() + ".", true
}

// askReload asks before reloading a record whose save was refused as
// changed since: reloading shows the other change and drops the edits made
// here, so it needs the Reload button (Enter does nothing); "Keep my edits"
// leaves them on screen to copy or compare.
func askReload(win fyne.Window, said string, reload, keep func()) {
	msg := widget.NewLabel(said + "\n\nReload to see their change? The changes you made here will be lost.")
	msg.Wrapping = fyne.TextWrapWord
	d := newGraveCustomConfirm("Changed since you opened it", "Reload", "Keep my edits", msg, func(ok bool) {
		switch {
		case ok:
			reload()
		case keep != nil:
			keep()
		}
	}, win)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}
