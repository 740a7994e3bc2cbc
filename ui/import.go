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
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// importStore is what the Import screen asks of the model.
type importStore interface {
	PreviewImport(ctx context.Context, kind, path string) (*model.ImportResult, error)
	Import(ctx context.Context, by model.User, kind, path string, opt model.ImportOptions) (*model.ImportResult, error)
}

// importScreen reads a CSV or XLSX file, shows its rows and every problem in
// it, and imports it all or nothing.
type importScreen struct {
	env   *env
	store importStore
	kind  string
	path  string
	res   *model.ImportResult // the preview the table and list read
	bad   map[int]bool        // spreadsheet row numbers with a problem
	index map[int]int         // spreadsheet row number → preview row

	kindSelect *widget.Select
	fileLabel  *widget.Label
	choose     *widget.Button
	status     *widget.Label
	table      *widget.Table
	problems   *widget.List
	importBtn  *widget.Button
	progress   *widget.ProgressBar
	root       fyne.CanvasObject
}

// newImportScreen is for the administrator and training leads, who enter the
// programme; other roles are told so.
func newImportScreen(e *env) screen {
	if !e.may(model.ActImport) {
		return placeholder{"Import", "Only an administrator or a training lead imports records. You are signed in as " +
			model.RoleName(e.user.Role) + "."}
	}
	return newImporter(e)
}

func newImporter(e *env) *importScreen {
	s := &importScreen{env: e, store: e.store, kind: model.KindOrganisers}
	s.buildUI()
	return s
}

func (s *importScreen) buildUI() {
	s.kindSelect = widget.NewSelect(model.ImportKinds(), s.onKindChanged)
	s.kindSelect.SetSelected(s.kind)
	s.fileLabel = widget.NewLabel("No file chosen")
	s.choose = widget.NewButtonWithIcon("Choose file…", theme.FolderOpenIcon(), s.onChoose)
	s.status = widget.NewLabel("Choose what to import and a CSV (UTF-8) or Excel .xlsx file. " +
		"Columns may come in any order; dates day first, as 3/9/2012, 3 Sep 2012 or 2012-09-03.")
	s.status.Wrapping = fyne.TextWrapWord
	s.table = &widget.Table{
		Length:        s.tableSize,
		CreateCell:    func() fyne.CanvasObject { return ellipsisLabel() },
		UpdateCell:    s.updateCell,
		ShowHeaderRow: true,
		CreateHeader: func() fyne.CanvasObject {
			return widget.NewLabelWithStyle("header", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		},
		UpdateHeader: s.updateHeader,
	}
	s.table.ExtendBaseWidget(s.table)
	s.problems = &widget.List{
		Length: func() int {
			if s.res == nil {
				return 0
			}
			return len(s.res.Problems)
		},
		CreateItem: func() fyne.CanvasObject {
			l := widget.NewLabel("problem")
			l.Importance = widget.DangerImportance
			return l
		},
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			if s.res != nil && i < len(s.res.Problems) {
				o.(*widget.Label).SetText(problemText(s.res.Problems[i]))
			}
		},
		OnSelected: s.onProblemSelected,
	}
	s.problems.ExtendBaseWidget(s.problems)
	s.importBtn = widget.NewButtonWithIcon("Import", theme.UploadIcon(), s.onImport)
	s.importBtn.Importance = widget.HighImportance
	s.importBtn.Disable()
	s.progress = widget.NewProgressBar()
	s.progress.Hide()

	top := container.NewVBox(
		widget.NewLabelWithStyle("Import", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Import"), s.kindSelect, s.choose), nil, s.fileLabel),
		s.status,
	)
	split := container.NewVSplit(s.table, container.NewBorder(
		widget.NewLabelWithStyle("Problems", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, s.problems))
	split.Offset = 0.65
	bottom := container.NewBorder(nil, nil, nil, s.importBtn, s.progress)
	s.root = container.NewBorder(top, bottom, nil, nil, split)
}

func (s *importScreen) content() fyne.CanvasObject { return s.root }

// tableSize is the preview: a row-number column, then the kind's columns.
func (s *importScreen) tableSize() (int, int) {
	if s.res == nil {
		return 0, 0
	}
	return len(s.res.Rows), len(s.res.Header) + 1
}

func (s *importScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	switch {
	case s.res == nil || id.Col < 0:
		l.SetText("")
	case id.Col == 0:
		l.SetText("Row")
	case id.Col-1 < len(s.res.Header):
		l.SetText(s.res.Header[id.Col-1])
	}
}

// updateCell only reads the cached preview: it runs on every redraw.
func (s *importScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if s.res == nil || id.Row >= len(s.res.Rows) {
		l.SetText("")
		return
	}
	if id.Col == 0 {
		n := s.res.RowNums[id.Row]
		l.SetText(strconv.Itoa(n))
		l.Importance = widget.MediumImportance
		if s.bad[n] {
			l.Importance = widget.DangerImportance
		}
		l.Refresh()
		return
	}
	l.SetText(strings.ReplaceAll(s.res.Rows[id.Row][id.Col-1], "\n", " "))
}

// problemText names the row as the spreadsheet shows it; the file is named above.
func problemText(p model.ImportProblem) string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "Row %d: ", p.Row)
	}
	if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// onProblemSelected shows the row a problem names in the preview.
