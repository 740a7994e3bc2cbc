package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// verificationStore is what the verification screen asks of the model.
type verificationStore interface {
	Samples(ctx context.Context, f model.SampleFilter) ([]model.Sample, error)
	CoverageMatrix(ctx context.Context, cohort int) ([]model.MatrixCell, error)
	DrawSample(ctx context.Context, by model.User, cohort int) (int, error)
	VerifySample(ctx context.Context, by model.User, sampleID int64, outcome, actions string) error
	PlanRates(ctx context.Context, cohort int) (model.IVPlan, error)
	SetPlanRatesFrom(ctx context.Context, by model.User, was model.IVPlan, base, newAssessor int) (model.IVPlan, error)
	PreviewSample(ctx context.Context, by model.User, cohort int) (model.SampleDraw, error)
	Evidence(ctx context.Context, id int64) (model.EvidenceItem, error)
	evidenceReader
}

// verificationScreen is the internal verifier's: a cohort's sample to its
// plan, the assessor × unit coverage matrix, and agree / send back.
type verificationScreen struct {
	e           *env
	store       verificationStore
	cohort      *widget.Select
	pending     *widget.Check
	draw        *widget.Button
	plan        model.IVPlan // the chosen cohort's current rates
	planLbl     *widget.Label
	planBtn     *widget.Button
	status      *widget.Label
	note        string // what the last action did, said with the counts once they are read again
	samples     []model.Sample
	table       *widget.Table
	matrix      []model.MatrixCell
	mtable      *widget.Table
	mhead       *widget.Label // the coverage heading, with how many pairs are under plan
	tabs        *container.AppTabs
	coverageTab *container.TabItem
	detail      *fyne.Container
	root        fyne.CanvasObject

	selectedID int64           // the sample chosen, 0 for none
	shownOpen  bool            // the detail holds the chosen sample's agree / send back form
	actions    *widget.Entry   // that form's required actions, nil while none is shown
	deskNote   *fyne.Container // over the form: the sample changed at another desk
	quiet      bool            // set while the selection is moved without rebuilding the detail
	live       liveReload
}

