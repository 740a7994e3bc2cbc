package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// usersStore is what the users screen asks of the model.
type usersStore interface {
	Users(ctx context.Context) ([]model.User, error)
	CreateUser(ctx context.Context, by model.User, n model.NewUser) (model.User, error)
	SetUserActiveFrom(ctx context.Context, by model.User, was model.User, active bool) error
	SetUserPasswordFrom(ctx context.Context, by model.User, was model.User, password string) error
	SetUserRoleFrom(ctx context.Context, by model.User, was model.User, role string) error
}

// usersScreen lets an administrator add users, change their roles, reset
// passwords and disable users; everyone else sees who can sign in.
type usersScreen struct {
	e      *env
	store  usersStore
	rows   []model.User
	sel    int
	table  *widget.Table
	status *widget.Label
	add    *widget.Button
	toggle *widget.Button
	reset  *widget.Button
	role   *widget.Button
	root   fyne.CanvasObject
}

func newUsersScreen(e *env) screen {
	if !e.may(model.ActManageUsers) {
		return placeholder{"Users", "Only an administrator manages users. You are signed in as " +
			model.RoleName(e.user.Role) + "; ask an administrator to add a user or reset a password."}
	}
	s := &usersScreen{e: e, store: e.store, sel: -1}
	s.buildUI()
	s.refresh()
	return s
}

func (s *usersScreen) buildUI() {
	s.table = textTable([]string{"User name", "Name", "Role", "Active since", "Status"}, []float32{140, 200, 150, 120, 120},
		func() int { return len(s.rows) }, s.cell, func(r int) { s.sel = r; s.updateButtons() })
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord // a long line must not widen the window
	s.add = widget.NewButton("Add user…", s.onAdd)
	s.toggle = widget.NewButton("Disable", s.onToggle)
	s.reset = widget.NewButton("Set password…", s.onReset)
	s.role = widget.NewButton("Change role…", s.onRole)
	// The status takes the width the buttons leave, wrapping there.
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabelWithStyle("Users", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.add, s.role, s.toggle, s.reset), nil, s.status)
	s.updateButtons()
	s.root = container.NewBorder(top, nil, nil, nil, s.table)
}

func (s *usersScreen) content() fyne.CanvasObject { return s.root }

func (s *usersScreen) refresh() { s.refreshKeeping(0) }

// refreshKeeping reloads the users and selects user id again, wherever the
// change moved them (the list is ordered by role); 0 selects nobody.
func (s *usersScreen) refreshKeeping(id int64) {
	load(s.e, s.store.Users, func(us []model.User) {
		s.rows, s.sel = us, -1
		s.table.UnselectAll()
		refreshTable(s.table)
		for i, u := range us {
			if id != 0 && u.ID == id {
				s.table.Select(widget.TableCellID{Row: i, Col: 0})
				s.table.ScrollTo(widget.TableCellID{Row: i, Col: 0})
			}
		}
		s.updateButtons()
	}, func(err error) { sayProblem(s.status, errText(err)) })
}

func (s *usersScreen) cell(r, c int) string {
	u := s.rows[r]
	switch c {
	case 0:
		return u.Username
	case 1:
		return u.DisplayName
	case 2:
		return model.RoleName(u.Role)
	case 3:
		return day(u.ActiveSince)
	}
	if u.DisabledAt != "" {
		return "disabled " + day(u.DisabledAt)
	}
	return "active"
}

func (s *usersScreen) updateButtons() {
	admin := s.e.may(model.ActManageUsers)
	setEnabled(s.add, admin)
	setEnabled(s.toggle, admin && s.sel >= 0)
	setEnabled(s.reset, admin && s.sel >= 0)
	setEnabled(s.role, admin && s.sel >= 0)
	if s.sel >= 0 && s.sel < len(s.rows) && s.rows[s.sel].DisabledAt != "" {
		s.toggle.SetText("Enable")
	} else {
		s.toggle.SetText("Disable")
	}
}

func (s *usersScreen) onAdd() {
	name, display, pw := newEscEntry(nil, nil), newEscEntry(nil, nil), newEscEntry(nil, nil)
	pw.Password = true
	roles := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		roles[i] = model.RoleName(r)
	}
	role := widget.NewSelect(roles, nil)
	role.SetSelectedIndex(2)
	pw.Validator = func(t string) error {
		if len(t) < 8 {
			return fmt.Errorf("at least 8 characters")
		}
		return nil
	}
	d := newForm("Add a user", "Add", "Cancel", []*widget.FormItem{
		widget.NewFormItem("User name", name), widget.NewFormItem("Name", display),
		widget.NewFormItem("Role", role), widget.NewFormItem("Password", pw)}, func(ok bool) {
		if !ok {
			return
		}
		n := model.NewUser{Username: name.Text, DisplayName: display.Text, Role: model.Roles[role.SelectedIndex()], Password: pw.Text}
		load(s.e, func(ctx context.Context) (model.User, error) { return s.store.CreateUser(ctx, s.e.user, n) },
			func(model.User) { s.refresh() }, func(err error) { showError(err, s.e.win) })
	}, s.e.win)
	showForm(s.e.win, d, name, display, pw)
}

