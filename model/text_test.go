package model

import (
	"errors"
	"strings"
	"testing"
)

// realNames are names people on the programme carry; every check must take them.
var realNames = []string{
	"Zoë", "Zoe\u0308", "Łukasz", "Ó Súilleabháin", "Σοφία", "Дмитрий", "Nguyễn Thị Minh Khai",
	"O'Neill", "D’Arcy", "Jean-Luc", "Smith-Ó Dónaill", "Siân", "Llŷr", "Ffion ap Dafydd",
	"محمد الحسن", "דָּוִד כֹּהֵן", "نازنین\u200cزهرا", "अंजलि शर्मा", "Thị Ngọc Ánh", "Ngũgĩ wa Thiong'o",
	"José María", "Bjørn", "Ægir", "Kateřina Nováková", "李小龙", "Mary Jane", " Siobhán ",
}

func TestCheckTextTakesRealNames(t *testing.T) {
	for _, n := range realNames {
		if err := TextName.Check("given name", n); err != nil {
			t.Errorf("TextName.Check(%q) = %v; want nil", n, err)
		}
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v; want nil", n, err)
		}
	}
	for _, e := range []string{"zoe@example.org", "łukasz@example.pl", "a.b+c@sub.example.co.uk"} {
		if err := ValidateEmail(e); err != nil {
			t.Errorf("ValidateEmail(%q) = %v; want nil", e, err)
		}
	}
	notes := "Met with residents.\n\tThree themes:\n- housing\n- buses"
	if err := TextNotes.Check("feedback", notes); err != nil {
		t.Errorf("TextNotes.Check(multi-line) = %v; want nil", err)
	}
}

func TestCheckTextRefuses(t *testing.T) {
	cases := []struct {
		name  string
		kind  TextKind
		value string
		want  string
	}{
		{"escape", TextName, "Zoë\x1b[2J", "given name: contains a control character (U+001B) at position 4"},
		{"NUL", TextName, "Zo\x00e", "given name: contains a control character (U+0000) at position 3"},
		{"DEL", TextName, "Zoe\x7f", "given name: contains a control character (U+007F) at position 4"},
		{"C1 CSI", TextName, "Zoe\u009b31m", "given name: contains a control character (U+009B) at position 4"},
		{"right-to-left override", TextName, "Zoe\u202eevil", "given name: contains a bidirectional control character, which can reorder the text (U+202E) at position 4"},
		{"isolate", TextName, "\u2066Zoe", "given name: contains a bidirectional control character, which can reorder the text (U+2066) at position 1"},
		{"right-to-left mark", TextName, "Zoe\u200f", "given name: contains a bidirectional control character, which can reorder the text (U+200F) at position 4"},
		{"Arabic letter mark", TextName, "محمد\u061c", "given name: contains a bidirectional control character, which can reorder the text (U+061C) at position 5"},
		{"byte order mark", TextName, "\ufeffZoe", "given name: contains an invisible format character (U+FEFF) at position 1"},
		{"zero-width space", TextName, "Zo\u200be", "given name: contains an invisible format character (U+200B) at position 3"},
		{"line separator", TextName, "Zoe\u2028Hart", "given name: contains a line or paragraph separator (U+2028) at position 4"},
		{"newline in one line", TextName, "Zoe\nHart", "given name: contains a line break (U+000A) at position 4"},
		{"tab in one line", TextName, "Zoe\tHart", "given name: contains a tab (U+0009) at position 4"},
		{"carriage return in notes", TextNotes, "line\r\nline", "given name: contains a control character (U+000D) at position 5"},
		{"too long", TextName, strings.Repeat("a", 101), "given name: is 101 characters long; at most 100"},
		{"invalid UTF-8", TextName, "Zo\xffe", "given name: is not valid UTF-8 text (byte 3)"},
		// Adversarial cases of our own.
		{"zero-width joiner only", TextName, "\u200d\u200d", "given name: has no visible character"},
		{"combining marks only", TextName, "\u0301\u0301", "given name: has no visible character"},
		{"Hangul filler", TextName, "\u3164", "given name: contains an invisible filler character (U+3164) at position 1"},
		{"Zalgo", TextTitle, "Z" + strings.Repeat("\u0336", 9), "given name: has more than 8 combining marks on one character at position 10"},
		{"10,000 combining marks", TextTitle, "a" + strings.Repeat("\u0301", 10000), "given name: is 10001 characters long; at most 300"},
		{"tag characters", TextName, "Zoe\U000E0041", "given name: contains an invisible format character (U+E0041) at position 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.kind.Check("given name", c.value)
			if err == nil || err.Error() != c.want || !errors.Is(err, ErrInvalid) {
				t.Errorf("Check(%q) = %v; want %s", c.value, err, c.want)
			}
		})
	}
}

