package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// A restore swaps the new database into place with renames. Before the
// first rename it writes FILE.restore, a journal naming the folder that
// holds the new database and the old one's resting place; the journal goes
// only once every rename is done. Whoever finds a journal (the next Open, or
// the next restore) finishes the swap: the new database was proved whole
// before the journal was written, so finishing is always right. A restore
// killed before the journal landed left the target untouched.

// swapSuffixes are the files a database is made of, the main file last so
// that while it is still in place nothing else has moved.
var swapSuffixes = []string{"-wal", "-shm", ".files", ""}

// swapJournal is the journal of a restore into db.
func swapJournal(db string) string { return db + ".restore" }

// swapPlan is what the journal holds.
type swapPlan struct {
	Dir   string `json:"dir"`   // the restore's folder beside the target
	New   string `json:"new"`   // the new database inside it
	Aside string `json:"aside"` // where the old files go, inside it
}

// writeJournal writes the plan durably: to a temporary name, synced, renamed
// into place, and the folder synced, so a journal is either whole or absent.
func writeJournal(target string, p swapPlan) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tmp := filepath.Join(p.Dir, "journal")
	if err := writeSynced(tmp, data); err != nil {
		return fmt.Errorf("write the restore journal: %w", err)
	}
	if err := os.Rename(tmp, swapJournal(target)); err != nil {
		return fmt.Errorf("write the restore journal: %w", err)
	}
	return syncDir(filepath.Dir(target))
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// swapInto moves the restored database into place under the journal, then
// removes the journal and the restore folder (the old files with it).
func swapInto(dir, newDB, target string) error {
	// The new database always has an evidence folder, even an empty one, so
	// that whether it has moved tells how far the swap got.
	if err := os.MkdirAll(newDB+".files", 0o700); err != nil {
		return err
	}
	// Open leaves WAL companions beside the temporary copy; they belong to it.
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(newDB + suffix)
	}
	p := swapPlan{Dir: dir, New: newDB, Aside: filepath.Join(dir, "previous")}
	if err := os.Mkdir(p.Aside, 0o700); err != nil {
		return err
	}
	if swapHook != nil {
		swapHook("prepared")
	}
	if err := writeJournal(target, p); err != nil {
		return err
	}
	if swapHook != nil {
		swapHook("journal")
	}
	return finishSwap(target, p)
}

// swapHook lets the crash test pause a restore between renames.
var swapHook func(step string)

// finishSwap carries a journalled swap to its end from wherever it stopped.
// Each step looks at what is where, so running it twice is harmless.
func finishSwap(target string, p swapPlan) error {
	if _, err := os.Lstat(p.New); err == nil {
		if _, err := os.Lstat(p.New + ".files"); err == nil {
			// The new evidence folder has not moved, so everything at the
			// target is still the old programme: move it aside.
			for _, suffix := range swapSuffixes {
				from := target + suffix
				if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err := os.Rename(from, filepath.Join(p.Aside, "old"+suffix)); err != nil {
					return fmt.Errorf("move the old %s aside: %w", filepath.Base(from), err)
				}
				if swapHook != nil {
					swapHook("aside" + suffix)
				}
			}
			if err := os.Rename(p.New+".files", target+".files"); err != nil {
				return fmt.Errorf("put the restored evidence files in place: %w", err)
			}
			if swapHook != nil {
				swapHook("files")
			}
		}
		if err := os.Rename(p.New, target); err != nil {
			return fmt.Errorf("put the restored database in place: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return err
	}
	if swapHook != nil {
		swapHook("placed")
	}
	if err := os.Remove(swapJournal(target)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the restore journal: %w", err)
	}
	return os.RemoveAll(p.Dir)
}

// finishInterruptedSwap finishes a restore into db that was cut short, holding
// the lock exclusive while it does; it returns that lock, now shared, for the
// caller's store, or nil when there was nothing to finish.
func finishInterruptedSwap(db string) (*fileLock, error) {
	data, err := os.ReadFile(swapJournal(db))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the journal of an unfinished restore: %w", err)
	}
	var p swapPlan
	if err := json.Unmarshal(data, &p); err != nil || !ownedRestoreDir(db, p) {
		return nil, fmt.Errorf("%s is not a journal this cascade wrote; move it away to open the programme", swapJournal(db))
	}
	lock, err := lockShared(db)
	if err != nil {
		return nil, err
	}
	if lock == nil {
		return nil, fmt.Errorf("a restore was cut short and the folder is read-only, so it cannot be finished")
	}
	if err := lock.upgrade(db); err != nil {
		lock.release()
		return nil, err
	}
	// Another process may have finished it while this one waited.
	if _, err := os.Stat(swapJournal(db)); err == nil {
		if err := finishSwap(db, p); err != nil {
			lock.release()
			return nil, fmt.Errorf("finish a restore that was cut short: %w", err)
		}
	}
	if err := lock.downgrade(); err != nil {
		lock.release()
		return nil, err
	}
	return lock, nil
}

// ownedRestoreDir checks a journal names a restore folder beside db, so a
// planted journal cannot make Open move files anywhere else.
func ownedRestoreDir(db string, p swapPlan) bool {
	dir := filepath.Dir(db)
	return filepath.Dir(p.Dir) == dir && strings.HasPrefix(filepath.Base(p.Dir), restorePrefix(db)) &&
		p.New == filepath.Join(p.Dir, backupDBName) && p.Aside == filepath.Join(p.Dir, "previous")
}

// restorePrefix names a restore's temporary folder, tied to its target so
// a sweep removes only its own.
func restorePrefix(db string) string { return ".cascade-restore-" + filepath.Base(db) + "-" }

// downgrade turns an exclusive lock shared again.
func (l *fileLock) downgrade() error {
	if err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_SH); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	l.exclusive = false
	return nil
}

// sweepTemporaries removes the temporary folders earlier restores and
// checks of db left when they were killed. Only a process holding db's
// lock exclusive calls it, so none of them is in use.
func sweepTemporaries(db string) {
	entries, err := os.ReadDir(filepath.Dir(db))
	if err != nil {
		return
	}
	if _, err := os.Stat(swapJournal(db)); err == nil {
		return // a swap to finish still needs its folder
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, restorePrefix(db)) || strings.HasPrefix(n, checkPrefix(db)) {
			os.RemoveAll(filepath.Join(filepath.Dir(db), n))
		}
	}
}

// checkPrefix names the scratch folder the window's restore proves an
// archive in.
func checkPrefix(db string) string { return ".cascade-check-" + filepath.Base(db) + "-" }
