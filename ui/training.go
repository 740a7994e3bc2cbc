package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// trainingStore is what the training screen asks of the model.
type trainingStore interface {
	Training(ctx context.Context) (model.TrainingOverview, error)
	CourseSessions(ctx context.Context, courseID int64) ([]model.Session, error)
	Register(ctx context.Context, sessionID int64) (model.Register, error)
	SaveRegisterFrom(ctx context.Context, by model.User, sessionID int64, was, marks map[int64]bool) ([]model.KeptMark, error)
	ModuleCompletionGrid(ctx context.Context) (model.ModuleCompletions, error)
	MissedSessions(ctx context.Context, today time.Time) ([]model.MissedRow, error)
	SessionOptions(ctx context.Context) (model.SessionOptions, error)
	AddSession(ctx context.Context, by model.User, x model.Session) (int64, error)
	CohortChoices(ctx context.Context) ([]model.Choice, error)
	HostChoices(ctx context.Context) ([]model.Choice, error)
	CreateCourse(ctx context.Context, by model.User, c model.NewCourse) (int64, error)
	EnrolChoices(ctx context.Context, courseID int64, f model.EnrolFilter) ([]model.EnrolChoice, error)
	Enrol(ctx context.Context, by model.User, courseID int64, personIDs []int64) (int, error)
}

// trainingScreen shows modules, courses and their sessions, a register per
// session, module completion per organiser and people who missed sessions.
type trainingScreen struct {
	e     *env
	store trainingStore

	overview  model.TrainingOverview
	sessions  []model.Session
	reg       model.Register
	marks     []bool // the register as ticked, parallel to reg.Lines
	regNote   string // what the last save said, shown with the count
	grid      model.ModuleCompletions
	missed    []model.MissedRow
	courseID  int64 // selected; survives refresh
	sessionID int64

	courseTable  *widget.Table
	sessionTable *widget.Table
	register     *widget.List
	regBox       *fyne.Container // the register with its title, buttons and status
	regTitle     *widget.Label
	regStatus    *widget.Label
	allPresent   *widget.Button
	addSession   *widget.Button
	newCourse    *widget.Button
	enrol        *widget.Button
	courseForm   *courseForm // the open "New course" form, if any
	enrolForm    *enrolForm  // the open "Enrol" form, if any
	saveReg      *widget.Button
	moduleTable  *widget.Table
	gridTable    *widget.Table
	missedTable  *widget.Table
	status       *widget.Label
	root         fyne.CanvasObject
}

