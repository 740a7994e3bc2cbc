package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlstore"
)

// equalityPage opens an organiser's page as role and waits until it loads.
func equalityPage(t *testing.T, st *sqlstore.Store, role string, id int64) (*organiserPage, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, role+"-in-test", role)
	p := newOrganiserPage(e, st, id, func() {}, func(int64) {}, func(int64) {})
	w.SetContent(p.content())
	waitFor(t, q, "the organiser's page", func() bool { return p.page.Organiser.ID == id })
	return p, q
}

// TestEqualityTabIsForAdministrators: an administrator records a person's
// answers on the organiser page; a training lead has no such tab.
func TestEqualityTabIsForAdministrators(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	rows, err := st.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	target := rows[7]

	lead, _ := equalityPage(t, st, model.RoleLead, target.ID)
	for _, it := range lead.tabs.Items {
		if it.Text == "Equality monitoring" {
			t.Fatal("a training lead sees the equality monitoring tab")
		}
	}
	if lead.equality != nil {
		t.Fatal("a training lead's page loaded the equality answers")
	}

	p, q := equalityPage(t, st, model.RoleAdmin, target.ID)
	if last := p.tabs.Items[len(p.tabs.Items)-1]; last.Text != "Equality monitoring" {
		t.Fatalf("an administrator's last tab is %q; want Equality monitoring", last.Text)
	}
	f := p.equality
	waitFor(t, q, "the answers", func() bool { return f != nil && !f.save.Disabled() })
	// The form shows what is held (the demo answered for most people).
	held, err := st.Equality(ctx, model.LocalUser(), target.PersonID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		t.Fatal(err)
	}
	if want := orAnswer(held.Gender); f.selects[0].Selected != want {
		t.Errorf("gender shows %q; the database holds %q", f.selects[0].Selected, want)
	}

	f.selects[0].SetSelected("Non-binary")
	f.selects[1].SetSelected("35–44")
	f.selects[2].SetSelected(notAnswered)
	f.selects[3].SetSelected(model.PreferNotToSay)
	test.Tap(f.save)
	waitFor(t, q, "the save", func() bool { return f.status.Text == "Saved." })
	got, err := st.Equality(ctx, model.LocalUser(), target.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Gender != "Non-binary" || got.AgeBand != "35–44" || got.Ethnicity != "" || got.Disability != model.PreferNotToSay {
		t.Errorf("saved %+v; want Non-binary, 35–44, not answered, prefer not to say", got)
	}
	log, err := st.AuditLog(ctx, model.AuditFilter{Entity: "equality_monitoring"})
	if err != nil || len(log) != 1 || strings.Contains(log[0].After, "Non-binary") {
		t.Errorf("audit for the save = %+v, %v; want one entry without the answers", log, err)
	}
}

func orAnswer(a string) string {
	if a == "" {
		return notAnswered
	}
	return a
}
