package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// demoUsers are the sign-ins sqlstore.Demo makes.
var demoUsers = []string{"admin", "lead", "assessor", "assessor2", "assessor3", "verifier", "verifier2", "moderator"}

// demoUser loads a demo user by user name without signing in, so read-only
// tests leave the shared demo's audit log alone.
func demoUser(t *testing.T, st *sqlstore.Store, username string) model.User {
	t.Helper()
	us, err := st.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Username == username {
			return u
		}
	}
	t.Fatalf("no user %q in the demo", username)
	return model.User{}
}

// openUsers shows the users screen to the demo's administrator.
func openUsers(t *testing.T, st *sqlstore.Store) (*usersScreen, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "admin")
	scr, ok := newUsersScreen(e).(*usersScreen)
	if !ok {
		t.Fatal("the administrator was not given the users screen")
	}
	w.SetContent(scr.content())
	waitFor(t, q, "the users", func() bool { return len(scr.rows) > 0 })
	return scr, w, q
}

// selectUser selects username's row, failing when it is not listed.
func selectUser(t *testing.T, s *usersScreen, username string) model.User {
	t.Helper()
	for i, u := range s.rows {
		if u.Username == username {
			s.table.Select(widget.TableCellID{Row: i, Col: 0})
			return u
		}
	}
	t.Fatalf("%s is not listed", username)
	return model.User{}
}

// topDialog is the dialog on top of the window, failing when there is none.
func topDialog(t *testing.T, w fyne.Window, what string) fyne.CanvasObject {
	t.Helper()
	over := w.Canvas().Overlays().Top()
	if over == nil {
		t.Fatalf("no dialog for %s", what)
	}
	return over
}

// tapIn taps the button labelled text inside o, failing when there is none.
func tapIn(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	b := findButton(o, text)
	if b == nil {
		t.Fatalf("no %q button in %q", text, shownText(o))
	}
	if b.Disabled() {
		t.Fatalf("%q is disabled", text)
	}
	test.Tap(b)
}

func TestUsersListShowsDemoUsers(t *testing.T) {
	st := openDemo(t)
	s, w, _ := openUsers(t, st)
	shown := shownText(w.Content())
	for _, name := range demoUsers {
		if !strings.Contains(shown, "\n"+name+"\n") {
			t.Errorf("the users table does not show %s; shows:\n%s", name, shown)
		}
	}
	if len(s.rows) != len(demoUsers) {
		t.Errorf("%d users listed; want %d", len(s.rows), len(demoUsers))
	}
	// Nothing is selected yet, so nothing can be changed.
	for _, b := range []*widget.Button{s.role, s.toggle, s.reset} {
		if !b.Disabled() {
			t.Errorf("%q is enabled with no user selected", b.Text)
		}
	}
}

func TestUsersNonAdminSeesNoUsers(t *testing.T) {
	st := openDemo(t)
	e, _, _ := testEnv(t, st)
	e.user = demoUser(t, st, "lead")
	if _, ok := newUsersScreen(e).(*usersScreen); ok {
		t.Fatal("a training lead was given the users screen")
	}
}

func TestUsersAddedUserIsListedAndSignsIn(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	tapIn(t, w.Content(), "Add user…")
	over := topDialog(t, w, "adding a user")
	var entries []*escEntry
	var role *widget.Select
	walk(over, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *escEntry:
			entries = append(entries, v)
		case *widget.Select:
			role = v
		}
	})
	if len(entries) != 3 || role == nil {
		t.Fatalf("the add dialog has %d entries and role %v; want user name, name, password and a role", len(entries), role)
	}
	test.Type(entries[0], "zoe")
	test.Type(entries[1], "Zoë Łukasz")
	test.Type(entries[2], "a long password")
	role.SetSelected(model.RoleName(model.RoleVerifier))
	tapIn(t, over, "Add")
	waitFor(t, q, "the new user in the list", func() bool {
		for _, u := range s.rows {
			if u.Username == "zoe" {
				return true
			}
		}
		return false
	})
	if shown := shownText(w.Content()); !strings.Contains(shown, "\nZoë Łukasz\n") {
		t.Errorf("the table does not show the new user; shows:\n%s", shown)
	}
	u, err := st.SignIn(context.Background(), "zoe", "a long password")
	if err != nil {
		t.Fatalf(`SignIn("zoe") = %v; want the new user`, err)
	}
	if u.Role != model.RoleVerifier || u.DisplayName != "Zoë Łukasz" {
		t.Errorf("signed in as %+v; want internal verifier Zoë Łukasz", u)
	}
	if _, err := st.SignIn(context.Background(), "zoe", "another password"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("SignIn with a wrong password = %v; want %v", err, model.ErrSignIn)
	}
}

