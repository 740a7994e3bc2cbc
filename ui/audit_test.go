package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// auditDemo is a copy of the demo with a known trail on top: the
// administrator adds three users, one after another, then changes the
// second one's role.
func auditDemo(t *testing.T) *sqlstore.Store {
	t.Helper()
	st := peopleDemoCopy(t)
	ctx := context.Background()
	admin, err := st.SignIn(ctx, "admin", "pw-for-tests")
	if err != nil {
		t.Fatal(err)
	}
	var made []model.User
	for _, n := range []string{"first", "second", "third"} {
		u, err := st.CreateUser(ctx, admin, model.NewUser{Username: "audit-" + n, DisplayName: "Audit " + n,
			Role: model.RoleAssessor, Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, u)
	}
	if err := st.SetUserRole(ctx, admin, made[1].ID, model.RoleModerator); err != nil {
		t.Fatal(err)
	}
	return st
}

func openAudit(t *testing.T, st *sqlstore.Store) (*auditScreen, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "admin")
	scr := newAuditScreen(e).(*auditScreen)
	w.SetContent(scr.content())
	waitFor(t, q, "the audit log", func() bool { return len(scr.rows) > 0 })
	return scr, w, q
}

// rowOf is the row of the first entry whose After holds text, or -1.
func rowOf(rows []model.AuditEntry, text string) int {
	for i, r := range rows {
		if strings.Contains(r.After, text) {
			return i
		}
	}
	return -1
}

func TestAuditListsNewestFirst(t *testing.T) {
	st := auditDemo(t)
	s, w, _ := openAudit(t, st)
	// The demo's two entries, a sign-in, three users and a role change.
	if len(s.rows) != 7 {
		t.Errorf("%d entries listed; want 7", len(s.rows))
	}
	if s.count.Text != num(len(s.rows))+" entries shown" {
		t.Errorf("count reads %q with %d rows", s.count.Text, len(s.rows))
	}
	for i := 1; i < len(s.rows); i++ {
		if s.rows[i-1].ID < s.rows[i].ID || s.rows[i-1].At < s.rows[i].At {
			t.Errorf("row %d (%d at %s) is listed before the newer row %d (%d at %s)",
				i-1, s.rows[i-1].ID, s.rows[i-1].At, i, s.rows[i].ID, s.rows[i].At)
		}
	}
	first, second, third := rowOf(s.rows, `"audit-first"`), rowOf(s.rows, `"audit-second"`), rowOf(s.rows, `"audit-third"`)
	if !(third >= 0 && third < second && second < first) {
		t.Errorf("users made first, second, third are at rows %d, %d, %d; want newest first", first, second, third)
	}
	if s.rows[0].Action != "update" || !strings.Contains(s.rows[0].After, model.RoleModerator) {
		t.Errorf("top row is %+v; want the last change, the role", s.rows[0])
	}
	if s.rows[len(s.rows)-1].Entity != "programme" || s.rows[len(s.rows)-1].Action != "create" {
		t.Errorf("bottom row is %+v; want the programme's creation", s.rows[len(s.rows)-1])
	}
	// What is shown follows the rows: the newest entry's change is on screen.
	if shown := shownText(w.Content()); !strings.Contains(shown, s.rows[0].Sentence()) {
		t.Errorf("the newest entry %q is not shown:\n%s", s.rows[0].Sentence(), shown)
	}
}

func TestAuditSearchNarrows(t *testing.T) {
	st := auditDemo(t)
	s, w, q := openAudit(t, st)
	all := len(s.rows)
	// Typing narrows, without Enter; each key starts a load and the last wins.
	test.Type(s.text, "audit-second")
	waitFor(t, q, "the narrowed list", func() bool { return len(s.rows) < all && s.gen > len("audit-second") })
	q.drain()
	// Its creation and its role change, which names it in Before.
	if len(s.rows) != 2 {
		t.Errorf("%d entries match audit-second; want its creation and its role change: %+v", len(s.rows), s.rows)
	}
	if s.count.Text != "2 entries shown" {
		t.Errorf("count reads %q", s.count.Text)
	}
	shown := shownText(w.Content())
	for _, r := range s.rows {
		if !strings.Contains(r.EntityID+r.Before+r.After, "audit-second") {
			t.Errorf("entry %+v is shown for audit-second", r)
		}
	}
	for _, other := range []string{"Audit first", "Audit third", "counts"} {
		if strings.Contains(shown, other) {
			t.Errorf("%s is still shown after searching for audit-second", other)
		}
	}
	if !strings.Contains(shown, "added user Audit second") {
		t.Errorf("the creation of audit-second is not shown:\n%s", shown)
	}

	// The action filter narrows too, and together with the text.
	s.action.SetSelected("create")
	waitFor(t, q, "creations only", func() bool { return len(s.rows) == 1 })
	if s.rows[0].Action != "create" {
		t.Errorf("after choosing create: %+v", s.rows[0])
	}

	// Clearing both shows everything again.
	s.text.SetText("")
	s.action.SetSelectedIndex(0)
	waitFor(t, q, "the whole log", func() bool { return len(s.rows) == all })
}

