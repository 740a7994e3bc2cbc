package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// organiserPage is one organiser's page: an editable details form,
// read-only tabs for support, attendance, modules, accreditation and
// certificates, and for administrators the equality monitoring answers.
type organiserPage struct {
	e       *env
	store   organisersStore
	id      int64 // 0 while adding a new organiser
	onClose func()
	onSaved func(id int64)
	onOpen  func(id int64)

	page     model.OrganiserPage
	cohorts  []model.Choice
	hosts    []model.Choice
	seniors  []model.Choice
	undo     *model.Organiser // the organiser before a withdrawal, for Undo
	title    *widget.Label
	status   *widget.Label
	withdraw *widget.Button
	undoBtn  *widget.Button

	given, family, email, starts, ends *escEntry
	role, host, cohort, support        *widget.Select
	statusSel                          *widget.Select
	formErr                            *widget.Label
	notice                             string // shown under the form once it is filled again, e.g. "Saved."
	// filledFrom is the organiser the form was last filled with and filled
	// what each field then showed: a save keeps every stored value whose
	// field the user left alone, so it changes only what they changed.
	filledFrom model.Organiser
	filled     organiserForm
	filling    bool // fillForm is setting the fields; their handlers do nothing
	seniorsGen int  // each senior list asked for; a late answer to an older one is dropped
	save       *widget.Button
	reload     *widget.Button // shown when a save was refused as changed since the form was filled
	buttons    *fyne.Container

	tabs     *container.AppTabs
	equality *equalityForm // administrators only
	root     *fyne.Container
}

func newOrganiserPage(e *env, st organisersStore, id int64, onClose func(), onSaved, onOpen func(int64)) *organiserPage {
	p := &organiserPage{e: e, store: st, id: id, onClose: onClose, onSaved: onSaved, onOpen: onOpen}
	p.buildUI()
	p.load()
	return p
}

func (p *organiserPage) content() fyne.CanvasObject { return p.root }

