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

// dialogEntries are the entries of type T on the dialog shown on top of w.
func dialogEntries[T fyne.CanvasObject](t *testing.T, w fyne.Window, what string) (fyne.CanvasObject, []T) {
	t.Helper()
	over := topDialog(t, w, what)
	return over, findAll[T](over)
}

// TestTrainerSavedUnchangedChangesNothing: a trainer whose own trainer has
// retired, edited and saved unchanged, keeps that trainer and writes nothing;
// a new phone number writes the phone alone.
func TestTrainerSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	list, err := st.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tr model.Trainer
	for _, x := range list.Trainers {
		if x.TrainedByID != 0 && x.RetiredOn == "" {
			tr = x
			break
		}
	}
	if tr.ID == 0 {
		t.Fatal("the demo has no trainer with a trainer")
	}
	if err := st.RetireTrainer(ctx, model.LocalUser(), tr.TrainedByID, "2014-01-31"); err != nil {
		t.Fatal(err)
	}
	e, w, q := testEnv(t, st)
	s := newTrainersScreen(e).(*trainersScreen)
	w.SetContent(s.content())
	settle(t, e, q)
	for row, i := range s.shown {
		if s.list.Trainers[i].ID == tr.ID {
			s.table.Select(widget.TableCellID{Row: row})
		}
	}
	settle(t, e, q)
	if s.detail.ID != tr.ID {
		t.Fatalf("the page shows trainer %d; want %d", s.detail.ID, tr.ID)
	}
	before := dbRows(t, st.Path())
	test.Tap(s.edit)
	over, _ := dialogEntries[*trainerEntry](t, w, "the trainer form")
	tapIn(t, over, "Save")
	settle(t, e, q)
	unchanged(t, "a trainer whose trainer retired", before, st.Path())

	test.Tap(s.edit)
	over, entries := dialogEntries[*trainerEntry](t, w, "the trainer form")
	entries[3].SetText("0161 496 0000") // phone
	tapIn(t, over, "Save")
	settle(t, e, q)
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())), []string{fmt.Sprintf("people/%d phone", tr.PersonID)}, "Phone")
}

// openCohorts shows the cohorts screen with cohort row 1 and its first host chosen.
func openCohorts(t *testing.T, st *sqlstore.Store) (*cohortsScreen, *env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, st)
	s := newCohortsScreen(e).(*cohortsScreen)
	w.SetContent(s.content())
	settle(t, e, q)
	s.cohortTable.Select(widget.TableCellID{Row: 1})
	settle(t, e, q)
	s.hostTable.Select(widget.TableCellID{Row: 0})
	settle(t, e, q)
	return s, e, w, q
}

// TestCohortSavedUnchangedChangesNothing: the cohort form saved as it opened
// writes nothing; a new end date writes that date alone.
func TestCohortSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	s, e, w, q := openCohorts(t, st)
	before := dbRows(t, st.Path())
	test.Tap(findButton(w.Content(), "Edit cohort"))
	over, _ := dialogEntries[*escEntry](t, w, "the cohort form")
	tapIn(t, over, "Save")
	settle(t, e, q)
	unchanged(t, "a cohort", before, st.Path())

	test.Tap(findButton(w.Content(), "Edit cohort"))
	over, entries := dialogEntries[*escEntry](t, w, "the cohort form")
	entries[3].SetText("2030-12-31")
	tapIn(t, over, "Save")
	settle(t, e, q)
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())), []string{fmt.Sprintf("cohorts/%d training_ends_on", s.cohortID)}, "TrainingEndsOn")
}

// TestHostSavedUnchangedChangesNothing: a host chosen under its cohort, edited
// and saved unchanged, keeps its cohort and writes nothing; a new region
// writes the region alone and the host is still shown under its cohort.
func TestHostSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	s, e, w, q := openCohorts(t, st)
	hostID, cohortID := s.hostID, s.cohortID
	before := dbRows(t, st.Path())
	test.Tap(findButton(w.Content(), "Edit host"))
	over, _ := dialogEntries[*escEntry](t, w, "the host form")
	tapIn(t, over, "Save")
	settle(t, e, q)
	unchanged(t, "a host", before, st.Path())

	test.Tap(findButton(w.Content(), "Edit host"))
	over, entries := dialogEntries[*escEntry](t, w, "the host form")
	entries[1].SetText("North West  ") // region, with the spaces a paste brings
	tapIn(t, over, "Save")
	settle(t, e, q)
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())), []string{fmt.Sprintf("hosts/%d region", hostID)}, "Region")
	h, err := st.Host(context.Background(), hostID)
	if err != nil || h.Region != "North West" || h.CohortID != cohortID {
		t.Errorf("host read back %+v, %v; want region North West in cohort %d", h, err, cohortID)
	}
	shown := false
	for _, x := range s.hosts {
		shown = shown || x.ID == hostID
	}
	if !shown || s.cohortID != cohortID {
		t.Errorf("after the save the host is shown %v under cohort %d; want under %d", shown, s.cohortID, cohortID)
	}
}