func (s *usersScreen) onToggle() {
	if s.sel < 0 {
		return
	}
	u := s.rows[s.sel]
	active := u.DisabledAt != ""
	verb := "Disable"
	if active {
		verb = "Enable"
	}
	showConfirm(verb+" "+u.Username+"?", fmt.Sprintf("%s %s (%s)?", verb, u.DisplayName, model.RoleName(u.Role)), func(ok bool) {
		if !ok {
			return
		}
		load(s.e, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.store.SetUserActiveFrom(ctx, s.e.user, u, active)
		}, func(struct{}) { s.refreshKeeping(u.ID) }, func(err error) { s.changeFailed(u, err, nil) })
	}, s.e.win)
}

func (s *usersScreen) onReset() {
	if s.sel < 0 {
		return
	}
	u := s.rows[s.sel]
	pw := newEscEntry(nil, nil)
	pw.Password = true
	d := newForm("New password for "+u.Username, "Set", "Cancel", []*widget.FormItem{widget.NewFormItem("Password", pw)}, func(ok bool) {
		if !ok {
			return
		}
		load(s.e, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.store.SetUserPasswordFrom(ctx, s.e.user, u, pw.Text)
		}, func(struct{}) { sayDone(s.status, "Password set for "+u.Username) }, func(err error) { s.changeFailed(u, err, nil) })
	}, s.e.win)
	showForm(s.e.win, d, pw)
}

// onRole offers the roles with the user's own chosen, then asks before
// changing it: a role decides what someone may do.
func (s *usersScreen) onRole() {
	if s.sel < 0 {
		return
	}
	u := s.rows[s.sel]
	names := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		names[i] = model.RoleName(r)
	}
	role := widget.NewSelect(names, nil)
	role.SetSelected(model.RoleName(u.Role))
	// A focused Select keeps Enter to itself; once chosen, Enter is the form's.
	role.OnChanged = func(string) { s.e.win.Canvas().Unfocus() }
	item := widget.NewFormItem("Role", role)
	item.HintText = "Now " + model.RoleName(u.Role)
	d := newForm("Change the role of "+u.DisplayName+" ("+u.Username+")", "Change", "Cancel", []*widget.FormItem{item}, func(ok bool) {
		if !ok || role.SelectedIndex() < 0 || model.Roles[role.SelectedIndex()] == u.Role {
			return
		}
		s.confirmRole(u, model.Roles[role.SelectedIndex()])
	}, s.e.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
}

// confirmRole names the user and both roles before changing anything.
func (s *usersScreen) confirmRole(u model.User, to string) {
	if u.ID == s.e.user.ID && to != model.RoleAdmin {
		// The model refuses it too; saying so here saves a pointless confirmation.
		showInformation("Your own role", "You cannot take away your own administrator role: "+
			"the programme must keep someone who manages users. Another administrator can change it.", s.e.win)
		return
	}
	msg := fmt.Sprintf("Change %s (%s) from %s to %s?", u.DisplayName, u.Username, model.RoleName(u.Role), model.RoleName(to))
	d := newConfirm("Change the role of "+u.Username+"?", msg, func(ok bool) {
		if !ok {
			return
		}
		load(s.e, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.store.SetUserRoleFrom(ctx, s.e.user, u, to)
		}, func(struct{}) {
			sayDone(s.status, u.Username+" is now "+model.RoleName(to))
			s.refreshKeeping(u.ID)
		}, func(err error) {
			s.changeFailed(u, err, fmt.Errorf("%s's role was not changed: %w", u.Username, err))
		})
	}, s.e.win)
	d.SetConfirmText("Change role")
	d.SetDismissText("Cancel")
	d.Show()
}

// changeFailed shows why a change to user u was not made. Refused because
// another administrator changed them since the list was read: say who and
// when in the status line and offer to reload the list, which then shows
// their change (nothing typed here is worth keeping: a role or a password
// is chosen again in a moment). Otherwise shown, as shown, or err itself.
func (s *usersScreen) changeFailed(u model.User, err, shown error) {
	if said, ok := changedText(err); ok {
		said = u.Username + ": " + said
		sayProblem(s.status, said)
		askReload(s.e.win, said, func() { s.refreshKeeping(u.ID) }, nil)
		return
	}
	if shown == nil {
		shown = err
	}
	showError(shown, s.e.win)
}
