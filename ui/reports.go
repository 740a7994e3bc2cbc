package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/reports"
)

// reportsStore is what the Reports screen asks of the model: the report
// queries, and the settings (reports go to the output folder setting).
type reportsStore interface {
	reports.ReportSource
	reports.SettingsReader
}

// reportsScreen runs `cascade report`: choose kind, cohort and format, see
// the numbers first, then write the file.
type reportsScreen struct {
	env   *env
	store reportsStore

	doc       reports.Document // the preview
	rows      [][]string       // facts, then the first table, for the preview table
	cols      int
	lastOut   string
	outBase   string // the reports folder in the output folder setting; '' until read
	suggested string // the path last suggested, replaced when the choice changes

	kind     *widget.Select
	cohort   *widget.Entry
	format   *widget.Select
	outPath  *widget.Entry
	outPick  *pathPicker
	preview  *widget.Button
	write    *widget.Button
	open     *widget.Button
	progress *widget.ProgressBarInfinite
	status   *widget.Label
	table    *widget.Table
	root     fyne.CanvasObject
}

func newReportsScreen(e *env) *reportsScreen {
	s := &reportsScreen{env: e, store: e.store}
	s.buildUI()
	load(e, func(ctx context.Context) (string, error) {
		return reports.OutputFolder(ctx, s.store)
	}, func(dir string) {
		s.outBase = filepath.Join(dir, "reports")
		if cur := s.outPath.Text; cur == "" || cur == s.suggested {
			s.onChoiceChanged()
		}
	}, func(err error) {
		sayProblem(s.status, "Could not read the output folder setting: "+err.Error())
	})
	return s
}

func (s *reportsScreen) buildUI() {
	s.kind = widget.NewSelect(reports.ReportKinds, func(string) { s.onChoiceChanged() })
	s.format = widget.NewSelect([]string{"pdf", "xlsx", "csv"}, func(string) { s.onChoiceChanged() })
	s.cohort = &widget.Entry{PlaceHolder: "whole programme", OnChanged: func(string) { s.onChoiceChanged() },
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
	s.outPath = widget.NewEntry()
	s.outPick = newPathPicker(s.env, s.outPath, func() bool { return false },
		func() string { return "." + s.format.Selected })
	s.preview = widget.NewButton("Preview numbers", s.onPreview)
	s.preview.Importance = widget.HighImportance
	s.write = widget.NewButton("Write file", s.onWrite)
	s.write.Disable()
	s.open = widget.NewButton("Open", s.onOpen)
	s.open.Disable()
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.status = widget.NewLabel("Choose a report and preview its numbers.")
	s.status.Wrapping = fyne.TextWrapWord
	s.table = &widget.Table{
		Length:     func() (int, int) { return len(s.rows), s.cols },
		CreateCell: func() fyne.CanvasObject { return ellipsisLabel() },
		UpdateCell: func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText("")
			if id.Row < len(s.rows) && id.Col < len(s.rows[id.Row]) {
				l.SetText(s.rows[id.Row][id.Col])
			}
		},
	}
	s.table.ExtendBaseWidget(s.table)

	form := widget.NewForm(
		widget.NewFormItem("Report", s.kind),
		widget.NewFormItem("Cohort", s.cohort),
		widget.NewFormItem("Format", s.format),
		widget.NewFormItem("Write to", s.outPick.box),
	)
	top := container.NewVBox(form, container.NewHBox(s.preview, s.write, s.open), s.progress, s.status)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.table)
	s.kind.SetSelected("progress")
	s.format.SetSelected("pdf")
}

func (s *reportsScreen) content() fyne.CanvasObject { return s.root }

func (s *reportsScreen) cohortNumber() (int, bool) {
	v := strings.TrimSpace(s.cohort.Text)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// onChoiceChanged drops a stale preview and suggests a file name.
func (s *reportsScreen) onChoiceChanged() {
	if s.kind == nil || s.format == nil || s.outPath == nil || s.write == nil {
		return // still building
	}
	s.write.Disable()
	s.rows = nil
	if s.table != nil {
		s.table.Refresh()
	}
	name := s.kind.Selected
	if c, ok := s.cohortNumber(); ok && c > 0 {
		name += "-cohort-" + strconv.Itoa(c)
	}
	if s.outBase == "" {
		return // not read yet: the setting's folder is suggested once it is
	}
	s.suggested = filepath.Join(s.outBase, name+"."+s.format.Selected)
	s.outPath.SetText(s.suggested)
}

func (s *reportsScreen) onPreview() {
	cohort, ok := s.cohortNumber()
	if !ok {
		sayProblem(s.status, "Give a cohort number, such as 3, or leave it empty for the whole programme.")
		return
	}
	kind := s.kind.Selected
	say(s.status, "Reading the numbers…")
	s.progress.Show()
	s.progress.Start()
	load(s.env, func(ctx context.Context) (reports.Document, error) {
		return reports.BuildReport(ctx, s.store, kind, cohort, time.Now()) // "Written" in local time
	}, func(d reports.Document) {
		s.progress.Stop()
		s.progress.Hide()
		s.doc = d
		s.rows = [][]string{{d.Title, d.Scope}}
		for _, f := range d.Facts {
			s.rows = append(s.rows, []string{f[0], f[1]})
		}
		s.cols = 2
		if len(d.Tables) > 0 {
			t := d.Tables[0]
			s.rows = append(s.rows, nil, []string{t.Title, fmt.Sprintf("%s rows", num(len(t.Rows)))}, t.Header)
			s.rows = append(s.rows, t.Rows...)
			s.cols = max(2, len(t.Header))
		}
		// Sized to what the preview holds; the title row spans the first
		// two columns' worth, so it is left out of the measuring.
		rows := s.rows[1:]
		fitColumns(s.table, s.cols, len(rows), nil, func(r, c int) string {
			if c < len(rows[r]) {
				return rows[r][c]
			}
			return ""
		}, 80, 420)
		s.table.Refresh()
		say(s.status, "Preview of the numbers. Write the file when they look right.")
		s.write.Enable()
	}, func(err error) {
		s.progress.Stop()
		s.progress.Hide()
		sayProblem(s.status, "Could not build the report: "+err.Error())
	})
}

func (s *reportsScreen) onWrite() {
	path := strings.TrimSpace(s.outPath.Text)
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if path == "" || (format != "pdf" && format != "csv" && format != "xlsx") {
		sayProblem(s.status, "Write to a file ending .pdf, .csv or .xlsx.")
		return
	}
	doc := s.doc
	s.write.Disable()
	s.progress.Show()
	s.progress.Start()
	say(s.status, "Writing "+path+"…")
	load(s.env, func(context.Context) (string, error) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		return path, reports.WriteFileAtomic(path, func(w io.Writer) error { return doc.Write(w, format) })
	}, func(p string) {
		s.progress.Stop()
		s.progress.Hide()
		s.write.Enable()
		s.lastOut = p
		s.open.Enable()
		sayDone(s.status, "Wrote "+p+".")
	}, func(err error) {
		s.progress.Stop()
		s.progress.Hide()
		s.write.Enable()
		sayProblem(s.status, "Could not write: "+err.Error())
	})
}

func (s *reportsScreen) onOpen() {
	if s.lastOut == "" {
		return
	}
	if err := s.env.app.OpenURL(&url.URL{Scheme: "file", Path: s.lastOut}); err != nil {
		sayProblem(s.status, "Could not open "+s.lastOut+": "+err.Error())
	}
}
