package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// trainersStore is what the trainers screen asks of the model.
type trainersStore interface {
	Trainers(ctx context.Context) (model.TrainerList, error)
	TrainerDetail(ctx context.Context, id int64) (model.TrainerDetail, error)
	CreateTrainer(ctx context.Context, by model.User, in model.TrainerInput) (int64, error)
	UpdateTrainer(ctx context.Context, by model.User, id int64, in model.TrainerInput) error
	RetireTrainer(ctx context.Context, by model.User, id int64, on string) error
	UnretireTrainerFrom(ctx context.Context, by model.User, was model.TrainerDetail) error
}

// Trainer list filters.
const (
	trainerFilterAll       = "All trainers"
	trainerFilterNoTrainer = "No trainer recorded"
	trainerFilterIdle      = "Accredited, nothing delivered in a year"
	trainerFilterRetired   = "Retired"
)

var trainerColumns = []struct {
	title string
	width float32
}{
	{"Name", 170}, {"Status", 96}, {"Gen", 44}, {"Trained by", 140}, {"Trained on", 100},
	{"Courses", 70}, {"Last delivered", 110}, {"Flags", 300},
}

// trainersScreen is the trainer network: a searchable table and the
// selected trainer's page.
type trainersScreen struct {
	env   *env
	store trainersStore

	list     model.TrainerList
	shown    []int // indexes into list.Trainers after search and filter
	selected int64 // trainer id, kept across refreshes
	detail   model.TrainerDetail

	search    *widget.Entry
	filter    *widget.Select
	status    *widget.Label
	table     *widget.Table
	name      *widget.Label
	facts     *widget.Label
	edit      *widget.Button
	retire    *widget.Button
	delivered *widget.List
	trained   *widget.List
	reached   *widget.List
	reachSum  *widget.Label
	page      *fyne.Container
	empty     *widget.Label
	pageArea  *fyne.Container
	root      fyne.CanvasObject
}

func newTrainersScreen(e *env) screen {
	s := &trainersScreen{env: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *trainersScreen) buildUI() {
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Search name, email, organisation or trainer (Ctrl+F)")
	s.search.OnChanged = s.onSearchChanged
	s.filter = widget.NewSelect([]string{trainerFilterAll, trainerFilterNoTrainer, trainerFilterIdle, trainerFilterRetired},
		s.onFilterChanged)
	s.filter.SetSelected(trainerFilterAll)
	add := widget.NewButtonWithIcon("Add trainer", theme.ContentAddIcon(), s.onAdd)
	s.status = widget.NewLabel("Loading the trainer network…")
	s.status.Wrapping = fyne.TextWrapWord // a long line must not widen the window

	s.table = &widget.Table{
		Length:        func() (int, int) { return len(s.shown), len(trainerColumns) },
		CreateCell:    func() fyne.CanvasObject { return widget.NewLabel("Trainer name here") },
		UpdateCell:    s.updateCell,
		ShowHeaderRow: true,
		CreateHeader:  func() fyne.CanvasObject { return widget.NewLabel("Last delivered") },
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 {
				o.(*widget.Label).SetText(trainerColumns[id.Col].title)
			}
		},
		OnSelected: s.onRowSelected,
	}
	s.table.ExtendBaseWidget(s.table)
	for i, c := range trainerColumns {
		s.table.SetColumnWidth(i, c.width)
	}

	s.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.facts = widget.NewLabel("")
	s.facts.Wrapping = fyne.TextWrapWord
	s.edit = widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), s.onEdit)
	s.retire = widget.NewButtonWithIcon("Retire", theme.DeleteIcon(), s.onRetire)
	offerIf(s.env, model.ActTrainers, add, s.edit, s.retire)
	s.delivered = widget.NewList(func() int { return len(s.detail.Delivered) },
		func() fyne.CanvasObject { return trainerListLabel() },
		s.updateDelivered)
	s.trained = widget.NewList(func() int { return len(s.detail.TrainedList) },
		func() fyne.CanvasObject { return trainerListLabel() },
		s.updateTrained)
	s.trained.OnSelected = s.onTraineeSelected
	s.reachSum = widget.NewLabel("")
	s.reached = widget.NewList(func() int { return len(s.detail.Reached) },
		func() fyne.CanvasObject { return trainerListLabel() },
		s.updateReached)
	s.reached.OnSelected = s.onReachedSelected
	tabs := container.NewAppTabs(
		container.NewTabItem("Courses delivered", s.delivered),
		container.NewTabItem("Trainers trained", s.trained),
		container.NewTabItem("Organisers reached", container.NewBorder(s.reachSum, nil, nil, nil, s.reached)),
	)
	s.page = container.NewBorder(
		container.NewVBox(s.name, s.facts, container.NewHBox(s.edit, s.retire)), nil, nil, nil, tabs)
	s.page.Hide()
	s.empty = widget.NewLabel("Select a trainer to see their page.")
	s.pageArea = container.NewStack(container.NewCenter(s.empty), s.page)

	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.filter, add), s.search)
	split := container.NewHSplit(s.table, s.pageArea)
	split.Offset = 0.58
	s.root = container.NewBorder(container.NewVBox(top, s.status), nil, nil, nil, split)
}

