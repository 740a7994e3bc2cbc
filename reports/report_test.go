package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cascade/model"
)

func equalitySample() model.EqualityReport {
	return model.EqualityReport{Organisers: 40, Responded: 23, Rows: []model.EqualityRow{
		{Dimension: "Gender", Category: "Woman", Count: 14},
		{Dimension: "Gender", Category: "Man", Count: 6},
		{Dimension: "Gender", Category: "Non-binary", Count: 2},
		{Dimension: "Gender", Category: "Not stated", Count: 1},
	}}
}

func TestEqualitySuppressesSmallCountsInEveryFormat(t *testing.T) {
	d := EqualityDocument(equalitySample(), "Community Organisers Programme", fixed)
	var csv bytes.Buffer
	if err := d.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Gender,Woman,14,61%", "Gender,Non-binary,<5,—", "Gender,Not stated,<5,—"} {
		if !strings.Contains(csv.String(), want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv.String())
		}
	}
	if strings.Contains(csv.String(), ",2,") || strings.Contains(csv.String(), ",1,") {
		t.Errorf("CSV shows a count under 5:\n%s", csv.String())
	}
	if len(d.Charts) != 1 || len(d.Charts[0].Labels) != 2 {
		t.Errorf("chart labels %v; want only the two answers given by 5 or more", d.Charts)
	}

	var x bytes.Buffer
	if err := d.WriteXLSX(&x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Monitoring answers")
	if len(rows) != 5 || rows[3][2] != "<5" || rows[1][2] != "14" {
		t.Errorf("xlsx rows = %v", rows)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "eq.pdf")
	var pdf bytes.Buffer
	if err := d.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, pdf.Bytes(), 0o600)
	text := run(t, "pdftotext", "-layout", path, "-")
	if !strings.Contains(text, "<5") || !strings.Contains(text, "Page 3") {
		t.Errorf("PDF lacks <5 or page numbers:\n%s", text)
	}
}

func TestReportPDFRepeatsHeaderAndNumbersPages(t *testing.T) {
	r := model.ProgressReport{Programme: "Programme", SeniorTarget: 500, VolunteerTarget: 4500, CohortTarget: 14}
	for i := 0; i < 120; i++ {
		r.ByHost = append(r.ByHost, model.ProgressRow{Label: "Host Ŵyn Σοφία Дмитрий " + n(i), Region: "Wales", Cohort: 1, Hosts: 1, Seniors: 3})
	}
	r.ByCohort = []model.ProgressRow{{Label: "Cohort 1", Cohort: 1, Seniors: 360}}
	d := ProgressDocument(r, fixed)
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.pdf")
	os.WriteFile(path, buf.Bytes(), 0o600)
	text := run(t, "pdftotext", "-layout", path, "-")
	pages := strings.Split(text, "\f")
	hostPages := 0
	for i, p := range pages {
		if strings.Contains(p, "Host Ŵyn") {
			hostPages++
			if !strings.Contains(p, "Region") || !strings.Contains(p, "Page "+n(i+1)) {
				t.Errorf("page %d of the host table lacks its header or page number", i+1)
			}
		}
	}
	if hostPages < 2 {
		t.Errorf("host table spans %d pages; want it to run over", hostPages)
	}
	if !strings.Contains(pages[0], "Progress to targets") || strings.Contains(pages[0], "Host Ŵyn") {
		t.Error("first page is not a title page")
	}
	fonts := run(t, "pdffonts", path)
	for _, l := range strings.Split(strings.TrimSpace(fonts), "\n")[2:] {
		if f := strings.Fields(l); len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
}

// TestWriteReportPages writes report page images for docs/pages when asked:
// CASCADE_PAGES=dir CASCADE_DB=demo.db go test ./reports -run ReportPages
func TestWriteReportPages(t *testing.T) {
	dir := os.Getenv("CASCADE_PAGES")
	if dir == "" {
		t.Skip("set CASCADE_PAGES to write page images")
	}
	var buf bytes.Buffer
	if err := EqualityDocument(equalitySample(), "Community Organisers Programme", fixed).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "report-equality.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	run(t, "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", p, strings.TrimSuffix(p, ".pdf"))
	os.Remove(p)
}

func TestPercentTextRoundsWithoutHiding(t *testing.T) {
	for _, c := range []struct {
		part, whole int
		want        string
	}{{10, 3687, "<1%"}, {27, 3687, "1%"}, {14, 23, "61%"}, {1, 2, "50%"}, {0, 5, "0%"}, {999, 1000, ">99%"}, {1000, 1000, "100%"}, {3, 0, "—"}} {
		if got := percentText(c.part, c.whole); got != c.want {
			t.Errorf("percentText(%d, %d) = %q; want %q", c.part, c.whole, got, c.want)
		}
	}
}

// TestCrowdedChartsGoSideways: bars turn horizontal only when their labels
// would collide along the bottom axis.
func TestCrowdedChartsGoSideways(t *testing.T) {
	short, long := Chart{}, Chart{}
	for i := 1; i <= 14; i++ {
		short.Labels = append(short.Labels, fmt.Sprint(i))
		long.Labels = append(long.Labels, fmt.Sprintf("Cohort %d", i))
	}
	ethnic := Chart{Labels: model.EqualityQuestions[2].Answers}
	for _, c := range []struct {
		name  string
		chart Chart
		want  bool
	}{{"cohort numbers", short, false}, {"cohort names", long, true}, {"ethnic groups", ethnic, true},
		{"genders", Chart{Labels: model.EqualityQuestions[0].Answers}, false}} {
		if got := c.chart.crowded(); got != c.want {
			t.Errorf("%s: crowded = %v; want %v", c.name, got, c.want)
		}
	}
}
