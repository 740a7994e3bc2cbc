package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/jung-kurt/gofpdf"

	"cascade/model"
	"cascade/model/sqlstore"
)

// attach writes data to a file called name and adds it to evidence id.
func attach(t *testing.T, st *sqlstore.Store, id int64, name string, data []byte) model.EvidenceFile {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := st.AddEvidenceFile(context.Background(), model.LocalUser(), id, src)
	if err != nil {
		t.Fatalf("AddEvidenceFile(%s): %v", name, err)
	}
	return f
}

// viewerFixture is the oldest queued item of a private demo copy with one
// file of each kind added, open in the assessor's form.
type viewerFixture struct {
	st    *sqlstore.Store
	sc    *evidenceScreen
	w     fyne.Window
	q     uiQueue
	files map[string]model.EvidenceFile // by name
}

func newViewerFixture(t *testing.T) *viewerFixture {
	t.Helper()
	ctx := context.Background()
	st := verificationDemo(t)
	oldest, err := st.AssessorQueue(ctx, model.QueueFilter{Limit: 1})
	if err != nil || len(oldest) == 0 {
		t.Fatalf("AssessorQueue = %v, %v", oldest, err)
	}
	id := oldest[0].EvidenceID
	var img bytes.Buffer
	pic := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		pic.Set(x, 15, color.RGBA{B: 255, A: 255})
	}
	if err := png.Encode(&img, pic); err != nil {
		t.Fatal(err)
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 16)
	for _, text := range []string{"Listening plan, page one", "Listening plan, page two"} {
		pdf.AddPage()
		pdf.Cell(100, 10, text)
	}
	var doc bytes.Buffer
	if err := pdf.Output(&doc); err != nil {
		t.Fatal(err)
	}
	f := &viewerFixture{st: st, files: map[string]model.EvidenceFile{}}
	for name, data := range map[string][]byte{
		"map-photo.png":  img.Bytes(),
		"plan.pdf":       doc.Bytes(),
		"long-diary.txt": []byte(strings.Repeat("Tuesday: listened at the food bank queue.\n", 5000)),
		"minutes.odt":    []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00binary"),
		"lost-notes.txt": []byte("these notes go missing"),
		"reflection.txt": []byte("Reflection, first line.\nWhat I heard about housing."),
	} {
		f.files[name] = attach(t, st, id, name, data)
	}
	os.Remove(st.EvidenceFilePath(f.files["lost-notes.txt"].SHA256))
	f.sc, _, f.w, f.q = openQueue(t, st, "assessor")
	if f.sc.queue[0].EvidenceID != id {
		t.Fatalf("the queue opens on %d; want %d", f.sc.queue[0].EvidenceID, id)
	}
	openItem(t, f.sc, f.q, 0)
	return f
}

// view taps the View button of the named file and returns the viewer's
// dialog once it has read the file.
func (f *viewerFixture) view(t *testing.T, name string) fyne.CanvasObject {
	t.Helper()
	var b = findButtonPrefix(f.sc.decision, "View "+name+" (")
	if b == nil {
		t.Fatalf("no View button for %s in %q", name, shownText(f.sc.decision))
	}
	test.Tap(b)
	d := topDialog(t, f.w, name)
	waitFor(t, f.q, name+" read", func() bool { return !strings.Contains(shownText(d), "Reading "+name) })
	return d
}

// close answers the viewer's Escape and checks it has gone.
func (f *viewerFixture) close(t *testing.T) {
	t.Helper()
	f.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the viewer open")
	}
}

// findButtonPrefix is the first button whose label starts with prefix.
func findButtonPrefix(o fyne.CanvasObject, prefix string) *widget.Button {
	var found *widget.Button
	walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && found == nil && strings.HasPrefix(b.Text, prefix) {
			found = b
		}
	})
	return found
}

