package sqlstore

import (
	"cascade/model"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestExportAndErasePerson(t *testing.T) {
	s := demoCopy(t)
	ctx := context.Background()
	// A withdrawn organiser with evidence files, and an active one.
	var email, active string
	var pid, oid int64
	err := s.db.QueryRowContext(ctx, `SELECT p.email, p.id, o.id FROM organisers o JOIN people p ON p.id = o.person_id
		WHERE o.status = 'withdrawn' AND EXISTS (SELECT 1 FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id
		WHERE e.organiser_id = o.id) ORDER BY o.id LIMIT 1`).Scan(&email, &pid, &oid)
	if err != nil {
		t.Fatalf("find a withdrawn organiser with files: %v", err)
	}
	s.db.QueryRowContext(ctx, `SELECT p.email FROM organisers o JOIN people p ON p.id = o.person_id
		WHERE o.status = 'active' LIMIT 1`).Scan(&active)
	if err := s.SetEquality(ctx, model.LocalUser(), pid, model.Equality{Gender: "Woman", AgeBand: "25–34"}); err != nil {
		t.Fatal(err)
	}
	files := count(t, s, `SELECT count(*) FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id WHERE e.organiser_id = $1`, oid)
	items := count(t, s, `SELECT count(*) FROM evidence_items WHERE organiser_id = $1`, oid)

	// Subject access: everything, in JSON, with the files.
	dir := filepath.Join(t.TempDir(), "sar")
	res, err := s.ExportPerson(ctx, model.LocalUser(), strings.ToUpper(email), dir)
	if err != nil {
		t.Fatalf("ExportPerson: %v", err)
	}
	if res.Files != files {
		t.Errorf("ExportPerson copied %d files; the person has %d", res.Files, files)
	}
	var d model.PersonData
	b, _ := os.ReadFile(filepath.Join(dir, "person.json"))
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("person.json: %v", err)
	}
	if got := d.Sections["person"][0]["email"]; got != email {
		t.Errorf("person.json email = %v; want %s", got, email)
	}
	if len(d.Sections["evidence_items"]) != items || len(d.Sections["equality_monitoring"]) != 1 {
		t.Errorf("person.json holds %d evidence items and %d equality rows; want %d and 1",
			len(d.Sections["evidence_items"]), len(d.Sections["equality_monitoring"]), items)
	}
	if strings.Contains(string(b), "argon2") {
		t.Error("person.json holds a password hash")
	}
	if _, err := s.ExportPerson(ctx, model.LocalUser(), email, dir); err == nil {
		t.Error("ExportPerson into a non-empty folder succeeded")
	}

	// Erasure: refused for an active organiser and without a reason.
	if _, err := s.ErasePerson(ctx, model.LocalUser(), active, "asked"); !errors.Is(err, model.ErrPermission) {
		t.Errorf("ErasePerson(active organiser) = %v; want ErrPermission", err)
	}
	if _, err := s.ErasePerson(ctx, model.LocalUser(), email, "  "); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("ErasePerson(no reason) = %v; want ErrInvalid", err)
	}
	sumBefore, _ := s.Summary(ctx)
	var paths []string // the kept files' hashes
	rows, _ := s.db.QueryContext(ctx, `SELECT DISTINCT f.sha256 FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id WHERE e.organiser_id = $1`, oid)
	for rows.Next() {
		var h string
		rows.Scan(&h)
		paths = append(paths, h)
	}
	rows.Close()
	er, err := s.ErasePerson(ctx, model.LocalUser(), email, "subject asked on 1 July")
	if err != nil {
		t.Fatalf("ErasePerson: %v", err)
	}
	label := "Erased person " + strconv.FormatInt(pid, 10)
	var given, gotEmail, phone, uln string
	s.db.QueryRowContext(ctx, `SELECT given_name || ' ' || family_name, email, phone, uln FROM people WHERE id = $1`, pid).Scan(&given, &gotEmail, &phone, &uln)
	if given != label || gotEmail != "erased-"+strconv.FormatInt(pid, 10)+"@erased.invalid" || phone != "" || uln != "" || er.Label != label {
		t.Errorf("after erasure: %q %q %q %q", given, gotEmail, phone, uln)
	}
	if n := count(t, s, `SELECT count(*) FROM equality_monitoring WHERE person_id = $1`, pid); n != 0 {
		t.Error("equality answers kept after erasure")
	}
	if n := count(t, s, `SELECT count(*) FROM evidence_items WHERE organiser_id = $1 AND description <> ''`, oid); n != 0 {
		t.Errorf("%d evidence descriptions kept after erasure", n)
	}
	if er.FilesRemoved != len(paths) {
		t.Errorf("FilesRemoved = %d; want %d", er.FilesRemoved, len(paths))
	}
	for _, h := range paths {
		if _, _, err := s.files.open(ctx, h); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("evidence file %s still kept (%s): %v", h, s.EvidenceFilePath(h), err)
		}
	}
	// Counts stay: the organiser and their evidence items are still counted.
	sumAfter, _ := s.Summary(ctx)
	if sumAfter.VolunteerOrganisers+sumAfter.SeniorOrganisers != sumBefore.VolunteerOrganisers+sumBefore.SeniorOrganisers ||
		sumAfter.EvidenceItems != sumBefore.EvidenceItems || sumAfter.EvidenceFiles != sumBefore.EvidenceFiles-files {
		t.Errorf("summary after erasure %+v; before %+v", sumAfter, sumBefore)
	}
	entries, _ := s.AuditLog(ctx, model.AuditFilter{Action: "erase"})
	if len(entries) != 1 || !strings.Contains(entries[0].After, "subject asked on 1 July") || strings.Contains(entries[0].After, email) {
		t.Errorf("audit of erasure = %+v", entries)
	}
	if r, err := s.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check after erasure = %v, %v", r.Problems, err)
	}
	// The erased row still exports, with its placeholder, which no import
	// may take (a later erasure of that person id would find it in use).
	_, exported, err := s.ExportTable(ctx, model.KindOrganisers)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range exported {
		if r[2] == gotEmail {
			found = r[0] == "Erased" && r[1] == "person "+strconv.FormatInt(pid, 10) && model.CheckEmail(r[2]) != nil
		}
	}
	if !found {
		t.Errorf("the erased organiser does not export with its reserved placeholder")
	}
	if _, err := s.ErasePerson(ctx, model.LocalUser(), gotEmail, "again"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("erasing twice = %v; want ErrInvalid", err)
	}
}

