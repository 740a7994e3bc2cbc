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
	// CROSS JOIN keeps SQLite to the trainers first: left to choose, it read
	// all 51,000 people in name order to find the 1,200 trainers among them.
	cascadeTrainersSQL = `SELECT t.id, t.person_id, p.given_name || ' ' || p.family_name,
        coalesce(t.trained_by_id, 0), t.status, coalesce(t.retired_on, '')
        FROM trainers t CROSS JOIN people p WHERE p.id = t.person_id ORDER BY p.family_name, p.given_name, t.id`
	cascadeCoursesSQL = `SELECT c.id, c.kind, c.title, coalesce(c.cohort_id, 0), coalesce(co.number, 0),
        coalesce(c.lead_trainer_id, 0),
        coalesce((SELECT s.trainer_id FROM sessions s WHERE s.course_id = c.id AND s.trainer_id IS NOT NULL
                  GROUP BY s.trainer_id ORDER BY count(*) DESC, s.trainer_id LIMIT 1), 0)
        FROM courses c LEFT JOIN cohorts co ON co.id = c.cohort_id
        WHERE c.kind <> 'ttt' ORDER BY co.number, c.kind DESC, c.id`
	// Who came to each course, any kind: enrolled on it, or present at one
	// of its sessions. UNION ALL, made distinct in Go per course and per
	// trainer: SQLite making the pairs distinct cost as much as reading them.
	cascadeCameSQL = `SELECT course_id, person_id FROM enrolments
        UNION ALL
        SELECT s.course_id, a.person_id FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE a.present = 1`
	// The courses each trainer led or taught a session of: trainerReachCTE's mine.
	cascadeMineSQL = `SELECT lead_trainer_id, id FROM courses WHERE lead_trainer_id IS NOT NULL
        UNION SELECT trainer_id, course_id FROM sessions WHERE trainer_id IS NOT NULL`
	// In no order, sorted by name (ties by id) in Go: SQLite sorting 50,000
	// names at scale 10 cost more than the rest of the cascade, and
	// PostgreSQL sorting by id spilled to disk after its hash join and sent
	// nothing until it was done. Role and status come
	// as one small number (organiserKinds; the schema's CHECKs allow no
	// other values, and any other reads as NULL and fails the scan): two
	// text columns per row were a quarter of the read.
	cascadeOrganisersSQL = `SELECT o.id, o.person_id, p.given_name, p.family_name,
        CASE o.role WHEN 'senior' THEN 0 WHEN 'volunteer' THEN 3 END
          + CASE o.status WHEN 'active' THEN 0 WHEN 'completed' THEN 1 WHEN 'withdrawn' THEN 2 END,
        coalesce(o.supported_by_id, 0), coalesce(o.host_id, 0), coalesce(o.cohort_id, 0)
        FROM organisers o JOIN people p ON p.id = o.person_id`
	cascadeHostsSQL   = `SELECT id, name FROM hosts ORDER BY name, id`
	cascadeCohortsSQL = `SELECT id, number FROM cohorts ORDER BY number`
)

// organiserKinds is role and status by cascadeOrganisersSQL's number for them.
var organiserKinds = [6][2]string{
	{model.RoleSenior, model.StatusActive}, {model.RoleSenior, model.StatusCompleted}, {model.RoleSenior, model.StatusWithdrawn},
	{model.RoleVolunteer, model.StatusActive}, {model.RoleVolunteer, model.StatusCompleted}, {model.RoleVolunteer, model.StatusWithdrawn},
}

// Cascade reads the whole train-the-trainers cascade with the reach of
// every node.
func (s *Store) Cascade(ctx context.Context) (*model.Cascade, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read cascade: %w", err)
	}
	defer tx.Rollback()
	d, err := s.loadCascade(ctx, tx)
	if err == nil {
		err = tx.Commit()
	}
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

// personNumbers numbers people densely, 0, 1, 2 … as they are first met,
// for the cascade's bitsets: a slice indexed by person id while ids stay
// small (as they do), a map past that.
type personNumbers struct {
	small []int32 // person id → number + 1; 0 when not yet met
	big   map[int64]int32
	n     int32
}

// smallPersonIDs bounds the slice: 4 MB of int32 at most.
const smallPersonIDs = 1 << 20

