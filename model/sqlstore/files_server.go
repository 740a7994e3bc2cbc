package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// chunkSize is how much of an evidence file one row holds on a server: a
// file is written and read a chunk at a time, never whole.
const chunkSize = 1 << 20

// serverFiles keeps evidence files in evidence_blobs and
// evidence_blob_chunks on a PostgreSQL server.
type serverFiles struct{ db *sql.DB }

func (f serverFiles) where(sha string) string { return "evidence file " + sha + " on the server" }

// put writes r's chunks under a staging name in one transaction and names
// them by their hash at the end, so no row ever holds part of a file under
// a real hash. The same bytes put twice are kept once.
func (f serverFiles) put(ctx context.Context, r io.Reader) (string, int64, error) {
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return "", 0, err
	}
	defer tx.Rollback()
	sha, size, err := f.putTx(ctx, tx, r)
	if err == nil {
		err = tx.Commit()
	}
	if isUniqueViolation(err) {
		// Another desk kept the same bytes between the look and the
		// renaming (the index waits for its commit, then refuses ours).
		return sha, size, nil
	}
	if err != nil {
		return "", 0, err
	}
	return sha, size, nil
}

// putTx keeps r's bytes within tx, as put does in a transaction of its own;
// migrate writes a programme's files in its one transaction. A unique-key
// refusal of the naming comes back with the hash (put reads it as kept).
func (f serverFiles) putTx(ctx context.Context, tx *sql.Tx, r io.Reader) (string, int64, error) {
	var stage [12]byte
	rand.Read(stage[:])
	staging := "incoming-" + hex.EncodeToString(stage[:])
	if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_blobs (sha256, size, chunks) VALUES ($1, 0, 0)`, staging); err != nil {
		return "", 0, err
	}
	h := sha256.New()
	buf := make([]byte, chunkSize)
	var size int64
	n := 0
	for {
		got, rerr := io.ReadFull(r, buf)
		if got > 0 {
			h.Write(buf[:got])
			size += int64(got)
			if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_blob_chunks (sha256, n, data) VALUES ($1, $2, $3)`,
				staging, n, buf[:got]); err != nil {
				return "", 0, err
			}
			n++
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", 0, rerr
		}
	}
	sha := hex.EncodeToString(h.Sum(nil))
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence_blobs WHERE sha256 = $1`, sha).Scan(&have); err != nil {
		return "", 0, err
	}
	if have > 0 {
		// Kept already: the staging rows go (their chunks with them).
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence_blobs WHERE sha256 = $1`, staging); err != nil {
			return "", 0, err
		}
		return sha, size, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE evidence_blobs SET sha256 = $1, size = $2, chunks = $3 WHERE sha256 = $4`,
		sha, size, n, staging)
	if err != nil {
		return sha, size, err
	}
	return sha, size, nil
}

// putInTx keeps data within tx, as putTx keeps a reader's bytes.
func (f serverFiles) putInTx(ctx context.Context, tx *sql.Tx, data []byte) (string, error) {
	sha, _, err := f.putTx(ctx, tx, bytes.NewReader(data))
	return sha, err
}

func (f serverFiles) open(ctx context.Context, sha string) (io.ReadCloser, int64, error) {
	var chunks int
	var size int64
	err := f.db.QueryRowContext(ctx, `SELECT chunks, size FROM evidence_blobs WHERE sha256 = $1`, sha).Scan(&chunks, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("%s: %w", f.where(sha), fs.ErrNotExist)
	}
	if err != nil {
		return nil, 0, err
	}
	return &chunkReader{ctx: ctx, db: f.db, sha: sha, chunks: chunks}, size, nil
}

func (f serverFiles) remove(ctx context.Context, sha string) error {
	res, err := f.db.ExecContext(ctx, `DELETE FROM evidence_blobs WHERE sha256 = $1`, sha)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", f.where(sha), fs.ErrNotExist)
	}
	return nil
}

func (f serverFiles) list(ctx context.Context) (map[string]int64, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT sha256, size FROM evidence_blobs WHERE sha256 NOT LIKE 'incoming-%'`)
	if err != nil {
		return nil, fmt.Errorf("list evidence files: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var sha string
		var size int64
		if err := rows.Scan(&sha, &size); err != nil {
			return nil, fmt.Errorf("list evidence files: %w", err)
		}
		out[sha] = size
	}
	return out, rows.Err()
}

// chunkReader reads a kept file one chunk row at a time.
type chunkReader struct {
	ctx    context.Context
	db     *sql.DB
	sha    string
	chunks int
	next   int
	buf    []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.next >= c.chunks {
			return 0, io.EOF
		}
		var data []byte
		err := c.db.QueryRowContext(c.ctx, `SELECT data FROM evidence_blob_chunks WHERE sha256 = $1 AND n = $2`,
			c.sha, c.next).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("evidence file %s: chunk %d of %d is missing: %w", c.sha, c.next+1, c.chunks, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return 0, err
		}
		c.buf = data
		c.next++
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { return nil }