func (p *organiserPage) buildUI() {
	p.title = widget.NewLabelWithStyle("New organiser", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.status = widget.NewLabel("")
	back := widget.NewButtonWithIcon("Organisers", theme.NavigateBackIcon(), p.onClose)
	p.withdraw = widget.NewButtonWithIcon("Withdraw…", theme.DeleteIcon(), p.onWithdraw)
	p.withdraw.Importance = widget.DangerImportance
	p.undoBtn = widget.NewButtonWithIcon("Undo withdrawal", theme.ContentUndoIcon(), p.onUndo)
	p.undoBtn.Hide()
	if p.id == 0 {
		p.withdraw.Hide()
	}

	p.given = newEscEntry(p.onCancel, p.onSave)
	p.given.Validator = validatorOf(model.ValidateName)
	p.family = newEscEntry(p.onCancel, p.onSave)
	p.family.Validator = validatorOf(model.ValidateName)
	p.email = newEscEntry(p.onCancel, p.onSave)
	p.email.Validator = validatorOf(model.ValidateEmail)
	p.starts = newEscEntry(p.onCancel, p.onSave)
	p.starts.SetPlaceHolder(datePlaceHolder)
	p.starts.Validator = dateValidator(false)
	p.ends = newEscEntry(p.onCancel, p.onSave)
	p.ends.SetPlaceHolder(datePlaceHolder + "; empty while in training")
	p.ends.Validator = dateValidator(false)
	p.role = widget.NewSelect([]string{"Senior", "Volunteer"}, nil)
	p.host = widget.NewSelect(nil, p.onHostChanged)
	p.cohort = widget.NewSelect(nil, nil)
	p.support = widget.NewSelect(nil, nil)
	p.statusSel = widget.NewSelect([]string{"Active", "Completed", "Withdrawn"}, nil)
	quietUntilTouched(p.given, p.family, p.email, p.starts, p.ends)
	p.formErr = widget.NewLabel("")
	p.formErr.Importance = widget.DangerImportance
	p.formErr.Wrapping = fyne.TextWrapWord
	p.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), p.onSave)
	p.save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", p.onCancel)
	p.reload = widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), p.onReload)
	p.reload.Hide()
	form := widget.NewForm(
		widget.NewFormItem("Given name", p.given),
		widget.NewFormItem("Family name", p.family),
		widget.NewFormItem("Email", p.email),
		widget.NewFormItem("Role", p.role),
		widget.NewFormItem("Host", p.host),
		widget.NewFormItem("Cohort", p.cohort),
		widget.NewFormItem("Supported by", p.support),
		widget.NewFormItem("Start date", p.starts),
		widget.NewFormItem("End date", p.ends),
		widget.NewFormItem("Status", p.statusSel),
	)
	hint := widget.NewLabel("Enter saves, Escape cancels.")
	hint.Importance = widget.LowImportance
	p.buttons = container.NewHBox(p.save, cancel, p.reload, hint)
	details := container.NewVScroll(container.NewVBox(form, p.formErr,
		p.buttons))
	// A reader sees the details as they are stored, and nothing to change them with.
	readOnlyUnless(p.e, model.ActOrganisers, p.given, p.family, p.email, p.starts, p.ends,
		p.role, p.host, p.cohort, p.support, p.statusSel)
	offerIf(p.e, model.ActOrganisers, p.save, cancel, hint, p.withdraw, p.undoBtn)

	p.tabs = container.NewAppTabs(container.NewTabItem("Details", details))
	if p.id != 0 {
		p.tabs.Append(container.NewTabItem("Supported by / supporting", widget.NewLabel("Loading…")))
		p.tabs.Append(container.NewTabItem("Training attendance", widget.NewLabel("Loading…")))
		p.tabs.Append(container.NewTabItem("Module progress", widget.NewLabel("Loading…")))
		p.tabs.Append(container.NewTabItem("Accreditation", widget.NewLabel("Loading…")))
		p.tabs.Append(container.NewTabItem("Certificates", widget.NewLabel("Loading…")))
		if p.e.may(model.ActEquality) {
			p.tabs.Append(container.NewTabItem("Equality monitoring", widget.NewLabel("Loading…")))
		}
	}
	head := container.NewBorder(nil, nil, container.NewHBox(back, p.title, p.status), container.NewHBox(p.undoBtn, p.withdraw))
	p.root = container.NewBorder(head, nil, nil, nil, p.tabs)
}

// load reads the page and the pickers' choices off the UI goroutine.
func (p *organiserPage) load() {
	type data struct {
		page           model.OrganiserPage
		cohorts, hosts []model.Choice
		seniors        []model.Choice
	}
	id := p.id
	load(p.e, func(ctx context.Context) (data, error) {
		var d data
		var err error
		if id != 0 {
			if d.page, err = p.store.OrganiserPage(ctx, id); err != nil {
				return d, err
			}
		}
		if d.cohorts, err = p.store.CohortChoices(ctx); err != nil {
			return d, err
		}
		if d.hosts, err = p.store.HostChoices(ctx); err != nil {
			return d, err
		}
		d.seniors, err = p.store.SeniorChoices(ctx, d.page.Organiser.HostID)
		return d, err
	}, func(d data) {
		p.page, p.cohorts, p.hosts, p.seniors = d.page, d.cohorts, d.hosts, d.seniors
		p.cohort.Options = append([]string{noneShown}, labels(d.cohorts)...)
		p.host.Options = append([]string{noneShown}, labels(d.hosts)...)
		p.seniorsGen++ // any senior list still on its way was asked for an older form
		p.fillForm()
		if id != 0 {
			p.fillTabs()
		}
	}, func(err error) { sayProblem(p.formErr, "Could not load this organiser: "+err.Error()) })
}

func labelOf(cs []model.Choice, id int64) string {
	for _, c := range cs {
		if c.ID == id {
			return c.Label
		}
	}
	return noneShown
}

// indexOf is the position of id's choice in a select whose first option is
// "— none —": 0 for none or an id not offered.
func indexOf(cs []model.Choice, id int64) int {
	for i, c := range cs {
		if c.ID == id && id != 0 {
			return i + 1
		}
	}
	return 0
}

