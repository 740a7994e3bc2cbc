package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// cohortsStore is what the cohorts & hosts screen asks of the model.
type cohortsStore interface {
	CohortsAndHosts(ctx context.Context) ([]model.CohortRow, []model.HostRow, error)
	HostOrganisers(ctx context.Context, hostID int64) ([]model.OrganiserRow, error)
	SaveCohort(ctx context.Context, by model.User, c model.Cohort) (int64, error)
	SaveHost(ctx context.Context, by model.User, h model.Host) (int64, error)
}

// cohortsScreen shows the cohorts, the hosts of the chosen cohort and the
// organisers of the chosen host.
type cohortsScreen struct {
	e     *env
	store cohortsStore

	cohorts    []model.CohortRow
	allHosts   []model.HostRow
	hosts      []model.HostRow // hosts of the selected cohort (all when none)
	organisers []model.OrganiserRow
	cohortID   int64 // selected; survives refresh
	hostID     int64
	flagged    bool // only hosts whose team is outside 2–5, as the dashboard's flag counts them

	cohortTable *widget.Table
	hostTable   *widget.Table
	orgList     *widget.List
	hostsLabel  *widget.Label
	orgLabel    *widget.Label
	status      *widget.Label
	root        fyne.CanvasObject
}

func newCohortsScreen(e *env) screen {
	s := &cohortsScreen{e: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *cohortsScreen) content() fyne.CanvasObject { return s.root }

// The headers name what each count counts (docs/numbers.md): organisers not withdrawn.
var cohortHeaders = []string{"Cohort", "Host induction", "Training starts", "Training ends", "Hosts", "Seniors (not withdrawn)", "Volunteers (not withdrawn)", "Teams flagged"}
var hostHeaders = []string{"Host", "Cohort", "Team (seniors, not withdrawn)", "Flag", "Volunteers (not withdrawn)", "Region", "Setting", "Kickstarter", "Referred by"}

func (s *cohortsScreen) buildUI() {
	s.cohortTable = newSimpleTable(cohortHeaders, []float32{70, 130, 130, 130, 70, 80, 95, 120}, 0, nil)
	s.cohortTable.Length = func() (int, int) { return len(s.cohorts), len(cohortHeaders) }
	s.cohortTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(cohortCell(s.cohorts[id.Row], id.Col))
	}
	s.cohortTable.OnSelected = s.onCohortSelected
	s.hostTable = newSimpleTable(hostHeaders, []float32{240, 65, 55, 160, 90, 150, 70, 95, 170}, 0, nil)
	s.hostTable.Length = func() (int, int) { return len(s.hosts), len(hostHeaders) }
	s.hostTable.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		l.SetText(hostCell(s.hosts[id.Row], id.Col))
	}
	s.hostTable.OnSelected = s.onHostSelected
	s.orgList = &widget.List{
		Length:     func() int { return len(s.organisers) },
		CreateItem: func() fyne.CanvasObject { return widget.NewLabel("") },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.organisers[i]
			text := fmt.Sprintf("%s — %s, %s", r.Name(), r.Role, r.Status)
			if r.Role == model.RoleSenior {
				text += fmt.Sprintf(", supporting %d", r.Supporting)
			}
			o.(*widget.Label).SetText(text)
		},
	}
	s.orgList.OnSelected = s.onOrganiserSelected
	s.orgList.ExtendBaseWidget(s.orgList)
	s.hostsLabel = widget.NewLabelWithStyle("Hosts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.orgLabel = widget.NewLabelWithStyle("Organisers: choose a host", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status = widget.NewLabel("Loading…")
	s.status.Wrapping = fyne.TextWrapWord // a long line must not widen the window
	edits := []fyne.CanvasObject{
		widget.NewButtonWithIcon("Add cohort", theme.ContentAddIcon(), func() { s.editCohort(model.Cohort{}) }),
		widget.NewButtonWithIcon("Edit cohort", theme.DocumentCreateIcon(), s.onEditCohort),
		widget.NewButtonWithIcon("Add host", theme.ContentAddIcon(), func() { s.editHost(model.Host{CohortID: s.cohortID}) }),
		widget.NewButtonWithIcon("Edit host", theme.DocumentCreateIcon(), s.onEditHost),
	}
	offerIf(s.e, model.ActCohorts, edits...)
	bar := container.NewBorder(nil, nil, container.NewHBox(edits...), nil, s.status) // the status takes what is left, wrapping
	head := container.NewVBox(widget.NewLabelWithStyle("Cohorts & hosts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), bar)
	hosts := container.NewBorder(s.hostsLabel, nil, nil, nil, s.hostTable)
	orgs := container.NewBorder(s.orgLabel, nil, nil, nil, s.orgList)
	lower := container.NewHSplit(hosts, orgs)
	lower.Offset = 0.7
	split := container.NewVSplit(s.cohortTable, lower)
	split.Offset = 0.4
	s.root = container.NewBorder(head, nil, nil, nil, split)
}

func cohortCell(c model.CohortRow, col int) string {
	switch col {
	case 0:
		return fmt.Sprint(c.Number)
	case 1:
		return day(c.HostInductionOn)
	case 2:
		return day(c.TrainingStartsOn)
	case 3:
		return day(c.TrainingEndsOn)
	case 4:
		return num(c.Hosts)
	case 5:
		return num(c.Seniors)
	case 6:
		return num(c.Volunteers)
	}
	if c.Flagged == 0 {
		return ""
	}
	return fmt.Sprintf("⚠ %d", c.Flagged)
}

func hostCell(h model.HostRow, col int) string {
	switch col {
	case 0:
		return h.Name
	case 1:
		return cohortText(h.CohortNumber)
	case 2:
		return num(h.Team)
	case 3:
		if h.TeamFlagged() {
			return fmt.Sprintf("⚠ team outside %d–%d", model.TeamMin, model.TeamMax)
		}
		return ""
	case 4:
		return num(h.Volunteers)
	case 5:
		return h.Region
	case 6:
		return capitalise(h.Setting)
	case 7:
		if h.Kickstarter {
			return "Kickstarter"
		}
		return ""
	}
	if h.Partner == "" {
		return "found directly"
	}
	return h.Partner
}

// refresh reloads cohorts and hosts, keeping the selected cohort and host.
func (s *cohortsScreen) refresh() {
	type data struct {
		cohorts []model.CohortRow
		hosts   []model.HostRow
	}
	load(s.e, func(ctx context.Context) (data, error) {
		var d data
		var err error
		d.cohorts, d.hosts, err = s.store.CohortsAndHosts(ctx)
		return d, err
	}, func(d data) {
		s.cohorts, s.allHosts = d.cohorts, d.hosts
		flagged := 0
		for _, h := range d.hosts {
			if h.TeamFlagged() {
				flagged++
			}
		}
		say(s.status, fmt.Sprintf("%d cohorts, %s hosts, %d with a team outside %d–%d",
			len(d.cohorts), num(len(d.hosts)), flagged, model.TeamMin, model.TeamMax))
		fitColumns(s.cohortTable, len(cohortHeaders), len(s.cohorts), func(c int) string { return cohortHeaders[c] },
			func(r, c int) string { return cohortCell(s.cohorts[r], c) }, 50, 360)
		s.cohortTable.Refresh()
		s.showHosts()
		for i, c := range s.cohorts {
			if c.ID == s.cohortID {
				s.cohortTable.Select(widget.TableCellID{Row: i})
			}
		}
	}, func(err error) { sayProblem(s.status, "Could not load cohorts: "+err.Error()) })
}

// showHosts lists the selected cohort's hosts, or every host.
func (s *cohortsScreen) showHosts() {
	s.hosts = s.hosts[:0]
	for _, h := range s.allHosts {
		if (s.cohortID == 0 || h.CohortID == s.cohortID) && (!s.flagged || h.TeamFlagged()) {
			s.hosts = append(s.hosts, h)
		}
	}
	switch {
	case s.flagged:
		s.hostsLabel.SetText(fmt.Sprintf("%s hosts with a team outside %d–%d (choose a cohort to see all its hosts)",
			num(len(s.hosts)), model.TeamMin, model.TeamMax))
	case s.cohortID == 0:
		s.hostsLabel.SetText(fmt.Sprintf("All %s hosts", num(len(s.hosts))))
	default:
		s.hostsLabel.SetText(fmt.Sprintf("%d hosts of cohort %s", len(s.hosts), cohortText(s.cohortNumber())))
	}
	s.hostTable.UnselectAll()
	fitColumns(s.hostTable, len(hostHeaders), len(s.hosts), func(c int) string { return hostHeaders[c] },
		func(r, c int) string { return hostCell(s.hosts[r], c) }, 50, 300)
	s.hostTable.Refresh()
	for i, h := range s.hosts {
		if h.ID == s.hostID {
			s.hostTable.Select(widget.TableCellID{Row: i})
		}
	}
}

func (s *cohortsScreen) cohortNumber() int {
	for _, c := range s.cohorts {
		if c.ID == s.cohortID {
			return c.Number
		}
	}
	return 0
}

func (s *cohortsScreen) onCohortSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.cohorts) || (s.cohorts[id.Row].ID == s.cohortID && !s.flagged) {
		return
	}
	s.cohortID = s.cohorts[id.Row].ID
	s.flagged = false
	s.showHosts()
}

