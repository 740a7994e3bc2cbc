package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	_ "modernc.org/sqlite"

	"cascade/model"
	"cascade/model/sqlstore"
)

// These tests hold the rule "a save changes only what the user changed": each
// form, opened on the demo programme and saved unchanged, leaves every row of
// the database file as it was, the audit log included; changed in one field,
// it writes that field alone.

// settle runs posted UI work until no load is on its way: the screen then
// shows what a person would see before they act.
func settle(t *testing.T, e *env, q uiQueue) {
	t.Helper()
	waitFor(t, q, "the screen to settle", func() bool { return e.pending.Load() == 0 && len(q) == 0 })
}

// dbRows reads every row of every table of the database file through a
// connection of its own, keyed "table/rowid", each a column-to-value map.
func dbRows(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]map[string]string{}
	for _, tb := range tables {
		rows, err := db.Query(fmt.Sprintf(`SELECT rowid AS rowid_, * FROM %q`, tb))
		withRowID := err == nil
		if !withRowID { // a WITHOUT ROWID table: rows are known by their content
			if rows, err = db.Query(fmt.Sprintf(`SELECT * FROM %q`, tb)); err != nil {
				t.Fatalf("read %s: %v", tb, err)
			}
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("read %s: %v", tb, err)
			}
			row := map[string]string{}
			for i, c := range cols {
				if v := vals[i]; v == nil {
					row[c] = "NULL"
				} else if b, ok := v.([]byte); ok {
					row[c] = fmt.Sprintf("%x", b)
				} else {
					row[c] = fmt.Sprint(v)
				}
			}
			key := row["rowid_"]
			if !withRowID {
				key = fmt.Sprint(vals)
			}
			delete(row, "rowid_")
			out[tb+"/"+key] = row
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("read %s: %v", tb, err)
		}
		rows.Close()
	}
	return out
}

// dbDiff lists what changed between two dbRows: "table/rowid column: old → new",
// "table/rowid added" or "table/rowid removed", sorted.
func dbDiff(before, after map[string]map[string]string) []string {
	var out []string
	for k, a := range after {
		b, ok := before[k]
		if !ok {
			out = append(out, k+" added")
			continue
		}
		for c, v := range a {
			if b[c] != v {
				out = append(out, fmt.Sprintf("%s %s: %q → %q", k, c, b[c], v))
			}
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k+" removed")
		}
	}
	sort.Strings(out)
	return out
}

// onlyChanged checks that the changes are exactly the wanted ones: each
// "table/rowid column" changed, plus any updated_at beside them, plus one new
// audit row (and the person's audit key, when it is their first) whose before
// and after name only the fields in auditKeys.
func onlyChanged(t *testing.T, st *sqlstore.Store, diff []string, want []string, auditKeys ...string) {
	t.Helper()
	var got []string
	audits := 0
	for _, d := range diff {
		switch {
		case strings.HasPrefix(d, "audit_log/") && strings.HasSuffix(d, " added"):
			audits++
		case strings.HasPrefix(d, "person_keys/") && strings.HasSuffix(d, " added"):
			// The key that seals a person's audit entries is made with their first one.
		case strings.Contains(d, " updated_at: "):
		default:
			if i := strings.Index(d, ": "); i >= 0 {
				d = d[:i]
			}
			got = append(got, d)
		}
	}
	if !slices.Equal(got, want) || audits != 1 {
		t.Errorf("a save of one field changed:\n%s\nwant only %v and one audit row", strings.Join(diff, "\n"), want)
	}
	if len(auditKeys) == 0 {
		return
	}
	log, err := st.AuditLog(context.Background(), model.AuditFilter{Limit: 1})
	if err != nil || len(log) != 1 {
		t.Fatalf("newest audit entry: %v, %v", log, err)
	}
	for _, side := range []string{log[0].Before, log[0].After} {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(side), &m); err != nil {
			t.Fatalf("audit %q: %v", side, err)
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, auditKeys) {
			t.Errorf("audit entry before %s after %s; want only %v", log[0].Before, log[0].After, auditKeys)
			return
		}
	}
}

// unchanged fails when the database differs from before.
func unchanged(t *testing.T, what string, before map[string]map[string]string, path string) {
	t.Helper()
	if d := dbDiff(before, dbRows(t, path)); len(d) > 0 {
		t.Errorf("%s saved unchanged changed the database:\n%s", what, strings.Join(d, "\n"))
	}
}

// supportedVolunteer finds a volunteer the list shows as supported by a senior.
func supportedVolunteer(t *testing.T, st *sqlstore.Store, ok func(model.OrganiserRow) bool) model.OrganiserRow {
	t.Helper()
	rows, err := st.OrganiserRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Role == model.RoleVolunteer && r.SupportedByID != 0 && r.SupportedByName != "" && ok(r) {
			return r
		}
	}
	t.Fatal("the demo has no such supported volunteer")
	return model.OrganiserRow{}
}

// openOrganiserPage opens one organiser's page as the lead and lets it settle.
func openOrganiserPage(t *testing.T, st *sqlstore.Store, id int64) (*organiserPage, *env, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = model.User{ID: 2, Username: "lead", Role: model.RoleLead}
	var p *organiserPage
	p = newOrganiserPage(e, st, id, func() {}, func(int64) {}, func(n int64) {
		p = newOrganiserPage(e, st, n, func() {}, func(int64) {}, func(int64) {})
		w.SetContent(p.content())
	})
	w.SetContent(p.content())
	settle(t, e, q)
	return p, e, q
}

