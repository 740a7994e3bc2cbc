package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"cascade/model"
)

// FileSource is a programme in one SQLite file on this desk.
type FileSource struct {
	Path string
	// Opened is told of each store this source opens, so the command that
	// made the source can back it up and close it when the window closes.
	Opened func(*Store)
}

var _ model.Source = FileSource{}

func (f FileSource) String() string { return f.Path }

// Exists reports whether the file is there.
func (f FileSource) Exists() (bool, error) {
	_, err := os.Stat(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// handOver tells a source's Opened of a store it opened, so the command
// that made the source can close it; a file and a server share it.
func handOver(opened func(*Store), s *Store, err error) (model.Programme, error) {
	if err != nil {
		return nil, err
	}
	if opened != nil {
		opened(s)
	}
	return s, nil
}

// demoAt builds the demo programme at scale 1 with the documented password
// at where (a file or a server URL) and opens it.
func demoAt(ctx context.Context, where string, opened func(*Store), progress func(step string, done, total int)) (model.Programme, model.DemoLogin, error) {
	res, err := Demo(ctx, where, DemoOptions{Seed: 1, Scale: 1, Password: DemoPassword, Progress: progress})
	if err != nil {
		return nil, model.DemoLogin{}, err
	}
	login := model.DemoLogin{Password: res.Password}
	for _, u := range res.Users {
		login.Usernames = append(login.Usernames, u.Username)
	}
	s, err := Open(ctx, where)
	p, err := handOver(opened, s, err)
	return p, login, err
}

// Open opens the file's programme.
func (f FileSource) Open(ctx context.Context) (model.Programme, error) {
	s, err := Open(ctx, f.Path)
	return handOver(f.Opened, s, err)
}

// Create makes an empty programme in a new file.
func (f FileSource) Create(ctx context.Context) (model.Programme, error) {
	s, err := Create(ctx, f.Path)
	return handOver(f.Opened, s, err)
}

// Demo builds the demo programme at scale 1 with the documented password.
func (f FileSource) Demo(ctx context.Context, progress func(step string, done, total int)) (model.Programme, model.DemoLogin, error) {
	return demoAt(ctx, f.Path, f.Opened, progress)
}

// BackupDir is the folder beside the file holding automatic backups.
func (f FileSource) BackupDir() string {
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		abs = f.Path
	}
	return AutoBackupDir(abs)
}

// Backups lists the automatic backups, oldest first.
func (f FileSource) Backups() ([]string, error) { return AutoBackups(f.BackupDir()) }

// Restore proves the archive whole in a scratch folder, backs the open
// programme up, closes it and restores over the file. A damaged or foreign
// archive, a user who may not restore, or another process with the
// programme open changes nothing and leaves p open.
func (f FileSource) Restore(ctx context.Context, by model.User, p model.Programme, archive string, progress func(done, total int)) (model.RestoreInfo, error) {
	s, ok := p.(*Store)
	if !ok {
		return model.RestoreInfo{}, fmt.Errorf("restore: the open programme is not this file's")
	}
	if err := s.require(ctx, by, model.ActRestore); err != nil {
		return model.RestoreInfo{}, err
	}
	path := s.Path()
	if s.lock == nil {
		return model.RestoreInfo{}, fmt.Errorf("restore: %s is %w", path, model.ErrReadOnly)
	}
	// This store's own share turns exclusive, so no other process can open
	// the programme between the checks below and the swap.
	if err := s.lock.upgrade(path); err != nil {
		return model.RestoreInfo{}, fmt.Errorf("restore: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			s.lock.downgrade()
		}
	}()
	scratch, err := os.MkdirTemp(filepath.Dir(path), checkPrefix(path))
	if err != nil {
		return model.RestoreInfo{}, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(scratch)
	if _, err := Restore(ctx, archive, filepath.Join(scratch, "check.db"), model.RestoreOptions{Progress: progress}); err != nil {
		return model.RestoreInfo{}, err
	}
	// A programme missing evidence files is the very one a person restores
	// over: the copy kept first holds what is left of it.
	var incomplete *model.BackupIncompleteError
	if _, err := s.AutoBackup(ctx, AutoBackupDir(path), 1000); err != nil && !errors.As(err, &incomplete) {
		return model.RestoreInfo{}, fmt.Errorf("restore: keep a copy of the programme first: %w", err)
	}
	keep = true
	lock := s.lock
	s.lock = nil
	defer lock.release()
	s.Close()
	info, err := restoreLocked(ctx, archive, path, path, model.RestoreOptions{Force: true, Progress: progress})
	if err != nil {
		return info, fmt.Errorf("%w: %w", model.ErrReopen, err)
	}
	return info, nil
}
