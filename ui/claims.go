package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// claimsStore is what the claims screen asks of the model.
type claimsStore interface {
	Claims(ctx context.Context) ([]model.Claim, error)
	ClaimLines(ctx context.Context, id int64) ([]model.ClaimLine, error)
	CreateClaim(ctx context.Context, by model.User, cohort int, qual string) (model.Claim, []model.ClaimProblem, error)
	SubmitClaimFrom(ctx context.Context, by model.User, was model.Claim) error
	CorrectClaim(ctx context.Context, by model.User, id int64) (model.Claim, error)
	DiscardClaim(ctx context.Context, by model.User, id int64) error
	LoadCatalogue(ctx context.Context) (model.Catalogue, error)
	ClaimCentre(ctx context.Context) (string, error)
}

// claimsScreen makes, submits, corrects and exports claims to the OCN.
type claimsScreen struct {
	e       *env
	store   claimsStore
	claims  []model.Claim
	sel     int
	lines   []model.ClaimLine
	table   *widget.Table
	ltable  *widget.Table
	heading *widget.Label
	status  *widget.Label
	newBtn  *widget.Button
	subBtn  *widget.Button
	fixBtn  *widget.Button
	delBtn  *widget.Button
	csvBtn  *widget.Button
	pdfBtn  *widget.Button
	root    fyne.CanvasObject
}

func newClaimsScreen(e *env) screen {
	s := &claimsScreen{e: e, store: e.store, sel: -1}
	s.buildUI()
	s.refresh()
	return s
}