func (s *cohortsScreen) onHostSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(s.hosts) {
		return
	}
	h := s.hosts[id.Row]
	s.hostID = h.ID
	load(s.e, func(ctx context.Context) ([]model.OrganiserRow, error) { return s.store.HostOrganisers(ctx, h.ID) },
		func(rows []model.OrganiserRow) {
			s.organisers = rows
			var hc model.Headcount
			for _, o := range rows {
				hc.Add(o.Role, o.Status, 1)
			}
			s.orgLabel.SetText(h.Name + ": " + model.HostTeamText(hc))
			s.orgList.Refresh()
		}, func(err error) { s.orgLabel.SetText(err.Error()) })
}

func (s *cohortsScreen) onEditCohort() {
	for _, c := range s.cohorts {
		if c.ID == s.cohortID {
			s.editCohort(c.Cohort)
			return
		}
	}
	showInformation("Edit cohort", "Choose a cohort in the table first.", s.e.win)
}

func (s *cohortsScreen) onEditHost() {
	for _, h := range s.allHosts {
		if h.ID == s.hostID {
			s.editHost(h.Host)
			return
		}
	}
	showInformation("Edit host", "Choose a host in the table first.", s.e.win)
}

// dateEntry is an optional date field showing a stored date the UK way.
func dateEntry(iso string) *escEntry {
	e := newEscEntry(nil, nil)
	e.SetPlaceHolder(datePlaceHolder)
	e.SetText(dateText(iso))
	e.Validator = dateValidator(false)
	return e
}