// TestOrganiserSavedUnchangedKeepsSupporter: the form shows the senior the list
// shows, and Save with nothing changed writes nothing (it used to write
// SupportedByID → 0); changing the family name writes that alone.
func TestOrganiserSavedUnchangedKeepsSupporter(t *testing.T) {
	st := peopleDemoCopy(t)
	v := supportedVolunteer(t, st, func(model.OrganiserRow) bool { return true })
	p, e, q := openOrganiserPage(t, st, v.ID)
	if p.support.Selected != v.SupportedByName {
		t.Errorf("Supported by shows %q; the list shows %q", p.support.Selected, v.SupportedByName)
	}
	before := dbRows(t, st.Path())
	test.Tap(p.save)
	settle(t, e, q)
	unchanged(t, "an organiser", before, st.Path())
	if p.formErr.Text != "Saved." {
		t.Errorf("after Save the form says %q; want Saved.", p.formErr.Text)
	}

	p.family.SetText("Ó Súilleabháin")
	test.Tap(p.save)
	settle(t, e, q)
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())),
		[]string{fmt.Sprintf("people/%d family_name", v.PersonID)}, "FamilyName")
	back, err := st.Organiser(context.Background(), v.ID)
	if err != nil || back.SupportedByID != v.SupportedByID {
		t.Errorf("after editing the name, supported by %d (%v); want %d", back.SupportedByID, err, v.SupportedByID)
	}
}

// TestOrganiserSavedStraightAfterAdding: a volunteer added with a supporter
// opens on their full page showing that supporter; saving it unchanged
// writes nothing.
func TestOrganiserSavedStraightAfterAdding(t *testing.T) {
	st := peopleDemoCopy(t)
	v := supportedVolunteer(t, st, func(r model.OrganiserRow) bool { return r.HostID != 0 })
	e, w, q := testEnv(t, st)
	e.user = model.User{ID: 2, Username: "lead", Role: model.RoleLead}
	var page *organiserPage
	var open func(int64)
	open = func(id int64) {
		page = newOrganiserPage(e, st, id, func() {}, func(int64) {}, open)
		w.SetContent(page.content())
	}
	open(0)
	settle(t, e, q)
	page.given.SetText("Nia")
	page.family.SetText("Adeyemi")
	page.email.SetText("nia.adeyemi@example.org")
	page.host.SetSelected(v.HostName)
	settle(t, e, q)
	page.support.SetSelected(v.SupportedByName)
	adding := page
	test.Tap(page.save)
	settle(t, e, q)
	if page == adding || page.id == 0 {
		t.Fatalf("the new organiser's page did not open: %q", page.formErr.Text)
	}
	added, err := st.Organiser(context.Background(), page.id)
	if err != nil || added.SupportedByID != v.SupportedByID || added.HostID != v.HostID {
		t.Fatalf("added %+v (%v); want supported by %d at host %d", added, err, v.SupportedByID, v.HostID)
	}
	if page.support.Selected != v.SupportedByName {
		t.Errorf("the new organiser's page shows Supported by %q; want %q", page.support.Selected, v.SupportedByName)
	}
	before := dbRows(t, st.Path())
	test.Tap(page.save)
	settle(t, e, q)
	unchanged(t, "a just-added organiser", before, st.Path())
}

// TestOrganiserSupporterSharingANameIsKept: when two seniors at the host share
// the supporter's name, the form shows the supporter (not the first of that
// name), Save unchanged writes nothing, and choosing the other writes them.
func TestOrganiserSupporterSharingANameIsKept(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	v := supportedVolunteer(t, st, func(r model.OrganiserRow) bool { return r.HostID != 0 })
	sup, err := st.Organiser(ctx, v.SupportedByID)
	if err != nil {
		t.Fatal(err)
	}
	twin, err := st.CreateOrganiser(ctx, model.LocalUser(), model.Organiser{GivenName: sup.GivenName, FamilyName: sup.FamilyName,
		Email: "twin." + sup.Email, Role: model.RoleSenior, HostID: v.HostID, CohortID: v.CohortID,
		Status: model.StatusActive, StartsOn: "2001-01-01"}) // sorts before the supporter
	if err != nil {
		t.Fatal(err)
	}
	p, e, q := openOrganiserPage(t, st, v.ID)
	if got := chosen(p.support, p.seniors).ID; got != v.SupportedByID {
		t.Errorf("Supported by shows %q (organiser %d); want organiser %d", p.support.Selected, got, v.SupportedByID)
	}
	before := dbRows(t, st.Path())
	test.Tap(p.save)
	settle(t, e, q)
	unchanged(t, "an organiser whose supporter shares a name", before, st.Path())

	p.support.SetSelectedIndex(indexOf(p.seniors, twin))
	test.Tap(p.save)
	settle(t, e, q)
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())),
		[]string{fmt.Sprintf("organisers/%d supported_by_id", v.ID)}, "SupportedByID")
}

// TestOrganiserBlankOrSpacesIsTheSame: typing spaces into an empty optional
// field (End date) and saving changes nothing.
func TestOrganiserBlankOrSpacesIsTheSame(t *testing.T) {
	st := peopleDemoCopy(t)
	rows, err := st.OrganiserRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, r := range rows {
		if o, err := st.Organiser(context.Background(), r.ID); err == nil && o.EndsOn == "" && o.Status == model.StatusActive {
			id = r.ID
			break
		}
	}
	if id == 0 {
		t.Fatal("no active organiser without an end date in the demo")
	}
	p, e, q := openOrganiserPage(t, st, id)
	before := dbRows(t, st.Path())
	p.ends.SetText("   ")
	test.Tap(p.save)
	settle(t, e, q)
	unchanged(t, "an organiser with spaces in an empty End date", before, st.Path())
	if p.formErr.Text != "Saved." {
		t.Errorf("spaces in End date: the form says %q; want Saved.", p.formErr.Text)
	}
}
