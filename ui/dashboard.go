package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// dashboardStore is what the dashboard asks of the model.
type dashboardStore interface {
	Dashboard(ctx context.Context) (model.Dashboard, error)
}

// dashboardScreen shows progress to the targets, people per cohort, the
// assessor's backlog and the cascade in numbers.
type dashboardScreen struct {
	env   *env
	store dashboardStore
	data  model.Dashboard

	status     *widget.Label
	title      *widget.Label
	seniors    *widget.ProgressBar
	seniorsTxt *widget.Label
	volunteers *widget.ProgressBar
	volTxt     *widget.Label
	evidence   *widget.Label
	cascade    *widget.Label
	flags      *widget.Label
	cohorts    *widget.Table
	root       fyne.CanvasObject
}

func newDashboardScreen(e *env) *dashboardScreen {
	s := &dashboardScreen{env: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *dashboardScreen) buildUI() {
	s.status = widget.NewLabel("Loading the programme…")
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.seniors = widget.NewProgressBar()
	s.seniorsTxt = widget.NewLabel("")
	s.volunteers = widget.NewProgressBar()
	s.volTxt = widget.NewLabel("")
	s.evidence = widget.NewLabel("")
	s.cascade = widget.NewLabel("")
	s.flags = widget.NewLabel("")
	s.flags.Wrapping = fyne.TextWrapWord
	s.cohorts = &widget.Table{
		Length:        s.cohortTableSize,
		CreateCell:    func() fyne.CanvasObject { return widget.NewLabel("Volunteers 0,000") },
		UpdateCell:    s.updateCohortCell,
		ShowHeaderRow: true,
		CreateHeader:  func() fyne.CanvasObject { return widget.NewLabel("Volunteers") },
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 {
				o.(*widget.Label).SetText(cohortColumns[id.Col])
			}
		},
	}
	s.cohorts.ExtendBaseWidget(s.cohorts)
	for i, w := range []float32{90, 90, 150, 150} {
		s.cohorts.SetColumnWidth(i, w)
	}

	targets := widget.NewCard("Progress to targets", "",
		container.NewVBox(s.seniorsTxt, s.seniors, s.volTxt, s.volunteers))
	evidence := widget.NewCard("Evidence awaiting assessment", "", s.evidence)
	cascade := widget.NewCard("The cascade in numbers", "", s.cascade)
	flags := widget.NewCard("Flagged for review", "", s.flags)
	left := container.NewVBox(targets, evidence, cascade, flags)
	people := widget.NewCard("People per cohort", "", s.cohorts)
	body := container.NewHSplit(container.NewVScroll(left), people)
	body.Offset = 0.5
	s.root = container.NewBorder(container.NewVBox(s.title, s.status), nil, nil, nil, body)
}

var cohortColumns = []string{"Cohort", "Hosts", "Senior", "Volunteers"}

func (s *dashboardScreen) cohortTableSize() (int, int) {
	return len(s.data.Cohorts), len(cohortColumns)
}

// updateCohortCell only reads the cached rows: it runs on every redraw.
func (s *dashboardScreen) updateCohortCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(s.data.Cohorts) {
		l.SetText("")
		return
	}
	c := s.data.Cohorts[id.Row]
	switch id.Col {
	case 0:
		l.SetText(strconv.Itoa(c.Number))
	case 1:
		l.SetText(num(c.Hosts))
	case 2:
		l.SetText(num(c.Seniors))
	case 3:
		l.SetText(num(c.Volunteers))
	}
}

func (s *dashboardScreen) content() fyne.CanvasObject { return s.root }

func (s *dashboardScreen) refresh() {
	load(s.env, s.store.Dashboard, s.show, func(err error) {
		s.status.SetText("Could not read the programme: " + err.Error())
	})
}

func (s *dashboardScreen) show(d model.Dashboard) {
	s.data = d
	s.title.SetText(d.Programme)
	s.status.SetText(fmt.Sprintf("%s organisers in training or trained across %d cohorts and %s host organisations.",
		num(d.Seniors+d.Volunteers), len(d.Cohorts), num(d.Hosts)))
	s.seniors.Max, s.seniors.Value = float64(max(d.SeniorTarget, 1)), float64(min(d.Seniors, d.SeniorTarget))
	s.seniors.Refresh()
	s.seniorsTxt.SetText(fmt.Sprintf("Senior organisers: %s of %s (%d%%)",
		num(d.Seniors), num(d.SeniorTarget), percent(d.Seniors, d.SeniorTarget)))
	s.volunteers.Max, s.volunteers.Value = float64(max(d.VolunteerTarget, 1)), float64(min(d.Volunteers, d.VolunteerTarget))
	s.volunteers.Refresh()
	s.volTxt.SetText(fmt.Sprintf("Volunteer organisers: %s of %s (%d%%)",
		num(d.Volunteers), num(d.VolunteerTarget), percent(d.Volunteers, d.VolunteerTarget)))
	awaiting := fmt.Sprintf("%s items awaiting a decision", num(d.EvidenceAwaiting))
	if d.OldestAwaiting != "" {
		awaiting += ", the oldest submitted " + day(d.OldestAwaiting)
	}
	s.evidence.SetText(awaiting + fmt.Sprintf(".\n%s units achieved so far.", num(d.UnitsAchieved)))
	s.cascade.SetText(fmt.Sprintf("%s trainers over %d generations (%s accredited or active)\n"+
		"%s senior organisers supporting volunteers\n%s host organisations, %d kickstarters",
		num(d.Trainers), d.TrainerGenerations, num(d.ActiveTrainers),
		num(d.SeniorsSupporting), num(d.Hosts), d.KickstarterHosts))
	if len(d.Flags) == 0 {
		s.flags.SetText("Nothing flagged.")
	} else {
		text := ""
		for _, f := range d.Flags {
			text += fmt.Sprintf("%s %s\n", num(f.Count), f.Name)
		}
		s.flags.SetText(text)
	}
	s.cohorts.Refresh()
}
