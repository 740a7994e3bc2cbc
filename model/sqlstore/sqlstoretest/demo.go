// Package sqlstoretest lends the tests of every package one demo programme.
//
// Building the demo takes seconds, but under the race detector the pure-Go
// SQLite runs some twenty times slower and the build takes minutes; so
// `make test` builds it once ahead with an uninstrumented binary and names it
// in CASCADE_TEST_DEMO, and each test process copies that. Without the
// variable (a plain `go test`), the first test to ask builds it here.
package sqlstoretest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"cascade/model/sqlstore"
)

// Password is every demo user's password in the lent demo.
const Password = "pw-for-tests"

// DemoEnv names the environment variable holding a demo built ahead:
// `cascade demo --db FILE --password pw-for-tests` (seed 1, scale 1).
const DemoEnv = "CASCADE_TEST_DEMO"

var (
	once sync.Once
	dir  string
	path string
	err  error
)

// Demo returns the path of this process's copy of the seed-1, scale-1 demo
// programme, evidence files beside it. Tests share it and only read it;
// a test that changes a programme takes Copy.
func Demo(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if dir, err = os.MkdirTemp("", "cascade-test-demo-"); err != nil {
			return
		}
		path = filepath.Join(dir, "demo.db")
		if ahead := os.Getenv(DemoEnv); ahead != "" {
			err = copyProgramme(ahead, path)
			return
		}
		_, err = sqlstore.Demo(context.Background(), path, sqlstore.DemoOptions{Seed: 1, Scale: 1, Password: Password})
	})
	if err != nil {
		tb.Fatalf("the demo programme for tests: %v", err)
	}
	return path
}

// Copy copies the demo programme, evidence files and all, into a folder of
// the test's own and returns the database's path.
func Copy(tb testing.TB) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "demo.db")
	if err := CopyTo(tb, dst); err != nil {
		tb.Fatalf("copy the demo programme: %v", err)
	}
	return dst
}

// CopyTo copies the demo programme, evidence files and all, to dst, a
// database path that does not exist yet.
func CopyTo(tb testing.TB, dst string) error {
	tb.Helper()
	return copyProgramme(Demo(tb), dst)
}

// Cleanup removes this process's copy; a TestMain calls it after the tests.
func Cleanup() {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// copyProgramme copies a closed programme: its database file, a WAL left
// beside it, and its evidence folder.
func copyProgramme(src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("%s: %w", DemoEnv, err)
	}
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(src+suffix, dst+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			return err
		}
	}
	if _, err := os.Stat(src + ".files"); err == nil {
		if err := os.CopyFS(dst+".files", os.DirFS(src+".files")); err != nil {
			return fmt.Errorf("copy evidence files: %w", err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}
