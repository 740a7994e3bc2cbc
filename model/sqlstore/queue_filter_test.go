package sqlstore

import (
	"cascade/model"
	"context"
	"strings"
	"testing"
)

// TestQueueHostFilterMatchesAsTyped: the queue's host filter finds a host
// from any part of its name in any case, accents or none, as the screen
// filters while the assessor types; text that is in no host's name finds
// nothing rather than everything.
func TestQueueHostFilterMatchesAsTyped(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	all, err := s.AssessorQueue(ctx, model.QueueFilter{})
	if err != nil || len(all) == 0 {
		t.Fatalf("AssessorQueue = %d items, %v; want the demo's queue", len(all), err)
	}
	host := all[0].Host
	words := strings.Fields(host)
	if len(words) < 2 {
		t.Fatalf("host %q has one word; the test wants a longer name", host)
	}
	want := 0
	for _, q := range all {
		if q.Host == host {
			want++
		}
	}
	part := words[1]
	for _, typed := range []string{host, strings.ToLower(host), strings.ToUpper(part), " " + part[:len(part)-1] + " "} {
		got, err := s.AssessorQueue(ctx, model.QueueFilter{Host: strings.TrimSpace(typed)})
		if err != nil {
			t.Fatalf("AssessorQueue(host %q): %v", typed, err)
		}
		found := 0
		for _, q := range got {
			if !strings.Contains(model.Fold(q.Host), model.Fold(strings.TrimSpace(typed))) {
				t.Errorf("AssessorQueue(host %q) lists %q, whose name does not hold it", typed, q.Host)
			}
			if q.Host == host {
				found++
			}
		}
		if found != want {
			t.Errorf("AssessorQueue(host %q) lists %d of %s's %d items", typed, found, host, want)
		}
	}
	if got, err := s.AssessorQueue(ctx, model.QueueFilter{Host: "no host is called this"}); err != nil || len(got) != 0 {
		t.Errorf("AssessorQueue(host nobody has) = %d items, %v; want none", len(got), err)
	}
	// Characters SQL would treat as patterns are only text here.
	if got, err := s.AssessorQueue(ctx, model.QueueFilter{Host: "%"}); err != nil || len(got) != 0 {
		t.Errorf("AssessorQueue(host %%) = %d items, %v; want none", len(got), err)
	}
}
