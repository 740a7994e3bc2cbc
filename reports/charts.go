package reports

import (
	"fmt"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/golang/freetype/truetype"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"cascade/model"
)

// chartFontName is DejaVu installed into the charting library, so chart
// labels print the same letters the PDFs do.
const chartFontName = "dejavu"

var (
	chartFontOnce sync.Once
	chartFont     *truetype.Font
)

func dejavuChartFont() *truetype.Font {
	chartFontOnce.Do(func() {
		if err := charts.InstallFont(chartFontName, dejavusans.TTF); err == nil {
			chartFont = charts.GetFont(chartFontName)
		}
	})
	return chartFont
}

// newChartPainter is a PNG painter with the programme's font.
func newChartPainter(width, height int) *charts.Painter {
	return charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: height},
		charts.PainterFontOption(dejavuChartFont()))
}

func chartTitle(text, sub string) charts.TitleOption {
	return charts.TitleOption{Text: text, Subtext: sub, FontStyle: charts.NewFontStyleWithSize(13),
		SubtextFontStyle: charts.NewFontStyleWithSize(10)}
}

// ProgressChartPNG draws progress to the targets over time: cumulative senior
// and volunteer organisers started by each cohort's start, as a percentage of
// each target so both read on one axis against the 100% line.
func ProgressChartPNG(c model.DashboardCharts, width, height int) ([]byte, error) {
	if len(c.Progress) == 0 {
		return nil, fmt.Errorf("progress chart: no cohorts yet")
	}
	seniors := make([]float64, len(c.Progress))
	vols := make([]float64, len(c.Progress))
	labels := make([]string, len(c.Progress))
	for i, p := range c.Progress {
		seniors[i] = pct(p.Seniors, c.SeniorTarget)
		vols[i] = pct(p.Volunteers, c.VolunteerTarget)
		labels[i] = fmt.Sprintf("C%d", p.Cohort)
	}
	target := make([]float64, len(c.Progress))
	for i := range target {
		target[i] = 100
	}
	opt := charts.NewLineChartOptionWithData([][]float64{seniors, vols, target})
	last := c.Progress[len(c.Progress)-1]
	span := ""
	if first := c.Progress[0].StartsOn; len(first) >= 4 && len(last.StartsOn) >= 4 {
		span = fmt.Sprintf(" %s–%s", first[:4], last.StartsOn[:4])
	}
	opt.Title = chartTitle("Progress to targets", fmt.Sprintf("started%s: %s/%s seniors, %s/%s volunteers",
		span, uk(last.Seniors), uk(c.SeniorTarget), uk(last.Volunteers), uk(c.VolunteerTarget)))
	opt.XAxis.Labels = labels
	opt.Legend = charts.LegendOption{SeriesNames: []string{"Senior organisers (% of target)", "Volunteers (% of target)", "Target"},
		Offset: charts.OffsetStr{Top: charts.PositionBottom}, FontStyle: charts.NewFontStyleWithSize(10)}
	top := 120.0
	for _, v := range append(append([]float64{}, seniors...), vols...) {
		for top < v {
			top += 20
		}
	}
	opt.YAxis = []charts.YAxisOption{{Min: charts.Ptr(0.0), Max: charts.Ptr(top), LabelCount: int(top/20) + 1,
		ValueFormatter: func(f float64) string { return fmt.Sprintf("%.0f%%", f) }}}
	opt.Symbol.Shape = charts.SymbolCircle
	opt.LineStrokeWidth = 2
	opt.Padding = charts.Box{Top: 16, Left: 12, Right: 24, Bottom: 12}
	p := newChartPainter(width, height)
	if err := p.LineChart(opt); err != nil {
		return nil, fmt.Errorf("progress chart: %w", err)
	}
	return p.Bytes()
}

// CohortChartPNG draws reach by cohort: seniors and volunteers stacked.
func CohortChartPNG(c model.DashboardCharts, width, height int) ([]byte, error) {
	return groupBars("Reach by cohort", "organisers started in each cohort", c.ByCohort, false, "C", width, height)
}

