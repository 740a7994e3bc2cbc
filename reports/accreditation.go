package reports

import (
	"io"
	"strconv"

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