func newVerificationScreen(e *env) screen {
	s := &verificationScreen{e: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *verificationScreen) buildUI() {
	choices := cohortChoices(14)[1:]
	s.cohort = widget.NewSelect(choices, nil)
	s.cohort.SetSelectedIndex(0)
	s.cohort.OnChanged = func(string) { s.refresh() }
	cohortsFromStore(s.e, s.cohort, false)
	s.pending = widget.NewCheck("Pending only", func(bool) { s.refresh() })
	s.draw = widget.NewButton("Draw sample to plan", s.onDraw)
	setEnabled(s.draw, s.e.may(model.ActSample))
	s.planLbl = widget.NewLabel("")
	s.planLbl.Wrapping = fyne.TextWrapWord // the plan is a sentence: cut, it loses its meaning
	s.planBtn = widget.NewButton("Change plan…", s.onPlan)
	setEnabled(s.planBtn, s.e.may(model.ActSample))
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.table = textTable([]string{"Sampled", "Learner", "Unit", "Method", "Assessor", "Decision", "IV", "Verifier"},
		[]float32{100, 160, 60, 150, 140, 120, 80, 140}, func() int { return len(s.samples) }, s.sampleCell, s.onSelected)
	s.mtable = s.matrixTable()
	s.mhead = widget.NewLabel("Coverage: assessor × unit (sampled of decisions)")
	s.detail = container.NewStack(widget.NewLabel("Choose a sampled decision to verify it."))
	top := container.NewHBox(widget.NewLabelWithStyle("Internal verification", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.cohort, s.pending, s.draw, s.planBtn)
	top = container.NewVBox(top, s.planLbl, s.status)
	// The coverage list has a tab of its own beside the samples, wide enough
	// that no column is cut; its tab says how many pairs are under plan.
	s.coverageTab = container.NewTabItem("Coverage", container.NewBorder(s.mhead, nil, nil, nil, s.mtable))
	s.tabs = container.NewAppTabs(container.NewTabItem("Sampled decisions", s.table), s.coverageTab)
	split := container.NewHSplit(s.tabs, container.NewVScroll(s.detail))
	split.Offset = 0.6
	s.root = container.NewBorder(top, nil, nil, nil, split)
}

func (s *verificationScreen) content() fyne.CanvasObject { return s.root }

type ivData struct {
	samples []model.Sample
	matrix  []model.MatrixCell
	plan    model.IVPlan
}

// ivFilter is the samples chosen: the cohort and whether only pending ones.
func (s *verificationScreen) ivFilter() model.SampleFilter {
	return model.SampleFilter{Cohort: cohortOf(s.cohort.Selected), PendingOnly: s.pending.Checked}
}

// readIV reads what the screen shows for f.
func (s *verificationScreen) readIV(f model.SampleFilter) func(ctx context.Context) (ivData, error) {
	return func(ctx context.Context) (ivData, error) {
		smp, err := s.store.Samples(ctx, f)
		if err != nil {
			return ivData{}, err
		}
		m, err := s.store.CoverageMatrix(ctx, f.Cohort)
		if err != nil {
			return ivData{}, err
		}
		p, err := s.store.PlanRates(ctx, f.Cohort)
		return ivData{smp, m, p}, err
	}
}

func (s *verificationScreen) refresh() {
	load(s.e, s.readIV(s.ivFilter()), func(d ivData) {
		s.showIV(d)
		s.table.UnselectAll()
		s.selectedID = 0
		refreshTable(s.table)
		refreshTable(s.mtable)
	}, func(err error) { s.status.SetText(errText(err)) })
}

// showIV shows the plan, the counts and the coverage of d.
func (s *verificationScreen) showIV(d ivData) {
	s.samples, s.matrix, s.plan = d.samples, d.matrix, d.plan
	s.planLbl.SetText(planText(d.plan))
	pending := 0
	for _, x := range d.samples {
		if x.IVOutcome == model.SamplePending {
			pending++
		}
	}
	counts := fmt.Sprintf("%s sampled, %s pending", num(len(d.samples)), num(pending))
	if s.note != "" {
		counts = s.note + " · " + counts // what was just done stays in sight
		s.note = ""
	}
	s.status.SetText(counts)
	under := 0
	for _, m := range d.matrix {
		if m.UnderPlan() {
			under++
		}
	}
	head := fmt.Sprintf("Coverage: assessor × unit · %s of %s pairs under plan", num(under), num(len(d.matrix)))
	if under == 0 {
		head = fmt.Sprintf("Coverage: assessor × unit · all %s pairs to plan", num(len(d.matrix)))
	}
	s.mhead.SetText(head)
	s.coverageTab.Text = "Coverage"
	if under > 0 {
		s.coverageTab.Text = fmt.Sprintf("Coverage (⚠ %s under plan)", num(under))
	}
	s.tabs.Refresh()
}

// ivEntities are the changes that bear on samples, their plan and coverage.
var ivEntities = []string{model.EntitySample, model.EntityPlan, model.EntityDecision, model.EntityOrganiser,
	model.EntityPeople, model.EntityProgramme, model.KindOrganisers}

// changed reads the samples again when another desk's change bears on them.
func (s *verificationScreen) changed(cs []model.Change) {
	if model.Touches(cs, ivEntities...) {
		s.live.request(cs, s.refreshLive)
	}
}

// refreshLive reads the samples again in place, keeping the sample chosen
// and anything typed for it. When the chosen sample was verified elsewhere,
// an untouched form shows the verification; one with actions typed keeps
// them and gains a note offering to reload.
func (s *verificationScreen) refreshLive(cs []model.Change, done func()) {
	f := s.ivFilter()
	load(s.e, s.readIV(f), func(d ivData) {
		defer done()
		if s.ivFilter() != f {
			return // the verifier chose another cohort meanwhile; its own read follows
		}
		s.showIV(d)
		refreshTable(s.table)
		refreshTable(s.mtable)
		if s.selectedID == 0 {
			return
		}
		row := -1
		for r, x := range d.samples {
			if x.ID == s.selectedID {
				row = r
			}
		}
		if row >= 0 {
			s.quiet = true
			s.table.Select(widget.TableCellID{Row: row, Col: selectedCol(s.table)})
			s.quiet = false
		} else {
			s.table.UnselectAll()
		}
		decided := row < 0 || d.samples[row].IVOutcome != model.SamplePending
		if !s.shownOpen || !decided {
			return
		}
		if s.actions != nil && strings.TrimSpace(s.actions.Text) != "" {
			id := s.selectedID
			s.deskNote.Objects = []fyne.CanvasObject{otherDeskNote(cs, "this sample has been verified", func() { s.reselect(id) })}
			s.deskNote.Refresh()
			return
		}
		if row >= 0 {
			s.onSelected(row)
			return
		}
		s.selectedID = 0
		s.detail.Objects = []fyne.CanvasObject{widget.NewLabel("This sample was verified at another desk" + byOthers(cs) + ".")}
		s.detail.Refresh()
	}, func(err error) {
		done()
		s.status.SetText(errText(err))
	})
}

// reselect shows sample id's detail afresh, or says it has left the list.
func (s *verificationScreen) reselect(id int64) {
	for r, x := range s.samples {
		if x.ID == id {
			s.onSelected(r)
			return
		}
	}
	s.selectedID = 0
	s.detail.Objects = []fyne.CanvasObject{widget.NewLabel("This sample has been verified and is no longer pending.")}
	s.detail.Refresh()
}

// planText is a plan's rates as the screen shows them.
func planText(p model.IVPlan) string { return "Plan: " + planRule(p) }

// planRule is every rate a plan samples at, the volunteers' extra included,
// since a pair's plan (and so "under plan") follows from all of them.
func planRule(p model.IVPlan) string {
	return fmt.Sprintf("%d%% of decisions, %d%% in an assessor's first year; %d points more for a volunteer's decisions",
		p.BaseRate, p.NewAssessorRate, model.GenerationBonus)
}

// onPlan changes the chosen cohort's sampling rates after a form that
// checks them as the model will.
func (s *verificationScreen) onPlan() {
	n := cohortOf(s.cohort.Selected)
	percent := func(v int) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(strconv.Itoa(v))
		e.Validator = func(t string) error {
			if x, err := strconv.Atoi(strings.TrimSpace(t)); err != nil || x < 1 || x > 100 {
				return errors.New("a whole percentage from 1 to 100")
			}
			return nil
		}
		return e
	}
	// The plan as the form shows it, taken now: the screen reads the plan
	// again when another desk changes the programme, and a save must be
	// checked against what this form was filled with, not the newer plan.
	was := s.plan
	if was.Cohort != n {
		was = model.IVPlan{Cohort: n} // not read for this cohort: nothing to check against
	}
	base, first := percent(was.BaseRate), percent(was.NewAssessorRate)
	firstItem := widget.NewFormItem("In an assessor's first year, %", first)
	firstItem.HintText = "at least the rate for everyone"
	askForm(fmt.Sprintf("Sampling plan for cohort %d", n), "Save plan", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Decisions sampled, %", base), firstItem}, func(ok bool) {
		if !ok {
			return
		}
		b, _ := strconv.Atoi(strings.TrimSpace(base.Text))
		f, _ := strconv.Atoi(strings.TrimSpace(first.Text))
		load(s.e, func(ctx context.Context) (model.IVPlan, error) {
			return s.store.SetPlanRatesFrom(ctx, s.e.user, was, b, f)
		}, func(p model.IVPlan) {
			s.plan = p
			s.planLbl.SetText(planText(p))
			if b == was.BaseRate && f == was.NewAssessorRate {
				s.status.SetText(fmt.Sprintf("Cohort %d's plan unchanged.", n))
				return
			}
			s.status.SetText(fmt.Sprintf("Cohort %d's plan changed; samples already drawn keep theirs.", n))
		}, func(err error) {
			if said, ok := changedText(err); ok {
				sayProblem(s.status, said)
				askReload(s.e.win, said, s.refresh, nil)
				return
			}
			showError(err, s.e.win)
		})
	}, s.e.win)
}

