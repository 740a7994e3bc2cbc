package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// keptFiles keeps evidence files' contents, each once, named by its
// SHA-256 (hex): a folder beside a SQLite file, or tables on a PostgreSQL
// server so that every desk sees the same files. The evidence_files rows
// that name them are the store's business, not this.
type keptFiles interface {
	// put keeps r's bytes and says their SHA-256 and size. Nothing is kept
	// under a hash until every byte is written.
	put(ctx context.Context, r io.Reader) (sha string, size int64, err error)
	// putInTx keeps data within tx (the demo writes its files in its one
	// transaction; a folder ignores tx).
	putInTx(ctx context.Context, tx *sql.Tx, data []byte) (sha string, err error)
	// open reads a kept file and says its size; a missing one is
	// fs.ErrNotExist.
	open(ctx context.Context, sha string) (io.ReadCloser, int64, error)
	// remove deletes a kept file; a missing one is fs.ErrNotExist.
	remove(ctx context.Context, sha string) error
	// list names every kept file with its size.
	list(ctx context.Context) (map[string]int64, error)
	// where says where a kept file is, for messages.
	where(sha string) string
}

// shaOf is the hex SHA-256 of data.
func shaOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// isSHA says whether name is a hex SHA-256, as kept files are named.
func isSHA(name string) bool {
	if len(name) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// folderFiles keeps files in FILE.files/<first two hex digits>/<sha256>.
type folderFiles struct{ dir string }

func (f folderFiles) path(sha string) string {
	if len(sha) < 2 {
		return filepath.Join(f.dir, sha)
	}
	return filepath.Join(f.dir, sha[:2], sha)
}

func (f folderFiles) where(sha string) string { return f.path(sha) }

func (f folderFiles) put(ctx context.Context, r io.Reader) (string, int64, error) {
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return "", 0, err
	}
	// Write to a temporary file beside the others, then rename: a crash
	// never leaves a half-written file under a real hash.
	tmp, err := os.CreateTemp(f.dir, ".incoming-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	sha := hex.EncodeToString(h.Sum(nil))
	dest := f.path(sha)
	if _, err := os.Stat(dest); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return "", 0, err
		}
		if err := os.Rename(tmp.Name(), dest); err != nil {
			return "", 0, err
		}
	}
	return sha, size, nil
}

func (f folderFiles) putInTx(ctx context.Context, _ *sql.Tx, data []byte) (string, error) {
	sha := shaOf(data)
	dest := f.path(sha)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	return sha, os.WriteFile(dest, data, 0o644)
}

func (f folderFiles) open(ctx context.Context, sha string) (io.ReadCloser, int64, error) {
	in, err := os.Open(f.path(sha))
	if err != nil {
		return nil, 0, err
	}
	st, err := in.Stat()
	if err != nil {
		in.Close()
		return nil, 0, err
	}
	return in, st.Size(), nil
}

func (f folderFiles) remove(ctx context.Context, sha string) error {
	return os.Remove(f.path(sha))
}

func (f folderFiles) list(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == f.dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !isSHA(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[d.Name()] = info.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list evidence files in %s: %w", f.dir, err)
	}
	return out, nil
}

// hashReader is the hex SHA-256 of everything r holds.
func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashKept reads a kept file back and says its SHA-256.
func hashKept(ctx context.Context, files keptFiles, sha string) (string, error) {
	r, _, err := files.open(ctx, sha)
	if err != nil {
		return "", err
	}
	defer r.Close()
	return hashReader(r)
}

// copyKept writes a kept file to dst, which must not exist yet.
func copyKept(ctx context.Context, files keptFiles, sha, dst string) error {
	in, _, err := files.open(ctx, sha)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeNew(dst, in)
}

// writeNew writes r to a new file at dst, refusing one that exists.
func writeNew(dst string, r io.Reader) error {
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
