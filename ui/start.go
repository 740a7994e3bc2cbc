package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// Start shows the window's first content for the database at path: the
// programme when it exists, a choice of an empty or demo programme when it
// does not, and a plain explanation when it cannot be opened.
func Start(ctx context.Context, a fyne.App, w fyne.Window, path string, onOpen func(*model.Store)) {
	start(&env{ctx: ctx, app: a, win: w, post: fyne.Do}, path, onOpen)
}

func start(e *env, path string, onOpen func(*model.Store)) {
	e.onOpen = onOpen
	st := &starter{env: e, path: path, onOpen: onOpen}
	w := e.win
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		w.SetContent(st.welcome())
		return
	}
	w.SetContent(container.NewCenter(widget.NewLabel("Opening " + path + "…")))
	st.open(func(ctx context.Context) (*model.Store, error) { return model.Open(ctx, path) })
}

// starter holds the first-run screen's state.
type starter struct {
	*env
	path     string
	onOpen   func(*model.Store)
	progress *widget.ProgressBar
	step     *widget.Label
	buttons  []*widget.Button
	hint     string // the demo's users and password, shown at sign-in
}

func (st *starter) welcome() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Welcome to Cascade", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("There is no programme at\n" + st.path + "\nyet. Start an empty one to enter your own, " +
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
	st.open(func(ctx context.Context) (*model.Store, error) { return model.Create(ctx, st.path) })
}

func (st *starter) onDemo() {
	st.busy()
	st.progress.Show()
	st.open(func(ctx context.Context) (*model.Store, error) {
		res, err := model.Demo(ctx, st.path, model.DemoOptions{Seed: 1, Scale: 1, Password: model.DemoPassword, Progress: func(step string, done, total int) {
			st.post(func() {
				st.progress.Max, st.progress.Value = float64(total), float64(done)
				st.progress.Refresh()
				st.step.SetText(step)
			})
		}})
		if err != nil {
			return nil, err
		}
		st.hint = demoHint(res)
		return model.Open(ctx, st.path)
	})
}

func (st *starter) busy() {
	for _, b := range st.buttons {
		b.Disable()
	}
}

// open runs the opening off the UI goroutine and shows the result.
func (st *starter) open(fn func(context.Context) (*model.Store, error)) {
	go func() {
		s, err := fn(st.ctx)
		st.post(func() {
			if err != nil {
				st.win.SetContent(openError(st.path, err))
				return
			}
			st.onOpen(s)
			st.store = s
			// Sign in before the programme shows; the user becomes the actor.
			st.win.SetContent(signIn(st.env, st.hint, func(u model.User) {
				st.user = u
				st.win.SetContent(newShell(st.env))
			}))
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

// demoHint tells a new user of the demo how to sign in.
func demoHint(res *model.DemoResult) string {
	if res == nil {
		return ""
	}
	var names []string
	for _, u := range res.Users {
		names = append(names, u.Username)
	}
	return "Demo users: " + strings.Join(names, ", ") + ". Password: " + res.Password
}
