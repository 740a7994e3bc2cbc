package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// openShell shows the whole window, sidebar and all, on st for a lead.
func openShell(t *testing.T, st *sqlstore.Store) (*shell, *env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "lead")
	sh := buildShell(e)
	w.SetContent(sh.root)
	return sh, e, w, q
}

// screenNamed is the open section's screen, failing unless it is titled title.
func (sh *shell) screenNamed(t *testing.T, title string) screen {
	t.Helper()
	if sh.current < 0 || sh.sections[sh.current].title != title {
		open := "none"
		if sh.current >= 0 {
			open = sh.sections[sh.current].title
		}
		t.Fatalf("open section is %s; want %s", open, title)
	}
	return sh.built[sh.current]
}

// tapLink taps a link over its text: a link ignores taps beside its words.
func tapLink(l *widget.Hyperlink) {
	m := l.MinSize()
	test.TapAt(l, fyne.NewPos(m.Width/2, m.Height/2))
}

// tapSidebar taps a section's entry in the sidebar, as a person does.
func tapSidebar(t *testing.T, sh *shell, title string) {
	t.Helper()
	for _, r := range findAll[*navRow](sh.root) {
		if r.label.Text == title {
			test.Tap(r)
			return
		}
	}
	t.Fatalf("no %q in the sidebar", title)
}

// waitForOrganiserPage waits until the Organisers section shows organiser id's page.
func waitForOrganiserPage(t *testing.T, sh *shell, q uiQueue, id int64) *organisersScreen {
	t.Helper()
	var s *organisersScreen
	waitFor(t, q, "the organiser's page", func() bool {
		s, _ = sh.built[sh.current].(*organisersScreen)
		return s != nil && s.page != nil && s.page.id == id && s.page.page.Organiser.ID == id
	})
	if s.body.Objects[0] != s.page.content() {
		t.Fatal("the organiser's page is open but not shown")
	}
	return s
}

// dashboardFlag waits for the dashboard's flags and returns the first of whose.
func dashboardFlag(t *testing.T, sh *shell, q uiQueue, of string) (model.Flag, *widget.Hyperlink) {
	t.Helper()
	d := sh.screenNamed(t, "Dashboard").(*dashboardScreen)
	waitFor(t, q, "the dashboard", func() bool { return len(d.data.Flags) > 0 && len(d.flags.Objects) > 0 })
	for _, f := range d.data.Flags {
		if f.Of == of {
			for _, l := range findAll[*widget.Hyperlink](d.flags) {
				if l.Text == num(f.Count)+" "+f.Noun() {
					return f, l
				}
			}
			t.Fatalf("flag %q is not a link; the card shows %q", f.Name, shownText(d.flags))
		}
	}
	t.Fatalf("the demo flags no %s: %+v", of, d.data.Flags)
	return model.Flag{}, nil
}

// A flagged line on the dashboard opens the organisers it counts; one of
// them opens their page; the sidebar's Organisers goes back to the list.
func TestDashboardFlagOpensTheFlaggedOrganisers(t *testing.T) {
	st := openDemo(t)
	sh, _, _, q := openShell(t, st)
	f, b := dashboardFlag(t, sh, q, model.FlagOfOrganisers)
	tapLink(b)
	s := sh.screenNamed(t, sectionOrganisers).(*organisersScreen)
	waitFor(t, q, "the flagged organisers", func() bool { return len(s.all) > 0 && s.count.Text == showing(f.Count, len(s.all)) })
	if s.flagSel.Selected != capitalise(f.Organiser) {
		t.Errorf("flag picker shows %q; want %q", s.flagSel.Selected, capitalise(f.Organiser))
	}
	for _, r := range s.rows {
		if !r.Flagged(f.Organiser) {
			t.Fatalf("%s is listed under %q without that flag", r.Name(), f.Name)
		}
	}
	first := s.rows[0].ID
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	waitForOrganiserPage(t, sh, q, first)

	tapSidebar(t, sh, sectionOrganisers)
	if s.page != nil || s.body.Objects[0] != s.list {
		t.Fatal("tapping Organisers in the sidebar on an organiser's page left the page open")
	}
}

// The trainers and hosts flags open the very trainers and hosts counted.
func TestDashboardFlagsOpenTrainersAndHosts(t *testing.T) {
	st := openDemo(t)
	sh, _, _, q := openShell(t, st)
	f, b := dashboardFlag(t, sh, q, model.FlagOfTrainers)
	tapLink(b)
	tr := sh.screenNamed(t, sectionTrainers).(*trainersScreen)
	waitFor(t, q, "the trainers", func() bool { return len(tr.list.Trainers) > 0 })
	if tr.filter.Selected != trainerFilterNoTrainer || len(tr.shown) != f.Count {
		t.Errorf("trainers flag %q (%d) shows filter %q with %d trainers", f.Name, f.Count, tr.filter.Selected, len(tr.shown))
	}

	tapSidebar(t, sh, "Dashboard")
	f, b = dashboardFlag(t, sh, q, model.FlagOfHosts)
	tapLink(b)
	c := sh.screenNamed(t, sectionCohorts).(*cohortsScreen)
	waitFor(t, q, "the hosts", func() bool { return len(c.allHosts) > 0 })
	if len(c.hosts) != f.Count || !strings.HasPrefix(c.hostsLabel.Text, num(f.Count)+" hosts with a team outside") {
		t.Errorf("hosts flag %q (%d) lists %d hosts under %q", f.Name, f.Count, len(c.hosts), c.hostsLabel.Text)
	}
	for _, h := range c.hosts {
		if !h.TeamFlagged() {
			t.Errorf("%s listed as flagged with a team of %d", h.Name, h.Team)
		}
	}
	// The sidebar's Cohorts & hosts lists every host again.
	tapSidebar(t, sh, sectionCohorts)
	if len(c.hosts) != len(c.allHosts) {
		t.Errorf("after the sidebar: %d of %d hosts listed", len(c.hosts), len(c.allHosts))
	}
}

