package sqlstore

import (
	"cascade/model"
	"context"
	"strings"
	"testing"
)

// TestDemoEqualityAnswersAreOffered: the demo's answers are ones the form
// offers, for about three in four people.
func TestDemoEqualityAnswersAreOffered(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT person_id, gender, age_band, ethnicity, disability FROM equality_monitoring`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var e model.Equality
		if err := rows.Scan(&id, &e.Gender, &e.AgeBand, &e.Ethnicity, &e.Disability); err != nil {
			t.Fatal(err)
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("person %d: %v", id, err)
		}
		n++
	}
	people := count(t, s, `SELECT count(*) FROM people`)
	if n < people*65/100 || n > people*85/100 {
		t.Errorf("%d of %d people answered; want about three in four", n, people)
	}
}

// TestEqualityReportFollowsTheFormsOrder: ages run young to old and
// "Prefer not to say" comes last, as on the form, not alphabetically.
func TestEqualityReportFollowsTheFormsOrder(t *testing.T) {
	s, _ := demoDB(t)
	r, err := s.EqualityReport(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var ages []string
	for _, row := range r.Rows {
		if row.Dimension == "Age band" {
			ages = append(ages, row.Category)
		}
	}
	if want := model.EqualityQuestions[1].Answers; strings.Join(ages, "|") != strings.Join(want, "|") {
		t.Errorf("age bands in the report: %v; want %v", ages, want)
	}
}