func newTrainingScreen(e *env) screen {
	s := &trainingScreen{e: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *trainingScreen) content() fyne.CanvasObject { return s.root }

func (s *trainingScreen) buildUI() {
	s.courseTable = newSimpleTable([]string{"Course", "Kind", "Cohort", "Lead trainer", "Starts", "Enrolled", "Sessions"},
		[]float32{300, 140, 90, 160, 110, 80, 75}, 0, nil)
	s.courseTable.Length = func() (int, int) { return len(s.overview.Courses), 7 }
	s.courseTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		l.SetText(courseCell(s.overview.Courses[id.Row], id.Col))
	}
	s.courseTable.OnSelected = s.onCourseSelected

	s.sessionTable = newSimpleTable([]string{"Date", "Session", "Register", "Trainer", "Venue"},
		[]float32{100, 220, 150, 140, 220}, 0, nil)
	s.sessionTable.Length = func() (int, int) { return len(s.sessions), 5 }
	s.sessionTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		l.SetText(sessionCell(s.sessions[id.Row], id.Col))
	}
	s.sessionTable.OnSelected = s.onSessionSelected

	s.register = &widget.List{
		Length:     func() int { return len(s.marks) },
		CreateItem: func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*widget.Check)
			c.OnChanged = nil // setting the state must not count as a tick
			c.SetText(s.reg.Lines[i].Name)
			c.SetChecked(s.marks[i])
			c.OnChanged = func(v bool) { s.marks[i] = v; s.regNote = ""; s.showRegisterCount() }
			readOnlyUnless(s.e, model.ActTraining, c) // a reader sees the register, ticks and all
		},
	}
	s.register.ExtendBaseWidget(s.register)
	s.regTitle = widget.NewLabelWithStyle("Register: choose a session", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.regStatus = widget.NewLabel("")
	s.regStatus.Wrapping = fyne.TextWrapWord // a save's note can be long: it wraps rather than widening the pane
	s.allPresent = widget.NewButtonWithIcon("All present", theme.ConfirmIcon(), s.onAllPresent)
	s.saveReg = widget.NewButtonWithIcon("Save register", theme.DocumentSaveIcon(), s.onSaveRegister)
	s.saveReg.Importance = widget.HighImportance
	s.allPresent.Disable()
	s.saveReg.Disable()
	s.addSession = widget.NewButtonWithIcon("Add session…", theme.ContentAddIcon(), s.onAddSession)
	s.addSession.Disable()
	s.newCourse = widget.NewButtonWithIcon("New course…", theme.ContentAddIcon(), s.onNewCourse)
	s.enrol = widget.NewButtonWithIcon("Enrol…", theme.AccountIcon(), s.onEnrol)
	s.enrol.Disable()
	offerIf(s.e, model.ActTraining, s.allPresent, s.saveReg, s.addSession, s.newCourse, s.enrol)
	s.regBox = container.NewBorder(container.NewVBox(s.regTitle, container.NewHBox(s.allPresent, s.saveReg), s.regStatus),
		nil, nil, nil, s.register)
	sessions := container.NewHSplit(container.NewBorder(nil, container.NewHBox(s.addSession), nil, nil, s.sessionTable), s.regBox)
	sessions.Offset = 0.58
	courses := container.NewVSplit(container.NewBorder(nil, container.NewHBox(s.newCourse, s.enrol), nil, nil, s.courseTable), sessions)
	courses.Offset = 0.4

	s.moduleTable = newSimpleTable([]string{"Code", "Module", "Completed by", "About"}, []float32{80, 330, 120, 500}, 0, nil)
	s.moduleTable.Length = func() (int, int) { return len(s.overview.Modules), 4 }
	s.moduleTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		m := s.overview.Modules[id.Row]
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		l.SetText([]string{m.Code, m.Title, num(m.Completed) + " organisers", m.Description}[id.Col])
	}

	s.gridTable = newSimpleTable(nil, nil, 0, nil)
	s.gridTable.Length = func() (int, int) { return len(s.grid.Rows), 4 + len(s.grid.Modules) }
	s.gridTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(s.gridCell(id.Row, id.Col))
	}
	s.gridTable.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(s.gridHeader(id.Col))
	}

	s.missedTable = newSimpleTable([]string{"Name", "Cohort", "Missed", "Of sessions marked", "Last missed"},
		[]float32{260, 80, 80, 160, 130}, 0, nil)
	s.missedTable.Length = func() (int, int) { return len(s.missed), 5 }
	s.missedTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		m := s.missed[id.Row]
		o.(*widget.Label).SetText([]string{m.Name, cohortText(m.CohortNumber), num(m.Missed), num(m.Marked), day(m.LastMissed)}[id.Col])
	}

	s.status = widget.NewLabel("Loading…")
	s.status.Wrapping = fyne.TextWrapWord // a long line must not widen the window
	tabs := container.NewAppTabs(
		container.NewTabItem("Courses & registers", courses),
		container.NewTabItem("Modules", s.moduleTable),
		container.NewTabItem("Module completion", s.gridTable),
		container.NewTabItem("Missed sessions", s.missedTable),
	)
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Training", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, s.status)
	s.root = container.NewBorder(head, nil, nil, nil, tabs)
}

func courseCell(c model.Course, col int) string {
	switch col {
	case 0:
		return c.Title
	case 1:
		return model.CourseKindName(c.Kind)
	case 2:
		return cohortText(c.CohortNumber)
	case 3:
		return orNone(c.LeadTrainer)
	case 4:
		return day(c.StartsOn)
	case 5:
		return num(c.Enrolled)
	}
	return num(c.Sessions)
}

func sessionCell(x model.Session, col int) string {
	switch col {
	case 0:
		return day(x.HeldOn)
	case 1:
		return x.Title
	case 2:
		if !x.Recorded() {
			return "not taken"
		}
		return fmt.Sprintf("%d present, %d absent", x.Present, x.Absent)
	case 3:
		return orNone(x.Trainer)
	}
	return x.Venue
}

func (s *trainingScreen) gridHeader(col int) string {
	switch col {
	case 0:
		return "Organiser"
	case 1:
		return "Cohort"
	case 2:
		return "Status"
	case 3:
		return "Done"
	}
	if i := col - 4; i < len(s.grid.Modules) {
		return s.grid.Modules[i].Code
	}
	return ""
}

