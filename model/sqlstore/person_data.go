package sqlstore

import (
	"bytes"
	"cascade/model"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// personSections read a person's records; $1 is the person, $2 their
// organiser id, $3 their trainer id (0 when they are not one).
var personSections = []struct{ name, query string }{
	{"person", `SELECT * FROM people WHERE id = $1`},
	{"equality_monitoring", `SELECT * FROM equality_monitoring WHERE person_id = $1`},
	{"organiser", `SELECT o.*, h.name AS host_name, c.number AS cohort_number, sp.email AS supported_by_email
		FROM organisers o LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
		LEFT JOIN organisers so ON so.id = o.supported_by_id LEFT JOIN people sp ON sp.id = so.person_id
		WHERE o.id = $2`},
	{"trainer", `SELECT t.*, bp.email AS trained_by_email FROM trainers t
		LEFT JOIN trainers bt ON bt.id = t.trained_by_id LEFT JOIN people bp ON bp.id = bt.person_id WHERE t.id = $3`},
	{"sign_in_users", `SELECT id, username, display_name, role, active_since, disabled_at, created_at
		FROM users WHERE person_id = $1`},
	{"enrolments", `SELECT c.id AS course_id, c.kind, c.title, c.starts_on, c.ends_on, c.venue
		FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.person_id = $1 ORDER BY c.id`},
	{"attendance", `SELECT s.held_on, s.title, s.venue, a.present, a.recorded_at, a.recorded_by
		FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE a.person_id = $1 ORDER BY s.held_on, s.id`},
	{"sessions_taught", `SELECT id, course_id, held_on, title, venue FROM sessions WHERE trainer_id = $3 ORDER BY held_on, id`},
	{"module_completions", `SELECT m.code, m.title, mc.completed_on FROM module_completions mc
		JOIN modules m ON m.id = mc.module_id WHERE mc.organiser_id = $2 ORDER BY m.position`},
	{"registrations", `SELECT q.code, q.title, r.registration_number, r.registered_on FROM registrations r
		JOIN qualifications q ON q.id = r.qualification_id WHERE r.organiser_id = $2`},
	{"evidence_items", `SELECT * FROM evidence_items WHERE organiser_id = $2 ORDER BY id`},
	{"evidence_files", `SELECT f.* FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id
		WHERE e.organiser_id = $2 ORDER BY f.id`},
	{"evidence_criteria", `SELECT ec.evidence_id, u.code AS unit, c.number AS criterion FROM evidence_criteria ec
		JOIN evidence_items e ON e.id = ec.evidence_id JOIN criteria c ON c.id = ec.criterion_id
		JOIN units u ON u.id = c.unit_id WHERE e.organiser_id = $2 ORDER BY ec.evidence_id, u.code, c.number`},
	{"assessment_decisions", `SELECT d.*, u.display_name AS assessor_name FROM assessment_decisions d
		JOIN users u ON u.id = d.assessor_id WHERE d.organiser_id = $2 ORDER BY d.id`},
	{"unit_achievements", `SELECT u.code, u.title, ua.achieved_on FROM unit_achievements ua
		JOIN units u ON u.id = ua.unit_id WHERE ua.organiser_id = $2 ORDER BY ua.achieved_on, u.code`},
	{"claim_lines", `SELECT cl.reference, cl.status, l.registration_number, l.uln, u.code AS unit, l.credits
		FROM claim_lines l JOIN claims cl ON cl.id = l.claim_id JOIN units u ON u.id = l.unit_id
		WHERE l.organiser_id = $2 ORDER BY cl.id, u.code`},
	{"certificates", `SELECT * FROM certificates WHERE person_id = $1 ORDER BY id`},
	{"audit_log", `SELECT * FROM audit_log WHERE subject_id = $1 OR (entity IN ('people', 'person') AND entity_id = CAST($1 AS TEXT))
		OR (entity IN ('organisers', 'organiser') AND entity_id = CAST($2 AS TEXT))
		OR (entity IN ('trainers', 'trainer') AND entity_id = CAST($3 AS TEXT)) ORDER BY id`},
}

// personIDs finds a person by email (any case) with their organiser and trainer ids.
func personIDs(ctx context.Context, q querier, email string) (person, organiser, trainer int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT p.id, coalesce(o.id, 0), coalesce(t.id, 0) FROM people p
		LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN trainers t ON t.person_id = p.id
		WHERE lower(p.email) = lower($1)`, strings.TrimSpace(email)).Scan(&person, &organiser, &trainer)
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("no one with email %s: %w", email, model.ErrNotFound)
	}
	return
}

// PersonData reads everything held about the person with this email.
func (s *Store) PersonData(ctx context.Context, email string) (*model.PersonData, error) {
	pid, oid, tid, err := personIDs(ctx, s.db, email)
	if err != nil {
		return nil, err
	}
	d := &model.PersonData{PersonID: pid, Email: email, Sections: map[string][]map[string]any{}}
	for _, sec := range personSections {
		// Each section names only the ids it needs, and PostgreSQL refuses
		// an argument a statement does not use (it cannot type it), so the
		// ids, integers read from the database, are written into the text.
		q := strings.NewReplacer("$1", strconv.FormatInt(pid, 10), "$2", strconv.FormatInt(oid, 10),
			"$3", strconv.FormatInt(tid, 10)).Replace(sec.query)
		rows, err := rowsAsMaps(ctx, s.db, q)
		if err != nil {
			return nil, fmt.Errorf("read %s for %s: %w", sec.name, email, err)
		}
		d.Sections[sec.name] = rows
	}
	// Their audit entries are sealed with their key; the answer shows them opened.
	key, err := personKey(ctx, s.db, pid, false)
	if err != nil {
		return nil, err
	}
	for _, row := range d.Sections["audit_log"] {
		for _, col := range []string{"before", "after"} {
			if text, ok := row[col].(string); ok {
				if row[col], err = unseal(key, text); err != nil {
					return nil, fmt.Errorf("read audit entry %v for %s: %w", row["id"], email, err)
				}
			}
		}
	}
	return d, nil
}

func rowsAsMaps(ctx context.Context, q querier, query string, args ...any) ([]map[string]any, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ExportPerson answers a subject access request: dir/person.json with
// everything held, dir/certificates.json with their certificate records as
// issued, and their evidence files under dir/files/. dir must be new or empty.
func (s *Store) ExportPerson(ctx context.Context, by model.User, email, dir string) (model.PersonExport, error) {
	if err := s.require(ctx, by, model.ActExportPerson); err != nil {
		return model.PersonExport{}, err
	}
	res := model.PersonExport{Dir: dir}
	d, err := s.PersonData(ctx, email)
	if err != nil {
		return res, err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return res, fmt.Errorf("export %s to %s: the folder is not empty; choose a new folder", email, dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o700); err != nil {
		return res, fmt.Errorf("export %s: %w", email, err)
	}
	if err := writeJSON(filepath.Join(dir, "person.json"), d); err != nil {
		return res, fmt.Errorf("export %s: %w", email, err)
	}
	certs := d.Sections["certificates"]
	res.Certificates = len(certs)
	if err := writeJSON(filepath.Join(dir, "certificates.json"), certs); err != nil {
		return res, fmt.Errorf("export %s: %w", email, err)
	}
	for _, f := range d.Sections["evidence_files"] {
		sha, _ := f["sha256"].(string)
		name := fmt.Sprintf("%v-%s", f["evidence_id"], filepath.Base(fmt.Sprint(f["file_name"])))
		if err := copyKept(ctx, s.files, sha, filepath.Join(dir, "files", name)); err != nil {
			return res, fmt.Errorf("export %s: evidence file %s: %w", email, name, err)
		}
		res.Files++
	}
	return res, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// ErasePerson removes a withdrawn organiser's personal details on request:
// name, email, phone, ULN, equality answers, evidence titles, descriptions
// and feedback, their withdrawal note, their evidence files (from disk when
// nothing else shares the file), their name and email wherever other free
// text quotes it, and the key that opens their details in the audit log, so
// those entries stay in the hash chain but read "(erased)". The file is then
// rebuilt (VACUUM) and its WAL emptied, so no old copy of the details is left
// on a free page. Counts stay, as do issued certificates, which verification
// needs and which carry the name they were issued to, and lines of claims
// already submitted to the OCN, which are locked. The erasure and its reason
// go in the audit log without the erased details. Automatic backups made
// before still hold the person: they are listed for PurgeBackups.
func (s *Store) ErasePerson(ctx context.Context, by model.User, email, reason string) (model.Erasure, error) {
	if err := s.require(ctx, by, model.ActErase); err != nil {
		return model.Erasure{}, err
	}
	var res model.Erasure
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return res, fmt.Errorf("erase %s: %w: give the reason for the erasure", email, model.ErrInvalid)
	}
	if err := model.TextReason.Check("reason", reason); err != nil {
		return res, fmt.Errorf("erase %q: %w", email, err)
	}
	var hashes []string
	err := s.withSecureDelete(ctx, func(conn *sql.Conn) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if s.pg {
			if err := s.lockWrites(ctx, tx); err != nil {
				return err
			}
		}
		pid, oid, _, err := personIDs(ctx, tx, email)
		if err != nil {
			return err
		}
		res.PersonID = pid
		var status string
		var erased sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(o.status, ''), p.erased_at FROM people p
			LEFT JOIN organisers o ON o.person_id = p.id WHERE p.id = $1`, pid).Scan(&status, &erased); err != nil {
			return err
		}
		switch {
		case erased.Valid:
			return fmt.Errorf("%w: this person was already erased on %s", model.ErrInvalid, erased.String)
		case oid == 0 || status != "withdrawn":
			return fmt.Errorf("%w: only a withdrawn organiser's details can be erased (withdraw them first)", model.ErrPermission)
		}
		res.Label = erasedLabel(pid)
		if hashes, res.Kept, err = erasePersonTx(ctx, tx, by.Username, s.now(), pid, oid, reason); err != nil {
			return err
		}
		return tx.Commit()
	})
	if err != nil {
		return res, fmt.Errorf("erase %s: %w", email, err)
	}
	if res.FilesRemoved, err = s.removeUnusedFiles(ctx, hashes); err != nil {
		return res, fmt.Errorf("erase %s: %w", email, err)
	}
	if res.Compacted, err = s.compact(ctx); err != nil {
		return res, fmt.Errorf("erase %s: the details are erased, but %w", email, err)
	}
	if s.pg {
		return res, nil // a server's backups are its administrator's, not kept beside a file
	}
	if res.Backups, err = AutoBackups(AutoBackupDir(s.path)); err != nil {
		return res, fmt.Errorf("erase %s: list the automatic backups: %w", email, err)
	}
	return res, nil
}

