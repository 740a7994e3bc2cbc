package sqlstore

import (
	"bufio"
	"cascade/model"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeOrganisersCSV writes n organiser rows, every tenth a senior whom the
// next nine volunteers name as supported_by, spread over the given hosts.
func writeOrganisersCSV(tb testing.TB, path string, n int, hosts []string) {
	tb.Helper()
	if err := WriteOrganisersCSV(path, n, hosts); err != nil {
		tb.Fatal(err)
	}
}

// crashBase is a programme with cohort 1 and three hosts, ready for organisers.
func crashBase(tb testing.TB, path string) []string {
	tb.Helper()
	hosts, err := CreateImportBase(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	return hosts
}

// killMidway runs the named test of this binary as a helper process, waits
// for it to print a line starting with midway, and kills it with SIGKILL.
func killMidway(t *testing.T, helper, midwayPrefix string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	midway := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), midwayPrefix) {
				midway <- sc.Text()
			}
		}
		close(midway)
	}()
	select {
	case line, ok := <-midway:
		if !ok {
			cmd.Wait()
			t.Fatalf("%s ended without reaching the middle of its work", helper)
		}
		t.Logf("helper says %q; killing it", line)
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("%s never reached the middle of its work", helper)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// TestImportKilledMidwayLeavesNone kills a process with SIGKILL while its
// import is half written, then shows the database opens, passes check and
// holds none of the rows; a second import then adds all of them.
func TestImportKilledMidwayLeavesNone(t *testing.T) {
	if os.Getenv("CASCADE_CRASH_DB") != "" {
		t.Skip("running as the helper")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	hosts := crashBase(t, db)
	csvPath := filepath.Join(dir, "organisers.csv")
	const rows = 30000
	writeOrganisersCSV(t, csvPath, rows, hosts)

	killMidway(t, "TestImportCrashHelper", "mid-import", "CASCADE_CRASH_DB="+db, "CASCADE_CRASH_CSV="+csvPath)

	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatalf("Open after SIGKILL: %v", err)
	}
	defer s.Close()
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check after SIGKILL = %v, %v", r.Problems, err)
	}
	if n := count(t, s, `SELECT count(*) FROM organisers`); n != 0 {
		t.Fatalf("after SIGKILL mid-import the database holds %d organisers; want none of %d", n, rows)
	}
	if n := count(t, s, `SELECT count(*) FROM people`); n != 0 {
		t.Fatalf("after SIGKILL mid-import the database holds %d people; want none", n)
	}
	if _, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, csvPath, model.ImportOptions{}); err != nil {
		t.Fatalf("Import after the crash: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM organisers`); n != rows {
		t.Fatalf("after a whole import the database holds %d organisers; want all %d", n, rows)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("Check after the second import = %v, %v", r.Problems, err)
	}
}

// TestImportCrashHelper is the process the crash test kills: it imports, and
// halfway through writing it says so and waits to be killed.
func TestImportCrashHelper(t *testing.T) {
	db := os.Getenv("CASCADE_CRASH_DB")
	if db == "" {
		t.Skip("helper process for TestImportKilledMidwayLeavesNone")
	}
	ctx := context.Background()
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	_, err = s.Import(ctx, model.LocalUser(), model.KindOrganisers, os.Getenv("CASCADE_CRASH_CSV"), model.ImportOptions{Progress: func(done, total int) {
		if !said && done >= total/2 {
			said = true
			fmt.Printf("mid-import %d of %d rows written\n", done, total)
			os.Stdout.Sync()
			time.Sleep(time.Minute)
		}
	}})
	t.Fatalf("the helper was not killed (import returned %v)", err)
}

// BenchmarkImport50kOrganisers imports 50,000 organisers from CSV into a
// programme with their cohort and hosts, and compares it with the sqlite3
// shell on the same file and a copy of the same database: its bare .import
// into a new table, and .import followed by the INSERT … SELECT that puts
// the same rows into people and organisers. The machine is shared, so CPU
// time (user + system) is reported beside wall time; it is the steadier measure.
func BenchmarkImport50kOrganisers(b *testing.B) {
	dir := b.TempDir()
	base := filepath.Join(dir, "base.db")
	hosts := crashBase(b, base)
	csvPath := filepath.Join(dir, "organisers.csv")
	writeOrganisersCSV(b, csvPath, 50000, hosts)
	baseBytes, err := os.ReadFile(base)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var wall, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		os.WriteFile(path, baseBytes, 0o600)
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		if _, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, csvPath, model.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		s.Close()
		RemoveDatabase(path)
		b.StartTimer()
	}
	b.StopTimer()
	n := time.Duration(b.N)
	b.ReportMetric(ms(wall/n), "wall-ms")
	b.ReportMetric(ms(cpu/n), "cpu-ms")
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Logf("sqlite3 not installed; no comparison")
		return
	}
	bare := ".import --csv " + csvPath + " staged\n"
	full := `INSERT INTO people (id, given_name, family_name, email, created_at, updated_at)
		SELECT rowid, given_name, family_name, email, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM staged;
	INSERT INTO organisers (id, person_id, role, host_id, cohort_id, supported_by_id, starts_on, status, created_at, updated_at)
		SELECT s.rowid, s.rowid, s.role, h.id, c.id, sp.rowid, s.start_date, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
		FROM staged s LEFT JOIN hosts h ON h.name = s.host LEFT JOIN cohorts c ON c.number = s.cohort
		LEFT JOIN staged sp ON sp.email = s.supported_by AND s.supported_by <> '';`
	for _, peer := range []struct{ name, script string }{{"sqlite3-import", bare}, {"sqlite3-import+insert", bare + "BEGIN;\n" + full + "\nCOMMIT;\n"}} {
		bestWall, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
		for i := 0; i < 3; i++ {
			path := filepath.Join(dir, fmt.Sprintf("cli%d.db", i))
			os.WriteFile(path, baseBytes, 0o600)
			cmd := exec.Command("sqlite3", path)
			cmd.Stdin = strings.NewReader(peer.script)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil || len(out) > 0 {
				b.Fatalf("sqlite3 %s: %v\n%s", peer.name, err, out)
			}
			bestWall = min(bestWall, time.Since(start))
			bestCPU = min(bestCPU, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			RemoveDatabase(path)
		}
		b.ReportMetric(ms(bestCPU), peer.name+"-cpu-ms")
		b.ReportMetric(float64(cpu/n)/float64(bestCPU), "x-"+peer.name+"-cpu")
		b.ReportMetric(float64(wall/n)/float64(bestWall), "x-"+peer.name+"-wall")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is this process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
