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
	email := ""
	for i := range rows {
		r := &rows[i]
		// A learner's rows come together: their email is counted once a
		// run, not once a row (41,900 rows, 5,600 learners at scale 10).
		if i == 0 || r.Email != email {
			email = r.Email
			learners[email] = true
		}
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
	// One block of cells for every row rather than a slice each.
	const cols = 11
	cells := make([]string, len(rows)*cols)
	table.Rows = make([][]string, len(rows))
	for i := range rows {
		r := &rows[i]
		row := cells[i*cols : (i+1)*cols : (i+1)*cols]
		row[0], row[1], row[2], row[3], row[4] = r.Name, strconv.Itoa(r.Cohort), r.Host, r.UnitCode, strconv.Itoa(r.Level)
		row[5], row[6], row[7], row[8], row[9], row[10] = strconv.Itoa(r.Credits), statusWords(r.Status), r.Assessor, r.AssessedOn, r.Verifier, r.VerifiedOn
		table.Rows[i] = row
	}
	d.Tables = []Table{table}
	d.CSV = func(w io.Writer) error { return AccreditationCSV(w, rows) }
	return d
}

// statusWords is a status as the PDF and XLSX show it: "not_yet_achieved"
// reads "not yet achieved". The four statuses are constants, so no row
// builds a new string for them.
func statusWords(status string) string {
	switch status {
	case "achieved":
		return "achieved"
	case "not_yet_achieved":
		return "not yet achieved"
	case "in_progress":
		return "in progress"
	case "not_started":
		return "not started"
	}
	return strings.ReplaceAll(status, "_", " ")
}
