package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model"
)

func TestSaveSettingsRefusesHostileText(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	before, err := s.AllSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []map[string]string{
		{"centre.name": "Trafford Hall\x1b[2J"},
		{"centre.name": "Trafford Hall", "signatory1.name": "Jess\u202e"},
		{"centre.address": strings.Repeat("a", 100_000)},
		{"bad key\n": "x"},
	} {
		err := s.SaveSettings(ctx, model.LocalUser(), v)
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("SaveSettings(%.60q) = %v; want refused", v, err)
		}
	}
	after, err := s.AllSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("settings after refused saves = %q; want %q unchanged", after, before)
	}
	if err := s.SaveSettings(ctx, model.LocalUser(), map[string]string{"centre.name": "Canolfan Siân, Llŷr"}); err != nil {
		t.Errorf("SaveSettings(Welsh) = %v; want nil", err)
	}
}

// TestImportRefusesHostileCells imports CSV files carrying hostile cells and
// expects FILE:ROW: column: reason for each.
func TestImportRefusesHostileCells(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		kind, name, body string
		want             []string
	}{
		{model.KindOrganisers, "organisers.csv", "given_name,family_name,email,role,host,cohort,start_date,supported_by\n" +
			"Zoë\x1b[2J,Hart,new1@example.org,senior,,,,\n" +
			"Ana,\u202eamiL,new2@example.org,senior,,,,\n" +
			"\u200d,Lima,new3@example.org,senior,,,,\n" +
			"Bea,Lima,new4\u2066@example.org,senior,,,,\n",
			[]string{
				":2: given_name: contains a control character (U+001B) at position 4",
				":3: family_name: contains a bidirectional control character, which can reorder the text (U+202E) at position 1",
				":4: given_name: has no visible character",
				`:5: email: "new4\u2066@example.org" contains a bidirectional control character, which can reorder the text (U+2066) at position 5`,
			}},
		{model.KindHosts, "hosts.csv", "name,region,setting,kickstarter,partner,cohort\n" +
			"New Trust,North\u202eWest,urban,no,,\n" +
			"Other Trust,Wales,rural,no,Locality\x7f,\n" +
			"\"Multi\nLine Trust\",Wales,rural,no,,\n",
			[]string{
				":2: region: contains a bidirectional control character, which can reorder the text (U+202E) at position 6",
				":3: partner: contains a control character (U+007F) at position 9",
				":4: name: contains a line break (U+000A) at position 6",
			}},
		{model.KindTrainers, "trainers.csv", "given_name,family_name,email,organisation,trained_by,trained_on,status\n" +
			"Cy,Lima,cy@example.org," + strings.Repeat("o", 201) + ",,2011-05-01,active\n",
			[]string{":2: organisation: is 201 characters long; at most 200"}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := s.Import(ctx, model.LocalUser(), c.kind, path, model.ImportOptions{})
			got := problemLines(err)
			for i := range c.want {
				c.want[i] = path + c.want[i]
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("Import(%s) problems:\n%s\nwant:\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestDemoPeoplePassTheChecks reads every person, host and user the demo
// wrote straight through SQL and applies the rules the forms apply.
func TestDemoPeoplePassTheChecks(t *testing.T) {
	s, _ := demoDB(t)
	rows, err := s.db.Query(`SELECT given_name, family_name, email, coalesce(phone, '') FROM people`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var given, family, email, phone string
		if err := rows.Scan(&given, &family, &email, &phone); err != nil {
			t.Fatal(err)
		}
		n++
		for _, e := range []error{model.ValidateName(given), model.ValidateName(family), model.CheckEmail(email), model.TextCode.Check("phone", phone)} {
			if e != nil {
				t.Errorf("demo person %q %q <%s>: %v", given, family, email, e)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("read %d demo people; want the whole demo", n)
	}
	hosts, err := s.db.Query(`SELECT name, region, setting, coalesce(partner, '') FROM hosts`)
	if err != nil {
		t.Fatal(err)
	}
	defer hosts.Close()
	for hosts.Next() {
		var h model.Host
		if err := hosts.Scan(&h.Name, &h.Region, &h.Setting, &h.Partner); err != nil {
			t.Fatal(err)
		}
		if err := h.Validate(); err != nil {
			t.Errorf("demo host %q: %v", h.Name, err)
		}
	}
	users, err := s.db.Query(`SELECT username, display_name FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer users.Close()
	for users.Next() {
		var u, d string
		if err := users.Scan(&u, &d); err != nil {
			t.Fatal(err)
		}
		if err := (model.NewUser{Username: u, DisplayName: d, Role: model.RoleAdmin, Password: "password1"}).Validate(); err != nil {
			t.Errorf("demo user %q: %v", u, err)
		}
	}
	c, err := s.LoadCatalogue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(nil); err != nil {
		t.Errorf("demo catalogue: %v", err)
	}
}

// TestStoreRefusesHostileReasons: the reasons typed into the withdraw,
// revoke and erase dialogs are refused before anything is looked up.
func TestStoreRefusesHostileReasons(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	_, werr := s.WithdrawOrganiser(ctx, model.LocalUser(), 1, "2013-01-14", "moved away\x1b[1A")
	_, eerr := s.ErasePerson(ctx, model.LocalUser(), "zoe@example.org", "asked\u202e")
	for name, err := range map[string]error{
		"WithdrawOrganiser": werr,
		"Revoke":            s.Revoke(ctx, model.LocalUser(), "C-2013-00001", strings.Repeat("r", 501)),
		"ErasePerson":       eerr,
	} {
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != "reason" || !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s with a hostile reason = %v; want a field error on reason", name, err)
		}
	}
}