// editCohort opens the cohort form; a new cohort has ID 0.
func (s *cohortsScreen) editCohort(c model.Cohort) {
	number := newEscEntry(nil, nil)
	if c.Number > 0 {
		number.SetText(strconv.Itoa(c.Number))
	}
	number.Validator = func(v string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n <= 0 {
			return errors.New("a whole number above 0")
		}
		return nil
	}
	ind, starts, ends := dateEntry(c.HostInductionOn), dateEntry(c.TrainingStartsOn), dateEntry(c.TrainingEndsOn)
	title := "Add cohort"
	if c.ID != 0 {
		title = fmt.Sprintf("Edit cohort %d", c.Number)
	}
	shown := [4]string{number.Text, ind.Text, starts.Text, ends.Text}
	items := []*widget.FormItem{widget.NewFormItem("Number", number), widget.NewFormItem("Host induction", ind),
		widget.NewFormItem("Training starts", starts), widget.NewFormItem("Training ends", ends)}
	var d *formDialog
	d = newForm(title, "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		// Only the fields the user changed are read back: the rest keep
		// their stored values exactly.
		if number.Text != shown[0] {
			c.Number, _ = strconv.Atoi(strings.TrimSpace(number.Text))
		}
		var errs [3]error
		for i, f := range []struct {
			v     *string
			e     *escEntry
			shown string
			name  string
		}{{&c.HostInductionOn, ind, shown[1], "host induction"}, {&c.TrainingStartsOn, starts, shown[2], "training starts"},
			{&c.TrainingEndsOn, ends, shown[3], "training ends"}} {
			if f.e.Text != f.shown {
				*f.v, errs[i] = isoDate(f.name, f.e.Text, false)
			}
		}
		if err := errors.Join(errs[:]...); err != nil {
			showError(err, s.e.win)
			return
		}
		load(s.e, func(ctx context.Context) (int64, error) { return s.store.SaveCohort(ctx, s.e.user, c) },
			func(id int64) { s.cohortID = id; s.refresh() },
			func(err error) { s.saveFailed(err, d) })
	}, s.e.win)
	d.Resize(fyne.NewSize(460, 0))
	showForm(s.e.win, d, number, ind, starts, ends)
}

