package reports

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cascade/model"
)

func TestAccreditationCSVHeaderAndEscaping(t *testing.T) {
	var buf bytes.Buffer
	rows := []model.AccreditationRow{{Email: "zoe@example.org", Name: "Zoë Łukasz", Cohort: 3, Host: "=HYPERLINK(\"x\")",
		UnitCode: "CO201", Title: "Listening, \"carefully\"", Level: 0, Credits: 3, Status: "achieved", Assessor: "@mention",
		AssessedOn: "2012-03-10"}}
	if err := AccreditationCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v", err)
	}
	if got := strings.Join(recs[0], ","); got != "organiser_email,organiser_name,cohort,host,unit_code,unit_title,level,credits,status,assessor,assessed_on,verifier,verified_on" {
		t.Errorf("header = %s", got)
	}
	r := recs[1]
	if r[1] != "Zoë Łukasz" || r[2] != "3" || r[3] != "'=HYPERLINK(\"x\")" || r[5] != "Listening, \"carefully\"" || r[6] != "0" ||
		r[9] != "'@mention" || r[11] != "" || r[12] != "" {
		t.Errorf("row = %q", r)
	}
}

func TestClaimPDFReadsBack(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	c := model.Claim{Reference: "CLM-2013-C02-1", Cohort: 2, Qualification: "COQ3C", Status: "submitted", SubmittedBy: "lead",
		SubmittedAt: "2013-02-28T09:00:00Z", CorrectsRef: "CLM-2013-C02"}
	var lines []model.ClaimLine
	for i := 0; i < 60; i++ {
		lines = append(lines, model.ClaimLine{Learner: "Zoë Łukasz", RegistrationNumber: "OCN-NW-1", ULN: "1234567890",
			UnitCode: "CO201", UnitTitle: "Listening to local people", Level: 2, Credits: 3})
	}
	var buf bytes.Buffer
	if err := ClaimPDF(&buf, c, lines, "Trafford Hall", time.Date(2013, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "claim.pdf")
	os.WriteFile(path, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"OCN claim CLM-2013-C02-1", "Zoë Łukasz", "1234567890", "60 units · 180 credits", "corrects CLM-2013-C02",
		"Submitted by lead on 28 Feb 2013", "Page 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("claim PDF lacks %q", want)
		}
	}
	if strings.Count(text, "Registration") < 2 {
		t.Error("the table header does not repeat on the second page")
	}
}

// A person reads the PDF's dates the UK way; the CSV and XLSX of the same
// report keep ISO dates for machines.
func TestAccreditationPDFShowsUKDatesWhileCSVKeepsISO(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	rows := []model.AccreditationRow{
		{Email: "zoe@example.org", Name: "Zoë Łukasz", Cohort: 3, Host: "Keystone", UnitCode: "CO201", Title: "Listening",
			Level: 2, Credits: 3, Status: "achieved", Assessor: "assessor", AssessedOn: "2012-09-03", Verifier: "verifier", VerifiedOn: "2012-10-01"},
		{Email: "sian@example.org", Name: "Siân Morgan", Cohort: 3, Host: "Keystone", UnitCode: "CO202", Title: "Networks",
			Level: 2, Credits: 3, Status: "not_started"},
		{Email: "wide@example.org", Name: "Wide Dates", Cohort: 3, Host: "Keystone", UnitCode: "CO203", Title: "Power",
			Level: 2, Credits: 3, Status: "achieved", Assessor: "assessor", AssessedOn: "2012-03-25", Verifier: "verifier", VerifiedOn: "2012-05-30"},
	}
	d := AccreditationDocument(rows, 3, "Community Organisers Programme", fixed)

	var pdf bytes.Buffer
	if err := d.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "accreditation.pdf")
	if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := run(t, "pdftotext", "-layout", path, "-")
	var line string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "Zoë Łukasz") {
			line = l
		}
	}
	if !strings.Contains(line, "3 Sep 2012") || !strings.Contains(line, "1 Oct 2012") {
		t.Errorf("PDF table row %q; want the assessed and verified dates as 3 Sep 2012 and 1 Oct 2012", line)
	}
	// The widest dates (two-digit days, wide months) show whole: the
	// assessed and verified columns once cut them to "25 Mar 20…".
	for _, want := range []string{"25 Mar 2012", "30 May 2012"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF does not show %s whole:\n%s", want, text)
		}
	}
	if strings.Contains(text, "2012-09-03") || strings.Contains(text, "2012-10-01") {
		t.Errorf("PDF shows an ISO date:\n%s", text)
	}

	var out bytes.Buffer
	if err := d.WriteCSV(&out); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[1]; r[10] != "2012-09-03" || r[12] != "2012-10-01" {
		t.Errorf("CSV row %q; want ISO dates 2012-09-03 and 2012-10-01", r)
	}

	var x bytes.Buffer
	if err := d.WriteXLSX(&x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := f.GetRows("Units by learner")
	if len(sheet) < 2 || len(sheet[1]) < 11 || sheet[1][8] != "2012-09-03" || sheet[1][10] != "2012-10-01" {
		t.Errorf("XLSX rows %q; want ISO dates 2012-09-03 and 2012-10-01 in the first learner's row", sheet)
	}
}

// TestAccreditationDocumentCountsAndWords: learners are counted once
// however their rows fall (a learner's rows apart, two learners' rows
// interleaved, an empty email), statuses read as words in the table, a
// status the report does not know keeps its words, and each row's cells are
// its own (appending to one row does not write into the next).
func TestAccreditationDocumentCountsAndWords(t *testing.T) {
	row := func(email, status string, credits int) model.AccreditationRow {
		return model.AccreditationRow{Email: email, Name: email, Cohort: 1, UnitCode: "CO20" + strconv.Itoa(credits),
			Level: 2, Credits: credits, Status: status}
	}
	rows := []model.AccreditationRow{
		row("", "not_started", 1),
		row("a@example.org", "achieved", 3),
		row("b@example.org", "in_progress", 4),
		row("a@example.org", "not_yet_achieved", 5), // a's rows apart
		row("b@example.org", "achieved", 6),
		row("", "withdrawn_by_ocn", 7),
	}
	d := AccreditationDocument(rows, 1, "Programme", fixed)
	facts := map[string]string{}
	for _, f := range d.Facts {
		facts[f[0]] = f[1]
	}
	if facts["Learners registered"] != "3" || facts["Units achieved"] != "2" || facts["Units not yet achieved"] != "1" ||
		facts["Units in progress"] != "1" || facts["Units not started"] != "1" || facts["Credits achieved"] != "9" {
		t.Errorf("facts = %v; want 3 learners (the empty email one), 2 achieved, 1 not yet, 1 in progress, 1 not started, 9 credits", d.Facts)
	}
	var words []string
	for _, r := range d.Tables[0].Rows {
		if len(r) != 11 {
			t.Fatalf("row %q has %d cells, want 11", r, len(r))
		}
		words = append(words, r[6])
	}
	if got := strings.Join(words, "|"); got != "not started|achieved|in progress|not yet achieved|achieved|withdrawn by ocn" {
		t.Errorf("statuses in the table: %s", got)
	}
	first := d.Tables[0].Rows[0]
	_ = append(first, "extra")
	if d.Tables[0].Rows[1][0] != "a@example.org" {
		t.Errorf("appending to one row wrote into the next: %q", d.Tables[0].Rows[1])
	}
}
