package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cascade/model/sqlstore"
)

// TestDemoPasswordIsTheREADMEs: `cascade demo` as the README documents it
// (no --password) prints the password the README gives, and every demo user
// signs in with it.
func TestDemoPasswordIsTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("all with the password `([^`]+)`").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md no longer says which password the demo users have")
	}
	pw := string(m[1])
	row := regexp.MustCompile("(?m)^\\| `cascade demo [^`]*` \\|[^\\n]*$").Find(readme)
	if row == nil || !strings.Contains(string(row), "`"+pw+"`") {
		t.Errorf("the README's demo command row %q does not give the password %q", row, pw)
	}

	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errOut := cascade(t, "demo", "--db", db, "--quiet")
	if code != 0 {
		t.Fatalf("cascade demo --db FILE exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, "password: "+pw+" ") {
		t.Errorf("cascade demo printed:\n%s\nwant the README's password %q", out, pw)
	}
	st, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, err := st.Users(context.Background())
	if err != nil || len(users) == 0 {
		t.Fatalf("demo users: %v, %v", users, err)
	}
	for _, u := range users {
		if _, err := st.SignIn(context.Background(), u.Username, pw); err != nil {
			t.Errorf("%s cannot sign in with the README's password: %v", u.Username, err)
		}
	}
	if _, err := st.SignIn(context.Background(), users[0].Username, pw+"x"); err == nil {
		t.Error("a wrong password signs in too")
	}
}
