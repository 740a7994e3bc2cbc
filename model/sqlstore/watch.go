package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"cascade/model"
)

// watchEvery is how often a watch looks for new audit entries: well inside
// the two seconds a desk may wait to see another's change, and when nothing
// changed a look is one read of the audit log's last row.
const watchEvery = 300 * time.Millisecond

// watchBatch caps the audit entries one look reads; a longer run is read
// over the looks that follow.
const watchBatch = 5000

// watchers are the store's running watches, so Close can stop them all and
// wait until each has let go of the database.
type watchers struct {
	mu      sync.Mutex
	closed  bool
	next    int
	cancels map[int]context.CancelFunc
	wg      sync.WaitGroup
	// looks counts looks made, by every watch, so a test can tell the
	// watch kept looking while another connection held the file.
	looks atomic.Int64
}

// running is how many watches have not yet let go.
func (w *watchers) running() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.cancels)
}

// add registers a watch under ctx and returns its context (ended when ctx
// ends or the store closes) and the release its goroutine calls on leaving;
// ok is false once the store is closed.
func (w *watchers) add(ctx context.Context) (wctx context.Context, release func(), ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, nil, false
	}
	if w.cancels == nil {
		w.cancels = map[int]context.CancelFunc{}
	}
	wctx, cancel := context.WithCancel(ctx)
	id := w.next
	w.next++
	w.cancels[id] = cancel
	w.wg.Add(1)
	return wctx, func() {
		cancel()
		w.mu.Lock()
		delete(w.cancels, id)
		w.mu.Unlock()
		w.wg.Done()
	}, true
}

// stop ends every watch and waits for their goroutines to finish.
func (w *watchers) stop() {
	w.mu.Lock()
	w.closed = true
	for _, cancel := range w.cancels {
		cancel()
	}
	w.mu.Unlock()
	w.wg.Wait()
}

// Watch delivers the changes any connection commits to the programme after
// the call (another desk's window, a command, this one), read from the
// audit log every watchEvery. SQLite has no way to tell one process of
// another's commit, so the watch looks; the audit log is append-only and
// numbered in commit order, so a look needs only the entries past the last
// it saw. The channel closes when ctx ends or the store is closed.
func (s *Store) Watch(ctx context.Context) (<-chan []model.Change, error) {
	last, err := s.lastAuditID(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch %s for changes: %w", s.path, err)
	}
	wctx, release, ok := s.watch.add(ctx)
	if !ok {
		return nil, fmt.Errorf("watch %s for changes: the programme is closed", s.path)
	}
	out := make(chan []model.Change, 1)
	go s.watchLoop(wctx, release, last, out)
	return out, nil
}

// pollEvery is how often a watch looks without being told: every
// watchEvery on SQLite; on a server, which says when the audit log grows
// (LISTEN), only now and then, in case a notice was lost while its
// connection was being made again.
func (s *Store) pollEvery() time.Duration {
	if s.watchPoll > 0 {
		return s.watchPoll
	}
	if s.pg {
		return listenFallback
	}
	return watchEvery
}

// watchLoop looks for new entries each tick and hands them on. A reader
// that is slow gets everything it missed merged into one batch, so a burst
// of changes never queues a batch per change.
func (s *Store) watchLoop(ctx context.Context, release func(), last int64, out chan<- []model.Change) {
	defer release()
	defer close(out)
	var pending []model.Change
	var wake <-chan struct{}
	if s.pg {
		w, listening := s.listen(ctx)
		defer func() { <-listening }() // the listener lets go of its connection first
		wake = w
	}
	tick := time.NewTicker(s.pollEvery())
	defer tick.Stop()
	look := func() {
		got, next, err := s.changesSince(ctx, last)
		s.watch.looks.Add(1)
		if err != nil {
			// A look that fails (the file busy past busy_timeout, a
			// checkpoint, a server restarting) is made again at the next
			// tick or notice; the entries wait in the log.
			return
		}
		last = next
		pending = model.MergeChanges(pending, got...)
	}
	for {
		var send chan<- []model.Change
		if len(pending) > 0 {
			send = out // a nil channel never sends: nothing to hand on yet
		}
		select {
		case <-ctx.Done():
			return
		case send <- pending:
			pending = nil // the reader owns the batch now
		case <-tick.C:
			look()
		case <-wake:
			look()
		}
	}
}

// lastAuditID is the newest audit entry's number, 0 for an empty log.
func (s *Store) lastAuditID(ctx context.Context) (int64, error) {
	var last int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&last)
	return last, err
}

// changesSince reads the entries after entry after (up to watchBatch of
// them) and returns them merged, with the number of the last one read.
func (s *Store) changesSince(ctx context.Context, after int64) ([]model.Change, int64, error) {
	last, err := s.lastAuditID(ctx)
	switch {
	case err != nil:
		return nil, after, err
	case last == after:
		return nil, after, nil
	case last < after:
		// The log only grows, so a shorter one is another file: a restore
		// swapped the programme under the watch.
		return []model.Change{{Entity: model.EntityProgramme, Action: model.ActionReplaced, Count: 1}}, last, nil
	}
	// People are named as the screens name them: by display name, or by
	// the log's own word for an actor who is no user (a command run as the
	// computer's user, the demo builder).
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.entity, a.action,
			coalesce((SELECT nullif(u.display_name, '') FROM users u WHERE lower(u.username) = lower(a.actor)), a.actor)
		FROM audit_log a WHERE a.id > $1 ORDER BY a.id LIMIT $2`, after, watchBatch)
	if err != nil {
		return nil, after, err
	}
	defer rows.Close()
	var out []model.Change
	next := after
	for rows.Next() {
		var c model.Change
		if err := rows.Scan(&next, &c.Entity, &c.Action, &c.Actor); err != nil {
			return nil, after, err
		}
		out = model.MergeChanges(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, after, err
	}
	return out, next, nil
}

// Watching is how many watches are running on the store: a screen that is
// left, or a window signed out, lets go of its own (its tests check).
func (s *Store) Watching() int { return s.watch.running() }
