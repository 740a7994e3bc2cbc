package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The cascade is read in a handful of bulk queries and assembled in memory:
// one recursive CTE per node would cost thousands of round trips.
const (
	cascadeTrainersSQL = `SELECT t.id, t.person_id, p.given_name || ' ' || p.family_name,
        coalesce(t.trained_by_id, 0), t.status, coalesce(t.retired_on, '')
        FROM trainers t JOIN people p ON p.id = t.person_id ORDER BY p.family_name, p.given_name, t.id`
	cascadeCoursesSQL = `SELECT c.id, c.kind, c.title, coalesce(c.cohort_id, 0), coalesce(co.number, 0),
        coalesce(c.lead_trainer_id, 0),
        coalesce((SELECT s.trainer_id FROM sessions s WHERE s.course_id = c.id AND s.trainer_id IS NOT NULL
                  GROUP BY s.trainer_id ORDER BY count(*) DESC, s.trainer_id LIMIT 1), 0)
        FROM courses c LEFT JOIN cohorts co ON co.id = c.cohort_id
        WHERE c.kind <> 'ttt' ORDER BY co.number, c.kind DESC, c.id`
	// Who came to each course, any kind: enrolled on it, or present at one
	// of its sessions; one row per course and person.
	cascadeCameSQL = `SELECT course_id, person_id FROM enrolments
        UNION
        SELECT s.course_id, a.person_id FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE a.present = 1`
	// The courses each trainer led or taught a session of: trainerReachCTE's mine.
	cascadeMineSQL = `SELECT lead_trainer_id, id FROM courses WHERE lead_trainer_id IS NOT NULL
        UNION SELECT trainer_id, course_id FROM sessions WHERE trainer_id IS NOT NULL`
	// In id order, sorted by name in Go: SQLite sorting 50,000 names at
	// scale 10 cost more than the rest of the cascade.
	cascadeOrganisersSQL = `SELECT o.id, o.person_id, p.given_name, p.family_name, o.role, o.status,
        coalesce(o.supported_by_id, 0), coalesce(o.host_id, 0), coalesce(o.cohort_id, 0)
        FROM organisers o JOIN people p ON p.id = o.person_id ORDER BY o.id`
	cascadeHostsSQL   = `SELECT id, name FROM hosts ORDER BY name, id`
	cascadeCohortsSQL = `SELECT id, number FROM cohorts ORDER BY number`
)

// Cascade reads the whole train-the-trainers cascade with the reach of
// every node.
func (s *Store) Cascade(ctx context.Context) (*model.Cascade, error) {
	d, err := s.loadCascade(ctx)
	if err != nil {
		return nil, fmt.Errorf("read cascade: %w", err)
	}
	c := d.Build()
	if c.AsOf, err = s.asOfDate(ctx); err != nil {
		return nil, fmt.Errorf("read cascade: %w", err)
	}
	return c, nil
}

// PersonCard reads a person's details and roles for the cascade's person dialog.
func (s *Store) PersonCard(ctx context.Context, personID int64) (model.PersonCard, error) {
	p := model.PersonCard{PersonID: personID}
	var given, family string
	err := s.db.QueryRowContext(ctx, `SELECT given_name, family_name, email, phone FROM people WHERE id = $1`, personID).
		Scan(&given, &family, &p.Email, &p.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		err = model.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read person %d: %w", personID, err)
	}
	p.Name = strings.TrimSpace(given + " " + family)
	var t model.PersonTrainer
	err = s.db.QueryRowContext(ctx, `SELECT t.id, t.status, coalesce(tp.given_name || ' ' || tp.family_name, ''),
            coalesce(t.trained_on, ''), coalesce(t.retired_on, '')
        FROM trainers t LEFT JOIN trainers tb ON tb.id = t.trained_by_id LEFT JOIN people tp ON tp.id = tb.person_id
        WHERE t.person_id = $1`, personID).Scan(&t.ID, &t.Status, &t.TrainedBy, &t.TrainedOn, &t.RetiredOn)
	switch {
	case err == nil:
		p.Trainer = &t
	case !errors.Is(err, sql.ErrNoRows):
		return p, fmt.Errorf("read person %d as trainer: %w", personID, err)
	}
	var o model.PersonOrganiser
	err = s.db.QueryRowContext(ctx, `SELECT o.id, o.role, o.status, coalesce(h.name, ''), coalesce(h.region, ''),
            coalesce(h.setting, ''), coalesce(c.number, 0), coalesce(sp.given_name || ' ' || sp.family_name, ''),
            (SELECT count(*) FROM organisers v WHERE v.supported_by_id = o.id)
        FROM organisers o LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
        LEFT JOIN organisers so ON so.id = o.supported_by_id LEFT JOIN people sp ON sp.id = so.person_id
        WHERE o.person_id = $1`, personID).
		Scan(&o.ID, &o.Role, &o.Status, &o.Host, &o.Region, &o.Setting, &o.Cohort, &o.SupportedBy, &o.Supporting)
	switch {
	case err == nil:
		p.Organiser = &o
	case !errors.Is(err, sql.ErrNoRows):
		return p, fmt.Errorf("read person %d as organiser: %w", personID, err)
	}
	return p, nil
}