// The cascade tree's people open their pages: a trainer their trainer page,
// an organiser their organiser page.
func TestCascadeTreeOpensPeoplesPages(t *testing.T) {
	st := openDemo(t)
	sh, _, _, q := openShell(t, st)
	tapSidebar(t, sh, "Cascade")
	cs := sh.screenNamed(t, "Cascade").(*cascadeScreen)
	waitFor(t, q, "the cascade", func() bool { return len(cs.view.children[""]) > 0 })
	var trainerNode, seniorNode widget.TreeNodeID
	for id, n := range cs.view.nodes {
		switch {
		case n.Kind == model.NodeTrainer && trainerNode == "":
			trainerNode = id
		case n.Kind == model.NodeSenior && seniorNode == "":
			seniorNode = id
		}
	}
	if trainerNode == "" || seniorNode == "" {
		t.Fatal("the demo cascade has no trainer or no senior organiser")
	}
	trainer, senior := cs.view.nodes[trainerNode], cs.view.nodes[seniorNode]

	cs.tree.Select(trainerNode)
	tr := sh.screenNamed(t, sectionTrainers).(*trainersScreen)
	waitFor(t, q, "the trainer's page", func() bool { return tr.page.Visible() && tr.detail.ID == trainer.ID })
	if tr.name.Text != tr.detail.Name() {
		t.Errorf("trainer page titled %q; want %q", tr.name.Text, tr.detail.Name())
	}

	tapSidebar(t, sh, "Cascade")
	cs.tree.Select(seniorNode)
	waitForOrganiserPage(t, sh, q, senior.ID)
	// The same node again, after coming back, opens the page again.
	tapSidebar(t, sh, "Cascade")
	cs.tree.Select(seniorNode)
	waitForOrganiserPage(t, sh, q, senior.ID)
}

// The host panel's organisers and a trainer's "Organisers reached" open
// the organiser's page.
func TestHostPanelAndTrainerListsOpenOrganisers(t *testing.T) {
	st := openDemo(t)
	sh, _, _, q := openShell(t, st)
	tapSidebar(t, sh, sectionCohorts)
	c := sh.screenNamed(t, sectionCohorts).(*cohortsScreen)
	waitFor(t, q, "the hosts", func() bool { return len(c.hosts) > 0 })
	c.hostTable.Select(widget.TableCellID{Row: 0, Col: 0})
	waitFor(t, q, "the host's organisers", func() bool { return len(c.organisers) > 0 })
	want := c.organisers[len(c.organisers)-1].ID
	c.orgList.Select(len(c.organisers) - 1)
	waitForOrganiserPage(t, sh, q, want)

	tapSidebar(t, sh, sectionTrainers)
	tr := sh.screenNamed(t, sectionTrainers).(*trainersScreen)
	waitFor(t, q, "the trainers", func() bool { return len(tr.shown) > 0 })
	// A trainer whose courses reached an organiser.
	ctx := context.Background()
	var reached model.ReachedPerson
	for _, i := range tr.shown {
		d, err := st.TrainerDetail(ctx, tr.list.Trainers[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range d.Reached {
			if r.Role == model.RoleSenior || r.Role == model.RoleVolunteer {
				reached = r
				tr.selectTrainer(d.ID)
				waitFor(t, q, "the trainer's page", func() bool { return tr.detail.ID == d.ID })
				break
			}
		}
		if reached.PersonID != 0 {
			break
		}
	}
	if reached.PersonID == 0 {
		t.Fatal("no trainer in the demo reached an organiser")
	}
	card, err := st.PersonCard(ctx, reached.PersonID)
	if err != nil || card.Organiser == nil {
		t.Fatalf("PersonCard(%d) = %+v, %v", reached.PersonID, card, err)
	}
	for i, r := range tr.detail.Reached {
		if r.PersonID == reached.PersonID {
			tr.reached.Select(i)
			break
		}
	}
	waitForOrganiserPage(t, sh, q, card.Organiser.ID)
}

// The sidebar returns to a section's list however the page was reached:
// from another section, or by tapping the open section again.
func TestSidebarReturnsToTheList(t *testing.T) {
	st := openDemo(t)
	sh, e, _, q := openShell(t, st)
	rows, err := st.OrganiserRows(context.Background())
	if err != nil || len(rows) == 0 {
		t.Fatalf("OrganiserRows: %v", err)
	}
	e.openOrganiser(rows[0].ID)
	s := waitForOrganiserPage(t, sh, q, rows[0].ID)
	tapSidebar(t, sh, "Dashboard")
	tapSidebar(t, sh, sectionOrganisers)
	if s.page != nil || s.body.Objects[0] != s.list {
		t.Fatal("coming back to Organisers through the sidebar showed the old page, not the list")
	}
	// Tapping the open section with its list showing keeps the list.
	tapSidebar(t, sh, sectionOrganisers)
	if s.page != nil || sh.screenNamed(t, sectionOrganisers) != s {
		t.Fatal("tapping the open Organisers again changed the screen")
	}
	// A second page, then the sidebar again.
	e.openOrganiser(rows[1].ID)
	waitForOrganiserPage(t, sh, q, rows[1].ID)
	tapSidebar(t, sh, sectionOrganisers)
	if s.page != nil {
		t.Fatal("the sidebar left the second page open")
	}
}