// TestEvidenceShownInPlace: a text file and an image are shown inside the
// window; a long text shows its first part and says so; Escape closes.
func TestEvidenceShownInPlace(t *testing.T) {
	f := newViewerFixture(t)

	d := f.view(t, "reflection.txt")
	if text := shownText(d); !strings.Contains(text, "Reflection, first line.\nWhat I heard about housing.") {
		t.Errorf("the viewer shows %q; want the file's text", text)
	}
	f.close(t)

	d = f.view(t, "map-photo.png")
	imgs := findAll[*canvas.Image](d)
	if len(imgs) != 1 || imgs[0].Image == nil || imgs[0].Image.Bounds().Dx() != 40 {
		t.Fatalf("the viewer shows %d images; want the 40×30 photograph", len(imgs))
	}
	if r, g, b, _ := imgs[0].Image.At(10, 15).RGBA(); r != 0 || g != 0 || b != 0xffff {
		t.Errorf("pixel (10,15) is %d, %d, %d; want the photograph's blue line", r, g, b)
	}
	if !strings.Contains(shownText(d), "Image, 40 × 30 pixels.") {
		t.Errorf("the viewer says %q; want the image's size", shownText(d))
	}
	f.close(t)

	d = f.view(t, "long-diary.txt")
	text := shownText(d)
	if !strings.Contains(text, "Showing the first 64 KB of 205 KB; open it in the system's viewer to read it all.") {
		t.Errorf("a 205 KB diary shows %q; want it to say only the first part is shown", text)
	}
	if len(text) > 70<<10 {
		t.Errorf("the viewer holds %d bytes of text; want about the first 64 KB", len(text))
	}
	f.close(t)
}

// TestPDFPagesShown: a PDF's pages are rendered one at a time with page
// navigation; without pdftoppm the viewer says so in one line.
func TestPDFPagesShown(t *testing.T) {
	f := newViewerFixture(t)
	d := f.view(t, "plan.pdf")
	waitFor(t, f.q, "page 1", func() bool { return strings.Contains(shownText(d), "Page 1 of 2") })
	imgs := findAll[*canvas.Image](d)
	if len(imgs) != 1 || imgs[0].Image == nil || imgs[0].Image.Bounds().Dx() < 500 {
		t.Fatalf("page 1 shows %d images; want one A4 page at %d dpi", len(imgs), pdfResolution)
	}
	prev, next := findButton(d, "◀ Previous page"), findButton(d, "Next page ▶")
	if !prev.Disabled() || next.Disabled() {
		t.Errorf("on page 1 of 2: Previous disabled %v, Next disabled %v; want true, false", prev.Disabled(), next.Disabled())
	}
	test.Tap(next)
	waitFor(t, f.q, "page 2", func() bool { return strings.Contains(shownText(d), "Page 2 of 2") })
	if prev.Disabled() || !next.Disabled() {
		t.Errorf("on page 2 of 2: Previous disabled %v, Next disabled %v; want false, true", prev.Disabled(), next.Disabled())
	}
	f.close(t)

	t.Setenv("PATH", t.TempDir()) // no poppler, no xdg-open
	d = f.view(t, "plan.pdf")
	text := shownText(d)
	if !strings.Contains(text, "Showing PDF pages here needs pdftoppm (from poppler-utils), which is not installed; open it in the system's viewer.") ||
		strings.Contains(text, "exec:") {
		t.Errorf("without pdftoppm the viewer shows %q; want one plain line", text)
	}
	f.close(t)
}

// TestOtherFilesGoToTheSystemViewer: a file the app cannot show is handed
// to the system's viewer; with none installed one plain line says so and
// where the file is; a stored copy gone missing is said in one line too.
func TestOtherFilesGoToTheSystemViewer(t *testing.T) {
	f := newViewerFixture(t)
	t.Setenv("PATH", t.TempDir())
	d := f.view(t, "minutes.odt")
	if !strings.Contains(shownText(d), "minutes.odt cannot be shown here; open it in the system's viewer.") {
		t.Errorf("the viewer shows %q for an .odt file", shownText(d))
	}
	test.Tap(findButton(d, "Open in the system's viewer"))
	waitFor(t, f.q, "the answer", func() bool { return strings.Contains(shownText(d), "No program to open files with") })
	text := shownText(d)
	if !strings.Contains(text, "No program to open files with is installed (xdg-open was not found); the file is at ") ||
		strings.Contains(text, "exec:") || strings.Contains(text, "$PATH") {
		t.Errorf("with no system viewer the dialog shows %q; want one plain line", text)
	}
	at := text[strings.Index(text, "the file is at ")+len("the file is at "):]
	at = strings.TrimSuffix(strings.SplitN(at, "\n", 2)[0], ".")
	if got, err := os.ReadFile(at); err != nil || !bytes.HasPrefix(got, []byte("PK")) {
		t.Errorf("the copy named, %s, holds %q, %v; want the file", at, got, err)
	}
	f.close(t)

	d = f.view(t, "lost-notes.txt")
	if text := shownText(d); !strings.Contains(text, "Could not read lost-notes.txt: view lost-notes.txt: the stored copy is missing from") {
		t.Errorf("a missing stored copy shows %q", text)
	}
	f.close(t)
}
