package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// pathPicker is a path entry with a Browse… button beside it, so nobody
// has to type a path. folder says, each time Browse… is tapped, whether the
// entry wants a folder or a file to write (ext, e.g. ".pdf").
type pathPicker struct {
	env    *env
	entry  *widget.Entry
	button *widget.Button
	folder func() bool
	ext    func() string
	box    fyne.CanvasObject
}

func newPathPicker(e *env, entry *widget.Entry, folder func() bool, ext func() string) *pathPicker {
	p := &pathPicker{env: e, entry: entry, folder: folder, ext: ext}
	p.button = widget.NewButton("Browse…", p.onBrowse)
	p.box = container.NewBorder(nil, nil, nil, p.button, entry)
	return p
}

// onBrowse opens the folder or save dialog where the entry points.
func (p *pathPicker) onBrowse() {
	cur := strings.TrimSpace(p.entry.Text)
	start := cur
	if !p.folder() {
		start = filepath.Dir(cur)
	}
	if p.folder() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				p.chosen(u.Path())
			}
		}, p.env.win)
		p.startIn(start, d)
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The dialog made the file to hand us a writer; the screen writes it
		// later, so an empty one is not left behind if it never does.
		if st, err := os.Stat(path); err == nil && st.Size() == 0 {
			os.Remove(path)
		}
		p.chosen(path)
	}, p.env.win)
	name := filepath.Base(cur)
	if cur == "" || name == "." || name == string(filepath.Separator) {
		name = "cascade" + p.ext()
	}
	d.SetFileName(name)
	if ext := p.ext(); ext != "" {
		d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	}
	p.startIn(start, d)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// startIn opens the dialog in dir, or its nearest folder that exists.
func (p *pathPicker) startIn(dir string, d *dialog.FileDialog) {
	for dir != "" && dir != "." {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
				d.SetLocation(l)
			}
			return
		}
		up := filepath.Dir(dir)
		if up == dir {
			return
		}
		dir = up
	}
}

// chosen puts the path picked in the entry; a file gets the extension the
// entry wants when it has none.
func (p *pathPicker) chosen(path string) {
	if !p.folder() {
		if ext := p.ext(); ext != "" && !strings.EqualFold(filepath.Ext(path), ext) {
			path += ext
		}
	}
	p.entry.SetText(path)
}