// openRoleDialog selects username and opens the role dialog, returning it
// and its role choice.
func openRoleDialog(t *testing.T, s *usersScreen, w fyne.Window, username string) (fyne.CanvasObject, *widget.Select) {
	t.Helper()
	selectUser(t, s, username)
	tapIn(t, w.Content(), "Change role…")
	over := topDialog(t, w, "changing the role")
	var role *widget.Select
	walk(over, func(o fyne.CanvasObject) {
		if v, ok := o.(*widget.Select); ok {
			role = v
		}
	})
	if role == nil {
		t.Fatalf("the role dialog has no role choice: %q", shownText(over))
	}
	return over, role
}

func TestUsersChangeRoleAsksThenChanges(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	ctx := context.Background()

	over, role := openRoleDialog(t, s, w, "assessor2")
	if role.Selected != "assessor" {
		t.Errorf("the role dialog starts at %q; want the current role, assessor", role.Selected)
	}
	if got := len(role.Options); got != len(model.Roles) {
		t.Errorf("the role dialog offers %d roles; want %d", got, len(model.Roles))
	}
	role.SetSelected("internal verifier")
	tapIn(t, over, "Change")
	confirm := topDialog(t, w, "confirming the role")
	want := "from assessor to internal verifier?"
	if text := shownText(confirm); !strings.Contains(text, "(assessor2) "+want) {
		t.Fatalf("the confirmation reads %q; want it to name assessor2 and say %q", text, want)
	}

	// Cancelling changes nothing.
	tapIn(t, confirm, "Cancel")
	q.drain()
	if u := demoUser(t, st, "assessor2"); u.Role != model.RoleAssessor {
		t.Fatalf("after saying no, assessor2 is %s", u.Role)
	}

	over, role = openRoleDialog(t, s, w, "assessor2")
	role.SetSelected("internal verifier")
	tapIn(t, over, "Change")
	tapIn(t, topDialog(t, w, "confirming the role"), "Change role")
	waitFor(t, q, "the status", func() bool { return s.status.Text == "assessor2 is now internal verifier" })
	u := demoUser(t, st, "assessor2")
	if u.Role != model.RoleVerifier {
		t.Fatalf("assessor2's role in the database is %q; want %q", u.Role, model.RoleVerifier)
	}
	waitFor(t, q, "the table with the new role", func() bool {
		for i, r := range s.rows {
			if r.Username == "assessor2" {
				return s.cell(i, 2) == "internal verifier"
			}
		}
		return false
	})
	// The list is ordered by role, so assessor2 moved; the selection follows.
	if s.sel < 0 || s.rows[s.sel].Username != "assessor2" || s.role.Disabled() {
		t.Errorf("after the change row %d is selected and Change role disabled %v; want assessor2's row", s.sel, s.role.Disabled())
	}
	// The role decides what assessor2 may now do.
	if u.Can(model.ActDecide) || !u.Can(model.ActVerify) {
		t.Errorf("assessor2 as verifier: may decide %v, may verify %v", u.Can(model.ActDecide), u.Can(model.ActVerify))
	}
	log, err := st.AuditLog(ctx, model.AuditFilter{Entity: "user", Action: "update", Text: `"role":"verifier"`})
	if err != nil || len(log) != 1 || log[0].EntityID != fmt.Sprint(u.ID) {
		t.Errorf("audit of the change: %v, %+v; want one entry for user %d", err, log, u.ID)
	}
}

