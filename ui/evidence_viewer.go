package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // evidence photographs and scans come as GIF, JPEG or PNG
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// evidenceReader is what the evidence viewer asks of the model: what a
// stored file holds, and a copy under its own name for the system viewer.
type evidenceReader interface {
	ViewEvidence(ctx context.Context, f model.EvidenceFile, textLimit int) (model.EvidenceView, error)
	ViewableCopy(f model.EvidenceFile) (string, error)
}

// viewTextLimit is how much of a text file is shown in place: a reflective
// account is a few pages, and a label laid out over megabytes would stall the
// window, so a longer file shows its start and says so.
const viewTextLimit = 64 << 10

// pdfResolution is the dots per inch PDF pages are rendered at: an A4 page
// is then about 660 pixels wide, readable in the dialog at 1024×700.
const pdfResolution = 80

// evidenceViewer shows one evidence file in a dialog: text and images in
// place, PDF pages rendered one at a time, anything else handed to the
// system's viewer, and one plain line whenever something cannot be shown.
type evidenceViewer struct {
	e      *env
	store  evidenceReader
	file   model.EvidenceFile
	view   model.EvidenceView
	dlg    *dialog.CustomDialog
	body   *fyne.Container // what the file holds, or why it is not shown
	status *widget.Label   // one line: cut short, page n of m, not installed
	system *widget.Button  // open in the system's viewer

	// PDF pages
	page, pages int // page shown, from 1; pages is 0 when not known
	prev, next  *widget.Button
	pageGen     int // the newest page asked for; an older render arriving late is dropped
}

// showEvidenceFile opens the viewer on f and reads it in the background.
func showEvidenceFile(e *env, store evidenceReader, f model.EvidenceFile) *evidenceViewer {
	v := &evidenceViewer{e: e, store: store, file: f}
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.system = widget.NewButton("Open in the system's viewer", v.onSystemViewer)
	v.prev = widget.NewButton("◀ Previous page", func() { v.showPage(v.page - 1) })
	v.next = widget.NewButton("Next page ▶", func() { v.showPage(v.page + 1) })
	v.prev.Hide()
	v.next.Hide()
	v.body = container.NewStack(widget.NewLabel("Reading " + f.FileName + "…"))
	bottom := container.NewVBox(v.status, container.NewHBox(v.prev, v.next, v.system))
	v.dlg = dialog.NewCustom(f.FileName, "Close", container.NewBorder(nil, bottom, nil, nil, v.body), e.win)
	v.dlg.SetOnClosed(func() {
		v.pageGen++ // a page still rendering is not wanted now
	})
	size := e.win.Canvas().Size()
	v.dlg.Resize(fyne.NewSize(min(size.Width-40, 900), min(size.Height-40, 640)))
	// The viewer only shows a file, so Enter closes it as Escape does, like
	// any dialog that only informs.
	showKeyed(e.win, v.dlg, nil)
	load(e, func(ctx context.Context) (model.EvidenceView, error) {
		return store.ViewEvidence(ctx, f, viewTextLimit)
	}, v.onRead, func(err error) { v.say(fmt.Sprintf("Could not read %s: %s", f.FileName, errText(err))) })
	return v
}

// say puts one line in place of the file.
func (v *evidenceViewer) say(line string) {
	l := widget.NewLabel(line)
	l.Wrapping = fyne.TextWrapWord
	v.body.Objects = []fyne.CanvasObject{l}
	v.body.Refresh()
}

func (v *evidenceViewer) onRead(view model.EvidenceView) {
	v.view = view
	switch view.Kind {
	case model.ViewText:
		l := widget.NewLabel(view.Text)
		l.Wrapping = fyne.TextWrapWord
		v.body.Objects = []fyne.CanvasObject{container.NewVScroll(l)}
		v.body.Refresh()
		if view.Cut {
			v.status.SetText(fmt.Sprintf("Showing the first %s KB of %s KB; open it in the system's viewer to read it all.",
				num(len(view.Text)>>10), num(int(view.File.Size>>10))))
		}
	case model.ViewImage:
		img, _, err := image.Decode(bytes.NewReader(view.Image))
		if err != nil {
			v.say(fmt.Sprintf("%s looks like an image but could not be read (%v); try the system's viewer.", view.File.FileName, err))
			return
		}
		c := canvas.NewImageFromImage(img)
		c.FillMode = canvas.ImageFillContain
		c.ScaleMode = canvas.ImageScaleSmooth
		v.body.Objects = []fyne.CanvasObject{c}
		v.body.Refresh()
		b := img.Bounds()
		v.status.SetText(fmt.Sprintf("Image, %d × %d pixels.", b.Dx(), b.Dy()))
	case model.ViewPDF:
		if _, err := exec.LookPath("pdftoppm"); err != nil {
			v.say("Showing PDF pages here needs pdftoppm (from poppler-utils), which is not installed; open it in the system's viewer.")
			return
		}
		v.prev.Show()
		v.next.Show()
		v.showPage(1)
	default:
		line := fmt.Sprintf("%s cannot be shown here; open it in the system's viewer.", view.File.FileName)
		if view.Note != "" {
			line = view.Note + " Open it in the system's viewer."
		}
		v.say(line)
	}
}

