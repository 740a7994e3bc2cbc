package model

import (
	"testing"
	"time"
)

// SayKept groups the kept marks by who, mark and time, names four at most
// per clause, and reads sensibly when nobody is named.
func TestSayKept(t *testing.T) {
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.Local)
	now := at.Add(time.Hour)
	k := func(name, by string, present bool, when time.Time) KeptMark {
		return KeptMark{Name: name, By: by, Present: present, At: when, Now: now}
	}
	for _, c := range []struct {
		kept []KeptMark
		want string
	}{
		{[]KeptMark{k("Ann Smith", "lead2", false, at)}, "lead2 marked Ann Smith absent at 14:05"},
		{[]KeptMark{k("Ann Smith", "lead2", true, at), k("Bo Li", "lead3", true, at), k("Cy Dee", "lead2", true, at)},
			"lead2 marked Ann Smith and Cy Dee present at 14:05; lead3 marked Bo Li present at 14:05"},
		{[]KeptMark{k("A", "lead2", true, at), k("B", "lead2", true, at), k("C", "lead2", true, at), k("D", "lead2", true, at),
			k("E", "lead2", true, at)}, "lead2 marked A, B, C and 2 others present at 14:05"},
		{[]KeptMark{k("Ann Smith", "", true, time.Time{})}, "someone marked Ann Smith present"},
		{[]KeptMark{k("Ann Smith", "lead2", true, at.AddDate(0, 0, -1))}, "lead2 marked Ann Smith present at 14:05 on 2 Dec"},
	} {
		if got := SayKept(c.kept); got != c.want {
			t.Errorf("SayKept = %q; want %q", got, c.want)
		}
	}
}
