package sqlstore

import (
	"archive/zip"
	"bytes"
	"cascade/model"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// erasureSubject readies a withdrawn demo organiser with evidence files for
// erasure and leaves their details where the issue found them: renamed
// through the form (the audit log holds before and after, the old email
// lingers on a free page of the email index), an evidence item titled and
// described with their name and email, another learner's feedback naming
// them, and an automatic backup. It returns the strings that must vanish.
func erasureSubject(t *testing.T, s *Store) (email string, secrets []string) {
	t.Helper()
	ctx := context.Background()
	var oid int64
	err := s.db.QueryRowContext(ctx, `SELECT o.id, p.email FROM organisers o JOIN people p ON p.id = o.person_id
		WHERE o.status = 'withdrawn' AND EXISTS (SELECT 1 FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id
		WHERE e.organiser_id = o.id) ORDER BY o.id LIMIT 1`).Scan(&oid, &email)
	if err != nil {
		t.Fatalf("find a withdrawn organiser with files: %v", err)
	}
	o, err := s.Organiser(ctx, oid)
	if err != nil {
		t.Fatal(err)
	}
	oldEmail := o.Email
	o.GivenName, o.FamilyName, o.Email = "Quenburga", "Zyxwabble", "q.zyxwabble@example.org"
	o.WithdrawnReason = "Quenburga moved to Leeds"
	if err := s.UpdateOrganiser(ctx, model.LocalUser(), o); err != nil {
		t.Fatalf("rename: %v", err)
	}
	var crit int64
	if err := s.db.QueryRowContext(ctx, `SELECT min(id) FROM criteria`).Scan(&crit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, model.LocalUser(), model.EvidenceItem{OrganiserID: oid, Kind: "product",
		Title: "Quenburga Zyxwabble's listening campaign", Description: "Quenburga Zyxwabble wrote this up herself",
		EvidenceOn: "2013-01-01", CriterionIDs: []int64{crit}}, false); err != nil {
		t.Fatalf("AddEvidence: %v", err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE assessment_decisions SET feedback = 'Worked well with Quenburga Zyxwabble on this'
		WHERE id = (SELECT min(id) FROM assessment_decisions WHERE organiser_id <> $1)`, oid); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEquality(ctx, model.LocalUser(), o.PersonID, model.Equality{Gender: "Woman"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AutoBackup(ctx, AutoBackupDir(s.Path()), 10); err != nil {
		t.Fatal(err)
	}
	return o.Email, []string{"Quenburga", "Zyxwabble", "q.zyxwabble@example.org", oldEmail}
}

// fileHolds reports which of secrets the file at path holds, searching a
// zip archive's members after inflating them.
func fileHolds(t *testing.T, path string, secrets []string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	blobs := [][]byte{data}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			blobs = append(blobs, b)
		}
	}
	var found []string
	for _, sec := range secrets {
		for _, b := range blobs {
			if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(sec))) {
				found = append(found, sec)
				break
			}
		}
	}
	return found
}

// TestErasureLeavesNoTrace erases a person and searches the bytes of the
// database file, its WAL and the automatic backups for their name and email.
func TestErasureLeavesNoTrace(t *testing.T) {
	sqliteOnly(t, "it searches the SQLite file's own bytes, its WAL and the automatic backups beside it; "+
		"on a server the erasure vacuums the tables it touched and old row versions are the server's to recycle")
	s := demoCopy(t)
	ctx := context.Background()
	email, secrets := erasureSubject(t, s)
	path := s.Path()
	// Before: the file and its WAL between them hold every one.
	before := map[string]bool{}
	for _, f := range []string{path, path + "-wal"} {
		for _, sec := range fileHolds(t, f, secrets) {
			before[sec] = true
		}
	}
	if len(before) != len(secrets) {
		t.Fatalf("before erasure the file holds only %v of %q: the test would prove nothing", before, secrets)
	}
	// The audit screen reads the person's entries while they are here.
	entries, err := s.AuditLog(ctx, model.AuditFilter{Text: "zyxwabble"})
	if err != nil || len(entries) < 2 {
		t.Fatalf("AuditLog(Text zyxwabble) = %d entries, %v; want the rename and the evidence", len(entries), err)
	}

	// A subject access request shows their audit entries opened.
	d, err := s.PersonData(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	opened := 0
	for _, row := range d.Sections["audit_log"] {
		if strings.Contains(fmt.Sprint(row["after"]), "Zyxwabble") {
			opened++
		}
	}
	if opened < 2 {
		t.Errorf("person data holds %d opened audit entries naming them; want the rename and the evidence", opened)
	}

	res, err := s.ErasePerson(ctx, model.LocalUser(), email, "Quenburga Zyxwabble asked on 1 July")
	if err != nil {
		t.Fatalf("ErasePerson: %v", err)
	}
	if !res.Compacted || len(res.Backups) != 1 {
		t.Fatalf("Erasure = %+v; want compacted and the one backup listed", res)
	}
	for _, f := range []string{path, path + "-wal"} {
		if got := fileHolds(t, f, secrets); len(got) > 0 {
			t.Errorf("%s still holds %q after erasure", filepath.Base(f), got)
		}
	}
	if got := fileHolds(t, res.Backups[0], secrets); len(got) < 3 {
		t.Errorf("the backup made before holds %q; the test expects it to hold the person until purged", got)
	}
	purged, err := s.PurgeBackups(ctx, model.LocalUser(), model.ErasedEmail(res.PersonID), res.Backups)
	if err != nil || len(purged) != 1 {
		t.Fatalf("PurgeBackups = %v, %v; want the one backup rewritten", purged, err)
	}
	if got := fileHolds(t, res.Backups[0], secrets); len(got) > 0 {
		t.Errorf("backup still holds %q after --purge-backups", got)
	}
	// The purged backup still restores and passes check.
	restored := filepath.Join(t.TempDir(), "r.db")
	if _, err := Restore(ctx, res.Backups[0], restored, model.RestoreOptions{}); err != nil {
		t.Fatalf("restore the purged backup: %v", err)
	}
	if r2, err := Open(ctx, restored); err != nil {
		t.Fatal(err)
	} else {
		if r, err := r2.Check(ctx); err != nil || !r.OK() {
			t.Errorf("Check on the purged backup = %v, %v", r.Problems, err)
		}
		r2.Close()
	}
	// The chain still verifies, and the person's entries read "(erased)".
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check after erasure = %v, %v; want ok", r.Problems, err)
	}
	all, err := s.AuditLog(ctx, model.AuditFilter{Entity: "organiser"})
	if err != nil {
		t.Fatal(err)
	}
	erasedShown := 0
	for _, e := range all {
		if strings.Contains(strings.ToLower(e.Before+e.After), "zyxwabble") {
			t.Errorf("audit entry %d still reads the name: %s", e.ID, e.After)
		}
		if e.After == ErasedText {
			erasedShown++
		}
	}
	if erasedShown == 0 {
		t.Error("no audit entry reads (erased)")
	}
	erase, _ := s.AuditLog(ctx, model.AuditFilter{Action: "erase"})
	if len(erase) != 1 || !strings.Contains(erase[0].After, "[erased] asked on 1 July") {
		t.Errorf("erasure entry = %+v; want its reason kept without the name", erase)
	}
	// Another learner's feedback no longer names them.
	if n := count(t, s, `SELECT count(*) FROM assessment_decisions WHERE feedback LIKE '%Worked well with [erased]%'`); n != 1 {
		t.Errorf("feedback naming the person: %d rows rewritten; want 1", n)
	}
	// Purging again finds nothing more to remove.
	if again, err := s.PurgeBackups(ctx, model.LocalUser(), model.ErasedEmail(res.PersonID), res.Backups); err != nil || len(again) != 0 {
		t.Errorf("second PurgeBackups = %v, %v; want nothing rewritten", again, err)
	}
}

// TestErasedAddressIsReserved: the placeholder an erasure uses cannot be
// taken by an import or a form, so a later erasure cannot fail on it.
func TestErasedAddressIsReserved(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	csv := filepath.Join(t.TempDir(), "organisers.csv")
	body := "given_name,family_name,email,role,host,cohort,start_date,supported_by\n" +
		"Ann,Lee,ann@example.org,senior,Keystone Development Trust,1,2011-07-25,\n" +
		"Bea,Lee,erased-171@invalid,senior,Keystone Development Trust,1,2011-07-25,\n" +
		"Cai,Lee,erased-5@erased.invalid,senior,Keystone Development Trust,1,2011-07-25,\n" +
		"Dee,Lee,dee@Sub.ERASED.invalid,senior,Keystone Development Trust,1,2011-07-25,\n"
	if err := os.WriteFile(csv, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Import(ctx, model.LocalUser(), model.KindOrganisers, csv, model.ImportOptions{})
	got := strings.Join(problemLines(err), "\n")
	for _, want := range []string{
		`3: email: "erased-171@invalid"`,
		`4: email: "erased-5@erased.invalid" uses erased.invalid, which is kept for erased people`,
		`5: email: "dee@Sub.ERASED.invalid" uses erased.invalid`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("import problems:\n%s\nwant a line containing %q", got, want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM people WHERE email = 'ann@example.org'`); n != 0 {
		t.Error("the import landed in part")
	}
	// The organiser form refuses it too, naming the field.
	o := model.Organiser{GivenName: "Eve", FamilyName: "Lee", Email: model.ErasedEmail(9), Role: model.RoleSenior, Status: model.StatusActive}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "email") {
		t.Errorf("Validate(erased address) = %v; want the email refused", err)
	}
	// An erasure always finds its placeholder free: erase a person whose id
	// matches an address someone tried to take.
	var pid int64
	var mail string
	s.db.QueryRowContext(ctx, `SELECT p.id, p.email FROM organisers o JOIN people p ON p.id = o.person_id ORDER BY o.id LIMIT 1`).Scan(&pid, &mail)
	if _, err := s.db.ExecContext(ctx, `UPDATE organisers SET status = 'withdrawn', withdrawn_on = '2013-01-01' WHERE person_id = $1`, pid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ErasePerson(ctx, model.LocalUser(), mail, "asked"); err != nil {
		t.Fatalf("ErasePerson: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM people WHERE email = $1`, "erased-"+strconv.FormatInt(pid, 10)+"@erased.invalid"); n != 1 {
		t.Errorf("placeholder rows = %d; want 1", n)
	}
}
