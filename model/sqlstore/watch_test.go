package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"cascade/model"
)

// deliveryLimit is how soon another desk's change must reach a watch.
const deliveryLimit = 2 * time.Second

// secondHandle opens the same programme file again, as another desk does.
func secondHandle(t *testing.T, s *Store) *Store {
	t.Helper()
	b, err := Open(context.Background(), s.Path())
	if err != nil {
		t.Fatalf("open a second handle: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// awaitChange reads batches from ch until one holds a change about entity,
// failing after within; it returns every change read and the time taken.
func awaitChange(t *testing.T, ch <-chan []model.Change, entity string, within time.Duration) ([]model.Change, time.Duration) {
	t.Helper()
	start := time.Now()
	timeout := time.After(within)
	var seen []model.Change
	for {
		select {
		case batch, ok := <-ch:
			if !ok {
				t.Fatalf("the watch closed before a change to %s arrived (saw %v)", entity, seen)
			}
			seen = append(seen, batch...)
			if model.Touches(batch, entity) {
				return seen, time.Since(start)
			}
		case <-timeout:
			t.Fatalf("no change to %s within %v (saw %v)", entity, within, seen)
		}
	}
}

// awaitClosed fails unless ch closes within a second, draining what is left.
func awaitClosed(t *testing.T, ch <-chan []model.Change) {
	t.Helper()
	timeout := time.After(time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the watch's channel is still open")
		}
	}
}

// The case: one desk's change, committed through another handle on
// the same file, reaches a watch within two seconds, naming what and who.
func TestWatchDeliversAnotherHandlesChange(t *testing.T) {
	a := newTestStore(t)
	b := secondHandle(t, a)
	admin2, err := b.CreateUser(context.Background(), model.LocalUser(), model.NewUser{Username: "admin2",
		DisplayName: "Ceri Second", Role: model.RoleAdmin, Password: "password-admin2"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if err := b.SaveSettings(ctx, admin2, map[string]string{"centre.name": "Another desk's centre"}); err != nil {
		t.Fatalf("SaveSettings through the other handle: %v", err)
	}
	seen, took := awaitChange(t, ch, model.EntitySettings, deliveryLimit)
	// Named as the screens name people, by display name.
	want := model.Change{Entity: model.EntitySettings, Action: "update", Actor: "Ceri Second", Count: 1}
	if len(seen) != 1 || seen[0] != want {
		t.Errorf("delivered %v, want just %v (the user made before Watch is not news)", seen, want)
	}
	t.Logf("delivered in %v", took)
}

// Cancelling the watch's context closes its channel and its goroutine lets
// go of the store.
func TestWatchStopsWhenCancelled(t *testing.T) {
	a := newTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if n := a.watch.running(); n != 1 {
		t.Fatalf("%d watches running, want 1", n)
	}
	cancel()
	awaitClosed(t, ch)
	deadline := time.Now().Add(time.Second)
	for a.watch.running() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the watch's goroutine did not let go after its context ended")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Closing the store ends every watch on it before the database closes (no
// goroutine left reading a closed handle), and a watch asked for afterwards
// is refused with a clear error.
func TestWatchEndsWhenStoreCloses(t *testing.T) {
	a := newTestStore(t)
	b := secondHandle(t, a)
	var chans []<-chan []model.Change
	for range 3 {
		ch, err := b.Watch(context.Background())
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
		chans = append(chans, ch)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := b.watch.running(); n != 0 {
		t.Fatalf("%d watches still running after Close returned", n)
	}
	for _, ch := range chans {
		awaitClosed(t, ch)
	}
	if _, err := b.Watch(context.Background()); err == nil {
		t.Fatal("Watch on a closed store worked")
	}
}

// A burst of 500 changes in one run (a certificate run, an import) arrives
// as a batch or two with the count, not 500 deliveries.
func TestWatchMergesABurst(t *testing.T) {
	a := newTestStore(t)
	b := secondHandle(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	// The entries the store writes for a run of certificates, through the
	// same append every change takes.
	const burst = 500
	err = b.inTx(ctx, func(tx *sql.Tx) error {
		for i := range burst {
			if err := appendAudit(ctx, tx, model.Now(), "lead2", "issue", model.EntityCertificate,
				fmt.Sprintf("X%05d", i), "", "{}", 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("write the burst: %v", err)
	}
	batches, total := 0, 0
	timeout := time.After(deliveryLimit)
	for total < burst {
		select {
		case batch := <-ch:
			batches++
			for _, c := range batch {
				if c.Entity != model.EntityCertificate || c.Actor != "lead2" || c.Action != "issue" {
					t.Errorf("unexpected change %+v", c)
				}
				total += c.Count
			}
		case <-timeout:
			t.Fatalf("%d of %d changes arrived within %v", total, burst, deliveryLimit)
		}
	}
	if batches > 2 || total != burst {
		t.Errorf("%d changes came in %d batches; want %d in one or two", total, batches, burst)
	}
}

// Another connection holding the write lock for a long write neither stops
// the watch nor makes it miss the write: it keeps looking (WAL readers do
// not wait for a writer) and delivers the write once it commits.
func TestWatchSurvivesALongWrite(t *testing.T) {
	a := newTestStore(t)
	// On a server a watch looks unprompted only every 5 s (it is told of
	// commits), so three looks took 10-15 s against the 10 s below and the
	// test passed or failed by a tick. It looks as often as on SQLite here.
	a.watchPoll = watchEvery
	b := secondHandle(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	tx, err := b.beginWrite(ctx)
	if err != nil {
		t.Fatalf("begin the long write: %v", err)
	}
	defer tx.Rollback()
	if err := appendAudit(ctx, tx, model.Now(), "importer", "import", model.KindOrganisers, "", "", "{}", 0); err != nil {
		t.Fatalf("write inside it: %v", err)
	}
	// While the write is open the watch keeps looking and sees nothing
	// uncommitted.
	looks := a.watch.looks.Load()
	deadline := time.Now().Add(10 * time.Second)
	for a.watch.looks.Load() < looks+3 {
		if time.Now().After(deadline) {
			t.Fatal("the watch stopped looking while another connection held the write lock")
		}
		select {
		case batch := <-ch:
			t.Fatalf("an uncommitted write was delivered: %v", batch)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit the long write: %v", err)
	}
	seen, _ := awaitChange(t, ch, model.KindOrganisers, deliveryLimit)
	if len(seen) != 1 || seen[0].Actor != "importer" || seen[0].Count != 1 {
		t.Errorf("delivered %v, want the one import by importer", seen)
	}
}

// A reader that takes no batch for a while loses nothing: what it missed
// arrives merged into the batch it takes next.
func TestWatchKeepsChangesForASlowReader(t *testing.T) {
	a := newTestStore(t)
	b := secondHandle(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	for i, who := range []string{"desk1", "desk2", "desk1"} {
		looks := a.watch.looks.Load()
		err := b.inTx(ctx, func(tx *sql.Tx) error {
			return appendAudit(ctx, tx, model.Now(), who, "decide", model.EntityDecision, fmt.Sprint(i), "", "{}", 0)
		})
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		// Let the watch see each write before the next, without reading.
		deadline := time.Now().Add(10 * time.Second)
		for a.watch.looks.Load() < looks+2 {
			if time.Now().After(deadline) {
				t.Fatal("the watch stopped looking")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	got := map[string]int{}
	timeout := time.After(deliveryLimit)
	for got["desk1"]+got["desk2"] < 3 {
		select {
		case batch := <-ch:
			for _, c := range batch {
				got[c.Actor] += c.Count
			}
		case <-timeout:
			t.Fatalf("got %v, want desk1 twice and desk2 once", got)
		}
	}
	if got["desk1"] != 2 || got["desk2"] != 1 {
		t.Errorf("got %v, want desk1 twice and desk2 once", got)
	}
}

// TestWatchHearsTheServer: on PostgreSQL another desk's change arrives by
// its notice (LISTEN), not by looking: with looking put off for an hour it
// still arrives within the two seconds, and a burst of notices is one batch
// or two.
func TestWatchHearsTheServer(t *testing.T) {
	if !onServer() {
		t.Skip("LISTEN/NOTIFY needs a PostgreSQL server: set " + testServerEnv)
	}
	a := newTestStore(t)
	b, err := Open(context.Background(), a.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	a.watchPoll = time.Hour
	admin2, err := b.CreateUser(context.Background(), model.LocalUser(), model.NewUser{Username: "admin2",
		DisplayName: "Ceri Second", Role: model.RoleAdmin, Password: "password-admin2"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		if err := b.SaveSettings(ctx, admin2, map[string]string{"centre.name": fmt.Sprint("Centre ", round)}); err != nil {
			t.Fatal(err)
		}
		_, took := awaitChange(t, ch, model.EntitySettings, deliveryLimit)
		t.Logf("round %d: heard in %v", round, took)
	}
	cancel()
	awaitClosed(t, ch)
}