// chosen is the choice a select shows, by position, so two people with the
// same name are never confused; the zero Choice for "— none —".
func chosen(sel *widget.Select, cs []model.Choice) model.Choice {
	if i := sel.SelectedIndex(); i > 0 && i <= len(cs) {
		return cs[i-1]
	}
	return model.Choice{}
}

// organiserForm is what each field of the details form shows.
type organiserForm struct {
	given, family, email, starts, ends      string
	role, host, cohort, support, statusText string
}

func (p *organiserPage) shown() organiserForm {
	return organiserForm{given: p.given.Text, family: p.family.Text, email: p.email.Text, starts: p.starts.Text,
		ends: p.ends.Text, role: p.role.Selected, host: p.host.Selected, cohort: p.cohort.Selected,
		support: p.support.Selected, statusText: p.statusSel.Selected}
}

// fillForm puts the organiser as stored into the form, dropping any edits.
func (p *organiserPage) fillForm() {
	o := p.page.Organiser
	if p.id == 0 {
		o = model.Organiser{Role: model.RoleVolunteer, Status: model.StatusActive, StartsOn: time.Now().Format(time.DateOnly)}
	} else {
		p.title.SetText(o.Name())
	}
	p.filling = true
	p.given.SetText(o.GivenName)
	p.family.SetText(o.FamilyName)
	p.email.SetText(o.Email)
	p.starts.SetText(dateText(o.StartsOn))
	p.ends.SetText(dateText(o.EndsOn))
	p.role.SetSelected(capitalise(o.Role))
	p.cohort.SetSelectedIndex(indexOf(p.cohorts, o.CohortID))
	p.host.SetSelectedIndex(indexOf(p.hosts, o.HostID))
	supporter := model.Choice{ID: o.SupportedByID, Label: p.page.SupportedBy}
	if supporter.Label == "" {
		supporter.Label = fmt.Sprintf("organiser %d", o.SupportedByID)
	}
	p.setSeniors(p.seniors, supporter)
	p.statusSel.SetSelected(capitalise(o.Status))
	p.filling = false
	untouch(p.given, p.family, p.email, p.starts, p.ends) // a form filled afresh says nothing until touched
	p.filledFrom, p.filled = o, p.shown()
	p.showReload(false)
	sayDone(p.formErr, p.notice)
	p.notice = ""
	p.showStatus()
}

func (p *organiserPage) showStatus() {
	o := p.page.Organiser
	switch {
	case p.id == 0:
		say(p.status, "")
	case o.Status == model.StatusWithdrawn:
		say(p.status, fmt.Sprintf("%s · withdrawn %s: %s", capitalise(o.Role), day(o.WithdrawnOn), o.WithdrawnReason))
		p.withdraw.Hide()
	default:
		say(p.status, fmt.Sprintf("%s · %s", capitalise(o.Role), o.Status))
		if p.e.may(model.ActOrganisers) {
			p.withdraw.Show()
		}
	}
}

// setSeniors offers the seniors cs and selects keep, adding them when cs
// lacks them (a supporter at another host, or since withdrawn): a list that
// does not offer the current supporter must never quietly select none.
func (p *organiserPage) setSeniors(cs []model.Choice, keep model.Choice) {
	seniors := slices.Clone(cs)
	if keep.ID != 0 && indexOf(seniors, keep.ID) == 0 {
		seniors = append(seniors, keep)
	}
	p.seniors = uniqueLabels(seniors)
	p.support.Options = append([]string{noneShown}, labels(p.seniors)...)
	p.support.SetSelectedIndex(indexOf(p.seniors, keep.ID))
}

// uniqueLabels numbers repeated labels, as two seniors may share a name, so
// that each option names one person.
func uniqueLabels(cs []model.Choice) []model.Choice {
	n := map[string]int{}
	for _, c := range cs {
		n[c.Label]++
	}
	out := make([]model.Choice, len(cs))
	for i, c := range cs {
		if n[c.Label] > 1 {
			c.Label = fmt.Sprintf("%s (#%d)", c.Label, c.ID)
		}
		out[i] = c
	}
	return out
}

