// Package ui is Cascade's window: one file per screen, and this file, which
// assembles them, holds the navigation and registers the shortcuts. It holds
// no SQL; screens call the model through small interfaces of their own.
package ui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// screen is one destination in the navigation.
type screen interface {
	content() fyne.CanvasObject
}

// lister screens that can show one record's page in place of their list
// go back to the list when their section is chosen in the sidebar.
type lister interface{ toList() }

// searcher screens focus their search box on Ctrl+F.
type searcher interface{ focusSearch() }

// refresher screens reload their data each time they are shown again.
type refresher interface{ refresh() }

// env is what every screen is built with.
type env struct {
	ctx   context.Context
	app   fyne.App
	win   fyne.Window
	store model.Programme
	user  model.User // who signed in; the zero User may change nothing
	// post runs fn on the UI goroutine: fyne.Do in the app. Tests pass a queue
	// they drain on the test goroutine, since fyne's test driver runs fyne.Do
	// in place, on whichever goroutine called it.
	post func(fn func())
	// src is where the programme lives; the window opens, creates and
	// restores programmes only through it.
	src model.Source
	// open shows the section titled title and returns its screen (nil when
	// there is no such section); the shell sets it.
	open func(title string) screen
	// pending counts loads started and not yet shown, so a test can wait
	// until a screen has settled before it acts, as a person would.
	pending atomic.Int64
	// goTo opens a section by title as the sidebar does and returns its
	// screen; nil when a screen is shown alone, outside the window's frame.
	goTo func(title string) screen
	// unwatch ends the shown screen's watch for changes made elsewhere.
	unwatch func()
}

// section is a navigation entry; build runs the first time it is opened, so
// the window opens without loading every screen's data.
type section struct {
	title string
	icon  fyne.Resource
	build func(*env) screen
}

func sections() []section {
	return []section{
		{"Dashboard", theme.HomeIcon(), func(e *env) screen { return newDashboardScreen(e) }},
		{"Trainers", theme.AccountIcon(), func(e *env) screen { return newTrainersScreen(e) }},
		{"Cascade", theme.ListIcon(), func(e *env) screen { return newCascadeScreen(e) }},
		{"Cohorts & hosts", theme.HomeIcon(), func(e *env) screen { return newCohortsScreen(e) }},
		{"Organisers", theme.AccountIcon(), func(e *env) screen { return newOrganisersScreen(e) }},
		{"Training", theme.CalendarIcon(), func(e *env) screen { return newTrainingScreen(e) }},
		{"Evidence", theme.FolderOpenIcon(), func(e *env) screen { return newEvidenceScreen(e) }},
		{"Verification", theme.ConfirmIcon(), func(e *env) screen { return newVerificationScreen(e) }},
		{"Claims", theme.MailSendIcon(), func(e *env) screen { return newClaimsScreen(e) }},
		{"Certificates", theme.DocumentPrintIcon(), func(e *env) screen { return newCertificatesScreen(e) }},
		{"Reports", theme.DocumentIcon(), func(e *env) screen { return newReportsScreen(e) }},
		{"Import", theme.UploadIcon(), func(e *env) screen { return newImportScreen(e) }},
		{"Audit log", theme.HistoryIcon(), func(e *env) screen { return newAuditScreen(e) }},
		{"Users", theme.AccountIcon(), func(e *env) screen { return newUsersScreen(e) }},
		{"Settings", theme.SettingsIcon(), func(e *env) screen { return newSettingsScreen(e) }},
	}
}

// shell is the window's frame: the navigation list and the open screen.
type shell struct {
	env      *env
	sections []section
	built    []screen
	current  int
	nav      *widget.List
	body     *fyne.Container
	root     fyne.CanvasObject
}

// New builds the whole window content on an open store, with nobody signed in.
func New(ctx context.Context, a fyne.App, w fyne.Window, s model.Programme) fyne.CanvasObject {
	return newShell(&env{ctx: ctx, app: a, win: w, store: s, post: fyne.Do})
}

// NewAs builds the window content for the signed-in user u.
func NewAs(ctx context.Context, a fyne.App, w fyne.Window, s model.Programme, u model.User) fyne.CanvasObject {
	return newShell(&env{ctx: ctx, app: a, win: w, store: s, user: u, post: fyne.Do})
}

