package reports

import (
	"io"
	"strconv"
	"strings"
	"time"

	"cascade/model"
)

// AccreditationHeader is the accreditation report's CSV header, exactly.
var AccreditationHeader = []string{"organiser_email", "organiser_name", "cohort", "host", "unit_code", "unit_title",
	"level", "credits", "status", "assessor", "assessed_on", "verifier", "verified_on"}

// AccreditationCSV writes one row per learner and unit.
func AccreditationCSV(w io.Writer, rows []model.AccreditationRow) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.Email, r.Name, strconv.Itoa(r.Cohort), r.Host, r.UnitCode, r.Title, strconv.Itoa(r.Level),
			strconv.Itoa(r.Credits), r.Status, r.Assessor, r.AssessedOn, r.Verifier, r.VerifiedOn}
	}
	return WriteCSV(w, AccreditationHeader, out)
}

// AccreditationDocument lays the accreditation report out for PDF and XLSX:
// totals by status, then one row per learner and unit. Its CSV is the
// issue's exact header (AccreditationCSV), whichever way it is written.
func AccreditationDocument(rows []model.AccreditationRow, cohort int, programme string, created time.Time) Document {
	d := Document{Title: "Accreditation summary", Scope: scope(cohort), Programme: programme, Created: created, Landscape: true}
	learners := map[string]bool{}
	byStatus := map[string]int{}
	credits := 0
	for _, r := range rows {
		learners[r.Email] = true
		byStatus[r.Status]++
		if r.Status == "achieved" {
			credits += r.Credits
		}
	}
	d.Facts = [][2]string{
		{"Learners registered", n(len(learners))},
		{"Units achieved", n(byStatus["achieved"])},
		{"Units not yet achieved", n(byStatus["not_yet_achieved"])},
		{"Units in progress", n(byStatus["in_progress"])},
		{"Units not started", n(byStatus["not_started"])},
		{"Credits achieved", n(credits)},
	}
	d.Notes = []string{"Verifier and verified date are empty where the deciding assessment was not sampled."}
	table := Table{Title: "Units by learner",
		Header: []string{"Learner", "Cohort", "Host", "Unit", "Level", "Credits", "Status", "Assessor", "Assessed", "Verifier", "Verified"},
		Widths: []float64{46, 14, 40, 18, 12, 14, 28, 30, 20, 30, 20},
		Align:  []string{"L", "R", "L", "L", "R", "R", "L", "L", "L", "L", "L"},
		Dates:  []int{8, 10}}
	for _, r := range rows {
		table.Rows = append(table.Rows, []string{r.Name, strconv.Itoa(r.Cohort), r.Host, r.UnitCode, strconv.Itoa(r.Level),
			strconv.Itoa(r.Credits), strings.ReplaceAll(r.Status, "_", " "), r.Assessor, r.AssessedOn, r.Verifier, r.VerifiedOn})
	}
	d.Tables = []Table{table}
	d.CSV = func(w io.Writer) error { return AccreditationCSV(w, rows) }
	return d
}
