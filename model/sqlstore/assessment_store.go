package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// sentBackActionsSQL is the verifier's required actions when the evidence's
// latest decision was sent back (migration 00021 puts it back in the queue).
const sentBackActionsSQL = `coalesce((SELECT s.actions FROM iv_samples s WHERE s.outcome = 'sent_back'
	AND s.decision_id = (SELECT max(d.id) FROM assessment_decisions d WHERE d.evidence_id = e.id) ORDER BY s.id DESC LIMIT 1), '')`

// AssessorQueue lists evidence awaiting a decision (submitted, resubmitted,
// or sent back by a verifier), oldest first: at most
// f.Limit items when it is set. Without filters the oldest are picked before
// any join, so a long queue costs no more than the page shown.
func (s *Store) AssessorQueue(ctx context.Context, f model.QueueFilter) ([]model.QueueItem, error) {
	hosts := ""
	if f.Host != "" {
		ids, err := s.hostsNamed(ctx, f.Host)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		hosts = ids
	}
	args := []any{f.Cohort, hosts, f.Unit}
	page, limit := "", ""
	if f.Limit > 0 {
		args = append(args, f.Limit)
		limit = " LIMIT $4"
		if f.Cohort == 0 && f.Host == "" && f.Unit == "" {
			page = " ORDER BY e.submitted_at, e.id LIMIT $4"
		}
	}
	rows, err := s.db.QueryContext(ctx, `
		WITH waiting AS (
			SELECT e.id, e.submitted_at AS at FROM evidence_items e WHERE e.status = 'submitted'`+page+`),
		queued AS (
			SELECT w.id, w.at, `+strings.ReplaceAll(evidenceUnitSQL, "e.id", "w.id")+` AS unit_id FROM waiting w)
		SELECT e.id, e.organiser_id, p.given_name || ' ' || p.family_name, coalesce(c.number, 0), coalesce(h.name, ''),
			coalesce(u.code, ''), e.kind, e.title, coalesce(w.at, ''), `+sentBackActionsSQL+`
		FROM queued w JOIN evidence_items e ON e.id = w.id
		JOIN organisers o ON o.id = e.organiser_id JOIN people p ON p.id = o.person_id
		LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id
		LEFT JOIN units u ON u.id = w.unit_id
		WHERE ($1 = 0 OR c.number = $1) AND ($2 = '' OR $2 LIKE '%,' || o.host_id || ',%') AND ($3 = '' OR u.code = $3)
		ORDER BY w.at, e.id`+limit, args...)
	if err != nil {
		return nil, fmt.Errorf("assessor queue: %w", err)
	}
	defer rows.Close()
	var out []model.QueueItem
	for rows.Next() {
		var q model.QueueItem
		if err := rows.Scan(&q.EvidenceID, &q.OrganiserID, &q.Learner, &q.Cohort, &q.Host, &q.UnitCode, &q.Kind, &q.Title,
			&q.WaitingFrom, &q.SentBack); err != nil {
			return nil, fmt.Errorf("assessor queue: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// hostsNamed is the ids, as a comma-wrapped list (",3,17,") the queue's
// one SQL text matches with LIKE in both dialects, of the hosts whose name holds
// text in any case and with or without accents (model.Fold): SQLite's lower()
// knows only ASCII, and there are a few hundred hosts at most to compare.
func (s *Store) hostsNamed(ctx context.Context, text string) (string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM hosts`)
	if err != nil {
		return "", fmt.Errorf("hosts named %q: %w", text, err)
	}
	defer rows.Close()
	want := model.Fold(text)
	var ids []string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return "", fmt.Errorf("hosts named %q: %w", text, err)
		}
		if strings.Contains(model.Fold(name), want) {
			ids = append(ids, fmt.Sprint(id))
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("hosts named %q: %w", text, err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return "," + strings.Join(ids, ",") + ",", nil
}

// QueueLength counts all the evidence awaiting a decision.
func (s *Store) QueueLength(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM evidence_items WHERE status = 'submitted'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("queue length: %w", err)
	}
	return n, nil
}

// awaitingDecision reports whether evidence is in the queue.
func awaitingDecision(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM evidence_items WHERE id = $1`, id).Scan(&status); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("evidence %d: %w", id, model.ErrNotFound)
		}
		return false, err
	}
	return status == "submitted", nil
}

// RecordDecision records an assessor's decision on evidence awaiting one. A
// resubmission supersedes the earlier decision, which is kept. Any unit whose
// every criterion is now achieved for the learner is recorded as achieved
// (and one that no longer is, after a verifier sent it back, is withdrawn).
func (s *Store) RecordDecision(ctx context.Context, by model.User, d model.DecisionDraft) (int64, error) {
	if err := s.require(ctx, by, model.ActDecide); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := awaitingDecision(ctx, tx, d.EvidenceID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: evidence %d is not awaiting a decision", model.ErrInvalid, d.EvidenceID)
		}
		crit, err := int64s(ctx, tx, `SELECT criterion_id FROM evidence_criteria WHERE evidence_id = $1`, d.EvidenceID)
		if err != nil {
			return err
		}
		if err := d.Validate(crit); err != nil {
			return err
		}
		var organiser int64
		var prev sql.NullInt64
		var attempt int
		if err := tx.QueryRowContext(ctx, `SELECT e.organiser_id, (SELECT max(id) FROM assessment_decisions WHERE evidence_id = e.id),
			(SELECT count(*) FROM assessment_decisions WHERE evidence_id = e.id) FROM evidence_items e WHERE e.id = $1`,
			d.EvidenceID).Scan(&organiser, &prev, &attempt); err != nil {
			return err
		}
		overall := d.Overall()
		if err := tx.QueryRowContext(ctx, `INSERT INTO assessment_decisions (evidence_id, organiser_id, assessor_id, outcome,
			feedback, decided_on, attempt, supersedes_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			d.EvidenceID, organiser, by.ID, overall, strings.TrimSpace(d.Feedback), d.DecidedOn, attempt+1, prev, model.Now()).Scan(&id); err != nil {
			return err
		}
		for _, c := range crit {
			if _, err := tx.ExecContext(ctx, `INSERT INTO decision_criteria (decision_id, criterion_id, outcome) VALUES ($1, $2, $3)`,
				id, c, d.Outcomes[c]); err != nil {
				return err
			}
		}
		status := "assessed"
		if overall != model.OutcomeAchieved {
			status = "referred"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evidence_items SET status = $1 WHERE id = $2`, status, d.EvidenceID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, "decide", "assessment_decision", fmt.Sprint(id), nil, map[string]any{
			"evidence_id": d.EvidenceID, "organiser_id": organiser, "outcome": overall, "criteria": d.Outcomes,
			"feedback": d.Feedback, "decided_on": d.DecidedOn, "attempt": attempt + 1, "supersedes_id": prev.Int64}); err != nil {
			return err
		}
		return s.settleUnits(ctx, tx, by, organiser, id, d.DecidedOn)
	})
	if err != nil {
		return 0, fmt.Errorf("record decision on evidence %d: %w", d.EvidenceID, err)
	}
	return id, nil
}

