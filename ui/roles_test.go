package ui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

// control is one thing on screen a person could use.
type control struct {
	where   string // screen and state, e.g. "Organisers › page tab Details"
	kind    string // button, or the input's type
	label   string // the button's text; an input's form label, placeholder or choices
	enabled bool
}

func (c control) String() string {
	return fmt.Sprintf("%s: %s %q", c.where, c.kind, c.label)
}

// shownControls lists every button and input a person can see under o:
// hidden objects and all beneath them are skipped, and an input is one
// control (its own insides, such as a select entry's drop-down, are not).
func shownControls(o fyne.CanvasObject, where string) []control {
	var out []control
	formLabel := map[fyne.CanvasObject]string{}
	var visit func(o fyne.CanvasObject, label string)
	visit = func(o fyne.CanvasObject, label string) {
		if o == nil || !o.Visible() {
			return
		}
		if l, ok := formLabel[o]; ok && l != "" {
			label = l
		}
		switch v := o.(type) {
		case *widget.Form:
			for _, it := range v.Items {
				formLabel[it.Widget] = it.Text
			}
		case *widget.Button:
			text := v.Text
			if text == "" && v.Icon != nil {
				text = "icon " + v.Icon.Name()
			}
			out = append(out, control{where, "button", text, !v.Disabled()})
			return
		case *container.AppTabs:
			// Tabs are navigation: only the open tab's content is on screen.
			if it := v.Selected(); it != nil {
				visit(it.Content, label)
			}
			return
		}
		if _, isForm := o.(*widget.Form); !isForm {
			if d, ok := o.(fyne.Disableable); ok {
				out = append(out, control{where, fmt.Sprintf("%T", o), inputLabel(o, label), !d.Disabled()})
				return
			}
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				visit(c, label)
			}
		case fyne.Widget:
			for _, c := range cacheRenderer(v).Objects() {
				visit(c, label)
			}
		}
	}
	visit(o, "")
	return out
}

// inputLabel names an input as a person would: by its form label, else its
// placeholder, else its text or choices.
func inputLabel(o fyne.CanvasObject, formLabel string) string {
	if formLabel != "" {
		return formLabel
	}
	v := reflect.ValueOf(o)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	for _, field := range []string{"PlaceHolder", "Text"} {
		if f := v.FieldByName(field); f.IsValid() && f.Kind() == reflect.String && f.String() != "" && f.String() != "(Select one)" {
			return f.String()
		}
	}
	if f := v.FieldByName("Options"); f.IsValid() && f.Kind() == reflect.Slice && f.Len() > 0 {
		return "choices from " + f.Index(0).String()
	}
	return ""
}

// readOnlyButtons are the buttons that change nothing in the programme:
// navigation, and writing a report or picture to a file of the user's own.
// A button not named here is taken to change data, so a new write button
// must be hidden or disabled for a reader or this test fails.
var readOnlyButtons = map[string]bool{
	"Sign out":         true,
	"Organisers":       true, // back from an organiser's page to the list
	"Export PNG…":      true, // the cascade diagram
	"Export PDF page…": true,
	"Preview numbers":  true, // reports
	"Write file":       true,
	"Browse…":          true, // chooses where a report is written
	"Open":             true,
	"Export CSV…":      true, // a claim, as read
	"Export PDF…":      true,
}

// readOnlyButton also allows opening an evidence file to view it, and the
// organisers table's headers, which sort.
func readOnlyButton(text string) bool {
	if readOnlyButtons[text] || strings.HasPrefix(text, "Open ") {
		return true
	}
	title := strings.TrimSpace(strings.TrimRight(text, "▲▼ "))
	for _, c := range organiserColumns {
		if c.title == title {
			return true
		}
	}
	return false
}

// readOnlyInputs are the inputs that only choose what is shown: searches,
// filters and where a report is written, each named by its screen and its
// form label, placeholder or first choice. Any other enabled input is taken
// to be part of an edit form.
var readOnlyInputs = map[string]bool{
	"Trainers: Search name, email, organisation or trainer (Ctrl+F)": true,
	"Trainers: choices from " + trainerFilterAll:                     true,
	"Organisers: Search name, email or host (Ctrl+F)":                true,
	"Organisers: " + anyCohort:                                       true,
	"Organisers: " + anyHost:                                         true,
	"Organisers: choices from " + anyRole:                            true,
	"Organisers: choices from " + anyStatus:                          true,
	"Organisers: choices from " + noFlag:                             true,
	"Evidence: choices from All cohorts":                             true,
	"Evidence: choices from All units":                               true,
	"Evidence: host (part of its name)":                              true,
	"Evidence: Find a learner by name, email or host (Ctrl+F)":       true,
	"Verification: choices from Cohort 1":                            true,
	"Verification: Pending only":                                     true,
	// Certificates: who is eligible, and the issued list.
	"Certificates: Kind": true, "Certificates: Cohort": true, "Certificates: Host": true, "Certificates: Person": true,
	"Certificates: Search number, name or email": true,
	"Reports: Report": true, "Reports: Cohort": true, "Reports: Format": true, "Reports: Write to": true,
	"Audit log: text in the change (Ctrl+F)":  true,
	"Audit log: who (e.g. assessor, os:root)": true,
	"Audit log: choices from " + anyAction:    true,
	"Audit log: choices from " + anyEntity:    true,
}

