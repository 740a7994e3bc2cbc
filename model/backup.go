package model

import "fmt"

// BackupManifest is manifest.json in a backup archive.
type BackupManifest struct {
	Format        string         `json:"format"`
	SchemaVersion int64          `json:"schema_version"`
	CreatedAt     string         `json:"created_at"`
	Source        string         `json:"source"`
	Members       []BackupMember `json:"members"`
}

// BackupMember is one file in the archive and its SHA-256.
type BackupMember struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// BackupInfo says what a backup wrote.
type BackupInfo struct {
	Path          string
	Files         int // evidence files
	Bytes         int64
	SchemaVersion int64
}

// BackupIncompleteError says a backup was written but is not a whole copy:
// evidence files missing or damaged (left out), or a damaged page in the
// database (kept as it is, so the archive will not restore). Each problem
// names one file or page.
type BackupIncompleteError struct {
	Archive  string
	Problems []Problem
}

func (e *BackupIncompleteError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("back up to %s: %s; the archive was written but is not a whole copy", e.Archive, e.Problems[0])
	}
	return fmt.Sprintf("back up to %s: %d problems; the archive was written but is not a whole copy",
		e.Archive, len(e.Problems))
}