// TestValidatorsRefuseHostileText runs one hostile value through each
// domain Validate and expects the field named.
func TestValidatorsRefuseHostileText(t *testing.T) {
	const esc, rlo = "\x1b[31m", "\u202e"
	million := strings.Repeat("x", 1_000_000)
	org := func(edit func(*Organiser)) error {
		o := Organiser{GivenName: "Zoë", FamilyName: "Hart", Email: "zoe@example.org", Role: RoleVolunteer}
		edit(&o)
		return o.Validate()
	}
	trainer := func(edit func(*TrainerInput)) error {
		in := TrainerInput{GivenName: "Ana", FamilyName: "Lima", Email: "ana@example.org", Status: "active"}
		edit(&in)
		return in.Validate()
	}
	host := func(edit func(*Host)) error {
		h := Host{Name: "Keystone Trust", Region: "North West"}
		edit(&h)
		return h.Validate()
	}
	session := func(edit func(*Session)) error {
		x := Session{CourseID: 1, HeldOn: "2013-01-14", Title: "Listening"}
		edit(&x)
		return x.Validate()
	}
	evidence := func(edit func(*EvidenceItem)) error {
		e := EvidenceItem{Kind: EvidenceKinds[0], Title: "Notes", EvidenceOn: "2013-01-14", CriterionIDs: []int64{1}}
		if e.Kind == "listening_log" {
			e.ListeningCount = 1
		}
		edit(&e)
		return e.Validate()
	}
	user := func(edit func(*NewUser)) error {
		n := NewUser{"ada", "Ada Admin", RoleAdmin, "password1"}
		edit(&n)
		return n.Validate()
	}
	cases := []struct {
		name, field string
		err         error
	}{
		{"organiser given name", "given name", org(func(o *Organiser) { o.GivenName = "Zo" + esc })},
		{"organiser family name", "family name", org(func(o *Organiser) { o.FamilyName = rlo + "traH" })},
		{"organiser email", "email", org(func(o *Organiser) { o.Email = "zoe" + rlo + "@example.org" })},
		{"organiser email too long", "email", org(func(o *Organiser) { o.Email = strings.Repeat("z", 250) + "@example.org" })},
		{"organiser withdrawn reason", "withdrawn reason", org(func(o *Organiser) { o.WithdrawnReason = "moved" + esc })},
		{"name of only spaces", "given name", org(func(o *Organiser) { o.GivenName = "   " })},
		{"trainer organisation", "organisation", trainer(func(in *TrainerInput) { in.Organisation = "Locality" + esc })},
		{"trainer phone", "phone", trainer(func(in *TrainerInput) { in.Phone = "0161\u202e" })},
		{"trainer name", "family name", trainer(func(in *TrainerInput) { in.FamilyName = "\u200d" })},
		{"host name", "name", host(func(h *Host) { h.Name = "Trust" + rlo })},
		{"host region", "region", host(func(h *Host) { h.Region = "North\nWest" })},
		{"host partner", "partner", host(func(h *Host) { h.Partner = million })},
		{"session title", "title", session(func(x *Session) { x.Title = million })},
		{"session venue", "venue", session(func(x *Session) { x.Venue = "Hall" + esc })},
		{"evidence title", "title", evidence(func(e *EvidenceItem) { e.Title = million })},
		{"evidence description", "description", evidence(func(e *EvidenceItem) { e.Description = "ok\x07" })},
		{"decision feedback", "feedback", DecisionDraft{DecidedOn: "2013-01-14", Feedback: "good\x1b"}.Validate(nil)},
		{"user name", "user name", user(func(n *NewUser) { n.Username = "ada" + rlo })},
		{"display name", "display name", user(func(n *NewUser) { n.DisplayName = "Ada\x1b]0;pwned\x07" })},
		{"password too long", "password", user(func(n *NewUser) { n.Password = million })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var fe *FieldError
			if !errors.As(c.err, &fe) || fe.Field != c.field || !errors.Is(c.err, ErrInvalid) {
				t.Errorf("Validate = %v; want a field error on %s", c.err, c.field)
			}
		})
	}
}
