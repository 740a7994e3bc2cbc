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

func (s ServerSource) opened(st *Store, err error) (model.Programme, error) {
	if err != nil {
		return nil, err
	}
	if s.Opened != nil {
		s.Opened(st)
	}
	return st, nil
}

// Open opens the database's programme.
func (s ServerSource) Open(ctx context.Context) (model.Programme, error) {
	return s.opened(openPostgres(ctx, s.URL, false))
}

// Create makes an empty programme in the database.
func (s ServerSource) Create(ctx context.Context) (model.Programme, error) {
	return s.opened(openPostgres(ctx, s.URL, true))
}

// Demo builds the demo programme in the empty database and opens it.
func (s ServerSource) Demo(ctx context.Context, progress func(step string, done, total int)) (model.Programme, model.DemoLogin, error) {
	res, err := Demo(ctx, s.URL, DemoOptions{Seed: 1, Scale: 1, Password: DemoPassword, Progress: progress})
	if err != nil {
		return nil, model.DemoLogin{}, err
	}
	login := model.DemoLogin{Password: res.Password}
	for _, u := range res.Users {
		login.Usernames = append(login.Usernames, u.Username)
	}
	p, err := s.opened(openPostgres(ctx, s.URL, false))
	return p, login, err
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