func erasedLabel(pid int64) string { return "Erased person " + strconv.FormatInt(pid, 10) }

// erasureFreeText are the free-text columns that may quote a person's name
// or email about someone else's record; an erasure replaces the quotes.
var erasureFreeText = []struct{ table, column string }{
	{"evidence_items", "title"}, {"evidence_items", "description"}, {"evidence_items", "listening_themes"},
	{"assessment_decisions", "feedback"}, {"iv_samples", "actions"}, {"organisers", "withdrawn_reason"},
}

// erasePersonTx removes the person's details inside tx and returns the
// evidence files their items held and how many certificates are kept. The
// checks on whether they may be erased are the caller's.
func erasePersonTx(ctx context.Context, tx *sql.Tx, actor string, now time.Time, pid, oid int64, reason string) (hashes []string, kept int, err error) {
	var given, family, mail string
	if err := tx.QueryRowContext(ctx, `SELECT given_name, family_name, email FROM people WHERE id = $1`, pid).Scan(&given, &family, &mail); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT f.sha256 FROM evidence_files f
		JOIN evidence_items e ON e.id = f.evidence_id WHERE e.organiser_id = $1`, oid)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return nil, 0, err
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	stamp := model.Now()
	label := erasedLabel(pid)
	steps := []struct {
		query string
		args  []any
	}{
		// Given and family name read "Erased person N" together, and neither is
		// empty, so the row still reads like any other.
		{`UPDATE people SET given_name = 'Erased', family_name = $1, email = $2, phone = '', uln = '',
			updated_at = $3, erased_at = $3 WHERE id = $4`,
			[]any{"person " + strconv.FormatInt(pid, 10), model.ErasedEmail(pid), stamp, pid}},
		{`DELETE FROM equality_monitoring WHERE person_id = $1`, []any{pid}},
		// Their own evidence is about them through and through: titles and
		// descriptions go, the kind and dates (the counts) stay.
		{`UPDATE evidence_items SET title = 'Erased', description = '' WHERE organiser_id = $1`, []any{oid}},
		{`DELETE FROM evidence_files WHERE evidence_id IN (SELECT id FROM evidence_items WHERE organiser_id = $1)`, []any{oid}},
		{`UPDATE assessment_decisions SET feedback = '' WHERE organiser_id = $1`, []any{oid}},
		{`UPDATE claim_lines SET uln = '' WHERE organiser_id = $1
			AND claim_id IN (SELECT id FROM claims WHERE status = 'draft')`, []any{oid}},
		{`UPDATE organisers SET withdrawn_reason = '', updated_at = $1 WHERE id = $2`, []any{stamp, oid}},
		// A sign-in account tied to the person shows their name.
		{`UPDATE users SET display_name = $1 WHERE person_id = $2`, []any{label, pid}},
		// Without the key their audit entries cannot be read again.
		{`DELETE FROM person_keys WHERE person_id = $1`, []any{pid}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return nil, 0, err
		}
	}
	scrub := quoteScrubber(strings.TrimSpace(given+" "+family), mail)
	for _, c := range erasureFreeText {
		if err := scrubColumn(ctx, tx, c.table, c.column, scrub, strings.TrimSpace(given+" "+family), mail); err != nil {
			return nil, 0, fmt.Errorf("remove quotes of the person from %s.%s: %w", c.table, c.column, err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM certificates WHERE person_id = $1`, pid).Scan(&kept); err != nil {
		return nil, 0, err
	}
	after, err := auditJSON(map[string]any{"reason": scrub(reason), "evidence_files": len(hashes), "certificates_kept": kept})
	if err != nil {
		return nil, 0, err
	}
	// Written plain, about no one: the person's key is gone, and the entry
	// must stay readable to say that the erasure happened and why.
	if err := appendAudit(ctx, tx, now.UTC().Format(time.RFC3339), actor, "erase", "people",
		strconv.FormatInt(pid, 10), "", after, 0); err != nil {
		return nil, 0, fmt.Errorf("audit the erasure: %w", err)
	}
	return hashes, kept, nil
}

