package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlstore"
)

// TestOrganiserSavedOverANewerChangeSaysWhoAndReloads: two desks (two
// windows, each on its own handle of one programme file) open one
// organiser; lead2 saves a new email, then lead1's save of a new family
// name is refused naming lead2 and the time, writing nothing. Keep my edits
// leaves lead1's typing; Reload, once confirmed, shows lead2's email and
// drops it, and the change made again then saves, keeping both.
func TestOrganiserSavedOverANewerChangeSaysWhoAndReloads(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	v := supportedVolunteer(t, st, func(r model.OrganiserRow) bool { return r.Status == model.StatusActive })
	lead1, lead2 := uiUser(t, st, "lead1", model.RoleLead), uiUser(t, st, "lead2", model.RoleLead)
	other, err := sqlstore.Open(ctx, st.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })

	eA, wA, q := testEnv(t, st)
	eA.user = lead1
	wB := test.NewTempWindow(t, nil)
	eB := &env{ctx: ctx, app: eA.app, win: wB, store: other, post: q.post, user: lead2, src: eA.src}
	pA := newOrganiserPage(eA, st, v.ID, func() {}, func(int64) {}, func(int64) {})
	wA.SetContent(pA.content())
	pB := newOrganiserPage(eB, other, v.ID, func() {}, func(int64) {}, func(int64) {})
	wB.SetContent(pB.content())
	settle(t, eA, q)
	settle(t, eB, q)

	pB.email.SetText("moved.on@example.org")
	test.Tap(pB.save)
	settle(t, eB, q)
	if !strings.Contains(pB.formErr.Text, "Saved.") {
		t.Fatalf("desk B says %q; want Saved.", pB.formErr.Text)
	}

	before := dbRows(t, st.Path())
	pA.family.SetText("Changed-By-Lead1")
	test.Tap(pA.save)
	settle(t, eA, q)
	said := regexp.MustCompile(`^Not saved: changed by lead2 at \d\d:\d\d — reload\.$`)
	if !said.MatchString(pA.formErr.Text) {
		t.Fatalf("desk A says %q; want it to name lead2 and the time", pA.formErr.Text)
	}
	if !pA.reload.Visible() {
		t.Fatal("no Reload button offered beside the refusal")
	}
	unchanged(t, "a save over lead2's change", before, st.Path())

	// Keep my edits: the typing stays.
	test.Tap(pA.reload)
	tapIn(t, topDialog(t, wA, "the reload question"), "Keep my edits")
	settle(t, eA, q)
	if pA.family.Text != "Changed-By-Lead1" || pA.email.Text == "moved.on@example.org" {
		t.Fatalf("after Keep my edits the form shows %q <%s>; want lead1's typing kept", pA.family.Text, pA.email.Text)
	}
	// Reload: lead2's change shows, lead1's typing is gone.
	test.Tap(pA.reload)
	over := topDialog(t, wA, "the reload question")
	if !strings.Contains(shownText(over), "changed by lead2") || !strings.Contains(shownText(over), "will be lost") {
		t.Errorf("the reload question says %q; want who changed it and that the edits will be lost", shownText(over))
	}
	tapIn(t, over, "Reload")
	settle(t, eA, q)
	if pA.email.Text != "moved.on@example.org" || pA.family.Text != v.FamilyName || pA.reload.Visible() {
		t.Fatalf("after Reload the form shows %s <%s> (Reload shown: %v); want lead2's email and the stored family name",
			pA.family.Text, pA.email.Text, pA.reload.Visible())
	}
	pA.family.SetText("Changed-By-Lead1")
	test.Tap(pA.save)
	settle(t, eA, q)
	if !strings.Contains(pA.formErr.Text, "Saved.") {
		t.Fatalf("save after reload says %q", pA.formErr.Text)
	}
	got, err := st.Organiser(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.FamilyName != "Changed-By-Lead1" || got.Email != "moved.on@example.org" {
		t.Fatalf("stored %s <%s>; want both desks' changes", got.Name(), got.Email)
	}
}
