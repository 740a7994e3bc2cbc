package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
)

// TestKeptFilesRoundTrip holds both keepers (a folder beside a SQLite file,
// chunk rows on a server) to one contract: bytes come back whole and by
// their hash, across chunk boundaries, each kept once, and a missing or
// removed file says so.
func TestKeptFilesRoundTrip(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	// Two chunks and a bit: the boundary is where a reader goes wrong.
	big := bytes.Repeat([]byte("evidence\x00\xff"), (2*chunkSize+12345)/10)
	for _, data := range [][]byte{nil, []byte("one line\n"), big} {
		sha, size, err := s.files.put(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("put %d bytes: %v", len(data), err)
		}
		if sha != shaOf(data) || size != int64(len(data)) {
			t.Fatalf("put %d bytes = %s, %d; want %s, %d", len(data), sha, size, shaOf(data), len(data))
		}
		r, n, err := s.files.open(ctx, sha)
		if err != nil {
			t.Fatalf("open %s: %v", sha, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, data) || n != int64(len(data)) {
			t.Fatalf("read back %d of %d bytes (size said %d), %v", len(got), len(data), n, err)
		}
	}
	// The same bytes again are kept once.
	before, err := s.files.list(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.files.put(ctx, bytes.NewReader(big)); err != nil {
		t.Fatal(err)
	}
	after, _ := s.files.list(ctx)
	if len(after) != len(before) || len(after) != 3 {
		t.Fatalf("kept %d files, then %d after putting one again; want 3 both times", len(before), len(after))
	}
	sha := shaOf(big)
	if err := s.files.remove(ctx, sha); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.files.open(ctx, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open a removed file = %v; want fs.ErrNotExist", err)
	}
	if err := s.files.remove(ctx, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("remove a removed file = %v; want fs.ErrNotExist", err)
	}
}

// failingReader gives some bytes, then an error, as a disk or network does.
type failingReader struct{ left int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errors.New("read failed half way")
	}
	n := min(len(p), f.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	f.left -= n
	return n, nil
}

// TestKeptFilesKeepNothingHalfWritten: a read that fails part way keeps
// nothing, under its hash or otherwise.
func TestKeptFilesKeepNothingHalfWritten(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, _, err := s.files.put(ctx, &failingReader{left: chunkSize + 10}); err == nil {
		t.Fatal("put from a failing reader succeeded")
	}
	kept, err := s.files.list(ctx)
	if err != nil || len(kept) != 0 {
		t.Fatalf("after a failed put, kept %v, %v; want nothing", kept, err)
	}
}

// TestKeptFilesSameBytesAtOnce: two desks putting the same file at once
// both succeed, and it is kept once.
func TestKeptFilesSameBytesAtOnce(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	data := []byte(strings.Repeat("the same reflective account\n", 5000))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.files.put(ctx, bytes.NewReader(data))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("put %d: %v", i, err)
		}
	}
	kept, _ := s.files.list(ctx)
	if len(kept) != 1 {
		t.Fatalf("kept %d files; want the one", len(kept))
	}
}

// readKept reads a kept file whole, wherever the store keeps it.
func readKept(t *testing.T, s *Store, sha string) ([]byte, error) {
	t.Helper()
	r, _, err := s.files.open(context.Background(), sha)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// overwriteKept replaces a kept file's bytes behind the store's back, as
// a fault on disk or an edit on the server would.
func overwriteKept(t *testing.T, s *Store, sha string, data []byte) {
	t.Helper()
	ctx := context.Background()
	if !s.pg {
		if err := os.WriteFile(s.EvidenceFilePath(sha), data, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM evidence_blob_chunks WHERE sha256 = $1 AND n > 0`, []any{sha}},
		{`UPDATE evidence_blob_chunks SET data = $1 WHERE sha256 = $2 AND n = 0`, []any{data, sha}},
		{`UPDATE evidence_blobs SET chunks = 1, size = $1 WHERE sha256 = $2`, []any{len(data), sha}},
	} {
		if _, err := s.db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// dropKept removes a kept file behind the store's back.
func dropKept(t *testing.T, s *Store, sha string) {
	t.Helper()
	if err := s.files.remove(context.Background(), sha); err != nil {
		t.Fatalf("remove kept file %s: %v", sha, err)
	}
}

// copyFile copies a closed programme's file for a test, refusing to
// overwrite one.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeNew(dst, in)
}
