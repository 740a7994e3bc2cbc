package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

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
	reports.CertificateRunStore
	reports.PrintAgainStore
	reports.SettingsReader
	Certificates(ctx context.Context, search string, limit int) ([]model.Certificate, error)
	Revoke(ctx context.Context, by model.User, number, reason string) error
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
	outBase  string // the certificates folder in the output folder setting; '' until read

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
	s.loadOutputFolder()
	return s
}

// loadOutputFolder reads where certificates go by default (the
// output.folder setting) and suggests it, unless a place was typed.
func (s *certificatesScreen) loadOutputFolder() {
	load(s.env, func(ctx context.Context) (string, error) {
		return reports.OutputFolder(ctx, s.store)
	}, func(dir string) {
		s.outBase = filepath.Join(dir, "certificates")
		s.onOutModeChanged(s.outMode.Selected)
	}, func(err error) {
		s.status.SetText("Could not read the output folder setting: " + err.Error())
	})
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
	)
	issueCard := widget.NewCard("Issue certificates", "Everyone eligible in the selection; anyone who already holds one gets a reprint (same number, marked COPY).",
		container.NewVBox(form, s.eligible, s.progress,
			container.NewBorder(nil, nil, container.NewHBox(s.issueBtn, s.cancelBtn, s.openBtn), nil, s.status)))
	if s.env.may(model.ActCertificates) {
		form.Append("Write", s.outMode)
		form.Append("To", s.outPath)
	} else {
		// Who is eligible is for every role to read; issuing is not.
		issueCard.SetTitle("Eligible for certificates")
		issueCard.SetSubTitle("Who in the selection is eligible; issuing is for a training lead or an administrator.")
	}
	offerIf(s.env, model.ActCertificates, s.issueBtn, s.cancelBtn, s.openBtn, s.progress)

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
	offerIf(s.env, model.ActCertificates, s.reprint, s.revoke)
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
		switch {
		case c.Revoked():
			l.SetText("revoked " + day(c.RevokedAt) + ": " + c.RevokedReason)
		case !c.Delivered():
			l.SetText("not delivered: the next run prints it")
		default:
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
		setEnabled(s.issueBtn, eligible > 0 && s.cancel == nil && s.env.may(model.ActCertificates))
	}, func(err error) {
		s.eligible.SetText("Could not count: " + err.Error())
		s.issueBtn.Disable()
	})
}

func (s *certificatesScreen) onOutModeChanged(mode string) {
	base := s.outBase
	if base == "" {
		return // not read yet; loadOutputFolder suggests it
	}
	cur := s.outPath.Text
	if cur != "" && !strings.HasSuffix(cur, string(filepath.Separator)+"certificates") && !strings.HasSuffix(cur, string(filepath.Separator)+"certificates.pdf") {
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
	if combined := s.outMode.Selected == outCombined; combined != reports.IsCombined(out) {
		if combined {
			s.status.SetText("A combined PDF is written to a file ending .pdf.")
		} else {
			s.status.SetText("One PDF per person is written to a folder, not a file ending .pdf.")
		}
		return
	}
	ctx, cancel := context.WithCancel(s.env.ctx)
	s.cancel = cancel
	s.issueBtn.Disable()
	s.cancelBtn.Enable()
	s.openBtn.Disable()
	s.progress.SetValue(0)
	s.status.SetText("Issuing…")
	post := s.env.post
	go func() {
		summary, path, err := s.issueAndWrite(ctx, cands, out, func(done, total int) {
			post(func() { s.progress.SetValue(float64(done) / float64(total)) })
		})
		post(func() {
			cancel()
			s.cancel = nil
			s.cancelBtn.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				s.status.SetText("Cancelled. No PDF was written; certificates already issued are kept and the next run prints them as originals.")
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

// issueAndWrite runs off the UI goroutine: the one certificate run the
// command also makes (reports.IssueAndPrint).
func (s *certificatesScreen) issueAndWrite(ctx context.Context, cands []model.Candidate, out string, progress func(done, total int)) (string, string, error) {
	res, err := reports.IssueAndPrint(ctx, s.store, s.env.user, cands, reports.PrintRunOptions{Out: out, Progress: progress})
	if err != nil {
		return "", "", err
	}
	summary := fmt.Sprintf("Issued %s, reprinted %s, skipped %s.", num(res.Issued), num(res.Reprinted), num(res.Skipped))
	if res.Again > 0 {
		summary += fmt.Sprintf(" Printed %s issued earlier but never delivered, as originals.", num(res.Again))
	}
	if len(res.Paths) == 0 {
		return summary, "", nil
	}
	return summary + " Written to " + out + ".", out, nil
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
	may := s.env.may(model.ActCertificates) && !s.issued[row].Revoked()
	setEnabled(s.reprint, may)
	setEnabled(s.revoke, may)
}

// onReprint prints the selected certificate again into the certificates
// folder (marked COPY once delivered) and opens it.
func (s *certificatesScreen) onReprint() {
	if s.selected < 0 {
		return
	}
	c := s.issued[s.selected]
	dir := s.outBase
	if dir == "" {
		s.status.SetText("The output folder has not been read yet; try again.")
		return
	}
	what := "a copy of " + c.HolderName + "'s certificate, marked COPY,"
	if !c.Delivered() {
		what = c.HolderName + "'s certificate (never delivered, so an original)"
	}
	dialog.ShowConfirm("Reprint "+c.Number, "Write "+what+" to\n"+dir+"?", func(ok bool) {
		if !ok {
			return
		}
		load(s.env, func(ctx context.Context) (string, error) {
			return reports.PrintAgain(ctx, s.store, s.env.user, c.Number, dir)
		}, func(p string) {
			s.status.SetText("Reprinted " + c.Number + " to " + p + ".")
			s.lastOut = p
			s.openBtn.Enable()
			s.loadIssued()
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
