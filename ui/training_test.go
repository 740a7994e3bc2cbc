package ui

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

func TestTakeARegister(t *testing.T) {
	st := peopleDemoCopy(t)
	e, w, q := testEnv(t, st)
	e.user = uiUser(t, st, "trainer-in-test", model.RoleLead)
	s := newTrainingScreen(e).(*trainingScreen)
	w.SetContent(s.content())
	waitFor(t, q, "the courses", func() bool { return len(s.overview.Courses) > 0 })
	if len(s.missed) == 0 || len(s.grid.Rows) == 0 || len(s.overview.Modules) == 0 {
		t.Errorf("missed %d, completion rows %d, modules %d; want all shown", len(s.missed), len(s.grid.Rows), len(s.overview.Modules))
	}
	// The last main course has sessions with no register yet.
	row := -1
	for i, c := range s.overview.Courses {
		if c.Kind == model.CourseMain {
			row = i
		}
	}
	s.courseTable.Select(widget.TableCellID{Row: row})
	waitFor(t, q, "the sessions", func() bool { return len(s.sessions) > 0 })
	session := -1
	for i, x := range s.sessions {
		if !x.Recorded() {
			session = i
			break
		}
	}
	if session < 0 {
		t.Fatal("no session without a register in the last main course")
	}
	s.sessionTable.Select(widget.TableCellID{Row: session})
	waitFor(t, q, "the register", func() bool { return len(s.marks) > 0 && s.reg.Session.ID == s.sessions[session].ID })
	n := len(s.marks)
	test.Tap(s.allPresent)
	// Untick the first person, as a trainer would for someone absent.
	var first *widget.Check
	walk(s.register, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && first == nil && c.Text == s.reg.Lines[0].Name {
			first = c
		}
	})
	if first == nil || !first.Checked {
		t.Fatalf("the register's first line is not shown ticked after All present")
	}
	test.Tap(first)
	if !strings.HasPrefix(s.regStatus.Text, strconv.Itoa(n-1)+" of "+strconv.Itoa(n)) {
		t.Errorf("register status reads %q after unticking one of %d", s.regStatus.Text, n)
	}
	test.Tap(s.saveReg)
	waitFor(t, q, "the saved register", func() bool { return strings.Contains(s.regStatus.Text, "saved before") })

	back, err := st.Register(context.Background(), s.reg.Session.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range back.Lines {
		if !l.Recorded || l.Present != (i != 0) || l.RecordedBy != "trainer-in-test" {
			t.Errorf("line %d %s: recorded %v, present %v, by %q", i, l.Name, l.Recorded, l.Present, l.RecordedBy)
		}
	}
	if back.Session.Present != n-1 || back.Session.Absent != 1 {
		t.Errorf("saved register: %d present, %d absent; want %d and 1", back.Session.Present, back.Session.Absent, n-1)
	}
	waitFor(t, q, "the session row to show the register", func() bool {
		return sessionCell(s.sessions[session], 2) == strconv.Itoa(n-1)+" present, 1 absent"
	})
}