func (s *trainingScreen) gridCell(row, col int) string {
	r := s.grid.Rows[row]
	switch col {
	case 0:
		return r.Name
	case 1:
		return cohortText(r.CohortNumber)
	case 2:
		return capitalise(r.Status)
	case 3:
		return fmt.Sprintf("%d of %d", r.Done, len(s.grid.Modules))
	}
	if i := col - 4; i < len(r.CompletedOn) && r.CompletedOn[i] != "" {
		return "✓"
	}
	return ""
}

// refresh reloads everything, keeping the chosen course and session.
func (s *trainingScreen) refresh() {
	type data struct {
		overview model.TrainingOverview
		grid     model.ModuleCompletions
		missed   []model.MissedRow
	}
	load(s.e, func(ctx context.Context) (data, error) {
		var d data
		var err error
		if d.overview, err = s.store.Training(ctx); err != nil {
			return d, err
		}
		if d.grid, err = s.store.ModuleCompletionGrid(ctx); err != nil {
			return d, err
		}
		d.missed, err = s.store.MissedSessions(ctx, time.Now())
		return d, err
	}, func(d data) {
		s.overview, s.grid, s.missed = d.overview, d.grid, d.missed
		say(s.status, fmt.Sprintf("%d modules, %d courses, %s people missed at least one session",
			len(d.overview.Modules), len(d.overview.Courses), num(len(d.missed))))
		s.courseTable.Refresh()
		s.moduleTable.Refresh()
		s.gridTable.SetColumnWidth(0, 220)
		for c, w := range []float32{80, 105, 80} {
			s.gridTable.SetColumnWidth(c+1, w)
		}
		for c := 4; c < 4+len(d.grid.Modules); c++ {
			s.gridTable.SetColumnWidth(c, 58)
		}
		s.gridTable.Refresh()
		s.missedTable.Refresh()
		for i, c := range s.overview.Courses {
			if c.ID == s.courseID {
				setEnabled(s.addSession, s.e.may(model.ActTraining))
				setEnabled(s.enrol, s.e.may(model.ActTraining))
				s.courseTable.Select(widget.TableCellID{Row: i})
				s.loadSessions()
			}
		}
	}, func(err error) { sayProblem(s.status, "Could not load training: "+err.Error()) })
}

func (s *trainingScreen) onCourseSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.overview.Courses) || s.overview.Courses[id.Row].ID == s.courseID {
		return
	}
	s.courseID = s.overview.Courses[id.Row].ID
	setEnabled(s.addSession, s.e.may(model.ActTraining))
	setEnabled(s.enrol, s.e.may(model.ActTraining))
	s.loadSessions()
}

func (s *trainingScreen) loadSessions() {
	courseID := s.courseID
	load(s.e, func(ctx context.Context) ([]model.Session, error) { return s.store.CourseSessions(ctx, courseID) },
		func(xs []model.Session) {
			s.sessions = xs
			s.sessionTable.UnselectAll()
			s.sessionTable.Refresh()
			for i, x := range xs {
				if x.ID == s.sessionID {
					s.sessionTable.Select(widget.TableCellID{Row: i})
				}
			}
		}, func(err error) { sayProblem(s.status, err.Error()) })
}

func (s *trainingScreen) onSessionSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.sessions) {
		return
	}
	if s.sessions[id.Row].ID != s.sessionID {
		s.regNote = "" // the note was about another session's register
	}
	s.sessionID = s.sessions[id.Row].ID
	s.loadRegister()
}

func (s *trainingScreen) loadRegister() {
	sessionID := s.sessionID
	load(s.e, func(ctx context.Context) (model.Register, error) { return s.store.Register(ctx, sessionID) },
		func(r model.Register) {
			s.reg = r
			s.marks = make([]bool, len(r.Lines))
			for i, l := range r.Lines {
				s.marks[i] = l.Present
			}
			s.regTitle.SetText(fmt.Sprintf("Register: %s, %s", orDefault(r.Session.Title, r.Course), day(r.Session.HeldOn)))
			setEnabled(s.allPresent, s.e.may(model.ActTraining))
			setEnabled(s.saveReg, s.e.may(model.ActTraining))
			s.register.Refresh()
			s.showRegisterCount()
		}, func(err error) { s.regStatus.SetText(err.Error()) })
}

func (s *trainingScreen) showRegisterCount() {
	present := 0
	for _, m := range s.marks {
		if m {
			present++
		}
	}
	state := "not yet taken"
	if s.reg.Session.Recorded() {
		state = "saved before"
	}
	count := fmt.Sprintf("%d of %d ticked present (%s)", present, len(s.marks), state)
	if s.regNote != "" {
		count = s.regNote + " " + count
	}
	s.regStatus.SetText(count)
	s.regBox.Refresh() // laid out again: the status may now wrap onto more lines, or fewer
}

