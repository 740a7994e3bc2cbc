package model

import (
	"context"
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
		var e Equality
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