// pdfPage is one rendered page and how many the document has (0 if unknown).
type pdfPage struct {
	img   image.Image
	pages int
}

// showPage renders page n of the PDF in the background and shows it.
func (v *evidenceViewer) showPage(n int) {
	if n < 1 || (v.pages > 0 && n > v.pages) {
		return
	}
	v.pageGen++
	gen, path, pages := v.pageGen, v.view.Path, v.pages
	v.prev.Disable()
	v.next.Disable()
	v.status.SetText(fmt.Sprintf("Rendering page %d…", n))
	load(v.e, func(ctx context.Context) (pdfPage, error) {
		if pages == 0 {
			pages = pdfPageCount(ctx, path)
		}
		img, err := renderPDFPage(ctx, path, n)
		return pdfPage{img, pages}, err
	}, func(p pdfPage) {
		if gen != v.pageGen {
			return
		}
		v.page, v.pages = n, p.pages
		c := canvas.NewImageFromImage(p.img)
		c.FillMode = canvas.ImageFillContain
		c.ScaleMode = canvas.ImageScaleSmooth
		v.body.Objects = []fyne.CanvasObject{c}
		v.body.Refresh()
		if v.pages > 0 {
			v.status.SetText(fmt.Sprintf("Page %d of %d", n, v.pages))
		} else {
			v.status.SetText(fmt.Sprintf("Page %d", n))
		}
		setEnabled(v.prev, n > 1)
		setEnabled(v.next, v.pages == 0 || n < v.pages)
	}, func(err error) {
		if gen != v.pageGen {
			return
		}
		setEnabled(v.prev, v.page > 1)
		v.status.SetText(errText(err))
	})
}

// pdfPagesLine is pdfinfo's line giving the page count.
var pdfPagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// pdfPageCount asks poppler's pdfinfo how many pages a PDF has; 0 when it
// is not installed or cannot tell, and the viewer then pages until pdftoppm
// says there are no more.
func pdfPageCount(ctx context.Context, path string) int {
	out, err := exec.CommandContext(ctx, "pdfinfo", path).Output()
	if err != nil {
		return 0
	}
	m := pdfPagesLine.FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// renderPDFPage renders one page with poppler's pdftoppm into a temporary
// folder and reads it back: a page at a time, so a long portfolio opens at
// once and never fills the disk.
func renderPDFPage(ctx context.Context, path string, page int) (image.Image, error) {
	dir, err := os.MkdirTemp("", "cascade-page-")
	if err != nil {
		return nil, fmt.Errorf("render page %d: %w", page, err)
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "page")
	p := strconv.Itoa(page)
	cmd := exec.CommandContext(ctx, "pdftoppm", "-f", p, "-l", p, "-r", strconv.Itoa(pdfResolution), "-png", "-singlefile", path, prefix)
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := strings.TrimSpace(string(out))
		if strings.Contains(msg, "Wrong page range") {
			return nil, fmt.Errorf("the document has no page %d", page)
		}
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i] // pdftoppm's first complaint is the one that says what is wrong
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("page %d could not be rendered: %s", page, msg)
	}
	data, err := os.ReadFile(prefix + ".png")
	if err != nil {
		return nil, fmt.Errorf("page %d could not be rendered: %w", page, err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("page %d could not be rendered: %w", page, err)
	}
	return img, nil
}

// systemOpener is the program the platform opens files with, "" where the
// operating system does it itself (Windows).
func systemOpener() string {
	switch runtime.GOOS {
	case "windows":
		return ""
	case "darwin":
		return "open"
	}
	return "xdg-open"
}

// errNoOpener says there is no program to hand a file to.
var errNoOpener = errors.New("no program to open files with is installed")

// onSystemViewer copies the file out under its own name and hands it to the
// system's viewer; where there is none, it says so in one line and where the
// copy is, so the file can still be opened by hand.
func (v *evidenceViewer) onSystemViewer() {
	f := v.file
	v.system.Disable()
	load(v.e, func(context.Context) (string, error) {
		path, err := v.store.ViewableCopy(f)
		if err != nil {
			return "", err
		}
		if name := systemOpener(); name != "" {
			if _, err := exec.LookPath(name); err != nil {
				return path, fmt.Errorf("%w (%s was not found); the file is at %s", errNoOpener, name, path)
			}
		}
		return path, nil
	}, func(path string) {
		v.system.Enable()
		if err := v.e.app.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
			v.status.SetText(fmt.Sprintf("The system's viewer could not open %s; the file is at %s.", f.FileName, path))
			return
		}
		v.status.SetText("Opened " + f.FileName + " in the system's viewer.")
	}, func(err error) {
		v.system.Enable()
		if errors.Is(err, errNoOpener) {
			v.status.SetText(strings.ToUpper(err.Error()[:1]) + err.Error()[1:] + ".")
			return
		}
		v.status.SetText(fmt.Sprintf("Could not open %s: %s", f.FileName, errText(err)))
	})
}
