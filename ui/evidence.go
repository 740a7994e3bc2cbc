package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// evidenceStore is what the evidence screen asks of the model.
type evidenceStore interface {
	AssessorQueue(ctx context.Context, f model.QueueFilter) ([]model.QueueItem, error)
	QueueLength(ctx context.Context) (int, error)
	Evidence(ctx context.Context, id int64) (model.EvidenceItem, error)
	Decisions(ctx context.Context, evidenceID int64) ([]model.Decision, error)
	CriteriaByID(ctx context.Context, ids []int64) ([]model.Criterion, error)
	RecordDecision(ctx context.Context, by model.User, d model.DecisionDraft) (int64, error)
	Learners(ctx context.Context, text string, limit int) ([]model.Learner, error)
	Portfolio(ctx context.Context, organiserID int64) ([]model.EvidenceItem, error)
	Coverage(ctx context.Context, organiserID int64) ([]model.CriterionCoverage, error)
	LearnerProgress(ctx context.Context, organiserID int64) ([]model.LearnerProgress, error)
	LoadCatalogue(ctx context.Context) (model.Catalogue, error)
	AddEvidence(ctx context.Context, by model.User, e model.EvidenceItem, submit bool) (int64, error)
	AddEvidenceFile(ctx context.Context, by model.User, evidenceID int64, src string) (model.EvidenceFile, error)
	SubmitEvidence(ctx context.Context, by model.User, id int64) error
	ViewableCopy(f model.EvidenceFile) (string, error)
	ViewEvidence(ctx context.Context, f model.EvidenceFile, textLimit int) (model.EvidenceView, error)
}

// evidenceScreen holds the assessor queue with its decision form, and
// learners' portfolios with their criteria coverage grid.
type evidenceScreen struct {
	e     *env
	store evidenceStore
	root  *container.AppTabs

	// assessor queue
	queue      []model.QueueItem
	queueTable *widget.Table
	cohortSel  *widget.Select
	unitSel    *widget.Select
	hostEntry  *widget.Entry
	queueCount *widget.Label
	queueGen   int             // the newest queue load; an older one arriving late is dropped
	decision   *fyne.Container // the decision form for the selected item
	form       *decisionForm   // the form shown, nil while none is
	recorded   string          // the last decision recorded, said above the next form
	selectedID int64           // the queue item chosen (its evidence), 0 for none
	quiet      bool            // set while the table's selection is moved without opening a form
	live       liveReload      // queue reloads for changes made at other desks

	livePortfolio liveReload // portfolio reloads for changes made at other desks

	// portfolio
	search     *widget.Entry
	learners   []model.Learner
	learnerSeq int         // the latest search; an older answer is dropped
	searchWait *time.Timer // a search waiting for typing to pause
	learnerLst *widget.List
	learner    model.Learner
	items      []model.EvidenceItem
	itemTable  *widget.Table
	item       int // selected row of items, -1 for none
	coverage   []model.CriterionCoverage
	covTable   *widget.Table
	heading    *widget.Label
	addButton  *widget.Button
	fileButton *widget.Button
	subButton  *widget.Button
	catalogue  model.Catalogue
}

func newEvidenceScreen(e *env) screen {
	s := &evidenceScreen{e: e, store: e.store, item: -1}
	s.buildUI()
	s.registerDecisionKeys()
	s.refresh()
	go func() {
		cat, err := s.store.LoadCatalogue(e.ctx)
		if err == nil {
			e.post(func() {
				s.catalogue = cat
				opts := []string{"All units"}
				for _, u := range cat.Units {
					opts = append(opts, u.Code)
				}
				s.unitSel.SetOptions(opts)
			})
		}
	}()
	return s
}

