package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// AddEvidence adds an item to a learner's portfolio, as a draft or submitted.
func (s *Store) AddEvidence(ctx context.Context, by model.User, e model.EvidenceItem, submit bool) (int64, error) {
	if err := s.require(ctx, by, model.ActEditEvidence); err != nil {
		return 0, err
	}
	if err := e.Validate(); err != nil {
		return 0, fmt.Errorf("add evidence: %w", err)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var units int
		ph := make([]string, len(e.CriterionIDs))
		args := make([]any, len(e.CriterionIDs))
		for i, c := range e.CriterionIDs {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), c
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT unit_id), count(*) FROM criteria WHERE id IN (`+strings.Join(ph, ",")+`)`, args...).Scan(&units, &n); err != nil {
			return err
		}
		if n != len(e.CriterionIDs) || units != 1 {
			return fmt.Errorf("%w: criteria: all from one unit, each known", model.ErrInvalid)
		}
		status, sub := "draft", any(nil)
		if submit {
			status, sub = "submitted", model.Now()
		}
		now := model.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO evidence_items (organiser_id, kind, title, description, evidence_on,
			listening_count, listening_themes, status, submitted_at, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			e.OrganiserID, e.Kind, strings.TrimSpace(e.Title), e.Description, e.EvidenceOn, e.ListeningCount,
			e.ListeningThemes, status, sub, now, by.Username).Scan(&id); err != nil {
			return err
		}
		for _, c := range e.CriterionIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_criteria (evidence_id, criterion_id) VALUES ($1, $2)`, id, c); err != nil {
				return err
			}
		}
		e.ID, e.Status = id, status
		return s.audit(ctx, tx, by, "create", "evidence", fmt.Sprint(id), nil, e)
	})
	if err != nil {
		return 0, fmt.Errorf("add evidence: %w", err)
	}
	return id, nil
}

// SubmitEvidence puts a draft, or referred evidence the learner has
// reworked, into the assessor's queue.
func (s *Store) SubmitEvidence(ctx context.Context, by model.User, id int64) error {
	if err := s.require(ctx, by, model.ActEditEvidence); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM evidence_items WHERE id = $1`, id).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("submit evidence %d: %w", id, model.ErrNotFound)
			}
			return err
		}
		if status != "draft" && status != "referred" {
			return fmt.Errorf("submit evidence %d: %w: it is %s", id, model.ErrInvalid, status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evidence_items SET status = 'submitted', submitted_at = $1 WHERE id = $2`, model.Now(), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "submit", "evidence", fmt.Sprint(id), map[string]string{"status": status}, map[string]string{"status": "submitted"})
	})
}

// AddEvidenceFile copies a file from disk into the store, named by its
// SHA-256 (the same content is kept once), and attaches it to evidence.
func (s *Store) AddEvidenceFile(ctx context.Context, by model.User, evidenceID int64, src string) (model.EvidenceFile, error) {
	if err := s.require(ctx, by, model.ActEditEvidence); err != nil {
		return model.EvidenceFile{}, err
	}
	f := model.EvidenceFile{EvidenceID: evidenceID, FileName: filepath.Base(src), AddedAt: model.Now()}
	// A name like "report\u202efdp.exe" reads as another file; refuse it.
	if err := model.TextTitle.Check("file name", f.FileName); err != nil {
		return f, fmt.Errorf("add file: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return f, fmt.Errorf("add file: %w", err)
	}
	defer in.Close()
	if f.SHA256, f.Size, err = s.files.put(ctx, in); err != nil {
		return f, fmt.Errorf("add file %s: %w", src, err)
	}
	f.MediaType = mime.TypeByExtension(strings.ToLower(filepath.Ext(src)))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO evidence_files (evidence_id, file_name, sha256, size, media_type, added_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, evidenceID, f.FileName, f.SHA256, f.Size, f.MediaType, f.AddedAt).Scan(&f.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "evidence_file", fmt.Sprint(f.ID), nil, f)
	})
	if err != nil {
		return f, fmt.Errorf("add file to evidence %d: %w", evidenceID, err)
	}
	return f, nil
}

// evidenceUnitSQL is the unit an evidence item's criteria belong to.
const evidenceUnitSQL = `(SELECT min(cr.unit_id) FROM evidence_criteria ec JOIN criteria cr ON cr.id = ec.criterion_id WHERE ec.evidence_id = e.id)`

// Portfolio lists a learner's evidence, newest first, with files and criteria.
func (s *Store) Portfolio(ctx context.Context, organiserID int64) ([]model.EvidenceItem, error) {
	return s.evidenceWhere(ctx, `e.organiser_id = $1`, organiserID)
}

