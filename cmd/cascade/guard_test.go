package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cascade/model"
	"cascade/model/sqlstore"
)

// demoWithFiles is a copy of the shared demo with its evidence files.
func demoWithFiles(t *testing.T) string {
	t.Helper()
	db := demoCopy(t)
	if err := os.CopyFS(db+".files", os.DirFS(sharedDemo(t)+".files")); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestBackupNamesAMissingEvidenceFile: exit 1, the file named, never
// "0 evidence files" and success.
func TestBackupNamesAMissingEvidenceFile(t *testing.T) {
	db := demoWithFiles(t)
	archive := filepath.Join(t.TempDir(), "b.zip")
	if code, _, errOut := cascade(t, "backup", "--db", db, "--out", archive); code != 0 {
		t.Fatalf("backup of a whole programme: exit %d: %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(db+".files", "*", "*"))
	if len(files) < 2 {
		t.Fatalf("the demo copy has %d evidence files", len(files))
	}
	os.Remove(files[0])
	os.WriteFile(files[1], []byte("rot"), 0o600)
	code, stdout, errOut := cascade(t, "backup", "--db", db, "--out", archive)
	if code != 1 || !strings.Contains(errOut, files[0]+": evidence file is missing") ||
		!strings.Contains(errOut, files[1]+": evidence file is damaged") {
		t.Fatalf("backup with a missing and a damaged file: exit %d\nstdout %s\nstderr %s", code, stdout, errOut)
	}
	if strings.Contains(stdout, "backed up") {
		t.Errorf("backup said it succeeded: %s", stdout)
	}
}

// TestReadOnlyDatabaseServesReading: a file marked read-only answers
// summary, export and verify; import and certificates say read-only in one
// line, and the file is unchanged.
func TestReadOnlyDatabaseServesReading(t *testing.T) {
	db := demoWithFiles(t)
	dir := t.TempDir()
	email := eligibleTrainer(t, db)
	pdf := filepath.Join(dir, "c.pdf")
	if code, _, errOut := cascade(t, "certificates", "--db", db, "--person", email, "--kind", "trainer", "--out", pdf); code != 0 {
		t.Fatalf("certificates: exit %d: %s", code, errOut)
	}
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	if code, stdout, errOut := cascade(t, "summary", "--db", db); code != 0 || !strings.Contains(stdout, "volunteer organisers") {
		t.Errorf("summary on a read-only file: exit %d: %s%s", code, stdout, errOut)
	}
	out := filepath.Join(dir, "o.csv")
	if code, stdout, errOut := cascade(t, "export", "organisers", "--db", db, "--out", out); code != 0 || !strings.HasPrefix(stdout, "wrote ") {
		t.Errorf("export on a read-only file: exit %d: %s%s", code, stdout, errOut)
	}
	if code, stdout, errOut := cascade(t, "verify", "--db", db, pdf); code != 0 || !strings.HasSuffix(stdout, "status: valid\n") {
		t.Errorf("verify on a read-only file: exit %d: %s%s", code, stdout, errOut)
	}
	if code, _, errOut := cascade(t, "check", "--db", db); code != 0 {
		t.Errorf("check on a read-only file: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cascade(t, "backup", "--db", db, "--out", filepath.Join(dir, "b.zip")); code != 0 {
		t.Errorf("backup of a read-only file: exit %d: %s", code, errOut)
	}
	if code, _, errOut := cascade(t, "report", "progress", "--db", db, "--out", filepath.Join(dir, "p.pdf")); code != 0 {
		t.Errorf("report on a read-only file: exit %d: %s", code, errOut)
	}
	csv := filepath.Join(dir, "cohorts.csv")
	os.WriteFile(csv, []byte("number,host_induction_on,training_starts_on,training_ends_on\n99,,,\n"), 0o600)
	for _, args := range [][]string{
		{"import", "cohorts", csv, "--db", db},
		{"certificates", "--db", db, "--person", email, "--kind", "trainer", "--out", filepath.Join(dir, "again.pdf")},
	} {
		code, _, errOut := cascade(t, append(args, "--db", db)...)
		if code != 1 || !strings.Contains(errOut, "read-only") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s on a read-only file: exit %d, stderr %q; want one line saying read-only", args[0], code, errOut)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the read-only file changed")
	}
}

// eligibleTrainer is the email of a trainer due a certificate in db.
func eligibleTrainer(t *testing.T, db string) string {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cands, err := s.Candidates(context.Background(), model.CertSelection{Kind: model.KindTrainer})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.Eligible {
			return c.Email
		}
	}
	t.Fatal("no trainer is due a certificate in the demo")
	return ""
}

// TestRestoreRefusedWhileTheWindowHasItOpen: the window (here a store
// opened as the window opens it) holds the programme; restore --force exits
// 1 naming it and changes nothing; once it closes, the restore works.
func TestRestoreRefusedWhileTheWindowHasItOpen(t *testing.T) {
	db := demoWithFiles(t)
	archive := filepath.Join(t.TempDir(), "b.zip")
	if code, _, errOut := cascade(t, "backup", "--db", db, "--out", archive); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	old := sqlstore.Holder
	sqlstore.Holder = "cascade window"
	s, err := sqlstore.Open(context.Background(), db)
	sqlstore.Holder = old
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	code, _, errOut := cascade(t, "restore", archive, "--db", db, "--force")
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("pid %d, cascade window", os.Getpid())) || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("restore while the window has it open: exit %d, stderr %q; want one line naming the window", code, errOut)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the refused restore changed the programme")
	}
	s.Close()
	if code, _, errOut := cascade(t, "restore", archive, "--db", db, "--force"); code != 0 {
		t.Fatalf("restore once the window closed: exit %d: %s", code, errOut)
	}
	entries, _ := os.ReadDir(filepath.Dir(db))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cascade-") {
			t.Errorf("the restore left %s", e.Name())
		}
	}
}
