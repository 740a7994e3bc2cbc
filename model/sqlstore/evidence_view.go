package sqlstore

import (
	"bytes"
	"cascade/model"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ViewableCopy copies a stored evidence file, which is named by its hash, to
// a temporary folder under its own name and returns that path: a system
// viewer needs the name's extension to know what it is, and the stored file
// must never be touched by it.
func (s *Store) ViewableCopy(f model.EvidenceFile) (string, error) {
	if len(f.SHA256) < 12 {
		return "", fmt.Errorf("view evidence file %s: no stored hash: %w", f.FileName, model.ErrInvalid)
	}
	dir := filepath.Join(os.TempDir(), "cascade-evidence", f.SHA256[:12])
	dst := filepath.Join(dir, filepath.Base(f.FileName))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("view evidence file %s: %w", f.FileName, err)
	}
	os.Remove(dst) // an earlier viewing's copy; copyFile never overwrites
	if err := copyKept(context.Background(), s.files, f.SHA256, dst); err != nil {
		return "", fmt.Errorf("view evidence file %s: %w", f.FileName, err)
	}
	return dst, nil
}

// MaxViewImage is the largest image shown in place: one bigger is offered to
// the system's viewer rather than read whole into memory.
const MaxViewImage = 32 << 20

// ViewEvidence reads what the app shows of a stored evidence file: the first
// textLimit bytes of text (never the whole of a long file), an image's
// bytes, or, for a PDF and anything else, only where it is. What a file is
// comes from its content, not its name, so a renamed file is shown for what
// it holds.
//
// On a server Path is a private copy in the temporary folder (ViewableCopy),
// so a PDF's pages or the system's viewer have a file to read.
func (s *Store) ViewEvidence(ctx context.Context, f model.EvidenceFile, textLimit int) (model.EvidenceView, error) {
	v, err := s.viewEvidence(ctx, f, textLimit)
	if err != nil || !s.pg {
		return v, err
	}
	if v.Path, err = s.ViewableCopy(f); err != nil {
		return v, fmt.Errorf("view %s: %w", f.FileName, err)
	}
	return v, nil
}

func (s *Store) viewEvidence(ctx context.Context, f model.EvidenceFile, textLimit int) (model.EvidenceView, error) {
	v := model.EvidenceView{File: f, Kind: model.ViewOther}
	if len(f.SHA256) < 12 {
		return v, fmt.Errorf("view %s: no stored hash: %w", f.FileName, model.ErrInvalid)
	}
	if textLimit < 1 {
		textLimit = 64 << 10
	}
	v.Path = s.EvidenceFilePath(f.SHA256)
	in, size, err := s.files.open(ctx, f.SHA256)
	if errors.Is(err, os.ErrNotExist) {
		from := s.filesDir
		if s.pg {
			from = "the server's evidence files"
		}
		return v, fmt.Errorf("view %s: the stored copy is missing from %s: %w", f.FileName, from, model.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("view %s: %w", f.FileName, err)
	}
	defer in.Close()
	// Read one more byte than is shown, to know whether the text goes on.
	head := make([]byte, max(textLimit+1, 512))
	n, err := io.ReadFull(in, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return v, fmt.Errorf("view %s: %w", f.FileName, err)
	}
	head = head[:n]
	if err := ctx.Err(); err != nil {
		return v, err
	}
	sniffed := http.DetectContentType(head)
	switch {
	case sniffed == "image/png" || sniffed == "image/jpeg" || sniffed == "image/gif":
		if size > MaxViewImage {
			v.Note = fmt.Sprintf("%s is an image of %s, too large to show here.", f.FileName, megabytes(uint64(size)))
			return v, nil
		}
		rest, err := io.ReadAll(in)
		if err != nil {
			return v, fmt.Errorf("view %s: %w", f.FileName, err)
		}
		v.Kind, v.Image = model.ViewImage, append(head, rest...)
	case sniffed == "application/pdf":
		v.Kind = model.ViewPDF
	case strings.HasPrefix(sniffed, "text/") && !strings.Contains(sniffed, "utf-16"), looksLikeText(head):
		v.Kind = model.ViewText
		v.Cut = len(head) > textLimit || size > int64(len(head))
		if len(head) > textLimit {
			head = head[:textLimit]
		}
		v.Text = showableText(head, v.Cut)
	}
	return v, nil
}

// looksLikeText reports whether the start of a file is UTF-8 text with no
// NUL bytes: the content sniffer calls text with a stray escape character
// binary, yet it reads as text, and the escape is shown as U+FFFD.
func looksLikeText(head []byte) bool {
	if len(head) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for i := 0; i < utf8.UTFMax && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1] // a character the read cut short
	}
	return utf8.Valid(head)
}

// showableText makes the start of a file fit to show: a character cut off
// at the end is dropped, bytes that are not UTF-8 and control characters
// other than line breaks and tabs become U+FFFD, so nothing garbles the view.
func showableText(b []byte, cut bool) string {
	if cut && len(b) > 0 {
		i := len(b) - 1
		for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
			i--
		}
		if !utf8.FullRune(b[i:]) {
			b = b[:i]
		}
	}
	var out bytes.Buffer
	out.Grow(len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == '\r':
			if len(b) == 0 || b[0] != '\n' {
				out.WriteByte('\n')
			}
		case r == '\n' || r == '\t':
			out.WriteRune(r)
		case r == utf8.RuneError || unicode.IsControl(r):
			out.WriteRune(utf8.RuneError)
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}
