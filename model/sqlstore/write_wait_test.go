package sqlstore

import (
	"context"
	"testing"
	"time"

	"cascade/model"
)

// A write waits its turn behind another connection's long write instead of
// failing with "database is locked" when busy_timeout (10 s) runs out: two
// certificate runs at once on a slow machine failed so.
func TestWriteWaitsPastTheBusyTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("holds the write lock for 11 seconds")
	}
	ctx := context.Background()
	a := newTestStore(t)
	b, err := Open(ctx, reopenPath(t, a))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tx, err := a.beginWrite(ctx) // holds the write lock (SQLite's file, PostgreSQL's advisory lock)
	if err != nil {
		t.Fatal(err)
	}
	// Said before the commit: the waiting write may return the moment the
	// lock goes, before a word said after the commit could be.
	releasing := make(chan struct{})
	go func() {
		time.Sleep(11 * time.Second)
		close(releasing)
		tx.Commit()
	}()
	if err := b.SaveSettings(ctx, model.LocalUser(), map[string]string{"centre.name": "Waited"}); err != nil {
		t.Fatalf("a write behind an 11-second write failed: %v", err)
	}
	select {
	case <-releasing:
	default:
		t.Fatal("the write went through while the other held the lock")
	}
	// A caller that stops waiting is told so, not left waiting three minutes.
	tx2, err := a.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	short, cancel := context.WithTimeout(ctx, 12*time.Second)
	defer cancel()
	if err := b.SaveSettings(short, model.LocalUser(), map[string]string{"centre.name": "Gave up"}); err == nil {
		t.Fatal("a write went through while another held the lock")
	}
}
