package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Every dialog the window shows goes through these helpers, so each one
// answers the keyboard the same way: Escape dismisses or cancels, Enter
// confirms (or dismisses a dialog that only informs). Fyne's own dialogs
// ignore both keys.

// showKeyed shows d with Enter running enter (nil: Enter dismisses) and
// Escape dismissing it, for as long as it is open.
func showKeyed(win fyne.Window, d dialog.Dialog, enter func()) {
	restore := keysFor(win, d, enter)
	d.SetOnClosed(restore)
	d.Show()
}

// keysFor installs the dialog's key handling on win's canvas and returns
// the function that puts back what was there before. Whatever held focus
// behind the dialog loses it, or it would swallow the keys.
func keysFor(win fyne.Window, d dialog.Dialog, enter func()) (restore func()) {
	c := win.Canvas()
	prev := c.OnTypedKey()
	if enter == nil {
		enter = d.Dismiss
	}
	open := true
	c.Unfocus()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if !open {
			if prev != nil {
				prev(k)
			}
			return
		}
		switch k.Name {
		case fyne.KeyEscape:
			d.Dismiss()
		case fyne.KeyReturn, fyne.KeyEnter:
			enter()
		default:
			if prev != nil {
				prev(k)
			}
		}
	})
	return func() {
		if !open {
			return
		}
		open = false
		c.SetOnTypedKey(prev)
	}
}

// showError shows err in a dialog that Enter or Escape closes.
func showError(err error, win fyne.Window) {
	showKeyed(win, dialog.NewError(err, win), nil)
}

// showInformation shows a message in a dialog that Enter or Escape closes.
func showInformation(title, message string, win fyne.Window) {
	showKeyed(win, dialog.NewInformation(title, message, win), nil)
}

// confirmDialog is a Yes/No dialog that installs its keys when shown:
// Enter answers Yes, Escape No.
type confirmDialog struct {
	*dialog.ConfirmDialog
	win     fyne.Window
	restore func()
	grave   bool
}

// Show shows the dialog with its keys.
func (d *confirmDialog) Show() {
	enter := d.Confirm
	if d.grave {
		// Something that cannot be taken back is never done by a stray
		// Enter: it needs the button (Tab to it and Space, or a click).
		enter = func() {}
	}
	d.restore = keysFor(d.win, d.ConfirmDialog, enter)
	d.ConfirmDialog.Show()
}

// newGraveConfirm is newConfirm for an action that cannot be undone:
// Escape answers No, and Enter does nothing.
func newGraveConfirm(title, message string, callback func(bool), win fyne.Window) *confirmDialog {
	d := newConfirm(title, message, callback, win)
	d.grave = true
	return d
}

// newConfirm builds a Yes/No dialog; Show installs its keys.
func newConfirm(title, message string, callback func(bool), win fyne.Window) *confirmDialog {
	d := &confirmDialog{win: win}
	d.ConfirmDialog = dialog.NewConfirm(title, message, func(ok bool) {
		// Put the keys back before the callback, which may open the next dialog.
		if d.restore != nil {
			d.restore()
		}
		callback(ok)
	}, win)
	return d
}

// newGraveCustomConfirm is a confirmation showing content, with its own
// button labels, for an action that cannot be undone: Escape answers No
// and Enter does nothing.
func newGraveCustomConfirm(title, confirm, dismiss string, content fyne.CanvasObject, callback func(bool), win fyne.Window) *confirmDialog {
	d := &confirmDialog{win: win, grave: true}
	d.ConfirmDialog = dialog.NewCustomConfirm(title, confirm, dismiss, content, func(ok bool) {
		if d.restore != nil {
			d.restore()
		}
		callback(ok)
	}, win)
	return d
}

// showConfirm asks a Yes/No question; Enter answers Yes, Escape No.
func showConfirm(title, message string, callback func(bool), win fyne.Window) {
	newConfirm(title, message, callback, win).Show()
}

// showGraveConfirm asks before something that cannot be undone; Escape
// answers No and Enter does nothing.
func showGraveConfirm(title, message string, callback func(bool), win fyne.Window) {
	newGraveConfirm(title, message, callback, win).Show()
}

// formDialog is a form dialog that installs its keys when shown: Enter
// submits (when the form is valid), Escape cancels.
type formDialog struct {
	*dialog.FormDialog
	win     fyne.Window
	items   []*widget.FormItem
	restore func()
}

// Show shows the dialog with its keys. An entry of the form that has focus
// takes the keys itself, so each escEntry not told otherwise cancels the
// form on Escape and (single-line ones) submits it on Enter.
func (d *formDialog) Show() {
	for _, it := range d.items {
		e, ok := it.Widget.(*escEntry)
		if !ok {
			continue
		}
		if e.onEscape == nil {
			e.onEscape = d.Hide
		}
		if e.OnSubmitted == nil && !e.MultiLine {
			e.OnSubmitted = func(string) { d.Submit() }
		}
	}
	d.restore = keysFor(d.win, d.FormDialog, d.Submit)
	d.FormDialog.Show()
}

// newForm builds a form dialog; Show installs its keys.
func newForm(title, confirm, dismiss string, items []*widget.FormItem, callback func(bool), win fyne.Window) *formDialog {
	d := &formDialog{win: win, items: items}
	d.FormDialog = dialog.NewForm(title, confirm, dismiss, items, func(ok bool) {
		if d.restore != nil {
			d.restore()
		}
		callback(ok)
	}, win)
	return d
}

// askForm shows a form dialog; Enter submits, Escape cancels.
func askForm(title, confirm, dismiss string, items []*widget.FormItem, callback func(bool), win fyne.Window) {
	newForm(title, confirm, dismiss, items, callback, win).Show()
}
