package reports

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"cascade/model"
)

func sampleCharts() model.DashboardCharts {
	pt := func(c int, on string, s, v int) model.ProgressPoint {
		return model.ProgressPoint{Cohort: c, StartsOn: on, Seniors: s, Volunteers: v}
	}
	g := func(name string, s, v int) model.GroupCount {
		return model.GroupCount{Name: name, Seniors: s, Volunteers: v}
	}
	return model.DashboardCharts{
		SeniorTarget: 500, VolunteerTarget: 4500,
		Progress:  []model.ProgressPoint{pt(1, "2011-09-01", 36, 300), pt(2, "2012-01-09", 70, 640), pt(3, "2012-05-14", 110, 1000)},
		ByCohort:  []model.GroupCount{g("1", 36, 300), g("2", 34, 340), g("3", 40, 360)},
		ByRegion:  []model.GroupCount{g("London", 50, 400), g("North West", 60, 600)},
		BySetting: []model.GroupCount{g("rural", 30, 250), g("urban", 80, 750)},
	}
}

func TestChartsArePNGs(t *testing.T) {
	c := sampleCharts()
	cases := []struct {
		name string
		draw func(model.DashboardCharts, int, int) ([]byte, error)
	}{
		{"progress", ProgressChartPNG}, {"cohort", CohortChartPNG}, {"region", RegionChartPNG}, {"setting", SettingChartPNG},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.draw(c, 560, 340)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s chart is not a PNG: %v", tc.name, err)
			}
			if sz := img.Bounds().Size(); sz.X != 560 || sz.Y != 340 {
				t.Errorf("%s chart is %v; want 560x340", tc.name, sz)
			}
			if dir := os.Getenv("CASCADE_CHART_DIR"); dir != "" {
				os.WriteFile(dir+"/"+tc.name+".png", b, 0o644)
			}
			if _, err := tc.draw(model.DashboardCharts{}, 560, 340); err == nil {
				t.Errorf("%s chart of an empty programme drew without saying so", tc.name)
			}
		})
	}
}
