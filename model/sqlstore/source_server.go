package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"cascade/model"
)

// ServerSource is a programme in a PostgreSQL database that many desks share.
type ServerSource struct {
	URL string
	// Opened is told of each store this source opens, so the command that
	// made the source can close it when the window closes.
	Opened func(*Store)
}

var _ model.Source = ServerSource{}

// String names the server and database, never the password.
func (s ServerSource) String() string { return RedactURL(s.URL) }

// Exists reports whether the database holds a programme; an unreachable
// server or a refused sign-in is an error, not "no programme".
func (s ServerSource) Exists() (bool, error) {
	st, err := openPostgres(context.Background(), s.URL, false)
	if errors.Is(err, model.ErrNoDatabase) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	st.Close()
	return true, nil
}

// Open opens the database's programme.
func (s ServerSource) Open(ctx context.Context) (model.Programme, error) {
	st, err := openPostgres(ctx, s.URL, false)
	return handOver(s.Opened, st, err)
}

// Create makes an empty programme in the database.
func (s ServerSource) Create(ctx context.Context) (model.Programme, error) {
	st, err := openPostgres(ctx, s.URL, true)
	return handOver(s.Opened, st, err)
}

// Demo builds the demo programme in the empty database and opens it.
func (s ServerSource) Demo(ctx context.Context, progress func(step string, done, total int)) (model.Programme, model.DemoLogin, error) {
	return demoAt(ctx, s.URL, s.Opened, progress)
}

// BackupDir is empty: a desk keeps no automatic backups of a shared
// programme, which the server's administrator backs up.
func (s ServerSource) BackupDir() string { return "" }

// Backups lists none, for the same reason.
func (s ServerSource) Backups() ([]string, error) { return nil, nil }

// Restore refuses in the window: replacing a programme that other desks
// have open is done from the command line into an empty database.
func (s ServerSource) Restore(ctx context.Context, by model.User, p model.Programme, archive string, progress func(done, total int)) (model.RestoreInfo, error) {
	return model.RestoreInfo{}, fmt.Errorf("restore: other desks share %s; restore into an empty database with cascade restore --db postgres://…/NEW, then point every desk at it", s)
}