func (s *evidenceScreen) buildUI() {
	s.cohortSel = widget.NewSelect(cohortChoices(14), nil)
	s.cohortSel.SetSelectedIndex(0)
	s.cohortSel.OnChanged = func(string) { s.refresh() }
	cohortsFromStore(s.e, s.cohortSel, true)
	s.unitSel = widget.NewSelect([]string{"All units"}, nil)
	s.unitSel.SetSelectedIndex(0)
	s.unitSel.OnChanged = func(string) { s.refresh() }
	// The host filter narrows the queue as the assessor types, by any part of the name.
	s.hostEntry = &widget.Entry{PlaceHolder: "host (part of its name)", OnChanged: func(string) { s.refresh() }}
	s.hostEntry.ExtendBaseWidget(s.hostEntry)
	s.queueCount = widget.NewLabel("Loading the queue…")
	s.queueTable = textTable([]string{"Waiting since", "Learner", "Cohort", "Unit", "Type", "Host", "Title", "Verifier's actions"},
		[]float32{105, 150, 60, 60, 150, 170, 240, 200}, func() int { return len(s.queue) }, s.queueCell, s.onQueueSelected)
	s.decision = container.NewStack(widget.NewLabel("Choose evidence in the queue to assess it."))
	filters := container.NewHBox(widget.NewLabel("Queue"), s.cohortSel, s.unitSel, container.NewGridWrap(fyne.NewSize(200, 36), s.hostEntry), s.queueCount)
	split := container.NewHSplit(s.queueTable, s.decision) // the decision scrolls inside, its button stays in view
	split.Offset = 0.52
	queueTab := container.NewBorder(filters, nil, nil, nil, split)

	s.search = &widget.Entry{PlaceHolder: "Find a learner by name, email or host (Ctrl+F)", OnChanged: s.onSearchChanged}
	s.search.ExtendBaseWidget(s.search)
	s.learnerLst = widget.NewList(func() int { return len(s.learners) },
		func() fyne.CanvasObject { return widget.NewLabel("Learner name, cohort 00") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := s.learners[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · cohort %d", l.Name, l.Cohort))
		})
	s.learnerLst.OnSelected = s.onLearnerSelected
	s.heading = widget.NewLabelWithStyle("Choose a learner", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.itemTable = textTable([]string{"Date", "Unit", "Type", "Title", "Status", "Files"}, []float32{100, 60, 150, 260, 90, 50},
		func() int { return len(s.items) }, s.itemCell, func(r int) { s.item = r; s.updateButtons() })
	s.covTable = textTable([]string{"Unit", "Criterion", "Text", "Evidence", "Where it stands"}, []float32{60, 70, 330, 70, 120},
		func() int { return len(s.coverage) }, s.coverageCell, nil)
	s.addButton = widget.NewButton("Add evidence…", s.onAddEvidence)
	s.fileButton = widget.NewButton("Add file…", s.onAddFile)
	s.subButton = widget.NewButton("Submit for assessment", s.onSubmit)
	s.updateButtons()
	right := container.NewVSplit(
		container.NewBorder(container.NewVBox(s.heading, container.NewHBox(s.addButton, s.fileButton, s.subButton)), nil, nil, nil, s.itemTable),
		container.NewBorder(widget.NewLabel("Criteria coverage grid"), nil, nil, nil, s.covTable))
	left := container.NewBorder(s.search, nil, nil, nil, s.learnerLst)
	port := container.NewHSplit(left, right)
	port.Offset = 0.25
	s.root = container.NewAppTabs(container.NewTabItem("Assessor queue", queueTab), container.NewTabItem("Portfolios", port))
}

func (s *evidenceScreen) content() fyne.CanvasObject { return s.root }

func (s *evidenceScreen) focusSearch() {
	s.root.SelectIndex(1)
	s.e.win.Canvas().Focus(s.search)
}

// queuePage is how many of the oldest items the queue shows at once.
const queuePage = 200

// queueView is a page of the queue and how many wait in all.
type queueView struct {
	items []model.QueueItem
	total int
}

// refresh reloads the queue with the current filters.
func (s *evidenceScreen) refresh() { s.reloadQueue(0) }

// queueFilter is the queue's filters as chosen, and whether any narrows it.
func (s *evidenceScreen) queueFilter() (model.QueueFilter, bool) {
	f := model.QueueFilter{Cohort: cohortOf(s.cohortSel.Selected), Host: strings.TrimSpace(s.hostEntry.Text), Limit: queuePage}
	if s.unitSel.SelectedIndex() > 0 {
		f.Unit = s.unitSel.Selected
	}
	return f, f.Cohort != 0 || f.Host != "" || f.Unit != ""
}

// readQueue reads a page of the queue for f, and how many wait in all.
func (s *evidenceScreen) readQueue(f model.QueueFilter, filtered bool) func(ctx context.Context) (queueView, error) {
	return func(ctx context.Context) (queueView, error) {
		items, err := s.store.AssessorQueue(ctx, f)
		if err != nil || filtered {
			return queueView{items, len(items)}, err
		}
		n, err := s.store.QueueLength(ctx)
		return queueView{items, n}, err
	}
}

// showQueueCount says how many wait.
func (s *evidenceScreen) showQueueCount(v queueView, filtered bool) {
	text := num(v.total) + " waiting, oldest first"
	if filtered {
		text = num(v.total) + " waiting in this selection, oldest first"
	}
	if len(v.items) < v.total || len(v.items) == queuePage {
		text += " (showing the oldest " + num(len(v.items)) + ")"
	}
	s.queueCount.SetText(text)
}

// reloadQueue reloads the queue; after a decision on evidence decided, it
// opens the item that came next, so the assessor works down the queue.
func (s *evidenceScreen) reloadQueue(decided int64) {
	f, filtered := s.queueFilter()
	s.queueGen++
	gen := s.queueGen
	load(s.e, s.readQueue(f, filtered), func(v queueView) {
		if gen != s.queueGen {
			return // the filter changed while this was read
		}
		next := nextInQueue(s.queue, v.items, decided)
		s.queue = v.items
		s.showQueueCount(v, filtered)
		s.queueTable.UnselectAll()
		s.selectedID = 0
		s.queueTable.Refresh()
		switch {
		case decided != 0 && next >= 0:
			s.queueTable.ScrollTo(widget.TableCellID{Row: next, Col: 0})
			s.queueTable.Select(widget.TableCellID{Row: next, Col: 0})
		case decided != 0:
			s.decision.Objects = []fyne.CanvasObject{widget.NewLabel(s.recorded + " Nothing else is waiting in this selection.")}
			s.decision.Refresh()
			s.recorded = ""
		}
	}, func(err error) {
		if gen == s.queueGen {
			s.queueCount.SetText(errText(err))
		}
	})
}

// queueEntities are the changes that can add to the queue, take from it or
// change what a row says.
var queueEntities = []string{model.EntityDecision, model.EntityEvidence, model.EntitySample, model.EntityOrganiser,
	model.EntityPeople, model.EntityProgramme, model.KindOrganisers, model.KindHosts, model.KindCohorts}

// portfolioEntities are the changes that can alter an open portfolio: its
// evidence and files, decisions on them, samples, achievements and the
// learner's own record.
var portfolioEntities = []string{model.EntityDecision, model.EntityEvidence, model.EntityEvidenceFile, model.EntitySample,
	model.EntityAchievement, model.EntityOrganiser, model.EntityPeople, model.EntityQualification, model.EntityModuleDone}

// changed reads the queue, and the portfolio open beside it, again when
// another desk's change bears on them.
func (s *evidenceScreen) changed(cs []model.Change) {
	if model.Touches(cs, queueEntities...) {
		s.live.request(cs, s.reloadQueueLive)
	}
	if s.learner.OrganiserID != 0 && model.Touches(cs, portfolioEntities...) {
		s.livePortfolio.request(cs, func(_ []model.Change, done func()) { s.readPortfolio(done) })
	}
}

// reloadQueueLive reads the queue again in place: the filters, the scroll,
// the item chosen and its form stay as the assessor left them. When the
// item chosen has left the queue (decided at another desk), an untouched
// form gives way to a word saying so; one being filled in keeps everything
// typed and gains a note offering to reload.
func (s *evidenceScreen) reloadQueueLive(cs []model.Change, done func()) {
	f, filtered := s.queueFilter()
	gen := s.queueGen // a reload the assessor asks for wins over this one
	load(s.e, s.readQueue(f, filtered), func(v queueView) {
		defer done()
		if gen != s.queueGen {
			return
		}
		s.queue = v.items
		s.showQueueCount(v, filtered)
		s.queueTable.Refresh()
		if s.selectedID == 0 {
			return
		}
		for r, q := range v.items {
			if q.EvidenceID == s.selectedID {
				s.quiet = true // the row may have moved; its form stays
				s.queueTable.Select(widget.TableCellID{Row: r, Col: selectedCol(s.queueTable)})
				s.quiet = false
				return
			}
		}
		gone := s.selectedID
		s.selectedID = 0
		s.queueTable.UnselectAll()
		s.itemLeftQueue(gone, cs)
	}, func(err error) {
		done()
		if gen == s.queueGen {
			s.queueCount.SetText(errText(err))
		}
	})
}

// itemLeftQueue tells the assessor that the item whose form is open was
// dealt with elsewhere, without taking away anything they have typed.
func (s *evidenceScreen) itemLeftQueue(id int64, cs []model.Change) {
	f := s.form
	if f == nil || f.item.ID != id {
		return
	}
	if !f.touched() {
		s.form = nil
		l := widget.NewLabel(fmt.Sprintf("%q was decided at another desk%s; choose the next item in the queue.", f.item.Title, byOthers(cs)))
		l.Wrapping = fyne.TextWrapWord
		s.decision.Objects = []fyne.CanvasObject{l}
		s.decision.Refresh()
		return
	}
	f.note.Objects = []fyne.CanvasObject{otherDeskNote(cs, "this evidence is no longer waiting for a decision",
		func() { s.openDecision(f.item.ID, "") })}
	f.note.Refresh()
}

// nextInQueue is the row in now of the item that followed decided in was,
// still waiting; the first row when none did; -1 for an empty queue.
func nextInQueue(was, now []model.QueueItem, decided int64) int {
	if len(now) == 0 {
		return -1
	}
	row := map[int64]int{}
	for i, q := range now {
		row[q.EvidenceID] = i
	}
	after := false
	for _, q := range was {
		if after {
			if r, ok := row[q.EvidenceID]; ok {
				return r
			}
		}
		if q.EvidenceID == decided {
			after = true
		}
	}
	return 0
}

func (s *evidenceScreen) queueCell(r, c int) string {
	q := s.queue[r]
	switch c {
	case 0:
		return day(q.WaitingFrom)
	case 1:
		return q.Learner
	case 2:
		return num(q.Cohort)
	case 3:
		return q.UnitCode
	case 4:
		return model.KindName(q.Kind)
	case 5:
		return q.Host
	case 6:
		return q.Title
	}
	return q.SentBack
}

// decisionView is what the decision form shows for one evidence item.
type decisionView struct {
	item     model.EvidenceItem
	criteria []model.Criterion
	history  []model.Decision
	sentBack string
}

func (s *evidenceScreen) onQueueSelected(r int) {
	if s.quiet {
		return
	}
	q := s.queue[r]
	s.selectedID = q.EvidenceID
	s.openDecision(q.EvidenceID, q.SentBack)
}

// openDecision reads evidence id and shows its decision form.
func (s *evidenceScreen) openDecision(id int64, sentBack string) {
	s.form = nil // the shortcuts wait for this item's form
	load(s.e, func(ctx context.Context) (decisionView, error) {
		item, err := s.store.Evidence(ctx, id)
		if err != nil {
			return decisionView{}, err
		}
		crit, err := s.store.CriteriaByID(ctx, item.CriterionIDs)
		if err != nil {
			return decisionView{}, err
		}
		hist, err := s.store.Decisions(ctx, item.ID)
		return decisionView{item, crit, hist, sentBack}, err
	}, s.showDecisionForm, func(err error) {
		s.decision.Objects = []fyne.CanvasObject{widget.NewLabel(errText(err))}
		s.decision.Refresh()
	})
}

// decisionForm is the form for one evidence item: an outcome per criterion,
// feedback and date. By keyboard a decision takes three actions: all
// criteria achieved (Ctrl+Shift+A, or Space on the focused button), the
// feedback typed, recorded (Ctrl+Enter); the next item then opens.
type decisionForm struct {
	s        *evidenceScreen
	item     model.EvidenceItem
	order    []int64 // criteria in the order shown
	radios   map[int64]*widget.RadioGroup
	all      *widget.Button
	feedback *shortcutEntry
	fbMsg    *widget.Label // beside the feedback: what it must say
	date     *widget.Entry
	record   *widget.Button
	msg      *widget.Label
	note     *fyne.Container // says when the item changed at another desk
}

// touched reports whether the assessor has begun the decision: an outcome
// chosen or feedback typed, which a reload must never take away.
func (f *decisionForm) touched() bool {
	if strings.TrimSpace(f.feedback.Text) != "" {
		return true
	}
	for _, rg := range f.radios {
		if rg.Selected != "" {
			return true
		}
	}
	return false
}

// The decision form's buttons say their shortcuts.
const (
	allAchievedLabel = "All criteria achieved (Ctrl+Shift+A)"
	recordLabel      = "Record decision (Ctrl+Enter)"
)

// Keyboard shortcuts of the decision form.
var (
	shortcutAllAchieved = &desktop.CustomShortcut{KeyName: fyne.KeyA, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutRecord      = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutRecordPad   = &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}
)

// shortcutEntry is an entry that answers the form's shortcuts itself: a
// focused entry takes every shortcut, so the window's never see them.
type shortcutEntry struct {
	widget.Entry
	shortcuts map[string]func()
}

func newShortcutEntry() *shortcutEntry {
	e := &shortcutEntry{shortcuts: map[string]func(){}}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs the form's shortcut, or the entry's own (copy, paste…).
func (e *shortcutEntry) TypedShortcut(sc fyne.Shortcut) {
	if fn := e.shortcuts[sc.ShortcutName()]; fn != nil {
		fn()
		return
	}
	e.Entry.TypedShortcut(sc)
}

// registerDecisionKeys puts the form's shortcuts on the window, for when the
// queue or a button has the focus; they act only while a form is on screen.
func (s *evidenceScreen) registerDecisionKeys() {
	c := s.e.win.Canvas()
	c.AddShortcut(shortcutAllAchieved, func(fyne.Shortcut) {
		if f := s.shownForm(); f != nil {
			f.allAchieved()
		}
	})
	for _, sc := range []fyne.Shortcut{shortcutRecord, shortcutRecordPad} {
		c.AddShortcut(sc, func(fyne.Shortcut) {
			if f := s.shownForm(); f != nil {
				f.submit()
			}
		})
	}
}

// shownForm is the decision form if it is on screen now: the window's
// shortcuts outlive a visit to the Evidence section and must not tick a
// form the assessor cannot see.
func (s *evidenceScreen) shownForm() *decisionForm {
	f := s.form
	if f == nil || !f.s.e.may(model.ActDecide) {
		return nil
	}
	if !onScreen(s.e, f.record) {
		return nil // another section, or the Portfolios tab, is showing
	}
	return f
}

// onScreen reports whether o is in the window's visible tree now. Fyne
// does not say when an object leaves the window, and its driver answers the
// canvas's top-left corner for one it cannot find there.
func onScreen(e *env, o fyne.CanvasObject) bool {
	pos := e.app.Driver().AbsolutePositionForObject(o)
	inset, _ := e.win.Canvas().InteractiveArea()
	return !pos.IsZero() && pos != (fyne.Position{}).Subtract(inset)
}

// showDecisionForm builds the form: the evidence, its files and history, an
// outcome per criterion, feedback and date.
func (s *evidenceScreen) showDecisionForm(v decisionView) {
	it := v.item
	f := &decisionForm{s: s, item: it, radios: map[int64]*widget.RadioGroup{}}
	wrap := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	box := container.NewVBox()
	if s.recorded != "" {
		done := wrap(s.recorded)
		done.Importance = widget.SuccessImportance
		box.Add(done)
		s.recorded = ""
	}
	box.Add(widget.NewLabelWithStyle(it.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	box.Add(wrap(fmt.Sprintf("%s · %s · unit %s · submitted %s", model.KindName(it.Kind), day(it.EvidenceOn), it.UnitCode, day(it.SubmittedAt))))
	if it.Description != "" {
		box.Add(wrap(it.Description))
	}
	if it.Kind == "listening_log" {
		box.Add(wrap(fmt.Sprintf("Listening: %s conversations. Themes: %s", num(it.ListeningCount), it.ListeningThemes)))
	}
	box.Add(fileButtons(s.e, s.store, it.Files))
	if v.sentBack != "" {
		l := wrap("Sent back by the internal verifier: " + v.sentBack)
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	for _, d := range v.history {
		box.Add(wrap(fmt.Sprintf("Attempt %d, %s: %s by %s. %s", d.Attempt, day(d.DecidedOn), outcomeName(d.Outcome), d.Assessor, d.Feedback)))
	}
	box.Add(widget.NewSeparator())
	f.all = widget.NewButton(allAchievedLabel, f.allAchieved)
	box.Add(container.NewHBox(f.all))
	for _, c := range v.criteria {
		rg := widget.NewRadioGroup([]string{"Achieved", "Not yet achieved"}, func(string) { f.onOutcome() })
		rg.Horizontal = true
		f.radios[c.ID] = rg
		f.order = append(f.order, c.ID)
		box.Add(wrap(c.Number + "  " + c.Text))
		box.Add(rg)
	}
	f.feedback = newShortcutEntry()
	f.feedback.SetPlaceHolder("Feedback to the learner")
	f.feedback.SetMinRowsVisible(3)
	f.feedback.OnChanged = func(string) {
		if f.fbMsg.Text != "" && f.feedbackProblem() == nil {
			f.fbMsg.SetText("")
		}
	}
	f.feedback.shortcuts[shortcutAllAchieved.ShortcutName()] = f.allAchieved
	f.feedback.shortcuts[shortcutRecord.ShortcutName()] = f.submit
	f.feedback.shortcuts[shortcutRecordPad.ShortcutName()] = f.submit
	f.fbMsg = wrap("")
	f.fbMsg.Importance = widget.DangerImportance
	f.date = widget.NewEntry()
	f.date.SetPlaceHolder(datePlaceHolder)
	f.date.SetText(todayText())
	f.date.Validator = dateValidator(true)
	f.date.OnSubmitted = func(string) { f.submit() }
	f.msg = wrap("")
	f.msg.Importance = widget.DangerImportance
	f.record = widget.NewButton(recordLabel, f.submit)
	f.record.Importance = widget.HighImportance
	still := func(why string) {
		f.record.Disable()
		f.all.Disable()
		f.feedback.Disable()
		f.date.Disable()
		for _, rg := range f.radios {
			rg.Disable()
		}
		f.msg.SetText(why)
	}
	switch {
	case !s.e.may(model.ActDecide):
		// A reader sees the evidence and its history; the form stays still.
		still("Only an assessor records decisions; you are signed in as " + model.RoleName(s.e.user.Role) + ".")
	case it.Status != model.EvidenceAwaiting:
		// Reloaded after another desk decided it: its history says how.
		still("This evidence is no longer waiting for a decision; choose the next item in the queue.")
	}
	form := widget.NewForm(widget.NewFormItem("Feedback", container.NewVBox(f.feedback, f.fbMsg)), widget.NewFormItem("Date", f.date))
	box.Add(form)
	// The criteria scroll; Record decision stays in view below them, on a
	// laptop screen too.
	f.note = container.NewVBox()
	s.decision.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewVBox(f.note, f.record, f.msg), nil, nil, container.NewVScroll(box))}
	s.decision.Refresh()
	s.form = f
	if s.e.may(model.ActDecide) {
		// The first of the three actions is then Space, as well as Ctrl+Shift+A.
		s.e.win.Canvas().Focus(f.all)
	}
}

// allAchieved marks every criterion achieved and moves to the feedback.
func (f *decisionForm) allAchieved() {
	if f.all.Disabled() {
		return
	}
	for _, id := range f.order {
		f.radios[id].SetSelected("Achieved")
	}
	f.s.e.win.Canvas().Focus(f.feedback)
}

// onOutcome asks for what is missing once any criterion is not yet achieved.
func (f *decisionForm) onOutcome() {
	if f.draft().Overall() == model.OutcomeNotYet {
		f.feedback.SetPlaceHolder("Say what is still missing (needed for Not yet achieved)")
	} else {
		f.feedback.SetPlaceHolder("Feedback to the learner")
	}
	if f.fbMsg.Text != "" && f.feedbackProblem() == nil {
		f.fbMsg.SetText("")
	}
}

// draft is the decision as the form holds it; criteria left unchosen are absent.
func (f *decisionForm) draft() model.DecisionDraft {
	d := model.DecisionDraft{EvidenceID: f.item.ID, Outcomes: map[int64]string{}, Feedback: f.feedback.Text}
	for id, rg := range f.radios {
		switch rg.Selected {
		case "Achieved":
			d.Outcomes[id] = model.OutcomeAchieved
		case "Not yet achieved":
			d.Outcomes[id] = model.OutcomeNotYet
		}
	}
	return d
}

// feedbackProblem is the model's rule on feedback for the form's outcomes.
func (f *decisionForm) feedbackProblem() error { return f.draft().FeedbackProblem() }

// submit records the decision, asking the model's own rules first so a
// refusal shows beside the field it is about.
func (f *decisionForm) submit() {
	if f.record.Disabled() {
		return
	}
	on, err := isoDate("date", f.date.Text, true)
	if err != nil {
		f.msg.SetText(err.Error())
		return
	}
	d := f.draft()
	d.DecidedOn = on
	if len(d.Outcomes) < len(f.radios) {
		f.msg.SetText("Choose Achieved or Not yet achieved for every criterion.")
		return
	}
	if err := d.FeedbackProblem(); err != nil {
		f.showFeedbackProblem(err)
		return
	}
	f.msg.SetText("")
	f.record.Disable()
	s, it := f.s, f.item
	load(s.e, func(ctx context.Context) (int64, error) { return s.store.RecordDecision(ctx, s.e.user, d) },
		func(int64) {
			s.form = nil
			s.recorded = fmt.Sprintf("Recorded: %s for %q.", outcomeName(d.Overall()), it.Title)
			s.decision.Objects = []fyne.CanvasObject{widget.NewLabel(s.recorded)}
			s.decision.Refresh()
			s.reloadQueue(it.ID)
		},
		func(err error) {
			f.record.Enable()
			var fe *model.FieldError
			if errors.As(err, &fe) && fe.Field == "feedback" {
				f.showFeedbackProblem(err)
				return
			}
			f.msg.SetText(errText(err))
		})
}

// showFeedbackProblem puts the model's words beside the feedback and the
// cursor in it.
func (f *decisionForm) showFeedbackProblem(err error) {
	text := errText(err)
	var fe *model.FieldError
	if errors.As(err, &fe) {
		text = fe.Msg // the field's label already says which
	}
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:] + "."
	}
	f.fbMsg.SetText(text)
	f.s.e.win.Canvas().Focus(f.feedback)
}

func outcomeName(o string) string {
	if o == model.OutcomeAchieved {
		return "Achieved"
	}
	return "Not yet achieved"
}

// fileButtons offers each of an item's files to view in the app.
func fileButtons(e *env, st evidenceReader, files []model.EvidenceFile) fyne.CanvasObject {
	box := container.NewVBox()
	for _, f := range files {
		f := f
		b := widget.NewButton(fmt.Sprintf("View %s (%s)", f.FileName, fileSize(f.Size)), func() { showEvidenceFile(e, st, f) })
		b.Alignment = widget.ButtonAlignLeading
		box.Add(b)
	}
	if len(files) == 0 {
		box.Add(widget.NewLabel("No files with this evidence."))
	}
	return box
}

// fileSize is a file's size as a person reads it.
func fileSize(n int64) string {
	switch {
	case n < 1<<10:
		return num(int(n)) + " bytes"
	case n < 1<<20:
		return num(int(n>>10)) + " KB"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// onSearchChanged lists the learners matching text once typing pauses: a
// search reads every learner (a tenth of a second or two at 50,000).
func (s *evidenceScreen) onSearchChanged(text string) {
	if s.searchWait != nil {
		s.searchWait.Stop()
	}
	s.searchWait = time.AfterFunc(searchDelay, func() { s.e.post(func() { s.searchLearners(text) }) })
}

// searchLearners asks for the learners matching text; an answer overtaken
// by a newer question is dropped, as a long search can finish after the
// next, shorter one.
func (s *evidenceScreen) searchLearners(text string) {
	s.learnerSeq++
	seq := s.learnerSeq
	load(s.e, func(ctx context.Context) ([]model.Learner, error) {
		return s.store.Learners(ctx, strings.TrimSpace(text), 200)
	},
		func(ls []model.Learner) {
			if seq != s.learnerSeq {
				return
			}
			s.learners = ls
			s.learnerLst.UnselectAll()
			s.learnerLst.Refresh()
		},
		func(err error) { s.heading.SetText(errText(err)) })
}

func (s *evidenceScreen) onLearnerSelected(i widget.ListItemID) {
	s.learner = s.learners[i]
	s.loadPortfolio()
}

type portfolio struct {
	items    []model.EvidenceItem
	coverage []model.CriterionCoverage
	progress []model.LearnerProgress
}

func (s *evidenceScreen) loadPortfolio() { s.readPortfolio(func() {}) }

// readPortfolio reads the open learner's portfolio and shows it, keeping the
// evidence item chosen when it is still there (after adding a file to it,
// or when a decision on it arrives from another desk); done is called once
// it is shown or has failed.
func (s *evidenceScreen) readPortfolio(done func()) {
	id := s.learner.OrganiserID
	load(s.e, func(ctx context.Context) (portfolio, error) {
		items, err := s.store.Portfolio(ctx, id)
		if err != nil {
			return portfolio{}, err
		}
		cov, err := s.store.Coverage(ctx, id)
		if err != nil {
			return portfolio{}, err
		}
		prog, err := s.store.LearnerProgress(ctx, id)
		return portfolio{items, cov, prog}, err
	}, func(p portfolio) {
		defer done()
		if id != s.learner.OrganiserID {
			return // another learner was chosen meanwhile; their read follows
		}
		var chosen int64
		if s.item >= 0 && s.item < len(s.items) {
			chosen = s.items[s.item].ID
		}
		s.items, s.coverage, s.item = p.items, p.coverage, -1
		achieved := 0
		for _, c := range p.coverage {
			if c.State == model.CoverageAchieved {
				achieved++
			}
		}
		text := fmt.Sprintf("%s · cohort %d · %s · %s items · %s of %s criteria achieved", s.learner.Name, s.learner.Cohort,
			s.learner.Host, num(len(p.items)), num(achieved), num(len(p.coverage)))
		for _, lp := range p.progress {
			text += "\n" + progressLine(lp.QualificationProgress)
		}
		s.heading.SetText(text)
		s.itemTable.UnselectAll()
		s.itemTable.Refresh()
		s.covTable.Refresh()
		for r, it := range s.items {
			if chosen != 0 && it.ID == chosen {
				s.itemTable.Select(widget.TableCellID{Row: r, Col: selectedCol(s.itemTable)})
				s.item = r
			}
		}
		s.updateButtons()
	}, func(err error) { done(); s.heading.SetText(errText(err)) })
}

func (s *evidenceScreen) itemCell(r, c int) string {
	it := s.items[r]
	switch c {
	case 0:
		return day(it.EvidenceOn)
	case 1:
		return it.UnitCode
	case 2:
		return model.KindName(it.Kind)
	case 3:
		return it.Title
	case 4:
		return it.Status
	}
	return num(len(it.Files))
}

func (s *evidenceScreen) coverageCell(r, c int) string {
	cv := s.coverage[r]
	switch c {
	case 0:
		return cv.UnitCode
	case 1:
		return cv.Criterion.Number
	case 2:
		return cv.Criterion.Text
	case 3:
		return num(cv.Evidence)
	}
	switch cv.State {
	case model.CoverageAchieved:
		return "✔ achieved"
	case model.CoverageAssessed:
		return "assessed: not yet"
	case model.CoverageCovered:
		return "covered, awaiting"
	}
	return "✘ missing"
}

// updateButtons shows only what the role may do.
func (s *evidenceScreen) updateButtons() {
	may := s.e.may(model.ActEditEvidence)
	setEnabled(s.addButton, may && s.learner.OrganiserID != 0)
	setEnabled(s.fileButton, may && s.item >= 0)
	setEnabled(s.subButton, may && s.item >= 0 && s.item < len(s.items) &&
		(s.items[s.item].Status == "draft" || s.items[s.item].Status == "referred"))
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// onAddEvidence asks for a new item: type, unit and the criteria it covers.
func (s *evidenceScreen) onAddEvidence() {
	kinds := make([]string, len(model.EvidenceKinds))
	for i, k := range model.EvidenceKinds {
		kinds[i] = model.KindName(k)
	}
	kind := widget.NewSelect(kinds, nil)
	kind.SetSelectedIndex(1)
	title := newEscEntry(nil, nil)
	title.Validator = func(t string) error {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("a title is required")
		}
		return nil
	}
	date := newEscEntry(nil, nil)
	date.SetPlaceHolder(datePlaceHolder)
	date.SetText(todayText())
	date.Validator = dateValidator(true)
	desc := widget.NewMultiLineEntry()
	count := newEscEntry(nil, nil)
	count.SetPlaceHolder("listening logs: how many conversations")
	themes := newEscEntry(nil, nil)
	themes.SetPlaceHolder("listening logs: themes only, never a resident's details")
	crit := widget.NewCheckGroup(nil, nil)
	var units []string
	byCode := map[string]model.Unit{}
	for _, u := range s.catalogue.Units {
		units = append(units, u.Code+" "+u.Title)
		byCode[u.Code+" "+u.Title] = u
	}
	sort.Strings(units)
	critIDs := map[string]int64{}
	unit := widget.NewSelect(units, func(choice string) {
		var opts []string
		for _, c := range byCode[choice].Criteria() {
			label := c.Number + " " + c.Text
			opts = append(opts, label)
			critIDs[label] = c.ID
		}
		crit.Options = opts
		crit.Selected = opts
		crit.Refresh()
	})
	submit := widget.NewCheck("Submit for assessment now", nil)
	submit.SetChecked(true)
	items := []*widget.FormItem{
		widget.NewFormItem("Type", kind), widget.NewFormItem("Title", title), widget.NewFormItem("Date", date),
		widget.NewFormItem("Description", desc), widget.NewFormItem("Conversations", count), widget.NewFormItem("Themes", themes),
		widget.NewFormItem("Unit", unit), widget.NewFormItem("Criteria", crit), widget.NewFormItem("", submit),
	}
	learner := s.learner
	d := newForm("Add evidence for "+learner.Name, "Add", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		on, err := isoDate("date", date.Text, true)
		if err != nil {
			showError(err, s.e.win)
			return
		}
		it := model.EvidenceItem{OrganiserID: learner.OrganiserID, Kind: model.EvidenceKinds[kind.SelectedIndex()], Title: title.Text,
			EvidenceOn: on, Description: desc.Text, ListeningThemes: strings.TrimSpace(themes.Text)}
		fmt.Sscan(count.Text, &it.ListeningCount)
		for _, c := range crit.Selected {
			it.CriterionIDs = append(it.CriterionIDs, critIDs[c])
		}
		load(s.e, func(ctx context.Context) (int64, error) {
			return s.store.AddEvidence(ctx, s.e.user, it, submit.Checked)
		},
			func(int64) { s.loadPortfolio(); s.refresh() },
			func(err error) { showError(err, s.e.win) })
	}, s.e.win)
	d.Resize(fyne.NewSize(640, 620))
	showForm(s.e.win, d, title, date, count, themes)
}

// onAddFile copies a file from disk into the store against the selected item.
func (s *evidenceScreen) onAddFile() {
	if s.item < 0 {
		return
	}
	it := s.items[s.item]
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		load(s.e, func(ctx context.Context) (model.EvidenceFile, error) {
			return s.store.AddEvidenceFile(ctx, s.e.user, it.ID, path)
		},
			func(model.EvidenceFile) { s.loadPortfolio() },
			func(err error) { showError(err, s.e.win) })
	}, s.e.win)
	if home, err := storage.ListerForURI(storage.NewFileURI(userHome())); err == nil {
		fd.SetLocation(home)
	}
	fd.Show()
}

func (s *evidenceScreen) onSubmit() {
	if s.item < 0 {
		return
	}
	id := s.items[s.item].ID
	load(s.e, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.store.SubmitEvidence(ctx, s.e.user, id)
	},
		func(struct{}) { s.loadPortfolio(); s.refresh() },
		func(err error) { showError(err, s.e.win) })
}

// progressLine says where a learner stands against one qualification, from
// the one progress function.
func progressLine(p model.QualificationProgress) string {
	size := p.Size
	if size == "" {
		size = "no credits yet"
	}
	line := fmt.Sprintf("%s: %s credits (%s), %s at or above the level", p.Qualification, num(p.Credits), size, num(p.CreditsAtOrAbove))
	if p.Eligible {
		return line + " — eligible"
	}
	return line + " — still needs: " + strings.Join(p.Missing, "; ")
}
