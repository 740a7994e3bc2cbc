package sqlstore

import (
	"cascade/model"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	demoOnce   sync.Once
	demoStore  *Store
	demoRes    *DemoResult
	demoErr    error
	demoTmpDir string
	// demoTemplate is, on a test server, the database holding the pristine
	// demo that newDemoStore copies (CREATE DATABASE … TEMPLATE).
	demoTemplate string
)

// demoDB builds one scale-1 demo per test binary: it takes seconds, and every
// test only reads it.
func demoDB(t *testing.T) (*Store, *DemoResult) {
	t.Helper()
	demoOnce.Do(buildSharedDemo)
	if demoErr != nil {
		t.Fatalf("Demo: %v", demoErr)
	}
	return demoStore, demoRes
}

// lentDemoEnv names the demo `make test` builds once ahead, uninstrumented
// (sqlstoretest.DemoEnv; that package imports this one, so this package's
// own tests spell the name here). lentDemoPassword is the one it is built
// with (sqlstoretest.Password).
const (
	lentDemoEnv      = "CASCADE_TEST_DEMO"
	lentDemoPassword = "pw-for-tests"
)

// buildSharedDemo gives the binary its one demo, keeps a pristine copy of
// the closed file, and opens it. Under the race detector building the demo
// here takes half a minute of the CI run, so when CASCADE_TEST_DEMO names
// the demo built ahead it copies that instead; TestDemoForceDeterministic
// still builds one here and finds it the same row for row.
func buildSharedDemo() {
	demoTmpDir, demoErr = os.MkdirTemp("", "cascade-demo-")
	if demoErr != nil {
		return
	}
	ctx := context.Background()
	if onServer() {
		buildServerDemo(ctx)
		return
	}
	path := filepath.Join(demoTmpDir, "demo.db")
	if ahead := os.Getenv(lentDemoEnv); ahead != "" {
		demoErr = copyLentDemo(ahead, path)
		demoRes = &DemoResult{Path: path, Password: lentDemoPassword}
	} else {
		demoRes, demoErr = Demo(ctx, path, DemoOptions{Seed: 1, Scale: 1})
	}
	if demoErr == nil {
		// Demo closed the file: a plain copy of it is a whole programme,
		// which newDemoStore copies again rather than VACUUM INTO, a
		// whole-database rewrite the race detector makes slow.
		demoErr = copyFile(path, filepath.Join(demoTmpDir, "pristine.db"))
	}
	if demoErr == nil {
		demoStore, demoErr = Open(ctx, path)
	}
}

// buildServerDemo builds the demo in a template database on the test
// server and opens a copy of it as the shared demo (a template may have no
// connections while it is copied).
func buildServerDemo(ctx context.Context) {
	demoTemplate = serverDatabaseName()
	if demoErr = adminExec("CREATE DATABASE " + demoTemplate); demoErr != nil {
		return
	}
	u, _ := url.Parse(os.Getenv(testServerEnv))
	u.Path = "/" + demoTemplate
	if demoRes, demoErr = Demo(ctx, u.String(), DemoOptions{Seed: 1, Scale: 1}); demoErr != nil {
		return
	}
	shared := serverDatabaseName()
	if demoErr = adminExec("CREATE DATABASE " + shared + " TEMPLATE " + demoTemplate); demoErr != nil {
		return
	}
	demoShared = shared
	u.Path = "/" + shared
	demoStore, demoErr = Open(ctx, u.String())
}

// demoShared is the test server's database the shared demo store reads.
var demoShared string

