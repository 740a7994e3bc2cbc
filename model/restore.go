package model

import "errors"

// ErrDamagedBackup marks an archive that is not whole: restore refuses it
// before touching anything.
var ErrDamagedBackup = errors.New("damaged backup")

// RestoreOptions controls a restore.
type RestoreOptions struct {
	Force    bool                  // replace an existing database and its files
	Progress func(done, total int) // called as members are checked; may be nil
}

// RestoreInfo says what a restore put back.
type RestoreInfo struct {
	Manifest BackupManifest
	Files    int
	Replaced bool // an existing database was replaced
}
