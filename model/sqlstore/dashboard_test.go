package sqlstore

import (
	"cascade/model"
	"context"
	"testing"
)

func TestDashboardChartsOnDemo(t *testing.T) {
	s := sharedDemo(t)
	c, err := s.DashboardCharts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The charts count as every table does: organisers not withdrawn.
	seniors := count(t, s, `SELECT count(*) FROM organisers WHERE role = 'senior' AND cohort_id IS NOT NULL AND status <> 'withdrawn'`)
	vols := count(t, s, `SELECT count(*) FROM organisers WHERE role = 'volunteer' AND cohort_id IS NOT NULL AND status <> 'withdrawn'`)
	if n := len(c.Progress); n != count(t, s, `SELECT count(*) FROM cohorts`) {
		t.Fatalf("progress points = %d; want one per cohort", n)
	}
	last := c.Progress[len(c.Progress)-1]
	if last.Seniors != seniors || last.Volunteers != vols {
		t.Errorf("final progress %d/%d; want %d/%d", last.Seniors, last.Volunteers, seniors, vols)
	}
	for i := 1; i < len(c.Progress); i++ {
		if c.Progress[i].Seniors < c.Progress[i-1].Seniors || c.Progress[i].StartsOn < c.Progress[i-1].StartsOn {
			t.Errorf("progress not cumulative in start order at %d: %+v", i, c.Progress[i-1:i+1])
		}
	}
	total := func(gs []model.GroupCount) (n int) {
		for _, g := range gs {
			n += g.Seniors + g.Volunteers
		}
		return n
	}
	all := count(t, s, `SELECT count(*) FROM organisers WHERE status <> 'withdrawn'`)
	if total(c.ByRegion) != all || total(c.BySetting) != all {
		t.Errorf("region total %d, setting total %d; want every organiser not withdrawn %d", total(c.ByRegion), total(c.BySetting), all)
	}
	rural := count(t, s, `SELECT count(*) FROM organisers o JOIN hosts h ON h.id = o.host_id WHERE h.setting = 'rural' AND o.status <> 'withdrawn'`)
	got := -1
	for _, g := range c.BySetting {
		if g.Name == "rural" {
			got = g.Seniors + g.Volunteers
		}
	}
	if got != rural || rural == 0 {
		t.Errorf("BySetting = %+v; want rural with %d", c.BySetting, rural)
	}
}

func BenchmarkDashboardLoad(b *testing.B) {
	s := sharedDemo(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Dashboard(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := s.DashboardCharts(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