func TestUsersCannotDemoteThemselves(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	over, role := openRoleDialog(t, s, w, "admin")
	role.SetSelected("training lead")
	tapIn(t, over, "Change")
	refusal := topDialog(t, w, "the refusal")
	if text := shownText(refusal); !strings.Contains(text, "cannot take away your own administrator role") {
		t.Errorf("demoting yourself shows %q; want the refusal", text)
	}
	q.drain()
	if u := demoUser(t, st, "admin"); u.Role != model.RoleAdmin {
		t.Errorf("after the refusal, admin is %s", u.Role)
	}
	// The model refuses it too, whatever screen asks.
	me := demoUser(t, st, "admin")
	if err := st.SetUserRole(context.Background(), me, me.ID, model.RoleLead); !errors.Is(err, model.ErrPermission) {
		t.Errorf("SetUserRole on yourself = %v; want ErrPermission", err)
	}
}

func TestUsersDisableAsksThenDisables(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	ctx := context.Background()

	selectUser(t, s, "verifier2")
	tapIn(t, w.Content(), "Disable")
	confirm := topDialog(t, w, "disabling")
	if text := shownText(confirm); !strings.Contains(text, "Disable verifier2?") {
		t.Fatalf("the confirmation reads %q; want it to name verifier2", text)
	}
	tapIn(t, confirm, "No")
	q.drain()
	if u := demoUser(t, st, "verifier2"); u.DisabledAt != "" {
		t.Fatalf("after saying no, verifier2 was disabled at %s", u.DisabledAt)
	}

	selectUser(t, s, "verifier2")
	tapIn(t, w.Content(), "Disable")
	tapIn(t, topDialog(t, w, "disabling"), "Yes")
	waitFor(t, q, "the table with verifier2 disabled", func() bool {
		for i, r := range s.rows {
			if r.Username == "verifier2" {
				return strings.HasPrefix(s.cell(i, 4), "disabled ")
			}
		}
		return false
	})
	if u := demoUser(t, st, "verifier2"); u.DisabledAt == "" {
		t.Fatal("verifier2 is still active in the database")
	}
	if s.sel < 0 || s.rows[s.sel].Username != "verifier2" || s.toggle.Text != "Enable" {
		t.Errorf("after disabling, row %d is selected and the button reads %q; want verifier2 and Enable", s.sel, s.toggle.Text)
	}
	if _, err := st.SignIn(ctx, "verifier2", "pw-for-tests"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("a disabled user signs in: %v", err)
	}
}

func TestUsersDisablingYourselfIsRefusedInWords(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	selectUser(t, s, "admin")
	tapIn(t, w.Content(), "Disable")
	tapIn(t, topDialog(t, w, "disabling"), "Yes")
	waitFor(t, q, "the refusal", func() bool {
		o := w.Canvas().Overlays().Top()
		return o != nil && strings.Contains(shownText(o), "you cannot disable yourself")
	})
	if u := demoUser(t, st, "admin"); u.DisabledAt != "" {
		t.Errorf("admin disabled themselves at %s", u.DisabledAt)
	}
}

func TestUsersRoleByKeyboard(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	_, role := openRoleDialog(t, s, w, "moderator")
	role.SetSelected("training lead")
	press := func(k fyne.KeyName) {
		t.Helper()
		h := w.Canvas().OnTypedKey()
		if h == nil {
			t.Fatalf("nothing takes %s", k)
		}
		h(&fyne.KeyEvent{Name: k})
	}
	press(fyne.KeyReturn) // the role
	if text := shownText(topDialog(t, w, "confirming by keyboard")); !strings.Contains(text, "from external moderator to training lead?") {
		t.Fatalf("Enter did not lead to the confirmation: %q", text)
	}
	press(fyne.KeyReturn) // the confirmation
	waitFor(t, q, "the change", func() bool { return s.status.Text == "moderator is now training lead" })
	if u := demoUser(t, st, "moderator"); u.Role != model.RoleLead {
		t.Errorf("moderator's role is %q after Enter, Enter; want %q", u.Role, model.RoleLead)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("a dialog is still open")
	}
	// The keys are the window's again: the test window had no handler.
	if w.Canvas().OnTypedKey() != nil {
		t.Error("the dialogs' key handler outlived them")
	}
}
