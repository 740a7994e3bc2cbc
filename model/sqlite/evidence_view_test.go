package sqlite

import (
	"cascade/model"
	"context"
	"os"
	"path/filepath"
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
	stored, _ := os.ReadFile(s.EvidenceFilePath(f.SHA256))
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
	if got, err := hashFile(s.EvidenceFilePath(f.SHA256)); err != nil || got != f.SHA256 {
		t.Errorf("stored file hash after viewing = %s, %v; want %s", got, err, f.SHA256)
	}
	if _, err := s.ViewableCopy(model.EvidenceFile{FileName: "x.txt"}); err == nil {
		t.Error("ViewableCopy of a file with no hash succeeded")
	}
}
