package sqlstore

import (
	"bytes"
	"cascade/model"
	"context"
	"errors"
	"image"
	"image/color"
	pngenc "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestViewableCopy checks a stored file is copied under its own name with the
// same bytes, can be viewed twice, and the stored file stays as it was.
func TestViewableCopy(t *testing.T) {
	s, _ := demoDB(t)
	var f model.EvidenceFile
	err := s.db.QueryRowContext(context.Background(),
		`SELECT id, evidence_id, file_name, sha256, size FROM evidence_files ORDER BY id LIMIT 1`).
		Scan(&f.ID, &f.EvidenceID, &f.FileName, &f.SHA256, &f.Size)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := readKept(t, s, f.SHA256)
	for i := 0; i < 2; i++ {
		path, err := s.ViewableCopy(f)
		if err != nil {
			t.Fatalf("ViewableCopy (viewing %d) = %v", i+1, err)
		}
		if filepath.Base(path) != f.FileName {
			t.Errorf("ViewableCopy named it %s; want %s", filepath.Base(path), f.FileName)
		}
		if got, _ := os.ReadFile(path); string(got) != string(stored) {
			t.Errorf("the copy differs from the stored file")
		}
	}
	if got, err := hashKept(context.Background(), s.files, f.SHA256); err != nil || got != f.SHA256 {
		t.Errorf("stored file hash after viewing = %s, %v; want %s", got, err, f.SHA256)
	}
	if _, err := s.ViewableCopy(model.EvidenceFile{FileName: "x.txt"}); err == nil {
		t.Error("ViewableCopy of a file with no hash succeeded")
	}
}

// viewFile adds a file holding data, named name, to a new evidence item of
// the fixture's learner and returns it as stored.
func viewFile(t *testing.T, f *accredFixture, name string, data []byte) model.EvidenceFile {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ev := f.evidence(t, "U2 1.1")
	got, err := f.s.AddEvidenceFile(context.Background(), f.lead, ev, src)
	if err != nil {
		t.Fatalf("AddEvidenceFile(%s): %v", name, err)
	}
	return got
}

// TestViewEvidence: each kind of file is read for what its content is, a
// long text only as far as the limit (and said to be cut, never mid
// character), and a stored copy that has gone is named in the error.
func TestViewEvidence(t *testing.T) {
	f := newAccredFixture(t)
	ctx := context.Background()
	var png bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Łukasz listened. ", 20000) // 2-byte letters, so a cut can land inside one
	for _, c := range []struct {
		name, file string
		data       []byte
		limit      int
		kind       string
		text       string
		cut        bool
	}{
		{"short text", "account.txt", []byte("I listened to 14 people.\r\nThemes: housing."), 0, model.ViewText, "I listened to 14 people.\nThemes: housing.", false},
		{"long text at an odd limit", "long.txt", []byte(long), 18*55 + 1, model.ViewText, long[:18*55], true},
		{"text with control characters", "ctl.txt", []byte("bell\x07 and escape\x1b[31m"), 0, model.ViewText, "bell\uFFFD and escape\uFFFD[31m", false},
		{"image named as text", "photo.txt", png.Bytes(), 0, model.ViewImage, "", false},
		{"pdf", "report.pdf", []byte("%PDF-1.4\n1 0 obj <<>> endobj\n"), 0, model.ViewPDF, "", false},
		{"binary named as text", "archive.txt", []byte("PK\x03\x04\x00\x00\x00\x00binary\x00\x01\x02"), 0, model.ViewOther, "", false},
		{"empty file", "empty.txt", nil, 0, model.ViewText, "", false},
		{"latin-1 bytes", "latin1.txt", []byte("Zo\xeb listened\n"), 0, model.ViewText, "Zo\uFFFD listened\n", false},
	} {
		file := viewFile(t, f, c.file, c.data)
		v, err := f.s.ViewEvidence(ctx, file, c.limit)
		if err != nil {
			t.Errorf("%s: ViewEvidence = %v", c.name, err)
			continue
		}
		if v.Kind != c.kind || v.Text != c.text || v.Cut != c.cut {
			t.Errorf("%s: ViewEvidence = kind %s, cut %v, text %.60q; want %s, %v, %.60q", c.name, v.Kind, v.Cut, v.Text, c.kind, c.cut, c.text)
		}
		if c.kind == model.ViewImage && !bytes.Equal(v.Image, c.data) {
			t.Errorf("%s: the image's %d bytes differ from the %d stored", c.name, len(v.Image), len(c.data))
		}
		if got, err := os.ReadFile(v.Path); err != nil || !bytes.Equal(got, c.data) {
			t.Errorf("%s: Path %s does not hold the stored file: %v", c.name, v.Path, err)
		}
	}
	gone := viewFile(t, f, "gone.txt", []byte("soon gone"))
	dropKept(t, f.s, gone.SHA256)
	if _, err := f.s.ViewEvidence(ctx, gone, 0); !errors.Is(err, model.ErrNotFound) || !strings.Contains(err.Error(), "gone.txt") {
		t.Errorf("ViewEvidence of a missing stored copy = %v; want ErrNotFound naming gone.txt", err)
	}
	if _, err := f.s.ViewEvidence(ctx, model.EvidenceFile{FileName: "x.txt"}, 0); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("ViewEvidence of a file with no hash = %v; want ErrInvalid", err)
	}
}
