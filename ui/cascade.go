package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// cascadeStore is what the cascade screen asks of the model.
type cascadeStore interface {
	Cascade(ctx context.Context) (*model.Cascade, error)
	PersonCard(ctx context.Context, personID int64) (model.PersonCard, error)
}

// cascadeDiagramScale is pixels per millimetre of the A4 diagram on screen
// and in the exported PNG.
const cascadeDiagramScale = 5

// cascadeView is the loaded cascade indexed for widget.Tree: node ids are
// paths, because a senior appears under each course they were on.
type cascadeView struct {
	c        *model.Cascade
	nodes    map[widget.TreeNodeID]*model.CascadeNode
	children map[widget.TreeNodeID][]widget.TreeNodeID
}

func indexCascade(c *model.Cascade) *cascadeView {
	v := &cascadeView{c: c, nodes: map[string]*model.CascadeNode{}, children: map[string][]string{}}
	var add func(parent string, n *model.CascadeNode)
	add = func(parent string, n *model.CascadeNode) {
		id := fmt.Sprintf("%s/%d:%d", parent, n.Kind, n.ID)
		v.nodes[id] = n
		v.children[parent] = append(v.children[parent], id)
		for _, ch := range n.Children {
			add(id, ch)
		}
	}
	for _, r := range c.Roots {
		add("", r)
	}
	return v
}

// cascadeScreen shows the cascade as a tree with reach and generation, its
// thin spots, and the layered diagram that exports to PNG and PDF.
type cascadeScreen struct {
	env   *env
	store cascadeStore
	view  *cascadeView
	png   []byte

	summary  *widget.Label
	tree     *widget.Tree
	thin     *widget.List
	thinHead *widget.Label
	diagram  *canvas.Image
	progress *widget.ProgressBarInfinite
	exports  []*widget.Button
	root     fyne.CanvasObject
}

func newCascadeScreen(e *env) screen {
	s := &cascadeScreen{env: e, store: e.store, view: indexCascade(&model.Cascade{})}
	s.buildUI()
	s.refresh()
	return s
}

