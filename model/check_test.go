package model

import "testing"

// A flag counting one reads in the singular, so the dashboard never says
// "1 trainers without a trainer".
func TestFlagNounAgreesWithItsCount(t *testing.T) {
	for _, c := range []struct {
		name  string
		count int
		want  string
	}{
		{"trainers without a trainer", 1, "trainer without a trainer"},
		{"trainers without a trainer", 2, "trainers without a trainer"},
		{"hosts with a team outside 2-5", 1, "host with a team outside 2-5"},
		{"organisers without a host", 0, "organisers without a host"},
		{"volunteers without a senior", 1, "volunteer without a senior"},
	} {
		if got := (Flag{Name: c.name, Count: c.count}).Noun(); got != c.want {
			t.Errorf("%d %s: Noun() = %q; want %q", c.count, c.name, got, c.want)
		}
	}
}