// RegionChartPNG draws reach by region as horizontal stacked bars.
func RegionChartPNG(c model.DashboardCharts, width, height int) ([]byte, error) {
	return groupBars("Reach by region", "organisers by their host's region", c.ByRegion, true, "", width, height)
}

func groupBars(title, sub string, groups []model.GroupCount, horizontal bool, prefix string, width, height int) ([]byte, error) {
	if len(groups) == 0 {
		return nil, fmt.Errorf("%s: nothing to draw", title)
	}
	seniors := make([]float64, len(groups))
	vols := make([]float64, len(groups))
	labels := make([]string, len(groups))
	for i, g := range groups {
		seniors[i], vols[i], labels[i] = float64(g.Seniors), float64(g.Volunteers), prefix+g.Name
	}
	opt := charts.NewBarChartOptionWithData([][]float64{seniors, vols})
	opt.Title = chartTitle(title, sub)
	opt.Horizontal = horizontal
	opt.ValueFormatter = func(f float64) string { return uk(int(f)) }
	// Round numbers on the value axis: a top of whole hundreds in five steps.
	most := 1
	for i := range groups {
		most = max(most, groups[i].Seniors+groups[i].Volunteers)
	}
	steps := 5
	if horizontal {
		steps = 3 // long labels collide along a horizontal axis
	}
	step := niceStep(most / steps)
	top := (most + step - 1) / step * step
	if len(opt.ValueAxis) == 0 {
		opt.ValueAxis = []charts.ValueAxisOption{{}}
	}
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].Max = charts.Ptr(float64(top))
	opt.ValueAxis[0].LabelCount = top/step + 1
	opt.StackSeries = charts.Ptr(true)
	opt.CategoryAxis.Labels = labels
	opt.Legend = charts.LegendOption{SeriesNames: []string{"Senior organisers", "Volunteers"},
		Offset: charts.OffsetStr{Top: charts.PositionBottom}, FontStyle: charts.NewFontStyleWithSize(10)}
	opt.Padding = charts.Box{Top: 16, Left: 12, Right: 24, Bottom: 12}
	p := newChartPainter(width, height)
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("%s: %w", title, err)
	}
	return p.Bytes()
}

// SettingChartPNG draws the rural/urban split of organisers as a pie.
func SettingChartPNG(c model.DashboardCharts, width, height int) ([]byte, error) {
	var values []float64
	var names []string
	total := 0
	for _, g := range c.BySetting {
		total += g.Seniors + g.Volunteers
	}
	for _, g := range c.BySetting {
		n := g.Seniors + g.Volunteers
		if n == 0 {
			continue
		}
		values = append(values, float64(n))
		name := g.Name
		switch name {
		case "rural":
			name = "Rural"
		case "urban":
			name = "Urban"
		case "no host":
			name = "No host yet"
		}
		names = append(names, fmt.Sprintf("%s %s (%.0f%%)", name, uk(n), pct(n, total)))
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("rural/urban chart: no organisers yet")
	}
	opt := charts.NewPieChartOptionWithData(values)
	opt.Title = chartTitle("Rural and urban", "organisers by their host's setting")
	for i := range opt.SeriesList {
		opt.SeriesList[i].Label.Show = charts.Ptr(false) // the legend says it; labels spill off the edge
	}
	opt.Legend = charts.LegendOption{SeriesNames: names,
		Offset: charts.OffsetStr{Top: charts.PositionBottom}, FontStyle: charts.NewFontStyleWithSize(10)}
	opt.Radius = "34%"
	opt.Padding = charts.NewBoxEqual(16)
	p := newChartPainter(width, height)
	if err := p.PieChart(opt); err != nil {
		return nil, fmt.Errorf("rural/urban chart: %w", err)
	}
	return p.Bytes()
}

// niceStep is the smallest of 1, 2, 2.5 and 5 times a power of ten at least n.
func niceStep(n int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}

func pct(n, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(n) * 100 / float64(total)
}

// ukPrinter formats numbers the UK way (4,500) in charts and diagrams.
var ukPrinter = message.NewPrinter(language.BritishEnglish)

func uk(n int) string { return ukPrinter.Sprintf("%d", n) }
