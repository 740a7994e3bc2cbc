package model

import (
	"errors"
	"testing"
)

func TestModuleRuleMet(t *testing.T) {
	present := func(on string) SessionMark { return SessionMark{HeldOn: on, Recorded: true, Present: true} }
	absent := func(on string) SessionMark { return SessionMark{HeldOn: on, Recorded: true} }
	unmarked := func(on string) SessionMark { return SessionMark{HeldOn: on} }
	cases := []struct {
		name   string
		rule   string
		marks  []SessionMark
		met    bool
		wantOn string
	}{
		{"every: all present", RuleEverySession, []SessionMark{present("2015-03-01"), present("2015-04-12")}, true, "2015-04-12"},
		{"every: the default rule", "", []SessionMark{present("2015-04-12"), present("2015-03-01")}, true, "2015-04-12"},
		{"every: one absent", RuleEverySession, []SessionMark{present("2015-03-01"), absent("2015-04-12")}, false, ""},
		{"every: last register not yet taken", RuleEverySession, []SessionMark{present("2015-03-01"), unmarked("2015-04-12")}, false, ""},
		{"every: no sessions", RuleEverySession, nil, false, ""},
		{"any: one present", RuleAnySession, []SessionMark{absent("2015-03-01"), present("2015-04-12"), present("2015-05-01")}, true, "2015-04-12"},
		{"any: none present", RuleAnySession, []SessionMark{absent("2015-03-01"), unmarked("2015-04-12")}, false, ""},
		{"by lead: all present is not enough", RuleByLead, []SessionMark{present("2015-03-01")}, false, ""},
		{"an unknown rule completes nothing", "half_the_sessions", []SessionMark{present("2015-03-01")}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			met, on := ModuleRuleMet(c.rule, c.marks)
			if met != c.met || on != c.wantOn {
				t.Errorf("ModuleRuleMet(%q, %v) = %v, %q; want %v, %q", c.rule, c.marks, met, on, c.met, c.wantOn)
			}
		})
	}
}

func TestManualCompletionValidate(t *testing.T) {
	ok := ManualCompletion{OrganiserID: 1, ModuleID: 2, CompletedOn: "2015-03-01", Reason: "  caught up with the trainer "}
	if err := ok.Validate(); err != nil || ok.Reason != "caught up with the trainer" {
		t.Fatalf("Validate(%+v) = %v; want nil and a trimmed reason", ok, err)
	}
	long := make([]rune, maxReasonLetters+1)
	for i := range long {
		long[i] = 'ŵ'
	}
	for _, c := range []struct {
		m     ManualCompletion
		field string
	}{
		{ManualCompletion{ModuleID: 2, CompletedOn: "2015-03-01", Reason: "x"}, "organiser"},
		{ManualCompletion{OrganiserID: 1, CompletedOn: "2015-03-01", Reason: "x"}, "module"},
		{ManualCompletion{OrganiserID: 1, ModuleID: 2, Reason: "x"}, "completed on"},
		{ManualCompletion{OrganiserID: 1, ModuleID: 2, CompletedOn: "1/3/2015", Reason: "x"}, "completed on"},
		{ManualCompletion{OrganiserID: 1, ModuleID: 2, CompletedOn: "2015-03-01", Reason: "   "}, "reason"},
		{ManualCompletion{OrganiserID: 1, ModuleID: 2, CompletedOn: "2015-03-01", Reason: string(long)}, "reason"},
	} {
		var fe *FieldError
		if err := c.m.Validate(); !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(%+v) = %v; want a field error on %s", c.m, err, c.field)
		}
	}
}

func TestNewCourseValidate(t *testing.T) {
	c := NewCourse{Kind: CourseMain, ModuleID: 3, StartsOn: "2015-03-01", EndsOn: "2015-04-30", Venue: " Trafford Hall ",
		SessionDates: []string{"2015-04-12", " 2015-03-01"}}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", c, err)
	}
	if c.Venue != "Trafford Hall" || c.SessionDates[0] != "2015-03-01" || c.SessionDates[1] != "2015-04-12" {
		t.Errorf("Validate left venue %q, sessions %v; want trimmed and in date order", c.Venue, c.SessionDates)
	}
	one := NewCourse{Kind: CourseInduction, Title: "Induction", StartsOn: "2015-03-01"}
	if err := one.Validate(); err != nil || one.EndsOn != "2015-03-01" {
		t.Errorf("a one-day course: %v, ends %q; want it to end the day it starts", err, one.EndsOn)
	}
	for _, bad := range []struct {
		c     NewCourse
		field string
	}{
		{NewCourse{Title: "x", StartsOn: "2015-03-01"}, "kind"},
		{NewCourse{Kind: "weekend", Title: "x", StartsOn: "2015-03-01"}, "kind"},
		{NewCourse{Kind: CourseMain, StartsOn: "2015-03-01"}, "title"},
		{NewCourse{Kind: CourseMain, Title: "x"}, "starts"},
		{NewCourse{Kind: CourseMain, Title: "x", StartsOn: "2015-02-30"}, "starts"},
		{NewCourse{Kind: CourseMain, Title: "x", StartsOn: "2015-03-01", EndsOn: "2015-02-28"}, "ends"},
		{NewCourse{Kind: CourseMain, Title: "x", StartsOn: "2015-03-01", EndsOn: "2015-03-31", SessionDates: []string{"2015-04-01"}}, "session 1"},
		{NewCourse{Kind: CourseMain, Title: "x", StartsOn: "2015-03-01", EndsOn: "2015-03-31", SessionDates: []string{"2015-03-02", "2015-03-02"}}, "session 2"},
		{NewCourse{Kind: CourseMain, Title: "x", StartsOn: "2015-03-01", EndsOn: "2015-03-31", SessionDates: []string{""}}, "session 1"},
	} {
		var fe *FieldError
		if err := bad.c.Validate(); !errors.As(err, &fe) || fe.Field != bad.field {
			t.Errorf("Validate(%+v) = %v; want a field error on %s", bad.c, err, bad.field)
		}
	}
}
