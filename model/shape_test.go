package model

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTheHouseKeepsItsShape asks the go tool what each package depends on:
// the domain imports no store and no database, the screens no store and no
// database/sql, the documents no store and no GUI.
func TestTheHouseKeepsItsShape(t *testing.T) {
	for _, c := range []struct {
		pkg       string
		forbidden []string
	}{
		{"cascade/model", []string{"database/sql", "cascade/model/sqlstore", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/pressly/goose/v3", "fyne.io/fyne/v2"}},
		{"cascade/ui", []string{"database/sql", "cascade/model/sqlstore", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/pressly/goose/v3"}},
		{"cascade/reports", []string{"database/sql", "cascade/model/sqlstore", "fyne.io/fyne/v2"}},
	} {
		out, err := exec.Command("go", "list", "-deps", c.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", c.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, f := range c.forbidden {
				if d == f || strings.HasPrefix(d, f+"/") {
					t.Errorf("%s depends on %s", c.pkg, d)
				}
			}
		}
		if len(deps) < 5 {
			t.Errorf("go list -deps %s listed only %v", c.pkg, deps)
		}
	}
}