func newShell(e *env) fyne.CanvasObject { return buildShell(e).root }

// buildShell builds the frame for e's signed-in user; tests keep the shell
// to walk every screen in it.
func buildShell(e *env) *shell {
	sh := &shell{env: e, sections: sections(), current: -1}
	sh.built = make([]screen, len(sh.sections))
	e.open = sh.open
	sh.body = container.NewStack()
	sh.nav = &widget.List{
		Length:     func() int { return len(sh.sections) },
		CreateItem: func() fyne.CanvasObject { return newNavRow(sh.onNavTapped) },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*navRow).set(i, sh.sections[i].icon, sh.sections[i].title)
		},
		OnSelected: sh.onNavSelected,
	}
	sh.nav.ExtendBaseWidget(sh.nav)
	sh.registerShortcuts()
	e.goTo = sh.goTo
	sh.nav.Select(0)
	nav := fyne.CanvasObject(sh.nav)
	if u := e.user; u.ID != 0 {
		who := widget.NewLabel(u.DisplayName + "\n" + model.RoleName(u.Role))
		who.Wrapping = fyne.TextWrapWord
		out := widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), func() { signOut(e) })
		nav = container.NewBorder(nil, container.NewVBox(who, out), nil, nil, sh.nav)
	}
	split := container.NewHSplit(nav, sh.body)
	split.Offset = 0.16
	sh.root = split
	return sh
}

// open selects the section titled title, as a click in the sidebar would.
func (sh *shell) open(title string) screen {
	for i, sec := range sh.sections {
		if sec.title == title {
			sh.nav.Select(i)
			sh.show(i)
			return sh.built[i]
		}
	}
	return nil
}

func (sh *shell) onNavSelected(i widget.ListItemID) {
	sh.show(i)
	if l, ok := sh.built[i].(lister); ok {
		l.toList()
	}
}

// onNavTapped handles a tap on section i in the sidebar. The list does not
// report a tap on the item already selected, yet that is how a person goes
// back from an organiser's page to the Organisers list.
func (sh *shell) onNavTapped(i int) {
	before := sh.current
	if i != before {
		sh.nav.Select(i) // shows it through onNavSelected
	}
	if i == before || sh.current != i { // the list reported no change
		sh.onNavSelected(i)
	}
}

// goTo opens the section titled title, as a tap in the sidebar does, and
// returns its screen; nil when there is no such section.
func (sh *shell) goTo(title string) screen {
	for i, sec := range sh.sections {
		if sec.title == title {
			sh.onNavTapped(i)
			return sh.built[i]
		}
	}
	return nil
}

// show opens section i, building it on first use.
func (sh *shell) show(i int) {
	if i == sh.current {
		return
	}
	first := sh.built[i] == nil
	if first {
		sh.built[i] = sh.sections[i].build(sh.env)
	}
	sh.current = i
	sh.body.Objects = []fyne.CanvasObject{sh.built[i].content()}
	sh.body.Refresh()
	if r, ok := sh.built[i].(refresher); ok && !first {
		r.refresh()
	}
	// Only the screen in view watches: one left stops reading.
	l, _ := sh.built[i].(liveScreen)
	sh.env.watchShown(l)
}

func (sh *shell) registerShortcuts() {
	c := sh.env.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) {
			if sh.current >= 0 {
				if s, ok := sh.built[sh.current].(searcher); ok {
					s.focusSearch()
				}
			}
		})
	// Ctrl+1 … Ctrl+9 jump to the first nine sections.
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, k := range keys {
		if i >= len(sh.sections) {
			break
		}
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { sh.nav.Select(i) })
	}
}

// load runs fetch off the UI goroutine and hands its result to show (or the
// error to fail) on the UI goroutine, as Fyne 2.6+ requires.
func load[T any](e *env, fetch func(context.Context) (T, error), show func(T), fail func(error)) {
	e.pending.Add(1)
	go func() {
		v, err := fetch(e.ctx)
		e.post(func() {
			defer e.pending.Add(-1)
			if err != nil {
				fail(err)
				return
			}
			show(v)
		})
	}()
}