// quoteScrubber replaces the person's full name and email, in any case, with "[erased]".
func quoteScrubber(name, mail string) func(string) string {
	var alts []string
	for _, v := range []string{name, mail} {
		if v != "" {
			alts = append(alts, regexp.QuoteMeta(v))
		}
	}
	if len(alts) == 0 {
		return func(s string) string { return s }
	}
	re := regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
	return func(s string) string { return re.ReplaceAllString(s, "[erased]") }
}

// scrubColumn rewrites the rows of table.column that quote name or mail
// (each table in erasureFreeText is keyed by id). LIKE picks the rows in
// both dialects; its _ and % may pick a few more than quote them, which
// scrub leaves as they are.
func scrubColumn(ctx context.Context, tx *sql.Tx, table, column string, scrub func(string) string, name, mail string) error {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT id, %[1]s FROM %[2]s
		WHERE ($1 <> '' AND lower(%[1]s) LIKE '%%' || lower($1) || '%%')
		   OR ($2 <> '' AND lower(%[1]s) LIKE '%%' || lower($2) || '%%')`,
		column, table), name, mail)
	if err != nil {
		return err
	}
	type hit struct {
		id   int64
		text string
	}
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.text); err != nil {
			rows.Close()
			return err
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range hits {
		text := scrub(h.text)
		if text == h.text {
			continue
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE id = $2`, table, column), text, h.id); err != nil {
			return err
		}
	}
	return nil
}