func (s *claimsScreen) buildUI() {
	s.table = textTable([]string{"Reference", "Cohort", "Qualification", "Status", "Units", "Credits", "Made by", "Submitted", "Corrects"},
		[]float32{150, 60, 110, 130, 60, 70, 90, 110, 150}, func() int { return len(s.claims) }, s.claimCell, s.onSelected)
	s.ltable = textTable([]string{"Learner", "Registration", "ULN", "Unit", "Title", "Level", "Credits"},
		[]float32{180, 170, 110, 60, 300, 60, 60}, func() int { return len(s.lines) }, s.lineCell, nil)
	s.heading = widget.NewLabelWithStyle("Choose a claim to see its lines.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.newBtn = widget.NewButton("New claim…", s.onNew)
	s.subBtn = widget.NewButton("Submit…", s.onSubmit)
	s.fixBtn = widget.NewButton("Correct…", s.onCorrect)
	s.delBtn = widget.NewButton("Discard draft…", s.onDiscard)
	s.delBtn.Importance = widget.DangerImportance
	s.csvBtn = widget.NewButton("Export CSV…", func() { s.onExport("csv") })
	s.pdfBtn = widget.NewButton("Export PDF…", func() { s.onExport("pdf") })
	s.updateButtons()
	top := container.NewVBox(container.NewHBox(widget.NewLabelWithStyle("Claims to the OCN", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.newBtn, s.subBtn, s.fixBtn, s.delBtn, s.csvBtn, s.pdfBtn), s.status)
	split := container.NewVSplit(s.table, container.NewBorder(s.heading, nil, nil, nil, s.ltable))
	split.Offset = 0.4
	s.root = container.NewBorder(top, nil, nil, nil, split)
}

func (s *claimsScreen) content() fyne.CanvasObject { return s.root }

func (s *claimsScreen) refresh() {
	load(s.e, s.store.Claims, func(cs []model.Claim) {
		s.claims, s.sel, s.lines = cs, -1, nil
		s.table.UnselectAll()
		refreshTable(s.table)
		refreshTable(s.ltable)
		s.updateButtons()
	}, func(err error) { sayProblem(s.status, errText(err)) })
}

func (s *claimsScreen) claimCell(r, c int) string {
	k := s.claims[r]
	switch c {
	case 0:
		return k.Reference
	case 1:
		return num(k.Cohort)
	case 2:
		return k.Qualification
	case 3:
		if k.Status == "submitted" {
			return "🔒 submitted"
		}
		return "draft"
	case 4:
		return num(k.Lines)
	case 5:
		return num(k.Credits)
	case 6:
		return k.CreatedBy
	case 7:
		return day(k.SubmittedAt)
	}
	return k.CorrectsRef
}

func (s *claimsScreen) lineCell(r, c int) string {
	l := s.lines[r]
	switch c {
	case 0:
		return l.Learner
	case 1:
		return l.RegistrationNumber
	case 2:
		return l.ULN
	case 3:
		return l.UnitCode
	case 4:
		return l.UnitTitle
	case 5:
		return model.LevelName(l.Level)
	}
	return num(l.Credits)
}

func (s *claimsScreen) selected() (model.Claim, bool) {
	if s.sel < 0 || s.sel >= len(s.claims) {
		return model.Claim{}, false
	}
	return s.claims[s.sel], true
}

func (s *claimsScreen) updateButtons() {
	may := s.e.may(model.ActClaim)
	k, ok := s.selected()
	setEnabled(s.newBtn, may)
	setEnabled(s.subBtn, may && ok && k.Status == "draft")
	setEnabled(s.fixBtn, may && ok && k.Status == "submitted")
	setEnabled(s.delBtn, may && ok && k.Status == "draft")
	setEnabled(s.csvBtn, ok)
	setEnabled(s.pdfBtn, ok)
}

func (s *claimsScreen) onSelected(r int) {
	s.sel = r
	k := s.claims[r]
	s.updateButtons()
	load(s.e, func(ctx context.Context) ([]model.ClaimLine, error) { return s.store.ClaimLines(ctx, k.ID) },
		func(ls []model.ClaimLine) {
			s.lines = ls
			s.heading.SetText(fmt.Sprintf("%s: %s units, %s credits", k.Reference, num(len(ls)), num(k.Credits)))
			refreshTable(s.ltable)
		}, func(err error) { sayProblem(s.status, errText(err)) })
}

func (s *claimsScreen) onNew() {
	cohort := widget.NewSelect(cohortChoices(14)[1:], nil)
	cohort.SetSelectedIndex(0)
	cohortsFromStore(s.e, cohort, false)
	qual := widget.NewSelect(nil, nil)
	qual.PlaceHolder = "Loading…"
	load(s.e, func(ctx context.Context) (model.Catalogue, error) { return s.store.LoadCatalogue(ctx) },
		func(cat model.Catalogue) {
			var codes []string
			for _, q := range cat.Qualifications {
				codes = append(codes, q.Code)
			}
			qual.PlaceHolder = "(no qualifications in the catalogue)"
			qual.SetOptions(codes)
			if len(codes) > 0 {
				qual.SetSelectedIndex(0)
			}
		}, func(err error) {
			qual.PlaceHolder = "(could not read the catalogue)"
			qual.Refresh()
			sayProblem(s.status, "Could not read the qualifications: "+errText(err))
		})
	askForm("New claim", "Make claim", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Cohort", cohort), widget.NewFormItem("Qualification", qual)}, func(ok bool) {
		if !ok {
			return
		}
		if qual.Selected == "" {
			sayProblem(s.status, "No claim made: choose a qualification.")
			return
		}
		n, q := cohortOf(cohort.Selected), qual.Selected
		type made struct {
			c        model.Claim
			problems []model.ClaimProblem
			err      error // kept beside the problems, which say why nothing could be claimed
		}
		load(s.e, func(ctx context.Context) (made, error) {
			c, p, err := s.store.CreateClaim(ctx, s.e.user, n, q)
			return made{c, p, err}, nil
		}, func(m made) {
			left := ""
			if len(m.problems) > 0 {
				var b strings.Builder
				for i, p := range m.problems {
					if i == 5 {
						fmt.Fprintf(&b, " … and %s more", num(len(m.problems)-5))
						break
					}
					fmt.Fprintf(&b, " %s %s: %s;", p.Learner, p.UnitCode, p.Reason)
				}
				left = fmt.Sprintf(" Left off %s:%s", num(len(m.problems)), b.String())
			}
			if m.err != nil {
				showError(fmt.Errorf("no claim was made: %s.%s", errText(m.err), left), s.e.win)
				return
			}
			sayDone(s.status, fmt.Sprintf("Made draft %s: %s units, %s credits.", m.c.Reference, num(m.c.Lines), num(m.c.Credits))+left)
			s.refresh()
		}, func(err error) { showError(err, s.e.win) })
	}, s.e.win)
}

func (s *claimsScreen) onSubmit() {
	k, ok := s.selected()
	if !ok {
		return
	}
	showGraveConfirm("Submit "+k.Reference+"?", fmt.Sprintf("Submit %s units (%s credits) to the OCN? A submitted claim is locked: "+
		"any correction is a new claim linked to it.", num(k.Lines), num(k.Credits)), func(yes bool) {
		if !yes {
			return
		}
		load(s.e, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.store.SubmitClaimFrom(ctx, s.e.user, k) // the claim as confirmed
		},
			func(struct{}) { sayDone(s.status, k.Reference+" submitted and locked."); s.refresh() },
			func(err error) {
				if said, ok := changedText(err); ok {
					sayProblem(s.status, k.Reference+": "+said)
					askReload(s.e.win, k.Reference+": "+said, s.refresh, nil)
					return
				}
				showError(err, s.e.win)
			})
	}, s.e.win)
}

