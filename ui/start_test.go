package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/model/sqlstore"
)

func TestFirstRunStartsAnEmptyProgramme(t *testing.T) {
	e, w, q := testEnv(t, nil)
	path := filepath.Join(t.TempDir(), "new.db")
	var opened *sqlstore.Store
	e.src = sqlstore.FileSource{Path: path, Opened: func(s *sqlstore.Store) { opened = s }}
	start(e)
	if !strings.Contains(shownText(w.Content()), "Welcome to Cascade") {
		t.Fatalf("first run shows %q; want the welcome", shownText(w.Content()))
	}
	test.Tap(findButton(w.Content(), "Start an empty programme"))
	// Nobody can sign in to a new programme: its first user is made its administrator.
	waitFor(t, q, "the first-administrator form", func() bool { return findButton(w.Content(), "Create and sign in") != nil })
	entries := findAll[*widget.Entry](w.Content())
	test.Type(entries[0], "hannah")
	test.Type(entries[1], "Hannah Whitfield")
	test.Type(entries[2], "a long password")
	test.Tap(findButton(w.Content(), "Create and sign in"))
	waitFor(t, q, "the dashboard", func() bool {
		return strings.Contains(shownText(w.Content()), "Senior organisers (not withdrawn): 0 of 500")
	})
	if opened == nil {
		t.Fatal("onOpen was not called with the new store")
	}
	opened.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the empty programme was not created: %v", err)
	}
}

// TestWelcomeBuildsTheDemo builds the demo from the welcome screen: the
// sign-in form names the README's password, and it signs in.
func TestWelcomeBuildsTheDemo(t *testing.T) {
	e, w, q := testEnv(t, nil)
	path := filepath.Join(t.TempDir(), "demo.db")
	var opened *sqlstore.Store
	e.src = sqlstore.FileSource{Path: path, Opened: func(s *sqlstore.Store) { opened = s }}
	start(e)
	test.Tap(findButton(w.Content(), "Build the demo programme"))
	// Building takes a second or two, far longer under the race detector.
	deadline := time.Now().Add(2 * time.Minute)
	for findButton(w.Content(), "Sign in") == nil && time.Now().Before(deadline) {
		q.drain()
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(shownText(w.Content()), "Password: "+sqlstore.DemoPassword) {
		t.Fatalf("the sign-in form shows %q; want the demo password %q", shownText(w.Content()), sqlstore.DemoPassword)
	}
	t.Cleanup(func() {
		if opened != nil {
			opened.Close()
		}
	})
	entries := findAll[*widget.Entry](w.Content())
	test.Type(entries[0], "lead")
	test.Type(entries[1], sqlstore.DemoPassword)
	test.Tap(findButton(w.Content(), "Sign in"))
	waitFor(t, q, "the demo's dashboard", func() bool {
		return strings.Contains(shownText(w.Content()), "Senior organisers (not withdrawn):")
	})
}

func TestOpenErrorIsExplained(t *testing.T) {
	e, w, q := testEnv(t, nil)
	path := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(path, []byte("not a database, just some notes"), 0o600)
	e.src = sqlstore.FileSource{Path: path, Opened: func(*sqlstore.Store) { t.Error("opened a file that is not SQLite") }}
	start(e)
	waitFor(t, q, "the explanation", func() bool {
		return strings.Contains(shownText(w.Content()), "not a SQLite database")
	})
}

func TestDashboardShowsTheDemoProgramme(t *testing.T) {
	s := openDemo(t)
	e, w, q := testEnv(t, s)
	w.SetContent(newShell(e))
	d, err := s.Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Seniors < 450 || d.Volunteers < 4000 {
		t.Fatalf("demo dashboard has %d seniors, %d volunteers; want about 500 and 4,500", d.Seniors, d.Volunteers)
	}
	seniors := fmt.Sprintf("Senior organisers (not withdrawn): %s of 500", num(d.Seniors))
	waitFor(t, q, "the demo's numbers", func() bool {
		return strings.Contains(shownText(w.Content()), seniors)
	})
	text := shownText(w.Content())
	for _, want := range []string{fmt.Sprintf("Volunteer organisers (not withdrawn): %s of 4,500", num(d.Volunteers)),
		fmt.Sprintf("%s items awaiting a decision", num(d.EvidenceAwaiting)), "trainers over"} {
		if !strings.Contains(text, want) {
			t.Errorf("dashboard shows %q; want %q", text, want)
		}
	}
}

// signInAs types a user name and password into the sign-in form and waits
// for the window to show the programme.
func signInAs(t *testing.T, w fyne.Window, q uiQueue, name, password string) {
	t.Helper()
	waitFor(t, q, "the sign-in form", func() bool { return findButton(w.Content(), "Sign in") != nil })
	entries := findAll[*widget.Entry](w.Content())
	test.Type(entries[0], name)
	test.Type(entries[1], password)
	test.Tap(findButton(w.Content(), "Sign in"))
	waitFor(t, q, "the programme after signing in as "+name, func() bool { return findButton(w.Content(), "Sign out") != nil })
}

// TestSignOutKeepsNothing: Sign out returns to the sign-in screen; the next
// user gets fresh screens, none of the previous user's.
func TestSignOutKeepsNothing(t *testing.T) {
	path := copyOfDemo(t)
	e, w, q := testEnv(t, nil)
	e.user = model.User{}
	var opened *sqlstore.Store
	e.src = sqlstore.FileSource{Path: path, Opened: func(s *sqlstore.Store) { opened = s }}
	start(e)
	t.Cleanup(func() {
		if opened != nil {
			opened.Close()
		}
	})
	signInAs(t, w, q, "lead", "pw-for-tests")
	if !strings.Contains(shownText(w.Content()), "training lead") {
		t.Fatalf("signed in as lead, the window shows %q", shownText(w.Content()))
	}
	test.Tap(findButton(w.Content(), "Sign out"))
	waitFor(t, q, "the sign-in form", func() bool { return findButton(w.Content(), "Sign in") != nil })
	if findButton(w.Content(), "Sign in") == nil || strings.Contains(shownText(w.Content()), "training lead") {
		t.Fatalf("after signing out the window shows %q; want only the sign-in form", shownText(w.Content()))
	}
	if e.user.ID != 0 {
		t.Errorf("after signing out the window still acts as %q", e.user.Username)
	}
	signInAs(t, w, q, "moderator", "pw-for-tests")
	text := shownText(w.Content())
	if !strings.Contains(text, "external moderator") || strings.Contains(text, "training lead") {
		t.Errorf("signed in as moderator, the window shows %q", text)
	}
	if e.user.Role != model.RoleModerator {
		t.Errorf("the window acts as %+v; want the moderator", e.user)
	}
}
