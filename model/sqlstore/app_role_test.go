package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestAppRoleHasLeastPrivilege runs docs/postgres-app-role.sql as the README
// says and signs a desk in with that role: the programme opens and takes a
// change, while DDL and changing or deleting audit rows or issued
// certificates are refused by the server itself, triggers aside.
func TestAppRoleHasLeastPrivilege(t *testing.T) {
	if !onServer() {
		t.Skip("needs a PostgreSQL server: set " + testServerEnv)
	}
	ctx := context.Background()
	owner := newTestStore(t) // made by the superuser, as an owner would
	role := strings.Replace(serverDatabaseName(), "cascade_t_", "cascade_role_", 1)
	if err := adminExec("CREATE ROLE " + role + " LOGIN PASSWORD 'desk-pw'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The database goes first (its own cleanup runs before this one).
		adminExec("DROP ROLE IF EXISTS " + role)
	})
	grants, err := os.ReadFile("../../docs/postgres-app-role.sql")
	if err != nil {
		t.Fatal(err)
	}
	script := strings.ReplaceAll(string(grants), `:"app"`, `"`+role+`"`)
	if _, err := owner.db.ExecContext(ctx, script); err != nil {
		t.Fatalf("run docs/postgres-app-role.sql: %v", err)
	}
	admin, err := owner.CreateFirstAdmin(ctx, model.NewUser{Username: "lead1", DisplayName: "Lead One", Password: "a-long-password"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(owner.path)
	u.User = url.UserPassword(role, "desk-pw")
	owner.Close()

	desk, err := Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open as the app role: %v", err)
	}
	defer desk.Close()
	if err := desk.SaveSettings(ctx, admin, map[string]string{"centre.name": "Trafford Hall"}); err != nil {
		t.Fatalf("a change as the app role: %v", err)
	}
	refused := []string{
		`CREATE TABLE notes (id integer)`,
		`DROP TRIGGER audit_log_no_update ON audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`UPDATE audit_log SET actor = 'someone else'`,
		`DELETE FROM audit_log`,
		`TRUNCATE certificates`,
		`DELETE FROM certificates`,
		`UPDATE certificates SET holder_name = 'someone else'`,
		`UPDATE goose_db_version SET version_id = 1`,
	}
	for _, stmt := range refused {
		_, err := desk.db.ExecContext(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "42501" && !strings.HasPrefix(pe.Code, "42")) {
			t.Errorf("%s as the app role = %v; want refused for want of privilege", stmt, err)
		}
	}
	// Revoking stays possible: the columns it sets are granted.
	if _, err := desk.db.ExecContext(ctx, `UPDATE certificates SET revoked_reason = 'x' WHERE false`); err != nil {
		t.Errorf("revocation's columns as the app role: %v", err)
	}
	var n int
	if err := desk.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n < 2 {
		t.Errorf("audit log as the app role: %d rows, %v", n, err)
	}
}