func (p *personNumbers) of(id int64) int32 {
	if id >= 0 && id < smallPersonIDs {
		if int(id) >= len(p.small) {
			grown := make([]int32, min(max(int(id)+1, 2*len(p.small), 1024), smallPersonIDs))
			copy(grown, p.small)
			p.small = grown
		}
		if v := p.small[id]; v != 0 {
			return v - 1
		}
		p.small[id] = p.n + 1
	} else {
		if v, ok := p.big[id]; ok {
			return v
		}
		if p.big == nil {
			p.big = map[int64]int32{}
		}
		p.big[id] = p.n
	}
	p.n++
	return p.n - 1
}

// nameRanks numbers the distinct names met and later ranks them in byte
// order, so 50,000 organisers sort on two small integers rather than by
// comparing their names.
type nameRanks struct {
	at    map[string]int32
	names []string
}

func (r *nameRanks) of(name string) int32 {
	if i, ok := r.at[name]; ok {
		return i
	}
	i := int32(len(r.names))
	r.at[name] = i
	r.names = append(r.names, name)
	return i
}

// ranks maps each number of r.of to the name's place in byte order.
func (r *nameRanks) ranks() []int32 {
	order := make([]int32, len(r.names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(r.names[a], r.names[b]) })
	rank := make([]int32, len(r.names))
	for place, i := range order {
		rank[i] = int32(place)
	}
	return rank
}

