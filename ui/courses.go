package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// courseKinds are the kinds the course form offers, main course first.
var courseKinds = []string{model.CourseMain, model.CourseTTT, model.CourseInduction}

// courseForm is the "New course" dialog's fields, kept so tests can fill them.
type courseForm struct {
	d        *formDialog
	kind     *widget.Select
	module   *widget.Select
	title    *escEntry
	cohort   *widget.Select
	trainer  *widget.Select
	starts   *escEntry
	ends     *escEntry
	venue    *escEntry
	sessions *escEntry // session dates, one a line or separated by commas
}

// courseOptions are the choices the course form offers.
type courseOptions struct {
	model.SessionOptions
	cohorts []model.Choice
}

// onNewCourse loads the form's choices, then shows it.
func (s *trainingScreen) onNewCourse() {
	load(s.e, func(ctx context.Context) (courseOptions, error) {
		var o courseOptions
		var err error
		if o.SessionOptions, err = s.store.SessionOptions(ctx); err != nil {
			return o, err
		}
		o.cohorts, err = s.store.CohortChoices(ctx)
		return o, err
	}, s.showCourseForm, func(err error) { showError(err, s.e.win) })
}

func (s *trainingScreen) showCourseForm(o courseOptions) {
	f := &courseForm{
		kind:     widget.NewSelect(nil, nil),
		module:   widget.NewSelect(append([]string{noneShown}, labels(o.Modules)...), nil),
		title:    newEscEntry(nil, nil),
		cohort:   widget.NewSelect(append([]string{noneShown}, labels(o.cohorts)...), nil),
		trainer:  widget.NewSelect(append([]string{noneShown}, labels(o.Trainers)...), nil),
		starts:   newEscEntry(nil, nil),
		ends:     newEscEntry(nil, nil),
		venue:    newEscEntry(nil, nil),
		sessions: newEscEntry(nil, nil),
	}
	for _, k := range courseKinds {
		f.kind.Options = append(f.kind.Options, model.CourseKindName(k))
	}
	f.kind.SetSelectedIndex(0)
	f.module.SetSelectedIndex(0)
	f.cohort.SetSelectedIndex(0)
	f.trainer.SetSelectedIndex(0)
	f.title.SetPlaceHolder("the module's title when empty")
	f.starts.SetPlaceHolder(datePlaceHolder)
	f.starts.Validator = dateValidator(true)
	f.ends.SetPlaceHolder("the start date when empty")
	f.ends.Validator = dateValidator(false)
	f.venue.SetText("Trafford Hall")
	f.sessions.SetPlaceHolder("dates, e.g. 12/1/2016, 26 Jan 2016; each covers the module")
	f.sessions.Validator = func(v string) error { _, err := sessionDates(v); return err }
	items := []*widget.FormItem{
		widget.NewFormItem("Kind", f.kind), widget.NewFormItem("Module", f.module), widget.NewFormItem("Title", f.title),
		widget.NewFormItem("Cohort", f.cohort), widget.NewFormItem("Lead trainer", f.trainer),
		widget.NewFormItem("Starts", f.starts), widget.NewFormItem("Ends", f.ends), widget.NewFormItem("Venue", f.venue),
		widget.NewFormItem("Sessions", f.sessions),
	}
	f.d = newForm("New course", "Create", "Cancel", items, func(ok bool) {
		if ok {
			s.createCourse(f, o)
		}
	}, s.e.win)
	f.d.Resize(fyne.NewSize(600, 0))
	s.courseForm = f
	showForm(s.e.win, f.d, f.title, f.starts, f.ends, f.venue, f.sessions)
}

