package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// CreateCourse schedules a course with its sessions in one transaction and
// returns its id. Each session covers the course's module, led by the
// course's trainer at its venue; more sessions can be added later.
func (s *Store) CreateCourse(ctx context.Context, by model.User, c model.NewCourse) (int64, error) {
	if err := s.require(ctx, by, model.ActTraining); err != nil {
		return 0, err
	}
	if err := c.Validate(); err != nil {
		return 0, fmt.Errorf("create course: %w", err)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, ref := range []struct {
			field, q string
			id       int64
		}{
			{"cohort", `SELECT count(*) FROM cohorts WHERE id = $1`, c.CohortID},
			{"module", `SELECT count(*) FROM modules WHERE id = $1`, c.ModuleID},
			{"trainer", `SELECT count(*) FROM trainers WHERE id = $1`, c.TrainerID},
		} {
			if ref.id == 0 {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, ref.q, ref.id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return model.FieldErr(ref.field, "%d does not exist", ref.id)
			}
		}
		if c.Title == "" {
			if err := tx.QueryRowContext(ctx, `SELECT title FROM modules WHERE id = $1`, c.ModuleID).Scan(&c.Title); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO courses (kind, title, cohort_id, lead_trainer_id, venue, starts_on, ends_on, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.Kind, c.Title, nullIfZero(c.CohortID),
			nullIfZero(c.TrainerID), c.Venue, c.StartsOn, c.EndsOn, model.Now()).Scan(&id)
		if err != nil {
			return err
		}
		add, err := tx.PrepareContext(ctx, `INSERT INTO sessions (course_id, module_id, trainer_id, held_on, venue, title)
            VALUES ($1, $2, $3, $4, $5, $6)`)
		if err != nil {
			return err
		}
		defer add.Close()
		for _, d := range c.SessionDates {
			if _, err := add.ExecContext(ctx, id, nullIfZero(c.ModuleID), nullIfZero(c.TrainerID), d, c.Venue, c.Title); err != nil {
				return fmt.Errorf("session on %s: %w", d, err)
			}
		}
		return s.audit(ctx, tx, by, "create", "course", strconv.FormatInt(id, 10), nil, c)
	})
	if err != nil {
		return 0, fmt.Errorf("create course %q: %w", c.Title, err)
	}
	return id, nil
}

