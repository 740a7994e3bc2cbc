package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlite"
)

func settingValue(t *testing.T, s *sqlite.Store, key string) string {
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
	var reopened *sqlite.Store
	e.src = sqlite.FileSource{Path: s.Path(), Opened: func(st *sqlite.Store) { reopened = st }}
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
	waitFor(t, q, "the reopened programme", func() bool { return reopened != nil })
	t.Cleanup(func() { reopened.Close() })
	if got := settingValue(t, reopened, "centre.name"); got != "Trafford Hall, Chester" {
		t.Errorf("after restore centre.name = %q; want the backed-up value", got)
	}
	kept, _ := sqlite.AutoBackups(sqlite.AutoBackupDir(s.Path()))
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

func TestSettingsPersonalDataIsForAdministrators(t *testing.T) {
	s := newEmptyStore(t)
	for _, c := range []struct {
		user  model.User
		admin bool
	}{
		{model.User{ID: 1, Username: "admin", Role: model.RoleAdmin}, true},
		{model.User{ID: 2, Username: "lead", Role: model.RoleLead}, false},
		{model.User{ID: 3, Username: "assessor", Role: model.RoleAssessor}, false},
		{model.User{ID: 4, Username: "old", Role: model.RoleAdmin, DisabledAt: "2015-01-01"}, false},
	} {
		e, w, _ := testEnv(t, s)
		e.user = c.user
		w.SetContent(newSettingsScreen(e).content())
		shown := shownText(w.Content())
		hasErase := findButton(w.Content(), "Erase their personal details…") != nil
		restore := findButton(w.Content(), "Restore from a backup…")
		if hasErase != c.admin || restore.Disabled() == c.admin || strings.Contains(shown, "Administrators only") == c.admin {
			t.Errorf("%s (%s): erase shown %v, restore enabled %v; want both %v", c.user.Username, c.user.Role, hasErase, !restore.Disabled(), c.admin)
		}
		if findButton(w.Content(), "Back up now…") == nil {
			t.Errorf("%s cannot back up", c.user.Username)
		}
	}
}