func TestAuditSelectingShowsDetails(t *testing.T) {
	st := auditDemo(t)
	s, _, _ := openAudit(t, st)
	if !strings.HasPrefix(s.detail.Text, "Choose an entry") {
		t.Errorf("before choosing, details read %q", s.detail.Text)
	}
	row := rowOf(s.rows, `"audit-second"`)
	if row < 0 {
		t.Fatal("no entry for audit-second")
	}
	a := s.rows[row]
	s.table.Select(widget.TableCellID{Row: row, Col: 1})
	for _, want := range []string{when(a.At) + " · admin", "create user " + a.EntityID, "Before: —", "After: " + a.After} {
		if !strings.Contains(s.detail.Text, want) {
			t.Errorf("details %q lack %q", s.detail.Text, want)
		}
	}
	// The role change shows what was there before.
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if want := fmt.Sprintf(`"role":%q`, model.RoleAssessor); !strings.Contains(s.detail.Text, "Before: ") || !strings.Contains(s.detail.Text, want) {
		t.Errorf("details of the role change %q lack the role before, %s", s.detail.Text, want)
	}
}

// TestAuditFiltersOfferWhatTheLogHolds: the action and entity choices come
// from the log, so actions a fixed list missed (the demo's own) are offered.
func TestAuditFiltersOfferWhatTheLogHolds(t *testing.T) {
	st := auditDemo(t)
	s, _, q := openAudit(t, st)
	waitFor(t, q, "the filter choices", func() bool { return len(s.action.Options) > 1 })
	if !slices.Contains(s.action.Options, "demo") || !slices.Contains(s.entity.Options, "programme") {
		t.Errorf("action choices %v, entity choices %v; want the demo's action and entity among them", s.action.Options, s.entity.Options)
	}
	if !slices.Contains(s.actors, "admin") {
		t.Errorf("who choices %v; want the demo's admin among them", s.actors)
	}
	if s.action.Options[0] != anyAction || s.entity.Options[0] != anyEntity {
		t.Errorf("first choices %q, %q; want %q, %q", s.action.Options[0], s.entity.Options[0], anyAction, anyEntity)
	}
	s.action.SetSelected("demo")
	waitFor(t, q, "the demo's entry", func() bool { return len(s.rows) == 1 && s.rows[0].Action == "demo" })

	// Choosing who narrows at once; a half-typed name waits for Enter.
	s.action.SetSelectedIndex(0)
	waitFor(t, q, "the whole log", func() bool { return len(s.rows) > 1 })
	s.actor.SetText("adm")
	q.drain()
	if len(s.rows) <= 1 {
		t.Errorf("a half-typed name narrowed the log to %d entries", len(s.rows))
	}
	s.actor.SetText("admin")
	waitFor(t, q, "admin's entries", func() bool {
		for _, r := range s.rows {
			if r.Actor != "admin" {
				return false
			}
		}
		return len(s.rows) > 0
	})
}

// TestAuditShowsErasedDetails: an organiser's entries read in full on the
// audit screen while they are here, and "(erased)" once their details are
// erased, while the erasure itself stays readable.
func TestAuditShowsErasedDetails(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	admin, err := st.SignIn(ctx, "admin", "pw-for-tests")
	if err != nil {
		t.Fatal(err)
	}
	var oid int64
	if err := st.DB().QueryRow(`SELECT id FROM organisers WHERE status = 'withdrawn' ORDER BY id LIMIT 1`).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	o, err := st.Organiser(ctx, oid)
	if err != nil {
		t.Fatal(err)
	}
	o.GivenName = "Wilhelmina"
	if err := st.UpdateOrganiser(ctx, admin, o); err != nil {
		t.Fatal(err)
	}
	s, _, _ := openAudit(t, st)
	if rowOf(s.rows, `"GivenName":"Wilhelmina"`) != 0 {
		t.Fatalf("the newest entry does not read the organiser's new name: %+v", s.rows[0])
	}
	if _, err := st.ErasePerson(ctx, admin, o.Email, "asked in writing"); err != nil {
		t.Fatal(err)
	}
	s, _, _ = openAudit(t, st)
	if rowOf(s.rows, "Wilhelmina") >= 0 {
		t.Error("the audit screen still shows the erased name")
	}
	if s.rows[0].Action != "erase" || !strings.Contains(s.rows[0].After, "asked in writing") {
		t.Errorf("newest entry %+v; want the erasure with its reason", s.rows[0])
	}
	s.table.Select(widget.TableCellID{Row: 1, Col: 0})
	if !strings.Contains(s.detail.Text, "After: (erased)") {
		t.Errorf("details of the rename after erasure read %q; want After: (erased)", s.detail.Text)
	}
}
