package reports

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cascade/model"
)

// BadgeFileNames are the two files a badge is written as in a folder: the
// compact VC-JWT (what a wallet or backpack imports) and the same credential
// as a VC 2.0 EnvelopedVerifiableCredential, for systems that take JSON.
func BadgeFileNames(dir string, b model.Badge) (jwt, json string) {
	base := filepath.Join(dir, b.Number+"-"+SafeName(b.Name))
	return base + ".jwt", base + ".json"
}

// WriteBadgeFiles writes each badge into dir as BadgeFileNames says, calling
// progress after each, and stops when ctx is cancelled. Each file is written
// to a temporary file, synced and renamed into place, so none is ever seen
// half written; files already in place from this run stay (a badge is
// whole on its own, and exporting again writes the same bytes). It returns
// the JSON paths written.
func WriteBadgeFiles(ctx context.Context, dir string, badges []model.Badge, progress func(done, total int)) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write badges: %w", err)
	}
	var paths []string
	for i, b := range badges {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		env, err := b.Envelope()
		if err != nil {
			return paths, err
		}
		jwtPath, jsonPath := BadgeFileNames(dir, b)
		for _, f := range []struct {
			path string
			data []byte
		}{{jwtPath, []byte(b.JWT + "\n")}, {jsonPath, env}} {
			tmp, err := writeTemp(f.path, func(w io.Writer) error { _, err := w.Write(f.data); return err })
			if err != nil {
				return paths, err
			}
			if err := os.Rename(tmp, f.path); err != nil {
				os.Remove(tmp)
				return paths, fmt.Errorf("write %s: %w", f.path, err)
			}
		}
		paths = append(paths, jsonPath)
		if progress != nil {
			progress(i+1, len(badges))
		}
	}
	if err := syncDir(dir); err != nil {
		return paths, err
	}
	return paths, nil
}
