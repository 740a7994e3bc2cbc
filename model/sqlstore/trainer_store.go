package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// trainerDeliveredCTE lists every (trainer, course, date) a trainer delivered:
// sessions they ran, sessions of courses they led, and the start of a course
// they led that has no sessions yet.
const trainerDeliveredCTE = `delivered(trainer_id, course_id, held_on) AS (
    SELECT trainer_id, course_id, held_on FROM sessions WHERE trainer_id IS NOT NULL
    UNION ALL
    SELECT c.lead_trainer_id, c.id, s.held_on FROM courses c JOIN sessions s ON s.course_id = c.id
    WHERE c.lead_trainer_id IS NOT NULL
    UNION ALL
    SELECT c.lead_trainer_id, c.id, c.starts_on FROM courses c
    WHERE c.lead_trainer_id IS NOT NULL AND c.starts_on IS NOT NULL
),
done(trainer_id, courses, last) AS (
    SELECT trainer_id, count(DISTINCT course_id), max(held_on) FROM delivered GROUP BY trainer_id
)`

const trainerSelect = `SELECT t.id, t.person_id, p.given_name, p.family_name, p.email, p.phone, t.organisation,
        coalesce(t.trained_by_id, 0), coalesce(tp.given_name || ' ' || tp.family_name, ''),
        coalesce(t.trained_on, ''), t.status, coalesce(t.retired_on, ''), coalesce(g.generation, 0),
        coalesce(d.courses, 0), coalesce(d.last, ''),
        (SELECT count(*) FROM trainers k WHERE k.trained_by_id = t.id), ` + onTTTCol + `
    FROM trainers t JOIN people p ON p.id = t.person_id
    LEFT JOIN trainers tb ON tb.id = t.trained_by_id LEFT JOIN people tp ON tp.id = tb.person_id
    LEFT JOIN gen g ON g.id = t.id LEFT JOIN done d ON d.trainer_id = t.id`

// scanTrainer reads one trainer row; firstTTT decides who is a founding trainer.
func scanTrainer(rows *sql.Rows, firstTTT string) (model.Trainer, error) {
	var t model.Trainer
	var onTTT bool
	err := rows.Scan(&t.ID, &t.PersonID, &t.GivenName, &t.FamilyName, &t.Email, &t.Phone, &t.Organisation,
		&t.TrainedByID, &t.TrainedByName, &t.TrainedOn, &t.Status, &t.RetiredOn, &t.Generation,
		&t.Courses, &t.LastDelivered, &t.Trained, &onTTT)
	t.Founding = model.IsFoundingTrainer(t.TrainedByID, onTTT, t.TrainedOn, firstTTT)
	return t, err
}