// copyLentDemo copies the closed demo built ahead, evidence files and all,
// to dst. A WAL beside it would mean it was not closed, and a copy of the
// main file alone would then lack rows.
func copyLentDemo(src, dst string) error {
	if st, err := os.Stat(src + "-wal"); err == nil && st.Size() > 0 {
		return fmt.Errorf("%s=%s: the demo has a WAL beside it; build it with `cascade demo`, which closes it", lentDemoEnv, src)
	}
	if err := copyFile(src, dst); err != nil {
		return fmt.Errorf("%s=%s: %w", lentDemoEnv, src, err)
	}
	if err := os.CopyFS(dst+".files", os.DirFS(src+".files")); err != nil {
		return fmt.Errorf("%s=%s: copy evidence files: %w", lentDemoEnv, src, err)
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoStore != nil {
		demoStore.Close()
	}
	for _, name := range []string{demoShared, demoTemplate} {
		if name != "" {
			adminExec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		}
	}
	if demoTmpDir != "" {
		os.RemoveAll(demoTmpDir)
	}
	if fileDemoDir != "" {
		os.RemoveAll(fileDemoDir)
	}
	os.Exit(code)
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDemoCounts(t *testing.T) {
	s, _ := demoDB(t)
	tests := []struct {
		name   string
		query  string
		lo, hi int
	}{
		{"cohorts", `SELECT count(*) FROM cohorts`, 14, 14},
		{"hosts", `SELECT count(*) FROM hosts`, 140, 170},
		{"kickstarters in cohort 1", `SELECT count(*) FROM hosts h JOIN cohorts c ON c.id = h.cohort_id WHERE kickstarter = 1 AND c.number = 1`, 10, 10},
		{"kickstarters", `SELECT count(*) FROM hosts WHERE kickstarter = 1`, 10, 10},
		{"rural kickstarters", `SELECT count(*) FROM hosts WHERE kickstarter = 1 AND setting = 'rural'`, 3, 3},
		{"rural share %", `SELECT 100 * sum(CASE WHEN setting = 'rural' THEN 1 ELSE 0 END) / count(*) FROM hosts`, 20, 40},
		{"hosts per cohort min", `SELECT min(n) FROM (SELECT count(*) n FROM hosts GROUP BY cohort_id) g`, 10, 12},
		{"hosts per cohort max", `SELECT max(n) FROM (SELECT count(*) n FROM hosts GROUP BY cohort_id) g`, 10, 12},
		{"trainers", `SELECT count(*) FROM trainers`, 120, 130},
		{"founding trainers", `SELECT count(*) FROM trainers WHERE trained_by_id IS NULL`, 5, 10},
		{"seniors", `SELECT count(*) FROM organisers WHERE role = 'senior'`, 500, 500},
		{"volunteers", `SELECT count(*) FROM organisers WHERE role = 'volunteer'`, 4500, 4500},
		{"volunteers without a senior", `SELECT count(*) FROM organisers v LEFT JOIN organisers s ON s.id = v.supported_by_id AND s.role = 'senior' WHERE v.role = 'volunteer' AND s.id IS NULL`, 0, 0},
		{"RE:generate organisers", `SELECT count(*) FROM organisers o JOIN hosts h ON h.id = o.host_id WHERE h.name = 'RE:generate' AND o.role = 'senior'`, 60, 60},
		{"hosts with team outside 2-5", `SELECT count(*) FROM (SELECT host_id, count(*) n FROM organisers WHERE role = 'senior' AND host_id IS NOT NULL GROUP BY host_id HAVING count(*) < 2 OR count(*) > 5) t`, 3, 10},
		{"organisers without host or cohort", `SELECT count(*) FROM organisers WHERE host_id IS NULL OR cohort_id IS NULL`, 3, 12},
		{"seniors supporting nobody", `SELECT count(*) FROM organisers s WHERE role = 'senior' AND NOT EXISTS (SELECT 1 FROM organisers v WHERE v.supported_by_id = s.id)`, 3, 40},
		{"withdrawn with date and reason", `SELECT count(*) FROM organisers WHERE status = 'withdrawn' AND withdrawn_on IS NOT NULL AND withdrawn_reason <> ''`, 5, 1000},
		{"senior bursaries", `SELECT count(*) FROM organisers WHERE role = 'senior' AND bursary_pence = 2000000`, 500, 500},
		{"modules", `SELECT count(*) FROM modules`, 8, 8},
		{"units at level 2-3", `SELECT count(*) FROM units WHERE level BETWEEN 2 AND 3`, 6, 20},
		{"unit without criteria", `SELECT count(*) FROM units u WHERE NOT EXISTS (SELECT 1 FROM criteria c WHERE c.unit_id = u.id)`, 0, 0},
		{"certificate qualification", `SELECT count(*) FROM qualifications WHERE code = 'COQ3C' AND min_credits >= 13`, 1, 1},
		{"senior ULNs", `SELECT count(*) FROM people p JOIN organisers o ON o.person_id = p.id WHERE o.role = 'senior' AND length(p.uln) = 10`, 490, 500},
		{"registrations", `SELECT count(*) FROM registrations`, 490, 700},
		{"evidence files", `SELECT count(*) FROM evidence_files`, 200, 5000},
		{"assessor queue", `SELECT count(*) FROM evidence_items WHERE status = 'submitted'`, 20, 5000},
		{"drafts", `SELECT count(*) FROM evidence_items WHERE status = 'draft'`, 10, 5000},
		{"resubmissions", `SELECT count(*) FROM assessment_decisions WHERE attempt = 2 AND supersedes_id IS NOT NULL`, 20, 5000},
		{"achievements", `SELECT count(*) FROM unit_achievements`, 500, 5000},
		{"achievement without every criterion achieved", `SELECT count(*) FROM unit_achievements a WHERE EXISTS (
			SELECT 1 FROM criteria c WHERE c.unit_id = a.unit_id AND NOT EXISTS (
			SELECT 1 FROM decision_criteria dc JOIN assessment_decisions d ON d.id = dc.decision_id
			WHERE d.organiser_id = a.organiser_id AND dc.criterion_id = c.id AND dc.outcome = 'achieved'))`, 0, 0},
		{"verifier who assessed", `SELECT count(*) FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id WHERE s.verifier_id = d.assessor_id`, 0, 0},
		{"iv outcomes", `SELECT count(DISTINCT outcome) FROM iv_samples`, 3, 3},
		{"submitted claims", `SELECT count(*) FROM claims WHERE status = 'submitted'`, 2, 2},
		{"draft claims", `SELECT count(*) FROM claims WHERE status = 'draft'`, 1, 1},
		{"claim lines", `SELECT count(*) FROM claim_lines`, 50, 5000},
		{"listening log with personal details column", `SELECT count(*) FROM evidence_items WHERE kind = 'listening_log' AND (listening_count = 0 OR listening_themes = '')`, 0, 0},
		{"duplicate emails", `SELECT count(*) - count(DISTINCT lower(email)) FROM people`, 0, 0},
		{"non-ASCII emails", s.sql(`SELECT count(*) FROM people WHERE email GLOB '*[^a-z0-9.@-]*'`, `SELECT count(*) FROM people WHERE email ~ '[^a-z0-9.@-]'`), 0, 0},
		{"attendance absences", `SELECT count(*) FROM attendance WHERE present = 0`, 50, 5000},
		{"sessions after today with a register", `SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE s.held_on > '` + DemoToday + `'`, 0, 0},
		{"certificates", `SELECT count(*) FROM certificates`, 0, 0},
		{"demo audit entry", `SELECT count(*) FROM audit_log WHERE action = 'demo'`, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := count(t, s, tc.query); n < tc.lo || n > tc.hi {
				t.Errorf("%s = %d; want %d..%d", tc.name, n, tc.lo, tc.hi)
			}
		})
	}
}

func TestDemoTrainerGenerations(t *testing.T) {
	s, _ := demoDB(t)
	gens := count(t, s, `WITH RECURSIVE g(id, n) AS (
		SELECT id, 1 FROM trainers WHERE trained_by_id IS NULL
		UNION ALL SELECT t.id, g.n + 1 FROM trainers t JOIN g ON t.trained_by_id = g.id)
		SELECT max(n) FROM g`)
	if gens < 3 {
		t.Errorf("trainer generations = %d; want >= 3", gens)
	}
	silent := count(t, s, `SELECT count(*) FROM trainers t WHERE status = 'accredited'
		AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.trainer_id = t.id)
		AND NOT EXISTS (SELECT 1 FROM courses c WHERE c.lead_trainer_id = t.id)`)
	if silent < 2 {
		t.Errorf("accredited trainers delivering nothing = %d; want >= 2", silent)
	}
}

func TestDemoNames(t *testing.T) {
	s, _ := demoDB(t)
	for _, name := range []string{"Zoë", "Łukasz", "Siobhán", "Σοφία", "Дмитрий", "Nguyễn", "Ó Súilleabháin", "Ŵyn"} {
		if n := count(t, s, `SELECT count(*) FROM people WHERE given_name || ' ' || family_name LIKE '%' || $1 || '%'`, name); n == 0 {
			t.Errorf("people named %q = 0; want at least one", name)
		}
	}
}

func TestAsciiName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zoë", "zoe"}, {"Łukasz", "lukasz"}, {"Ó Súilleabháin", "osuilleabhain"}, {"Σοφία", "sofia"}, {"Παπαδοπούλου", "papadopoulou"},
		{"Дмитрий", "dmitrii"}, {"Nguyễn", "nguyen"}, {"Ŵyn", "wyn"}, {"O'Brien", "obrien"}, {"Yılmaz", "yilmaz"},
	}
	for _, tc := range tests {
		if got := asciiName(tc.in); got != tc.want {
			t.Errorf("asciiName(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestDemoFiles(t *testing.T) {
	s, _ := demoDB(t)
	rows, err := s.db.Query(`SELECT sha256, size FROM evidence_files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var sha string
		var size int
		if err := rows.Scan(&sha, &size); err != nil {
			t.Fatal(err)
		}
		data, err := readKept(t, s, sha)
		if err != nil {
			t.Errorf("evidence file %s: %v", sha, err)
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != sha || len(data) != size {
			t.Errorf("evidence file %s: sha %s size %d; want size %d", sha, got, len(data), size)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 200 {
		t.Errorf("evidence files on disk = %d; want >= 200", n)
	}
}

func TestDemoIntegrity(t *testing.T) {
	s, _ := demoDB(t)
	// The store's own checks: SQLite's integrity_check and
	// foreign_key_check, or on a server the rows' references read from
	// pg_constraint.
	var r model.CheckReport
	if err := s.checkIntegrity(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	if err := s.checkForeignKeys(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Problems {
		t.Errorf("demo integrity: %s", p)
	}
}

// TestDemoUsers: every role has a user whose hash holds the demo's
// password, a random one here or the one `make test` gave its demo.
func TestDemoUsers(t *testing.T) {
	s, res := demoDB(t)
	if len(res.Password) < 12 {
		t.Errorf("demo password %q is shorter than 12", res.Password)
	}
	for _, role := range model.Roles {
		var hash string
		err := s.db.QueryRow(`SELECT password_hash FROM users WHERE role = $1 ORDER BY id LIMIT 1`, role).Scan(&hash)
		if err != nil {
			t.Errorf("user with role %s: %v", role, err)
			continue
		}
		if ok, err := model.VerifyPassword(hash, res.Password); !ok || err != nil {
			t.Errorf("VerifyPassword(%s, demo password) = %v, %v; want true", role, ok, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE role = 'assessor' AND active_since > '2015-01-01'`); n != 1 {
		t.Errorf("new assessors = %d; want 1", n)
	}
}

// TestDemoRandomPassword: a demo built without a password gets a random
// one long enough to guess at no better than chance. The shared demo may be
// the one `make test` built with a given password, so this asks directly.
func TestDemoRandomPassword(t *testing.T) {
	a, b := randomPassword(16), randomPassword(16)
	if len(a) != 16 || a == b {
		t.Errorf("randomPassword(16) = %q then %q; want 16 characters, different each time", a, b)
	}
	if strings.ContainsAny(a+b, "01lIoO") {
		t.Errorf("randomPassword(16) = %q, %q; want none of the misreadable 0 1 l I o O", a, b)
	}
}

// demoDigest hashes the rows that must not vary for one seed.
func demoDigest(t *testing.T, path string) string {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, given_name, family_name, email, uln, created_at FROM people ORDER BY id`,
		`SELECT id, name, region, setting, kickstarter, partner, cohort_id FROM hosts ORDER BY id`,
		`SELECT id, person_id, role, host_id, cohort_id, supported_by_id, starts_on, status FROM organisers ORDER BY id`,
		`SELECT id, trained_by_id, trained_on, status FROM trainers ORDER BY id`,
		`SELECT id, organiser_id, kind, evidence_on, status FROM evidence_items ORDER BY id`,
		`SELECT id, assessor_id, outcome, decided_on FROM assessment_decisions ORDER BY id`,
		`SELECT sha256 FROM evidence_files ORDER BY id`,
	} {
		rows, err := s.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDemoForceDeterministic builds over an existing file with Force and
// checks the result matches the shared build of the same seed row for row.
func TestDemoForceDeterministic(t *testing.T) {
	s, _ := demoDB(t)
	if testing.Short() {
		t.Skip("builds a second demo")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(path, []byte("not yet a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: 1}); !errors.Is(err, model.ErrExists) {
		t.Fatalf("Demo(existing) = %v; want ErrExists", err)
	}
	res, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: 1, Force: true, Password: "given-password"})
	if err != nil {
		t.Fatalf("Demo(existing, Force) = %v", err)
	}
	if res.Password != "given-password" {
		t.Errorf("Demo password = %q; want the one given", res.Password)
	}
	if a, b := demoDigest(t, s.Path()), demoDigest(t, path); a != b {
		t.Errorf("two demos with seed 1 differ: %s vs %s", a, b)
	}
}

func BenchmarkDemoScale1(b *testing.B) {
	dir := b.TempDir()
	for i := range b.N {
		if _, err := Demo(context.Background(), filepath.Join(dir, fmt.Sprintf("d%d.db", i)), DemoOptions{Seed: 1, Scale: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDemoScale10(b *testing.B) {
	dir := b.TempDir()
	for i := range b.N {
		if _, err := Demo(context.Background(), filepath.Join(dir, fmt.Sprintf("d%d.db", i)), DemoOptions{Seed: 1, Scale: 10}); err != nil {
			b.Fatal(err)
		}
	}
}