// settleUnits records as achieved each unit the decision touched whose every
// criterion's latest outcome for the learner is achieved, and withdraws an
// achievement that no longer holds.
func (s *Store) settleUnits(ctx context.Context, tx *sql.Tx, by model.User, organiser, decision int64, on string) error {
	units, err := int64s(ctx, tx, `SELECT DISTINCT c.unit_id FROM decision_criteria dc JOIN criteria c ON c.id = dc.criterion_id
		WHERE dc.decision_id = $1`, decision)
	if err != nil {
		return err
	}
	for _, u := range units {
		var total, achieved, have int
		if err := tx.QueryRowContext(ctx, `
			WITH latest AS (
				SELECT dc.criterion_id, dc.outcome, row_number() OVER (PARTITION BY dc.criterion_id ORDER BY d.id DESC) AS n
				FROM assessment_decisions d JOIN decision_criteria dc ON dc.decision_id = d.id
				JOIN criteria c ON c.id = dc.criterion_id WHERE d.organiser_id = $1 AND c.unit_id = $2)
			SELECT (SELECT count(*) FROM criteria WHERE unit_id = $2),
				(SELECT count(*) FROM latest WHERE n = 1 AND outcome = 'achieved'),
				(SELECT count(*) FROM unit_achievements WHERE organiser_id = $1 AND unit_id = $2)`, organiser, u).Scan(&total, &achieved, &have); err != nil {
			return err
		}
		key := fmt.Sprintf("%d/%d", organiser, u)
		switch {
		case achieved == total && have == 0:
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_achievements (organiser_id, unit_id, decision_id, assessor_id, achieved_on)
				VALUES ($1, $2, $3, $4, $5)`, organiser, u, decision, by.ID, on); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, by, "achieve", "unit_achievement", key, nil, map[string]any{"decision_id": decision, "achieved_on": on}); err != nil {
				return err
			}
		case achieved < total && have > 0:
			if _, err := tx.ExecContext(ctx, `DELETE FROM unit_achievements WHERE organiser_id = $1 AND unit_id = $2`, organiser, u); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, by, "withdraw", "unit_achievement", key, map[string]any{"achieved": true}, map[string]any{"decision_id": decision}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Decisions lists the decisions on one evidence item, first to last: its history.
func (s *Store) Decisions(ctx context.Context, evidenceID int64) ([]model.Decision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.evidence_id, d.organiser_id, d.assessor_id, u.display_name, d.outcome,
		d.feedback, d.decided_on, d.attempt, coalesce(d.supersedes_id, 0)
		FROM assessment_decisions d JOIN users u ON u.id = d.assessor_id WHERE d.evidence_id = $1 ORDER BY d.id`, evidenceID)
	if err != nil {
		return nil, fmt.Errorf("decisions on evidence %d: %w", evidenceID, err)
	}
	var out []model.Decision
	for rows.Next() {
		var d model.Decision
		if err := rows.Scan(&d.ID, &d.EvidenceID, &d.OrganiserID, &d.AssessorID, &d.Assessor, &d.Outcome, &d.Feedback,
			&d.DecidedOn, &d.Attempt, &d.SupersedesID); err != nil {
			rows.Close()
			return nil, err
		}
		d.Criteria = map[int64]string{}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		r, err := s.db.QueryContext(ctx, `SELECT criterion_id, outcome FROM decision_criteria WHERE decision_id = $1`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for r.Next() {
			var c int64
			var o string
			if err := r.Scan(&c, &o); err != nil {
				r.Close()
				return nil, err
			}
			out[i].Criteria[c] = o
		}
		r.Close()
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CriteriaByID loads these criteria, in order.
func (s *Store) CriteriaByID(ctx context.Context, ids []int64) ([]model.Criterion, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, number, text FROM criteria WHERE id IN (`+strings.Join(ph, ",")+`) ORDER BY outcome_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("criteria: %w", err)
	}
	defer rows.Close()
	var out []model.Criterion
	for rows.Next() {
		var c model.Criterion
		if err := rows.Scan(&c.ID, &c.Number, &c.Text); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func int64s(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
