package model

import "testing"

func TestAuditSentence(t *testing.T) {
	cases := []struct {
		name string
		e    AuditEntry
		n    AuditNames
		want string
	}{
		{"a command-line user, an id no longer named and a field cleared",
			AuditEntry{Actor: "os:root", Action: "update", Entity: "organiser", EntityID: "7", Before: `{"HostID":3}`, After: `{"HostID":0}`},
			AuditNames{}, "root (command line) changed organiser 7's host from host 3 to none"},
		{"withdrawal with its reason",
			AuditEntry{Actor: "lead", Action: "withdraw", Entity: "organiser", EntityID: "7", Before: `{"Status":"active"}`,
				After: `{"Status":"withdrawn","WithdrawnReason":"moved away"}`},
			AuditNames{Actor: "Gareth Llewelyn", Subject: "Zoë Ó Súilleabháin"}, "Gareth Llewelyn withdrew Zoë Ó Súilleabháin: moved away"},
		{"a whole record kept before: only what the after holds changed",
			AuditEntry{Actor: "admin", Action: "update", Entity: "user", EntityID: "4",
				Before: `{"username":"ann","role":"assessor","disabled_at":""}`, After: `{"role":"moderator"}`},
			AuditNames{Actor: "Hannah Whitfield", Subject: "Ann Other"}, "Hannah Whitfield changed Ann Other's role from assessor to moderator"},
		{"an action the sentences do not know yet, and text that is not JSON",
			AuditEntry{Actor: "admin", Action: "rebuild_index", Entity: "search_index", Before: "not json", After: "[1,2]"},
			AuditNames{}, "admin rebuild index search index"},
		{"a field set for the first time, a flag and a date",
			AuditEntry{Actor: "admin", Action: "update", Entity: "host", EntityID: "2", Before: `{}`, After: `{"Kickstarter":true,"HostInductionOn":"2012-10-01"}`},
			AuditNames{Subject: "Oldham Unity"}, "admin changed Oldham Unity's host induction date to 1 Oct 2012 and kickstarter to yes"},
		{"sign in", AuditEntry{Actor: "assessor", Action: "sign_in", Entity: "user"}, AuditNames{Actor: "Priya Shah"}, "Priya Shah signed in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AuditSentence(c.e, c.n); got != c.want {
				t.Errorf("AuditSentence = %q; want %q", got, c.want)
			}
		})
	}
}

func TestAuditSentenceOfTheProgramme(t *testing.T) {
	e := AuditEntry{Actor: "os:root", Action: "demo", Entity: "programme", EntityID: "1"}
	if got, want := AuditSentence(e, AuditNames{}), "root (command line) built the demo programme"; got != want {
		t.Errorf("AuditSentence = %q; want %q", got, want)
	}
}
