package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// certificatesStore is what the Certificates screen asks of the model.
type certificatesStore interface {
	Candidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error)
	IssueCertificates(ctx context.Context, by model.User, cands []model.Candidate, opt model.IssueOptions) ([]model.Issued, error)
	CertificateSettings(ctx context.Context) (model.CertificateSettings, error)
	Certificates(ctx context.Context, search string, limit int) ([]model.Certificate, error)
	Reprint(ctx context.Context, by model.User, number string) (model.Certificate, error)
	Revoke(ctx context.Context, by model.User, number, reason string) error
	Path() string
}

var certKindChoices = []string{"All kinds", model.KindCompletion, model.KindUnits, model.KindTrainer}

const (
	outFolder   = "One PDF per person (folder)"
	outCombined = "One combined PDF to print"
)

// certificatesScreen selects people as `cascade certificates` does, issues
// their certificates with a progress bar, and lists what has been issued
// with search, reprint and revoke.
type certificatesScreen struct {
	env   *env
	store certificatesStore

	cands    []model.Candidate // the selection last counted
	issued   []model.Certificate
	selected int // row of issued, -1 for none
	cancel   context.CancelFunc
	lastOut  string

	kind      *widget.Select
	cohort    *widget.Entry
	host      *widget.Entry
	person    *widget.Entry
	eligible  *widget.Label
	outMode   *widget.RadioGroup
	outPath   *widget.Entry
	issueBtn  *widget.Button
	cancelBtn *widget.Button
	openBtn   *widget.Button
	progress  *widget.ProgressBar
	status    *widget.Label
	search    *widget.Entry
	table     *widget.Table
	reprint   *widget.Button
	revoke    *widget.Button
	root      fyne.CanvasObject
}

func newCertificatesScreen(e *env) *certificatesScreen {
	s := &certificatesScreen{env: e, store: e.store, selected: -1}
	go reports.CutFonts() // so the first certificate is as quick as the rest
	s.buildUI()
	s.onSelectionChanged()
	s.loadIssued()
	return s
}

func (s *certificatesScreen) buildUI() {
	s.kind = widget.NewSelect(certKindChoices, func(string) { s.onSelectionChanged() })
	s.kind.Selected = certKindChoices[0] // no callback: the other widgets do not exist yet
	s.cohort = &widget.Entry{PlaceHolder: "any", OnChanged: func(string) { s.onSelectionChanged() },
		Validator: func(v string) error {
			if v == "" {
				return nil
			}
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n <= 0 {
				return errors.New("a cohort number, such as 3")
			}
			return nil
		}}
	s.cohort.ExtendBaseWidget(s.cohort)
	s.host = &widget.Entry{PlaceHolder: "any host organisation", OnChanged: func(string) { s.onSelectionChanged() }}
	s.host.ExtendBaseWidget(s.host)
	s.person = &widget.Entry{PlaceHolder: "any person (email)", OnChanged: func(string) { s.onSelectionChanged() }}
	s.person.ExtendBaseWidget(s.person)
	s.eligible = widget.NewLabel("Counting…")
	s.eligible.Wrapping = fyne.TextWrapWord

	s.outPath = widget.NewEntry()
	s.outMode = widget.NewRadioGroup([]string{outFolder, outCombined}, s.onOutModeChanged)
	s.outMode.Horizontal = true
	s.outMode.SetSelected(outFolder)
	s.issueBtn = widget.NewButton("Issue certificates", s.onIssue)
	s.issueBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButton("Cancel", s.onCancel)
	s.cancelBtn.Disable()
	s.openBtn = widget.NewButton("Open result", s.onOpen)
	s.openBtn.Disable()
	s.progress = widget.NewProgressBar()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem("Kind", s.kind),
		widget.NewFormItem("Cohort", s.cohort),
		widget.NewFormItem("Host", s.host),
		widget.NewFormItem("Person", s.person),
		widget.NewFormItem("Write", s.outMode),
		widget.NewFormItem("To", s.outPath),
	)
	issueCard := widget.NewCard("Issue certificates", "Everyone eligible in the selection; anyone who already holds one gets a reprint (same number, marked COPY).",
		container.NewVBox(form, s.eligible, s.progress,
			container.NewBorder(nil, nil, container.NewHBox(s.issueBtn, s.cancelBtn, s.openBtn), nil, s.status)))

	s.search = &widget.Entry{PlaceHolder: "Search number, name or email", OnChanged: func(string) { s.loadIssued() }}
	s.search.ExtendBaseWidget(s.search)
	s.table = &widget.Table{
		Length:        func() (int, int) { return len(s.issued), len(issuedColumns) },
		CreateCell:    func() fyne.CanvasObject { return widget.NewLabel("CO-2013-000123 wide") },
		UpdateCell:    s.updateIssuedCell,
		ShowHeaderRow: true,
		CreateHeader:  func() fyne.CanvasObject { return widget.NewLabel("Number") },
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 {
				o.(*widget.Label).SetText(issuedColumns[id.Col])
			}
		},
		OnSelected: func(id widget.TableCellID) { s.onIssuedSelected(id.Row) },
	}
	s.table.ExtendBaseWidget(s.table)
	for i, w := range []float32{160, 240, 110, 110, 260} {
		s.table.SetColumnWidth(i, w)
	}
	s.reprint = widget.NewButton("Reprint…", s.onReprint)
	s.revoke = widget.NewButton("Revoke…", s.onRevoke)
	s.reprint.Disable()
	s.revoke.Disable()
	list := container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Issued certificates", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(s.reprint, s.revoke), s.search),
		nil, nil, nil, s.table)
	split := container.NewVSplit(container.NewVScroll(issueCard), list)
	split.Offset = 0.55
	s.root = split
	s.onOutModeChanged(outFolder)
}

