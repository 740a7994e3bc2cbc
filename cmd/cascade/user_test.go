package main

import (
	"cascade/model/sqlstore/sqlstoretest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCommandsActAsTheNamedUser: with --user a command acts as that programme
// user under the role table. A refused action exits 1 with one line naming
// the user, their role and the action, and changes nothing; a wrong password
// is one line too, every failure is audited, and repeated failures are
// throttled with a wait a person can read.
func TestCommandsActAsTheNamedUser(t *testing.T) {
	// With its evidence files: backup fails naming any that are missing.
	db := demoWithFiles(t)
	t.Setenv(passwordEnv, sqlstoretest.Password)
	_, before, _ := cascade(t, "summary", "--db", db, "--json")

	for _, c := range []struct {
		args []string
		role string
		act  string
	}{
		{[]string{"certificates", "--db", db, "--cohort", "1", "--kind", "completion", "--out", t.TempDir(), "--user", "moderator"}, "external moderator", "issue, reprint or revoke certificates"},
		{[]string{"import", "cohorts", "../../model/sqlstore/testdata/import/cohorts_good.csv", "--db", db, "--user", "assessor"}, "assessor", "import records"},
		{[]string{"erase", "person", "nobody@example.org", "--reason", "asked", "--db", db, "--user", "lead"}, "training lead", "erase a person"},
		{[]string{"backup", "--db", db, "--out", t.TempDir() + "/b.zip", "--user", "verifier"}, "internal verifier", "back the programme up"},
	} {
		code, out, errOut := cascade(t, c.args...)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		user := c.args[len(c.args)-1]
		if code != 1 || len(lines) != 1 || out != "" || !strings.Contains(errOut, user+" ("+c.role+") may not "+c.act) {
			t.Errorf("%s as %s: exit %d, stdout %q, stderr %q; want exit 1 and one line naming %s, %s and %q",
				c.args[0], user, code, out, errOut, user, c.role, c.act)
		}
	}
	// Nothing changed but the sign-ins in the audit log.
	_, after, _ := cascade(t, "summary", "--db", db, "--json")
	strip := regexp.MustCompile(`"audit_log":\d+,?`)
	if strip.ReplaceAllString(before, "") != strip.ReplaceAllString(after, "") {
		t.Errorf("refused commands changed the programme:\nbefore %s\nafter  %s", before, after)
	}

	// The same command as someone allowed goes through, audited as them.
	if code, _, errOut := cascade(t, "backup", "--db", db, "--out", t.TempDir()+"/b.zip", "--user", "lead"); code != 0 {
		t.Errorf("backup as lead: exit %d, %s", code, errOut)
	}

	// A wrong password: one line, and after five the name must wait.
	t.Setenv(passwordEnv, "not-it")
	for i := range 5 {
		code, _, errOut := cascade(t, "summary", "--db", db, "--user", "lead")
		if code != 1 || !strings.Contains(errOut, "wrong user name or password") || strings.Count(errOut, "\n") != 1 {
			t.Fatalf("wrong password %d: exit %d, %q; want one line", i, code, errOut)
		}
	}
	t.Setenv(passwordEnv, sqlstoretest.Password)
	code, _, errOut := cascade(t, "summary", "--db", db, "--user", "lead")
	// The wait is 30 s from the last failure, so a second or two may have passed.
	if code != 1 || !regexp.MustCompile(`too many failed sign-ins for lead; try again in (2\d|30)s\n$`).MatchString(errOut) {
		t.Errorf("sixth attempt with the right password: exit %d, %q; want about a 30 s wait", code, errOut)
	}
	if code, out, _ := cascade(t, "summary", "--db", db, "--user", "assessor"); code != 0 || !strings.Contains(out, "cohorts") {
		t.Errorf("another user is not held up: exit %d, %q", code, out)
	}
}

// TestUserWithoutAPasswordOffATerminal: with no CASCADE_PASSWORD and no
// terminal to ask on, --user says what to do instead of hanging.
func TestUserWithoutAPasswordOffATerminal(t *testing.T) {
	db := demoCopy(t)
	t.Setenv(passwordEnv, "")
	os.Unsetenv(passwordEnv) // t.Setenv puts it back afterwards
	code, _, errOut := cascade(t, "summary", "--db", db, "--user", "lead")
	if code != 1 || !strings.Contains(errOut, "set "+passwordEnv+" or run on a terminal") {
		t.Errorf("no password and no terminal: exit %d, %q", code, errOut)
	}
}