func (s *trainersScreen) content() fyne.CanvasObject { return s.root }

func (s *trainersScreen) focusSearch() { s.env.win.Canvas().Focus(s.search) }

func (s *trainersScreen) refresh() {
	load(s.env, s.store.Trainers, s.showList, func(err error) {
		sayProblem(s.status, "Could not read the trainers: "+err.Error())
	})
}

func (s *trainersScreen) showList(l model.TrainerList) {
	s.list = l
	s.applyFilter()
	if s.selected != 0 {
		s.selectTrainer(s.selected)
	}
}

func (s *trainersScreen) onSearchChanged(string) { s.applyFilter() }

func (s *trainersScreen) onFilterChanged(string) {
	if s.table != nil {
		s.applyFilter()
	}
}

// applyFilter narrows the cached list in memory: the network is a few
// hundred people at most, so every keystroke can filter instantly.
func (s *trainersScreen) applyFilter() {
	words := strings.Fields(model.Fold(s.search.Text))
	s.shown = s.shown[:0]
	noTrainer, idle := 0, 0
	for i, t := range s.list.Trainers {
		if t.NoTrainer() {
			noTrainer++
		}
		if t.Idle {
			idle++
		}
		switch s.filter.Selected {
		case trainerFilterNoTrainer:
			if !t.NoTrainer() {
				continue
			}
		case trainerFilterIdle:
			if !t.Idle {
				continue
			}
		case trainerFilterRetired:
			if t.RetiredOn == "" {
				continue
			}
		}
		hay := model.Fold(strings.Join([]string{t.Name(), t.Email, t.Organisation, t.TrainedByName}, " "))
		match := true
		for _, w := range words {
			match = match && strings.Contains(hay, w)
		}
		if match {
			s.shown = append(s.shown, i)
		}
	}
	say(s.status, fmt.Sprintf("Showing %s of %s trainers · flagged: %s with no trainer recorded, %s accredited "+
		"but delivered nothing in the year to %s (the latest session held)",
		num(len(s.shown)), num(len(s.list.Trainers)), num(noTrainer), num(idle), day(s.list.AsOf)))
	s.table.UnselectAll()
	// Columns as wide as their values, so "Courses" and the flags read whole.
	fitColumns(s.table, len(trainerColumns), len(s.shown), func(c int) string { return trainerColumns[c].title },
		func(r, c int) string { return trainerCell(s.list.Trainers[s.shown[r]], c) }, 44, 460)
	s.table.Refresh()
	for row, i := range s.shown {
		if s.list.Trainers[i].ID == s.selected {
			s.table.Select(widget.TableCellID{Row: row, Col: 0})
			break
		}
	}
}

// updateCell only reads the cached rows: it runs on every redraw.
func (s *trainersScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(s.shown) {
		l.SetText("")
		return
	}
	t := s.list.Trainers[s.shown[id.Row]]
	l.Importance = widget.MediumImportance
	if id.Col == 7 {
		l.Importance = widget.DangerImportance
	}
	l.SetText(trainerCell(t, id.Col))
}

// trainerCell is the text of one cell of the trainers table.
func trainerCell(t model.Trainer, col int) string {
	switch col {
	case 0:
		return t.Name()
	case 1:
		return trainerStatusText(t)
	case 2:
		return strconv.Itoa(t.Generation)
	case 3:
		return t.TrainedByName
	case 4:
		return day(t.TrainedOn)
	case 5:
		return num(t.Courses)
	case 6:
		return day(t.LastDelivered)
	case 7:
		return trainerFlags(t)
	}
	return ""
}

func trainerStatusText(t model.Trainer) string {
	if t.RetiredOn != "" {
		return "Retired"
	}
	return model.TrainerStatusLabel(t.Status)
}

