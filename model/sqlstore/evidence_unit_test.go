package sqlstore

import (
	"cascade/model"
	"context"
	"strconv"
	"strings"
	"testing"
)

// derivedUnitMismatches counts the items whose kept unit is not the lowest
// unit of their criteria (none where they have none).
const derivedUnitMismatches = `SELECT count(*) FROM evidence_items e WHERE NOT (
	e.unit_id = (SELECT min(c.unit_id) FROM evidence_criteria ec JOIN criteria c ON c.id = ec.criterion_id WHERE ec.evidence_id = e.id)
	OR e.unit_id IS NULL AND NOT EXISTS (SELECT 1 FROM evidence_criteria ec WHERE ec.evidence_id = e.id))`

// An item's unit, kept on it since migration 101 for the accreditation
// report, is the lowest unit of its criteria however they are written: by
// the app, by a raw insert in either order, by deleting some, and by the
// migration itself for items made before it. A file edited past the
// triggers is reported by check.
func TestEvidenceUnitKeptOnTheItem(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	exec := execOn(t, s.DB())
	unitOf := func(item int64) (unit int64, valid bool) {
		t.Helper()
		var u *int64
		if err := s.DB().QueryRowContext(ctx, `SELECT unit_id FROM evidence_items WHERE id = $1`, item).Scan(&u); err != nil {
			t.Fatal(err)
		}
		if u == nil {
			return 0, false
		}
		return *u, true
	}
	if n := count(t, s, `SELECT count(*) FROM evidence_items WHERE unit_id IS NOT NULL`); n == 0 {
		t.Fatal("the demo's items have no unit kept")
	}
	if n := count(t, s, derivedUnitMismatches); n != 0 {
		t.Fatalf("%d demo items keep a unit that is not their criteria's", n)
	}

	// By the app: the unit of the criteria it was given.
	var learner, unit, c1, c2 int64
	if err := s.DB().QueryRowContext(ctx, `SELECT (SELECT min(organiser_id) FROM registrations), u.id, min(c.id), max(c.id)
		FROM units u JOIN criteria c ON c.unit_id = u.id GROUP BY u.id ORDER BY u.id LIMIT 1`).Scan(&learner, &unit, &c1, &c2); err != nil {
		t.Fatal(err)
	}
	id, err := s.AddEvidence(ctx, model.LocalUser(), model.EvidenceItem{OrganiserID: learner, Kind: "product", Title: "Kept unit",
		EvidenceOn: "2024-01-02", CriterionIDs: []int64{c1, c2}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := unitOf(id); !ok || got != unit {
		t.Errorf("AddEvidence for unit %d: kept unit %d (%v)", unit, got, ok)
	}

	// Raw: a higher unit's criterion first, then the lower's; then the
	// lower removed, then every one.
	var higher, hc int64
	if err := s.DB().QueryRowContext(ctx, `SELECT unit_id, min(id) FROM criteria WHERE unit_id > $1 GROUP BY unit_id ORDER BY unit_id LIMIT 1`,
		unit).Scan(&higher, &hc); err != nil {
		t.Fatal(err)
	}
	var raw int64
	if err := s.DB().QueryRowContext(ctx, `INSERT INTO evidence_items (organiser_id, kind, title, evidence_on, created_at)
		VALUES ($1, 'product', 'Raw', '2024-01-02', '2024-01-02T00:00:00Z') RETURNING id`, learner).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := unitOf(raw); ok {
		t.Error("an item with no criteria keeps a unit")
	}
	exec(`INSERT INTO evidence_criteria (evidence_id, criterion_id) VALUES ($1, $2)`, raw, hc)
	if got, _ := unitOf(raw); got != higher {
		t.Errorf("after the higher unit's criterion: unit %d; want %d", got, higher)
	}
	exec(`INSERT INTO evidence_criteria (evidence_id, criterion_id) VALUES ($1, $2)`, raw, c1)
	if got, _ := unitOf(raw); got != unit {
		t.Errorf("after the lower unit's criterion too: unit %d; want %d, the lowest", got, unit)
	}
	exec(`DELETE FROM evidence_criteria WHERE evidence_id = $1 AND criterion_id = $2`, raw, c1)
	if got, _ := unitOf(raw); got != higher {
		t.Errorf("after the lower unit's criterion went: unit %d; want %d", got, higher)
	}
	exec(`DELETE FROM evidence_criteria WHERE evidence_id = $1`, raw)
	if got, ok := unitOf(raw); ok {
		t.Errorf("after every criterion went: unit %d; want none", got)
	}

	// The migration: down past it and up again works every item's unit
	// out afresh.
	before := count(t, s, `SELECT count(*) FROM evidence_items WHERE unit_id IS NOT NULL`)
	p, err := s.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 100); err != nil {
		t.Fatalf("migrate down past 00101: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up again: %v", err)
	}
	if got := count(t, s, `SELECT count(*) FROM evidence_items WHERE unit_id IS NOT NULL`); got != before {
		t.Errorf("%d items with a unit after migrating again; %d before", got, before)
	}
	if n := count(t, s, derivedUnitMismatches); n != 0 {
		t.Errorf("%d items keep a wrong unit after migrating again", n)
	}

	// Past the triggers: check names the item and both units.
	exec(`UPDATE evidence_items SET unit_id = $1 WHERE id = $2`, higher, id)
	r, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range r.Problems {
		found = found || p.Where == "evidence_items "+strconv.FormatInt(id, 10) && strings.Contains(p.What, "but its criteria are of unit")
	}
	if !found {
		t.Errorf("check after an item's unit was edited: %v; want the item named", r.Problems)
	}
}
