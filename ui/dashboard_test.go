package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"cascade/model"
)

func TestDashboardShowsRealNumbersAndCharts(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	s := newDashboardScreen(e)
	w.SetContent(s.content())
	// The programme's targets are the brief's: 500 seniors, 4,500 volunteers.
	// Who counts is asked of the organiser list, not of the dashboard.
	const seniorTarget, volTarget = 500, 4500
	rows, err := st.OrganiserRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var seniors, vols int
	for _, r := range rows {
		switch {
		case r.Status == model.StatusWithdrawn:
		case r.Role == model.RoleSenior:
			seniors++
		case r.Role == model.RoleVolunteer:
			vols++
		}
	}
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