// editHost opens the host form; a new host has ID 0.
func (s *cohortsScreen) editHost(h model.Host) {
	name := newEscEntry(nil, nil)
	name.SetText(h.Name)
	name.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("is required")
		}
		return nil
	}
	region := newEscEntry(nil, nil)
	region.SetText(h.Region)
	region.Validator = name.Validator
	setting := widget.NewRadioGroup([]string{"Rural", "Urban"}, nil)
	setting.Horizontal = true
	setting.SetSelected(capitalise(orDefault(h.Setting, model.SettingUrban)))
	kick := widget.NewCheck("Kickstarter host", nil)
	kick.SetChecked(h.Kickstarter)
	partner := newEscEntry(nil, nil)
	partner.SetPlaceHolder("empty when found directly")
	partner.SetText(h.Partner)
	var cohortOpts []string
	cohortOpts = append(cohortOpts, noneShown)
	for _, c := range s.cohorts {
		cohortOpts = append(cohortOpts, fmt.Sprintf("Cohort %d", c.Number))
	}
	cohort := widget.NewSelect(cohortOpts, nil)
	cohort.SetSelectedIndex(0)
	for i, c := range s.cohorts {
		if c.ID == h.CohortID {
			cohort.SetSelectedIndex(i + 1)
		}
	}
	shownName, shownRegion, shownPartner := name.Text, region.Text, partner.Text
	shownSetting, shownCohort := setting.Selected, cohort.SelectedIndex()
	title := "Add host"
	if h.ID != 0 {
		title = "Edit " + h.Name
	}
	items := []*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Region", region),
		widget.NewFormItem("Setting", setting), widget.NewFormItem("", kick),
		widget.NewFormItem("Referring partner", partner), widget.NewFormItem("Cohort", cohort)}
	var d *formDialog
	d = newForm(title, "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		// Only the fields the user changed are read back: the rest keep
		// their stored values exactly, a cohort the list lacks included.
		keepOrRead(&h.Name, name, shownName)
		keepOrRead(&h.Region, region, shownRegion)
		keepOrRead(&h.Partner, partner, shownPartner)
		if setting.Selected != shownSetting {
			h.Setting = strings.ToLower(setting.Selected)
		}
		h.Kickstarter = kick.Checked
		if i := cohort.SelectedIndex(); i != shownCohort {
			h.CohortID = 0
			if i > 0 {
				h.CohortID = s.cohorts[i-1].ID
			}
		}
		load(s.e, func(ctx context.Context) (int64, error) { return s.store.SaveHost(ctx, s.e.user, h) },
			func(id int64) { s.hostID = id; s.refresh() },
			func(err error) { s.saveFailed(err, d) })
	}, s.e.win)
	d.Resize(fyne.NewSize(520, 0))
	showForm(s.e.win, d, name, region, partner)
}

// saveFailed shows why a cohort or host was not saved. Refused because
// someone changed it since the list was read: say who and when, and offer
// to reload the list (the form then opens on the record as saved now) or to
// go back to the form with the edits as typed.
func (s *cohortsScreen) saveFailed(err error, form *formDialog) {
	if said, ok := changedText(err); ok {
		askReload(s.e.win, said, s.refresh, form.Show)
		return
	}
	showError(plainError(err), s.e.win)
}

// keepOrRead sets *v to the entry's trimmed text if the user changed it
// from what the form first showed, and otherwise leaves *v as stored.
func keepOrRead(v *string, e *escEntry, shown string) {
	if e.Text != shown {
		*v = strings.TrimSpace(e.Text)
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// plainError keeps only the field and reason of a rule the store refused.
func plainError(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fmt.Errorf("not saved: %s %s", fe.Field, fe.Msg)
	}
	return err
}

// showForm shows a form dialog whose entries save it on Enter and cancel it
// on Escape, with the first entry focused so the keys work at once.
func showForm(win fyne.Window, d *formDialog, entries ...*escEntry) {
	for _, e := range entries {
		e.onEscape = d.Hide
		e.OnSubmitted = func(string) { d.Submit() }
	}
	d.Show()
	if len(entries) > 0 {
		win.Canvas().Focus(entries[0])
	}
}

// onOrganiserSelected opens the page of an organiser of the chosen host.
func (s *cohortsScreen) onOrganiserSelected(i widget.ListItemID) {
	s.orgList.Unselect(i) // so the same organiser opens again on a second tap
	if i >= 0 && i < len(s.organisers) {
		s.e.openOrganiser(s.organisers[i].ID)
	}
}

// showFlaggedHosts lists only the hosts whose team is outside 2–5, over
// every cohort: the hosts the dashboard's flag counted.
func (s *cohortsScreen) showFlaggedHosts() {
	s.flagged = true
	s.cohortID = 0
	s.cohortTable.UnselectAll()
	s.showHosts()
}

// toList shows every cohort's hosts again (the sidebar's Cohorts & hosts).
func (s *cohortsScreen) toList() {
	if s.flagged {
		s.flagged = false
		s.showHosts()
	}
}

// showHost selects host id among every host, listing its organisers.
func (s *cohortsScreen) showHost(id int64) {
	s.flagged = false
	s.cohortID = 0
	s.hostID = id
	s.cohortTable.UnselectAll()
	s.showHosts() // selects it once the hosts are read
}