func (s *claimsScreen) onCorrect() {
	k, ok := s.selected()
	if !ok {
		return
	}
	showConfirm("Correct "+k.Reference+"?", "Make a new draft claim holding the same lines, linked to "+k.Reference+
		", which stays as it was submitted.", func(yes bool) {
		if !yes {
			return
		}
		load(s.e, func(ctx context.Context) (model.Claim, error) { return s.store.CorrectClaim(ctx, s.e.user, k.ID) },
			func(c model.Claim) {
				sayDone(s.status, "Made "+c.Reference+" correcting "+k.Reference+".")
				s.refresh()
			},
			func(err error) { showError(err, s.e.win) })
	}, s.e.win)
}

// onDiscard deletes a draft claim after asking, so its units can be
// claimed again; a submitted claim is corrected, never discarded.
func (s *claimsScreen) onDiscard() {
	k, ok := s.selected()
	if !ok || k.Status != "draft" {
		return
	}
	showGraveConfirm("Discard "+k.Reference+"?", fmt.Sprintf("Delete the draft claim %s (%s units, %s credits)? "+
		"Its units become claimable again. Nothing was sent to the OCN.", k.Reference, num(k.Lines), num(k.Credits)), func(yes bool) {
		if !yes {
			return
		}
		load(s.e, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.store.DiscardClaim(ctx, s.e.user, k.ID)
		}, func(struct{}) {
			sayDone(s.status, "Discarded the draft "+k.Reference+".")
			s.heading.SetText("Choose a claim to see its lines.")
			s.refresh()
		}, func(err error) { showError(err, s.e.win) })
	}, s.e.win)
}

// onExport writes the selected claim as CSV or PDF where the user chooses.
func (s *claimsScreen) onExport(kind string) {
	k, ok := s.selected()
	if !ok {
		return
	}
	lines := s.lines
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		load(s.e, func(ctx context.Context) ([]byte, error) {
			var buf bytes.Buffer
			var err error
			if kind == "csv" {
				err = reports.ClaimCSV(&buf, k, lines)
			} else {
				centre, cerr := s.store.ClaimCentre(ctx)
				if cerr != nil {
					return nil, cerr
				}
				err = reports.ClaimPDF(&buf, k, lines, centre, time.Now())
			}
			return buf.Bytes(), err
		}, func(b []byte) {
			_, err := w.Write(b)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				showError(err, s.e.win)
				return
			}
			sayDone(s.status, "Wrote "+w.URI().Path())
		}, func(err error) { w.Close(); showError(err, s.e.win) })
	}, s.e.win)
	d.SetFileName(k.Reference + "." + kind)
	d.Show()
}
