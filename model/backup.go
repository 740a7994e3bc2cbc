package model

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