// writeControls are the enabled controls under o that may change data.
func writeControls(o fyne.CanvasObject, where string) []control {
	var out []control
	for _, c := range shownControls(o, where) {
		if !c.enabled {
			continue
		}
		screen := strings.SplitN(where, " ›", 2)[0]
		if c.kind == "button" && readOnlyButton(c.label) || c.kind != "button" && readOnlyInputs[screen+": "+c.label] {
			continue
		}
		out = append(out, c)
	}
	return out
}

// signedIn signs a demo user in through the sign-in form, as a person does,
// and returns the window's environment with them signed in.
func signedIn(t *testing.T, st *sqlstore.Store, username string) (*env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	e.user = model.User{}
	showSignIn(e, "")
	signInAs(t, w, q, username, "pw-for-tests")
	if e.user.Username != username {
		t.Fatalf("signed in as %+v; want %s", e.user, username)
	}
	return e, w, q
}

// tour opens every section as e's user, and in each the pages a reader
// opens from it, calling look at each state with what is on screen.
func tour(t *testing.T, e *env, w fyne.Window, q uiQueue, look func(where string, o fyne.CanvasObject)) {
	t.Helper()
	sh := buildShell(e)
	w.SetContent(sh.root)
	lookAt := func(where string) { q.drain(); look(where, w.Content()) }
	wait := func(what string, cond func() bool) { waitFor(t, q, what, cond) }
	tabsIn := func(o fyne.CanvasObject) *container.AppTabs {
		for _, tb := range findAll[*container.AppTabs](o) {
			return tb
		}
		t.Fatal("no tabs found")
		return nil
	}
	eachTab := func(where string, tabs *container.AppTabs) {
		for i, it := range tabs.Items {
			tabs.SelectIndex(i)
			lookAt(where + " › tab " + it.Text)
		}
		tabs.SelectIndex(0)
	}
	for i, sec := range sh.sections {
		sh.show(i)
		where := sec.title
		switch s := sh.built[i].(type) {
		case *dashboardScreen:
			wait("the dashboard", func() bool { return strings.Contains(s.seniorsTxt.Text, "of") })
			lookAt(where)
		case *trainersScreen:
			wait("the trainers", func() bool { return len(s.shown) > 0 })
			lookAt(where)
			s.table.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("a trainer's page", func() bool { return s.page.Visible() && s.detail.ID != 0 })
			eachTab(where+" › a trainer's page", tabsIn(s.page))
		case *cascadeScreen:
			wait("the cascade", func() bool { return len(s.view.children[""]) > 0 })
			eachTab(where, tabsIn(s.root))
		case *cohortsScreen:
			wait("the cohorts", func() bool { return len(s.cohorts) > 0 })
			lookAt(where)
			s.cohortTable.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the cohort's hosts", func() bool { return s.cohortID != 0 && len(s.hosts) > 0 })
			s.hostTable.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the host's organisers", func() bool { return len(s.organisers) > 0 })
			lookAt(where + " › a cohort and host")
		case *organisersScreen:
			wait("the organisers", func() bool { return len(s.rows) > 0 })
			lookAt(where)
			// A senior who supports volunteers has every tab filled.
			id := s.rows[0].ID
			for _, r := range s.rows {
				if r.Role == model.RoleSenior && r.Supporting > 0 {
					id = r.ID
					break
				}
			}
			s.openPage(id)
			p := s.page
			wait("the organiser's page", func() bool { return p.page.Organiser.ID == id && p.given.Text != "" })
			eachTab(where+" › an organiser's page", p.tabs)
			s.closePage()
		case *trainingScreen:
			wait("the courses", func() bool { return len(s.overview.Courses) > 0 })
			s.courseTable.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the sessions", func() bool { return len(s.sessions) > 0 })
			s.sessionTable.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the register", func() bool { return len(s.marks) > 0 })
			eachTab(where+" › a session's register", tabsIn(s.root))
		case *evidenceScreen:
			wait("the queue", func() bool { return len(s.queue) > 0 })
			s.queueTable.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the decision form", func() bool { return findButton(s.decision, recordLabel) != nil })
			lookAt(where + " › evidence in the queue")
			s.root.SelectIndex(1)
			s.search.SetText(s.queue[0].Learner)
			wait("the learners", func() bool { return len(s.learners) > 0 })
			s.learnerLst.Select(0)
			wait("the portfolio", func() bool { return len(s.items) > 0 })
			s.itemTable.Select(widget.TableCellID{Row: 0, Col: 0})
			lookAt(where + " › a portfolio")
			s.root.SelectIndex(0)
		case *verificationScreen:
			wait("the samples", func() bool { return len(s.samples) > 0 })
			lookAt(where)
			pending := 0
			for r, x := range s.samples {
				if x.IVOutcome == model.SamplePending {
					pending = r
					break
				}
			}
			s.table.Select(widget.TableCellID{Row: pending, Col: 0})
			lookAt(where + " › a pending sample")
		case *claimsScreen:
			wait("the claims", func() bool { return len(s.claims) > 0 })
			s.table.Select(widget.TableCellID{Row: 0, Col: 0})
			wait("the claim's lines", func() bool { return len(s.lines) > 0 })
			lookAt(where + " › a claim")
		case *certificatesScreen:
			// Counting the whole programme is slow; one cohort is enough.
			s.kind.SetSelected(model.KindCompletion)
			s.cohort.SetText("2")
			wait("the certificates", func() bool {
				return len(s.issued) > 0 && strings.Contains(s.eligible.Text, "eligible in the selection")
			})
			lookAt(where)
			s.table.Select(widget.TableCellID{Row: 0, Col: 0})
			lookAt(where + " › an issued certificate")
		case *auditScreen:
			wait("the audit log", func() bool { return len(s.rows) > 0 })
			s.table.Select(widget.TableCellID{Row: 0, Col: 0})
			lookAt(where)
		case *settingsScreen:
			wait("the settings", func() bool { return s.entries["centre.name"].Text != "" })
			lookAt(where)
		default: // reports, import, users, and the placeholders of screens a role is not given
			lookAt(where)
		}
	}
}