// sessionDates reads the session field: dates a person typed, separated by
// commas, semicolons or new lines, in any form a date field takes.
func sessionDates(text string) ([]string, error) {
	var out []string
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		d, err := model.ParseDate(fmt.Sprintf("session %d", i+1), p)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (s *trainingScreen) createCourse(f *courseForm, o courseOptions) {
	c := model.NewCourse{Kind: courseKinds[max(f.kind.SelectedIndex(), 0)], Title: f.title.Text, Venue: f.venue.Text}
	var err error
	if c.StartsOn, err = isoDate("starts", f.starts.Text, true); err == nil {
		if c.EndsOn, err = isoDate("ends", f.ends.Text, false); err == nil {
			c.SessionDates, err = sessionDates(f.sessions.Text)
		}
	}
	if err != nil {
		showError(plainError(err), s.e.win)
		return
	}
	if i := f.module.SelectedIndex(); i > 0 {
		c.ModuleID = o.Modules[i-1].ID
	}
	if i := f.cohort.SelectedIndex(); i > 0 {
		c.CohortID = o.cohorts[i-1].ID
	}
	if i := f.trainer.SelectedIndex(); i > 0 {
		c.TrainerID = o.Trainers[i-1].ID
	}
	load(s.e, func(ctx context.Context) (int64, error) { return s.store.CreateCourse(ctx, s.e.user, c) },
		func(id int64) {
			s.courseID, s.sessionID = id, 0 // refresh selects it and loads its sessions
			sayDone(s.status, "Course created: enrol its learners next.")
			s.refresh()
		},
		func(err error) { showError(plainError(err), s.e.win) })
}

// enrolForm is the "Enrol" dialog: filters that narrow a list of people as
// a lead types, ticks that survive narrowing, and a confirm that enrols
// everyone ticked at once.
type enrolForm struct {
	course   model.Course
	d        dialog.Dialog
	cohort   *widget.Select
	host     *widget.Select
	search   *escEntry
	list     *widget.List
	count    *widget.Label
	allShown *widget.Button
	clear    *widget.Button
	enrol    *widget.Button
	cohorts  []model.Choice
	hosts    []model.Choice

	mu       sync.Mutex // guards filter, seq and debounce: typing and loading race
	filter   model.EnrolFilter
	seq      int // the latest query; an older answer is dropped
	debounce *time.Timer

	shown    []model.EnrolChoice
	selected map[int64]bool
}

// enrolShownLimit bounds the list; a lead narrows further to see the rest.
const enrolShownLimit = 1000

// onEnrol opens the enrol dialog for the chosen course.
func (s *trainingScreen) onEnrol() {
	var course model.Course
	for _, c := range s.overview.Courses {
		if c.ID == s.courseID {
			course = c
		}
	}
	if course.ID == 0 {
		return
	}
	type choices struct{ cohorts, hosts []model.Choice }
	load(s.e, func(ctx context.Context) (choices, error) {
		var c choices
		var err error
		if c.cohorts, err = s.store.CohortChoices(ctx); err != nil {
			return c, err
		}
		c.hosts, err = s.store.HostChoices(ctx)
		return c, err
	}, func(c choices) { s.showEnrolForm(course, c.cohorts, c.hosts) }, func(err error) { showError(err, s.e.win) })
}

func (s *trainingScreen) showEnrolForm(course model.Course, cohorts, hosts []model.Choice) {
	f := &enrolForm{course: course, cohorts: cohorts, hosts: hosts, selected: map[int64]bool{},
		filter: model.EnrolFilter{CohortID: course.CohortID, Limit: enrolShownLimit}}
	f.cohort = widget.NewSelect(append([]string{anyCohort}, labels(cohorts)...), nil)
	f.host = widget.NewSelect(append([]string{anyHost}, labels(hosts)...), nil)
	// The search box has focus, so it is what hears Escape: it cancels.
	// Enter enrols nobody: an enrolment cannot be taken back in the app.
	f.search = newEscEntry(func() { f.d.Hide() }, nil)
	f.search.SetPlaceHolder("Search by name or email")
	f.count = widget.NewLabel("Loading…")
	f.list = &widget.List{
		Length:     func() int { return len(f.shown) },
		CreateItem: func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*widget.Check)
			x := f.shown[i]
			c.OnChanged = nil // setting the state must not count as a tick
			c.SetText(enrolLine(x))
			c.SetChecked(x.Enrolled || f.selected[x.PersonID])
			if x.Enrolled {
				c.Disable()
			} else {
				c.Enable()
			}
			c.OnChanged = func(v bool) { f.selected[x.PersonID] = v; s.showEnrolCount(f) }
		},
	}
	f.list.ExtendBaseWidget(f.list)
	f.allShown = widget.NewButtonWithIcon("Select all shown", theme.CheckButtonCheckedIcon(), func() {
		for _, x := range f.shown {
			if !x.Enrolled {
				f.selected[x.PersonID] = true
			}
		}
		f.list.Refresh()
		s.showEnrolCount(f)
	})
	f.clear = widget.NewButtonWithIcon("Clear", theme.CheckButtonIcon(), func() {
		clear(f.selected)
		f.list.Refresh()
		s.showEnrolCount(f)
	})
	f.enrol = widget.NewButtonWithIcon("Enrol", theme.ConfirmIcon(), func() { s.enrolSelected(f) })
	f.enrol.Importance = widget.HighImportance
	f.enrol.Disable()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { f.d.Hide() })

	// Set the pickers before their handlers, so opening the form is one query.
	if course.CohortID != 0 {
		f.cohort.SetSelected(labelOf(cohorts, course.CohortID))
	} else {
		f.cohort.SetSelectedIndex(0)
	}
	f.host.SetSelectedIndex(0)
	f.cohort.OnChanged = func(v string) {
		s.setEnrolFilter(f, func(x *model.EnrolFilter) { x.CohortID = choiceID(v, f.cohorts, anyCohort, "") })
	}
	f.host.OnChanged = func(v string) {
		s.setEnrolFilter(f, func(x *model.EnrolFilter) { x.HostID = choiceID(v, f.hosts, anyHost, "") })
	}
	f.search.OnChanged = s.enrolSearchChanged(f)

	top := container.NewVBox(
		container.NewGridWithColumns(2, f.cohort, f.host),
		f.search,
		container.NewBorder(nil, nil, container.NewHBox(f.allShown, f.clear), nil, f.count))
	body := container.NewBorder(top, container.NewHBox(layout.NewSpacer(), cancel, f.enrol), nil, nil, f.list)
	f.d = dialog.NewCustomWithoutButtons("Enrol on "+course.Title, body, s.e.win)
	f.d.Resize(fyne.NewSize(640, 560))
	s.enrolForm = f
	showKeyed(s.e.win, f.d, func() {})
	s.e.win.Canvas().Focus(f.search)
	s.loadEnrolChoices(f)
}

