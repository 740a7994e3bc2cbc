package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"cascade/model"
	"cascade/model/sqlstore"
)

// The test binary doubles as the cascade command for tests that need a
// second process: CASCADE_TEST_CLI holds its arguments, separated by
// newlines. With CASCADE_TEST_FSIZE=N it also limits the size of any file
// it writes to N bytes from the moment the first PDF is written (the disk
// fills mid-run); Go ignores SIGXFSZ, so writes fail with EFBIG.
func init() {
	args := os.Getenv("CASCADE_TEST_CLI")
	if args == "" {
		return
	}
	list := strings.Split(args, "\n")
	if n, _ := strconv.ParseUint(os.Getenv("CASCADE_TEST_FSIZE"), 10, 64); n > 0 && list[0] == "certificates" {
		var once sync.Once
		err := certificatesRun(context.Background(), list[1:], os.Stdout, os.Stderr, func(int, int) {
			once.Do(func() {
				if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
					fmt.Fprintln(os.Stderr, "setrlimit:", err)
					os.Exit(3)
				}
			})
		})
		os.Exit(exitCode(os.Stderr, "certificates", err))
	}
	os.Exit(run(context.Background(), list, os.Stdout, os.Stderr))
}

// cascadeProcess starts the command in a process of its own.
func cascadeProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "CASCADE_TEST_CLI="+strings.Join(args, "\n")), env...)
	return cmd
}