func (s *trainingScreen) onAllPresent() {
	s.regNote = ""
	for i := range s.marks {
		s.marks[i] = true
	}
	s.register.Refresh()
	s.showRegisterCount()
}

// onSaveRegister saves every mark in one transaction, with the ticks as
// read: a learner left as read here whom another lead marked since keeps
// their mark, and the screen says whose (ticks on other learners merge).
func (s *trainingScreen) onSaveRegister() {
	marks := make(map[int64]bool, len(s.marks))
	for i, l := range s.reg.Lines {
		marks[l.PersonID] = s.marks[i]
	}
	was := s.reg.Ticks()
	sessionID := s.sessionID
	s.saveReg.Disable()
	load(s.e, func(ctx context.Context) ([]model.KeptMark, error) {
		return s.store.SaveRegisterFrom(ctx, s.e.user, sessionID, was, marks)
	}, func(kept []model.KeptMark) {
		s.saveReg.Enable()
		s.regNote = "Register saved." + keptText(kept) // shown with the count until the register is ticked or left
		s.loadRegister()                               // the merged register
		s.refresh()                                    // the register may have completed modules: the grid and counts follow, with the sessions
	}, func(err error) {
		s.saveReg.Enable()
		s.regNote = ""
		s.regStatus.SetText("Not saved: " + err.Error())
	})
}

// keptText tells of the marks a save kept because another lead made them
// after this register was read: " Kept, as marked since you opened it:
// lead2 marked Ada Senior and Bo Li present at 14:05."
func keptText(kept []model.KeptMark) string {
	if len(kept) == 0 {
		return ""
	}
	return " Kept, as marked since you opened it: " + model.SayKept(kept) + "."
}

// onAddSession schedules a session of the chosen course.
func (s *trainingScreen) onAddSession() {
	var course model.Course
	for _, c := range s.overview.Courses {
		if c.ID == s.courseID {
			course = c
		}
	}
	if course.ID == 0 {
		return
	}
	load(s.e, func(ctx context.Context) (model.SessionOptions, error) { return s.store.SessionOptions(ctx) },
		func(o model.SessionOptions) { s.sessionForm(course, o) },
		func(err error) { showError(err, s.e.win) })
}

func (s *trainingScreen) sessionForm(course model.Course, o model.SessionOptions) {
	date := newEscEntry(nil, nil)
	date.SetPlaceHolder(datePlaceHolder)
	date.SetText(todayText())
	date.Validator = dateValidator(true)
	title := newEscEntry(nil, nil)
	title.SetPlaceHolder("e.g. Building networks; the module's title when empty")
	module := widget.NewSelect(append([]string{noneShown}, labels(o.Modules)...), nil)
	module.SetSelectedIndex(0)
	trainer := widget.NewSelect(append([]string{noneShown}, labels(o.Trainers)...), nil)
	trainer.SetSelected(labelOf(o.Trainers, course.LeadTrainerID))
	venue := newEscEntry(nil, nil)
	venue.SetText(course.Venue)
	items := []*widget.FormItem{widget.NewFormItem("Date", date), widget.NewFormItem("Module", module),
		widget.NewFormItem("Title", title), widget.NewFormItem("Trainer", trainer), widget.NewFormItem("Venue", venue)}
	d := newForm("Add a session to "+course.Title, "Add", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		held, err := isoDate("date", date.Text, true)
		if err != nil {
			showError(err, s.e.win)
			return
		}
		x := model.Session{CourseID: course.ID, HeldOn: held, Title: title.Text, Venue: venue.Text}
		if i := module.SelectedIndex(); i > 0 {
			x.ModuleID = o.Modules[i-1].ID
			if strings.TrimSpace(x.Title) == "" {
				_, x.Title, _ = strings.Cut(o.Modules[i-1].Label, " ") // the label is "code title"
			}
		}
		x.TrainerID = max(choiceID(trainer.Selected, o.Trainers, "", noneShown), 0)
		load(s.e, func(ctx context.Context) (int64, error) { return s.store.AddSession(ctx, s.e.user, x) },
			func(id int64) { s.sessionID = id; s.refresh(); s.loadSessions() },
			func(err error) { showError(plainError(err), s.e.win) })
	}, s.e.win)
	d.Resize(fyne.NewSize(560, 0))
	showForm(s.e.win, d, date, title, venue)
}
