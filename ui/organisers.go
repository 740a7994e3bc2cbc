package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// organisersStore is what the organisers screen and an organiser's page ask of the model.
type organisersStore interface {
	OrganiserRows(ctx context.Context) ([]model.OrganiserRow, error)
	OrganiserPage(ctx context.Context, id int64) (model.OrganiserPage, error)
	CreateOrganiser(ctx context.Context, by model.User, o model.Organiser) (int64, error)
	UpdateOrganiser(ctx context.Context, by model.User, o model.Organiser) error
	WithdrawOrganiser(ctx context.Context, by model.User, id int64, on, reason string) (model.Organiser, error)
	CohortChoices(ctx context.Context) ([]model.Choice, error)
	HostChoices(ctx context.Context) ([]model.Choice, error)
	SeniorChoices(ctx context.Context, hostID int64) ([]model.Choice, error)
}

// searchDelay is how long typing must pause before the list is filtered.
const searchDelay = 150 * time.Millisecond

// organiser table columns as shown, each naming the model sort column it is.
var organiserColumns = []struct {
	title string
	width float32
	sort  int
}{
	{"Name", 190, model.SortName}, {"Role", 90, model.SortRole}, {"Host", 230, model.SortHost},
	{"Cohort", 75, model.SortCohort}, {"Status", 100, model.SortStatus}, {"Flags", 200, model.SortFlags},
	{"Supported by", 170, model.SortSupportedBy}, {"Supporting", 100, model.SortSupporting},
	{"Email", 270, model.SortEmail}, {"Started", 110, model.SortStarts},
}

const (
	anyCohort = "All cohorts"
	anyHost   = "All hosts"
	anyRole   = "Seniors and volunteers"
	anyStatus = "Any status"
	noFlag    = "Flagged or not"
	anyFlag   = "Any flag"
	noneShown = "— none —"
)

// organisersScreen lists every organiser with instant search, filters and
// sorting; selecting one opens their page in place of the list.
type organisersScreen struct {
	e     *env
	store organisersStore

	mu       sync.Mutex // guards all and the filter state read by the filtering goroutine
	all      []model.OrganiserRow
	rows     []*model.OrganiserRow // what the table shows; UpdateCell only reads this
	filter   model.OrganiserFilter
	sortCol  int
	sortDesc bool
	gen      int // each filter run's number, so a slow stale run never overwrites a newer one
	debounce *time.Timer

	selectedID int64 // survives refreshes and filtering
	restoring  bool  // a programmatic table selection, not a click
	cohorts    []model.Choice
	hosts      []model.Choice

	search    *widget.Entry
	cohortSel *widget.Select
	hostSel   *widget.Select
	roleSel   *widget.Select
	statusSel *widget.Select
	flagSel   *widget.Select
	count     *widget.Label
	loading   *widget.ProgressBarInfinite
	table     *widget.Table
	list      fyne.CanvasObject
	body      *fyne.Container
	page      *organiserPage // open page, nil when the list shows
}

func newOrganisersScreen(e *env) screen {
	s := &organisersScreen{e: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *organisersScreen) buildUI() {
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Search name, email or host (Ctrl+F)")
	s.search.OnChanged = s.onSearchChanged
	s.cohortSel = widget.NewSelect(nil, s.onCohortChanged)
	s.hostSel = widget.NewSelect(nil, s.onHostChanged)
	s.roleSel = widget.NewSelect([]string{anyRole, "Senior", "Volunteer"}, s.onRoleChanged)
	s.statusSel = widget.NewSelect([]string{anyStatus, "Active", "Completed", "Withdrawn"}, s.onStatusChanged)
	flags := []string{noFlag, anyFlag}
	for _, f := range model.OrganiserFlags {
		flags = append(flags, capitalise(f))
	}
	s.flagSel = widget.NewSelect(flags, s.onFlagChanged)
	s.cohortSel.PlaceHolder, s.hostSel.PlaceHolder = anyCohort, anyHost
	s.roleSel.SetSelectedIndex(0)
	s.statusSel.SetSelectedIndex(0)
	s.flagSel.SetSelectedIndex(0)
	s.count = widget.NewLabel("Loading organisers…")
	s.loading = widget.NewProgressBarInfinite()

	s.table = &widget.Table{
		Length:       func() (int, int) { return len(s.rows), len(organiserColumns) },
		CreateCell:   func() fyne.CanvasObject { return widget.NewLabel("") },
		UpdateCell:   s.updateCell,
		CreateHeader: func() fyne.CanvasObject { return widget.NewButton("", nil) },
		UpdateHeader: s.updateHeader,
		OnSelected:   s.onRowSelected,
	}
	s.table.ShowHeaderRow = true
	s.table.ExtendBaseWidget(s.table)
	for i, c := range organiserColumns {
		s.table.SetColumnWidth(i, c.width)
	}
	add := widget.NewButtonWithIcon("Add organiser", theme.ContentAddIcon(), s.onAdd)
	add.Importance = widget.HighImportance
	offerIf(s.e, model.ActOrganisers, add)
	filters := container.NewGridWithColumns(5, s.cohortSel, s.hostSel, s.roleSel, s.statusSel, s.flagSel)
	top := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Organisers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(s.count, add), s.search),
		filters, s.loading)
	s.list = container.NewBorder(top, nil, nil, nil, s.table)
	s.body = container.NewStack(s.list)
}

