package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// modulesSQL reads the modules in order; %s is the completions column.
const modulesSQL = `SELECT m.id, m.code, m.title, m.position, m.description, m.completion_rule, %s
        FROM modules m %s ORDER BY m.position, m.code`

// Modules lists the course's modules in order, with completion counts. The
// completions are counted in one grouped pass: a count per module walked
// the whole completions index once for each module.
func (s *Store) Modules(ctx context.Context) ([]model.Module, error) {
	mods, err := s.modules(ctx, `coalesce(n.done, 0)`,
		`LEFT JOIN (SELECT module_id, count(*) AS done FROM module_completions GROUP BY module_id) n ON n.module_id = m.id`)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	return mods, nil
}

// modules reads modulesSQL with the completions column done and its join.
func (s *Store) modules(ctx context.Context, done, join string) ([]model.Module, error) {
	var out []model.Module
	err := s.eachRow(ctx, fmt.Sprintf(modulesSQL, done, join), nil, func(r *sql.Rows) error {
		var m model.Module
		err := r.Scan(&m.ID, &m.Code, &m.Title, &m.Position, &m.Description, &m.Rule, &m.Completed)
		out = append(out, m)
		return err
	})
	return out, err
}

// Courses lists every course, earliest first.
func (s *Store) Courses(ctx context.Context) ([]model.Course, error) {
	var out []model.Course
	err := s.eachRow(ctx, `SELECT c.id, c.kind, c.title, coalesce(c.cohort_id, 0), coalesce(co.number, 0),
        coalesce(c.lead_trainer_id, 0), coalesce(p.given_name || ' ' || p.family_name, ''), c.venue,
        coalesce(c.starts_on, ''), coalesce(c.ends_on, ''),
        (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id),
        (SELECT count(*) FROM sessions se WHERE se.course_id = c.id)
        FROM courses c LEFT JOIN cohorts co ON co.id = c.cohort_id
        LEFT JOIN trainers t ON t.id = c.lead_trainer_id LEFT JOIN people p ON p.id = t.person_id
        ORDER BY coalesce(c.starts_on, ''), c.id`, nil, func(r *sql.Rows) error {
		var c model.Course
		err := r.Scan(&c.ID, &c.Kind, &c.Title, &c.CohortID, &c.CohortNumber, &c.LeadTrainerID, &c.LeadTrainer,
			&c.Venue, &c.StartsOn, &c.EndsOn, &c.Enrolled, &c.Sessions)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list courses: %w", err)
	}
	return out, nil
}

const sessionSQL = `SELECT s.id, s.course_id, coalesce(s.module_id, 0), coalesce(m.title, ''), coalesce(s.trainer_id, 0),
        coalesce(p.given_name || ' ' || p.family_name, ''), s.held_on, s.venue, s.title,
        coalesce(a.present, 0), coalesce(a.absent, 0)
    FROM sessions s LEFT JOIN modules m ON m.id = s.module_id
    LEFT JOIN trainers t ON t.id = s.trainer_id LEFT JOIN people p ON p.id = t.person_id
    LEFT JOIN (SELECT session_id, sum(present) AS present, sum(1 - present) AS absent
               FROM attendance GROUP BY session_id) a ON a.session_id = s.id`

func scanSession(r interface{ Scan(...any) error }) (model.Session, error) {
	var x model.Session
	err := r.Scan(&x.ID, &x.CourseID, &x.ModuleID, &x.Module, &x.TrainerID, &x.Trainer, &x.HeldOn, &x.Venue, &x.Title,
		&x.Present, &x.Absent)
	return x, err
}

// CourseSessions lists a course's sessions by date.
func (s *Store) CourseSessions(ctx context.Context, courseID int64) ([]model.Session, error) {
	var out []model.Session
	err := s.eachRow(ctx, sessionSQL+` WHERE s.course_id = $1 ORDER BY s.held_on, s.id`, []any{courseID},
		func(r *sql.Rows) error {
			x, err := scanSession(r)
			out = append(out, x)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list sessions of course %d: %w", courseID, err)
	}
	return out, nil
}

// Register reads a session's register: everyone enrolled on its course and
// anyone already marked, by family name.
func (s *Store) Register(ctx context.Context, sessionID int64) (model.Register, error) {
	var reg model.Register
	x, err := scanSession(s.db.QueryRowContext(ctx, sessionSQL+` WHERE s.id = $1`, sessionID))
	if errors.Is(err, sql.ErrNoRows) {
		return reg, fmt.Errorf("register of session %d: %w", sessionID, model.ErrNotFound)
	}
	if err != nil {
		return reg, fmt.Errorf("register of session %d: %w", sessionID, err)
	}
	reg.Session = x
	if err := s.db.QueryRowContext(ctx, `SELECT title FROM courses WHERE id = $1`, x.CourseID).Scan(&reg.Course); err != nil {
		return reg, fmt.Errorf("register of session %d: %w", sessionID, err)
	}
	var lines []named[model.RegisterLine]
	err = s.eachRow(ctx, `SELECT p.id, p.given_name || ' ' || p.family_name, coalesce(a.present, 0),
        a.person_id IS NOT NULL, coalesce(a.recorded_by, ''), p.family_name, p.given_name
        FROM people p
        LEFT JOIN attendance a ON a.person_id = p.id AND a.session_id = $1
        WHERE p.id IN (SELECT person_id FROM enrolments WHERE course_id = $2
                       UNION SELECT person_id FROM attendance WHERE session_id = $1)
        ORDER BY p.family_name, p.given_name, p.id`, []any{sessionID, x.CourseID}, func(r *sql.Rows) error {
		var l model.RegisterLine
		var family, given string
		err := r.Scan(&l.PersonID, &l.Name, &l.Present, &l.Recorded, &l.RecordedBy, &family, &given)
		lines = append(lines, nameRow(l, family, given))
		return err
	})
	if err != nil {
		return reg, fmt.Errorf("register of session %d: %w", sessionID, err)
	}
	reg.Lines = byName(lines)
	return reg, nil
}

// SaveRegister records attendance for a session in one transaction: present
// true or false per person, each mark naming the store's actor. People must
// be enrolled on the session's course or already on its register. When the
// session covers a module, the module's completion rule is applied to
// everyone whose mark changed, in the same transaction.
func (s *Store) SaveRegister(ctx context.Context, by model.User, sessionID int64, marks map[int64]bool) error {
	_, err := s.SaveRegisterFrom(ctx, by, sessionID, nil, marks)
	return err
}

// SaveRegisterFrom is SaveRegister for a register form: was holds each
// learner's tick as the form read it (Register.Ticks). A learner whose tick
// the form leaves as read, but whose mark someone else changed since, keeps
// that newer mark: it is not put back, and it is returned (who, when) so the
// form can say so. A tick the form changed is saved.
//
// Two desks taking one register therefore merge learner by learner rather
// than the second being refused: a tick has two values, so where both desks
// changed one learner's tick from the same reading they changed it the same
// way, and a refusal would only make the second desk reload to see the very
// ticks it was saving. A learner not yet recorded reads as unticked, as the
// form shows them; one recorded absent since keeps that mark unless this
// form ticked them present, as it would after a reload.
func (s *Store) SaveRegisterFrom(ctx context.Context, by model.User, sessionID int64, was, marks map[int64]bool) ([]model.KeptMark, error) {
	if err := s.require(ctx, by, model.ActTraining); err != nil {
		return nil, err
	}
	if len(marks) == 0 {
		return nil, fmt.Errorf("save register of session %d: %w: nobody marked", sessionID, model.ErrInvalid)
	}
	clock := s.now()
	now := clock.UTC().Format(time.RFC3339)
	var kept []model.KeptMark
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		kept = nil // a retried transaction starts again
		var courseID, moduleID int64
		err := tx.QueryRowContext(ctx, `SELECT course_id, coalesce(module_id, 0) FROM sessions WHERE id = $1`, sessionID).Scan(&courseID, &moduleID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("session %d: %w", sessionID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		type mark struct {
			present bool
			by, at  string
			name    string
		}
		before := map[int64]mark{}
		rows, err := tx.QueryContext(ctx, `SELECT a.person_id, a.present, a.recorded_by, a.recorded_at,
			p.given_name || ' ' || p.family_name
			FROM attendance a JOIN people p ON p.id = a.person_id WHERE a.session_id = $1`, sessionID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var present int // an INTEGER 0 or 1 in both dialects
			var m mark
			if err := rows.Scan(&id, &present, &m.by, &m.at, &m.name); err != nil {
				rows.Close()
				return err
			}
			m.present = present == 1
			before[id] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		check, err := tx.PrepareContext(ctx, `SELECT count(*) FROM enrolments WHERE course_id = $1 AND person_id = $2`)
		if err != nil {
			return err
		}
		defer check.Close()
		upsert, err := tx.PrepareContext(ctx, `INSERT INTO attendance (session_id, person_id, present, recorded_at, recorded_by)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (session_id, person_id) DO UPDATE SET present = excluded.present,
                recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by`)
		if err != nil {
			return err
		}
		defer upsert.Close()
		after, prior := map[string]bool{}, map[string]bool{}
		var changed []int64
		for person, present := range marks {
			key := strconv.FormatInt(person, 10)
			old, ok := before[person]
			if read, seen := was[person]; seen && read == present && ok && old.present != read {
				// Left as read here, changed by someone since: theirs stands.
				k := model.KeptMark{PersonID: person, Name: old.name, Present: old.present, By: old.by, Now: clock}
				if t, err := time.Parse(time.RFC3339, old.at); err == nil {
					k.At = t
				}
				kept = append(kept, k)
				continue
			}
			if ok && old.present == present {
				continue // a mark saved unchanged keeps who recorded it and when
			}
			if ok {
				prior[key] = old.present
			}
			if !ok {
				var n int
				if err := check.QueryRowContext(ctx, courseID, person).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return fmt.Errorf("%w: person %d is not enrolled on this course", model.ErrInvalid, person)
				}
			}
			p := 0
			if present {
				p = 1
			}
			if _, err := upsert.ExecContext(ctx, sessionID, person, p, now, by.Username); err != nil {
				return err
			}
			after[key] = present
			changed = append(changed, person)
		}
		if len(after) == 0 {
			return nil // the register as it was: no write, no audit entry
		}
		if err := s.audit(ctx, tx, by, "register", "session", strconv.FormatInt(sessionID, 10), prior, after); err != nil {
			return err
		}
		if moduleID == 0 {
			return nil // a session of no module completes nothing
		}
		// In the register's transaction: the module grid, the organiser's
		// page and certificate eligibility follow the moment it is saved.
		slices.Sort(changed) // the same order each time, so the audit log reads the same
		return s.settleCompletions(ctx, tx, by, moduleID, changed)
	})
	if err != nil {
		return nil, fmt.Errorf("save register of session %d: %w", sessionID, err)
	}
	slices.SortFunc(kept, func(a, b model.KeptMark) int { return strings.Compare(a.Name, b.Name) })
	return kept, nil
}

// ModuleCompletionGrid reads module completion per organiser: every organiser
// enrolled on a main course or any course teaching a module, or with a
// completed module. Every completion is read for the grid, so the modules'
// completion counts are taken from that read rather than counted again.
func (s *Store) ModuleCompletionGrid(ctx context.Context) (model.ModuleCompletions, error) {
	var g model.ModuleCompletions
	mods, err := s.modules(ctx, `0`, ``)
	if err != nil {
		return g, fmt.Errorf("module completion: list modules: %w", err)
	}
	g.Modules = mods
	col := make(map[int64]int, len(mods))
	for i, m := range mods {
		col[m.ID] = i
	}
	byOrg := map[int64]int{}
	// The organisers as one set (a UNION) rather than two IN lists joined
	// by OR, which SQLite answered by probing each organiser twice.
	err = s.eachRow(ctx, `SELECT o.id, p.given_name || ' ' || p.family_name, coalesce(c.number, 0), o.status
        FROM organisers o JOIN people p ON p.id = o.person_id LEFT JOIN cohorts c ON c.id = o.cohort_id
        WHERE o.id IN (SELECT organiser_id FROM module_completions
                       UNION SELECT eo.id FROM enrolments e JOIN organisers eo ON eo.person_id = e.person_id
                             JOIN courses k ON k.id = e.course_id
                             WHERE k.kind = 'main' OR k.id IN (SELECT course_id FROM sessions WHERE module_id IS NOT NULL))
        ORDER BY coalesce(c.number, 999999), p.family_name, p.given_name, o.id`, nil, func(r *sql.Rows) error {
		row := model.ModuleCompletionRow{CompletedOn: make([]string, len(mods))}
		err := r.Scan(&row.OrganiserID, &row.Name, &row.CohortNumber, &row.Status)
		byOrg[row.OrganiserID] = len(g.Rows)
		g.Rows = append(g.Rows, row)
		return err
	})
	if err != nil {
		return g, fmt.Errorf("module completion: %w", err)
	}
	// Dates repeat (a session's day completes a module for a whole class):
	// each distinct one is made a string once.
	dates := map[string]string{}
	err = s.eachRow(ctx, `SELECT organiser_id, module_id, completed_on FROM module_completions`, nil, func(r *sql.Rows) error {
		var org, mod int64
		var raw sql.RawBytes
		if err := r.Scan(&org, &mod, &raw); err != nil {
			return err
		}
		c, ok := col[mod]
		if !ok {
			return nil
		}
		g.Modules[c].Completed++
		i, ok := byOrg[org]
		if !ok {
			return nil
		}
		on, seen := dates[string(raw)]
		if !seen {
			on = string(raw)
			dates[on] = on
		}
		g.Rows[i].CompletedOn[c] = on
		g.Rows[i].Done++
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("module completion: %w", err)
	}
	return g, nil
}

// MissedSessions lists people marked absent from sessions held on or before
// today, most missed first.
func (s *Store) MissedSessions(ctx context.Context, today time.Time) ([]model.MissedRow, error) {
	var out []model.MissedRow
	// Attendance is added up per person first, and only the people who
	// missed a session are joined to their names and cohorts: joining every
	// mark before grouping looked each name up 47,000 times at scale 10.
	// Each person has one organiser record at most (person_id is unique).
	err := s.eachRow(ctx, `SELECT p.id, p.given_name || ' ' || p.family_name, coalesce(c.number, 0),
        a.missed, a.marked, a.last_missed, a.last_session
        FROM (SELECT a.person_id, sum(1 - a.present) AS missed, count(*) AS marked,
                     coalesce(max(CASE WHEN a.present = 0 THEN s.held_on END), '') AS last_missed,
                     max(s.held_on) AS last_session
              FROM attendance a JOIN sessions s ON s.id = a.session_id
              WHERE s.held_on <= $1
              GROUP BY a.person_id HAVING sum(1 - a.present) > 0) a
        JOIN people p ON p.id = a.person_id
        LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN cohorts c ON c.id = o.cohort_id
        ORDER BY a.missed DESC, p.family_name, p.given_name, p.id`, []any{today.Format("2006-01-02")},
		func(r *sql.Rows) error {
			var m model.MissedRow
			err := r.Scan(&m.PersonID, &m.Name, &m.CohortNumber, &m.Missed, &m.Marked, &m.LastMissed, &m.LastSession)
			out = append(out, m)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("missed sessions: %w", err)
	}
	return out, nil
}

// Training reads the modules and courses for the training screen.
func (s *Store) Training(ctx context.Context) (model.TrainingOverview, error) {
	var t model.TrainingOverview
	var err error
	if t.Modules, err = s.Modules(ctx); err != nil {
		return t, err
	}
	t.Courses, err = s.Courses(ctx)
	return t, err
}

// SessionOptions lists the modules and the trainers who can deliver a session.
func (s *Store) SessionOptions(ctx context.Context) (model.SessionOptions, error) {
	var o model.SessionOptions
	var err error
	if o.Modules, err = s.choices(ctx, "list modules", `SELECT id, code || ' ' || title FROM modules ORDER BY position, code`); err != nil {
		return o, err
	}
	o.Trainers, err = s.choices(ctx, "list trainers", `SELECT t.id, p.given_name || ' ' || p.family_name FROM trainers t
        JOIN people p ON p.id = t.person_id WHERE t.status IN ('accredited', 'active') AND t.retired_on IS NULL
        ORDER BY p.family_name, p.given_name, t.id`)
	return o, err
}

// AddSession schedules a session of a course, returning its id.
func (s *Store) AddSession(ctx context.Context, by model.User, x model.Session) (int64, error) {
	if err := s.require(ctx, by, model.ActTraining); err != nil {
		return 0, err
	}
	if err := x.Validate(); err != nil {
		return 0, fmt.Errorf("add session: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		for _, ref := range []struct {
			field, q string
			id       int64
		}{
			{"course", `SELECT count(*) FROM courses WHERE id = $1`, x.CourseID},
			{"module", `SELECT count(*) FROM modules WHERE id = $1`, x.ModuleID},
			{"trainer", `SELECT count(*) FROM trainers WHERE id = $1`, x.TrainerID},
		} {
			if ref.id == 0 {
				continue
			}
			if err := tx.QueryRowContext(ctx, ref.q, ref.id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return model.FieldErr(ref.field, "%d does not exist", ref.id)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO sessions (course_id, module_id, trainer_id, held_on, venue, title)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, x.CourseID, nullIfZero(x.ModuleID), nullIfZero(x.TrainerID),
			x.HeldOn, x.Venue, x.Title).Scan(&x.ID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "session", strconv.FormatInt(x.ID, 10), nil, x)
	})
	if err != nil {
		return 0, fmt.Errorf("add session on %s: %w", x.HeldOn, err)
	}
	return x.ID, nil
}
