package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// dashboardStore is what the dashboard asks of the model.
type dashboardStore interface {
	Dashboard(ctx context.Context) (model.Dashboard, error)
	DashboardCharts(ctx context.Context) (model.DashboardCharts, error)
}

// dashboardChartSize is the pixel size each chart is drawn at; the images
// scale to fit their cell.
var dashboardChartSize = fyne.NewSize(440, 400)

// dashboardChartImages are the rendered charts, PNG bytes in display order.
type dashboardChartImages [4][]byte

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
	flags      *fyne.Container // one link per flagged line, opening the records it counts
	cohorts    *widget.Table
	charts     [4]*canvas.Image
	chartNote  *widget.Label
	start      *widget.Card  // what to do first, shown on an empty programme
	startWho   *widget.Label // who may import, said when the card shows to a reader
	root       fyne.CanvasObject
	live       liveReload
}

// startText is what an empty programme says to do first: hosts name their
// cohort and organisers their host, so that is the order they import in.
const startText = "Start by importing cohorts, then hosts, then organisers."

// errNothingToChart says the programme holds no one to draw yet.
var errNothingToChart = errors.New("nothing to chart yet")

func newDashboardScreen(e *env) *dashboardScreen {
	s := &dashboardScreen{env: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *dashboardScreen) buildUI() {
	s.status = widget.NewLabel("Loading the programme…")
	s.status.Wrapping = fyne.TextWrapWord // a long line must not widen the window
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.seniors = widget.NewProgressBar()
	s.seniorsTxt = widget.NewLabel("")
	s.volunteers = widget.NewProgressBar()
	s.volTxt = widget.NewLabel("")
	s.evidence = widget.NewLabel("")
	s.cascade = widget.NewLabel("")
	s.flags = container.NewVBox()
	for _, l := range []*widget.Label{s.title, s.seniorsTxt, s.volTxt, s.evidence, s.cascade} {
		l.Wrapping = fyne.TextWrapWord // wrap rather than widen the window on a laptop
	}
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
	s.start = s.startCard()
	left := container.NewVBox(s.start, targets, evidence, cascade, flags)
	people := widget.NewCard("People per cohort", "", s.cohorts)
	s.chartNote = widget.NewLabel("Drawing the charts…")
	s.chartNote.Wrapping = fyne.TextWrapWord
	grid := container.NewGridWithColumns(2)
	for i := range s.charts {
		s.charts[i] = canvas.NewImageFromResource(nil)
		s.charts[i].FillMode = canvas.ImageFillContain
		s.charts[i].SetMinSize(fyne.NewSize(200, 150))
		grid.Add(s.charts[i])
	}
	right := container.NewAppTabs(
		container.NewTabItem("Charts", container.NewBorder(nil, s.chartNote, nil, nil, grid)),
		container.NewTabItem("People per cohort", people))
	body := container.NewHSplit(container.NewVScroll(left), right)
	body.Offset = 0.36
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

// startCard says what to do first in an empty programme, with a button per
// import for a role that may import.
func (s *dashboardScreen) startCard() *widget.Card {
	text := widget.NewLabel(startText + " Each import checks the whole file first and adds nothing if any row is wrong.")
	text.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(text)
	if s.env.may(model.ActImport) {
		for _, k := range []struct{ label, kind string }{
			{"Import cohorts…", model.KindCohorts}, {"Import hosts…", model.KindHosts}, {"Import organisers…", model.KindOrganisers},
		} {
			b := widget.NewButtonWithIcon(k.label, theme.UploadIcon(), func() { s.openImport(k.kind) })
			body.Add(b)
		}
		body.Objects[1].(*widget.Button).Importance = widget.HighImportance
	} else {
		// Said only when the card shows: a hidden card's words would still
		// sit in the window, naming roles the user does not hold.
		s.startWho = widget.NewLabel("")
		body.Add(s.startWho)
	}
	c := widget.NewCard("Start here", "", body)
	c.Hide()
	return c
}

// openImport opens the Import screen ready for kind.
func (s *dashboardScreen) openImport(kind string) {
	if s.env.open == nil {
		return
	}
	if imp, ok := s.env.open("Import").(*importScreen); ok {
		imp.kindSelect.SetSelected(kind)
	}
}

func (s *dashboardScreen) refresh() {
	load(s.env, s.store.Dashboard, s.show, func(err error) {
		sayProblem(s.status, "Could not read the programme: "+err.Error())
	})
	// Charts are read and drawn off the UI goroutine: drawing takes longer
	// than the numbers.
	load(s.env, s.drawCharts, s.showCharts, s.chartsFailed)
}

// chartsFailed says why no charts show.
func (s *dashboardScreen) chartsFailed(err error) {
	if errors.Is(err, errNothingToChart) {
		for _, c := range s.charts {
			c.Resource = nil
			c.Refresh()
		}
		s.chartNote.SetText("The charts appear once cohorts and organisers are imported. " + startText)
		return
	}
	s.chartNote.SetText("Could not draw the charts: " + err.Error())
}

// changed reads the figures again after any change but to user accounts
// (and failed sign-ins), which no figure counts.
func (s *dashboardScreen) changed(cs []model.Change) {
	for _, c := range cs {
		if c.Entity != model.EntityUser {
			s.live.request(cs, s.refreshLive)
			return
		}
	}
}

// liveDashboard is the figures and charts read together for one reload.
type liveDashboard struct {
	data     model.Dashboard
	charts   dashboardChartImages
	chartErr error
}

// refreshLive reads the figures and draws the charts again as one load, so
// a run of changes elsewhere redraws once at a time.
func (s *dashboardScreen) refreshLive(_ []model.Change, done func()) {
	load(s.env, func(ctx context.Context) (liveDashboard, error) {
		d, err := s.store.Dashboard(ctx)
		if err != nil {
			return liveDashboard{}, err
		}
		imgs, cerr := s.drawCharts(ctx)
		return liveDashboard{d, imgs, cerr}, nil
	}, func(v liveDashboard) {
		defer done()
		s.show(v.data)
		if v.chartErr != nil {
			s.chartsFailed(v.chartErr)
			return
		}
		s.showCharts(v.charts)
	}, func(err error) {
		done()
		sayProblem(s.status, "Could not read the programme: "+err.Error())
	})
}

func (s *dashboardScreen) drawCharts(ctx context.Context) (dashboardChartImages, error) {
	var out dashboardChartImages
	data, err := s.store.DashboardCharts(ctx)
	if err != nil {
		return out, err
	}
	if len(data.ByCohort) == 0 && len(data.Progress) == 0 {
		return out, errNothingToChart
	}
	w, h := int(dashboardChartSize.Width), int(dashboardChartSize.Height)
	for i, draw := range []func(model.DashboardCharts, int, int) ([]byte, error){
		reports.ProgressChartPNG, reports.CohortChartPNG, reports.RegionChartPNG, reports.SettingChartPNG,
	} {
		if out[i], err = draw(data, w, h); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *dashboardScreen) showCharts(imgs dashboardChartImages) {
	names := []string{"progress.png", "cohorts.png", "regions.png", "setting.png"}
	for i, b := range imgs {
		s.charts[i].Resource = fyne.NewStaticResource(names[i], b)
		s.charts[i].Refresh()
	}
	s.chartNote.SetText("Organisers counted by the cohort they started in. " + model.TipSeniors)
}

func (s *dashboardScreen) show(d model.Dashboard) {
	s.data = d
	s.title.SetText(d.Programme)
	if empty := len(d.Cohorts) == 0 && d.Hosts == 0 && d.Seniors+d.Volunteers == 0; empty {
		if s.startWho != nil {
			s.startWho.SetText("Importing is for a training lead or an administrator; you are signed in as " +
				model.RoleName(s.env.user.Role) + ".")
		}
		s.start.Show()
	} else {
		s.start.Hide()
	}
	s.root.Refresh() // lay the column out again with or without the card
	say(s.status, fmt.Sprintf("%s organisers in training or trained across %d cohorts and %s host organisations.",
		num(d.Seniors+d.Volunteers), len(d.Cohorts), num(d.Hosts)))
	s.seniors.Max, s.seniors.Value = float64(max(d.SeniorTarget, 1)), float64(min(d.Seniors, d.SeniorTarget))
	s.seniors.Refresh()
	s.seniorsTxt.SetText(fmt.Sprintf("Senior organisers (not withdrawn): %s of %s (%d%%)",
		num(d.Seniors), num(d.SeniorTarget), percent(d.Seniors, d.SeniorTarget)))
	s.volunteers.Max, s.volunteers.Value = float64(max(d.VolunteerTarget, 1)), float64(min(d.Volunteers, d.VolunteerTarget))
	s.volunteers.Refresh()
	s.volTxt.SetText(fmt.Sprintf("Volunteer organisers (not withdrawn): %s of %s (%d%%)",
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
	s.showFlags(d.Flags)
	s.cohorts.Refresh()
}

// showFlags lists each flagged line as a link to the records it counts:
// the organisers list filtered by the flag, the trainers with no trainer
// recorded, or the hosts whose team is outside 2–5.
func (s *dashboardScreen) showFlags(flags []model.Flag) {
	s.flags.RemoveAll()
	if len(flags) == 0 {
		s.flags.Add(widget.NewLabel("Nothing flagged."))
		return
	}
	for _, f := range flags {
		// A link, not a button: it opens a list and changes nothing.
		l := widget.NewHyperlink(num(f.Count)+" "+f.Noun(), nil)
		l.OnTapped = func() { s.env.openFlagged(f) }
		s.flags.Add(l)
	}
}