// onHostChanged offers the chosen host's seniors as supporters, keeping the
// supporter already chosen; filling the form is not a change of host.
func (p *organiserPage) onHostChanged(string) {
	if p.filling {
		return
	}
	hostID := chosen(p.host, p.hosts).ID
	p.seniorsGen++
	gen := p.seniorsGen
	load(p.e, func(ctx context.Context) ([]model.Choice, error) { return p.store.SeniorChoices(ctx, hostID) },
		func(cs []model.Choice) {
			if gen != p.seniorsGen {
				return // the form was refilled or the host changed again since
			}
			p.setSeniors(cs, chosen(p.support, p.seniors))
		},
		func(err error) { sayProblem(p.formErr, err.Error()) })
}

// formOrganiser reads the form into an organiser: the stored organiser with
// only the fields the user changed replaced by what the form shows; a date
// that cannot be read is a field error naming its field.
func (p *organiserPage) formOrganiser() (model.Organiser, error) {
	o, was, now := p.filledFrom, p.filled, p.shown()
	o.ID = p.id
	if now.given != was.given {
		o.GivenName = strings.TrimSpace(now.given)
	}
	if now.family != was.family {
		o.FamilyName = strings.TrimSpace(now.family)
	}
	if now.email != was.email {
		o.Email = strings.TrimSpace(now.email)
	}
	var err error
	if now.starts != was.starts {
		if o.StartsOn, err = isoDate("start date", now.starts, false); err != nil {
			return o, err
		}
	}
	if now.ends != was.ends {
		if o.EndsOn, err = isoDate("end date", now.ends, false); err != nil {
			return o, err
		}
	}
	if now.role != was.role {
		o.Role = strings.ToLower(now.role)
	}
	if now.host != was.host {
		o.HostID = chosen(p.host, p.hosts).ID
	}
	if now.cohort != was.cohort {
		o.CohortID = chosen(p.cohort, p.cohorts).ID
	}
	if now.support != was.support {
		o.SupportedByID = chosen(p.support, p.seniors).ID
	}
	if now.statusText != was.statusText {
		o.Status = strings.ToLower(now.statusText)
		if o.Status == model.StatusWithdrawn && o.WithdrawnOn == "" {
			o.WithdrawnOn, o.WithdrawnReason = time.Now().Format(time.DateOnly), "marked withdrawn on the details form"
		}
	}
	if o.Role == model.RoleSenior {
		o.SupportedByID = 0
	}
	return o, nil
}

// onSave validates at the fields, then saves in the background.
func (p *organiserPage) onSave() {
	if e := touchAll(p.given, p.family, p.email, p.starts, p.ends); e != nil {
		sayProblem(p.formErr, "Please correct the fields marked in red.")
		p.e.win.Canvas().Focus(e)
		return
	}
	o, err := p.formOrganiser()
	if err != nil {
		p.showFieldError(err)
		return
	}
	p.save.Disable()
	say(p.formErr, "Saving…")
	load(p.e, func(ctx context.Context) (int64, error) {
		if o.ID == 0 {
			return p.store.CreateOrganiser(ctx, p.e.user, o)
		}
		return o.ID, p.store.UpdateOrganiser(ctx, p.e.user, o)
	}, func(id int64) {
		p.save.Enable()
		sayDone(p.formErr, "Saved.")
		p.notice = "Saved."
		p.onSaved(id)
		if o.ID == 0 {
			p.onOpen(id) // a new organiser: open their full page
			return
		}
		p.load()
	}, func(err error) {
		p.save.Enable()
		p.showFieldError(err)
	})
}

// showFieldError puts a rule the store refused beside its field; a save
// refused because someone changed the organiser since says who and when,
// and offers Reload.
func (p *organiserPage) showFieldError(err error) {
	if said, ok := changedText(err); ok {
		sayProblem(p.formErr, said)
		p.showReload(true)
		return
	}
	var fe *model.FieldError
	if !errors.As(err, &fe) {
		sayProblem(p.formErr, "Not saved: "+err.Error())
		return
	}
	entries := map[string]*escEntry{"given name": p.given, "family name": p.family, "email": p.email, "start date": p.starts, "end date": p.ends}
	if e, ok := entries[fe.Field]; ok {
		e.SetValidationError(errors.New(fe.Msg))
		p.e.win.Canvas().Focus(e)
	}
	sayProblem(p.formErr, fmt.Sprintf("Not saved: %s %s.", capitalise(fe.Field), fe.Msg))
}

