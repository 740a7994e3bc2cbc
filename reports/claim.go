package reports

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"cascade/model"
)

// ClaimHeader is the header of a claim exported for the OCN as CSV.
var ClaimHeader = []string{"claim_reference", "corrects", "cohort", "qualification", "learner_name", "email",
	"registration_number", "uln", "unit_code", "unit_title", "level", "credits"}

// ClaimCSV writes a claim's lines for the OCN.
func ClaimCSV(w io.Writer, c model.Claim, lines []model.ClaimLine) error {
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = []string{c.Reference, c.CorrectsRef, strconv.Itoa(c.Cohort), c.Qualification, l.Learner, l.Email,
			l.RegistrationNumber, l.ULN, l.UnitCode, l.UnitTitle, strconv.Itoa(l.Level), strconv.Itoa(l.Credits)}
	}
	return WriteCSV(w, ClaimHeader, rows)
}

// ClaimPDF renders a claim for the OCN: who claims what, with each learner's
// registration number and ULN, and the total credits.
func ClaimPDF(w io.Writer, c model.Claim, lines []model.ClaimLine, centre string, created time.Time) error {
	pdf := newDocument("L", created)
	title := "OCN claim " + c.Reference
	reportFrame(pdf, title)
	pdf.AddPage()
	pdf.SetFont(fontFamily, "B", 16)
	pdf.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	pdf.SetFont(fontFamily, "", 10)
	status := "Draft — not yet submitted"
	if c.Status == "submitted" {
		status = fmt.Sprintf("Submitted by %s on %s", c.SubmittedBy, model.DisplayDate(c.SubmittedAt))
	}
	for _, line := range []string{
		fmt.Sprintf("Centre: %s", centre),
		fmt.Sprintf("Cohort %d · Qualification %s · %d units · %d credits", c.Cohort, c.Qualification, len(lines), sumCredits(lines)),
		status,
	} {
		pdf.CellFormat(0, 6, line, "", 1, "L", false, 0, "")
	}
	if c.CorrectsRef != "" {
		pdf.CellFormat(0, 6, "This claim corrects "+c.CorrectsRef+", which stands unchanged as submitted.", "", 1, "L", false, 0, "")
	}
	pdf.Ln(3)
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = []string{l.Learner, l.RegistrationNumber, l.ULN, l.UnitCode, l.UnitTitle, model.LevelName(l.Level), strconv.Itoa(l.Credits)}
	}
	table(pdf, []string{"Learner", "Registration", "ULN", "Unit", "Title", "Level", "Credits"},
		[]float64{52, 44, 26, 18, 102, 14, 16}, []string{"L", "L", "L", "L", "L", "C", "R"}, rows)
	return pdf.Output(w)
}

func sumCredits(lines []model.ClaimLine) int {
	n := 0
	for _, l := range lines {
		n += l.Credits
	}
	return n
}