// removeUnusedFiles deletes evidence files no row names any more; one
// another item still names (the same bytes uploaded twice) stays.
func (s *Store) removeUnusedFiles(ctx context.Context, hashes []string) (int, error) {
	removed := 0
	for _, h := range hashes {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM evidence_files WHERE sha256 = $1`, h).Scan(&n); err != nil {
			return removed, err
		}
		if n == 0 {
			if err := s.files.remove(ctx, h); err == nil {
				removed++
			} else if !os.IsNotExist(err) {
				return removed, fmt.Errorf("remove evidence file: %w", err)
			}
		}
	}
	return removed, nil
}

// withSecureDelete runs fn on one connection with secure_delete on, so the
// pages fn frees are overwritten with zeros rather than left to be read.
//
// PostgreSQL has no such setting: a changed or deleted row's old version
// stays in the table until VACUUM makes its space reusable, and in the
// server's write-ahead log and its backups until they are recycled, which
// the server's administrator controls (see compact).
func (s *Store) withSecureDelete(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.pg {
		return fn(conn)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	// The connection goes back to the pool; later writes need not pay for zeroing.
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
	return fn(conn)
}

// compact rebuilds the file so no free page holds erased details, then
// copies the WAL into it and empties it. It reports false when another
// connection (a window left open) kept the WAL from being emptied.
//
// On PostgreSQL it vacuums the tables an erasure changes, so no query or
// later page reuse reaches the old row versions' space through the
// programme; the server's write-ahead log and base backups keep them until
// the server recycles them, which is its administrator's to arrange (the
// README's erasure note). Another desk's open transaction may keep VACUUM
// from freeing a version: then it reports false, as a kept WAL does.
func (s *Store) compact(ctx context.Context) (bool, error) {
	if s.pg {
		var oldest sql.NullString
		// A transaction older than the erasure (another desk mid-read)
		// keeps the old versions alive past this VACUUM.
		if err := s.db.QueryRowContext(ctx, `SELECT min(xact_start)::text FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
			  AND xact_start IS NOT NULL`).Scan(&oldest); err != nil {
			return false, fmt.Errorf("look for other desks' open transactions: %w", err)
		}
		if _, err := s.db.ExecContext(ctx, `VACUUM people, equality_monitoring, evidence_items, evidence_files,
			assessment_decisions, iv_samples, claim_lines, organisers, users, person_keys`); err != nil {
			return false, fmt.Errorf("free the old copies of the erased rows: %w", err)
		}
		return !oldest.Valid, nil
	}
	var busy, logFrames, done int
	err := s.withSecureDelete(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
			return fmt.Errorf("rebuild the file without the old copies: %w", err)
		}
		if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
			return fmt.Errorf("empty the write-ahead log: %w", err)
		}
		return nil
	})
	return err == nil && busy == 0, err
}

// PersonErased reports whether the person with this email (their own, or
// the placeholder an erasure gave them) has been erased.
func (s *Store) PersonErased(ctx context.Context, email string) (bool, error) {
	pid, _, _, err := personIDs(ctx, s.db, email)
	if err != nil {
		return false, err
	}
	var erased bool
	err = s.db.QueryRowContext(ctx, `SELECT erased_at IS NOT NULL FROM people WHERE id = $1`, pid).Scan(&erased)
	return erased, err
}

// PurgeBackups removes an erased person (named by their placeholder or any
// email that finds them) from each of the given backup archives of this
// programme: each is restored into a scratch folder, the person erased there
// as they were here, and the archive rewritten in place. An archive of
// another programme (another signing key), one made before the person was
// added, or one holding them already erased is left as it is. It returns the
// archives rewritten.
func (s *Store) PurgeBackups(ctx context.Context, by model.User, email string, archives []string) ([]string, error) {
	if err := s.require(ctx, by, model.ActErase); err != nil {
		return nil, err
	}
	pid, _, _, err := personIDs(ctx, s.db, email)
	if err != nil {
		return nil, fmt.Errorf("remove %s from backups: %w", email, err)
	}
	if erased, err := s.PersonErased(ctx, email); err != nil || !erased {
		return nil, fmt.Errorf("remove %s from backups: %w: erase them from the programme first", email, errors.Join(err, model.ErrInvalid))
	}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, a := range archives {
		changed, err := purgeBackup(ctx, by.Username, s.now(), pub, pid, a)
		if err != nil {
			return done, fmt.Errorf("remove %s from backup %s: %w", email, a, err)
		}
		if changed {
			done = append(done, a)
		}
	}
	return done, nil
}

func purgeBackup(ctx context.Context, actor string, now time.Time, pub []byte, pid int64, archive string) (bool, error) {
	scratch, err := os.MkdirTemp(filepath.Dir(archive), ".cascade-purge-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(scratch)
	path := filepath.Join(scratch, "purge.db")
	if _, err := Restore(ctx, archive, path, model.RestoreOptions{}); err != nil {
		return false, err
	}
	c, err := Open(ctx, path)
	if err != nil {
		return false, err
	}
	defer c.Close()
	if theirs, err := c.PublicKey(ctx); err != nil || !bytes.Equal(theirs, pub) {
		return false, nil // another programme's backup: its person pid is someone else
	}
	var hashes []string
	changed := false
	err = c.withSecureDelete(ctx, func(conn *sql.Conn) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var erased sql.NullString
		var oid int64
		err = tx.QueryRowContext(ctx, `SELECT p.erased_at, coalesce(o.id, 0) FROM people p
			LEFT JOIN organisers o ON o.person_id = p.id WHERE p.id = $1`, pid).Scan(&erased, &oid)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && erased.Valid) {
			return nil // made before the person was added, or already without them
		}
		if err != nil {
			return err
		}
		if hashes, _, err = erasePersonTx(ctx, tx, actor, now, pid, oid, "removed from this backup after the person was erased"); err != nil {
			return err
		}
		changed = true
		return tx.Commit()
	})
	if err != nil || !changed {
		return false, err
	}
	if _, err := c.removeUnusedFiles(ctx, hashes); err != nil {
		return false, err
	}
	if _, err := c.compact(ctx); err != nil {
		return false, err
	}
	// backup writes a temporary archive beside the old one and renames it
	// over, so the backup is never missing or half written.
	if _, err := c.backup(ctx, archive, nil); err != nil {
		return false, err
	}
	return true, nil
}

// Equality reads one person's answers; only administrators may. A person
// with none gives model.ErrNotFound, with the Seen a form saving the first
// answers carries (so two desks answering at once do not both win).
func (s *Store) Equality(ctx context.Context, by model.User, personID int64) (model.Equality, error) {
	var e model.Equality
	if err := s.require(ctx, by, model.ActEquality); err != nil {
		return e, fmt.Errorf("read equality monitoring: %w", err)
	}
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return e, fmt.Errorf("read equality monitoring for person %d: %w", personID, err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT gender, age_band, ethnicity, disability, updated_at
		FROM equality_monitoring WHERE person_id = $1`, personID).Scan(&e.Gender, &e.AgeBand, &e.Ethnicity, &e.Disability, &e.UpdatedAt)
	e.Seen = seenAs(mark, equalityAnswers(e))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("equality monitoring for person %d: %w", personID, model.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("read equality monitoring for person %d: %w", personID, err)
	}
	return e, nil
}

