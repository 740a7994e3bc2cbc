package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cascade/model"
)

// changeWatch tells whether anything was committed to a database since it
// was last asked: SQLite's data_version changes on one connection whenever
// another connection commits. It also lists the evidence files.
type changeWatch struct {
	conn *sql.Conn
}

func watchChanges(t *testing.T, s *Store) *changeWatch {
	t.Helper()
	if s.pg {
		return &changeWatch{} // state reads the tables themselves
	}
	db, err := sql.Open("sqlite", dsn(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); db.Close() })
	return &changeWatch{conn: conn}
}

// state is the data version and the evidence files as they are now.
func (w *changeWatch) state(t *testing.T, s *Store) string {
	t.Helper()
	if s.pg {
		return serverChangeState(t, s)
	}
	var v int64
	if err := w.conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(s.FilesDir())
	return fmt.Sprint(v, len(entries))
}

// serverChangeState is what changeWatch.state tells on PostgreSQL, which
// has no data_version: each table's row count and the newest transaction
// that wrote one of its rows (xmin), so an insert, an update and a delete
// each change it, and the evidence files are rows too.
func serverChangeState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var state strings.Builder
	for _, name := range tables {
		var n int64
		var newest sql.NullString
		if err := s.db.QueryRowContext(ctx, `SELECT count(*), max(xmin::text::bigint)::text FROM `+name).Scan(&n, &newest); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&state, "%s %d %s;", name, n, newest.String)
	}
	return state.String()
}

// roleFixture is a demo copy with one user for each role and the records each
// action needs.
type roleFixture struct {
	s          *Store
	watch      *changeWatch
	users      map[string]model.User
	organiser  model.Organiser
	sessionID  int64
	courseID   int64
	personID   int64
	email      string // a withdrawn organiser's, to erase
	active     string // an active organiser's, to export
	evidenceID int64
	criteria   []int64
	decisionID int64
	sampleID   int64
	cohort     int
	n          int // makes each change unique
}

