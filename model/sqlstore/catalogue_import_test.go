package sqlstore

import (
	"context"
	"testing"

	"cascade/model"
)

// TestImportCatalogueIsOneTransaction makes the database refuse the
// qualification, the last thing written, and expects none of the units.
func TestImportCatalogueIsOneTransaction(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	refuse := []string{`CREATE TRIGGER refuse_quals BEFORE INSERT ON qualifications BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if s.pg {
		refuse = []string{`CREATE FUNCTION refuse_quals() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
			`CREATE TRIGGER refuse_quals BEFORE INSERT ON qualifications FOR EACH ROW EXECUTE FUNCTION refuse_quals()`}
	}
	for _, q := range refuse {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	c, err := model.ParseCatalogue([]byte(fixtureCatalogue))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ImportCatalogue(ctx, model.LocalUser(), c); err == nil {
		t.Fatal("ImportCatalogue with the qualification refused = nil; want an error")
	}
	if n := count(t, s, `SELECT count(*) FROM units`); n != 0 {
		t.Errorf("units after a refused import = %d; want 0", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'unit'`); n != 0 {
		t.Errorf("audit rows after a refused import = %d; want 0", n)
	}
}