var issuedColumns = []string{"Number", "Name", "Kind", "Issued", "Status"}

func (s *certificatesScreen) content() fyne.CanvasObject { return s.root }

func (s *certificatesScreen) focusSearch() { s.env.win.Canvas().Focus(s.search) }

func (s *certificatesScreen) refresh() {
	s.onSelectionChanged()
	s.loadIssued()
}

func (s *certificatesScreen) updateIssuedCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(s.issued) {
		l.SetText("")
		return
	}
	c := s.issued[id.Row]
	switch id.Col {
	case 0:
		l.SetText(c.Number)
	case 1:
		l.SetText(c.HolderName)
	case 2:
		l.SetText(c.Kind)
	case 3:
		l.SetText(day(c.IssuedOn))
	case 4:
		if c.Revoked() {
			l.SetText("revoked " + day(c.RevokedAt) + ": " + c.RevokedReason)
		} else {
			l.SetText("valid")
		}
	}
}

// selection reads the form as the command's flags.
func (s *certificatesScreen) selection() (model.CertSelection, bool) {
	sel := model.CertSelection{Host: strings.TrimSpace(s.host.Text), Person: strings.TrimSpace(s.person.Text)}
	if s.kind.SelectedIndex() > 0 {
		sel.Kind = s.kind.Selected
	}
	if v := strings.TrimSpace(s.cohort.Text); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return sel, false
		}
		sel.Cohort = n
	}
	return sel, true
}

// onSelectionChanged recounts who is eligible.
func (s *certificatesScreen) onSelectionChanged() {
	sel, ok := s.selection()
	if !ok {
		s.eligible.SetText("Give a cohort number, such as 3.")
		s.issueBtn.Disable()
		return
	}
	s.eligible.SetText("Counting…")
	load(s.env, func(ctx context.Context) ([]model.Candidate, error) {
		return s.store.Candidates(ctx, sel)
	}, func(cs []model.Candidate) {
		if cur, _ := s.selection(); cur != sel {
			return // the form changed while counting; a newer count follows
		}
		s.cands = cs
		var eligible, reprints int
		for _, c := range cs {
			if c.Eligible {
				eligible++
				if c.Reprint() {
					reprints++
				}
			}
		}
		s.eligible.SetText(fmt.Sprintf("%s eligible in the selection: %s to issue, %s reprints; %s not eligible (listed after issuing).",
			num(eligible), num(eligible-reprints), num(reprints), num(len(cs)-eligible)))
		if eligible > 0 && s.cancel == nil {
			s.issueBtn.Enable()
		} else {
			s.issueBtn.Disable()
		}
	}, func(err error) {
		s.eligible.SetText("Could not count: " + err.Error())
		s.issueBtn.Disable()
	})
}

