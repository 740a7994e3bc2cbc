package main

import (
	"archive/zip"
	"bytes"
	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/model/sqlstore/sqlstoretest"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCommandFindsTampering: with the audit triggers dropped in the
// sqlite3 shell and an entry rewritten, check exits 1 with one line per problem.
func TestCheckCommandFindsTampering(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if code, _, errOut := cascade(t, "init", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	cmd := exec.Command("sqlite3", db)
	cmd.Stdin = strings.NewReader(`DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET actor = 'someone else' WHERE id = 1;`)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v: %s", err, out)
	}
	code, stdout, errOut := cascade(t, "check", "--db", db)
	want := "trigger audit_log_no_update: is missing: the protection it gives was dropped\n" +
		"audit_log row 1: does not match its hash: this entry was changed, or one before it inserted or removed\n"
	if code != 1 || stdout != want || !strings.Contains(errOut, "2 problems") {
		t.Errorf("check after tampering: exit %d\n%s%s\nwant exit 1 and\n%s", code, stdout, errOut, want)
	}
}

// TestEraseCommandListsAndPurgesBackups: erase names the automatic backups
// made before; run again with the placeholder and --purge-backups, it removes
// the person from them, and check still passes.
func TestEraseCommandListsAndPurgesBackups(t *testing.T) {
	db := sqlstoretest.Copy(t)
	s := openTestStore(t, db)
	var email string
	var pid int64
	s.DB().QueryRow(`SELECT p.email, p.id FROM organisers o JOIN people p ON p.id = o.person_id
		WHERE o.status = 'withdrawn' ORDER BY o.id LIMIT 1`).Scan(&email, &pid)
	info, err := s.AutoBackup(t.Context(), sqlstore.AutoBackupDir(db), 10)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !fileContains(t, info.Path, email) {
		t.Fatalf("the backup does not hold %s: the test would prove nothing", email)
	}
	code, stdout, errOut := cascade(t, "erase", "person", email, "--db", db, "--reason", "subject asked")
	placeholder := model.ErasedEmail(pid)
	if code != 0 || !strings.Contains(stdout, "1 automatic backups made before still hold the person") ||
		!strings.Contains(stdout, info.Path) || !strings.Contains(stdout, "cascade erase person "+placeholder) {
		t.Fatalf("erase: exit %d\n%s%s", code, stdout, errOut)
	}
	code, stdout, errOut = cascade(t, "erase", "person", placeholder, "--db", db, "--reason", "purge", "--purge-backups")
	if code != 0 || !strings.Contains(stdout, "removed the person from backup "+info.Path) {
		t.Fatalf("erase --purge-backups: exit %d\n%s%s", code, stdout, errOut)
	}
	if fileContains(t, info.Path, email) {
		t.Errorf("backup still holds %s after --purge-backups", email)
	}
	if code, stdout, _ := cascade(t, "check", "--db", db); code != 0 {
		t.Errorf("check after erasure: %s", stdout)
	}
}

// fileContains inflates a backup archive's database and looks for text in
// its bytes, free pages included, as grep would.
func fileContains(t *testing.T, archive, text string) bool {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatalf("open %s: %v", archive, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "cascade.db" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("inflate %s: %v", archive, err)
		}
		return bytes.Contains(bytes.ToLower(data), bytes.ToLower([]byte(text)))
	}
	t.Fatalf("%s holds no cascade.db", archive)
	return false
}