func (s *Store) loadCascade(ctx context.Context) (*model.CascadeData, error) {
	d := &model.CascadeData{Organisers: map[int64]*model.COrganiser{}, Volunteers: map[int64][]int64{}, Index: map[int64]int{}}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	person := func(id int64) {
		if _, ok := d.Index[id]; !ok {
			d.Index[id] = len(d.Index)
		}
	}
	each := func(q string, scan func(*sql.Rows) error) error {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err = each(cascadeTrainersSQL, func(r *sql.Rows) error {
		var t model.CTrainer
		err := r.Scan(&t.Id, &t.PersonID, &t.Name, &t.TrainedBy, &t.Status, &t.Retired)
		d.Trainers = append(d.Trainers, t)
		person(t.PersonID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trainers: %w", err)
	}
	err = each(cascadeOrganisersSQL, func(r *sql.Rows) error {
		o := &model.COrganiser{}
		err := r.Scan(&o.Id, &o.PersonID, &o.Given, &o.Family, &o.Role, &o.Status, &o.SupportedBy, &o.HostID, &o.CohortID)
		o.Name = strings.TrimSpace(o.Given + " " + o.Family)
		d.Organisers[o.Id] = o
		d.OrgOrder = append(d.OrgOrder, o.Id)
		person(o.PersonID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organisers: %w", err)
	}
	// By family then given name, ties in id order: an unstable sort with the
	// id as the last key, a third the time of a stable sort of 50,000.
	byName := make([]*model.COrganiser, len(d.OrgOrder))
	for i, id := range d.OrgOrder {
		byName[i] = d.Organisers[id]
	}
	slices.SortFunc(byName, func(a, b *model.COrganiser) int {
		return cmp.Or(strings.Compare(a.Family, b.Family), strings.Compare(a.Given, b.Given), cmp.Compare(a.Id, b.Id))
	})
	for i, o := range byName {
		d.OrgOrder[i] = o.Id
	}
	team := map[int64]int{} // a host's team: senior organisers not withdrawn (model.HostRow.Team)
	for _, id := range d.OrgOrder {
		o := d.Organisers[id]
		if o.SupportedBy != 0 {
			d.Volunteers[o.SupportedBy] = append(d.Volunteers[o.SupportedBy], o.Id)
		}
		if o.Role == model.RoleSenior && o.Status != model.StatusWithdrawn && o.HostID != 0 {
			team[o.HostID]++
		}
	}
	err = each(cascadeCoursesSQL, func(r *sql.Rows) error {
		c := &model.CCourse{}
		err := r.Scan(&c.Id, &c.Kind, &c.Title, &c.CohortID, &c.Cohort, &c.Trainer, &c.Sessions)
		d.Courses = append(d.Courses, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("courses: %w", err)
	}
	// Who came to each course, read once for two figures: a course's
	// reach (the organisers among them) and each trainer's reach
	// (model.TrainerReach: everyone who came to a course they led or taught
	// a session of). The trainer page reads the same pairs through
	// trainerReachCTE; one query per figure here cost twice the time, most
	// of it in SQLite making 220,000 trainer-person rows distinct.
	came := map[int64][]int64{}
	err = each(cascadeCameSQL, func(r *sql.Rows) error {
		var course, p int64
		err := r.Scan(&course, &p)
		came[course] = append(came[course], p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("enrolments and attendance: %w", err)
	}
	organiserOf := make(map[int64][]int64, len(d.Organisers))
	for _, id := range d.OrgOrder {
		o := d.Organisers[id]
		organiserOf[o.PersonID] = append(organiserOf[o.PersonID], o.Id)
	}
	for _, c := range d.Courses {
		for _, p := range came[c.Id] {
			c.Reached = append(c.Reached, organiserOf[p]...)
		}
	}
	trainerAt := map[int64]int{}
	for i, t := range d.Trainers {
		trainerAt[t.Id] = i
	}
	err = each(cascadeMineSQL, func(r *sql.Rows) error {
		var trainer, course int64
		err := r.Scan(&trainer, &course)
		if i, ok := trainerAt[trainer]; ok {
			d.Trainers[i].Reached = append(d.Trainers[i].Reached, came[course]...)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trainer reach: %w", err)
	}
	for i := range d.Trainers {
		// One entry per person, as the trainer page lists them.
		slices.Sort(d.Trainers[i].Reached)
		d.Trainers[i].Reached = slices.Compact(d.Trainers[i].Reached)
		for _, p := range d.Trainers[i].Reached {
			person(p)
		}
	}
	err = each(cascadeCohortsSQL, func(r *sql.Rows) error {
		var c model.CohortRef
		err := r.Scan(&c.ID, &c.Number)
		d.Cohorts = append(d.Cohorts, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cohorts: %w", err)
	}
	hostNames := map[int64]string{}
	err = each(cascadeHostsSQL, func(r *sql.Rows) error {
		h := model.ThinSpot{Kind: model.ThinHost}
		err := r.Scan(&h.ID, &h.Name)
		hostNames[h.ID] = h.Name
		if n := team[h.ID]; model.TeamOutside(n) {
			h.What = model.TeamFlagText(n)
			d.ThinHosts = append(d.ThinHosts, h)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	for _, o := range d.Organisers {
		o.Host = hostNames[o.HostID]
	}
	return d, tx.Commit()
}