func TestEqualityIsForAdministratorsOnly(t *testing.T) {
	s := importedStore(t)
	ctx := context.Background()
	var pid int64
	s.db.QueryRowContext(ctx, `SELECT id FROM people LIMIT 1`).Scan(&pid)
	for _, role := range []string{model.RoleLead, model.RoleAssessor, model.RoleVerifier, model.RoleModerator, ""} {
		if err := s.SetEquality(ctx, userWithRole(t, s, role), pid, model.Equality{Gender: "Man"}); !errors.Is(err, model.ErrPermission) {
			t.Errorf("SetEquality as %q = %v; want ErrPermission", role, err)
		}
		if _, err := s.Equality(ctx, userWithRole(t, s, role), pid); !errors.Is(err, model.ErrPermission) {
			t.Errorf("Equality as %q = %v; want ErrPermission", role, err)
		}
	}
	if err := s.SetEquality(ctx, model.LocalUser(), pid, model.Equality{Gender: "Man", Ethnicity: "White British"}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Equality(ctx, model.LocalUser(), pid)
	if err != nil || e.Gender != "Man" || e.Ethnicity != "White British" {
		t.Errorf("Equality as admin = %+v, %v", e, err)
	}
	// An answer the form does not offer is refused, naming the question.
	err = s.SetEquality(ctx, model.LocalUser(), pid, model.Equality{Gender: "Man", AgeBand: "25-34"})
	if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), `age: "25-34"`) {
		t.Errorf("SetEquality with an age band not offered = %v; want ErrInvalid naming the age", err)
	}
	counts, err := s.EqualityCounts(ctx)
	if err != nil || len(counts) != 4 {
		t.Errorf("EqualityCounts = %+v, %v; want one answer for each of 4 questions", counts, err)
	}
	entries, _ := s.AuditLog(ctx, model.AuditFilter{Entity: "equality_monitoring"})
	if len(entries) != 1 || strings.Contains(entries[0].After, "White British") {
		t.Errorf("equality audit entry = %+v; want one, without the answers", entries)
	}
}