func (s *importScreen) onProblemSelected(i widget.ListItemID) {
	if s.res == nil || i >= len(s.res.Problems) {
		return
	}
	if r, ok := s.index[s.res.Problems[i].Row]; ok {
		s.table.ScrollTo(widget.TableCellID{Row: r, Col: 0})
	}
}

func (s *importScreen) onKindChanged(kind string) {
	s.kind = kind
	if s.path != "" {
		s.preview()
	}
}

func (s *importScreen) onChoose() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		s.choosePath(r.URI().Path())
	}, s.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".xlsx", ".CSV", ".XLSX"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// choosePath previews a file; the file dialog and tests both come here.
func (s *importScreen) choosePath(path string) {
	s.path = path
	s.fileLabel.SetText(path)
	s.preview()
}

func (s *importScreen) preview() {
	kind, path := s.kind, s.path
	s.importBtn.Disable()
	say(s.status, "Reading "+path+"…")
	load(s.env, func(ctx context.Context) (*model.ImportResult, error) {
		return s.store.PreviewImport(ctx, kind, path)
	}, s.showPreview, func(err error) {
		sayProblem(s.status, "Could not read the file: "+err.Error())
	})
}

func (s *importScreen) showPreview(res *model.ImportResult) {
	s.res = res
	s.bad, s.index = map[int]bool{}, map[int]int{}
	for _, p := range res.Problems {
		s.bad[p.Row] = true
	}
	for i, n := range res.RowNums {
		s.index[n] = i
	}
	s.problems.UnselectAll()
	s.table.Refresh()
	s.problems.Refresh()
	// Each column as wide as its header and values (to a limit), so no
	// value runs over the next column.
	fitColumns(s.table, len(res.Header)+1, len(res.Rows), func(c int) string {
		if c == 0 {
			return "Row"
		}
		return res.Header[c-1]
	}, func(r, c int) string {
		if c == 0 {
			return strconv.Itoa(res.RowNums[r])
		}
		if c-1 < len(res.Rows[r]) {
			return strings.ReplaceAll(res.Rows[r][c-1], "\n", " ")
		}
		return ""
	}, 50, 320)
	switch n := len(res.Problems); {
	case n == 1 && len(res.Rows) == 0:
		sayProblem(s.status, "This file cannot be imported: "+res.Problems[0].Reason)
	case n > 0:
		sayProblem(s.status, fmt.Sprintf("%s read; %s to fix before anything can be imported. Fix them in the spreadsheet, save, and choose the file again.",
			plural(len(res.Rows), "row"), plural(n, "problem")))
	default:
		say(s.status, fmt.Sprintf("%s read, no problems: Import adds %s, all or nothing.",
			plural(len(res.Rows), "row"), plural(res.Added, strings.TrimSuffix(res.Kind, "s"))))
		s.importBtn.Enable()
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return num(n) + " " + word + "s"
}

func (s *importScreen) onImport() {
	kind, path := s.kind, s.path
	s.importBtn.Disable()
	s.choose.Disable()
	s.kindSelect.Disable()
	s.progress.SetValue(0)
	s.progress.Show()
	say(s.status, "Importing "+path+"…")
	load(s.env, func(ctx context.Context) (*model.ImportResult, error) {
		return s.store.Import(ctx, s.env.user, kind, path, model.ImportOptions{Progress: func(done, total int) {
			s.env.post(func() {
				s.progress.Max = float64(total)
				s.progress.SetValue(float64(done))
			})
		}})
	}, func(res *model.ImportResult) {
		s.finishImport()
		sayDone(s.status, fmt.Sprintf("Added %s from %s.", plural(res.Added, strings.TrimSuffix(res.Kind, "s")), path))
	}, func(err error) {
		s.finishImport()
		var ie *model.ImportError
		if errors.As(err, &ie) && s.res != nil {
			// Someone changed the database since the preview: show the new problems.
			s.res.Problems = ie.Problems
			s.showPreview(s.res)
			sayProblem(s.status, fmt.Sprintf("Nothing was imported: %s.", plural(len(ie.Problems), "problem")))
			return
		}
		sayProblem(s.status, "Nothing was imported: "+err.Error())
	})
}

func (s *importScreen) finishImport() {
	s.progress.Hide()
	s.choose.Enable()
	s.kindSelect.Enable()
}