func trainerFlags(t model.Trainer) string {
	var f []string
	if t.NoTrainer() {
		f = append(f, "no trainer recorded")
	}
	switch {
	case t.Idle && t.Courses == 0:
		f = append(f, "accredited, never delivered")
	case t.Idle:
		f = append(f, "nothing delivered in a year")
	}
	return strings.Join(f, "; ")
}

func (s *trainersScreen) onRowSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.shown) {
		return
	}
	t := s.list.Trainers[s.shown[id.Row]]
	if t.ID == s.selected && s.page.Visible() && s.detail.ID == t.ID {
		return
	}
	s.selectTrainer(t.ID)
}

// selectTrainer loads a trainer's page off the UI goroutine.
func (s *trainersScreen) selectTrainer(id int64) {
	s.selected = id
	load(s.env, func(ctx context.Context) (model.TrainerDetail, error) { return s.store.TrainerDetail(ctx, id) },
		s.showDetail, func(err error) {
			s.page.Hide()
			s.empty.Show()
			sayProblem(s.status, "Could not read that trainer: "+err.Error())
		})
}

func (s *trainersScreen) showDetail(d model.TrainerDetail) {
	if d.ID != s.selected {
		return // a later selection won the race
	}
	s.detail = d
	s.name.SetText(d.Name())
	trainedBy := "No trainer recorded (flagged: a gap in the records — they sat a train-the-trainers course)"
	if d.Founding {
		trainedBy = "Founding trainer (generation 1): trained before the programme's first train-the-trainers course"
	}
	if d.TrainedByID != 0 {
		trainedBy = "Trained by " + d.TrainedByName
		if d.TrainedOn != "" {
			trainedBy += " on " + day(d.TrainedOn)
		}
	}
	if d.TTTCourse != "" {
		trainedBy += fmt.Sprintf(" (%s, from %s)", d.TTTCourse, day(d.TTTCourseOn))
	}
	lines := []string{
		fmt.Sprintf("%s · generation %d · %s", trainerStatusText(d.Trainer), d.Generation, orDash(d.Organisation)),
		trainedBy,
		fmt.Sprintf("%s · %s", d.Email, orDash(d.Phone)),
		fmt.Sprintf("%s courses delivered, the last on %s · %s trainers trained · %s people reached",
			num(len(d.Delivered)), day(d.LastDelivered), num(len(d.TrainedList)), num(len(d.Reached))),
	}
	if d.RetiredOn != "" {
		lines = append(lines, "Retired on "+day(d.RetiredOn))
	}
	if d.Idle {
		lines = append(lines, "Flagged: accredited or active, but has delivered nothing in the year to "+day(s.list.AsOf))
	}
	s.facts.SetText(strings.Join(lines, "\n"))
	if d.RetiredOn != "" {
		s.retire.SetText("Undo retirement")
	} else {
		s.retire.SetText("Retire")
	}
	attended := 0
	for _, r := range d.Reached {
		if r.Attended {
			attended++
		}
	}
	s.reachSum.SetText(fmt.Sprintf("%s people reached; %s attended at least one session.\n%s",
		num(len(d.Reached)), num(attended), model.TipReach))
	s.empty.Hide()
	s.page.Show()
	s.pageArea.Refresh()
	s.delivered.Refresh()
	s.trained.UnselectAll()
	s.trained.Refresh()
	s.reached.Refresh()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *trainersScreen) updateDelivered(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.detail.Delivered) {
		return
	}
	c := s.detail.Delivered[i]
	role := fmt.Sprintf("%d sessions", c.Sessions)
	if c.Sessions == 1 {
		role = "1 session"
	}
	if c.Lead {
		role = "lead trainer, " + role
	}
	cohort := "no cohort"
	if c.Cohort > 0 {
		cohort = fmt.Sprintf("Cohort %d", c.Cohort)
	}
	o.(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s (%s) · %s enrolled, %s attended",
		day(c.StartsOn), cohort, c.Title, role, num(c.Enrolled), num(c.Attended)))
}

func (s *trainersScreen) updateTrained(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.detail.TrainedList) {
		return
	}
	t := s.detail.TrainedList[i]
	o.(*widget.Label).SetText(fmt.Sprintf("%s · %s · trained %s · %s courses delivered · trained %s", t.Name(),
		trainerStatusText(t), day(t.TrainedOn), num(t.Courses), num(t.Trained)))
}

func (s *trainersScreen) onTraineeSelected(i widget.ListItemID) {
	if i < len(s.detail.TrainedList) {
		s.showTrainer(s.detail.TrainedList[i].ID)
	}
}