func enrolLine(x model.EnrolChoice) string {
	parts := []string{x.Name, x.Kind}
	if x.CohortNumber != 0 {
		parts = append(parts, cohortText(x.CohortNumber))
	}
	if x.Host != "" {
		parts = append(parts, x.Host)
	}
	line := strings.Join(parts, " · ")
	if x.Enrolled {
		line += " (on the course)"
	}
	return line
}

// setEnrolFilter changes the filter and reloads the list at once.
func (s *trainingScreen) setEnrolFilter(f *enrolForm, change func(*model.EnrolFilter)) {
	f.mu.Lock()
	change(&f.filter)
	f.mu.Unlock()
	s.loadEnrolChoices(f)
}

// enrolSearchChanged narrows the list once typing pauses.
func (s *trainingScreen) enrolSearchChanged(f *enrolForm) func(string) {
	return func(text string) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.filter.Text = text
		if f.debounce != nil {
			f.debounce.Stop()
		}
		f.debounce = time.AfterFunc(searchDelay, func() { s.e.post(func() { s.loadEnrolChoices(f) }) })
	}
}

// loadEnrolChoices queries the list for the filter as it is now; an answer
// overtaken by a newer query is dropped.
func (s *trainingScreen) loadEnrolChoices(f *enrolForm) {
	f.mu.Lock()
	f.seq++
	seq, filter := f.seq, f.filter
	f.mu.Unlock()
	courseID := f.course.ID
	load(s.e, func(ctx context.Context) ([]model.EnrolChoice, error) {
		return s.store.EnrolChoices(ctx, courseID, filter)
	}, func(xs []model.EnrolChoice) {
		f.mu.Lock()
		stale := seq != f.seq
		f.mu.Unlock()
		if stale {
			return
		}
		f.shown = xs
		f.list.ScrollToTop()
		f.list.Refresh()
		s.showEnrolCount(f)
	}, func(err error) { f.count.SetText("Could not list people: " + err.Error()) })
}

func (s *trainingScreen) showEnrolCount(f *enrolForm) {
	n := 0
	for _, v := range f.selected {
		if v {
			n++
		}
	}
	shown := num(len(f.shown)) + " shown"
	if len(f.shown) >= enrolShownLimit {
		shown = "the first " + num(enrolShownLimit) + " shown; narrow the search to see the rest"
	}
	f.count.SetText(fmt.Sprintf("%s, %s chosen", shown, num(n)))
	f.enrol.SetText("Enrol " + countOf(n, "person", "people"))
	if n == 0 {
		f.enrol.Disable()
	} else {
		f.enrol.Enable()
	}
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(n) + " " + many
}

// enrolSelected enrols everyone ticked in one transaction.
func (s *trainingScreen) enrolSelected(f *enrolForm) {
	var ids []int64
	for id, v := range f.selected {
		if v {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	f.enrol.Disable()
	load(s.e, func(ctx context.Context) (int, error) { return s.store.Enrol(ctx, s.e.user, f.course.ID, ids) },
		func(n int) {
			f.d.Hide()
			sayDone(s.status, fmt.Sprintf("Enrolled %s on %s.", countOf(n, "person", "people"), f.course.Title))
			s.refresh()
		},
		func(err error) {
			f.enrol.Enable()
			showError(plainError(err), s.e.win)
		})
}
