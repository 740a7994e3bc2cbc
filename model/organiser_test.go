package model

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// freshDemo builds a demo programme of its own for a test that changes it.
func freshDemo(t testing.TB) *Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: 1, Password: "pw"}); err != nil {
		t.Fatalf("Demo: %v", err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

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

func TestOrganiserRowsMatchTheDatabase(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM organisers`); len(rows) != n || n < 4500 {
		t.Fatalf("OrganiserRows = %d rows; want %d (about 5,000)", len(rows), n)
	}
	flagSQL := map[string]string{
		FlagNoHost:   `SELECT count(*) FROM organisers WHERE host_id IS NULL`,
		FlagNoCohort: `SELECT count(*) FROM organisers WHERE cohort_id IS NULL`,
		FlagNoSenior: `SELECT count(*) FROM organisers WHERE role = 'volunteer' AND supported_by_id IS NULL`,
		FlagSupportingNobody: `SELECT count(*) FROM organisers o WHERE role = 'senior' AND status <> 'withdrawn'
            AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id AND v.status <> 'withdrawn')`,
	}
	for flag, q := range flagSQL {
		got := len(FilterOrganisers(rows, OrganiserFilter{Flag: flag}))
		if want := count(t, s, q); got != want {
			t.Errorf("flag %q matches %d; SQL counts %d", flag, got, want)
		}
	}
	// The demo plants flags on purpose: each kind must show up.
	for _, flag := range []string{FlagNoHost, FlagNoCohort, FlagSupportingNobody} {
		if len(FilterOrganisers(rows, OrganiserFilter{Flag: flag})) == 0 {
			t.Errorf("no organiser flagged %q; the demo plants some", flag)
		}
	}
	any := len(FilterOrganisers(rows, OrganiserFilter{Flag: FlagAny}))
	if any == 0 || any == len(rows) {
		t.Errorf("flag any matches %d of %d", any, len(rows))
	}
}

func TestFilterOrganisers(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Search by a family name narrows to people with it in name, email or host.
	family := rows[len(rows)/2].FamilyName
	got := FilterOrganisers(rows, OrganiserFilter{Text: strings.ToUpper(family)})
	if len(got) == 0 || len(got) >= len(rows) {
		t.Fatalf("search %q found %d of %d", family, len(got), len(rows))
	}
	for _, r := range got {
		hay := strings.ToLower(r.Name() + r.Email + r.HostName)
		if !strings.Contains(hay, strings.ToLower(family)) {
			t.Errorf("search %q found %s <%s> at %s", family, r.Name(), r.Email, r.HostName)
		}
	}
	// A filter combination agrees with the same question asked in SQL.
	var cohortID int64
	if err := s.db.QueryRow(`SELECT id FROM cohorts WHERE number = 2`).Scan(&cohortID); err != nil {
		t.Fatal(err)
	}
	f := OrganiserFilter{CohortID: cohortID, Role: RoleVolunteer, Status: StatusActive}
	want := count(t, s, `SELECT count(*) FROM organisers WHERE cohort_id = $1 AND role = 'volunteer' AND status = 'active'`, cohortID)
	if got := len(FilterOrganisers(rows, f)); got != want || want == 0 {
		t.Errorf("cohort 2 active volunteers: filter found %d; SQL counts %d", got, want)
	}
	// Host search: every word must match somewhere.
	host := rows[0].HostName
	for _, r := range rows {
		if r.HostName != "" {
			host = r.HostName
			break
		}
	}
	got = FilterOrganisers(rows, OrganiserFilter{Text: host})
	want = count(t, s, `SELECT count(*) FROM organisers o JOIN people p ON p.id = o.person_id
        LEFT JOIN hosts h ON h.id = o.host_id
        WHERE instr(lower(p.given_name || ' ' || p.family_name || char(0) || p.email || char(0) || coalesce(h.name, '')), lower($1)) > 0`, host)
	if len(got) != want {
		t.Errorf("search host %q found %d; SQL counts %d", host, len(got), want)
	}
}

func TestSortOrganisers(t *testing.T) {
	s, _ := demoDB(t)
	all, err := s.OrganiserRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows := FilterOrganisers(all, OrganiserFilter{})
	SortOrganisers(rows, SortCohort, true)
	for i := 1; i < len(rows); i++ {
		if rows[i-1].CohortNumber < rows[i].CohortNumber {
			t.Fatalf("sorted by cohort descending, row %d has cohort %d after %d", i, rows[i].CohortNumber, rows[i-1].CohortNumber)
		}
	}
}

// seedHost makes a cohort and a host in an empty programme.
func seedHost(t *testing.T, s *Store) (cohortID, hostID int64) {
	t.Helper()
	ctx := context.Background()
	cohortID, err := s.SaveCohort(ctx, Cohort{Number: 1, HostInductionOn: "2012-10-01", TrainingStartsOn: "2012-11-05"})
	if err != nil {
		t.Fatal(err)
	}
	hostID, err = s.SaveHost(ctx, Host{Name: "Rural Development Trust", Region: "North West", Setting: SettingRural,
		Kickstarter: true, CohortID: cohortID})
	if err != nil {
		t.Fatal(err)
	}
	return cohortID, hostID
}

func TestCreateEditWithdrawOrganiser(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	s.SetActor("lead")
	cohortID, hostID := seedHost(t, s)
	senior := Organiser{GivenName: "Łukasz", FamilyName: "Nowak", Email: "Lukasz@Example.org", Role: RoleSenior,
		HostID: hostID, CohortID: cohortID, StartsOn: "2012-11-05", BursaryPence: 2_000_000}
	sid, err := s.CreateOrganiser(ctx, senior)
	if err != nil {
		t.Fatalf("CreateOrganiser: %v", err)
	}
	vol := Organiser{GivenName: "Σοφία", FamilyName: "Papadopoulou", Email: "sofia@example.org", Role: RoleVolunteer,
		HostID: hostID, CohortID: cohortID, SupportedByID: sid, StartsOn: "2013-02-01"}
	vid, err := s.CreateOrganiser(ctx, vol)
	if err != nil {
		t.Fatalf("CreateOrganiser volunteer: %v", err)
	}

	// Email is unique whatever its case.
	dup := vol
	dup.Email = "LUKASZ@example.ORG"
	var fe *FieldError
	if _, err := s.CreateOrganiser(ctx, dup); !errors.As(err, &fe) || fe.Field != "email" {
		t.Fatalf("duplicate email = %v; want a field error on email", err)
	}
	// A volunteer cannot be supported by a volunteer.
	bad := vol
	bad.Email, bad.SupportedByID = "other@example.org", vid
	if _, err := s.CreateOrganiser(ctx, bad); !errors.As(err, &fe) || fe.Field != "supported by" {
		t.Fatalf("supported by a volunteer = %v; want a field error on supported by", err)
	}
	// A senior who supports someone cannot become a volunteer.
	demote := senior
	demote.ID, demote.Role = sid, RoleVolunteer
	if err := s.UpdateOrganiser(ctx, demote); !errors.As(err, &fe) || fe.Field != "role" {
		t.Fatalf("demoting a supporting senior = %v; want a field error on role", err)
	}

	edited, err := s.Organiser(ctx, vid)
	if err != nil {
		t.Fatal(err)
	}
	edited.FamilyName, edited.Email, edited.StartsOn = "Papadopoulou-Smith", "sofia.ps@example.org", "2013-03-01"
	if err := s.UpdateOrganiser(ctx, edited); err != nil {
		t.Fatalf("UpdateOrganiser: %v", err)
	}
	back, err := s.Organiser(ctx, vid)
	if err != nil {
		t.Fatal(err)
	}
	if back != edited {
		t.Fatalf("read back %+v; want %+v", back, edited)
	}

	was, err := s.WithdrawOrganiser(ctx, vid, "2013-06-01", "moved away")
	if err != nil {
		t.Fatalf("WithdrawOrganiser: %v", err)
	}
	if was != back {
		t.Errorf("withdraw returned %+v; want the organiser as it was", was)
	}
	gone, _ := s.Organiser(ctx, vid)
	if gone.Status != StatusWithdrawn || gone.WithdrawnOn != "2013-06-01" || gone.WithdrawnReason != "moved away" {
		t.Errorf("after withdraw: %+v", gone)
	}
	if _, err := s.WithdrawOrganiser(ctx, vid, "2013-06-02", "again"); !errors.Is(err, ErrInvalid) {
		t.Errorf("withdrawing twice = %v; want ErrInvalid", err)
	}
	// Undo puts the organiser back as they were.
	if err := s.UpdateOrganiser(ctx, was); err != nil {
		t.Fatalf("undo withdraw: %v", err)
	}
	if again, _ := s.Organiser(ctx, vid); again != back {
		t.Errorf("after undo %+v; want %+v", again, back)
	}

	log, err := s.AuditLog(ctx, AuditFilter{Entity: "organiser"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if e.Actor != "lead" {
			t.Errorf("audit entry %d by %q; want lead", e.ID, e.Actor)
		}
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "update,withdraw,update,create,create" {
		t.Errorf("audit actions (newest first) = %s", got)
	}
}

func TestOrganiserPage(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	var id int64
	// A senior with achieved units and volunteers.
	err := s.db.QueryRow(`SELECT o.id FROM organisers o WHERE role = 'senior'
        AND EXISTS (SELECT 1 FROM unit_achievements u WHERE u.organiser_id = o.id)
        AND EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id) ORDER BY o.id LIMIT 1`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := s.OrganiserPage(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want int
	}{
		{"supporting", len(pg.Supporting), count(t, s, `SELECT count(*) FROM organisers WHERE supported_by_id = $1`, id)},
		{"attendance", len(pg.Attendance), count(t, s, `SELECT count(*) FROM attendance WHERE person_id = $1`, pg.Organiser.PersonID)},
		{"modules", len(pg.Modules), count(t, s, `SELECT count(*) FROM modules`)},
		{"units", len(pg.Units), count(t, s, `SELECT count(*) FROM unit_achievements WHERE organiser_id = $1`, id)},
		{"evidence", pg.Evidence.Total(), count(t, s, `SELECT count(*) FROM evidence_items WHERE organiser_id = $1`, id)},
	}
	for _, c := range checks {
		if c.got != c.want || c.want == 0 {
			t.Errorf("%s: page shows %d; SQL counts %d", c.what, c.got, c.want)
		}
	}
	if pg.HostName == "" || pg.CohortNumber == 0 {
		t.Errorf("page host %q cohort %d", pg.HostName, pg.CohortNumber)
	}
	if _, err := s.OrganiserPage(ctx, 99999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("OrganiserPage(missing) = %v; want ErrNotFound", err)
	}
}
