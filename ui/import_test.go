package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/model/sqlstore"
)

func newEmptyStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Create(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportScreenListsEveryProblemThenImports(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	scr := newImporter(e)
	w.SetContent(scr.content())

	scr.kindSelect.SetSelected(model.KindCohorts)
	scr.choosePath("../model/sqlstore/testdata/import/cohorts_bad.csv")
	waitFor(t, q, "the problems", func() bool { return strings.Contains(scr.status.Text, "5 rows read; 5 problems") })
	if !scr.importBtn.Disabled() {
		t.Error("Import is enabled for a file with problems")
	}
	if n := scr.problems.Length(); n != 5 {
		t.Errorf("problem list shows %d lines; want 5", n)
	}
	if rows, cols := scr.tableSize(); rows != 5 || cols != 5 {
		t.Errorf("preview is %d×%d; want 5 rows of row number and 4 columns", rows, cols)
	}

	scr.choosePath("../model/sqlstore/testdata/import/cohorts_good.csv")
	waitFor(t, q, "a clean preview", func() bool { return strings.Contains(scr.status.Text, "Import adds 3 cohorts") })
	if scr.importBtn.Disabled() {
		t.Fatal("Import is disabled for a good file")
	}
	test.Tap(scr.importBtn)
	waitFor(t, q, "the import", func() bool { return strings.Contains(scr.status.Text, "Added 3 cohorts") })
	sum, _ := s.Summary(context.Background())
	if sum.Cohorts != 3 {
		t.Errorf("after Import the database has %d cohorts; want 3", sum.Cohorts)
	}
	// Importing the same file again is refused, with the reason per row.
	scr.choosePath("../model/sqlstore/testdata/import/cohorts_good.csv")
	waitFor(t, q, "the duplicates", func() bool { return strings.Contains(scr.status.Text, "3 problems") })
}

func TestImportScreenExplainsAnUnreadableFile(t *testing.T) {
	s := newEmptyStore(t)
	e, w, q := testEnv(t, s)
	scr := newImporter(e)
	w.SetContent(scr.content())
	scr.choosePath("../model/sqlstore/testdata/import/binary.csv")
	waitFor(t, q, "the explanation", func() bool {
		return strings.Contains(scr.status.Text, "cannot be imported: this is a binary file")
	})
}

func TestImportScreenIsForAdministratorsAndLeads(t *testing.T) {
	s := newEmptyStore(t)
	for _, c := range []struct {
		role string
		may  bool
	}{{model.RoleAdmin, true}, {model.RoleLead, true}, {model.RoleAssessor, false}, {model.RoleVerifier, false}, {model.RoleModerator, false}} {
		e, _, _ := testEnv(t, s)
		e.user = model.User{ID: 1, Username: c.role, Role: c.role}
		_, isImporter := newImportScreen(e).(*importScreen)
		if isImporter != c.may {
			t.Errorf("%s sees the importer: %v; want %v", c.role, isImporter, c.may)
		}
	}
}