func (s *cascadeScreen) buildUI() {
	s.summary = widget.NewLabel("Reading the cascade…")
	s.summary.Wrapping = fyne.TextWrapWord
	s.tree = &widget.Tree{
		ChildUIDs:  func(id widget.TreeNodeID) []widget.TreeNodeID { return s.view.children[id] },
		IsBranch:   func(id widget.TreeNodeID) bool { return len(s.view.children[id]) > 0 },
		CreateNode: s.createNode,
		UpdateNode: s.updateNode,
		OnSelected: s.onNodeSelected,
	}
	s.tree.ExtendBaseWidget(s.tree)
	s.thinHead = widget.NewLabelWithStyle("Thin spots", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.thin = widget.NewList(func() int { return len(s.view.c.ThinSpots) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Senior organiser name — supporting no volunteers (Host)")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		s.updateThin)
	s.thin.OnSelected = s.onThinSelected
	s.diagram = canvas.NewImageFromResource(nil)
	s.diagram.FillMode = canvas.ImageFillContain
	s.diagram.SetMinSize(fyne.NewSize(297*3, 210*3))
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Hide()
	png := widget.NewButtonWithIcon("Export PNG…", theme.DownloadIcon(), s.onExportPNG)
	pdf := widget.NewButtonWithIcon("Export PDF page…", theme.DocumentPrintIcon(), s.onExportPDF)
	s.exports = []*widget.Button{png, pdf}

	treePane := container.NewHSplit(s.tree, container.NewBorder(s.thinHead, nil, nil, nil, s.thin))
	treePane.Offset = 0.62
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Tree", theme.ListIcon(), treePane),
		container.NewTabItemWithIcon("Diagram", theme.MediaPhotoIcon(), container.NewScroll(s.diagram)),
	)
	top := container.NewBorder(nil, s.progress, nil, container.NewHBox(png, pdf), s.summary)
	s.root = container.NewBorder(top, nil, nil, nil, tabs)
}

func (s *cascadeScreen) content() fyne.CanvasObject { return s.root }

func (s *cascadeScreen) refresh() {
	load(s.env, func(ctx context.Context) (*cascadeView, error) {
		c, err := s.store.Cascade(ctx)
		if err != nil {
			return nil, err
		}
		return indexCascade(c), nil
	}, s.show, func(err error) {
		s.summary.SetText("Could not read the cascade: " + err.Error())
	})
}

func (s *cascadeScreen) show(v *cascadeView) {
	open := map[string]bool{}
	for id := range s.view.nodes {
		if s.tree.IsBranchOpen(id) {
			open[id] = true
		}
	}
	s.view = v
	trainers, gens := 0, len(v.c.Generations)
	for _, g := range v.c.Generations {
		trainers += g.Trainers
	}
	counts := map[string]int{}
	for _, t := range v.c.ThinSpots {
		counts[t.Kind]++
	}
	s.summary.SetText(fmt.Sprintf("%s trainers in %d generations reach %s people. Thin spots: %s working trainers who have reached no one, "+
		"%s seniors supporting no volunteers, %s hosts with a team outside %d–%d, %s cohorts without a trainer. Select a person to open them.\n%s %s",
		num(trainers), gens, num(v.c.People), num(counts[model.ThinTrainer]), num(counts[model.ThinSenior]), num(counts[model.ThinHost]),
		model.TeamMin, model.TeamMax, num(counts[model.ThinCohort]), model.TipReach, model.TipGeneration))
	s.thinHead.SetText(fmt.Sprintf("Thin spots (%s)", num(len(v.c.ThinSpots))))
	s.tree.Refresh()
	for id := range open { // openness survives a refresh
		if _, ok := v.nodes[id]; ok {
			s.tree.OpenBranch(id)
		}
	}
	s.thin.Refresh()
	s.renderDiagram()
}

// renderDiagram draws the PNG off the UI goroutine; it takes a moment.
func (s *cascadeScreen) renderDiagram() {
	c := s.view.c
	load(s.env, func(context.Context) ([]byte, error) {
		var b bytes.Buffer
		err := reports.CascadePNG(&b, c, "as of "+day(c.AsOf), cascadeDiagramScale)
		return b.Bytes(), err
	}, func(b []byte) {
		s.png = b
		s.diagram.Resource = fyne.NewStaticResource("cascade.png", b)
		s.diagram.Refresh()
	}, func(err error) {
		s.summary.SetText("Could not draw the diagram: " + err.Error())
	})
}

func (s *cascadeScreen) createNode(bool) fyne.CanvasObject {
	name := widget.NewLabel("Trainer name here")
	name.TextStyle.Bold = true
	facts := widget.NewLabel("gen 2 · reach 1,234 · Accredited")
	flag := widget.NewLabel("supports no volunteers")
	flag.Importance = widget.DangerImportance
	return container.NewHBox(widget.NewIcon(theme.AccountIcon()), name, facts, flag)
}

// updateNode only reads the cached cascade.
func (s *cascadeScreen) updateNode(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	n := s.view.nodes[id]
	if n == nil {
		return
	}
	row := o.(*fyne.Container)
	icon := row.Objects[0].(*widget.Icon)
	name := row.Objects[1].(*widget.Label)
	facts := row.Objects[2].(*widget.Label)
	flag := row.Objects[3].(*widget.Label)
	icon.SetResource(cascadeIcon(n.Kind))
	name.SetText(n.Label)
	parts := []string{}
	if n.Kind != model.NodeGroup {
		parts = append(parts, cascadeKindLabel(n.Kind), fmt.Sprintf("gen %d", n.Generation))
	}
	if n.Kind != model.NodeVolunteer {
		parts = append(parts, "reach "+num(n.Reach))
	}
	if n.Detail != "" {
		parts = append(parts, n.Detail)
	}
	facts.SetText(strings.Join(parts, " · "))
	flag.SetText(n.Flag)
	if n.Flag == "" {
		flag.Hide()
	} else {
		flag.Show()
	}
}

func cascadeIcon(k model.CascadeKind) fyne.Resource {
	switch k {
	case model.NodeTrainer:
		return theme.AccountIcon()
	case model.NodeCohort:
		return theme.HomeIcon()
	case model.NodeCourse:
		return theme.CalendarIcon()
	case model.NodeGroup:
		return theme.WarningIcon()
	}
	return theme.ContentAddIcon() // organisers: the people the cascade adds
}

func cascadeKindLabel(k model.CascadeKind) string {
	switch k {
	case model.NodeTrainer:
		return "trainer"
	case model.NodeCohort:
		return "cohort"
	case model.NodeCourse:
		return "course"
	case model.NodeSenior:
		return "senior organiser"
	case model.NodeVolunteer:
		return "volunteer"
	}
	return ""
}

func (s *cascadeScreen) onNodeSelected(id widget.TreeNodeID) {
	n := s.view.nodes[id]
	if n == nil {
		return
	}
	s.tree.Unselect(id) // so the same node acts again on a second tap
	switch {
	case n.Kind == model.NodeTrainer:
		s.openPage(n.PersonID, func() { s.env.openTrainer(n.ID) })
	case n.Kind == model.NodeSenior || n.Kind == model.NodeVolunteer:
		s.openPage(n.PersonID, func() { s.env.openOrganiser(n.ID) })
	default:
		s.tree.ToggleBranch(id)
	}
}

// openPage opens a person's page in its section; a cascade screen shown
// alone, outside the window's frame, shows their details instead.
func (s *cascadeScreen) openPage(personID int64, open func()) {
	if s.env.goTo == nil {
		s.openPerson(personID)
		return
	}
	open()
}

// personRoles describes a person's roles in plain lines.
func personRoles(p model.PersonCard) []string {
	var lines []string
	if t := p.Trainer; t != nil {
		line := "Trainer: " + model.TrainerStatusLabel(t.Status)
		if t.TrainedBy == "" {
			line += ", no trainer recorded"
		} else {
			line += ", trained by " + t.TrainedBy
		}
		if t.TrainedOn != "" {
			line += " on " + day(t.TrainedOn)
		}
		if t.RetiredOn != "" {
			line += ", retired " + day(t.RetiredOn)
		}
		lines = append(lines, line)
	}
	if o := p.Organiser; o != nil {
		line := fmt.Sprintf("%s organiser (%s)", strings.ToUpper(o.Role[:1])+o.Role[1:], o.Status)
		if o.Host == "" {
			line += ", no host"
		} else {
			line += fmt.Sprintf(", hosted by %s (%s, %s)", o.Host, o.Region, o.Setting)
		}
		if o.Cohort > 0 {
			line += fmt.Sprintf(", cohort %d", o.Cohort)
		}
		lines = append(lines, line)
		if o.SupportedBy != "" {
			lines = append(lines, "Supported by "+o.SupportedBy)
		}
		if o.Role == "senior" {
			lines = append(lines, fmt.Sprintf("Supporting %s volunteers", num(o.Supporting)))
		}
	}
	return lines
}

func (s *cascadeScreen) updateThin(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.view.c.ThinSpots) {
		return
	}
	t := s.view.c.ThinSpots[i]
	o.(*widget.Label).SetText(fmt.Sprintf("%s — %s", t.Name, t.What))
}

func (s *cascadeScreen) onThinSelected(i widget.ListItemID) {
	if i >= len(s.view.c.ThinSpots) {
		return
	}
	t := s.view.c.ThinSpots[i]
	s.thin.Unselect(i)
	switch {
	case t.Kind == model.ThinTrainer && t.ID != 0:
		s.openPage(t.PersonID, func() { s.env.openTrainer(t.ID) })
		return
	case t.Kind == model.ThinSenior && t.ID != 0:
		s.openPage(t.PersonID, func() { s.env.openOrganiser(t.ID) })
		return
	case t.Kind == model.ThinHost && t.ID != 0 && s.env.goTo != nil:
		s.env.openHost(t.ID)
		return
	case t.PersonID != 0:
		s.openPerson(t.PersonID)
		return
	}
	showInformation(t.Name, t.What+".\nOpen Cohorts & hosts to change it.", s.env.win)
}

// openPerson shows a person's details in a dialog.
func (s *cascadeScreen) openPerson(personID int64) {
	load(s.env, func(ctx context.Context) (model.PersonCard, error) { return s.store.PersonCard(ctx, personID) },
		func(p model.PersonCard) {
			lines := append([]string{"Email: " + p.Email, "Phone: " + orDash(p.Phone)}, personRoles(p)...)
			body := widget.NewLabel(strings.Join(lines, "\n"))
			body.Wrapping = fyne.TextWrapWord
			d := dialog.NewCustom(p.Name, "Close", body, s.env.win)
			d.Resize(fyne.NewSize(560, 0))
			showKeyed(s.env.win, d, nil)
		}, func(err error) { showError(err, s.env.win) })
}

func (s *cascadeScreen) onExportPNG() {
	s.export("cascade.png", func(w io.Writer, c *model.Cascade) error {
		return reports.CascadePNG(w, c, "as of "+day(c.AsOf), cascadeDiagramScale)
	})
}

func (s *cascadeScreen) onExportPDF() {
	s.export("cascade.pdf", func(w io.Writer, c *model.Cascade) error {
		return reports.CascadePDF(w, c, "as of "+day(c.AsOf), time.Now())
	})
}

// export asks where to save, then draws the file off the UI goroutine with
// a progress bar showing.
func (s *cascadeScreen) export(name string, draw func(io.Writer, *model.Cascade) error) {
	c := s.view.c
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		s.busy(true)
		go func() {
			err := draw(w, c)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			s.env.post(func() {
				s.busy(false)
				if err != nil {
					showError(fmt.Errorf("export %s: %w", name, err), s.env.win)
					return
				}
				showInformation("Exported", "Saved "+w.URI().Path(), s.env.win)
			})
		}()
	}, s.env.win)
	d.SetFileName(name)
	if ext := name[strings.LastIndex(name, "."):]; ext != "" {
		d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	}
	d.Show()
}

func (s *cascadeScreen) busy(on bool) {
	for _, b := range s.exports {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.progress.Show()
		s.progress.Start()
	} else {
		s.progress.Stop()
		s.progress.Hide()
	}
}
