package model

import (
	"errors"
	"testing"
)

func TestValidateEmail(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"ann@example.org", true},
		{"zoë.o'neill@example.org.uk", true},
		{"", false},
		{"ann", false},
		{"ann@", false},
		{"ann@example", false},
		{"Ann <ann@example.org>", false},
		{"ann@@example.org", false},
		{"ann example@example.org", false},
	}
	for _, c := range cases {
		if err := ValidateEmail(c.in); (err == nil) != c.ok {
			t.Errorf("ValidateEmail(%q) = %v; want ok=%v", c.in, err, c.ok)
		}
	}
}

func TestOrganiserValidate(t *testing.T) {
	good := Organiser{GivenName: "Zoë", FamilyName: "Ó Súilleabháin", Email: "zoe@example.org", Role: RoleVolunteer,
		StartsOn: "2013-01-14"}
	cases := []struct {
		name  string
		edit  func(*Organiser)
		field string
	}{
		{"good", func(*Organiser) {}, ""},
		{"no given name", func(o *Organiser) { o.GivenName = "  " }, "given name"},
		{"no family name", func(o *Organiser) { o.FamilyName = "" }, "family name"},
		{"bad email", func(o *Organiser) { o.Email = "zoe.example.org" }, "email"},
		{"bad role", func(o *Organiser) { o.Role = "trainer" }, "role"},
		{"bad status", func(o *Organiser) { o.Status = "lapsed" }, "status"},
		{"bad date", func(o *Organiser) { o.StartsOn = "14/01/2013" }, "start date"},
		{"impossible date", func(o *Organiser) { o.StartsOn = "2013-02-30" }, "start date"},
		{"ends before start", func(o *Organiser) { o.EndsOn = "2012-12-31" }, "end date"},
		{"senior supported", func(o *Organiser) { o.Role = RoleSenior; o.SupportedByID = 3 }, "supported by"},
		{"withdrawn without date", func(o *Organiser) { o.Status = StatusWithdrawn }, "withdrawn date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := good
			c.edit(&o)
			err := o.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v; want a field error on %s", err, c.field)
			}
		})
	}
}