// showReload shows or hides Reload, laying its row out again so the
// buttons beside it make room.
func (p *organiserPage) showReload(show bool) {
	if show {
		p.reload.Show()
	} else {
		p.reload.Hide()
	}
	p.buttons.Refresh()
}

// onReload fills the form with the organiser as stored now, once the user
// agrees to lose the edits the refused save carried.
func (p *organiserPage) onReload() {
	askReload(p.e.win, p.formErr.Text, func() {
		p.notice = "Reloaded: the form shows the organiser as saved now."
		p.load()
	}, nil)
}

func (p *organiserPage) onCancel() {
	if p.id == 0 {
		p.onClose()
		return
	}
	p.fillForm()
	say(p.formErr, "Changes cancelled.")
}

// onWithdraw asks for the date and reason, then confirms.
func (p *organiserPage) onWithdraw() {
	o := p.page.Organiser
	on := newEscEntry(nil, nil)
	on.SetPlaceHolder(datePlaceHolder)
	on.SetText(todayText())
	on.Validator = dateValidator(true)
	reason := newEscEntry(nil, nil)
	reason.SetPlaceHolder("e.g. moved away, new job")
	reason.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("a reason is required")
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem("Withdrawn on", on), widget.NewFormItem("Reason", reason)}
	d := newForm(fmt.Sprintf("Withdraw %s?", o.Name()), "Withdraw", "Keep", items, func(ok bool) {
		if !ok {
			return
		}
		d, err := isoDate("withdrawn on", on.Text, true)
		if err != nil {
			showError(err, p.e.win)
			return
		}
		r := strings.TrimSpace(reason.Text)
		load(p.e, func(ctx context.Context) (model.Organiser, error) {
			return p.store.WithdrawOrganiser(ctx, p.e.user, p.id, d, r)
		},
			func(before model.Organiser) {
				p.undo = &before
				p.undoBtn.Show()
				p.onSaved(p.id)
				p.load()
			}, func(err error) { showError(err, p.e.win) })
	}, p.e.win)
	d.Resize(fyne.NewSize(460, 0))
	showForm(p.e.win, d, reason, on)
}

// onUndo puts the organiser back as they were before the withdrawal.
func (p *organiserPage) onUndo() {
	if p.undo == nil {
		return
	}
	before := *p.undo
	load(p.e, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, p.store.UpdateOrganiser(ctx, p.e.user, before)
	},
		func(struct{}) {
			p.undo = nil
			p.undoBtn.Hide()
			p.onSaved(p.id)
			p.load()
		}, func(err error) { showError(err, p.e.win) })
}