// showTrainer shows trainer id's page, clearing the search and filter so
// their row is in the table beside it.
func (s *trainersScreen) showTrainer(id int64) {
	s.search.SetText("")
	s.filter.SetSelected(trainerFilterAll)
	s.selected = id
	s.applyFilter()
	s.selectTrainer(id)
}

// showFiltered lists the trainers one filter keeps, with no search.
func (s *trainersScreen) showFiltered(filter string) {
	s.search.SetText("")
	s.filter.SetSelected(filter)
}

// onReachedSelected opens the page of a person the trainer's courses reached.
func (s *trainersScreen) onReachedSelected(i widget.ListItemID) {
	s.reached.Unselect(i) // so the same person opens again on a second tap
	if i >= len(s.detail.Reached) {
		return
	}
	r := s.detail.Reached[i]
	s.env.openPerson(r.PersonID, r.Role == "trainer", func(err error) {
		s.status.SetText("Could not open " + r.Name + "'s page: " + err.Error())
	})
}

func (s *trainersScreen) updateReached(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.detail.Reached) {
		return
	}
	r := s.detail.Reached[i]
	text := r.Name + " · " + orDash(r.Role)
	if r.Host != "" {
		text += " · " + r.Host
	}
	if r.Cohort > 0 {
		text += fmt.Sprintf(" · cohort %d", r.Cohort)
	}
	if !r.Attended {
		text += " · enrolled, not yet attended"
	}
	o.(*widget.Label).SetText(text)
}

func (s *trainersScreen) onAdd() {
	s.showForm("Add trainer", 0, model.TrainerInput{Status: model.TrainerTraining})
}

func (s *trainersScreen) onEdit() {
	d := s.detail
	s.showForm("Edit "+d.Name(), d.ID, model.TrainerInput{GivenName: d.GivenName, FamilyName: d.FamilyName,
		Email: d.Email, Phone: d.Phone, Organisation: d.Organisation, TrainedByID: d.TrainedByID,
		TrainedOn: d.TrainedOn, Status: d.Status, Seen: d.Seen})
}

// trainerEntry is an entry that cancels its form on Escape.
type trainerEntry struct {
	widget.Entry
	onEscape func()
}

func newTrainerEntry(text string, validate func(string) error) *trainerEntry {
	e := &trainerEntry{}
	e.ExtendBaseWidget(e)
	e.SetText(text)
	e.Validator = validate
	return e
}

// FocusLost checks the field as it is left, so a required field left
// empty says so at once rather than only keeping Save disabled. (The form
// shows an entry's message whenever the entry reports a new one.)
func (e *trainerEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.Validator != nil {
		e.Validate()
	}
}