func (s *organisersScreen) content() fyne.CanvasObject { return s.body }

func (s *organisersScreen) focusSearch() {
	if s.page == nil {
		s.e.win.Canvas().Focus(s.search)
	}
}

// refresh reloads every organiser, keeping the filters and the selection.
func (s *organisersScreen) refresh() {
	s.loading.Show()
	s.loading.Start()
	type data struct {
		rows           []model.OrganiserRow
		cohorts, hosts []model.Choice
	}
	load(s.e, func(ctx context.Context) (data, error) {
		var d data
		var err error
		if d.rows, err = s.store.OrganiserRows(ctx); err != nil {
			return d, err
		}
		if d.cohorts, err = s.store.CohortChoices(ctx); err != nil {
			return d, err
		}
		d.hosts, err = s.store.HostChoices(ctx)
		return d, err
	}, func(d data) {
		s.mu.Lock()
		s.all = d.rows
		s.mu.Unlock()
		s.cohorts, s.hosts = d.cohorts, d.hosts
		s.cohortSel.Options = append([]string{anyCohort, "No cohort"}, labels(d.cohorts)...)
		s.hostSel.Options = append([]string{anyHost, "No host"}, labels(d.hosts)...)
		s.loading.Stop()
		s.loading.Hide()
		s.applyFilter()
	}, func(err error) {
		s.loading.Stop()
		s.loading.Hide()
		s.count.SetText("Could not load organisers: " + err.Error())
	})
}

