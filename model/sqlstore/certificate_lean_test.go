package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"reflect"
	"testing"
)

// TestCandidatesAsBeforeOnCorners holds the leaner candidate reads (names
// collated once per distinct name, flags in one number, achievements read
// in table order, qualifications judged once per set of units, trainers
// sorted in Go) to the reads they replaced, on the demo bent into corners:
//   - namesakes whose names differ in bytes but collate alike (an accent
//     composed or not), as organisers at one host and as trainers;
//   - two names that make the same collated text ("Moreno, Ana" "Luz" and
//     "Moreno" "Ana, Luz") but are different people;
//   - erased people: a completed organiser, a withdrawn one, a trainer;
//   - achievements stored out of organiser order (deleted and added again);
//   - organisers with the same units registered for every qualification.
func TestCandidatesAsBeforeOnCorners(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ids := func(q string, args ...any) []int64 {
		t.Helper()
		var out []int64
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	// Four organisers at the busiest host: their people become namesakes.
	host := ids(`SELECT host_id FROM organisers WHERE host_id IS NOT NULL GROUP BY host_id ORDER BY count(*) DESC, host_id LIMIT 1`)[0]
	people := ids(`SELECT person_id FROM organisers WHERE host_id = $1 ORDER BY id LIMIT 4`, host)
	if len(people) < 4 {
		t.Fatal("the busiest host has fewer than four organisers")
	}
	names := []struct{ given, family string }{{"Jos\u00e9", "Moreno"}, {"Jose\u0301", "Moreno"}, {"Luz", "Moreno, Ana"}, {"Ana, Luz", "Moreno"}}
	// Given the later ids the earlier names, so id order is not name order.
	for i, n := range names {
		exec(`UPDATE people SET given_name = $1, family_name = $2 WHERE id = $3`, n.given, n.family, people[len(people)-1-i])
	}
	trainers := ids(`SELECT person_id FROM trainers ORDER BY id LIMIT 3`)
	exec(`UPDATE people SET given_name = $1, family_name = 'Moreno' WHERE id = $2`, "Jos\u00e9", trainers[1])
	exec(`UPDATE people SET given_name = $1, family_name = 'Moreno' WHERE id = $2`, "Jose\u0301", trainers[0])
	exec(`UPDATE people SET erased_at = '2024-01-01T00:00:00Z' WHERE id = $1`, trainers[2])
	// Erased organisers, one completed and one withdrawn.
	for _, status := range []string{"completed", "withdrawn"} {
		exec(`UPDATE organisers SET status = $1 WHERE id = (SELECT min(id) FROM organisers WHERE host_id = $2 AND status <> $1)`, status, host)
		exec(`UPDATE people SET erased_at = '2024-01-01T00:00:00Z'
			WHERE id = (SELECT person_id FROM organisers WHERE id = (SELECT min(id) FROM organisers WHERE host_id = $1 AND status = $2))`, host, status)
	}
	// One achievement of each of the first organisers with several goes to
	// the end of the table, parting it from the organiser's others.
	first := ids(`SELECT organiser_id FROM unit_achievements GROUP BY organiser_id HAVING count(*) > 1 ORDER BY organiser_id LIMIT 3`)
	for _, o := range first {
		exec(`CREATE TEMPORARY TABLE moved AS SELECT * FROM unit_achievements WHERE organiser_id = $1
			AND unit_id = (SELECT min(unit_id) FROM unit_achievements WHERE organiser_id = $1)`, o)
		exec(`DELETE FROM unit_achievements WHERE organiser_id = $1 AND unit_id = (SELECT unit_id FROM moved)`, o)
		exec(`INSERT INTO unit_achievements SELECT * FROM moved`)
		exec(`DROP TABLE moved`)
	}
	// Those with the most units are registered for every qualification.
	exec(`INSERT INTO registrations (organiser_id, qualification_id, registration_number, registered_on)
		SELECT o.organiser_id, q.id, '', '2012-01-01'
		FROM (SELECT organiser_id FROM unit_achievements GROUP BY organiser_id ORDER BY count(*) DESC, organiser_id LIMIT 20) o
		CROSS JOIN qualifications q WHERE true
		ON CONFLICT DO NOTHING`)

	var hostName, email string
	if err := s.db.QueryRowContext(ctx, `SELECT name FROM hosts WHERE id = $1`, host).Scan(&hostName); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT email FROM people WHERE id = $1`, people[2]).Scan(&email); err != nil {
		t.Fatal(err)
	}
	sels := []model.CertSelection{{}, {Kind: model.KindCompletion}, {Kind: model.KindUnits}, {Kind: model.KindTrainer},
		{Host: hostName}, {Cohort: 2}, {Person: email}, {Host: hostName, Kind: model.KindUnits}}
	for _, sel := range sels {
		t.Run(fmt.Sprintf("%+v", sel), func(t *testing.T) {
			got, err := s.Candidates(ctx, sel)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.oldCandidates(ctx, sel)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d candidates; before, %d", len(got), len(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("candidate %d:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
	// The corners are there to be met.
	all, err := s.Candidates(ctx, model.CertSelection{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range all {
		seen[c.Kind+" "+c.Name]++
		if c.Why == "personal details erased" {
			seen["erased "+c.Kind]++
		}
		if c.Kind == model.KindUnits && len(c.Qualified) > 1 {
			seen["qualified twice"]++
		}
	}
	for _, k := range []string{"completion Jos\u00e9 Moreno", "completion Jose\u0301 Moreno", "units Luz Moreno, Ana", "units Ana, Luz Moreno",
		"trainer Jos\u00e9 Moreno", "trainer Jose\u0301 Moreno", "erased completion", "erased units", "erased trainer", "qualified twice"} {
		if seen[k] == 0 {
			t.Errorf("no %q among the candidates: the corner is not tested", k)
		}
	}
}