func (s *verificationScreen) sampleCell(r, c int) string {
	x := s.samples[r]
	switch c {
	case 0:
		return day(x.SampledOn)
	case 1:
		return x.Learner
	case 2:
		return x.UnitCode
	case 3:
		return model.KindName(x.Kind)
	case 4:
		return x.Assessor
	case 5:
		return outcomeName(x.Outcome)
	case 6:
		return strings.ReplaceAll(x.IVOutcome, "_", " ")
	}
	return x.Verifier
}

// matrixColumns are the coverage list's headings and widths: narrow enough
// to show whole at 1024 px beside the samples.
var (
	matrixHeads  = []string{"Assessor", "Unit", "Sampled", "Against the plan", "Verified"}
	matrixWidths = []float32{160, 64, 124, 180, 70}
)

// matrixTable lists the pairs; one under its plan says so in bold, in the
// theme's warning colour, with an icon in the text itself so it reads the
// same without colour.
func (s *verificationScreen) matrixTable() *widget.Table {
	t := widget.NewTableWithHeaders(func() (int, int) { return len(s.matrix), len(matrixHeads) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			m := s.matrix[id.Row]
			l.TextStyle.Bold = m.UnderPlan()
			l.Importance = widget.MediumImportance
			if m.UnderPlan() && id.Col == 3 {
				l.Importance = widget.WarningImportance
			}
			l.SetText(matrixCell(m, id.Col))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(matrixHeads) {
			o.(*widget.Label).SetText(matrixHeads[id.Col])
		}
	}
	for i, w := range matrixWidths {
		t.SetColumnWidth(i, w)
	}
	return t
}

// matrixCell is what the coverage list shows of one pair.
func matrixCell(m model.MatrixCell, col int) string {
	switch col {
	case 0:
		return m.Assessor
	case 1:
		return m.UnitCode
	case 2:
		return fmt.Sprintf("%s of %s (%d%%)", num(m.Sampled), num(m.Decisions), percent(m.Sampled, m.Decisions))
	case 3:
		if m.UnderPlan() {
			return fmt.Sprintf("⚠ under plan: %s of %s", num(m.Sampled), num(m.Target))
		}
		return fmt.Sprintf("✔ %s of %s", num(m.Sampled), num(m.Target))
	}
	return num(m.Verified)
}

// onDraw shows what drawing the sample to plan would add, pair by pair, and
// draws it only when the verifier confirms.
func (s *verificationScreen) onDraw() {
	n := cohortOf(s.cohort.Selected)
	s.draw.Disable()
	load(s.e, func(ctx context.Context) (model.SampleDraw, error) { return s.store.PreviewSample(ctx, s.e.user, n) },
		func(d model.SampleDraw) {
			s.draw.Enable()
			s.showDrawPreview(d)
		},
		func(err error) { s.draw.Enable(); showError(err, s.e.win) })
}

// drawRows are the pairs a draw adds to, for the preview.
func drawRows(d model.SampleDraw) []model.DrawLine {
	var out []model.DrawLine
	for _, l := range d.Lines {
		if len(l.Add) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// drawCell is what the preview shows of one pair.
func drawCell(l model.DrawLine, col int) string {
	switch col {
	case 0:
		return l.Assessor
	case 1:
		return l.UnitCode
	case 2:
		return "+" + num(len(l.Add))
	case 3:
		return fmt.Sprintf("%s → %s of %s", num(l.Sampled), num(l.After()), num(l.Decisions))
	case 4:
		return fmt.Sprintf("%d%% → %d%%", percent(l.Sampled, l.Decisions), percent(l.After(), l.Decisions))
	}
	return num(l.Target)
}

// showDrawPreview asks the verifier to confirm a draw, showing what it adds.
func (s *verificationScreen) showDrawPreview(d model.SampleDraw) {
	before, after := 0, 0
	for _, l := range d.Lines {
		before += l.Sampled
		after += l.After()
	}
	rows := drawRows(d)
	if len(rows) == 0 {
		showInformation("Sample already to plan",
			fmt.Sprintf("Cohort %d's sample is already to plan (%s sampled); a draw would add nothing.", d.Cohort, num(before)), s.e.win)
		return
	}
	summary := widget.NewLabel(fmt.Sprintf("The draw adds %s decisions to cohort %d's sample, %s → %s, to the plan (%s). "+
		"No pair goes more than one decision past its plan.", num(d.Adds()), d.Cohort, num(before), num(after), planRule(d.Plan)))
	summary.Wrapping = fyne.TextWrapWord
	table := textTable([]string{"Assessor", "Unit", "Adds", "Sampled", "Rate", "Plan"}, []float32{150, 60, 50, 130, 100, 50},
		func() int { return len(rows) }, func(r, c int) string { return drawCell(rows[r], c) }, nil)
	content := container.NewBorder(summary, nil, nil, nil, table)
	// A drawn sample cannot be taken back (the model has no way to unsample
	// a decision), so Enter does not draw it; Escape cancels.
	confirm := newGraveCustomConfirm(fmt.Sprintf("Draw cohort %d's sample?", d.Cohort), fmt.Sprintf("Add %s to the sample", num(d.Adds())), "Cancel",
		content, func(ok bool) {
			if ok {
				s.drawConfirmed(d)
			}
		}, s.e.win)
	size := s.e.win.Canvas().Size()
	confirm.Resize(fyne.NewSize(min(size.Width-40, 640), min(size.Height-40, 480)))
	confirm.Show()
}

// drawConfirmed makes the draw the verifier saw.
func (s *verificationScreen) drawConfirmed(d model.SampleDraw) {
	s.draw.Disable()
	load(s.e, func(ctx context.Context) (int, error) { return s.store.DrawSample(ctx, s.e.user, d.Cohort) },
		func(k int) {
			s.draw.Enable()
			text := fmt.Sprintf("%s decisions added to the sample", num(k))
			if k != d.Adds() {
				// Decisions were recorded or sampled since the preview; the draw kept to the plan as it stood.
				text += fmt.Sprintf(" (the preview showed %s; the programme changed in between)", num(d.Adds()))
			}
			s.note = text
			s.refresh()
		},
		func(err error) { s.draw.Enable(); showError(err, s.e.win) })
}

func (s *verificationScreen) onSelected(r int) {
	if s.quiet {
		return
	}
	x := s.samples[r]
	s.selectedID, s.shownOpen, s.actions = x.ID, false, nil
	s.deskNote = container.NewVBox()
	wrap := func(t string) *widget.Label {
		l := widget.NewLabel(t)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	box := container.NewVBox(widget.NewLabelWithStyle(fmt.Sprintf("%s · %s · %s", x.Learner, x.UnitCode, model.KindName(x.Kind)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrap(fmt.Sprintf("%s by %s on %s (decision %d, evidence %d)", outcomeName(x.Outcome), x.Assessor, day(x.DecidedOn), x.DecisionID, x.EvidenceID)),
		wrap("Assessor's feedback: "+x.Feedback))
	// The evidence's files, read in the background, so the verifier sees what the assessor saw.
	files := container.NewVBox(widget.NewLabel("Reading the evidence's files…"))
	load(s.e, func(ctx context.Context) (model.EvidenceItem, error) { return s.store.Evidence(ctx, x.EvidenceID) },
		func(it model.EvidenceItem) {
			files.Objects = []fyne.CanvasObject{widget.NewLabelWithStyle(it.Title, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}),
				fileButtons(s.e, s.store, it.Files)}
			files.Refresh()
		}, func(err error) {
			files.Objects = []fyne.CanvasObject{widget.NewLabel("The evidence could not be read: " + errText(err))}
			files.Refresh()
		})
	if x.IVOutcome != model.SamplePending {
		box.Add(files)
		box.Add(wrap(fmt.Sprintf("Verified %s by %s: %s. %s", day(x.VerifiedOn), x.Verifier, strings.ReplaceAll(x.IVOutcome, "_", " "), x.Actions)))
		s.detail.Objects = []fyne.CanvasObject{box}
		s.detail.Refresh()
		return
	}
	actions := widget.NewMultiLineEntry()
	s.shownOpen, s.actions = true, actions
	actions.SetPlaceHolder("Required actions for the assessor (needed to send back)")
	actions.SetMinRowsVisible(3)
	msg := wrap("")
	msg.Importance = widget.DangerImportance
	act := func(outcome string) func() {
		return func() {
			load(s.e, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, s.store.VerifySample(ctx, s.e.user, x.ID, outcome, actions.Text)
			}, func(struct{}) {
				s.refresh()
				s.detail.Objects = []fyne.CanvasObject{wrap("Recorded.")}
				s.detail.Refresh()
			},
				func(err error) { msg.SetText(errText(err)) })
		}
	}
	agree := widget.NewButton("Agree", act(model.SampleAgreed))
	agree.Importance = widget.HighImportance
	back := widget.NewButton("Send back to the assessor", act(model.SampleSentBack))
	if !s.e.may(model.ActVerify) {
		agree.Disable()
		back.Disable()
		actions.Disable()
		msg.SetText("Only an internal verifier verifies; you are signed in as " + model.RoleName(s.e.user.Role) + ".")
	} else if x.AssessorID == s.e.user.ID {
		agree.Disable()
		back.Disable()
		actions.Disable()
		msg.SetText("You made this decision as assessor, so another verifier must verify it.")
	}
	box.Add(files)
	box.Add(actions)
	box.Add(s.deskNote)
	box.Add(container.NewHBox(agree, back))
	box.Add(msg)
	s.detail.Objects = []fyne.CanvasObject{box}
	s.detail.Refresh()
}
