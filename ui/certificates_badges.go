package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// badgeExport is the Certificates screen's "Export badges…" action: an Open
// Badges 3.0 credential for each issued, unrevoked certificate in the
// screen's selection, written into a folder with progress. It shares the
// issue card's progress bar and status line.
type badgeExport struct {
	s      *certificatesScreen
	button *widget.Button
	folder *escEntry // in the dialog; kept for tests
	dlg    dialog.Dialog
}

// newBadgeExport makes the action; it is offered only to a role that may
// issue certificates, since a badge is signed with the programme's key.
func newBadgeExport(s *certificatesScreen) *badgeExport {
	b := &badgeExport{s: s}
	b.button = widget.NewButton("Export badges…", b.onExport)
	offerIf(s.env, model.ActCertificates, b.button)
	return b
}

// badgeFolder suggests where badges go: a badges folder beside the
// certificates one in the output folder, once that setting has been read.
func (b *badgeExport) badgeFolder() string {
	if b.s.outBase == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(b.s.outBase), "badges")
}

// onExport asks for the folder, saying what the selection covers.
func (b *badgeExport) onExport() {
	q, problem := b.s.selection()
	if problem != "" {
		b.s.status.SetText(problem)
		return
	}
	b.folder = newEscEntry(nil, nil) // the form makes Escape cancel and Enter export
	b.folder.SetText(b.badgeFolder())
	b.folder.SetPlaceHolder("a folder for the badges")
	b.folder.Validator = checkBadgeFolder
	browse := widget.NewButton("Browse…", func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				b.folder.SetText(u.Path())
			}
		}, b.s.env.win)
	})
	what := widget.NewLabel("An Open Badges 3.0 credential for each issued, unrevoked " + strings.Join(q.kinds, " or ") + " certificate " + selectionText(q.sel) +
		", signed with the programme's key: a .jwt file for a wallet or backpack and a .json file, per certificate. Holders are named by a salted hash of their email.")
	what.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", what),
		// The entry is the item itself, so the form sees its validation and
		// keeps Export disabled while the folder is not one.
		widget.NewFormItem("Folder", b.folder),
		widget.NewFormItem("", container.NewHBox(browse)),
	}
	// Exporting only writes files, so Enter exports (once the folder is one)
	// and Escape cancels.
	b.dlg = newForm("Export badges", "Export", "Cancel", items, func(ok bool) {
		if ok {
			b.run(q, strings.TrimSpace(b.folder.Text))
		}
	}, b.s.env.win)
	b.dlg.Resize(fyne.NewSize(560, 260))
	b.dlg.Show()
}

// checkBadgeFolder refuses what cannot be the badges' folder.
func checkBadgeFolder(v string) error {
	v = strings.TrimSpace(strings.ToLower(v))
	switch {
	case v == "":
		return errors.New("say which folder to write the badges into")
	case strings.HasSuffix(v, ".json"), strings.HasSuffix(v, ".jwt"), strings.HasSuffix(v, ".pdf"):
		return errors.New("a folder: each badge is its own file")
	}
	return nil
}

// selectionText says in words whose certificates a selection covers.
func selectionText(sel model.CertSelection) string {
	var bits []string
	if sel.Cohort != 0 {
		bits = append(bits, fmt.Sprintf("in cohort %d", sel.Cohort))
	}
	if sel.Host != "" {
		bits = append(bits, "at "+sel.Host)
	}
	if sel.Person != "" {
		bits = append(bits, "held by "+sel.Person)
	}
	if len(bits) == 0 {
		return "in the programme"
	}
	return strings.Join(bits, ", ")
}

// run makes and writes the badges off the UI goroutine, showing progress.
func (b *badgeExport) run(q certQuery, dir string) {
	if err := checkBadgeFolder(dir); err != nil {
		b.s.status.SetText("Could not export badges: " + err.Error() + ".")
		return
	}
	s := b.s
	b.button.Disable()
	s.progress.SetValue(0)
	s.status.SetText("Exporting badges…")
	post, user, store, ctx := s.env.post, s.env.user, s.env.store, s.env.ctx
	go func() {
		n, err := exportBadges(ctx, store, user, q.sel, q.kinds, dir, func(done, total int) {
			post(func() { s.progress.SetValue(float64(done) / float64(total)) })
		})
		post(func() {
			b.button.Enable()
			switch {
			case err != nil:
				s.status.SetText("Could not export badges: " + err.Error())
			case n == 0:
				s.status.SetText("No issued, unrevoked " + strings.Join(q.kinds, " or ") + " certificates " + selectionText(q.sel) +
					": no badges written. Certificates count once their PDFs are written.")
			default:
				s.progress.SetValue(1)
				noun := "badges"
				if n == 1 {
					noun = "badge"
				}
				s.status.SetText(fmt.Sprintf("Exported %s %s to %s (a .jwt and a .json for each).", num(n), noun, dir))
				s.lastOut = dir
				s.openBtn.Enable()
			}
		})
	}()
}

// badgeMaker is what exporting badges asks of the model.
type badgeMaker interface {
	Badges(ctx context.Context, by model.User, sel model.CertSelection) ([]model.Badge, error)
}

// exportBadges makes the badges of the selection's certificates of each
// kind and writes them into dir, returning how many; it runs off the UI
// goroutine.
func exportBadges(ctx context.Context, st badgeMaker, by model.User, sel model.CertSelection, kinds []string, dir string, progress func(done, total int)) (int, error) {
	var badges []model.Badge
	for _, k := range kinds {
		sel.Kind = k
		bs, err := st.Badges(ctx, by, sel)
		if err != nil {
			return 0, err
		}
		badges = append(badges, bs...)
	}
	if len(badges) == 0 {
		return 0, nil
	}
	paths, err := reports.WriteBadgeFiles(ctx, dir, badges, progress)
	return len(paths), err
}
