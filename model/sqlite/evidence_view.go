package sqlite

import (
	"cascade/model"
	"fmt"
	"os"
	"path/filepath"
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
	if err := copyFile(s.EvidenceFilePath(f.SHA256), dst); err != nil {
		return "", fmt.Errorf("view evidence file %s: %w", f.FileName, err)
	}
	return dst, nil
}
