package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// lockedErr turns the database's claim-lock trigger into ErrLocked.
func lockedErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "claim is submitted and locked") {
		return fmt.Errorf("%w: the claim is submitted; make a correcting claim", model.ErrLocked)
	}
	return err
}

// claimableSQL lists a cohort's achieved units a claim may carry: the learner
// registered for the qualification, the unit in its rules, the deciding
// decision verified where it was sampled, and not already on a claim that
// stands: a draft or a submitted claim that no later claim corrects (a
// correction carries the lines of the claim it corrects). So no unit is
// ever on two claims at once, however drafts and corrections interleave.
const claimableSQL = `
	SELECT a.organiser_id, p.given_name || ' ' || p.family_name, u.code, u.credits, r.registration_number, p.uln, u.id,
		(SELECT count(*) FROM iv_samples s WHERE s.decision_id = a.decision_id AND s.outcome <> 'agreed'),
		(SELECT count(*) FROM claim_lines cl JOIN claims k ON k.id = cl.claim_id
			WHERE cl.organiser_id = a.organiser_id AND cl.unit_id = a.unit_id
			AND NOT EXISTS (SELECT 1 FROM claims k2 WHERE k2.corrects_id = k.id))
	FROM unit_achievements a
	JOIN organisers o ON o.id = a.organiser_id JOIN people p ON p.id = o.person_id JOIN cohorts c ON c.id = o.cohort_id
	JOIN registrations r ON r.organiser_id = o.id AND r.qualification_id = $2
	JOIN units u ON u.id = a.unit_id
	WHERE c.number = $1 AND p.erased_at IS NULL
	  AND a.unit_id IN (SELECT gu.unit_id FROM qualification_groups g JOIN qualification_group_units gu ON gu.group_id = g.id
		WHERE g.qualification_id = $2)
	ORDER BY p.family_name, p.given_name, u.code`

// CreateClaim makes a draft claim for a cohort and qualification holding
// every claimable achieved unit; units left off are returned with the reason.
func (s *Store) CreateClaim(ctx context.Context, by model.User, cohort int, qualCode string) (model.Claim, []model.ClaimProblem, error) {
	if err := s.require(ctx, by, model.ActClaim); err != nil {
		return model.Claim{}, nil, err
	}
	var c model.Claim
	var problems []model.ClaimProblem
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var cohortID, qualID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM cohorts WHERE number = $1`, cohort).Scan(&cohortID); err != nil {
			return fmt.Errorf("cohort %d: %w", cohort, model.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM qualifications WHERE code = $1`, qualCode).Scan(&qualID); err != nil {
			return fmt.Errorf("qualification %s: %w", qualCode, model.ErrNotFound)
		}
		ref, err := nextReference(ctx, tx, fmt.Sprintf("CLM-%d-C%02d-", time.Now().Year(), cohort))
		if err != nil {
			return err
		}
		c = model.Claim{Reference: ref, Cohort: cohort,
			Qualification: qualCode, Status: "draft", CreatedBy: by.Username, CreatedAt: model.Now()}
		if err := tx.QueryRowContext(ctx, `INSERT INTO claims (reference, cohort_id, qualification_id, status, created_by, created_at)
			VALUES ($1, $2, $3, 'draft', $4, $5) RETURNING id`, c.Reference, cohortID, qualID, c.CreatedBy, c.CreatedAt).Scan(&c.ID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, claimableSQL, cohort, qualID)
		if err != nil {
			return err
		}
		type line struct {
			org, unit      int64
			credits        int
			reg, uln, code string
		}
		var lines []line
		for rows.Next() {
			var l line
			var name string
			var unverified, claimed int
			if err := rows.Scan(&l.org, &name, &l.code, &l.credits, &l.reg, &l.uln, &l.unit, &unverified, &claimed); err != nil {
				rows.Close()
				return err
			}
			switch {
			case claimed > 0:
				continue // claimed already: not a problem, not again
			case unverified > 0:
				problems = append(problems, model.ClaimProblem{Learner: name, UnitCode: l.code, Reason: "sampled for internal verification and not yet agreed"})
			case !model.ValidULN(l.uln):
				problems = append(problems, model.ClaimProblem{Learner: name, UnitCode: l.code, Reason: fmt.Sprintf("ULN %q is not 10 digits", l.uln)})
			case strings.TrimSpace(l.reg) == "":
				problems = append(problems, model.ClaimProblem{Learner: name, UnitCode: l.code, Reason: "no OCN registration number"})
			default:
				lines = append(lines, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(lines) == 0 {
			why := "every achieved unit is already on a claim"
			if len(problems) > 0 {
				why = fmt.Sprintf("%d achieved units are held back (listed)", len(problems))
			}
			return fmt.Errorf("%w: nothing to claim for %s: %s", model.ErrInvalid, qualCode, why)
		}
		for _, l := range lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO claim_lines (claim_id, organiser_id, unit_id, registration_number, uln, credits)
				VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, l.org, l.unit, l.reg, l.uln, l.credits); err != nil {
				return err
			}
			c.Lines++
			c.Credits += l.credits
		}
		return s.audit(ctx, tx, by, "claim", "claim", fmt.Sprint(c.ID), nil,
			map[string]any{"reference": c.Reference, "cohort": cohort, "qualification": qualCode, "lines": c.Lines, "credits": c.Credits})
	})
	if err != nil {
		return model.Claim{}, problems, fmt.Errorf("make claim for cohort %d: %w", cohort, err)
	}
	return c, problems, nil
}

