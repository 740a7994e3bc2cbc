package ui

import (
	"context"
	"fmt"
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
}

// verificationScreen is the internal verifier's: a cohort's sample to its
// plan, the assessor × unit coverage matrix, and agree / send back.
type verificationScreen struct {
	e       *env
	store   verificationStore
	cohort  *widget.Select
	pending *widget.Check
	draw    *widget.Button
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
	setEnabled(s.draw, s.e.user.Can(model.ActSample))
	s.status = widget.NewLabel("")
	s.table = textTable([]string{"Sampled", "Learner", "Unit", "Method", "Assessor", "Decision", "IV", "Verifier"},
		[]float32{100, 160, 60, 150, 140, 120, 80, 140}, func() int { return len(s.samples) }, s.sampleCell, s.onSelected)
	s.mtable = textTable([]string{"Assessor", "Unit", "Decisions", "Sampled", "Verified", "Rate"}, []float32{150, 60, 80, 80, 80, 60},
		func() int { return len(s.matrix) }, s.matrixCell, nil)
	s.detail = container.NewStack(widget.NewLabel("Choose a sampled decision to verify it."))
	top := container.NewHBox(widget.NewLabelWithStyle("Internal verification", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.cohort, s.pending, s.draw, s.status)
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
		return ivData{smp, m}, err
	}, func(d ivData) {
		s.samples, s.matrix = d.samples, d.matrix
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
	if !s.e.user.Can(model.ActVerify) {
		agree.Disable()
		back.Disable()
		msg.SetText("Only an internal verifier verifies; you are signed in as " + model.RoleName(s.e.user.Role) + ".")
	} else if x.AssessorID == s.e.user.ID {
		agree.Disable()
		back.Disable()
		msg.SetText("You made this decision as assessor, so another verifier must verify it.")
	}
	box.Add(actions)
	box.Add(container.NewHBox(agree, back))
	box.Add(msg)
	s.detail.Objects = []fyne.CanvasObject{box}
	s.detail.Refresh()
}
