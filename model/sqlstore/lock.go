package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cascade/model"
)

// Holder names what this process is, for the lock file beside each
// database it opens: a restore refused because the programme is open says
// who has it ("cascade window", "cascade export"). cmd sets it.
var Holder = filepath.Base(os.Args[0])

// ErrInUse marks a programme another process has open.
var ErrInUse = errors.New("the programme is open in another process")

// lockWait is how long an Open waits for a restore under way to finish.
var lockWait = 10 * time.Second

// fileLock is an flock on FILE.lock beside a database. Every store holds it
// shared; a restore holds it exclusive, so it never swaps a file another
// process is writing. The kernel drops it when the process dies, however it
// dies, so a killed window never blocks a restore.
type fileLock struct {
	f         *os.File
	exclusive bool
}

// lockPath is the lock file of a database.
func lockPath(db string) string { return db + ".lock" }

// lockShared takes the database's lock shared, waiting up to lockWait for a
// restore to finish. A folder where no lock file can be made (read-only) is
// served without one: nothing can be written or restored there anyway.
func lockShared(db string) (*fileLock, error) {
	f, err := os.OpenFile(lockPath(db), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return nil, nil
		}
		return nil, fmt.Errorf("lock %s: %w", db, err)
	}
	// Alone: start the holders list afresh so it does not grow for ever.
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		sweepTemporaries(db)
		f.Truncate(0)
		l := &fileLock{f: f}
		l.note()
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", db, err)
		}
		return l, nil
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", db, err)
		}
		if time.Now().After(deadline) {
			who := holders(f)
			f.Close()
			return nil, fmt.Errorf("open %s: a restore is under way (%s); try again when it ends", db, who)
		}
		time.Sleep(50 * time.Millisecond)
	}
	l := &fileLock{f: f}
	l.note()
	return l, nil
}

// lockExclusive takes the database's lock exclusive without waiting,
// refusing with ErrInUse and the holders' names when any other store has it.
func lockExclusive(db string) (*fileLock, error) {
	f, err := os.OpenFile(lockPath(db), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", db, err)
	}
	l := &fileLock{f: f}
	if err := l.upgrade(db); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// upgrade turns a shared lock exclusive, or refuses naming who else holds it.
func (l *fileLock) upgrade(db string) error {
	if err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("%w (%s); close it there first", ErrInUse, holders(l.f))
		}
		return fmt.Errorf("lock %s: %w", db, err)
	}
	l.exclusive = true
	l.f.Truncate(0)
	l.note()
	return nil
}

// note adds this process to the holders list.
func (l *fileLock) note() {
	fmt.Fprintf(l.f, "%d %s\n", os.Getpid(), strings.ReplaceAll(Holder, "\n", " "))
}

// release drops the lock; a nil lock (read-only folder) is nothing to drop.
func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
}

// holders names the live processes in the lock file, as "pid 123, cascade
// window"; lines of processes that have died are skipped.
func holders(f *os.File) string {
	data := make([]byte, 64<<10)
	n, _ := f.ReadAt(data, 0)
	var who []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data[:n]), "\n") {
		pidText, what, _ := strings.Cut(strings.TrimSpace(line), " ")
		pid, err := strconv.Atoi(pidText)
		// This process's own line under its own name is a store it has
		// closed on the way here (restore checks the user first).
		own := pid == os.Getpid() && what == Holder
		if err != nil || pid <= 0 || seen[line] || own || !alive(pid) {
			continue
		}
		seen[line] = true
		who = append(who, fmt.Sprintf("pid %d, %s", pid, what))
	}
	if len(who) == 0 {
		return "by a process that did not say who it is"
	}
	return "by " + strings.Join(who, "; ")
}

// alive reports whether a process with this id exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// readOnlyWrite is the one line a write to a read-only programme gives.
func readOnlyWrite(path string) error {
	return fmt.Errorf("%s is %w: it can be read, not changed", path, model.ErrReadOnly)
}