func labels(cs []model.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Label
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// onSearchChanged waits for typing to pause, then filters.
func (s *organisersScreen) onSearchChanged(text string) {
	s.mu.Lock()
	s.filter.Text = text
	if s.debounce != nil {
		s.debounce.Stop()
	}
	s.debounce = time.AfterFunc(searchDelay, func() { s.e.post(s.applyFilter) })
	s.mu.Unlock()
}

// choiceID maps a picker's selection to an id: 0 for "all", -1 for "none".
func choiceID(sel string, cs []model.Choice, all, none string) int64 {
	switch sel {
	case "", all:
		return 0
	case none:
		return -1
	}
	for _, c := range cs {
		if c.Label == sel {
			return c.ID
		}
	}
	return 0
}

func (s *organisersScreen) onCohortChanged(v string) {
	s.setFilter(func(f *model.OrganiserFilter) { f.CohortID = choiceID(v, s.cohorts, anyCohort, "No cohort") })
}

func (s *organisersScreen) onHostChanged(v string) {
	s.setFilter(func(f *model.OrganiserFilter) { f.HostID = choiceID(v, s.hosts, anyHost, "No host") })
}

func (s *organisersScreen) onRoleChanged(v string) {
	s.setFilter(func(f *model.OrganiserFilter) {
		f.Role = ""
		if v != anyRole {
			f.Role = strings.ToLower(v)
		}
	})
}

func (s *organisersScreen) onStatusChanged(v string) {
	s.setFilter(func(f *model.OrganiserFilter) {
		f.Status = ""
		if v != anyStatus {
			f.Status = strings.ToLower(v)
		}
	})
}

func (s *organisersScreen) onFlagChanged(v string) {
	s.setFilter(func(f *model.OrganiserFilter) {
		switch v {
		case noFlag, "":
			f.Flag = ""
		case anyFlag:
			f.Flag = model.FlagAny
		default:
			f.Flag = strings.ToLower(v[:1]) + v[1:]
		}
	})
}

func (s *organisersScreen) setFilter(change func(*model.OrganiserFilter)) {
	s.mu.Lock()
	change(&s.filter)
	s.mu.Unlock()
	if s.table != nil {
		s.applyFilter()
	}
}

// applyFilter filters and sorts in a goroutine and shows the result, unless
// a newer run started meanwhile.
func (s *organisersScreen) applyFilter() {
	s.mu.Lock()
	s.gen++
	gen, all, f, col, desc := s.gen, s.all, s.filter, s.sortCol, s.sortDesc
	s.mu.Unlock()
	if all == nil {
		return
	}
	go func() {
		rows := model.FilterOrganisers(all, f)
		if col != model.SortName || desc {
			model.SortOrganisers(rows, col, desc)
		}
		s.e.post(func() {
			s.mu.Lock()
			stale := gen != s.gen
			s.mu.Unlock()
			if !stale {
				s.show(rows, len(all))
			}
		})
	}()
}

// show puts rows in the table, keeping the selected organiser selected.
func (s *organisersScreen) show(rows []*model.OrganiserRow, total int) {
	s.rows = rows
	s.count.SetText(fmt.Sprintf("Showing %s of %s", num(len(rows)), num(total)))
	s.table.UnselectAll()
	// Columns as wide as their values (the header leaves room for its sort
	// arrow), so an email or a host is not cut to nonsense.
	fitColumns(s.table, len(organiserColumns), len(rows), func(c int) string { return organiserColumns[c].title + " ▼" },
		func(r, c int) string { return organiserCell(rows[r], organiserColumns[c].sort) }, 60, 360)
	s.table.Refresh()
	for i, r := range rows {
		if r.ID == s.selectedID {
			s.restoring = true
			s.table.Select(widget.TableCellID{Row: i, Col: 0})
			s.restoring = false
			break
		}
	}
}

func (s *organisersScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(s.rows) {
		l.SetText("")
		return
	}
	l.Truncation = fyne.TextTruncateEllipsis
	l.SetText(organiserCell(s.rows[id.Row], organiserColumns[id.Col].sort))
}

// organiserCell is the text of one cell of the organisers table.
func organiserCell(r *model.OrganiserRow, col int) string {
	switch col {
	case model.SortName:
		return r.Name()
	case model.SortEmail:
		return r.Email
	case model.SortRole:
		return capitalise(r.Role)
	case model.SortHost:
		if r.HostName == "" {
			return noneShown
		}
		return r.HostName
	case model.SortCohort:
		if r.CohortNumber == 0 {
			return "—"
		}
		return fmt.Sprint(r.CohortNumber)
	case model.SortSupportedBy:
		return r.SupportedByName
	case model.SortSupporting:
		if r.Role != model.RoleSenior {
			return ""
		}
		return num(r.Supporting)
	case model.SortStatus:
		return capitalise(r.Status)
	case model.SortStarts:
		return day(r.StartsOn)
	case model.SortFlags:
		return capitalise(strings.Join(r.Flags(), ", "))
	}
	return ""
}

func (s *organisersScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(organiserColumns) {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	text := organiserColumns[id.Col].title
	col := organiserColumns[id.Col].sort
	if col == s.sortCol {
		if s.sortDesc {
			text += " ▼"
		} else {
			text += " ▲"
		}
	}
	b.SetText(text)
	b.OnTapped = func() { s.onSortTapped(col) }
}

// onSortTapped sorts by a column; tapping the sorted column reverses it.
func (s *organisersScreen) onSortTapped(col int) {
	s.mu.Lock()
	if s.sortCol == col {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortCol, s.sortDesc = col, false
	}
	s.mu.Unlock()
	s.table.Refresh()
	s.applyFilter()
}

func (s *organisersScreen) onRowSelected(id widget.TableCellID) {
	if s.restoring || id.Row < 0 || id.Row >= len(s.rows) {
		return
	}
	s.selectedID = s.rows[id.Row].ID
	s.openPage(s.selectedID)
}

// openPage shows an organiser's page (id 0: a new organiser) in place of the list.
func (s *organisersScreen) openPage(id int64) {
	s.page = newOrganiserPage(s.e, s.store, id, s.closePage, s.onOrganiserChanged, s.openPage)
	s.body.Objects = []fyne.CanvasObject{s.page.content()}
	s.body.Refresh()
}

// closePage goes back to the list, as it was.
func (s *organisersScreen) closePage() {
	s.page = nil
	s.body.Objects = []fyne.CanvasObject{s.list}
	s.body.Refresh()
	s.show(s.rows, len(s.all))
}

// onOrganiserChanged reloads the list after a save, selecting the organiser saved.
func (s *organisersScreen) onOrganiserChanged(id int64) {
	s.selectedID = id
	s.refresh()
}

func (s *organisersScreen) onAdd() { s.openPage(0) }

// toList goes back from an organiser's page to the list (the sidebar's
// Organisers does this).
func (s *organisersScreen) toList() {
	if s.page != nil {
		s.closePage()
	}
}

// showFlagged lists every organiser with flag and no other filter, so the
// list holds exactly the people a dashboard flag counted.
func (s *organisersScreen) showFlagged(flag string) {
	s.toList()
	if s.search.Text != "" {
		on := s.search.OnChanged
		s.search.OnChanged = nil // no debounced run: the filter below is complete
		s.search.SetText("")
		s.search.OnChanged = on
	}
	s.mu.Lock()
	s.filter = model.OrganiserFilter{Flag: flag}
	s.mu.Unlock()
	// Show the filter in the pickers without each one filtering again.
	for _, sel := range []*widget.Select{s.cohortSel, s.hostSel, s.roleSel, s.statusSel, s.flagSel} {
		on := sel.OnChanged
		sel.OnChanged = nil
		switch sel {
		case s.cohortSel, s.hostSel:
			sel.ClearSelected()
		case s.flagSel:
			sel.SetSelected(capitalise(flag))
		default:
			sel.SetSelectedIndex(0)
		}
		sel.OnChanged = on
	}
	s.applyFilter()
}

// escEntry is an entry that cancels its form on Escape and saves it on Enter.
type escEntry struct {
	widget.Entry
	onEscape func()
	// touched is set once the person has typed in the field or left it;
	// a validator wrapped by quietUntilTouched says nothing before then.
	touched bool
}

func newEscEntry(onEscape, onEnter func()) *escEntry {
	e := &escEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	if onEnter != nil {
		e.OnSubmitted = func(string) { onEnter() }
	}
	return e
}

// TypedKey cancels on Escape; every other key is the entry's.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.touched = true
	e.Entry.TypedKey(k)
}

// TypedRune marks the field touched before the entry takes the character.
func (e *escEntry) TypedRune(r rune) {
	e.touched = true
	e.Entry.TypedRune(r)
}

// FocusLost marks the field touched: leaving a required field empty is
// when to say so.
func (e *escEntry) FocusLost() {
	wasTouched := e.touched
	e.touched = true
	e.Entry.FocusLost()
	if !wasTouched && e.Validator != nil {
		e.Validate()
	}
}

// quietUntilTouched keeps each entry's validator silent until the person
// has typed in it or left it (or touchAll runs on Save), so a new form
// does not open with "is required" under every empty field.
func quietUntilTouched(entries ...*escEntry) {
	for _, e := range entries {
		inner := e.Validator
		if inner == nil {
			continue
		}
		e.touched = false
		e.Validator = func(s string) error {
			if !e.touched {
				return nil
			}
			return inner(s)
		}
	}
}

// touchAll marks every entry touched and validates it, as Save does, and
// returns the first entry that is wrong (nil when all are right).
func touchAll(entries ...*escEntry) *escEntry {
	var first *escEntry
	for _, e := range entries {
		e.touched = true
		if err := e.Validate(); err != nil && first == nil {
			first = e
		}
	}
	return first
}

// untouch makes entries quiet again, for a form filled afresh.
func untouch(entries ...*escEntry) {
	for _, e := range entries {
		e.touched = false
		if e.Validator != nil {
			e.Validate()
		}
	}
}

// validatorOf adapts a model rule to an entry validator.
func validatorOf(rule func(string) error) fyne.StringValidator {
	return func(s string) error { return rule(strings.TrimSpace(s)) }
}