// achievementCounts reads the certificates of a database: how many, how
// many distinct numbers, how many undelivered, and the achievements held by
// more than one unrevoked certificate.
func achievementCounts(t *testing.T, db string) (total, numbers, undelivered int, doubled []string) {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := s.DB()
	if err := q.QueryRow(`SELECT count(*), count(DISTINCT number), count(*) - count(delivered_at) FROM certificates`).Scan(&total, &numbers, &undelivered); err != nil {
		t.Fatal(err)
	}
	rows, err := q.Query(`SELECT person_id || ' ' || kind || ' ' || coalesce(achievement, '?'), count(*) FROM certificates
		WHERE revoked_at IS NULL GROUP BY person_id, kind, coalesce(achievement, payload) HAVING count(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		doubled = append(doubled, fmt.Sprintf("%s ×%d", k, n))
	}
	return total, numbers, undelivered, doubled
}

var summaryLine = regexp.MustCompile(`issued (\d+), reprinted (\d+), skipped (\d+)`)

// issuedIn reads "issued N" from a run's summary line.
func issuedIn(t *testing.T, stdout string) int {
	t.Helper()
	m := summaryLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no summary line in %q", stdout)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestCertificatesTwoRunsAtOnce starts two certificate runs in two processes
// at the same moment on one database; together they must issue exactly what
// one run issues, one certificate per achievement, no number twice.
func TestCertificatesTwoRunsAtOnce(t *testing.T) {
	sel := []string{"--cohort", "2", "--kind", "completion"}
	control := demoCopy(t)
	dir := t.TempDir()
	code, stdout, errOut := cascade(t, append([]string{"certificates", "--db", control, "--out", filepath.Join(dir, "control.pdf")}, sel...)...)
	if code != 0 {
		t.Fatalf("one run: exit %d: %s", code, errOut)
	}
	want := issuedIn(t, stdout)
	if want < 20 {
		t.Fatalf("one run issued %d; the test needs a selection of some size", want)
	}

	db := demoCopy(t)
	var runs [2]*exec.Cmd
	var outs [2]strings.Builder
	for i := range runs {
		runs[i] = cascadeProcess(t, nil, append([]string{"certificates", "--db", db, "--out", filepath.Join(dir, fmt.Sprintf("run%d.pdf", i))}, sel...)...)
		runs[i].Stdout, runs[i].Stderr = &outs[i], &outs[i]
	}
	for _, r := range runs {
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	for i, r := range runs {
		if err := r.Wait(); err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, outs[i].String())
		}
		got += issuedIn(t, outs[i].String())
	}
	if got != want {
		t.Errorf("two runs at once issued %d between them; one run issues %d", got, want)
	}
	total, numbers, undelivered, doubled := achievementCounts(t, db)
	if total != want || numbers != total || undelivered != 0 || len(doubled) > 0 {
		t.Errorf("after two runs at once: %d certificates, %d numbers, %d undelivered, held twice: %v; want %d, %d, 0, none",
			total, numbers, undelivered, doubled, want, want)
	}
	for i := range runs {
		if n := strings.Count(pdfText(t, filepath.Join(dir, fmt.Sprintf("run%d.pdf", i))), "This is to certify that"); n != want {
			t.Errorf("run %d printed %d certificates; want all %d", i, n, want)
		}
	}
}

// TestCertificatesToAMissingFolderIssueNothing is the issue's
// --out /no/such/folder/all.pdf: refused before anything is issued, so the
// next run prints originals.
func TestCertificatesToAMissingFolderIssueNothing(t *testing.T) {
	db := demoCopy(t)
	dir := t.TempDir()
	host := mixedHost(t, db)
	sel := []string{"--db", db, "--cohort", "2", "--host", host}
	for _, out := range []string{filepath.Join(dir, "no", "such", "folder", "all.pdf"), filepath.Join(dir, "a-folder.pdf")} {
		if strings.HasSuffix(out, "a-folder.pdf") {
			os.Mkdir(out, 0o755) // a folder named like the PDF
		}
		code, _, errOut := cascade(t, append([]string{"certificates", "--out", out}, sel...)...)
		if code != 1 || !strings.Contains(errOut, out) {
			t.Errorf("certificates --out %s: exit %d, %q; want 1 naming it", out, code, errOut)
		}
		if total, _, _, _ := achievementCounts(t, db); total != 0 {
			t.Fatalf("--out %s failed yet %d certificates were issued", out, total)
		}
	}
	good := filepath.Join(dir, "all.pdf")
	code, stdout, errOut := cascade(t, append([]string{"certificates", "--out", good}, sel...)...)
	if code != 0 || strings.Contains(pdfText(t, good), "COPY") {
		t.Fatalf("the next good run: exit %d %s; printed COPY: %v", code, errOut, strings.Contains(pdfText(t, good), "COPY"))
	}
	if n := issuedIn(t, stdout); n == 0 {
		t.Errorf("the next good run issued none")
	}
}

// TestCertificateRunThatCannotWrite makes the output folder vanish, or the
// disk fill, after the certificates are issued and while their PDFs are
// written, for one combined PDF and for a folder of them. The run must fail,
// leave no file under the output name, and leave the certificates
// undelivered, so the next good run prints originals to everyone, with no
// one holding two.
func TestCertificateRunThatCannotWrite(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("needs pdftotext (poppler-utils)")
	}
	cases := []struct {
		name     string
		combined bool
		fill     bool
	}{
		{"folder vanishes, combined PDF", true, false},
		{"folder vanishes, one PDF each", false, false},
		{"disk fills, combined PDF", true, true},
		{"disk fills, one PDF each", false, true},
	}
	shared := demoCopy(t)
	host := mixedHost(t, shared)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := demoCopy(t)
			folder := filepath.Join(t.TempDir(), "certificates")
			out := folder
			if c.combined {
				os.Mkdir(folder, 0o755)
				out = filepath.Join(folder, "all.pdf")
			}
			args := []string{"--db", db, "--cohort", "2", "--host", host, "--out", out}
			var failed bool
			var said string
			if c.fill {
				cmd := cascadeProcess(t, []string{"CASCADE_TEST_FSIZE=4096"}, append([]string{"certificates"}, args...)...)
				b, err := cmd.CombinedOutput()
				failed, said = err != nil && cmd.ProcessState.ExitCode() == 1, string(b)
			} else {
				var once sync.Once
				var stdout, stderr strings.Builder
				err := certificatesRun(context.Background(), args, &stdout, &stderr, func(int, int) {
					once.Do(func() { os.RemoveAll(folder) })
				})
				failed, said = err != nil, fmt.Sprint(err)
			}
			if !failed {
				t.Fatalf("the run that could not write succeeded: %s", said)
			}
			if !strings.Contains(said, "not delivered") {
				t.Errorf("the failure says %q; want it to say the certificates were not delivered", said)
			}
			if _, err := os.Stat(out); c.combined && err == nil {
				t.Errorf("%s left under the output name", out)
			}
			if left, _ := filepath.Glob(filepath.Join(folder, "*")); len(left) > 0 {
				t.Errorf("files left in the output folder: %v", left)
			}
			total, _, undelivered, _ := achievementCounts(t, db)
			if total == 0 || undelivered != total {
				t.Fatalf("after the failed run: %d certificates, %d undelivered; want some, none delivered", total, undelivered)
			}

			good := filepath.Join(t.TempDir(), "again.pdf")
			code, stdout, errOut := cascade(t, "certificates", "--db", db, "--cohort", "2", "--host", host, "--out", good)
			if code != 0 {
				t.Fatalf("the next good run: exit %d: %s", code, errOut)
			}
			if !strings.Contains(stdout, fmt.Sprintf("printed %d issued earlier but never delivered, as originals", total)) ||
				!strings.Contains(stdout, "issued 0, reprinted 0,") {
				t.Errorf("the next good run says %q; want all %d printed as originals", stdout, total)
			}
			text := pdfText(t, good)
			if strings.Contains(text, "COPY") || strings.Count(text, "This is to certify that") != total {
				t.Errorf("the next good run printed COPY=%v, %d certificates; want %d originals",
					strings.Contains(text, "COPY"), strings.Count(text, "This is to certify that"), total)
			}
			after, numbers, undelivered, doubled := achievementCounts(t, db)
			if after != total || numbers != total || undelivered != 0 || len(doubled) > 0 {
				t.Errorf("after the good run: %d certificates, %d numbers, %d undelivered, held twice %v; want %d, all delivered",
					after, numbers, undelivered, doubled, total)
			}
		})
	}
}

// TestCertificatesDefaultToTheOutputFolder runs without --out: the PDFs go
// to the certificates folder in the output.folder setting, not beside the
// database.
func TestCertificatesDefaultToTheOutputFolder(t *testing.T) {
	db := demoCopy(t)
	outDir := filepath.Join(t.TempDir(), "elsewhere")
	s, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(context.Background(), model.LocalUser(), map[string]string{"output.folder": outDir}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	host := mixedHost(t, db)
	code, stdout, errOut := cascade(t, "certificates", "--db", db, "--cohort", "2", "--host", host, "--kind", "completion")
	if code != 0 {
		t.Fatalf("certificates without --out: exit %d: %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(outDir, "certificates", "CO-*.pdf"))
	if len(files) != issuedIn(t, stdout) || len(files) == 0 {
		t.Errorf("%d files in %s; want the %d issued", len(files), outDir, issuedIn(t, stdout))
	}
	if beside, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "certificates", "*")); len(beside) > 0 {
		t.Errorf("certificates written beside the database: %v", beside)
	}
	code, _, errOut = cascade(t, "report", "progress", "--db", db, "--cohort", "2")
	if st, err := os.Stat(filepath.Join(outDir, "reports", "progress-cohort-2.pdf")); code != 0 || err != nil || st.Size() == 0 {
		t.Errorf("report without --out: exit %d %s; file %v", code, errOut, err)
	}
}

// TestTrainerCertificatesOnlyWhenAskedFor: a run without --kind issues no
// trainer certificate, even to an eligible trainer named by --person; with
// --kind trainer it issues theirs.
func TestTrainerCertificatesOnlyWhenAskedFor(t *testing.T) {
	db := demoCopy(t)
	email := eligibleTrainer(t, db)
	dir := t.TempDir()
	code, stdout, errOut := cascade(t, "certificates", "--db", db, "--person", email, "--out", dir)
	if n := trainerCertificates(t, db); n != 0 {
		t.Fatalf("a run without --kind issued %d trainer certificates (exit %d: %s%s)", n, code, stdout, errOut)
	}
	if code, _, errOut := cascade(t, "certificates", "--db", db, "--person", email, "--kind", "trainer", "--out", dir); code != 0 {
		t.Fatalf("--kind trainer: exit %d: %s", code, errOut)
	}
	if n := trainerCertificates(t, db); n != 1 {
		t.Errorf("--kind trainer issued %d trainer certificates; want 1", n)
	}
}

func trainerCertificates(t *testing.T, db string) int {
	t.Helper()
	s := openTestStore(t, db)
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM certificates WHERE kind = $1`, model.KindTrainer).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
