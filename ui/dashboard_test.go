package ui

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
)

func TestDashboardShowsRealNumbersAndCharts(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newDashboardScreen(e)
	w.SetContent(s.content())
	var seniors, vols, seniorTarget, volTarget int
	db := st.DB()
	db.QueryRow(`SELECT count(*) FROM organisers WHERE role = 'senior' AND status <> 'withdrawn'`).Scan(&seniors)
	db.QueryRow(`SELECT count(*) FROM organisers WHERE role = 'volunteer' AND status <> 'withdrawn'`).Scan(&vols)
	db.QueryRow(`SELECT senior_target, volunteer_target FROM programme`).Scan(&seniorTarget, &volTarget)
	want := []string{
		fmt.Sprintf("Senior organisers (not withdrawn): %s of %s (%d%%)", num(seniors), num(seniorTarget), seniors*100/seniorTarget),
		fmt.Sprintf("Volunteer organisers (not withdrawn): %s of %s (%d%%)", num(vols), num(volTarget), vols*100/volTarget),
	}
	waitFor(t, q, "the targets", func() bool { return strings.Contains(shownText(w.Content()), want[0]) })
	text := shownText(w.Content())
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("dashboard shows %q; want %q", text, w)
		}
	}
	waitFor(t, q, "the charts", func() bool {
		for _, c := range s.charts {
			if c.Resource == nil {
				return false
			}
		}
		return true
	})
	for i, c := range s.charts {
		img, err := png.Decode(bytes.NewReader(c.Resource.Content()))
		if err != nil {
			t.Fatalf("chart %d is not a PNG: %v", i, err)
		}
		if sz := img.Bounds().Size(); float32(sz.X) != dashboardChartSize.Width {
			t.Errorf("chart %d is %v wide; want %v", i, sz.X, dashboardChartSize.Width)
		}
		if c.Size().Width <= 0 || c.Size().Height <= 0 {
			t.Errorf("chart %d is laid out at %v", i, c.Size())
		}
	}
}
