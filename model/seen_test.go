package model

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestChangedErrorSaysWhoAndWhen(t *testing.T) {
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.Local)
	cases := []struct {
		now  time.Time
		by   string
		want string
	}{
		{at.Add(time.Hour), "lead2", "changed by lead2 at 14:05 — reload"},
		{at.AddDate(0, 0, 1), "lead2", "changed by lead2 at 14:05 on 3 Dec — reload"},
		{at.AddDate(1, 0, 0), "lead2", "changed by lead2 at 14:05 on 3 Dec 2026 — reload"},
		{at, "", "changed by someone else since you opened it — reload"},
	}
	for _, c := range cases {
		err := fmt.Errorf("save organiser 7: %w", &ChangedError{By: c.by, At: at, Now: c.now})
		var ce *ChangedError
		if !errors.Is(err, ErrChangedSince) || !errors.As(err, &ce) || ce.Error() != c.want {
			t.Errorf("at %s: %v; want %q matching ErrChangedSince", c.now, err, c.want)
		}
	}
	if Fingerprint(Cohort{Number: 1, Seen: Seen{Sum: "x"}}) != Fingerprint(Cohort{Number: 1}) {
		t.Error("a record's fingerprint depends on what its read saw")
	}
}
