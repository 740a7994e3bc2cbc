package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// signInScreen asks who is at the keyboard before the programme opens. Sign-in
// attributes changes and enforces each role's duties; it does not protect the
// file from someone who can read it.
type signInScreen struct {
	ctx      context.Context
	post     func(func())
	win      fyne.Window // nil when shown without one (SignIn)
	store    model.Programme
	hint     string
	onIn     func(model.User)
	first    bool // nobody can sign in yet: make the first administrator
	username *widget.Entry
	display  *widget.Entry
	password *widget.Entry
	message  *widget.Label
	button   *widget.Button
	root     *fyne.Container
}

// SignIn shows the sign-in form for s and calls onIn on the UI goroutine
// once a user has signed in; hint is shown under the form (the demo's users).
func SignIn(ctx context.Context, w fyne.Window, s model.Programme, hint string, onIn func(model.User)) fyne.CanvasObject {
	return signIn(&env{ctx: ctx, win: w, store: s, post: fyne.Do}, hint, onIn)
}

// signIn is SignIn within an environment, whose post runs UI work.
func signIn(e *env, hint string, onIn func(model.User)) fyne.CanvasObject {
	s := e.store
	ctx := e.ctx
	si := &signInScreen{ctx: ctx, post: e.post, win: e.win, store: s, hint: hint, onIn: onIn}
	si.root = container.NewCenter(widget.NewLabel("Opening…"))
	go func() {
		has, err := s.HasUsers(ctx)
		si.post(func() {
			si.first = err == nil && !has
			si.buildUI()
		})
	}()
	return si.root
}

func (si *signInScreen) buildUI() {
	title := "Sign in to Cascade"
	intro := "Your name goes on every change you make."
	if si.first {
		title = "Create the first administrator"
		intro = "Nobody can sign in to this programme yet. The first user is its administrator, who then adds the others."
	}
	si.username = &widget.Entry{PlaceHolder: "user name", OnSubmitted: si.onSubmitted}
	si.display = &widget.Entry{PlaceHolder: "your name as others see it", OnSubmitted: si.onSubmitted}
	si.password = &widget.Entry{Password: true, PlaceHolder: "password", OnSubmitted: si.onSubmitted}
	si.username.ExtendBaseWidget(si.username)
	si.display.ExtendBaseWidget(si.display)
	si.password.ExtendBaseWidget(si.password)
	si.message = widget.NewLabel("")
	si.message.Wrapping = fyne.TextWrapWord
	si.message.Importance = widget.DangerImportance
	label := "Sign in"
	if si.first {
		label = "Create and sign in"
	}
	si.button = &widget.Button{Text: label, Importance: widget.HighImportance, OnTapped: si.onSignIn}
	si.button.ExtendBaseWidget(si.button)
	items := []*widget.FormItem{{Text: "User name", Widget: si.username}}
	if si.first {
		items = append(items, &widget.FormItem{Text: "Display name", Widget: si.display})
	}
	items = append(items, &widget.FormItem{Text: "Password", Widget: si.password})
	form := widget.NewForm(items...)
	introLabel := widget.NewLabel(intro)
	introLabel.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		introLabel, form, si.button, si.message)
	if si.hint != "" {
		h := widget.NewLabel(si.hint)
		h.Wrapping = fyne.TextWrapWord
		box.Add(h)
	}
	si.root.Objects = []fyne.CanvasObject{container.NewGridWrap(fyne.NewSize(460, 420), box)}
	si.root.Refresh()
	if si.win != nil {
		si.win.Canvas().Focus(si.username)
	}
}

func (si *signInScreen) onSubmitted(string) { si.onSignIn() }

// onSignIn checks the password off the UI goroutine: argon2id is slow on purpose.
func (si *signInScreen) onSignIn() {
	name, pw, display := si.username.Text, si.password.Text, si.display.Text
	if name == "" || pw == "" {
		si.message.SetText("Enter your user name and password.")
		return
	}
	si.button.Disable()
	si.message.SetText("")
	go func() {
		var u model.User
		var err error
		if si.first {
			_, err = si.store.CreateFirstAdmin(si.ctx, model.NewUser{Username: name, DisplayName: display, Password: pw})
		}
		if err == nil {
			u, err = si.store.SignIn(si.ctx, name, pw)
		}
		si.post(func() {
			si.button.Enable()
			switch {
			case errors.Is(err, model.ErrSignIn):
				si.message.SetText("That user name and password do not match an active user.")
				si.password.SetText("")
			case err != nil:
				si.message.SetText(errText(err))
			default:
				si.onIn(u)
			}
		})
	}()
}