// equalityAnswers is what the equality form edits, as its Seen hashes it.
func equalityAnswers(e model.Equality) [4]string {
	return [4]string{e.Gender, e.AgeBand, e.Ethnicity, e.Disability}
}

// SetEquality records a person's answers; only administrators may. The
// audit entry notes the change without the answers themselves. Answers
// carrying the Seen their form read are refused with a *model.ChangedError
// if anyone recorded answers since.
func (s *Store) SetEquality(ctx context.Context, by model.User, personID int64, e model.Equality) error {
	if err := s.require(ctx, by, model.ActEquality); err != nil {
		return fmt.Errorf("record equality monitoring: %w", err)
	}
	if err := e.Validate(); err != nil {
		return fmt.Errorf("record equality monitoring for person %d: %w", personID, err)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var was model.Equality
		err := tx.QueryRowContext(ctx, `SELECT gender, age_band, ethnicity, disability FROM equality_monitoring
			WHERE person_id = $1`, personID).Scan(&was.Gender, &was.AgeBand, &was.Ethnicity, &was.Disability)
		switch {
		case err == nil && was.Gender == e.Gender && was.AgeBand == e.AgeBand && was.Ethnicity == e.Ethnicity && was.Disability == e.Disability:
			return nil // saved unchanged: no write, no audit entry
		case errors.Is(err, sql.ErrNoRows) && e.Gender == "" && e.AgeBand == "" && e.Ethnicity == "" && e.Disability == "":
			return nil // nothing answered before or now
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("record equality monitoring for person %d: %w", personID, err)
		}
		pid := strconv.FormatInt(personID, 10)
		skip, err := s.checkSeen(ctx, tx, e.Seen, equalityAnswers(was), equalityAnswers(e), 0,
			auditKey{"equality_monitoring", pid}, auditKey{"people", pid})
		if err != nil || skip {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO equality_monitoring (person_id, gender, age_band, ethnicity, disability, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id) DO UPDATE SET gender = excluded.gender,
			age_band = excluded.age_band, ethnicity = excluded.ethnicity, disability = excluded.disability,
			updated_at = excluded.updated_at`, personID, e.Gender, e.AgeBand, e.Ethnicity, e.Disability, model.Now())
		if err != nil {
			return fmt.Errorf("record equality monitoring for person %d: %w", personID, err)
		}
		return s.audit(ctx, tx, by, "update", "equality_monitoring", strconv.FormatInt(personID, 10), nil, map[string]string{"answers": "recorded"})
	})
}

// EqualityCounts are the aggregate answers reports may show to anyone.
func (s *Store) EqualityCounts(ctx context.Context) ([]model.EqualityCount, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT 'gender', gender, count(*) FROM equality_monitoring GROUP BY gender
		UNION ALL SELECT 'age_band', age_band, count(*) FROM equality_monitoring GROUP BY age_band
		UNION ALL SELECT 'ethnicity', ethnicity, count(*) FROM equality_monitoring GROUP BY ethnicity
		UNION ALL SELECT 'disability', disability, count(*) FROM equality_monitoring GROUP BY disability
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("count equality monitoring: %w", err)
	}
	defer rows.Close()
	var out []model.EqualityCount
	for rows.Next() {
		var c model.EqualityCount
		if err := rows.Scan(&c.Field, &c.Value, &c.Count); err != nil {
			return nil, fmt.Errorf("count equality monitoring: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
