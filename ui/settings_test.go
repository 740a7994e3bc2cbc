package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlstore"
)

func settingValue(t *testing.T, s *sqlstore.Store, key string) string {
	t.Helper()
	all, err := s.AllSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range all {
		if st.Key == key {
			return st.Value
		}
	}
	return ""
}

func TestSettingsSaveBackupAndRestore(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	e.user = uiUser(t, s, "admin", model.RoleAdmin)
	// The restore reopens the file on a worker goroutine, so the new store
	// crosses back to the test through an atomic.
	var reopenedAt atomic.Pointer[sqlstore.Store]
	e.src = sqlstore.FileSource{Path: s.Path(), Opened: func(st *sqlstore.Store) { reopenedAt.Store(st) }}
	scr := newSettingsScreen(e)
	w.SetContent(scr.content())
	name := scr.entries["centre.name"]
	waitFor(t, q, "the settings", func() bool { return name.Text == "Trafford Hall" })

	// A bad value is refused beside the field and nothing is saved.
	scr.entries["backup.keep"].SetText("lots")
	test.Tap(findButton(w.Content(), "Save settings"))
	q.drain()
	if got := settingValue(t, s, "backup.keep"); got != "10" {
		t.Errorf("backup.keep saved as %q despite the mistake", got)
	}
	scr.entries["backup.keep"].SetText("5")
	name.SetText("Trafford Hall, Chester")
	test.Tap(findButton(w.Content(), "Save settings"))
	waitFor(t, q, "the save", func() bool { return scr.status.Text == "Settings saved." })
	if got := settingValue(t, s, "centre.name"); got != "Trafford Hall, Chester" {
		t.Fatalf("centre.name = %q after saving", got)
	}

	archive := filepath.Join(t.TempDir(), "b.zip")
	scr.backupTo(archive)
	waitFor(t, q, "the backup", func() bool { return strings.HasPrefix(scr.status.Text, "Backed up") })
	if _, err := os.Stat(archive); err != nil {
		t.Fatal(err)
	}

	// Change the centre's name again, then restore the backup over it.
	if err := s.SaveSettings(context.Background(), model.LocalUser(), map[string]string{"centre.name": "Somewhere else"}); err != nil {
		t.Fatal(err)
	}
	scr.restoreFrom(archive)
	waitFor(t, q, "the reopened programme", func() bool { return reopenedAt.Load() != nil })
	reopened := reopenedAt.Load()
	t.Cleanup(func() { reopened.Close() })
	if got := settingValue(t, reopened, "centre.name"); got != "Trafford Hall, Chester" {
		t.Errorf("after restore centre.name = %q; want the backed-up value", got)
	}
	kept, _ := sqlstore.AutoBackups(sqlstore.AutoBackupDir(s.Path()))
	if len(kept) != 1 {
		t.Errorf("the programme was not backed up before the restore: %v", kept)
	}
}

func TestSettingsRefusesADamagedBackup(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	e.user = uiUser(t, s, "admin", model.RoleAdmin)
	scr := newSettingsScreen(e)
	w.SetContent(scr.content())
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("PK not really a zip"), 0o600)
	scr.restoreFrom(bad)
	waitFor(t, q, "the refusal", func() bool { return strings.Contains(scr.status.Text, "Nothing was restored") })
	if _, err := s.Summary(context.Background()); err != nil {
		t.Errorf("the open programme was closed by a refused restore: %v", err)
	}
}

// Each settings button is offered exactly to the roles the model's table
// lets take its action, and the settings form is editable only by them.
func TestSettingsOffersWhatTheRoleTableAllows(t *testing.T) {
	s := newEmptyStore(t)
	buttons := map[string]string{
		"Back up now…":                  model.ActBackup,
		"Restore from a backup…":        model.ActRestore,
		"Export their data…":            model.ActExportPerson,
		"Erase their personal details…": model.ActErase,
	}
	for _, u := range []model.User{
		{ID: 1, Username: "admin", Role: model.RoleAdmin},
		{ID: 2, Username: "lead", Role: model.RoleLead},
		{ID: 3, Username: "assessor", Role: model.RoleAssessor},
		{ID: 4, Username: "verifier", Role: model.RoleVerifier},
		{ID: 5, Username: "moderator", Role: model.RoleModerator},
		{ID: 6, Username: "old", Role: model.RoleAdmin, DisabledAt: "2015-01-01"},
	} {
		e, w, _ := testEnv(t, s)
		e.user = u
		scr := newSettingsScreen(e)
		w.SetContent(scr.content())
		offered := map[string]bool{}
		for _, c := range shownControls(w.Content(), "Settings") {
			if c.kind == "button" && c.enabled {
				offered[c.label] = true
			}
		}
		for label, action := range buttons {
			if offered[label] != u.Can(action) {
				t.Errorf("%s (%s): %q offered %v; the role table says %v", u.Username, u.Role, label, offered[label], u.Can(action))
			}
		}
		if editable := !scr.entries["centre.name"].Disabled(); editable != u.Can(model.ActSettings) {
			t.Errorf("%s (%s): settings editable %v; want %v", u.Username, u.Role, editable, u.Can(model.ActSettings))
		}
		if offered["Save settings"] != u.Can(model.ActSettings) {
			t.Errorf("%s (%s): Save settings offered %v", u.Username, u.Role, offered["Save settings"])
		}
	}
}