// loadCascade reads what the cascade is built from, in tx.
func (s *Store) loadCascade(ctx context.Context, tx *sql.Tx) (*model.CascadeData, error) {
	d := &model.CascadeData{}
	var people personNumbers
	// One row as read; the organisers are then placed in the tree's order.
	type orgRow struct {
		id, person, supportedBy, host, cohort int64
		kind                                  uint8 // index into organiserKinds
		family, given                         int32 // numbers from nameRanks.of
	}
	// Sized first (a hint only): grown by appending, the rows were copied
	// over and over, a quarter of the cascade's memory at scale 10.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisers`).Scan(&n); err != nil {
		return nil, fmt.Errorf("organisers: %w", err)
	}
	rows := make([]orgRow, 0, n) // as read
	family := nameRanks{at: map[string]int32{}}
	given := nameRanks{at: map[string]int32{}}
	var fam, giv string
	var kind int64
	var o orgRow // scanned into in place: one per row escaped to the heap
	err := each(ctx, tx, cascadeOrganisersSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&o.id, &o.person, &giv, &fam, &kind, &o.supportedBy, &o.host, &o.cohort); err != nil {
			return err
		}
		if kind < 0 || kind >= int64(len(organiserKinds)) {
			return fmt.Errorf("organiser %d: role and status read as %d", o.id, kind)
		}
		o.kind = uint8(kind)
		o.family, o.given = family.of(fam), given.of(giv)
		rows = append(rows, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisers: %w", err)
	}
	// By family then given name, ties in id order: byte order of the
	// names, as strings.Compare, on both stores. Sorting on the names'
	// ranks is a fraction of the time of comparing 50,000 names.
	famRank, givenRank := family.ranks(), given.ranks()
	type nameKey struct {
		family, given, at int32
		id                int64
	}
	keys := make([]nameKey, len(rows))
	for i, o := range rows {
		keys[i] = nameKey{famRank[o.family], givenRank[o.given], int32(i), o.id}
	}
	slices.SortFunc(keys, func(a, b nameKey) int {
		if a.family != b.family {
			return cmp.Compare(a.family, b.family)
		}
		if a.given != b.given {
			return cmp.Compare(a.given, b.given)
		}
		return cmp.Compare(a.id, b.id)
	})
	// One name string per distinct pair of names, not one per organiser.
	names := map[[2]int32]string{}
	posOf := make([]int32, len(rows)) // read order → place in the tree's order
	// Organisers' people are numbered first (0 … len-1, in the tree's
	// order), so an organiser is found from a person number without a map.
	placeOfPerson := make([]int32, len(rows))
	d.Organisers = make([]model.COrganiser, len(rows))
	for place, k := range keys {
		r := &rows[k.at]
		name, ok := names[[2]int32{r.family, r.given}]
		if !ok {
			name = strings.TrimSpace(given.names[r.given] + " " + family.names[r.family])
			names[[2]int32{r.family, r.given}] = name
		}
		o := &d.Organisers[place]
		o.Id, o.PersonID, o.HostID, o.CohortID = r.id, r.person, r.host, r.cohort
		o.Name, o.Role, o.Status = name, organiserKinds[r.kind][0], organiserKinds[r.kind][1]
		o.Person = people.of(r.person)
		posOf[k.at] = int32(place)
		placeOfPerson[o.Person] = int32(place)
	}
	// Organiser id → read order, for finding each volunteer's supporter:
	// a slice while ids are small (as they are), a map past that.
	var readAt []int32
	var readAtMap map[int64]int32
	minID, maxID := int64(0), int64(-1)
	for i := range rows {
		minID, maxID = min(minID, rows[i].id), max(maxID, rows[i].id)
	}
	if minID >= 0 && maxID < int64(4*len(rows)+1024) {
		readAt = make([]int32, maxID+1)
		for i := range readAt {
			readAt[i] = -1
		}
	} else {
		readAtMap = make(map[int64]int32, len(rows))
	}
	for i := range rows {
		if id := rows[i].id; readAtMap != nil {
			readAtMap[id] = int32(i)
		} else {
			readAt[id] = int32(i)
		}
	}
	supporter := func(id int64) (int32, bool) {
		if readAtMap != nil {
			i, ok := readAtMap[id]
			return i, ok
		}
		if id < 0 || id >= int64(len(readAt)) || readAt[id] < 0 {
			return 0, false
		}
		return readAt[id], true
	}
	team := map[int64]int{} // a host's team: senior organisers not withdrawn (model.HostRow.Team)
	for _, k := range keys {
		r := &rows[k.at]
		if r.supportedBy != 0 {
			if i, ok := supporter(r.supportedBy); ok {
				sup := &d.Organisers[posOf[i]]
				sup.Volunteers = append(sup.Volunteers, posOf[k.at])
			}
		}
		if o := &d.Organisers[posOf[k.at]]; o.Role == model.RoleSenior && o.Status != model.StatusWithdrawn && r.host != 0 {
			team[r.host]++
		}
	}
	organisers := people.n // person numbers below this are organisers
	err = each(ctx, tx, cascadeTrainersSQL, nil, func(r *sql.Rows) error {
		var t model.CTrainer
		if err := r.Scan(&t.Id, &t.PersonID, &t.Name, &t.TrainedBy, &t.Status, &t.Retired); err != nil {
			return err
		}
		t.Person = people.of(t.PersonID)
		d.Trainers = append(d.Trainers, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trainers: %w", err)
	}
	err = each(ctx, tx, cascadeCoursesSQL, nil, func(r *sql.Rows) error {
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
	// trainerReachCTE; one query per figure here cost twice the time.
	came := map[int64][]int32{} // course id → person numbers, repeats and all
	var course, person int64
	err = each(ctx, tx, cascadeCameSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&course, &person); err != nil {
			return err
		}
		came[course] = append(came[course], people.of(person))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("enrolments and attendance: %w", err)
	}
	for _, c := range d.Courses {
		for _, p := range came[c.Id] {
			if p < organisers {
				c.Reached = append(c.Reached, placeOfPerson[p])
			}
		}
		slices.Sort(c.Reached)
		c.Reached = slices.Compact(c.Reached)
	}
	trainerAt := map[int64]int{}
	for i, t := range d.Trainers {
		trainerAt[t.Id] = i
	}
	var trainer int64
	mine := make([][]int64, len(d.Trainers)) // courses each trainer led or taught a session of
	err = each(ctx, tx, cascadeMineSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&trainer, &course); err != nil {
			return err
		}
		if i, ok := trainerAt[trainer]; ok {
			mine[i] = append(mine[i], course)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trainer reach: %w", err)
	}
	// One entry per person, as the trainer page lists them: each person
	// is marked with the trainer last counting them, rather than sorting
	// every trainer's list to drop repeats.
	seen := make([]int32, people.n)
	for i := range d.Trainers {
		var reached []int32
		for _, c := range mine[i] {
			for _, p := range came[c] {
				if seen[p] != int32(i+1) {
					seen[p] = int32(i + 1)
					reached = append(reached, p)
				}
			}
		}
		d.Trainers[i].Reached = reached
	}
	d.People = int(people.n)
	err = each(ctx, tx, cascadeCohortsSQL, nil, func(r *sql.Rows) error {
		var c model.CohortRef
		err := r.Scan(&c.ID, &c.Number)
		d.Cohorts = append(d.Cohorts, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cohorts: %w", err)
	}
	hostNames := map[int64]string{}
	err = each(ctx, tx, cascadeHostsSQL, nil, func(r *sql.Rows) error {
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
	for i := range d.Organisers {
		d.Organisers[i].Host = hostNames[d.Organisers[i].HostID]
	}
	return d, nil
}
