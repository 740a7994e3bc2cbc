package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// pressKey sends key to w's canvas as the window does when nothing in it has
// focus, which is how every dialog helper leaves it.
func pressKey(t *testing.T, w fyne.Window, key fyne.KeyName) {
	t.Helper()
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: key})
		return
	}
	h := w.Canvas().OnTypedKey()
	if h == nil {
		t.Fatalf("press %s: nothing on the canvas answers keys", key)
	}
	h(&fyne.KeyEvent{Name: key})
}

func dialogWindow(t *testing.T) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(1024, 700))
	return w
}

// Error and information dialogs close on Escape and on Enter.
func TestDialogsCloseOnEscapeAndEnter(t *testing.T) {
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter} {
		for name, show := range map[string]func(fyne.Window){
			"error": func(w fyne.Window) { showError(errors.New("the file is not a zip"), w) },
			"info":  func(w fyne.Window) { showInformation("Exported", "Saved /tmp/x.pdf", w) },
		} {
			t.Run(name+"/"+string(key), func(t *testing.T) {
				w := dialogWindow(t)
				show(w)
				if w.Canvas().Overlays().Top() == nil {
					t.Fatal("no dialog shown")
				}
				pressKey(t, w, key)
				if o := w.Canvas().Overlays().Top(); o != nil {
					t.Fatalf("after %s the dialog is still open: %q", key, shownText(o))
				}
			})
		}
	}
}

// Enter answers Yes and Escape answers No, each exactly once.
func TestConfirmAnswersEnterYesEscapeNo(t *testing.T) {
	for key, want := range map[fyne.KeyName]bool{fyne.KeyReturn: true, fyne.KeyEscape: false} {
		w := dialogWindow(t)
		var answers []bool
		showConfirm("Disable ann?", "Disable Ann (assessor)?", func(ok bool) { answers = append(answers, ok) }, w)
		pressKey(t, w, key)
		if len(answers) != 1 || answers[0] != want {
			t.Errorf("%s: answers = %v; want [%v]", key, answers, want)
		}
		// The key after the dialog closed reaches whatever had the canvas
		// before, not the closed dialog a second time.
		if h := w.Canvas().OnTypedKey(); h != nil {
			h(&fyne.KeyEvent{Name: key})
		}
		if len(answers) != 1 {
			t.Errorf("%s: a closed dialog answered again: %v", key, answers)
		}
	}
}

// A confirmation of something that cannot be undone (issuing, revoking,
// erasing, submitting a claim) is not answered by a stray Enter; Escape
// still answers No and the Yes button still confirms.
func TestGraveConfirmIgnoresEnter(t *testing.T) {
	w := dialogWindow(t)
	var answers []bool
	showGraveConfirm("Issue certificates?", "12 completion certificates — issue?", func(ok bool) { answers = append(answers, ok) }, w)
	pressKey(t, w, fyne.KeyReturn)
	pressKey(t, w, fyne.KeyEnter)
	if len(answers) != 0 || w.Canvas().Overlays().Top() == nil {
		t.Fatalf("Enter answered a grave confirmation: %v", answers)
	}
	pressKey(t, w, fyne.KeyEscape)
	if len(answers) != 1 || answers[0] {
		t.Fatalf("Escape: answers = %v; want [false]", answers)
	}
	showGraveConfirm("Erase personal details?", "It cannot be undone.", func(ok bool) { answers = append(answers, ok) }, w)
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Yes"))
	if len(answers) != 2 || !answers[1] {
		t.Errorf("the Yes button: answers = %v; want [false true]", answers)
	}
}

// Enter does not submit a form that fails its validation; it does once the
// field is valid. Escape cancels.
func TestFormEnterSubmitsOnlyWhenValid(t *testing.T) {
	w := dialogWindow(t)
	name := widget.NewEntry()
	name.Validator = func(s string) error {
		if s == "" {
			return errors.New("is required")
		}
		return nil
	}
	var answers []bool
	askForm("Add a user", "Add", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", name)},
		func(ok bool) { answers = append(answers, ok) }, w)
	pressKey(t, w, fyne.KeyReturn)
	if len(answers) != 0 || w.Canvas().Overlays().Top() == nil {
		t.Fatalf("Enter on an empty required field: answers %v, dialog open %v; want none and open", answers, w.Canvas().Overlays().Top() != nil)
	}
	name.SetText("Ann")
	pressKey(t, w, fyne.KeyReturn)
	if len(answers) != 1 || !answers[0] {
		t.Fatalf("Enter on a valid form: answers = %v; want [true]", answers)
	}

	w2 := dialogWindow(t)
	answers = nil
	askForm("Add a user", "Add", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", widget.NewEntry())},
		func(ok bool) { answers = append(answers, ok) }, w2)
	pressKey(t, w2, fyne.KeyEscape)
	if len(answers) != 1 || answers[0] {
		t.Fatalf("Escape on a form: answers = %v; want [false]", answers)
	}
}

// A dialog opened from another's answer gets the keys; when it closes the
// window's own key handler is back.
func TestChainedDialogsKeepTheirKeys(t *testing.T) {
	w := dialogWindow(t)
	var own int
	w.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { own++ })
	var second []bool
	showConfirm("Revoke C-1?", "Really?", func(ok bool) {
		if ok {
			showConfirm("Revoke C-1 for good?", "This cannot be undone.", func(ok bool) { second = append(second, ok) }, w)
		}
	}, w)
	pressKey(t, w, fyne.KeyReturn) // yes to the first
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("the second dialog did not open")
	}
	pressKey(t, w, fyne.KeyEscape) // no to the second
	if len(second) != 1 || second[0] {
		t.Fatalf("second dialog answers = %v; want [false]", second)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog is still open")
	}
	pressKey(t, w, fyne.KeyEscape)
	if own != 1 {
		t.Fatalf("the window's own key handler ran %d times after the dialogs closed; want 1", own)
	}
}

// A search box that had focus behind the dialog does not swallow Escape.
func TestDialogKeysWinOverFocusedEntry(t *testing.T) {
	test.NewTempApp(t)
	search := widget.NewEntry()
	w := test.NewTempWindow(t, search)
	w.Canvas().Focus(search)
	showError(errors.New("no such host"), w)
	pressKey(t, w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape went to the focused search box, not the dialog")
	}
	test.Type(search, "x") // the screen is usable again
	if search.Text != "x" {
		t.Fatalf("search = %q after the dialog; want x", search.Text)
	}
}

// On the Users screen, Escape answers No to "Disable verifier2?" and Enter
// answers Yes, with the database as the proof.
func TestUsersDisableByKeyboard(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	selectUser(t, s, "verifier2")
	tapIn(t, w.Content(), "Disable")
	topDialog(t, w, "disabling")
	pressKey(t, w, fyne.KeyEscape)
	q.drain()
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the confirmation open")
	}
	if u := demoUser(t, st, "verifier2"); u.DisabledAt != "" {
		t.Fatalf("after Escape, verifier2 was disabled at %s", u.DisabledAt)
	}
	selectUser(t, s, "verifier2")
	tapIn(t, w.Content(), "Disable")
	topDialog(t, w, "disabling")
	pressKey(t, w, fyne.KeyReturn)
	waitFor(t, q, "verifier2 disabled", func() bool { return demoUser(t, st, "verifier2").DisabledAt != "" })
}