// Enrol puts people on a course in one transaction, returning how many were
// newly enrolled; those already on it are left as they are. Everyone named
// must exist and not be erased, or nobody is enrolled.
func (s *Store) Enrol(ctx context.Context, by model.User, courseID int64, personIDs []int64) (int, error) {
	if err := s.require(ctx, by, model.ActTraining); err != nil {
		return 0, err
	}
	if len(personIDs) == 0 {
		return 0, fmt.Errorf("enrol on course %d: %w: nobody chosen", courseID, model.ErrInvalid)
	}
	var added []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM courses WHERE id = $1`, courseID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("course %d: %w", courseID, model.ErrNotFound)
		}
		who, err := tx.PrepareContext(ctx, `SELECT erased_at IS NOT NULL,
            EXISTS (SELECT 1 FROM enrolments WHERE course_id = $1 AND person_id = people.id)
            FROM people WHERE id = $2`)
		if err != nil {
			return err
		}
		defer who.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO enrolments (course_id, person_id) VALUES ($1, $2)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		seen := map[int64]bool{}
		for _, p := range personIDs {
			if seen[p] {
				continue
			}
			seen[p] = true
			var erased, already bool
			err := who.QueryRowContext(ctx, courseID, p).Scan(&erased, &already)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: person %d does not exist", model.ErrInvalid, p)
			}
			if err != nil {
				return err
			}
			if erased {
				return fmt.Errorf("%w: person %d has had their details erased", model.ErrInvalid, p)
			}
			if already {
				continue
			}
			if _, err := ins.ExecContext(ctx, courseID, p); err != nil {
				return fmt.Errorf("person %d: %w", p, err)
			}
			added = append(added, p)
		}
		if len(added) == 0 {
			return nil // everyone was on it already: no write, no audit entry
		}
		return s.audit(ctx, tx, by, "enrol", "course", strconv.FormatInt(courseID, 10), nil, map[string]any{"people": added})
	})
	if err != nil {
		return 0, fmt.Errorf("enrol %d people on course %d: %w", len(personIDs), courseID, err)
	}
	return len(added), nil
}

// enrolChoiceLimit is how many people the enrolment list shows at most
// when the caller sets no limit.
const enrolChoiceLimit = 2000

// EnrolChoices lists the people who may be enrolled on a course, narrowed
// by cohort, host and text, saying who is on it already. Organisers and
// trainers are offered; people whose details were erased are not.
func (s *Store) EnrolChoices(ctx context.Context, courseID int64, f model.EnrolFilter) ([]model.EnrolChoice, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = enrolChoiceLimit
	}
	where := []string{"p.erased_at IS NULL", "(o.id IS NOT NULL OR t.id IS NOT NULL)"}
	args := []any{courseID}
	if f.CohortID != 0 {
		args = append(args, f.CohortID)
		where = append(where, fmt.Sprintf("o.cohort_id = $%d", len(args)))
	}
	if f.HostID != 0 {
		args = append(args, f.HostID)
		where = append(where, fmt.Sprintf("o.host_id = $%d", len(args)))
	}
	text := model.Fold(strings.TrimSpace(f.Text))
	var out []model.EnrolChoice
	err := s.eachRow(ctx, `SELECT p.id, p.given_name || ' ' || p.family_name, p.email,
        CASE o.role WHEN 'senior' THEN 'Senior organiser' WHEN 'volunteer' THEN 'Volunteer organiser' ELSE 'Trainer' END,
        coalesce(c.number, 0), coalesce(h.name, ''),
        EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = $1 AND e.person_id = p.id)
        FROM people p LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN trainers t ON t.person_id = p.id
        LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id
        WHERE `+strings.Join(where, " AND ")+`
        ORDER BY p.family_name, p.given_name, p.id`, args, func(r *sql.Rows) error {
		var x model.EnrolChoice
		if err := r.Scan(&x.PersonID, &x.Name, &x.Email, &x.Kind, &x.CohortNumber, &x.Host, &x.Enrolled); err != nil {
			return err
		}
		// Folded in Go, as the other instant searches are: "lukasz" finds Łukasz.
		if text != "" && !strings.Contains(model.Fold(x.Name), text) && !strings.Contains(model.Fold(x.Email), text) {
			return nil
		}
		if len(out) < limit {
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("people to enrol on course %d: %w", courseID, err)
	}
	return out, nil
}

// ModuleCompletion reads one organiser's completion of one module, or
// ErrNotFound while it is not complete.
func (s *Store) ModuleCompletion(ctx context.Context, organiserID, moduleID int64) (model.ModuleCompletion, error) {
	c, ok, err := completionOf(ctx, s.db, organiserID, moduleID)
	if err == nil && !ok {
		err = model.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("completion of module %d by organiser %d: %w", moduleID, organiserID, err)
	}
	return c, nil
}

// completionOf reads a completion through the pool or a transaction.
func completionOf(ctx context.Context, q queryer, organiserID, moduleID int64) (model.ModuleCompletion, bool, error) {
	c := model.ModuleCompletion{OrganiserID: organiserID, ModuleID: moduleID}
	err := q.QueryRowContext(ctx, `SELECT completed_on, how, reason, recorded_by FROM module_completions
        WHERE organiser_id = $1 AND module_id = $2`, organiserID, moduleID).Scan(&c.CompletedOn, &c.How, &c.Reason, &c.RecordedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// CompleteModule records a lead marking a module complete for an organiser,
// with a reason; registers saved later leave it alone. A completion already
// derived from attendance becomes the lead's; one a lead marked already is
// refused with ErrExists.
func (s *Store) CompleteModule(ctx context.Context, by model.User, m model.ManualCompletion) error {
	if err := s.require(ctx, by, model.ActTraining); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mark module complete: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisers WHERE id = $1`, m.OrganiserID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.FieldErr("organiser", "%d does not exist", m.OrganiserID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM modules WHERE id = $1`, m.ModuleID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.FieldErr("module", "%d does not exist", m.ModuleID)
		}
		old, had, err := completionOf(ctx, tx, m.OrganiserID, m.ModuleID)
		if err != nil {
			return err
		}
		if had && old.How == model.CompletedByLead {
			return fmt.Errorf("%w: marked complete on %s by %s (%s)", model.ErrExists,
				model.DisplayDate(old.CompletedOn), orUnknown(old.RecordedBy), old.Reason)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO module_completions (organiser_id, module_id, completed_on, how, reason, recorded_by, recorded_at)
            VALUES ($1, $2, $3, 'lead', $4, $5, $6)
            ON CONFLICT (organiser_id, module_id) DO UPDATE SET completed_on = excluded.completed_on, how = 'lead',
                reason = excluded.reason, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			m.OrganiserID, m.ModuleID, m.CompletedOn, m.Reason, by.Username, model.Now())
		if err != nil {
			return err
		}
		var before any
		if had {
			before = old
		}
		after := model.ModuleCompletion{OrganiserID: m.OrganiserID, ModuleID: m.ModuleID, CompletedOn: m.CompletedOn,
			How: model.CompletedByLead, Reason: m.Reason, RecordedBy: by.Username}
		return s.audit(ctx, tx, by, "complete", "module_completion", completionKey(m.OrganiserID, m.ModuleID), before, after)
	})
	if err != nil {
		return fmt.Errorf("mark module %d complete for organiser %d: %w", m.ModuleID, m.OrganiserID, err)
	}
	return nil
}

func completionKey(organiserID, moduleID int64) string {
	return strconv.FormatInt(organiserID, 10) + "/" + strconv.FormatInt(moduleID, 10)
}

func orUnknown(s string) string {
	if s == "" {
		return "someone unrecorded"
	}
	return s
}

// settleCompletions applies a module's completion rule, inside a register's
// transaction, to the people whose marks changed: a rule now met records a
// completion derived from attendance; a rule no longer met takes back a
// derived completion. A lead's completion stands either way.
func (s *Store) settleCompletions(ctx context.Context, tx *sql.Tx, by model.User, moduleID int64, people []int64) error {
	var rule string
	if err := tx.QueryRowContext(ctx, `SELECT completion_rule FROM modules WHERE id = $1`, moduleID).Scan(&rule); err != nil {
		return fmt.Errorf("rule of module %d: %w", moduleID, err)
	}
	// The module's sessions on each course the person is on or was marked at.
	marks, err := tx.PrepareContext(ctx, `SELECT s.course_id, s.held_on, a.person_id IS NOT NULL, coalesce(a.present, 0)
        FROM sessions s LEFT JOIN attendance a ON a.session_id = s.id AND a.person_id = $2
        WHERE s.module_id = $1
          AND (s.course_id IN (SELECT course_id FROM enrolments WHERE person_id = $2) OR a.person_id IS NOT NULL)
        ORDER BY s.course_id, s.held_on, s.id`)
	if err != nil {
		return err
	}
	defer marks.Close()
	now := model.Now()
	for _, person := range people {
		var org int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM organisers WHERE person_id = $1`, person).Scan(&org)
		if errors.Is(err, sql.ErrNoRows) {
			continue // only organisers complete modules; a trainer on a course has a register, not a completion
		}
		if err != nil {
			return err
		}
		byCourse := map[int64][]model.SessionMark{}
		var courses []int64
		rows, err := marks.QueryContext(ctx, moduleID, person)
		if err != nil {
			return err
		}
		for rows.Next() {
			var course int64
			var m model.SessionMark
			if err := rows.Scan(&course, &m.HeldOn, &m.Recorded, &m.Present); err != nil {
				rows.Close()
				return err
			}
			if _, ok := byCourse[course]; !ok {
				courses = append(courses, course)
			}
			byCourse[course] = append(byCourse[course], m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		met, on := false, ""
		for _, c := range courses {
			if ok, d := model.ModuleRuleMet(rule, byCourse[c]); ok && (!met || d < on) {
				met, on = true, d
			}
		}
		old, had, err := completionOf(ctx, tx, org, moduleID)
		if err != nil {
			return err
		}
		key := completionKey(org, moduleID)
		switch {
		case had && old.How == model.CompletedByLead:
			continue
		case met && (!had || old.CompletedOn != on):
			_, err = tx.ExecContext(ctx, `INSERT INTO module_completions (organiser_id, module_id, completed_on, how, recorded_by, recorded_at)
                VALUES ($1, $2, $3, 'attendance', $4, $5)
                ON CONFLICT (organiser_id, module_id) DO UPDATE SET completed_on = excluded.completed_on,
                    recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`, org, moduleID, on, by.Username, now)
			if err != nil {
				return err
			}
			var before any
			if had {
				before = old
			}
			after := model.ModuleCompletion{OrganiserID: org, ModuleID: moduleID, CompletedOn: on,
				How: model.CompletedByAttendance, RecordedBy: by.Username}
			if err := s.audit(ctx, tx, by, "complete", "module_completion", key, before, after); err != nil {
				return err
			}
		case !met && had:
			if _, err := tx.ExecContext(ctx, `DELETE FROM module_completions WHERE organiser_id = $1 AND module_id = $2`, org, moduleID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, by, "uncomplete", "module_completion", key, old, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
