package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// certifiedDemo is a demo copy with certificates issued to two completed
// organisers (one of them revoked), closed so a test can damage the file
// with the sqlite3 shell as an attacker would. It returns the path and the
// issued numbers, the revoked one first.
func certifiedDemo(t *testing.T) (string, []string) {
	t.Helper()
	ctx := context.Background()
	s := newDemoStore(t)
	rows, err := s.db.QueryContext(ctx, `SELECT p.email FROM organisers o JOIN people p ON p.id = o.person_id
		WHERE o.status = 'completed' ORDER BY o.id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for rows.Next() {
		var e string
		rows.Scan(&e)
		emails = append(emails, e)
	}
	rows.Close()
	lead := namedUser(t, s, "lead-tamper", model.RoleLead)
	var numbers []string
	for _, e := range emails {
		cs, err := s.Candidates(ctx, model.CertSelection{Person: e, Kind: model.KindCompletion})
		if err != nil {
			t.Fatal(err)
		}
		issued, err := s.IssueCertificates(ctx, lead, cs, model.IssueOptions{On: "2015-06-01"})
		if err != nil || len(issued) != 1 {
			t.Fatalf("issue to %s: %d, %v", e, len(issued), err)
		}
		numbers = append(numbers, issued[0].Number)
	}
	if err := s.Revoke(ctx, lead, numbers[0], "issued in error"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check before tampering = %v, %v; want ok", r.Problems, err)
	}
	path := reopenPath(t, s)
	s.Close()
	return path, numbers
}

// copyClosedProgramme copies a closed programme, evidence files and all,
// into a folder of the test's own (on the test server, into a database of
// its own made from the closed one).
func copyClosedProgramme(t *testing.T, src string) string {
	t.Helper()
	if IsServerURL(src) {
		return newServerDatabase(t, serverDatabaseOf(t, src))
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst+".files", os.DirFS(src+".files")); err != nil {
		t.Fatal(err)
	}
	return dst
}

// shell runs SQL through the sqlite3 command-line shell on a closed
// database, or through psql on a server's, as an attacker with the file or
// the server's superuser would.
func shell(t *testing.T, path, sql string) {
	t.Helper()
	if IsServerURL(path) {
		cmd := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", path)
		cmd.Stdin = strings.NewReader(sql + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("psql: %v: %s\n%s", err, out, sql)
		}
		return
	}
	cmd := exec.Command("sqlite3", path)
	cmd.Stdin = strings.NewReader(".bail on\n" + sql + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v: %s\n%s", err, out, sql)
	}
}

// shellValue reads one value through the sqlite3 shell.
func shellValue(t *testing.T, path, query string) string {
	t.Helper()
	cmd := exec.Command("sqlite3", path, query)
	if IsServerURL(path) {
		cmd = exec.Command("psql", "-X", "-A", "-t", "-c", query, path)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sqlite3 %s: %v", query, err)
	}
	return strings.TrimSpace(string(out))
}

func checkLines(t *testing.T, path string) []string {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open tampered: %v", err)
	}
	defer s.Close()
	r, err := s.Check(ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	var lines []string
	for _, p := range r.Problems {
		lines = append(lines, p.String())
	}
	sort.Strings(lines)
	return lines
}

// dropTrigger is the statement dropping a trigger: PostgreSQL's names its table.
func dropTrigger(path, name, table string) string {
	if IsServerURL(path) {
		return "DROP TRIGGER " + name + " ON " + table + ";"
	}
	return "DROP TRIGGER " + name + ";"
}

// TestCheckFindsTampering damages a certified demo with the sqlite3 shell
// (psql on a server),
// triggers dropped first, and expects exactly one line per problem.
func TestCheckFindsTampering(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string, numbers []string) []string // returns the lines wanted
	}{
		{"audit row rewritten", func(t *testing.T, path string, _ []string) []string {
			id := shellValue(t, path, `SELECT id FROM audit_log WHERE action = 'demo'`)
			shell(t, path, dropTrigger(path, "audit_log_no_update", "audit_log")+`
				UPDATE audit_log SET after = '{"seed":2}' WHERE id = `+id+`;`)
			return []string{
				"audit_log row " + id + ": does not match its hash: this entry was changed, or one before it inserted or removed",
				"trigger audit_log_no_update: is missing: the protection it gives was dropped",
			}
		}},
		{"audit row deleted", func(t *testing.T, path string, _ []string) []string {
			id := shellValue(t, path, `SELECT id FROM audit_log WHERE action = 'demo'`)
			next := shellValue(t, path, `SELECT min(id) FROM audit_log WHERE id > `+id)
			shell(t, path, dropTrigger(path, "audit_log_no_delete", "audit_log")+` DELETE FROM audit_log WHERE id = `+id+`;`)
			return []string{
				fmt.Sprintf("audit_log row %s: the entries before it (ids %s to %s) are missing: deleted from the log", next, id, id),
				"trigger audit_log_no_delete: is missing: the protection it gives was dropped",
			}
		}},
		{"certificate payload changed", func(t *testing.T, path string, n []string) []string {
			shell(t, path, dropTrigger(path, "certificates_immutable", "certificates")+`
				UPDATE certificates SET payload = replace(payload, 'name: ' || holder_name, 'name: Someone Else') WHERE number = '`+n[1]+`';`)
			return []string{
				"certificates " + n[1] + ": its signature does not match its signed fields: the fields or the signature were changed",
				"trigger certificates_immutable: is missing: the protection it gives was dropped",
			}
		}},
		{"revocation undone", func(t *testing.T, path string, n []string) []string {
			shell(t, path, dropTrigger(path, "certificates_immutable", "certificates")+`
				UPDATE certificates SET revoked_at = NULL, revoked_by = NULL, revoked_reason = NULL WHERE number = '`+n[0]+`';`)
			return []string{
				"certificates " + n[0] + ": the audit log records its revocation but its record is not revoked: the revocation was undone",
				"trigger certificates_immutable: is missing: the protection it gives was dropped",
			}
		}},
		// Own cases. An entry slipped into the middle: later ids shifted up one
		// and a row with a correctly computed hash put in the gap, so only the
		// row after it shows the break.
		{"audit row inserted in the middle", func(t *testing.T, path string, _ []string) []string {
			id := shellValue(t, path, `SELECT id FROM audit_log WHERE action = 'demo'`)
			prev := shellValue(t, path, `SELECT hash FROM audit_log WHERE id < `+id+` ORDER BY id DESC LIMIT 1`)
			var n int64
			fmt.Sscan(id, &n)
			forged := auditRow{ID: n, At: "2015-01-01T00:00:00Z", Actor: "admin", Action: "update", Entity: "settings",
				EntityID: "centre.name", Before: "", After: `{"value":"Forged"}`}
			shell(t, path, dropTrigger(path, "audit_log_no_update", "audit_log")+`
				UPDATE audit_log SET id = id + 1000000 WHERE id >= `+id+`;
				UPDATE audit_log SET id = id - 1000000 + 1 WHERE id >= 1000000;
				INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before, after, hash)
				VALUES (`+id+`, '2015-01-01T00:00:00Z', 'admin', 'update', 'settings', 'centre.name', '', '{"value":"Forged"}', '`+forged.hash(prev)+`');`)
			// The hash covers the id, so every shifted entry shows; the line
			// names the first and counts the rest.
			later := shellValue(t, path, fmt.Sprintf(`SELECT count(*) FROM audit_log WHERE id > %d`, n+1))
			return []string{
				fmt.Sprintf("audit_log row %d: does not match its hash: this entry was changed, or one before it inserted or removed (and %s later entries do not match)", n+1, later),
				"trigger audit_log_no_update: is missing: the protection it gives was dropped",
			}
		}},
		{"audit actor changed", func(t *testing.T, path string, n []string) []string {
			id := shellValue(t, path, `SELECT id FROM audit_log WHERE action = 'revoke'`)
			shell(t, path, dropTrigger(path, "audit_log_no_update", "audit_log")+`
				UPDATE audit_log SET actor = 'admin' WHERE id = `+id+`;`)
			return []string{
				"audit_log row " + id + ": does not match its hash: this entry was changed, or one before it inserted or removed",
				"trigger audit_log_no_update: is missing: the protection it gives was dropped",
			}
		}},
		{"certificate numbers swapped", func(t *testing.T, path string, n []string) []string {
			shell(t, path, dropTrigger(path, "certificates_immutable", "certificates")+`
				UPDATE certificates SET number = 'SWAP' WHERE number = '`+n[0]+`';
				UPDATE certificates SET number = '`+n[0]+`' WHERE number = '`+n[1]+`';
				UPDATE certificates SET number = '`+n[1]+`' WHERE number = 'SWAP';`)
			return []string{
				// The revoked record now carries the valid number and the other way
				// round, so the log's revocation shows against the wrong row too.
				fmt.Sprintf("certificates %s: its record (%s, completion, 2015-06-01) differs from its signed fields (%s, completion, 2015-06-01)", n[0], n[0], n[1]),
				"certificates " + n[0] + ": the audit log records its revocation but its record is not revoked: the revocation was undone",
				fmt.Sprintf("certificates %s: its record (%s, completion, 2015-06-01) differs from its signed fields (%s, completion, 2015-06-01)", n[1], n[1], n[0]),
				"certificates " + n[1] + ": its record is revoked but the audit log has no revocation",
				"trigger certificates_immutable: is missing: the protection it gives was dropped",
			}
		}},
		{"trigger replaced by a harmless one", func(t *testing.T, path string, _ []string) []string {
			harmless := `CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates WHEN 0 BEGIN SELECT 1; END;`
			if IsServerURL(path) {
				harmless = `CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
					FOR EACH ROW WHEN (false) EXECUTE FUNCTION cascade_refuse('an issued certificate is never deleted: revoke it');`
			}
			shell(t, path, dropTrigger(path, "certificates_no_delete", "certificates")+harmless)
			return []string{"trigger certificates_no_delete: differs from the one the schema made: the protection was replaced"}
		}},
		{"unhashed entry appended", func(t *testing.T, path string, _ []string) []string {
			id := shellValue(t, path, `SELECT max(id) + 1 FROM audit_log`)
			shell(t, path, `INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before, after)
				VALUES (`+id+`, '2015-01-01T00:00:00Z', 'admin', 'revoke', 'certificate', 'CO-2015-000999', '', '{}');`)
			return []string{"audit_log row " + id + ": has no hash: it was not written by Cascade (added with the protections dropped)"}
		}},
	}
	if onServer() {
		// A server has more ways to take a guard off than to drop it.
		cases = append(cases, []struct {
			name   string
			damage func(t *testing.T, path string, numbers []string) []string
		}{
			{"trigger function replaced by a harmless one", func(t *testing.T, path string, _ []string) []string {
				shell(t, path, `CREATE OR REPLACE FUNCTION cascade_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$;`)
				return []string{"function cascade_refuse: differs from the one the schema made: the protection was replaced"}
			}},
			{"trigger disabled", func(t *testing.T, path string, _ []string) []string {
				shell(t, path, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete;`)
				return []string{"trigger audit_log_no_delete: is disabled: the protection it gives is off"}
			}},
			{"every trigger skipped for the database", func(t *testing.T, path string, _ []string) []string {
				shell(t, path, `ALTER DATABASE `+serverDatabaseOf(t, path)+` SET session_replication_role = replica;`)
				return []string{"database setting session_replication_role: is replica: every protecting trigger and foreign key is skipped"}
			}},
			{"trigger moved to fire on nothing that happens", func(t *testing.T, path string, _ []string) []string {
				shell(t, path, `DROP TRIGGER audit_log_no_update ON audit_log;
					CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF hash ON audit_log
					FOR EACH ROW WHEN (OLD.hash IS NOT NULL) EXECUTE FUNCTION cascade_refuse('the audit log is append-only');`)
				return []string{"trigger audit_log_no_update: differs from the one the schema made: the protection was replaced"}
			}},
		}...)
	}
	// One certified demo, checked clean once; each case damages a copy.
	base, numbers := certifiedDemo(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := copyClosedProgramme(t, base)
			want := c.damage(t, path, numbers)
			sort.Strings(want)
			got := checkLines(t, path)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("Check after %s:\n%s\nwant:\n%s", c.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