func (s *certificatesScreen) onOutModeChanged(mode string) {
	base := filepath.Join(filepath.Dir(s.store.Path()), "certificates")
	cur := s.outPath.Text
	if cur != "" && cur != base && cur != base+".pdf" {
		return // the person typed a place of their own
	}
	if mode == outCombined {
		s.outPath.SetText(base + ".pdf")
	} else {
		s.outPath.SetText(base)
	}
}

// onIssue issues to the counted selection and writes the files, with a
// progress bar; Cancel stops the writing.
func (s *certificatesScreen) onIssue() {
	cands := s.cands
	out := strings.TrimSpace(s.outPath.Text)
	if out == "" {
		s.status.SetText("Say where to write the certificates.")
		return
	}
	combined := s.outMode.Selected == outCombined
	ctx, cancel := context.WithCancel(s.env.ctx)
	s.cancel = cancel
	s.issueBtn.Disable()
	s.cancelBtn.Enable()
	s.openBtn.Disable()
	s.progress.SetValue(0)
	s.status.SetText("Issuing…")
	post := s.env.post
	go func() {
		summary, path, err := s.issueAndWrite(ctx, cands, out, combined, func(done, total int) {
			post(func() { s.progress.SetValue(float64(done) / float64(total)) })
		})
		post(func() {
			cancel()
			s.cancel = nil
			s.cancelBtn.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				s.status.SetText("Cancelled. Certificates already issued are kept; issuing again reprints them.")
			case err != nil:
				s.status.SetText("Could not issue: " + err.Error())
			default:
				s.progress.SetValue(1)
				s.status.SetText(summary)
				s.lastOut = path
				s.openBtn.Enable()
			}
			s.onSelectionChanged()
			s.loadIssued()
		})
	}()
}

// issueAndWrite runs off the UI goroutine: the database transaction, then
// the PDFs.
func (s *certificatesScreen) issueAndWrite(ctx context.Context, cands []model.Candidate, out string, combined bool, progress func(done, total int)) (string, string, error) {
	issued, err := s.store.IssueCertificates(ctx, s.env.user, cands, model.IssueOptions{})
	if err != nil {
		return "", "", err
	}
	cs, err := s.store.CertificateSettings(ctx)
	if err != nil {
		return "", "", err
	}
	prints := make([]model.Printable, len(issued))
	reprinted := 0
	for i, c := range issued {
		prints[i] = c.Printable(c.Reprint, cs)
		if c.Reprint {
			reprinted++
		}
	}
	skipped := 0
	for _, c := range cands {
		if !c.Eligible {
			skipped++
		}
	}
	summary := fmt.Sprintf("Issued %s, reprinted %s, skipped %s.", num(len(issued)-reprinted), num(reprinted), num(skipped))
	if len(prints) == 0 {
		return summary, "", nil
	}
	if combined {
		progress(0, 1)
		if err := writeFile(out, func(f *os.File) error { return reports.WriteCertificates(f, prints, time.Now().UTC()) }); err != nil {
			return "", "", err
		}
		progress(1, 1)
		return summary + " Written to " + out + ".", out, nil
	}
	if _, err := reports.WriteCertificateFiles(ctx, out, prints, time.Now().UTC(), progress); err != nil {
		return "", "", err
	}
	return summary + " Written to " + out + ".", out, nil
}

