package reports

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"cascade/model"
)

var ukNumbers = message.NewPrinter(language.BritishEnglish)

// n formats a count the UK way: 4,500.
func n(v int) string { return ukNumbers.Sprintf("%d", v) }

// percentText is part of whole as a rounded whole percentage.
func percentText(part, whole int) string {
	if whole <= 0 {
		return "—"
	}
	// Rounded, but never to a 0% that hides someone or a 100% that hides a gap.
	p := (part*200 + whole) / (2 * whole)
	switch {
	case p == 0 && part > 0:
		return "<1%"
	case p == 100 && part < whole:
		return ">99%"
	}
	return strconv.Itoa(p) + "%"
}

func scope(cohort int) string {
	if cohort > 0 {
		return fmt.Sprintf("Cohort %d", cohort)
	}
	return "Whole programme"
}

var progressHeader = []string{"", "Hosts", "Seniors", "Volunteers", "Completed", "Withdrawn", "Units achieved"}

func progressTable(title string, first string, rows []model.ProgressRow, withRegion bool) Table {
	t := Table{Title: title, Header: append([]string{first}, progressHeader[1:]...),
		Widths: []float64{2.4, 0.9, 1, 1.25, 1.3, 1.3, 1.6}, Align: []string{"L", "R", "R", "R", "R", "R", "R"}}
	if withRegion {
		t.Header = []string{first, "Region", "Cohort", "Seniors", "Volunteers", "Completed", "Withdrawn", "Units achieved"}
		t.Widths = []float64{3.2, 2.2, 0.9, 1.1, 1.3, 1.35, 1.35, 1.6}
		t.Align = []string{"L", "L", "R", "R", "R", "R", "R", "R"}
	}
	for _, r := range rows {
		if withRegion {
			cohort := ""
			if r.Cohort > 0 {
				cohort = strconv.Itoa(r.Cohort)
			}
			t.Rows = append(t.Rows, []string{r.Label, r.Region, cohort, n(r.Seniors), n(r.Volunteers), n(r.Completed), n(r.Withdrawn), n(r.Units)})
			continue
		}
		t.Rows = append(t.Rows, []string{r.Label, n(r.Hosts), n(r.Seniors), n(r.Volunteers), n(r.Completed), n(r.Withdrawn), n(r.Units)})
	}
	return t
}

// ProgressDocument is the progress report: targets, then per cohort, host
// and region.
func ProgressDocument(r model.ProgressReport, created time.Time) Document {
	d := Document{Title: "Progress to targets", Scope: scope(r.Cohort), Programme: r.Programme, Created: created}
	t := r.Total
	cohorts, hosts := 0, 0
	for _, c := range r.ByCohort {
		if c.Cohort > 0 {
			cohorts++
		}
	}
	for _, h := range r.ByHost {
		if h.Hosts > 0 { // not the "No host" row
			hosts++
		}
	}
	d.Facts = [][2]string{
		{"Senior organisers (target " + n(r.SeniorTarget) + ")", n(t.Seniors) + " · " + percentText(t.Seniors, r.SeniorTarget)},
		{"Volunteer organisers (target " + n(r.VolunteerTarget) + ")", n(t.Volunteers) + " · " + percentText(t.Volunteers, r.VolunteerTarget)},
		{"Cohorts (target " + n(r.CohortTarget) + ")", n(cohorts)},
		{"Host organisations", n(hosts)},
		{"Organisers completed", n(t.Completed)},
		{"Organisers withdrawn", n(t.Withdrawn)},
		{"Units achieved", n(t.Units)},
	}
	d.Notes = []string{"Seniors and volunteers count organisers not withdrawn; completed organisers are included."}
	chart := Chart{Title: "Organisers per cohort", Series: []string{"Seniors", "Volunteers", "Completed"}, Values: make([][]float64, 3)}
	for _, c := range r.ByCohort {
		chart.Labels = append(chart.Labels, c.Label)
		chart.Values[0] = append(chart.Values[0], float64(c.Seniors))
		chart.Values[1] = append(chart.Values[1], float64(c.Volunteers))
		chart.Values[2] = append(chart.Values[2], float64(c.Completed))
	}
	if len(chart.Labels) > 0 {
		d.Charts = append(d.Charts, chart)
	}
	d.Tables = []Table{
		progressTable("By cohort", "Cohort", r.ByCohort, false),
		progressTable("By region", "Region", r.ByRegion, false),
		progressTable("By host organisation", "Host", r.ByHost, true),
	}
	return d
}