// rolesDemo is a copy of the demo programme for one test: signing in is
// recorded, and a refused change must be seen to change nothing.
func rolesDemo(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), copyOfDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The demo issues no certificates; a few are issued so that there is
	// one to open, reprint or revoke.
	ctx := context.Background()
	cands, err := st.Candidates(ctx, model.CertSelection{Cohort: 2, Kind: model.KindCompletion})
	if err != nil {
		t.Fatal(err)
	}
	var some []model.Candidate
	for _, c := range cands {
		if c.Eligible && len(some) < 3 {
			some = append(some, c)
		}
	}
	if _, err := st.IssueCertificates(ctx, model.LocalUser(), some, model.IssueOptions{}); err != nil || len(some) == 0 {
		t.Fatalf("issue %d certificates: %v", len(some), err)
	}
	return st
}

// The external moderator reads everything, evidence included, and changes
// nothing: on every screen and the pages opened from them, no control that
// changes data is enabled.
func TestModeratorFindsNothingToChange(t *testing.T) {
	st := rolesDemo(t)
	e, w, q := signedIn(t, st, "moderator")
	if e.user.Role != model.RoleModerator {
		t.Fatalf("signed in as %+v; want the moderator", e.user)
	}
	var bad []string
	visited := map[string]bool{}
	tour(t, e, w, q, func(where string, o fyne.CanvasObject) {
		visited[strings.SplitN(where, " ›", 2)[0]] = true
		for _, c := range writeControls(o, where) {
			bad = append(bad, c.String())
		}
	})
	for _, s := range sections() {
		if !visited[s.title] {
			t.Errorf("the tour did not visit %s", s.title)
		}
	}
	if len(bad) > 0 {
		t.Errorf("the moderator can use %d controls that change data:\n%s", len(bad), strings.Join(bad, "\n"))
	}
	// Reading stays open to them: they see what the others see.
	if e.user.Can(model.ActDecide) || !strings.Contains(shownText(w.Content()), "Settings") {
		t.Error("the moderator's window is not the reader's window")
	}
}