// TestSettingsSavedUnchangedChangesNothing: Save settings with nothing changed
// writes nothing, even for a value stored with trailing spaces and a setting
// never made; changing one writes that one alone, trimmed.
func TestSettingsSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	ctx := context.Background()
	if err := st.SaveSettings(ctx, model.LocalUser(), map[string]string{"signatory2.title": "Director  "}); err != nil {
		t.Fatal(err)
	}
	e, w, q := testEnv(t, st)
	e.user = model.User{ID: 1, Username: "admin", Role: model.RoleAdmin}
	s := newSettingsScreen(e)
	w.SetContent(s.content())
	settle(t, e, q)
	before := dbRows(t, st.Path())
	test.Tap(findButton(w.Content(), "Save settings"))
	settle(t, e, q)
	unchanged(t, "the settings", before, st.Path())

	s.entries["ocn.region"].SetText(" OCN North West Region ")
	test.Tap(findButton(w.Content(), "Save settings"))
	settle(t, e, q)
	var key string
	for k, row := range before {
		if strings.HasPrefix(k, "settings/") && row["key"] == "ocn.region" {
			key = k
		}
	}
	onlyChanged(t, st, dbDiff(before, dbRows(t, st.Path())), []string{key + " value"}, "value")
	if got := settingValue(t, st, "ocn.region"); got != "OCN North West Region" {
		t.Errorf("ocn.region = %q; want it trimmed", got)
	}
	if got := settingValue(t, st, "signatory2.title"); got != "Director  " {
		t.Errorf("signatory2.title, not touched, = %q; want it as stored", got)
	}
}

// TestUserRoleSavedUnchangedChangesNothing: the model refuses nothing and
// records nothing when a role is set to what it is, or an enabled user enabled.
func TestUserRoleSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	s, w, q := openUsers(t, st)
	before := dbRows(t, st.Path())
	over, role := openRoleDialog(t, s, w, "assessor2")
	role.SetSelected("assessor")
	tapIn(t, over, "Change")
	q.drain()
	if o := w.Canvas().Overlays().Top(); o != nil {
		t.Errorf("choosing the same role asked %q", shownText(o))
	}
	admin, u := demoUser(t, st, "admin"), demoUser(t, st, "assessor2")
	if err := st.SetUserRole(context.Background(), admin, u.ID, u.Role); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserActive(context.Background(), admin, u.ID, true); err != nil {
		t.Fatal(err)
	}
	unchanged(t, "a user's role", before, st.Path())
}

// TestEqualitySavedUnchangedChangesNothing: the answers saved as they opened,
// recorded or never given, write nothing.
func TestEqualitySavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	v := supportedVolunteer(t, st, func(model.OrganiserRow) bool { return true })
	e, w, q := testEnv(t, st)
	e.user = model.User{ID: 1, Username: "admin", Role: model.RoleAdmin}
	p := newOrganiserPage(e, st, v.ID, func() {}, func(int64) {}, func(int64) {})
	w.SetContent(p.content())
	settle(t, e, q)
	if p.equality == nil {
		t.Fatal("no equality form for an administrator")
	}
	settle(t, e, q)
	before := dbRows(t, st.Path())
	test.Tap(p.equality.save)
	settle(t, e, q)
	unchanged(t, "the equality answers", before, st.Path())
}

// TestPlanSavedUnchangedChangesNothing: the sampling plan saved with its own
// rates makes no new plan and no audit entry.
func TestPlanSavedUnchangedChangesNothing(t *testing.T) {
	s := verificationDemo(t)
	sc, e, w, q := openVerification(t, s, "verifier")
	settle(t, e, q)
	before := dbRows(t, s.Path())
	test.Tap(sc.planBtn)
	tapIn(t, topDialog(t, w, "the plan form"), "Save plan")
	settle(t, e, q)
	unchanged(t, "the sampling plan", before, s.Path())
}

// TestRegisterSavedUnchangedChangesNothing: a register already taken, saved
// again as shown, keeps who recorded each mark and when; one mark changed
// writes that mark alone.
func TestRegisterSavedUnchangedChangesNothing(t *testing.T) {
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	settle(t, e, q)
	s.courseTable.Select(widget.TableCellID{Row: 0})
	settle(t, e, q)
	session := -1
	for i, x := range s.sessions {
		if x.Recorded() {
			session = i
			break
		}
	}
	if session < 0 {
		t.Fatal("the first course has no register taken")
	}
	s.sessionTable.Select(widget.TableCellID{Row: session})
	settle(t, e, q)
	before := dbRows(t, st.Path())
	test.Tap(s.saveReg)
	settle(t, e, q)
	unchanged(t, "a register", before, st.Path())

	s.marks[0] = !s.marks[0]
	test.Tap(s.saveReg)
	settle(t, e, q)
	var changed []string
	for _, d := range dbDiff(before, dbRows(t, st.Path())) {
		if !strings.HasPrefix(d, "audit_log/") {
			changed = append(changed, d[:strings.Index(d, " ")])
		}
	}
	if len(changed) == 0 || slices.ContainsFunc(changed, func(c string) bool { return c != changed[0] }) {
		t.Errorf("one mark changed wrote rows %v; want one attendance row", changed)
	}
}