func newRoleFixture(t *testing.T) *roleFixture {
	t.Helper()
	s := demoCopy(t)
	ctx := context.Background()
	f := &roleFixture{s: s, users: map[string]model.User{}, watch: watchChanges(t, s)}
	for _, r := range model.Roles {
		f.users[r] = userWithRole(t, s, r)
	}
	one := func(q string, into ...any) {
		t.Helper()
		if err := s.db.QueryRowContext(ctx, q).Scan(into...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var oid int64
	one(`SELECT id FROM organisers WHERE status <> 'withdrawn' ORDER BY id LIMIT 1`, &oid)
	o, err := s.Organiser(ctx, oid)
	if err != nil {
		t.Fatal(err)
	}
	f.organiser = o
	one(`SELECT id, course_id FROM sessions ORDER BY id LIMIT 1`, &f.sessionID, &f.courseID)
	one(`SELECT p.id, p.email FROM people p JOIN organisers o ON o.person_id = p.id WHERE o.status <> 'withdrawn' ORDER BY p.id LIMIT 1`, &f.personID, &f.active)
	one(`SELECT p.email FROM people p JOIN organisers o ON o.person_id = p.id WHERE o.status = 'withdrawn' ORDER BY p.id LIMIT 1`, &f.email)
	one(`SELECT e.id FROM evidence_items e WHERE e.status = 'submitted' ORDER BY e.id LIMIT 1`, &f.evidenceID)
	one(`SELECT d.id FROM assessment_decisions d WHERE NOT EXISTS (SELECT 1 FROM iv_samples x WHERE x.decision_id = d.id) ORDER BY d.id LIMIT 1`, &f.decisionID)
	one(`SELECT x.id FROM iv_samples x WHERE x.outcome = 'pending' ORDER BY x.id LIMIT 1`, &f.sampleID)
	one(`SELECT min(number) FROM cohorts`, &f.cohort)
	rows, err := s.db.QueryContext(ctx, `SELECT criterion_id FROM evidence_criteria WHERE evidence_id = $1`, f.evidenceID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		f.criteria = append(f.criteria, id)
	}
	rows.Close()
	return f
}

// actions runs one change of each kind in the role table as by.
func (f *roleFixture) actions(t *testing.T) map[string]func(by model.User) error {
	ctx := context.Background()
	s := f.s
	next := func() int { f.n++; return f.n }
	return map[string]func(model.User) error{
		model.ActManageUsers: func(by model.User) error {
			_, err := s.CreateUser(ctx, by, model.NewUser{Username: fmt.Sprintf("new%d", next()), DisplayName: "New", Role: model.RoleModerator, Password: "long enough pw"})
			return err
		},
		model.ActSettings: func(by model.User) error {
			return s.SaveSettings(ctx, by, map[string]string{"centre.name": fmt.Sprintf("Centre %d", next())})
		},
		model.ActRestore: func(by model.User) error {
			// A refusal comes before the archive is even looked at; an
			// allowed user gets as far as finding no archive.
			_, err := FileSource{Path: s.Path()}.Restore(ctx, by, s, filepath.Join(t.TempDir(), "none.zip"), nil)
			if err != nil && !errors.Is(err, model.ErrPermission) && by.Can(model.ActRestore) {
				return nil
			}
			return err
		},
		model.ActErase: func(by model.User) error {
			_, err := s.ErasePerson(ctx, by, f.email, "asked to be forgotten")
			return err
		},
		model.ActEquality: func(by model.User) error {
			return s.SetEquality(ctx, by, f.personID, model.Equality{Gender: "Man"})
		},
		model.ActTrainers: func(by model.User) error {
			n := next()
			_, err := s.CreateTrainer(ctx, by, model.TrainerInput{GivenName: "Tess", FamilyName: fmt.Sprintf("Trainer%d", n),
				Email: fmt.Sprintf("tess%d@example.org", n), TrainedOn: "2012-01-10", Status: model.TrainerStatuses[0]})
			return err
		},
		model.ActCohorts: func(by model.User) error {
			_, err := s.SaveCohort(ctx, by, model.Cohort{Number: 100 + next()})
			return err
		},
		model.ActOrganisers: func(by model.User) error {
			o := f.organiser
			o.GivenName = fmt.Sprintf("Ann%c", 'a'+rune(next()%26))
			err := s.UpdateOrganiser(ctx, by, o)
			if err == nil {
				// Read it again, as a form would: the next role's save
				// carries what this one left (model.Seen), or it is
				// refused as a save over a newer change.
				o, err = s.Organiser(ctx, o.ID)
				f.organiser = o
			}
			return err
		},
		model.ActTraining: func(by model.User) error {
			_, err := s.AddSession(ctx, by, model.Session{CourseID: f.courseID, HeldOn: "2015-06-01", Title: fmt.Sprintf("Catch-up %d", next())})
			return err
		},
		model.ActImport: func(by model.User) error {
			p := filepath.Join(t.TempDir(), "cohorts.csv")
			os.WriteFile(p, fmt.Appendf(nil, "number,host_induction_on,training_starts_on,training_ends_on\n%d,2020-01-06,2020-02-03,2021-02-01\n", 200+next()), 0o600)
			_, err := s.Import(ctx, by, model.KindCohorts, p, model.ImportOptions{})
			return err
		},
		model.ActCatalogue: func(by model.User) error {
			n := next()
			_, _, err := s.ImportCatalogue(ctx, by, model.Catalogue{Units: []model.Unit{{Code: fmt.Sprintf("ZZ%d", n), Title: "A new unit",
				Level: 2, Credits: 1, Outcomes: []model.Outcome{{Number: 1, Text: "Know", Criteria: []model.Criterion{{Number: "1.1", Text: "Say"}}}}}}})
			return err
		},
		model.ActCertificates: func(by model.User) error {
			cands, err := s.Candidates(ctx, model.CertSelection{Cohort: f.cohort, Kind: model.KindCompletion})
			if err != nil {
				return err
			}
			for _, c := range cands {
				if c.Eligible {
					issued, err := s.IssueCertificates(ctx, by, []model.Candidate{c}, model.IssueOptions{On: "2015-06-30"})
					if err != nil {
						return err
					}
					return s.MarkDelivered(ctx, by, []string{issued[0].Number})
				}
			}
			t.Fatal("no eligible candidate in the first cohort")
			return nil
		},
		model.ActClaim: func(by model.User) error {
			_, _, err := s.CreateClaim(ctx, by, f.cohort, "")
			if err != nil && !errors.Is(err, model.ErrPermission) {
				return nil // refused for its content, not its author: the role was let through
			}
			return err
		},
		model.ActBackup: func(by model.User) error {
			_, err := s.Backup(ctx, by, filepath.Join(t.TempDir(), "b.zip"), nil)
			return err
		},
		model.ActExportPerson: func(by model.User) error {
			_, err := s.ExportPerson(ctx, by, f.active, t.TempDir())
			return err
		},
		model.ActEditEvidence: func(by model.User) error {
			_, err := s.AddEvidence(ctx, by, model.EvidenceItem{OrganiserID: f.organiser.ID, Kind: "product",
				Title: fmt.Sprintf("Notes %d", next()), EvidenceOn: "2015-06-01", CriterionIDs: f.criteria[:1]}, false)
			return err
		},
		model.ActDecide: func(by model.User) error {
			out := map[int64]string{}
			for _, c := range f.criteria {
				out[c] = model.OutcomeNotYet
			}
			_, err := s.RecordDecision(ctx, by, model.DecisionDraft{EvidenceID: f.evidenceID, Outcomes: out, Feedback: "More detail on who you listened to.", DecidedOn: "2015-06-30"})
			if err != nil && !errors.Is(err, model.ErrPermission) {
				return nil // e.g. already decided by an earlier allowed role
			}
			return err
		},
		model.ActSample: func(by model.User) error {
			_, err := s.SampleDecision(ctx, by, f.decisionID)
			if err != nil && !errors.Is(err, model.ErrPermission) {
				return nil // already sampled by an earlier allowed role, or their own decision
			}
			return err
		},
		model.ActVerify: func(by model.User) error {
			err := s.VerifySample(ctx, by, f.sampleID, model.SampleAgreed, "")
			if err != nil && !errors.Is(err, model.ErrPermission) {
				return nil // already verified, or their own decision
			}
			if errors.Is(err, model.ErrPermission) && by.Can(model.ActVerify) {
				return nil // separation of duties, not the role table
			}
			return err
		},
	}
}

// TestEveryActionFollowsTheRoleTable runs every changing action as each of
// the five roles and as nobody, against a real database: allowed when the
// table says so, ErrPermission and nothing changed when it does not.
func TestEveryActionFollowsTheRoleTable(t *testing.T) {
	f := newRoleFixture(t)
	acts := f.actions(t)
	for _, action := range model.Actions() {
		run, ok := acts[action]
		if !ok {
			t.Errorf("action %q has no case in this test", action)
			continue
		}
		for _, role := range append(model.Roles, "") {
			by := f.users[role]
			if role == "" {
				by = model.User{Username: "nobody"}
			}
			t.Run(action+"/"+role, func(t *testing.T) {
				allowed := by.Can(action)
				before := ""
				if !allowed {
					before = f.watch.state(t, f.s)
				}
				err := run(by)
				switch {
				case allowed && err != nil:
					t.Errorf("%s as %q = %v; want it allowed", action, role, err)
				case !allowed && !errors.Is(err, model.ErrPermission):
					t.Errorf("%s as %q = %v; want ErrPermission", action, role, err)
				case !allowed && f.watch.state(t, f.s) != before:
					t.Errorf("%s as %q was refused but changed the database", action, role)
				}
			})
		}
	}
	// The table itself: a moderator may do nothing; an administrator everything.
	for _, a := range model.Actions() {
		if f.users[model.RoleModerator].Can(a) || !f.users[model.RoleAdmin].Can(a) {
			t.Errorf("role table for %q: moderator %v, admin %v", a, f.users[model.RoleModerator].Can(a), f.users[model.RoleAdmin].Can(a))
		}
	}
}

// TestTwoHandlesAuditTheirOwnUsers signs two users in through two store
// handles on one file: each change is audited as the user who made it.
func TestTwoHandlesAuditTheirOwnUsers(t *testing.T) {
	ctx := context.Background()
	a := newTestStore(t)
	namedUser(t, a, "hannah", model.RoleLead)
	namedUser(t, a, "gareth", model.RoleLead)
	b, err := Open(ctx, reopenPath(t, a))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ha, err := a.SignIn(ctx, "hannah", "password-hannah")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := b.SignIn(ctx, "gareth", "password-gareth")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveCohort(ctx, ha, model.Cohort{Number: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveCohort(ctx, gb, model.Cohort{Number: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveCohort(ctx, ha, model.Cohort{Number: 3}); err != nil {
		t.Fatal(err)
	}
	log, err := a.AuditLog(ctx, model.AuditFilter{Entity: "cohort"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Actor)
	}
	if fmt.Sprint(got) != "[hannah gareth hannah]" {
		t.Errorf("cohort audit names %v (newest first); want [hannah gareth hannah]", got)
	}
}

// TestSignInFailuresAreAuditedAndThrottled: every failure is in the audit log
// with the name tried and never the password; after five in a quarter of an
// hour the name waits, longer with each further failure, even with the right
// password, and the wait ends.
func TestSignInFailuresAreAuditedAndThrottled(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	namedUser(t, s, "hannah", model.RoleLead)
	clock := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	for i := range 5 {
		if _, err := s.SignIn(ctx, "Hannah", fmt.Sprintf("guess-%d", i)); !errors.Is(err, model.ErrSignIn) {
			t.Fatalf("attempt %d = %v; want ErrSignIn", i, err)
		}
	}
	_, err := s.SignIn(ctx, "hannah", "password-hannah")
	if !errors.Is(err, model.ErrThrottled) || !strings.Contains(err.Error(), "try again in 30s") {
		t.Fatalf("sixth attempt = %v; want ErrThrottled saying 30s", err)
	}
	// Another name is not held up by hannah's failures.
	if _, err := s.SignIn(ctx, "nobody-else", "x"); !errors.Is(err, model.ErrSignIn) {
		t.Errorf("another name = %v; want only ErrSignIn", err)
	}
	clock = clock.Add(20 * time.Second)
	// The sixth failure doubled the wait to a minute from it: 40 s are left.
	if _, err := s.SignIn(ctx, "hannah", "password-hannah"); !errors.Is(err, model.ErrThrottled) || !strings.Contains(err.Error(), "40s") {
		t.Fatalf("attempt during the wait = %v; want 40s left", err)
	}
	// The seventh doubled it again: two minutes from then.
	clock = clock.Add(121 * time.Second)
	if _, err := s.SignIn(ctx, "hannah", "password-hannah"); err != nil {
		t.Fatalf("after the wait = %v; want signed in", err)
	}
	// A success starts the count afresh.
	if _, err := s.SignIn(ctx, "hannah", "wrong"); !errors.Is(err, model.ErrSignIn) {
		t.Fatalf("after a success = %v; want only ErrSignIn", err)
	}
	log, err := s.AuditLog(ctx, model.AuditFilter{Action: "sign_in_failed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 9 {
		t.Errorf("%d failed sign-ins audited; want 9", len(log))
	}
	for _, e := range log {
		if strings.Contains(e.After+e.Before, "guess-") || strings.Contains(e.After+e.Before, "password-hannah") || strings.Contains(e.After, "wrong\"") {
			t.Errorf("audit row %d holds a password: %s", e.ID, e.After)
		}
	}
	if log[len(log)-1].EntityID != "hannah" {
		t.Errorf("first failure names %q; want the name tried, hannah", log[len(log)-1].EntityID)
	}
}