// nextReference is prefix followed by one more than the highest number any
// claim's reference has after it: unique even after a draft is discarded.
func nextReference(ctx context.Context, tx *sql.Tx, prefix string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT reference FROM claims WHERE substr(reference, 1, length($1)) = $1`, prefix)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	top := 0
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return "", err
		}
		num, _, _ := strings.Cut(strings.TrimPrefix(ref, prefix), "-")
		if n, err := strconv.Atoi(num); err == nil && n > top {
			top = n
		}
	}
	return prefix + strconv.Itoa(top+1), rows.Err()
}

// DiscardClaim deletes a draft claim and its lines, so its units can be
// claimed again; a submitted claim is never deleted (correct it instead).
func (s *Store) DiscardClaim(ctx context.Context, by model.User, id int64) error {
	if err := s.require(ctx, by, model.ActClaim); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status, ref string
		var lines int
		if err := tx.QueryRowContext(ctx, `SELECT status, reference, (SELECT count(*) FROM claim_lines WHERE claim_id = $1)
			FROM claims WHERE id = $1`, id).Scan(&status, &ref, &lines); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.ErrNotFound
			}
			return err
		}
		if status != "draft" {
			return fmt.Errorf("%w: %s is submitted; make a correcting claim", model.ErrLocked, ref)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claim_lines WHERE claim_id = $1`, id); err != nil {
			return lockedErr(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE id = $1 AND status = 'draft'`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "discard", "claim", fmt.Sprint(id), map[string]any{"reference": ref, "lines": lines}, nil)
	})
	if err != nil {
		return fmt.Errorf("discard claim %d: %w", id, err)
	}
	return nil
}

// claimSize is what the submit question names (units and credits), as a
// claim's Seen fingerprints it.
type claimSize struct{ Lines, Credits int }

// SubmitClaim submits a draft claim; from then on it is locked.
func (s *Store) SubmitClaim(ctx context.Context, by model.User, id int64) error {
	return s.SubmitClaimFrom(ctx, by, model.Claim{ID: id})
}

// SubmitClaimFrom is SubmitClaim for a screen that listed the claim as was
// and asked "Submit N units (C credits)?": if its lines changed since (a
// line removed at another desk), it is refused with a *model.ChangedError
// naming who, so nobody locks a claim other than the one they confirmed.
func (s *Store) SubmitClaimFrom(ctx context.Context, by model.User, was model.Claim) error {
	id := was.ID
	if err := s.require(ctx, by, model.ActClaim); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		var lines, credits int
		if err := tx.QueryRowContext(ctx, `SELECT status, (SELECT count(*) FROM claim_lines WHERE claim_id = $1),
			(SELECT coalesce(sum(credits), 0) FROM claim_lines WHERE claim_id = $1) FROM claims WHERE id = $1`, id).
			Scan(&status, &lines, &credits); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.ErrNotFound
			}
			return err
		}
		if status == "submitted" {
			return fmt.Errorf("%w: already submitted", model.ErrLocked)
		}
		if !was.Seen.IsZero() && model.Fingerprint(claimSize{lines, credits}) != was.Seen.Sum {
			return s.changedSince(ctx, tx, was.Seen.Mark, 0, []auditKey{{"claim", fmt.Sprint(id)}})
		}
		if lines == 0 {
			return fmt.Errorf("%w: the claim has no units", model.ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = 'submitted', submitted_by = $1, submitted_at = $2 WHERE id = $3`,
			by.Username, model.Now(), id); err != nil {
			return lockedErr(err)
		}
		return s.audit(ctx, tx, by, "submit", "claim", fmt.Sprint(id), map[string]string{"status": status}, map[string]string{"status": "submitted"})
	})
	if err != nil {
		return fmt.Errorf("submit claim %d: %w", id, err)
	}
	return nil
}

