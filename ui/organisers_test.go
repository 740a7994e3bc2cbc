package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// peopleDemoCopy opens a private copy of the shared demo for a test that
// changes it. The demo generator closed the file, so it holds everything.
func peopleDemoCopy(t *testing.T) *sqlstore.Store {
	t.Helper()
	src := demoDB(t)
	dst := filepath.Join(t.TempDir(), "demo.db")
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
	s, err := sqlstore.Open(context.Background(), dst)
	if err != nil {
		t.Fatalf("open demo copy: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openOrganisers shows the organisers screen on a store and waits for its rows.
func openOrganisers(t *testing.T, st *sqlstore.Store) (*organisersScreen, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "lead")
	s := newOrganisersScreen(e).(*organisersScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the organisers", func() bool { return len(s.rows) > 0 })
	return s, w, q
}

func showing(n, total int) string { return fmt.Sprintf("Showing %s of %s", num(n), num(total)) }

func TestOrganiserSearchNarrowsTheList(t *testing.T) {
	st := openDemo(t)
	s, _, q := openOrganisers(t, st)
	d, err := st.Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := d.Seniors + d.Volunteers + d.Withdrawn
	if s.count.Text != showing(total, total) {
		t.Fatalf("before searching the count reads %q; want %q", s.count.Text, showing(total, total))
	}
	family := s.rows[len(s.rows)/3].FamilyName
	test.Type(s.search, strings.ToLower(family))
	waitFor(t, q, "the search to narrow the list", func() bool { return len(s.rows) < total })
	if len(s.rows) == 0 {
		t.Fatalf("search %q found nobody", family)
	}
	for _, r := range s.rows {
		if !strings.Contains(strings.ToLower(r.Name()+r.Email+r.HostName), strings.ToLower(family)) {
			t.Errorf("search %q shows %s <%s> at %s", family, r.Name(), r.Email, r.HostName)
		}
	}
	if want := showing(len(s.rows), total); s.count.Text != want {
		t.Errorf("count reads %q; want %q", s.count.Text, want)
	}
	// What the table shows is the narrowed list.
	cell := widget.NewLabel("")
	s.updateCell(widget.TableCellID{Row: 0, Col: 0}, cell)
	if !strings.Contains(cell.Text, family) {
		t.Errorf("first row shows %q; want someone called %s", cell.Text, family)
	}
}

func TestOrganiserFilterCombination(t *testing.T) {
	st := openDemo(t)
	s, _, q := openOrganisers(t, st)
	cohorts, err := st.Cohorts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := cohorts[1]
	s.cohortSel.SetSelected(fmt.Sprintf("Cohort %d", c.Number))
	s.roleSel.SetSelected("Volunteer")
	counted := 0
	// The cohort's volunteers not withdrawn, counted by SQL, are its active plus completed ones.
	for _, status := range []string{"Active", "Completed"} {
		s.statusSel.SetSelected(status)
		want := strings.ToLower(status)
		waitFor(t, q, status+" volunteers of cohort", func() bool {
			return len(s.rows) > 0 && s.rows[0].Status == want && s.rows[len(s.rows)-1].Status == want
		})
		for _, r := range s.rows {
			if r.CohortNumber != c.Number || r.Role != model.RoleVolunteer || r.Status != want {
				t.Fatalf("filter shows %s: cohort %d, %s, %s", r.Name(), r.CohortNumber, r.Role, r.Status)
			}
		}
		counted += len(s.rows)
	}
	if counted != c.Volunteers {
		t.Errorf("cohort %d: %d active and completed volunteers shown; the cohort counts %d", c.Number, counted, c.Volunteers)
	}
	// Sorting by a header keeps the filter and orders the rows.
	s.onSortTapped(model.SortStarts)
	waitFor(t, q, "sorted rows", func() bool {
		for i := 1; i < len(s.rows); i++ {
			if s.rows[i].StartsOn < s.rows[i-1].StartsOn {
				return false
			}
		}
		return true
	})
}

func TestEditOrganiserAndReadBack(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openOrganisers(t, st)
	target, other := *s.rows[10], *s.rows[20]
	s.table.Select(widget.TableCellID{Row: 10, Col: 0})
	waitFor(t, q, "the organiser's page", func() bool { return s.page != nil && s.page.given.Text == target.GivenName })
	p := s.page
	if !strings.Contains(shownText(w.Content()), target.Name()) {
		t.Errorf("the page does not show %s", target.Name())
	}
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}

	// A malformed email is refused at the field, and nothing is saved.
	p.email.SetText("not-an-address")
	p.email.TypedKey(enter)
	if !strings.Contains(p.formErr.Text, "correct the fields") {
		t.Errorf("bad email: form says %q", p.formErr.Text)
	}
	// Someone else's email, in other case, is refused by the store beside the field.
	p.email.SetText(strings.ToUpper(other.Email))
	p.email.TypedKey(enter)
	waitFor(t, q, "the duplicate email refusal", func() bool { return strings.Contains(p.formErr.Text, "already used") })

	p.email.SetText("renamed." + target.Email)
	p.family.SetText("Ó Súilleabháin")
	p.starts.SetText("2011-02-01")
	p.family.TypedKey(enter)
	waitFor(t, q, "the save", func() bool { return p.formErr.Text == "Saved." })
	back, err := st.Organiser(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.FamilyName != "Ó Súilleabháin" || back.Email != "renamed."+target.Email || back.StartsOn != "2011-02-01" {
		t.Errorf("read back %+v", back)
	}
	if back.GivenName != target.GivenName || back.HostID != target.HostID || back.Role != target.Role {
		t.Errorf("fields not edited changed: %+v; was %+v", back, target)
	}
	log, err := st.AuditLog(context.Background(), model.AuditFilter{Entity: "organiser", Actor: "lead"})
	if err != nil || len(log) != 1 || log[0].Action != "update" {
		t.Errorf("audit entries for the edit: %v, %v; want one update", log, err)
	}

	// Escape drops unsaved edits.
	p.given.SetText("Someone else")
	p.given.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if p.given.Text != target.GivenName {
		t.Errorf("after Escape the given name reads %q; want %q", p.given.Text, target.GivenName)
	}

	// Back on the list the edited organiser is still selected, with the new name.
	test.Tap(findButton(w.Content(), "Organisers"))
	waitFor(t, q, "the list with the edit", func() bool {
		for _, r := range s.rows {
			if r.ID == target.ID {
				return r.FamilyName == "Ó Súilleabháin"
			}
		}
		return false
	})
	if s.page != nil || s.selectedID != target.ID {
		t.Errorf("after going back: page open %v, selected %d; want list with %d selected", s.page != nil, s.selectedID, target.ID)
	}
}

func TestWithdrawAsksThenUndoes(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openOrganisers(t, st)
	s.statusSel.SetSelected("Active")
	waitFor(t, q, "active organisers", func() bool { return len(s.rows) > 0 && s.rows[0].Status == model.StatusActive })
	target := *s.rows[0]
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	waitFor(t, q, "the organiser's page", func() bool { return s.page != nil && s.page.given.Text == target.GivenName })
	test.Tap(s.page.withdraw)
	over := w.Canvas().Overlays().Top()
	if over == nil || !strings.Contains(shownText(over), "Withdraw "+target.Name()+"?") {
		t.Fatalf("no confirmation naming %s before withdrawing", target.Name())
	}
	var entries []*escEntry
	walk(over, func(o fyne.CanvasObject) {
		if e, ok := o.(*escEntry); ok {
			entries = append(entries, e)
		}
	})
	if len(entries) != 2 {
		t.Fatalf("the confirmation has %d entries; want date and reason", len(entries))
	}
	entries[1].SetText("moved away")
	test.Tap(findButton(over, "Withdraw"))
	waitFor(t, q, "the undo button", func() bool { return s.page.undoBtn.Visible() })
	if o, _ := st.Organiser(context.Background(), target.ID); o.Status != model.StatusWithdrawn || o.WithdrawnReason != "moved away" {
		t.Fatalf("after confirming: %+v; want withdrawn, moved away", o)
	}
	test.Tap(s.page.undoBtn)
	waitFor(t, q, "the undo", func() bool { return !s.page.undoBtn.Visible() })
	if o, _ := st.Organiser(context.Background(), target.ID); o.Status != model.StatusActive || o.WithdrawnOn != "" {
		t.Errorf("after undo: %+v; want active again", o)
	}
}