// fillTabs builds the read-only tabs from the loaded page.
func (p *organiserPage) fillTabs() {
	pg := p.page
	// Supported by / supporting.
	sup := "Supported by: " + noneShown
	if pg.SupportedBy != "" {
		sup = "Supported by: " + pg.SupportedBy
	}
	where := fmt.Sprintf("Host: %s · Cohort: %s", orNone(pg.HostName), cohortText(pg.CohortNumber))
	supporting := &widget.List{
		Length:     func() int { return len(pg.Supporting) },
		CreateItem: func() fyne.CanvasObject { return widget.NewLabel("") },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			r := pg.Supporting[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s — %s, %s, started %s", r.Name(), capitalise(r.Role), r.Status, day(r.StartsOn)))
		},
	}
	supporting.OnSelected = func(i widget.ListItemID) { p.onOpen(pg.Supporting[i].ID) }
	supporting.ExtendBaseWidget(supporting)
	p.tabs.Items[1].Content = container.NewBorder(container.NewVBox(widget.NewLabel(where), widget.NewLabel(sup),
		widget.NewLabelWithStyle(fmt.Sprintf("Supporting %s volunteer organisers", num(len(pg.Supporting))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		nil, nil, nil, supporting)

	// Attendance.
	present := 0
	for _, a := range pg.Attendance {
		if a.Present {
			present++
		}
	}
	att := newSimpleTable([]string{"Date", "Course", "Session", "Attendance"}, []float32{110, 330, 300, 110}, len(pg.Attendance),
		func(row, col int) string {
			a := pg.Attendance[row]
			switch col {
			case 0:
				return day(a.HeldOn)
			case 1:
				return a.CourseTitle
			case 2:
				return a.Title
			}
			if a.Present {
				return "Present"
			}
			return "Absent"
		})
	p.tabs.Items[2].Content = container.NewBorder(widget.NewLabel(fmt.Sprintf("Present at %s of %s sessions on the register",
		num(present), num(len(pg.Attendance)))), nil, nil, nil, att)

	// Modules.
	done := 0
	for _, m := range pg.Modules {
		if m.CompletedOn != "" {
			done++
		}
	}
	mods := newSimpleTable([]string{"Module", "Title", "Completed"}, []float32{90, 420, 140}, len(pg.Modules), func(row, col int) string {
		m := pg.Modules[row]
		switch col {
		case 0:
			return m.Code
		case 1:
			return m.Title
		}
		if m.CompletedOn == "" {
			return "Not yet"
		}
		return "✓ " + day(m.CompletedOn)
	})
	p.tabs.Items[3].Content = container.NewBorder(widget.NewLabel(fmt.Sprintf("%d of %d modules completed", done, len(pg.Modules))),
		nil, nil, nil, mods)

	// Accreditation (read-only here).
	credits := 0
	for _, u := range pg.Units {
		credits += u.Credits
	}
	ev := pg.Evidence
	summary := widget.NewLabel(fmt.Sprintf("%d units achieved, %d credits. Evidence: %d items — %d assessed, %d awaiting a decision, %d referred, %d drafts.",
		len(pg.Units), credits, ev.Total(), ev.Assessed, ev.Submitted, ev.Referred, ev.Draft))
	summary.Wrapping = fyne.TextWrapWord
	units := newSimpleTable([]string{"Unit", "Title", "Level", "Credits", "Achieved"}, []float32{110, 380, 70, 80, 130}, len(pg.Units),
		func(row, col int) string {
			u := pg.Units[row]
			switch col {
			case 0:
				return u.Code
			case 1:
				return u.Title
			case 2:
				return fmt.Sprint(u.Level)
			case 3:
				return fmt.Sprint(u.Credits)
			}
			return day(u.AchievedOn)
		})
	p.tabs.Items[4].Content = container.NewBorder(summary, nil, nil, nil, units)

	// Certificates.
	certs := newSimpleTable([]string{"Number", "Kind", "Issued", "Revoked"}, []float32{190, 120, 130, 130}, len(pg.Certificates),
		func(row, col int) string {
			c := pg.Certificates[row]
			switch col {
			case 0:
				return c.Number
			case 1:
				return capitalise(c.Kind)
			case 2:
				return day(c.IssuedOn)
			}
			if c.RevokedAt == "" {
				return ""
			}
			return day(c.RevokedAt)
		})
	p.tabs.Items[5].Content = container.NewBorder(widget.NewLabel(fmt.Sprintf("%d certificates issued", len(pg.Certificates))),
		nil, nil, nil, certs)
	if len(p.tabs.Items) > 6 {
		p.equality = newEqualityForm(p.e, p.e.store, pg.Organiser.PersonID)
		p.tabs.Items[6].Content = p.equality.content()
	}
	p.tabs.Refresh()
}

func orNone(s string) string {
	if s == "" {
		return noneShown
	}
	return s
}

func cohortText(n int) string {
	if n == 0 {
		return noneShown
	}
	return fmt.Sprint(n)
}

// newSimpleTable is textTable over a fixed number of rows; screens that
// keep their rows in a slice set Length and UpdateCell themselves after.
func newSimpleTable(headers []string, widths []float32, rows int, cell func(row, col int) string) *widget.Table {
	if cell == nil {
		cell = func(int, int) string { return "" }
	}
	return textTable(headers, widths, func() int { return rows }, cell, nil)
}