// enabledButtons is every enabled button label seen on a tour as u, by screen.
func enabledButtons(t *testing.T, st *sqlstore.Store, username string) (map[string]bool, []string) {
	t.Helper()
	e, w, q := signedIn(t, st, username)
	seen := map[string]bool{}
	var inputs []string
	tour(t, e, w, q, func(where string, o fyne.CanvasObject) {
		for _, c := range writeControls(o, where) {
			if c.kind == "button" {
				seen[c.label] = true
			} else {
				inputs = append(inputs, c.String())
			}
		}
	})
	return seen, inputs
}

// The same tour as a training lead finds the lead's actions offered, and
// the assessor's decision form is not among them; as an assessor the
// decision form is offered and issuing or revoking certificates is not.
func TestEachRoleIsOfferedItsOwnActions(t *testing.T) {
	st := rolesDemo(t)
	lead, _ := enabledButtons(t, st, "lead")
	for _, want := range []string{"Issue certificates", "Add cohort", "Edit cohort", "Add host", "Edit host",
		"Add organiser", "Withdraw…", "Save", "Add trainer", "Edit", "Retire", "Add session…", "New course…", "Enrol…", "All present",
		"Save register", "Reprint…", "Revoke…", "New claim…", "Add evidence…", "Choose file…",
		"Back up now…", "Export their data…"} {
		if !lead[want] {
			t.Errorf("the training lead is not offered %q", want)
		}
	}
	for _, never := range []string{recordLabel, allAchievedLabel, "Agree", "Draw sample to plan", "Restore from a backup…",
		"Erase their personal details…", "Add user…"} {
		if lead[never] {
			t.Errorf("the training lead is offered %q", never)
		}
	}

	assessor, inputs := enabledButtons(t, st, "assessor")
	if !assessor[recordLabel] || !assessor[allAchievedLabel] || !assessor["Add evidence…"] {
		t.Errorf("the assessor is not offered the decision form and evidence: %v", keys(assessor))
	}
	radios := 0
	for _, in := range inputs {
		if strings.Contains(in, "RadioGroup") && strings.Contains(in, "Achieved") {
			radios++
		}
	}
	if radios == 0 {
		t.Errorf("the assessor cannot choose an outcome; inputs offered: %v", inputs)
	}
	for _, never := range []string{"Issue certificates", "Revoke…", "Reprint…", "Add cohort", "Add organiser",
		"Save register", "Back up now…", "Agree", "New claim…"} {
		if assessor[never] {
			t.Errorf("the assessor is offered %q", never)
		}
	}
}

// An administrator whose account has been disabled since signing in is
// offered nothing to change: the screens ask the same table, which
// refuses a disabled user whatever their role.
func TestDisabledAdministratorFindsNothingToChange(t *testing.T) {
	st := rolesDemo(t)
	e, w, q := testEnv(t, st)
	e.user = demoUser(t, st, "admin")
	e.user.DisabledAt = "2024-01-01T00:00:00Z"
	var bad []string
	tour(t, e, w, q, func(where string, o fyne.CanvasObject) {
		for _, c := range writeControls(o, where) {
			bad = append(bad, c.String())
		}
	})
	if len(bad) > 0 {
		t.Errorf("a disabled administrator can use:\n%s", strings.Join(bad, "\n"))
	}
}

// The walk itself finds a write button left enabled, and one hidden is not
// counted: the moderator test cannot pass by looking at nothing.
func TestWriteControlsSeesWhatIsOffered(t *testing.T) {
	test.NewTempApp(t)
	save := widget.NewButton("Save everything", nil)
	hidden := widget.NewButton("Delete everything", nil)
	hidden.Hide()
	gone := container.NewVBox(widget.NewButton("Revoke…", nil))
	gone.Hide()
	name := widget.NewEntry()
	form := widget.NewForm(widget.NewFormItem("Given name", name))
	search := &widget.Entry{PlaceHolder: "Search name, email or host (Ctrl+F)"}
	search.ExtendBaseWidget(search)
	o := container.NewVBox(save, hidden, gone, form, search, widget.NewButton("Sign out", nil))
	got := writeControls(o, "Organisers")
	var labels []string
	for _, c := range got {
		labels = append(labels, c.label)
	}
	sort.Strings(labels)
	if strings.Join(labels, ",") != "Given name,Save everything" {
		t.Errorf("writeControls = %v; want the save button and the name field", labels)
	}
	name.Disable()
	save.Disable()
	if got := writeControls(o, "Organisers"); len(got) != 0 {
		t.Errorf("disabled controls counted: %v", got)
	}
	// A filter allowed on one screen is an edit field on another.
	if got := writeControls(search, "Trainers"); len(got) != 1 {
		t.Errorf("the organisers' search box on the trainers screen = %v; want it counted", got)
	}
}

