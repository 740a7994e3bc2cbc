package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/model/sqlstore/sqlstoretest"
)

// walk visits every object under o, descending into widgets' renderers.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	visit(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		r := cacheRenderer(v)
		for _, c := range r.Objects() {
			walk(c, visit)
		}
	}
}

// shownText is every piece of text on screen under o, one per line.
func shownText(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(c fyne.CanvasObject) {
		switch v := c.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Button:
			b.WriteString(v.Text + "\n")
		}
	})
	return b.String()
}

// findButton returns the button labelled text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// uiQueue stands in for the UI goroutine in tests: background work posts to
// it, and the test goroutine runs what was posted while it waits, so widgets
// are only ever touched from one goroutine, as in the app.
type uiQueue chan func()

func (q uiQueue) post(fn func()) { q <- fn }

// drain runs everything posted so far.
func (q uiQueue) drain() {
	for {
		select {
		case fn := <-q:
			fn()
		default:
			return
		}
	}
}

// testEnv is a screen environment whose UI work runs on the test goroutine.
func testEnv(t *testing.T, s *sqlstore.Store) (*env, fyne.Window, uiQueue) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	q := make(uiQueue, 4096)
	e := &env{ctx: context.Background(), app: a, win: w, store: s, post: q.post, user: model.LocalUser()}
	if s != nil {
		e.src = sqlstore.FileSource{Path: s.Path()}
	}
	// Let loads still running finish before the store closes and its folder
	// is removed, as a window lets them finish before it closes.
	t.Cleanup(func() { letLoadsFinish(e, q, 30*time.Second) })
	return e, w, q
}

// letLoadsFinish runs posted UI work until no load is pending or limit passes.
func letLoadsFinish(e *env, q uiQueue, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for e.pending.Load() > 0 && time.Now().Before(deadline) {
		q.drain()
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor runs posted UI work until cond holds or thirty seconds pass: screens
// load off the UI goroutine.
func waitFor(t *testing.T, q uiQueue, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: CI runs every package at once under -race
	for time.Now().Before(deadline) {
		q.drain()
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// demoDB is the path of the shared demo programme (sqlstoretest lends it);
// tests that change it copy it first (copyOfDemo).
func demoDB(t *testing.T) string {
	t.Helper()
	return sqlstoretest.Demo(t)
}

// openDemo opens the shared demo programme for a read-only test.
func openDemo(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), demoDB(t))
	if err != nil {
		t.Fatalf("open demo: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// uiUser adds a user called name holding role to st and returns them signed in.
func uiUser(t *testing.T, st *sqlstore.Store, name, role string) model.User {
	t.Helper()
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, model.LocalUser(), model.NewUser{Username: name, DisplayName: name, Role: role, Password: "password-" + name}); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	u, err := st.SignIn(ctx, name, "password-"+name)
	if err != nil {
		t.Fatalf("sign in %s: %v", name, err)
	}
	return u
}
