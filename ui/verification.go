package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
	SetPlanRates(ctx context.Context, by model.User, cohort, base, newAssessor int) (model.IVPlan, error)
}

// verificationScreen is the internal verifier's: a cohort's sample to its
// plan, the assessor × unit coverage matrix, and agree / send back.
type verificationScreen struct {
	e       *env
	store   verificationStore
	cohort  *widget.Select
	pending *widget.Check
	draw    *widget.Button
	plan    model.IVPlan // the chosen cohort's current rates
	planLbl *widget.Label
	planBtn *widget.Button
	status  *widget.Label
	samples []model.Sample
	table   *widget.Table
	matrix  []model.MatrixCell
	mtable  *widget.Table
	detail  *fyne.Container
	root    fyne.CanvasObject
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
	s.planBtn = widget.NewButton("Change plan…", s.onPlan)
	setEnabled(s.planBtn, s.e.may(model.ActSample))
	s.status = widget.NewLabel("")
	s.table = textTable([]string{"Sampled", "Learner", "Unit", "Method", "Assessor", "Decision", "IV", "Verifier"},
		[]float32{100, 160, 60, 150, 140, 120, 80, 140}, func() int { return len(s.samples) }, s.sampleCell, s.onSelected)
	s.mtable = textTable([]string{"Assessor", "Unit", "Decisions", "Sampled", "Verified", "Rate"}, []float32{150, 60, 80, 80, 80, 60},
		func() int { return len(s.matrix) }, s.matrixCell, nil)
	s.detail = container.NewStack(widget.NewLabel("Choose a sampled decision to verify it."))
	top := container.NewHBox(widget.NewLabelWithStyle("Internal verification", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.cohort, s.pending, s.draw, s.planBtn)
	top = container.NewVBox(top, container.NewHBox(s.planLbl, s.status))
	right := container.NewVSplit(container.NewVScroll(s.detail),
		container.NewBorder(widget.NewLabel("Coverage: assessor × unit (sampled of decisions)"), nil, nil, nil, s.mtable))
	split := container.NewHSplit(s.table, right)
	split.Offset = 0.58
	s.root = container.NewBorder(top, nil, nil, nil, split)
}

func (s *verificationScreen) content() fyne.CanvasObject { return s.root }

type ivData struct {
	samples []model.Sample
	matrix  []model.MatrixCell
	plan    model.IVPlan
}

func (s *verificationScreen) refresh() {
	n := cohortOf(s.cohort.Selected)
	f := model.SampleFilter{Cohort: n, PendingOnly: s.pending.Checked}
	load(s.e, func(ctx context.Context) (ivData, error) {
		smp, err := s.store.Samples(ctx, f)
		if err != nil {
			return ivData{}, err
		}
		m, err := s.store.CoverageMatrix(ctx, n)
		if err != nil {
			return ivData{}, err
		}
		p, err := s.store.PlanRates(ctx, n)
		return ivData{smp, m, p}, err
	}, func(d ivData) {
		s.samples, s.matrix, s.plan = d.samples, d.matrix, d.plan
		s.planLbl.SetText(planText(d.plan))
		pending := 0
		for _, x := range d.samples {
			if x.IVOutcome == model.SamplePending {
				pending++
			}
		}
		s.status.SetText(fmt.Sprintf("%s sampled, %s pending", num(len(d.samples)), num(pending)))
		s.table.UnselectAll()
		s.table.Refresh()
		s.mtable.Refresh()
	}, func(err error) { s.status.SetText(errText(err)) })
}

// planText is a plan's rates as the screen shows them.
func planText(p model.IVPlan) string {
	return fmt.Sprintf("Plan: %d%% of decisions, %d%% in an assessor's first year", p.BaseRate, p.NewAssessorRate)
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
	base, first := percent(s.plan.BaseRate), percent(s.plan.NewAssessorRate)
	firstItem := widget.NewFormItem("In an assessor's first year, %", first)
	firstItem.HintText = "at least the rate for everyone"
	dialog.ShowForm(fmt.Sprintf("Sampling plan for cohort %d", n), "Save plan", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Decisions sampled, %", base), firstItem}, func(ok bool) {
		if !ok {
			return
		}
		b, _ := strconv.Atoi(strings.TrimSpace(base.Text))
		f, _ := strconv.Atoi(strings.TrimSpace(first.Text))
		load(s.e, func(ctx context.Context) (model.IVPlan, error) {
			return s.store.SetPlanRates(ctx, s.e.user, n, b, f)
		}, func(p model.IVPlan) {
			s.plan = p
			s.planLbl.SetText(planText(p))
			s.status.SetText(fmt.Sprintf("Cohort %d's plan changed; samples already drawn keep theirs.", n))
		}, func(err error) { dialog.ShowError(err, s.e.win) })
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

func (s *verificationScreen) matrixCell(r, c int) string {
	m := s.matrix[r]
	switch c {
	case 0:
		return m.Assessor
	case 1:
		return m.UnitCode
	case 2:
		return num(m.Decisions)
	case 3:
		if m.Sampled == 0 {
			return "✘ 0"
		}
		return num(m.Sampled)
	case 4:
		return num(m.Verified)
	}
	return fmt.Sprintf("%d%%", percent(m.Sampled, m.Decisions))
}

func (s *verificationScreen) onDraw() {
	n := cohortOf(s.cohort.Selected)
	s.draw.Disable()
	load(s.e, func(ctx context.Context) (int, error) { return s.store.DrawSample(ctx, s.e.user, n) },
		func(k int) {
			s.draw.Enable()
			s.status.SetText(fmt.Sprintf("%s decisions added to the sample", num(k)))
			s.refresh()
		},
		func(err error) { s.draw.Enable(); dialog.ShowError(err, s.e.win) })
}

func (s *verificationScreen) onSelected(r int) {
	x := s.samples[r]
	wrap := func(t string) *widget.Label {
		l := widget.NewLabel(t)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	box := container.NewVBox(widget.NewLabelWithStyle(fmt.Sprintf("%s · %s · %s", x.Learner, x.UnitCode, model.KindName(x.Kind)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrap(fmt.Sprintf("%s by %s on %s (decision %d, evidence %d)", outcomeName(x.Outcome), x.Assessor, day(x.DecidedOn), x.DecisionID, x.EvidenceID)),
		wrap("Assessor's feedback: "+x.Feedback))
	if x.IVOutcome != model.SamplePending {
		box.Add(wrap(fmt.Sprintf("Verified %s by %s: %s. %s", day(x.VerifiedOn), x.Verifier, strings.ReplaceAll(x.IVOutcome, "_", " "), x.Actions)))
		s.detail.Objects = []fyne.CanvasObject{box}
		s.detail.Refresh()
		return
	}
	actions := widget.NewMultiLineEntry()
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
	box.Add(actions)
	box.Add(container.NewHBox(agree, back))
	box.Add(msg)
	s.detail.Objects = []fyne.CanvasObject{box}
	s.detail.Refresh()
}
