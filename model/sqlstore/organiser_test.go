package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// freshDemo is a copy of the shared demo for a test that changes it; a
// benchmark, which has no shared demo, builds one.
func freshDemo(tb testing.TB) *Store {
	tb.Helper()
	if t, ok := tb.(*testing.T); ok {
		return newDemoStore(t)
	}
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "demo.db")
	if _, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: 1}); err != nil {
		tb.Fatalf("Demo: %v", err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
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
		model.FlagNoHost:   `SELECT count(*) FROM organisers WHERE host_id IS NULL`,
		model.FlagNoCohort: `SELECT count(*) FROM organisers WHERE cohort_id IS NULL`,
		model.FlagNoSenior: `SELECT count(*) FROM organisers WHERE role = 'volunteer' AND supported_by_id IS NULL`,
		model.FlagSupportingNobody: `SELECT count(*) FROM organisers o WHERE role = 'senior' AND status <> 'withdrawn'
            AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id AND v.status <> 'withdrawn')`,
	}
	for flag, q := range flagSQL {
		got := len(model.FilterOrganisers(rows, model.OrganiserFilter{Flag: flag}))
		if want := count(t, s, q); got != want {
			t.Errorf("flag %q matches %d; SQL counts %d", flag, got, want)
		}
	}
	// The demo plants flags on purpose: each kind must show up.
	for _, flag := range []string{model.FlagNoHost, model.FlagNoCohort, model.FlagSupportingNobody} {
		if len(model.FilterOrganisers(rows, model.OrganiserFilter{Flag: flag})) == 0 {
			t.Errorf("no organiser flagged %q; the demo plants some", flag)
		}
	}
	any := len(model.FilterOrganisers(rows, model.OrganiserFilter{Flag: model.FlagAny}))
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
	got := model.FilterOrganisers(rows, model.OrganiserFilter{Text: strings.ToUpper(family)})
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
	f := model.OrganiserFilter{CohortID: cohortID, Role: model.RoleVolunteer, Status: model.StatusActive}
	want := count(t, s, `SELECT count(*) FROM organisers WHERE cohort_id = $1 AND role = 'volunteer' AND status = 'active'`, cohortID)
	if got := len(model.FilterOrganisers(rows, f)); got != want || want == 0 {
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
	got = model.FilterOrganisers(rows, model.OrganiserFilter{Text: host})
	want = count(t, s, `SELECT count(*) FROM organisers o JOIN people p ON p.id = o.person_id
        LEFT JOIN hosts h ON h.id = o.host_id
        WHERE lower(p.given_name || ' ' || p.family_name || ' | ' || p.email || ' | ' || coalesce(h.name, '')) LIKE '%' || lower($1) || '%'`, host)
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
	rows := model.FilterOrganisers(all, model.OrganiserFilter{})
	model.SortOrganisers(rows, model.SortCohort, true)
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
	cohortID, err := s.SaveCohort(ctx, model.LocalUser(), model.Cohort{Number: 1, HostInductionOn: "2012-10-01", TrainingStartsOn: "2012-11-05"})
	if err != nil {
		t.Fatal(err)
	}
	hostID, err = s.SaveHost(ctx, model.LocalUser(), model.Host{Name: "Rural Development Trust", Region: "North West", Setting: model.SettingRural,
		Kickstarter: true, CohortID: cohortID})
	if err != nil {
		t.Fatal(err)
	}
	return cohortID, hostID
}

func TestCreateEditWithdrawOrganiser(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, hostID := seedHost(t, s)
	lead := namedUser(t, s, "lead", model.RoleLead)
	senior := model.Organiser{GivenName: "Łukasz", FamilyName: "Nowak", Email: "Lukasz@Example.org", Role: model.RoleSenior,
		HostID: hostID, CohortID: cohortID, StartsOn: "2012-11-05", BursaryPence: 2_000_000}
	sid, err := s.CreateOrganiser(ctx, lead, senior)
	if err != nil {
		t.Fatalf("CreateOrganiser: %v", err)
	}
	vol := model.Organiser{GivenName: "Σοφία", FamilyName: "Papadopoulou", Email: "sofia@example.org", Role: model.RoleVolunteer,
		HostID: hostID, CohortID: cohortID, SupportedByID: sid, StartsOn: "2013-02-01"}
	vid, err := s.CreateOrganiser(ctx, lead, vol)
	if err != nil {
		t.Fatalf("CreateOrganiser volunteer: %v", err)
	}

	// Email is unique whatever its case.
	dup := vol
	dup.Email = "LUKASZ@example.ORG"
	var fe *model.FieldError
	if _, err := s.CreateOrganiser(ctx, lead, dup); !errors.As(err, &fe) || fe.Field != "email" {
		t.Fatalf("duplicate email = %v; want a field error on email", err)
	}
	// A volunteer cannot be supported by a volunteer.
	bad := vol
	bad.Email, bad.SupportedByID = "other@example.org", vid
	if _, err := s.CreateOrganiser(ctx, lead, bad); !errors.As(err, &fe) || fe.Field != "supported by" {
		t.Fatalf("supported by a volunteer = %v; want a field error on supported by", err)
	}
	// A senior who supports someone cannot become a volunteer.
	demote := senior
	demote.ID, demote.Role = sid, model.RoleVolunteer
	if err := s.UpdateOrganiser(ctx, lead, demote); !errors.As(err, &fe) || fe.Field != "role" {
		t.Fatalf("demoting a supporting senior = %v; want a field error on role", err)
	}

	edited, err := s.Organiser(ctx, vid)
	if err != nil {
		t.Fatal(err)
	}
	edited.FamilyName, edited.Email, edited.StartsOn = "Papadopoulou-Smith", "sofia.ps@example.org", "2013-03-01"
	if err := s.UpdateOrganiser(ctx, lead, edited); err != nil {
		t.Fatalf("UpdateOrganiser: %v", err)
	}
	back, err := s.Organiser(ctx, vid)
	if err != nil {
		t.Fatal(err)
	}
	if back.Seen == edited.Seen || withoutSeen(back) != withoutSeen(edited) {
		t.Fatalf("read back %+v; want %+v", back, edited)
	}

	was, err := s.WithdrawOrganiser(ctx, lead, vid, "2013-06-01", "moved away")
	if err != nil {
		t.Fatalf("WithdrawOrganiser: %v", err)
	}
	if withoutSeen(was) != withoutSeen(back) {
		t.Errorf("withdraw returned %+v; want the organiser as it was", was)
	}
	gone, _ := s.Organiser(ctx, vid)
	if gone.Status != model.StatusWithdrawn || gone.WithdrawnOn != "2013-06-01" || gone.WithdrawnReason != "moved away" {
		t.Errorf("after withdraw: %+v", gone)
	}
	if _, err := s.WithdrawOrganiser(ctx, lead, vid, "2013-06-02", "again"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("withdrawing twice = %v; want ErrInvalid", err)
	}
	// Undo puts the organiser back as they were.
	if err := s.UpdateOrganiser(ctx, lead, was); err != nil {
		t.Fatalf("undo withdraw: %v", err)
	}
	if again, _ := s.Organiser(ctx, vid); withoutSeen(again) != withoutSeen(back) {
		t.Errorf("after undo %+v; want %+v", again, back)
	}

	log, err := s.AuditLog(ctx, model.AuditFilter{Entity: "organiser"})
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
	if _, err := s.OrganiserPage(ctx, 99999999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("OrganiserPage(missing) = %v; want ErrNotFound", err)
	}
}

// TestOrganiserRowsNameOrder: the list comes in name-key order with ids
// breaking ties, whatever the case and accents, and each row's keys are what
// its own name, email and host give.
func TestOrganiserRowsNameOrder(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, hostID := seedHost(t, s)
	names := [][2]string{{"Zoë", "Åberg"}, {"ZOË", "ÅBERG"}, {"zoë", "åberg"}, {"Ann", "Smith"}, {"ann", "SMITH"}, {"Émile", "Zola"}, {"Bob", "Adams"}}
	for i, n := range names {
		o := model.Organiser{GivenName: n[0], FamilyName: n[1], Email: fmt.Sprintf("p%d@example.org", i), Role: model.RoleVolunteer,
			Status: model.StatusActive, HostID: hostID, CohortID: cohortID, StartsOn: "2012-11-05"}
		if _, err := s.CreateOrganiser(ctx, model.LocalUser(), o); err != nil {
			t.Fatalf("add %v: %v", n, err)
		}
	}
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(names) {
		t.Fatalf("%d rows; want %d", len(rows), len(names))
	}
	var got []string
	for i, r := range rows {
		fresh := r
		fresh.Search, fresh.SortName = "", ""
		if r.Search != fresh.SearchText() || r.SortName != fresh.NameKey() {
			t.Errorf("row %d (%s): keys %q, %q; its own text gives %q, %q", i, r.Name(), r.Search, r.SortName, fresh.SearchText(), fresh.NameKey())
		}
		if i > 0 {
			p := rows[i-1]
			if p.SortName > r.SortName || p.SortName == r.SortName && p.ID > r.ID {
				t.Errorf("row %d %s (id %d) after %s (id %d)", i, r.Name(), r.ID, p.Name(), p.ID)
			}
		}
		got = append(got, r.Name())
	}
	// British order: the Åbergs with the A's, before Adams, then the Smiths,
	// then Zola (byte order put Åberg after Zola).
	last := map[string]int{}
	for i, n := range got {
		last[strings.ToLower(strings.Fields(n)[1])] = i
	}
	if !(last["åberg"] < last["adams"] && last["adams"] < last["smith"] && last["smith"] < last["zola"]) {
		t.Errorf("order %q; want the Åbergs, Adams, the Smiths, Zola", got)
	}
	// Instant search finds the accented names typed plainly.
	if n := len(model.FilterOrganisers(rows, model.OrganiserFilter{Text: "zoe aberg"})); n != 3 {
		t.Errorf("search zoe aberg finds %d; want 3", n)
	}
}

// TestOrganiserRowsRoleAndStatusAsStored: role and status, read as numbers
// and named in Go, are the words stored, for every role and status.
func TestOrganiserRowsRoleAndStatusAsStored(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]string{}
	err = s.eachRow(ctx, `SELECT id, role || '/' || status FROM organisers`, nil, func(r *sql.Rows) error {
		var id int64
		var rs string
		err := r.Scan(&id, &rs)
		stored[id] = rs
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if got := r.Role + "/" + r.Status; got != stored[r.ID] {
			t.Fatalf("organiser %d: %s; stored %s", r.ID, got, stored[r.ID])
		}
		seen[r.Role], seen[r.Status] = true, true
	}
	for _, w := range []string{model.RoleSenior, model.RoleVolunteer, model.StatusActive, model.StatusCompleted, model.StatusWithdrawn} {
		if !seen[w] {
			t.Errorf("no organiser is %s in the demo: the test proves less", w)
		}
	}
}

// TestOrganiserRowsRepeatedNames: names are collated once each and rows
// ranked by their name's key, so rows sharing a name, or a collated text
// ("Lee, Ann" + "Bo" and "Lee" + "Ann, Bo" both collate "Lee, Ann, Bo"),
// must still each carry their own name's key and come in id order, and
// names accented or in other scripts keep their place.
func TestOrganiserRowsRepeatedNames(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, hostID := seedHost(t, s)
	names := [][2]string{{"Ann", "Smith"}, {"Bo", "Lee, Ann"}, {"Ann", "Smith"}, {"Ann, Bo", "Lee"}, {"Á", "Smith"},
		{"Дмитрий", "Иванов"}, {"Ann", "Smith"}, {"Σοφία", "Παππά"}, {"Дмитрий", "Иванов"}, {"ann", "smith"}, {"Bo", "Lee, Ann"}}
	for i, n := range names {
		o := model.Organiser{GivenName: n[0], FamilyName: n[1], Email: fmt.Sprintf("r%d@example.org", i), Role: model.RoleVolunteer,
			Status: model.StatusActive, HostID: hostID, CohortID: cohortID, StartsOn: "2012-11-05"}
		if _, err := s.CreateOrganiser(ctx, model.LocalUser(), o); err != nil {
			t.Fatalf("add %v: %v", n, err)
		}
	}
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(names) {
		t.Fatalf("%d rows; want %d", len(rows), len(names))
	}
	seen := map[string]int64{}
	for i, r := range rows {
		if want := model.NameSortKey(r.FamilyName, r.GivenName); r.SortName != want {
			t.Errorf("row %d (%q %q): key %q; its name's is %q", i, r.GivenName, r.FamilyName, r.SortName, want)
		}
		if i > 0 {
			p := rows[i-1]
			if p.SortName > r.SortName || p.SortName == r.SortName && p.ID >= r.ID {
				t.Errorf("row %d %q (id %d) after %q (id %d)", i, r.Name(), r.ID, p.Name(), p.ID)
			}
		}
		key := r.GivenName + "\x00" + r.FamilyName
		if last, ok := seen[key]; ok && last > r.ID {
			t.Errorf("%q: id %d after id %d", r.Name(), r.ID, last)
		}
		seen[key] = r.ID
	}
	var lees []string
	for _, r := range rows {
		if strings.HasPrefix(r.FamilyName, "Lee") {
			lees = append(lees, r.GivenName+"|"+r.FamilyName)
		}
	}
	// The three collate alike, so they come in the order they were added.
	if want := []string{"Bo|Lee, Ann", "Ann, Bo|Lee", "Bo|Lee, Ann"}; !slices.Equal(lees, want) {
		t.Errorf("Lees in order %q; want %q (one collated text, so by id)", lees, want)
	}
}