// trainersWhere runs the trainer query with an extra condition.
func (s *Store) trainersWhere(ctx context.Context, where string, args ...any) ([]model.Trainer, error) {
	q := trainerGenerationsCTE + ", " + trainerDeliveredCTE + " " + trainerSelect + " " + where +
		" ORDER BY p.family_name, p.given_name, t.id"
	first, err := s.firstTTT(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Trainer
	for rows.Next() {
		t, err := scanTrainer(rows, first)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// SQLite orders by bytes (Wróbel before Wójcik); people read collated order.
	model.SortPeople(out, func(t model.Trainer) (string, string) { return t.FamilyName, t.GivenName })
	return out, nil
}

// asOfDate is the latest session date, or today when no session is recorded.
func (s *Store) asOfDate(ctx context.Context) (string, error) {
	var last string
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(held_on), '') FROM sessions`).Scan(&last); err != nil {
		return "", err
	}
	if last == "" {
		last = time.Now().UTC().Format(time.DateOnly)
	}
	return last, nil
}

// Trainers lists the whole trainer network, flags worked out.
func (s *Store) Trainers(ctx context.Context) (model.TrainerList, error) {
	var l model.TrainerList
	var err error
	if l.AsOf, err = s.asOfDate(ctx); err != nil {
		return l, fmt.Errorf("list trainers: %w", err)
	}
	if l.Trainers, err = s.trainersWhere(ctx, ""); err != nil {
		return l, fmt.Errorf("list trainers: %w", err)
	}
	for i := range l.Trainers {
		l.Trainers[i].Idle = model.IsIdle(l.Trainers[i], l.AsOf)
	}
	return l, nil
}

// TrainerDetail reads one trainer's page.
func (s *Store) TrainerDetail(ctx context.Context, id int64) (model.TrainerDetail, error) {
	var d model.TrainerDetail
	fail := func(err error) (model.TrainerDetail, error) { return d, fmt.Errorf("read trainer %d: %w", id, err) }
	// What an edit form saves back is checked against the fields as read
	// here, before the rest: a change landing meanwhile shows on the page and
	// at worst refuses a save, never lets one overwrite it.
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return fail(err)
	}
	state, _, err := s.trainerAuditState(ctx, s.db, id)
	if err != nil {
		return fail(err)
	}
	ts, err := s.trainersWhere(ctx, "WHERE t.id = $1", id)
	if err != nil {
		return fail(err)
	}
	if len(ts) == 0 {
		return fail(model.ErrNotFound)
	}
	d.Trainer = ts[0]
	d.Seen = seenAs(mark, state.TrainerInput)
	asOf, err := s.asOfDate(ctx)
	if err != nil {
		return fail(err)
	}
	d.Idle = model.IsIdle(d.Trainer, asOf)
	err = s.db.QueryRowContext(ctx, `SELECT c.title, coalesce(c.starts_on, '') FROM enrolments e
        JOIN courses c ON c.id = e.course_id WHERE e.person_id = $1 AND c.kind = 'ttt'
        ORDER BY c.starts_on LIMIT 1`, d.PersonID).Scan(&d.TTTCourse, &d.TTTCourseOn)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fail(err)
	}
	if d.Delivered, err = s.deliveredCourses(ctx, id); err != nil {
		return fail(err)
	}
	if d.TrainedList, err = s.trainersWhere(ctx, "WHERE t.trained_by_id = $1", id); err != nil {
		return fail(err)
	}
	for i := range d.TrainedList {
		d.TrainedList[i].Idle = model.IsIdle(d.TrainedList[i], asOf)
	}
	if d.Reached, err = s.reachedBy(ctx, id); err != nil {
		return fail(err)
	}
	return d, nil
}

func (s *Store) deliveredCourses(ctx context.Context, id int64) ([]model.DeliveredCourse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.kind, c.title, coalesce(co.number, 0), coalesce(c.starts_on, ''),
        CASE WHEN c.lead_trainer_id = $1 THEN 1 ELSE 0 END,
        (SELECT count(*) FROM sessions s WHERE s.course_id = c.id AND s.trainer_id = $1),
        (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id),
        (SELECT count(DISTINCT a.person_id) FROM sessions s JOIN attendance a ON a.session_id = s.id
          WHERE s.course_id = c.id AND a.present = 1)
        FROM courses c LEFT JOIN cohorts co ON co.id = c.cohort_id
        WHERE c.lead_trainer_id = $1 OR c.id IN (SELECT course_id FROM sessions WHERE trainer_id = $1)
        ORDER BY c.starts_on, c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.DeliveredCourse
	for rows.Next() {
		var c model.DeliveredCourse
		if err := rows.Scan(&c.ID, &c.Kind, &c.Title, &c.Cohort, &c.StartsOn, &c.Lead, &c.Sessions, &c.Enrolled, &c.Attended); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// reachedBy lists the people a trainer reached (model.TrainerReach): enrolled
// on, or present at, the courses they led or taught a session of.
func (s *Store) reachedBy(ctx context.Context, id int64) ([]model.ReachedPerson, error) {
	// The same reach rows as the cascade tree's (model.TrainerReach).
	rows, err := s.db.QueryContext(ctx, `WITH `+trainerReachCTE("= $1")+`,
        people_reached(person_id, attended) AS (SELECT person_id, max(attended) FROM reached GROUP BY person_id)
        SELECT p.id, p.given_name || ' ' || p.family_name,
            coalesce(o.role, CASE WHEN t.id IS NOT NULL THEN 'trainer' ELSE '' END),
            coalesce(h.name, ''), coalesce(c.number, 0), r.attended
        FROM people_reached r JOIN people p ON p.id = r.person_id
        LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN trainers t ON t.person_id = p.id
        LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
        ORDER BY p.family_name, p.given_name, p.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.ReachedPerson
	for rows.Next() {
		var r model.ReachedPerson
		if err := rows.Scan(&r.PersonID, &r.Name, &r.Role, &r.Host, &r.Cohort, &r.Attended); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// trainerAudit is what the audit log records of a trainer.
type trainerAudit struct {
	model.TrainerInput
	RetiredOn string `json:",omitempty"`
}

func (s *Store) trainerAuditState(ctx context.Context, q rowQuerier, id int64) (trainerAudit, int64, error) {
	var a trainerAudit
	var personID int64
	err := q.QueryRowContext(ctx, `SELECT t.person_id, p.given_name, p.family_name, p.email, p.phone, t.organisation,
        coalesce(t.trained_by_id, 0), coalesce(t.trained_on, ''), t.status, coalesce(t.retired_on, '')
        FROM trainers t JOIN people p ON p.id = t.person_id WHERE t.id = $1`, id).
		Scan(&personID, &a.GivenName, &a.FamilyName, &a.Email, &a.Phone, &a.Organisation,
			&a.TrainedByID, &a.TrainedOn, &a.Status, &a.RetiredOn)
	if errors.Is(err, sql.ErrNoRows) {
		return a, 0, model.ErrNotFound
	}
	return a, personID, err
}

// checkTrainedBy refuses a trainer who does not exist, or one who would make
// id their own trainer somewhere up the chain.
func checkTrainedBy(ctx context.Context, tx *sql.Tx, id, trainedBy int64) error {
	if trainedBy == 0 {
		return nil
	}
	seen := map[int64]bool{}
	for cur := trainedBy; cur != 0; {
		if cur == id {
			return &model.FieldError{Field: "trained by", Msg: "a trainer cannot be trained by themselves or by someone they trained"}
		}
		if seen[cur] {
			return nil // an old cycle, already flagged by check
		}
		seen[cur] = true
		var next sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT trained_by_id FROM trainers WHERE id = $1`, cur).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return &model.FieldError{Field: "trained by", Msg: fmt.Sprintf("there is no trainer %d", cur)}
		}
		if err != nil {
			return err
		}
		cur = next.Int64
	}
	return nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// emailTaken turns the unique index's refusal into a field error.
func emailTaken(err error, email string) error {
	if isUniqueViolation(err) && strings.Contains(err.Error(), "email") {
		return &model.FieldError{Field: "email", Msg: fmt.Sprintf("%s is already someone else's email", email)}
	}
	return err
}

// CreateTrainer adds a person and makes them a trainer.
func (s *Store) CreateTrainer(ctx context.Context, by model.User, in model.TrainerInput) (int64, error) {
	if err := s.require(ctx, by, model.ActTrainers); err != nil {
		return 0, err
	}
	in = in.Trimmed()
	if err := in.Validate(); err != nil {
		return 0, fmt.Errorf("add trainer: %w", err)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkTrainedBy(ctx, tx, -1, in.TrainedByID); err != nil {
			return err
		}
		now := model.Now()
		var personID int64
		err := tx.QueryRowContext(ctx, `INSERT INTO people (given_name, family_name, email, phone, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, in.GivenName, in.FamilyName, in.Email, in.Phone, now).Scan(&personID)
		if err != nil {
			return emailTaken(err, in.Email)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO trainers (person_id, organisation, trained_by_id, trained_on, status, created_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			personID, in.Organisation, nullID(in.TrainedByID), nullText(in.TrainedOn), in.Status, now).Scan(&id)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "trainer", fmt.Sprint(id), nil, trainerAudit{TrainerInput: in})
	})
	if err != nil {
		return 0, fmt.Errorf("add trainer %s %s: %w", in.GivenName, in.FamilyName, err)
	}
	return id, nil
}

// UpdateTrainer changes a trainer's details. Input carrying the Seen its
// form read (TrainerDetail's) is refused with a *model.ChangedError if
// anyone changed the trainer since.
func (s *Store) UpdateTrainer(ctx context.Context, by model.User, id int64, in model.TrainerInput) error {
	if err := s.require(ctx, by, model.ActTrainers); err != nil {
		return err
	}
	seen := in.Seen
	in.Seen = model.Seen{}
	in = in.Trimmed()
	if err := in.Validate(); err != nil {
		return fmt.Errorf("edit trainer %d: %w", id, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, personID, err := s.trainerAuditState(ctx, tx, id)
		if err != nil {
			return err
		}
		b, a, err := model.ChangedFields(before, trainerAudit{in, before.RetiredOn})
		if err != nil {
			return err
		}
		if len(a) == 0 && len(b) == 0 {
			return nil // saved unchanged: no write, no audit entry
		}
		skip, err := s.checkSeen(ctx, tx, seen, before.TrainerInput, in, personID, auditKey{"trainer", fmt.Sprint(id)},
			auditKey{"people", fmt.Sprint(personID)}, auditKey{"person", fmt.Sprint(personID)})
		if err != nil || skip {
			return err
		}
		if err := checkTrainedBy(ctx, tx, id, in.TrainedByID); err != nil {
			return err
		}
		was := before.TrainerInput
		if in.GivenName != was.GivenName || in.FamilyName != was.FamilyName || in.Email != was.Email || in.Phone != was.Phone {
			_, err = tx.ExecContext(ctx, `UPDATE people SET given_name = $1, family_name = $2, email = $3, phone = $4,
            updated_at = $5 WHERE id = $6`, in.GivenName, in.FamilyName, in.Email, in.Phone, model.Now(), personID)
			if err != nil {
				return emailTaken(err, in.Email)
			}
		}
		if in.Organisation != was.Organisation || in.TrainedByID != was.TrainedByID || in.TrainedOn != was.TrainedOn || in.Status != was.Status {
			_, err = tx.ExecContext(ctx, `UPDATE trainers SET organisation = $1, trained_by_id = $2, trained_on = $3, status = $4
            WHERE id = $5`, in.Organisation, nullID(in.TrainedByID), nullText(in.TrainedOn), in.Status, id)
			if err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, by, "update", "trainer", fmt.Sprint(id), b, a)
	})
	if err != nil {
		return fmt.Errorf("edit trainer %d: %w", id, err)
	}
	return nil
}

// RetireTrainer records that a trainer stopped training on the given ISO
// date; they stay in the network so the cascade keeps its history.
func (s *Store) RetireTrainer(ctx context.Context, by model.User, id int64, on string) error {
	if err := s.require(ctx, by, model.ActTrainers); err != nil {
		return err
	}
	if err := model.ValidateDate(on); err != nil || on == "" {
		return fmt.Errorf("retire trainer %d: %w", id, &model.FieldError{Field: "retired on", Msg: "write the date as YYYY-MM-DD"})
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, _, err := s.trainerAuditState(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.RetiredOn != "" {
			return fmt.Errorf("already retired on %s: %w", model.DisplayDate(before.RetiredOn), model.ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE trainers SET retired_on = $1 WHERE id = $2`, on, id); err != nil {
			return err
		}
		after := before
		after.RetiredOn = on
		return s.audit(ctx, tx, by, "retire", "trainer", fmt.Sprint(id), before, after)
	})
	if err != nil {
		return fmt.Errorf("retire trainer %d: %w", id, err)
	}
	return nil
}

// UnretireTrainer undoes a retirement (the screen's cheap undo).
func (s *Store) UnretireTrainer(ctx context.Context, by model.User, id int64) error {
	return s.UnretireTrainerFrom(ctx, by, model.TrainerDetail{Trainer: model.Trainer{ID: id}})
}

// UnretireTrainerFrom is UnretireTrainer for a screen that shows the
// trainer as was (TrainerDetail): a trainer no longer retired is left so (a
// no-op), and one retired again on another date since is refused with a
// *model.ChangedError naming who, rather than wiping their retirement.
func (s *Store) UnretireTrainerFrom(ctx context.Context, by model.User, was model.TrainerDetail) error {
	id := was.ID
	if err := s.require(ctx, by, model.ActTrainers); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, _, err := s.trainerAuditState(ctx, tx, id)
		if err != nil {
			return err
		}
		if !was.Seen.IsZero() {
			switch before.RetiredOn {
			case "":
				return nil // undone already: nothing to write or audit
			case was.RetiredOn:
			default:
				return s.changedSince(ctx, tx, was.Seen.Mark, 0, []auditKey{{"trainer", fmt.Sprint(id)}})
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE trainers SET retired_on = NULL WHERE id = $1`, id); err != nil {
			return err
		}
		after := before
		after.RetiredOn = ""
		return s.audit(ctx, tx, by, "unretire", "trainer", fmt.Sprint(id), before, after)
	})
	if err != nil {
		return fmt.Errorf("undo retiring trainer %d: %w", id, err)
	}
	return nil
}