// A refused action reached through the screen's own code path — revoking a
// certificate as the moderator by calling the handler the hidden button
// would call — shows the model's refusal and changes nothing.
func TestRefusedRevokeShowsTheModelsRefusal(t *testing.T) {
	st := rolesDemo(t)
	e, w, q := signedIn(t, st, "moderator")
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the certificates", func() bool { return len(s.issued) > 0 })
	if s.revoke.Visible() && !s.revoke.Disabled() {
		t.Fatal("Revoke… is offered to the moderator")
	}
	row := -1
	for i, c := range s.issued {
		if !c.Revoked() {
			row = i
			break
		}
	}
	if row < 0 {
		t.Fatal("the demo has no valid certificate to try")
	}
	number := s.issued[row].Number
	s.selected = row
	s.onRevoke()
	form := topDialog(t, w, "the revoke reason")
	reasons := findAll[*escEntry](form)
	if len(reasons) == 0 {
		t.Fatalf("the revoke form has no reason: %q", shownText(form))
	}
	test.Type(reasons[0], "tried by a reader")
	tapIn(t, form, "Revoke")
	confirm := topDialog(t, w, "the confirmation")
	tapIn(t, confirm, "Yes")
	waitFor(t, q, "the refusal", func() bool {
		return strings.Contains(shownText(w.Canvas().Overlays().Top()), "may not")
	})
	shown := shownText(w.Canvas().Overlays().Top())
	want := model.Require(e.user, model.ActCertificates)
	if !errors.Is(want, model.ErrPermission) || !strings.Contains(strings.ToLower(shown), strings.ToLower(want.Error())) {
		t.Errorf("the dialog shows %q; want the model's %q", shown, want)
	}
	c, err := st.CertificateByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if c.Revoked() {
		t.Errorf("%s was revoked by the moderator: %+v", number, c)
	}
	log, err := st.AuditLog(context.Background(), model.AuditFilter{Actor: "moderator"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range log {
		if a.Entity == "certificate" {
			t.Errorf("the audit log records a certificate change by the moderator: %+v", a)
		}
	}
	if s.status.Text != "" && strings.HasPrefix(s.status.Text, "Revoked") {
		t.Errorf("the screen says %q", s.status.Text)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Other refused changes forced through their screens' handlers by the
// moderator: each shows the model's refusal where the screen shows its
// errors, and nothing is saved.
func TestRefusedChangesThroughOtherScreens(t *testing.T) {
	st := rolesDemo(t)
	ctx := context.Background()
	e, w, q := signedIn(t, st, "moderator")
	refusal := strings.ToLower(model.Require(e.user, model.ActCohorts).Error())

	t.Run("add cohort", func(t *testing.T) {
		s := newCohortsScreen(e).(*cohortsScreen)
		w.SetContent(s.content())
		waitFor(t, q, "the cohorts", func() bool { return len(s.cohorts) > 0 })
		before := len(s.cohorts)
		s.editCohort(model.Cohort{})
		entries := overlayEntries(w)
		if len(entries) == 0 {
			t.Fatal("no cohort form")
		}
		test.Type(entries[0], "99")
		tapIn(t, w.Canvas().Overlays().Top(), "Save")
		waitFor(t, q, "the refusal", func() bool {
			return strings.Contains(strings.ToLower(shownText(w.Canvas().Overlays().Top())), refusal)
		})
		cs, err := st.Cohorts(ctx)
		if err != nil || len(cs) != before {
			t.Errorf("cohorts after a refused add: %d, %v; want %d", len(cs), err, before)
		}
	})

	t.Run("save organiser", func(t *testing.T) {
		rows, err := st.OrganiserRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := rows[0].ID
		p := newOrganiserPage(e, e.store, id, func() {}, func(int64) {}, func(int64) {})
		w.SetContent(p.content())
		waitFor(t, q, "the page", func() bool { return p.page.Organiser.ID == id && p.given.Text != "" })
		was := p.page.Organiser.GivenName
		p.given.SetText("Renamed")
		p.onSave()
		want := strings.ToLower(model.Require(e.user, model.ActOrganisers).Error())
		waitFor(t, q, "the refusal", func() bool { return strings.Contains(strings.ToLower(p.formErr.Text), want) })
		o, err := st.Organiser(ctx, id)
		if err != nil || o.GivenName != was {
			t.Errorf("organiser after a refused save: %q, %v; want %q", o.GivenName, err, was)
		}
	})
}
