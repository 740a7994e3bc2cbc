package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"testing"
)

// achievedUnits shares each unit's code and title between everyone who
// achieved it; each person must still carry their own date, level and
// credits, in code order, exactly as a join per achievement read them.
func TestAchievedUnitsShareUnitsKeepOwnDates(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	got, err := s.achievedUnits(ctx, model.CertSelection{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ua.organiser_id, u.code, u.title, u.level, u.credits, ua.achieved_on
		FROM unit_achievements ua JOIN units u ON u.id = ua.unit_id ORDER BY ua.organiser_id, u.code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[int64][]model.CertUnit{}
	dates := map[string]bool{}
	for rows.Next() {
		var id int64
		var u model.CertUnit
		if err := rows.Scan(&id, &u.Code, &u.Title, &u.Level, &u.Credits, &u.Achieved); err != nil {
			t.Fatal(err)
		}
		want[id] = append(want[id], u)
		dates[u.Code+"|"+u.Achieved] = true
	}
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d organisers with units; want %d (and some)", len(got), len(want))
	}
	for id, w := range want {
		if fmt.Sprint(got[id]) != fmt.Sprint(w) {
			t.Fatalf("organiser %d: %v; want %v", id, got[id], w)
		}
	}
	// The demo has one unit achieved on different days by different people:
	// the shared unit must not carry the last date read to everyone.
	perUnit := map[string]int{}
	for k := range dates {
		perUnit[k[:len(k)-11]]++
	}
	many := false
	for _, n := range perUnit {
		many = many || n > 1
	}
	if !many {
		t.Error("no unit achieved on two different days in the demo: the test proves nothing")
	}
}

// One person's selection reads only their units, through the same path.
func TestAchievedUnitsForOnePerson(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	var email string
	var id int64
	if err := s.db.QueryRowContext(ctx, `SELECT p.email, o.id FROM unit_achievements ua JOIN organisers o ON o.id = ua.organiser_id
		JOIN people p ON p.id = o.person_id ORDER BY ua.organiser_id DESC LIMIT 1`).Scan(&email, &id); err != nil {
		t.Fatal(err)
	}
	got, err := s.achievedUnits(ctx, model.CertSelection{Person: email})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[id]) == 0 {
		t.Errorf("units for %s: %v; want only organiser %d's", email, got, id)
	}
	if none, err := s.achievedUnits(ctx, model.CertSelection{Person: "nobody@example.org"}); err != nil || len(none) != 0 {
		t.Errorf("units for nobody: %v, %v; want none", none, err)
	}
}