// Evidence loads one item with its files and criteria.
func (s *Store) Evidence(ctx context.Context, id int64) (model.EvidenceItem, error) {
	items, err := s.evidenceWhere(ctx, `e.id = $1`, id)
	if err != nil {
		return model.EvidenceItem{}, err
	}
	if len(items) == 0 {
		return model.EvidenceItem{}, fmt.Errorf("evidence %d: %w", id, model.ErrNotFound)
	}
	return items[0], nil
}

// evidenceSQL reads the evidence items where holds, newest first (the
// benchmark times the portfolio's text beside the sqlite3 shell).
func evidenceSQL(where string) string {
	return `SELECT e.id, e.organiser_id, e.kind, e.title, e.description, e.evidence_on,
		e.listening_count, e.listening_themes, e.status, coalesce(e.submitted_at, ''), e.created_at,
		coalesce((SELECT code FROM units WHERE id = ` + evidenceUnitSQL + `), '')
		FROM evidence_items e WHERE ` + where + ` ORDER BY e.evidence_on DESC, e.id DESC`
}

func (s *Store) evidenceWhere(ctx context.Context, where string, arg any) ([]model.EvidenceItem, error) {
	rows, err := s.db.QueryContext(ctx, evidenceSQL(where), arg)
	if err != nil {
		return nil, fmt.Errorf("load evidence: %w", err)
	}
	var out []model.EvidenceItem
	index := map[int64]int{}
	for rows.Next() {
		var e model.EvidenceItem
		if err := rows.Scan(&e.ID, &e.OrganiserID, &e.Kind, &e.Title, &e.Description, &e.EvidenceOn, &e.ListeningCount,
			&e.ListeningThemes, &e.Status, &e.SubmittedAt, &e.CreatedAt, &e.UnitCode); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load evidence: %w", err)
		}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT ec.evidence_id, ec.criterion_id FROM evidence_criteria ec
		JOIN evidence_items e ON e.id = ec.evidence_id JOIN criteria c ON c.id = ec.criterion_id
		WHERE `+where+` ORDER BY c.outcome_id, c.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("load evidence criteria: %w", err)
	}
	for rows.Next() {
		var eid, cid int64
		if err := rows.Scan(&eid, &cid); err != nil {
			rows.Close()
			return nil, err
		}
		it := &out[index[eid]]
		it.CriterionIDs = append(it.CriterionIDs, cid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT f.id, f.evidence_id, f.file_name, f.sha256, f.size, f.media_type, f.added_at
		FROM evidence_files f JOIN evidence_items e ON e.id = f.evidence_id WHERE `+where+` ORDER BY f.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("load evidence files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f model.EvidenceFile
		if err := rows.Scan(&f.ID, &f.EvidenceID, &f.FileName, &f.SHA256, &f.Size, &f.MediaType, &f.AddedAt); err != nil {
			return nil, err
		}
		it := &out[index[f.EvidenceID]]
		it.Files = append(it.Files, f)
	}
	return out, rows.Err()
}

// Coverage is the criteria coverage grid of every unit a learner has
// evidence for or is registered towards: covered, assessed, achieved, missing.
func (s *Store) Coverage(ctx context.Context, organiserID int64) ([]model.CriterionCoverage, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH mine AS (
			SELECT ec.criterion_id, e.id AS evidence_id FROM evidence_items e
			JOIN evidence_criteria ec ON ec.evidence_id = e.id WHERE e.organiser_id = $1),
		latest AS (
			SELECT dc.criterion_id, dc.outcome, row_number() OVER (PARTITION BY dc.criterion_id ORDER BY d.id DESC) AS n
			FROM assessment_decisions d JOIN decision_criteria dc ON dc.decision_id = d.id WHERE d.organiser_id = $1),
		units_shown AS (
			SELECT DISTINCT c.unit_id FROM mine JOIN criteria c ON c.id = mine.criterion_id
			UNION SELECT gu.unit_id FROM registrations r JOIN qualification_groups g ON g.qualification_id = r.qualification_id
			JOIN qualification_group_units gu ON gu.group_id = g.id WHERE r.organiser_id = $1)
		SELECT u.code, c.id, c.number, c.text,
			(SELECT count(*) FROM mine WHERE mine.criterion_id = c.id),
			coalesce((SELECT outcome FROM latest WHERE latest.criterion_id = c.id AND n = 1), '')
		FROM units_shown us JOIN units u ON u.id = us.unit_id JOIN criteria c ON c.unit_id = u.id
		ORDER BY u.code, c.outcome_id, c.id`, organiserID)
	if err != nil {
		return nil, fmt.Errorf("coverage of organiser %d: %w", organiserID, err)
	}
	defer rows.Close()
	var out []model.CriterionCoverage
	for rows.Next() {
		var c model.CriterionCoverage
		var outcome string
		if err := rows.Scan(&c.UnitCode, &c.Criterion.ID, &c.Criterion.Number, &c.Criterion.Text, &c.Evidence, &outcome); err != nil {
			return nil, err
		}
		switch {
		case outcome == "achieved":
			c.State = model.CoverageAchieved
		case outcome != "":
			c.State = model.CoverageAssessed
		case c.Evidence > 0:
			c.State = model.CoverageCovered
		default:
			c.State = model.CoverageMissing
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Learners lists organisers matching text, for picking a portfolio: every
// word of it in the name, email or host, whatever the case and accents
// ("padraig murphy" finds Pádraig Murphy), as the organisers list matches.
// The words are matched in Go (model.Fold): SQLite's LIKE knows no accents
// and PostgreSQL's no case. With no text the first page comes in the
// database's name order, straight from its index.
func (s *Store) Learners(ctx context.Context, text string, limit int) ([]model.Learner, error) {
	limit = max(limit, 0)
	words := strings.Fields(model.Fold(text))
	if len(words) == 0 {
		return s.learnersPage(ctx, limit)
	}
	// Every organiser is read, unsorted, and matched in Go: sorting all
	// 50,000 at scale 10 to keep the few that match took half a second a
	// keystroke. Hosts and cohorts are a few hundred rows, read once, and
	// a host's name is folded once rather than once an organiser.
	type host struct{ name, folded string }
	hosts := map[int64]host{}
	cohorts := map[int64]int{}
	err := s.eachRow(ctx, `SELECT id, name FROM hosts`, nil, func(r *sql.Rows) error {
		var id int64
		var h host
		err := r.Scan(&id, &h.name)
		h.folded = model.Fold(h.name)
		hosts[id] = h
		return err
	})
	if err == nil {
		err = s.eachRow(ctx, `SELECT id, number FROM cohorts`, nil, func(r *sql.Rows) error {
			var id int64
			var n int
			err := r.Scan(&id, &n)
			cohorts[id] = n
			return err
		})
	}
	type match struct {
		model.Learner
		key string // family then given name, folded: the order shown
	}
	var found []match
	var hostID, cohortID sql.NullInt64
	var given, family string
	if err == nil {
		err = s.eachRow(ctx, `SELECT o.id, p.given_name, p.family_name, p.email, o.cohort_id, o.host_id, p.uln
			FROM organisers o JOIN people p ON p.id = o.person_id`, nil, func(r *sql.Rows) error {
			var l model.Learner
			if err := r.Scan(&l.OrganiserID, &given, &family, &l.Email, &cohortID, &hostID, &l.ULN); err != nil {
				return err
			}
			h := hosts[hostID.Int64]
			name := model.Fold(given + " " + family + "\x00" + l.Email)
			for _, w := range words {
				if !strings.Contains(name, w) && !strings.Contains(h.folded, w) {
					return nil
				}
			}
			l.Name, l.Host, l.Cohort = given+" "+family, h.name, cohorts[cohortID.Int64]
			found = append(found, match{l, model.Fold(family) + "\x00" + model.Fold(given)})
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("list learners: %w", err)
	}
	// Folded names in byte order read as a British reader orders people
	// (accents and case only between otherwise equal names), without
	// making a collation key for each of perhaps thousands of matches.
	slices.SortFunc(found, func(a, b match) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.Name, b.Name), cmp.Compare(a.OrganiserID, b.OrganiserID))
	})
	found = found[:min(len(found), limit)]
	out := make([]model.Learner, 0, len(found))
	for _, m := range found {
		out = append(out, m.Learner)
	}
	return out, nil
}

// learnersPage is the first limit (at least 0) organisers in the database's name order.
func (s *Store) learnersPage(ctx context.Context, limit int) ([]model.Learner, error) {
	var out []model.Learner
	err := s.eachRow(ctx, `SELECT o.id, p.given_name || ' ' || p.family_name, p.email, coalesce(c.number, 0),
		coalesce(h.name, ''), p.uln FROM organisers o JOIN people p ON p.id = o.person_id
		LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id
		ORDER BY p.family_name, p.given_name, o.id LIMIT $1`, []any{limit}, func(r *sql.Rows) error {
		var l model.Learner
		err := r.Scan(&l.OrganiserID, &l.Name, &l.Email, &l.Cohort, &l.Host, &l.ULN)
		out = append(out, l)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list learners: %w", err)
	}
	return out, nil
}