// RemoveClaimLine takes a learner's unit off a draft claim.
func (s *Store) RemoveClaimLine(ctx context.Context, by model.User, claimID, organiserID int64, unitCode string) error {
	if err := s.require(ctx, by, model.ActClaim); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM claim_lines WHERE claim_id = $1 AND organiser_id = $2
			AND unit_id = (SELECT id FROM units WHERE code = $3)`, claimID, organiserID, unitCode)
		if err != nil {
			return lockedErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrNotFound
		}
		return s.audit(ctx, tx, by, "update", "claim", fmt.Sprint(claimID),
			map[string]any{"organiser_id": organiserID, "unit": unitCode}, map[string]any{"removed": true})
	})
	if err != nil {
		return fmt.Errorf("remove line from claim %d: %w", claimID, err)
	}
	return nil
}

// CorrectClaim makes a new draft claim, linked to a submitted one, holding
// the same lines to be corrected; the submitted claim is never changed.
func (s *Store) CorrectClaim(ctx context.Context, by model.User, id int64) (model.Claim, error) {
	if err := s.require(ctx, by, model.ActClaim); err != nil {
		return model.Claim{}, err
	}
	var c model.Claim
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status, ref string
		var cohortID, qualID sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT status, reference, cohort_id, qualification_id FROM claims WHERE id = $1`, id).
			Scan(&status, &ref, &cohortID, &qualID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.ErrNotFound
			}
			return err
		}
		if status != "submitted" {
			return fmt.Errorf("%w: a draft is changed directly, not corrected", model.ErrInvalid)
		}
		var n int
		tx.QueryRowContext(ctx, `SELECT count(*) FROM claims WHERE corrects_id = $1`, id).Scan(&n)
		if n > 0 {
			return fmt.Errorf("%w: %s already has a correcting claim", model.ErrExists, ref)
		}
		c = model.Claim{Reference: model.CorrectionReference(ref), Status: "draft", CorrectsID: id, CorrectsRef: ref, CreatedBy: by.Username, CreatedAt: model.Now()}
		if err := tx.QueryRowContext(ctx, `INSERT INTO claims (reference, cohort_id, qualification_id, status, corrects_id, created_by, created_at)
			VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id`, c.Reference, cohortID, qualID, id, c.CreatedBy, c.CreatedAt).Scan(&c.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO claim_lines (claim_id, organiser_id, unit_id, registration_number, uln, credits)
			SELECT $1, organiser_id, unit_id, registration_number, uln, credits FROM claim_lines WHERE claim_id = $2`, c.ID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "claim", "claim", fmt.Sprint(c.ID), nil, map[string]any{"reference": c.Reference, "corrects": ref})
	})
	if err != nil {
		return model.Claim{}, fmt.Errorf("correct claim %d: %w", id, err)
	}
	return c, nil
}

// Claims lists every claim, newest first.
func (s *Store) Claims(ctx context.Context) ([]model.Claim, error) {
	return s.claimsWhere(ctx, `1 = $1`, 1)
}

// ClaimByID loads one claim.
func (s *Store) ClaimByID(ctx context.Context, id int64) (model.Claim, error) {
	cs, err := s.claimsWhere(ctx, `k.id = $1`, id)
	if err != nil {
		return model.Claim{}, err
	}
	if len(cs) == 0 {
		return model.Claim{}, fmt.Errorf("claim %d: %w", id, model.ErrNotFound)
	}
	return cs[0], nil
}

func (s *Store) claimsWhere(ctx context.Context, where string, arg any) ([]model.Claim, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT k.id, k.reference, coalesce(c.number, 0), coalesce(q.code, ''), k.status,
		coalesce(k.corrects_id, 0), coalesce(k0.reference, ''), k.created_by, k.created_at, coalesce(k.submitted_by, ''),
		coalesce(k.submitted_at, ''), (SELECT count(*) FROM claim_lines WHERE claim_id = k.id),
		(SELECT coalesce(sum(credits), 0) FROM claim_lines WHERE claim_id = k.id)
		FROM claims k LEFT JOIN cohorts c ON c.id = k.cohort_id LEFT JOIN qualifications q ON q.id = k.qualification_id
		LEFT JOIN claims k0 ON k0.id = k.corrects_id WHERE `+where+` ORDER BY k.created_at DESC, k.id DESC`, arg)
	if err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	defer rows.Close()
	var out []model.Claim
	for rows.Next() {
		var c model.Claim
		if err := rows.Scan(&c.ID, &c.Reference, &c.Cohort, &c.Qualification, &c.Status, &c.CorrectsID, &c.CorrectsRef,
			&c.CreatedBy, &c.CreatedAt, &c.SubmittedBy, &c.SubmittedAt, &c.Lines, &c.Credits); err != nil {
			return nil, err
		}
		c.Seen = seenAs(mark, claimSize{c.Lines, c.Credits})
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClaimLines lists a claim's lines by learner and unit.
func (s *Store) ClaimLines(ctx context.Context, id int64) ([]model.ClaimLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT cl.organiser_id, p.given_name || ' ' || p.family_name, p.email, cl.registration_number,
		cl.uln, u.code, u.title, u.level, cl.credits, p.family_name, p.given_name
		FROM claim_lines cl JOIN organisers o ON o.id = cl.organiser_id JOIN people p ON p.id = o.person_id JOIN units u ON u.id = cl.unit_id
		WHERE cl.claim_id = $1 ORDER BY p.family_name, p.given_name, u.code`, id)
	if err != nil {
		return nil, fmt.Errorf("claim %d lines: %w", id, err)
	}
	defer rows.Close()
	var out []named[model.ClaimLine]
	for rows.Next() {
		var l model.ClaimLine
		var family, given string
		if err := rows.Scan(&l.OrganiserID, &l.Learner, &l.Email, &l.RegistrationNumber, &l.ULN, &l.UnitCode, &l.UnitTitle, &l.Level, &l.Credits, &family, &given); err != nil {
			return nil, err
		}
		out = append(out, nameRow(l, family, given))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim %d lines: %w", id, err)
	}
	return byName(out), nil
}

// ClaimCentre is the centre named on claims: the centre.name setting.
func (s *Store) ClaimCentre(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'centre.name'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("centre name: %w", err)
	}
	return v, nil
}