// writeFile creates path and writes it with fn, removing it on failure.
func writeFile(path string, fn func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func (s *certificatesScreen) onCancel() {
	if s.cancel != nil {
		s.cancel()
		s.status.SetText("Cancelling…")
	}
}

func (s *certificatesScreen) onOpen() {
	if s.lastOut == "" {
		return
	}
	u := &url.URL{Scheme: "file", Path: s.lastOut}
	if err := s.env.app.OpenURL(u); err != nil {
		s.status.SetText("Could not open " + s.lastOut + ": " + err.Error())
	}
}

func (s *certificatesScreen) loadIssued() {
	search := strings.TrimSpace(s.search.Text)
	load(s.env, func(ctx context.Context) ([]model.Certificate, error) {
		return s.store.Certificates(ctx, search, 1000)
	}, func(list []model.Certificate) {
		if strings.TrimSpace(s.search.Text) != search {
			return
		}
		s.issued = list
		s.selected = -1
		s.table.UnselectAll()
		s.reprint.Disable()
		s.revoke.Disable()
		s.table.Refresh()
	}, func(err error) {
		s.status.SetText("Could not list certificates: " + err.Error())
	})
}

func (s *certificatesScreen) onIssuedSelected(row int) {
	if row < 0 || row >= len(s.issued) {
		return
	}
	s.selected = row
	if s.issued[row].Revoked() {
		s.reprint.Disable()
		s.revoke.Disable()
		return
	}
	s.reprint.Enable()
	s.revoke.Enable()
}

// onReprint reprints the selected certificate (same number, COPY) into the
// output folder and opens it.
func (s *certificatesScreen) onReprint() {
	if s.selected < 0 {
		return
	}
	c := s.issued[s.selected]
	dir := filepath.Join(filepath.Dir(s.store.Path()), "certificates")
	path := filepath.Join(dir, c.Number+"-"+reports.SafeName(c.HolderName)+"-copy.pdf")
	dialog.ShowConfirm("Reprint "+c.Number, "Write a copy of "+c.HolderName+"'s certificate, marked COPY, to\n"+path+"?", func(ok bool) {
		if !ok {
			return
		}
		load(s.env, func(ctx context.Context) (string, error) {
			rc, err := s.store.Reprint(ctx, s.env.user, c.Number)
			if err != nil {
				return "", err
			}
			cs, err := s.store.CertificateSettings(ctx)
			if err != nil {
				return "", err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return "", err
			}
			return path, writeFile(path, func(f *os.File) error {
				return reports.WriteCertificates(f, []model.Printable{rc.Printable(true, cs)}, time.Now().UTC())
			})
		}, func(p string) {
			s.status.SetText("Reprinted " + c.Number + " to " + p + ".")
			s.lastOut = p
			s.openBtn.Enable()
			s.onOpen()
		}, func(err error) {
			dialog.ShowError(err, s.env.win)
		})
	}, s.env.win)
}

// onRevoke asks for a reason, then confirms, then revokes.
func (s *certificatesScreen) onRevoke() {
	if s.selected < 0 {
		return
	}
	c := s.issued[s.selected]
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder("Why is it revoked? (kept with the certificate)")
	reason.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("a reason is required")
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem("Reason", reason)}
	dialog.ShowForm("Revoke "+c.Number, "Revoke", "Keep it", items, func(ok bool) {
		if !ok {
			return
		}
		dialog.ShowConfirm("Revoke "+c.Number+"?", c.HolderName+"'s "+c.Kind+" certificate will verify as revoked from now on. This cannot be undone.", func(yes bool) {
			if !yes {
				return
			}
			why := strings.TrimSpace(reason.Text)
			load(s.env, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, s.store.Revoke(ctx, s.env.user, c.Number, why)
			}, func(struct{}) {
				s.status.SetText("Revoked " + c.Number + ": " + why)
				s.loadIssued()
				s.onSelectionChanged()
			}, func(err error) {
				dialog.ShowError(err, s.env.win)
			})
		}, s.env.win)
	}, s.env.win)
}
