package model

import (
	"context"
	"errors"
)

// Source is where a programme lives: a file on this desk today, a server
// later. cmd makes one from --db and hands it to the window, which opens,
// creates and restores programmes only through it.
type Source interface {
	// String names the file or server as a person reads it.
	String() string
	// Exists reports whether a programme is there to open.
	Exists() (bool, error)
	// Open opens the programme, bringing its schema up to date.
	Open(ctx context.Context) (Programme, error)
	// Create makes an empty programme where none is.
	Create(ctx context.Context) (Programme, error)
	// Demo builds the demo programme where none is and opens it.
	Demo(ctx context.Context, progress func(step string, done, total int)) (Programme, DemoLogin, error)
	// Backups lists the automatic backups kept for this programme, oldest first.
	Backups() ([]string, error)
	// BackupDir is where automatic backups are kept.
	BackupDir() string
	// Restore replaces the open programme p with the archive's, acting as by:
	// it proves the archive whole first and keeps a backup of p. Until then a
	// refusal changes nothing and p stays open; after, p is closed and the
	// caller must open the source afresh: success, or an error wrapping
	// ErrReopen.
	Restore(ctx context.Context, by User, p Programme, archive string, progress func(done, total int)) (RestoreInfo, error)
}

// ErrReopen marks a restore that failed after closing the open programme.
var ErrReopen = errors.New("the programme was closed for the restore; open it again")

// DemoLogin tells a new user of the demo how to sign in.
type DemoLogin struct {
	Usernames []string
	Password  string
}
