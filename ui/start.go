package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// Start shows the window's first content for the programme at src: the
// programme when it exists, a choice of an empty or demo programme when it
// does not, and a plain explanation when it cannot be opened. The window
// opens, creates and restores programmes only through src.
func Start(ctx context.Context, a fyne.App, w fyne.Window, src model.Source) {
	start(&env{ctx: ctx, app: a, win: w, post: fyne.Do, src: src})
}

func start(e *env) {
	st := &starter{env: e}
	w := e.win
	exists, err := e.src.Exists()
	if err != nil {
		w.SetContent(openError(e.src.String(), err))
		return
	}
	if !exists {
		w.SetContent(st.welcome())
		return
	}
	w.SetContent(container.NewCenter(widget.NewLabel("Opening " + e.src.String() + "…")))
	st.open(e.src.Open)
}

// starter holds the first-run screen's state.
type starter struct {
	*env
	progress *widget.ProgressBar
	step     *widget.Label
	buttons  []*widget.Button
	hint     string // the demo's users and password, shown at sign-in
}

func (st *starter) welcome() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Welcome to Cascade", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("There is no programme at\n" + st.src.String() + "\nyet. Start an empty one to enter your own, " +
		"or build the demo programme: 14 cohorts, about 150 hosts and 5,000 organisers.")
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter
	empty := widget.NewButton("Start an empty programme", st.onEmpty)
	demo := widget.NewButton("Build the demo programme", st.onDemo)
	demo.Importance = widget.HighImportance
	st.buttons = []*widget.Button{empty, demo}
	st.progress = widget.NewProgressBar()
	st.progress.Hide()
	st.step = widget.NewLabel("")
	box := container.NewVBox(title, intro, container.NewGridWithColumns(2, empty, demo), st.progress, st.step)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 300), box))
}

func (st *starter) onEmpty() {
	st.busy()
	st.open(st.src.Create)
}

func (st *starter) onDemo() {
	st.busy()
	st.progress.Show()
	st.open(func(ctx context.Context) (model.Programme, error) {
		p, login, err := st.src.Demo(ctx, func(step string, done, total int) {
			st.post(func() {
				st.progress.Max, st.progress.Value = float64(total), float64(done)
				st.progress.Refresh()
				st.step.SetText(step)
			})
		})
		if err != nil {
			return nil, err
		}
		st.hint = demoHint(login)
		return p, nil
	})
}

func (st *starter) busy() {
	for _, b := range st.buttons {
		b.Disable()
	}
}

// open runs the opening off the UI goroutine and shows the result.
func (st *starter) open(fn func(context.Context) (model.Programme, error)) {
	go func() {
		s, err := fn(st.ctx)
		st.post(func() {
			if err != nil {
				st.win.SetContent(openError(st.src.String(), err))
				return
			}
			st.store = s
			showSignIn(st.env, st.hint)
		})
	}()
}

// openError explains in plain words why the database could not be opened.
func openError(path string, err error) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Cascade could not open the programme", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(fmt.Sprint(err))
	msg.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel("Nothing was changed. Open another file with: cascade --db FILE")
	hint.Wrapping = fyne.TextWrapWord
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(600, 220), container.NewVBox(title, msg, hint)))
}

// showSignIn asks who is there before the programme shows; every change
// they make is then made as them.
func showSignIn(e *env, hint string) {
	e.watchShown(nil) // the signed-out shell's screens stop reading
	e.user = model.User{}
	e.win.SetContent(signIn(e, hint, func(u model.User) {
		e.user = u
		e.win.SetContent(newShell(e))
	}))
}

// signOut returns to the sign-in screen on the same programme, keeping
// nothing of the previous user's screens: the shell is built afresh.
func signOut(e *env) {
	showSignIn(e, "")
}

// demoHint tells a new user of the demo how to sign in.
func demoHint(login model.DemoLogin) string {
	if len(login.Usernames) == 0 {
		return ""
	}
	return "Demo users: " + strings.Join(login.Usernames, ", ") + ". Password: " + login.Password
}