// TypedKey cancels on Escape and otherwise types as usual.
func (e *trainerEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// showForm adds (id 0) or edits a trainer. Enter saves, Escape cancels;
// errors show beside the field they belong to.
func (s *trainersScreen) showForm(title string, id int64, in model.TrainerInput) {
	given := newTrainerEntry(in.GivenName, model.ValidateName)
	family := newTrainerEntry(in.FamilyName, model.ValidateName)
	email := newTrainerEntry(in.Email, model.ValidateEmail)
	phone := newTrainerEntry(in.Phone, nil)
	org := newTrainerEntry(in.Organisation, nil)
	trainedOn := newTrainerEntry(dateText(in.TrainedOn), dateValidator(false))
	trainedOn.SetPlaceHolder(datePlaceHolder)
	var names []string
	ids := map[string]int64{}
	const none = "No trainer recorded"
	names = append(names, none)
	current := none
	for _, t := range s.list.Trainers {
		if t.ID == id {
			continue
		}
		label := fmt.Sprintf("%s (%d)", t.Name(), t.ID)
		names = append(names, label)
		ids[label] = t.ID
		if t.ID == in.TrainedByID {
			current = label
		}
	}
	trainedBy := widget.NewSelectEntry(names)
	trainedBy.SetText(current)
	trainedBy.Validator = func(v string) error {
		if _, ok := ids[v]; !ok && v != none && v != "" {
			return errors.New("choose a trainer from the list")
		}
		return nil
	}
	statusLabels := make([]string, len(model.TrainerStatuses))
	for i, st := range model.TrainerStatuses {
		statusLabels[i] = model.TrainerStatusLabel(st)
	}
	status := widget.NewSelect(statusLabels, nil)
	status.SetSelected(model.TrainerStatusLabel(in.Status))
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord

	items := []*widget.FormItem{
		widget.NewFormItem("Given name", given), widget.NewFormItem("Family name", family),
		widget.NewFormItem("Email", email), widget.NewFormItem("Phone", phone),
		widget.NewFormItem("Organisation", org), widget.NewFormItem("Trained by", trainedBy),
		widget.NewFormItem("Trained on", trainedOn), widget.NewFormItem("Status", status),
		widget.NewFormItem("", problem),
	}
	fields := map[string]*widget.FormItem{"given name": items[0], "family name": items[1], "email": items[2],
		"trained on": items[6], "trained by": items[5], "status": items[7]}
	var d *formDialog
	// What each field first showed: a save reads back only the fields the
	// user changed, so the rest (a trainer the list lacks included) keep
	// their stored values exactly.
	shown := map[any]string{given: given.Text, family: family.Text, email: email.Text, phone: phone.Text, org: org.Text,
		trainedOn: trainedOn.Text, trainedBy: trainedBy.Text, status: status.Selected}
	read := func(e *trainerEntry, v *string) {
		if e.Text != shown[e] {
			*v = strings.TrimSpace(e.Text)
		}
	}
	save := func() {
		next := in
		read(given, &next.GivenName)
		read(family, &next.FamilyName)
		read(email, &next.Email)
		read(phone, &next.Phone)
		read(org, &next.Organisation)
		if trainedOn.Text != shown[trainedOn] {
			on, err := isoDate("trained on", trainedOn.Text, false)
			if err != nil {
				problem.SetText("Not saved: " + err.Error())
				d.Show() // keep what was typed
				return
			}
			next.TrainedOn = on
		}
		if trainedBy.Text != shown[trainedBy] {
			next.TrainedByID = ids[trainedBy.Text]
		}
		if status.Selected != shown[status] {
			for i, l := range statusLabels {
				if l == status.Selected {
					next.Status = model.TrainerStatuses[i]
				}
			}
		}
		load(s.env, func(ctx context.Context) (int64, error) {
			if id == 0 {
				return s.store.CreateTrainer(ctx, s.env.user, next)
			}
			return id, s.store.UpdateTrainer(ctx, s.env.user, id, next)
		}, func(newID int64) {
			s.selected = newID
			s.refresh()
		}, func(err error) {
			var fe *model.FieldError
			if said, ok := changedText(err); ok {
				problem.SetText(said)
				askReload(s.env.win, said, s.refresh, d.Show)
				return
			}
			if errors.As(err, &fe) && fields[fe.Field] != nil {
				fields[fe.Field].HintText = fe.Msg
				problem.SetText("Not saved: " + fe.Field + " — " + fe.Msg)
			} else {
				problem.SetText("Not saved: " + err.Error())
			}
			d.Show() // keep what was typed
		})
	}
	d = newForm(title, "Save", "Cancel", items, func(ok bool) {
		if ok {
			save()
		}
	}, s.env.win)
	for _, e := range []*trainerEntry{given, family, email, phone, org, trainedOn} {
		e.OnSubmitted = func(string) { d.Submit() }
		e.onEscape = d.Hide
	}
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	s.env.win.Canvas().Focus(given)
}

// onRetire asks first; retiring is undone with the same button.
func (s *trainersScreen) onRetire() {
	d := s.detail
	id := d.ID
	if d.RetiredOn != "" {
		// As shown: a retirement someone else recorded since is not wiped.
		s.run(func(ctx context.Context) error { return s.store.UnretireTrainerFrom(ctx, s.env.user, d) })
		return
	}
	today := time.Now().Format(time.DateOnly)
	showConfirm("Retire "+d.Name()+"?",
		fmt.Sprintf("%s will be recorded as retired on %s. They stay in the network and the cascade keeps their history;\n"+
			"\"Undo retirement\" reverses this.", d.Name(), day(today)),
		func(ok bool) {
			if ok {
				s.run(func(ctx context.Context) error { return s.store.RetireTrainer(ctx, s.env.user, id, today) })
			}
		}, s.env.win)
}

// run makes a change off the UI goroutine, then reloads.
func (s *trainersScreen) run(change func(context.Context) error) {
	go func() {
		err := change(s.env.ctx)
		s.env.post(func() {
			if said, ok := changedText(err); ok {
				askReload(s.env.win, said, s.refresh, nil)
				return
			}
			if err != nil {
				showError(err, s.env.win)
				return
			}
			s.refresh()
		})
	}()
}

// trainerListLabel is a list row that truncates rather than widening the page.
func trainerListLabel() fyne.CanvasObject {
	l := widget.NewLabel("Trainer name · Accredited · 12 Sep 2015")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}
