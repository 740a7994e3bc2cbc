package model

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
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
	// Who a course reached: enrolled on it, or present at one of its sessions.
	cascadeReachedSQL = `SELECT e.course_id, o.id FROM enrolments e JOIN organisers o ON o.person_id = e.person_id
        UNION
        SELECT s.course_id, o.id FROM attendance a JOIN sessions s ON s.id = a.session_id
        JOIN organisers o ON o.person_id = a.person_id WHERE a.present = 1`
	// In id order, sorted by name in Go: SQLite sorting 50,000 names at
	// scale 10 cost more than the rest of the cascade.
	cascadeOrganisersSQL = `SELECT o.id, o.person_id, p.given_name, p.family_name, o.role, o.status,
        coalesce(o.supported_by_id, 0), coalesce(o.host_id, 0), coalesce(o.cohort_id, 0)
        FROM organisers o JOIN people p ON p.id = o.person_id ORDER BY o.id`
	cascadeHostsSQL   = `SELECT id, name FROM hosts ORDER BY name, id`
	cascadeCohortsSQL = `SELECT id, number FROM cohorts ORDER BY number`
)

type cTrainer struct {
	id, personID, trainedBy int64
	name, status, retired   string
}

type cCourse struct {
	id                int64
	kind, title       string
	cohortID          int64
	cohort            int
	trainer, sessions int64 // lead trainer; busiest session trainer
	reached           []int64
}

// deliveredBy is the trainer the cascade hangs a course under: its lead, or
// failing that the trainer who ran most of its sessions.
func (c *cCourse) deliveredBy() int64 {
	if c.trainer != 0 {
		return c.trainer
	}
	return c.sessions
}

type cOrganiser struct {
	id, personID, supportedBy, cohortID, hostID int64
	name, family, given, role, status, host     string
}

// cascadeData is everything the cascade is built from.
type cascadeData struct {
	trainers   []cTrainer
	courses    []*cCourse
	organisers map[int64]*cOrganiser
	orgOrder   []int64
	volunteers map[int64][]int64 // senior organiser id → volunteers they support
	cohorts    []struct {
		id     int64
		number int
	}
	thinHosts []ThinSpot
	index     map[int64]int // person id → dense index for personSet
}

// Cascade reads the whole train-the-trainers cascade with the reach of
// every node.
func (s *Store) Cascade(ctx context.Context) (*Cascade, error) {
	d, err := s.loadCascade(ctx)
	if err != nil {
		return nil, fmt.Errorf("read cascade: %w", err)
	}
	c := d.build()
	if c.AsOf, err = s.asOfDate(ctx); err != nil {
		return nil, fmt.Errorf("read cascade: %w", err)
	}
	return c, nil
}

// PersonCard reads a person's details and roles for the cascade's person dialog.
func (s *Store) PersonCard(ctx context.Context, personID int64) (PersonCard, error) {
	p := PersonCard{PersonID: personID}
	var given, family string
	err := s.db.QueryRowContext(ctx, `SELECT given_name, family_name, email, phone FROM people WHERE id = $1`, personID).
		Scan(&given, &family, &p.Email, &p.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read person %d: %w", personID, err)
	}
	p.Name = strings.TrimSpace(given + " " + family)
	var t PersonTrainer
	err = s.db.QueryRowContext(ctx, `SELECT t.status, coalesce(tp.given_name || ' ' || tp.family_name, ''),
            coalesce(t.trained_on, ''), coalesce(t.retired_on, '')
        FROM trainers t LEFT JOIN trainers tb ON tb.id = t.trained_by_id LEFT JOIN people tp ON tp.id = tb.person_id
        WHERE t.person_id = $1`, personID).Scan(&t.Status, &t.TrainedBy, &t.TrainedOn, &t.RetiredOn)
	switch {
	case err == nil:
		p.Trainer = &t
	case !errors.Is(err, sql.ErrNoRows):
		return p, fmt.Errorf("read person %d as trainer: %w", personID, err)
	}
	var o PersonOrganiser
	err = s.db.QueryRowContext(ctx, `SELECT o.role, o.status, coalesce(h.name, ''), coalesce(h.region, ''),
            coalesce(h.setting, ''), coalesce(c.number, 0), coalesce(sp.given_name || ' ' || sp.family_name, ''),
            (SELECT count(*) FROM organisers v WHERE v.supported_by_id = o.id)
        FROM organisers o LEFT JOIN hosts h ON h.id = o.host_id LEFT JOIN cohorts c ON c.id = o.cohort_id
        LEFT JOIN organisers so ON so.id = o.supported_by_id LEFT JOIN people sp ON sp.id = so.person_id
        WHERE o.person_id = $1`, personID).
		Scan(&o.Role, &o.Status, &o.Host, &o.Region, &o.Setting, &o.Cohort, &o.SupportedBy, &o.Supporting)
	switch {
	case err == nil:
		p.Organiser = &o
	case !errors.Is(err, sql.ErrNoRows):
		return p, fmt.Errorf("read person %d as organiser: %w", personID, err)
	}
	return p, nil
}

func (s *Store) loadCascade(ctx context.Context) (*cascadeData, error) {
	d := &cascadeData{organisers: map[int64]*cOrganiser{}, volunteers: map[int64][]int64{}, index: map[int64]int{}}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	person := func(id int64) {
		if _, ok := d.index[id]; !ok {
			d.index[id] = len(d.index)
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
		var t cTrainer
		err := r.Scan(&t.id, &t.personID, &t.name, &t.trainedBy, &t.status, &t.retired)
		d.trainers = append(d.trainers, t)
		person(t.personID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trainers: %w", err)
	}
	err = each(cascadeOrganisersSQL, func(r *sql.Rows) error {
		o := &cOrganiser{}
		err := r.Scan(&o.id, &o.personID, &o.given, &o.family, &o.role, &o.status, &o.supportedBy, &o.hostID, &o.cohortID)
		o.name = strings.TrimSpace(o.given + " " + o.family)
		d.organisers[o.id] = o
		d.orgOrder = append(d.orgOrder, o.id)
		person(o.personID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organisers: %w", err)
	}
	// By family then given name, ties in id order (the rows came by id).
	byName := make([]*cOrganiser, len(d.orgOrder))
	for i, id := range d.orgOrder {
		byName[i] = d.organisers[id]
	}
	slices.SortStableFunc(byName, func(a, b *cOrganiser) int {
		return cmp.Or(strings.Compare(a.family, b.family), strings.Compare(a.given, b.given))
	})
	for i, o := range byName {
		d.orgOrder[i] = o.id
	}
	team := map[int64]int{} // the same team as check's flag: senior organisers not withdrawn
	for _, id := range d.orgOrder {
		o := d.organisers[id]
		if o.supportedBy != 0 {
			d.volunteers[o.supportedBy] = append(d.volunteers[o.supportedBy], o.id)
		}
		if o.role == "senior" && o.status != "withdrawn" && o.hostID != 0 {
			team[o.hostID]++
		}
	}
	courses := map[int64]*cCourse{}
	err = each(cascadeCoursesSQL, func(r *sql.Rows) error {
		c := &cCourse{}
		err := r.Scan(&c.id, &c.kind, &c.title, &c.cohortID, &c.cohort, &c.trainer, &c.sessions)
		d.courses = append(d.courses, c)
		courses[c.id] = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("courses: %w", err)
	}
	err = each(cascadeReachedSQL, func(r *sql.Rows) error {
		var course, org int64
		err := r.Scan(&course, &org)
		if c := courses[course]; c != nil {
			c.reached = append(c.reached, org)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("enrolments: %w", err)
	}
	err = each(cascadeCohortsSQL, func(r *sql.Rows) error {
		var c struct {
			id     int64
			number int
		}
		err := r.Scan(&c.id, &c.number)
		d.cohorts = append(d.cohorts, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cohorts: %w", err)
	}
	hostNames := map[int64]string{}
	err = each(cascadeHostsSQL, func(r *sql.Rows) error {
		h := ThinSpot{Kind: ThinHost}
		err := r.Scan(&h.ID, &h.Name)
		hostNames[h.ID] = h.Name
		if n := team[h.ID]; n < 2 || n > 5 {
			h.What = fmt.Sprintf("team of %d senior organisers, outside 2–5", n)
			if n == 1 {
				h.What = "team of 1 senior organiser, outside 2–5"
			}
			d.thinHosts = append(d.thinHosts, h)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	for _, o := range d.organisers {
		o.host = hostNames[o.hostID]
	}
	return d, tx.Commit()
}

// build assembles the tree bottom up, counting distinct people below each node.
func (d *cascadeData) build() *Cascade {
	c := &Cascade{}
	n := len(d.index)
	orderOf := map[int64]int{}
	for i, id := range d.orgOrder {
		orderOf[id] = i
	}

	// A senior with the volunteers they support; built afresh under each
	// course because its generation depends on the course's trainer.
	organiserNode := func(o *cOrganiser, gen int, set personSet) *CascadeNode {
		set.add(d.index[o.personID])
		detail := o.host
		if o.status == "withdrawn" {
			detail = strings.TrimSpace(detail + " · withdrawn")
		}
		if o.role != "senior" {
			return &CascadeNode{Kind: NodeVolunteer, ID: o.id, PersonID: o.personID, Label: o.name, Detail: detail, Generation: gen + 1}
		}
		sn := &CascadeNode{Kind: NodeSenior, ID: o.id, PersonID: o.personID, Label: o.name, Detail: detail, Generation: gen}
		for _, v := range d.volunteers[o.id] {
			vo := d.organisers[v]
			set.add(d.index[vo.personID])
			vd := vo.host
			if vo.status == "withdrawn" {
				vd = strings.TrimSpace(vd + " · withdrawn")
			}
			sn.Children = append(sn.Children, &CascadeNode{Kind: NodeVolunteer, ID: vo.id, PersonID: vo.personID,
				Label: vo.name, Detail: vd, Generation: gen + 1, Reach: 0})
		}
		sn.Reach = len(sn.Children)
		if sn.Reach == 0 && o.status != "withdrawn" {
			sn.Flag = "supports no volunteers"
		}
		return sn
	}
	courseNode := func(co *cCourse, gen int) (*CascadeNode, personSet) {
		set := newPersonSet(n)
		cn := &CascadeNode{Kind: NodeCourse, ID: co.id, Label: co.title, Detail: CourseKindLabel(co.kind), Generation: gen}
		reached := append([]int64(nil), co.reached...)
		sort.Slice(reached, func(i, j int) bool { return orderOf[reached[i]] < orderOf[reached[j]] })
		for _, id := range reached {
			if o := d.organisers[id]; o != nil {
				cn.Children = append(cn.Children, organiserNode(o, gen+1, set))
			}
		}
		cn.Reach = set.count()
		return cn, set
	}
	cohortNode := func(id int64, number int, courses []*cCourse, gen int) (*CascadeNode, personSet) {
		set := newPersonSet(n)
		node := &CascadeNode{Kind: NodeCohort, ID: id, Label: fmt.Sprintf("Cohort %d", number), Generation: gen}
		for _, co := range courses {
			cn, cs := courseNode(co, gen)
			node.Children = append(node.Children, cn)
			set.union(cs)
		}
		node.Reach = set.count()
		return node, set
	}

	// Courses each trainer delivered, grouped by cohort in cohort order.
	delivered := map[int64][]*cCourse{}
	cohortHasTrainer := map[int64]bool{}
	for _, co := range d.courses {
		if t := co.deliveredBy(); t != 0 {
			delivered[t] = append(delivered[t], co)
			cohortHasTrainer[co.cohortID] = true
		}
	}
	trainees := map[int64][]cTrainer{}
	byID := map[int64]cTrainer{}
	for _, t := range d.trainers {
		byID[t.id] = t
	}
	var roots []cTrainer
	for _, t := range d.trainers {
		if _, ok := byID[t.trainedBy]; ok && t.trainedBy != t.id {
			trainees[t.trainedBy] = append(trainees[t.trainedBy], t)
		} else {
			roots = append(roots, t)
		}
	}

	genSets := map[int]personSet{}
	genCount := map[int]int{}
	cohortTrainers := map[int64][]int64{}
	visited := map[int64]bool{}
	var trainerNode func(t cTrainer, gen int) (*CascadeNode, personSet)
	trainerNode = func(t cTrainer, gen int) (*CascadeNode, personSet) {
		visited[t.id] = true
		set := newPersonSet(n)
		detail := TrainerStatusLabel(t.status)
		if t.retired != "" {
			detail += " · retired"
		}
		node := &CascadeNode{Kind: NodeTrainer, ID: t.id, PersonID: t.personID, Label: t.name, Detail: detail, Generation: gen}
		for _, k := range trainees[t.id] {
			if visited[k.id] {
				continue
			}
			kn, ks := trainerNode(k, gen+1)
			node.Children = append(node.Children, kn)
			set.add(d.index[k.personID])
			set.union(ks)
		}
		var group []*cCourse
		flush := func() {
			if len(group) == 0 {
				return
			}
			cn, cs := cohortNode(group[0].cohortID, group[0].cohort, group, gen)
			node.Children = append(node.Children, cn)
			set.union(cs)
			cohortTrainers[group[0].cohortID] = append(cohortTrainers[group[0].cohortID], t.id)
			group = nil
		}
		for _, co := range delivered[t.id] {
			if len(group) > 0 && group[0].cohortID != co.cohortID {
				flush()
			}
			group = append(group, co)
		}
		flush()
		node.Reach = set.count()
		if genSets[gen] == nil {
			genSets[gen] = newPersonSet(n)
		}
		genSets[gen].union(set)
		genCount[gen]++
		return node, set
	}
	all := newPersonSet(n)
	for _, t := range roots {
		rn, rs := trainerNode(t, 1)
		c.Roots = append(c.Roots, rn)
		all.add(d.index[t.personID])
		all.union(rs)
	}
	// Trainers caught in a cycle of "trained by" never hang under a root;
	// show them at the top rather than lose them.
	for _, t := range d.trainers {
		if !visited[t.id] {
			rn, rs := trainerNode(t, 1)
			rn.Flag = "trained-by chain loops"
			c.Roots = append(c.Roots, rn)
			all.union(rs)
		}
	}

	// Cohorts no trainer delivered to hang under one heading, flagged.
	var orphan *CascadeNode
	orphanSet := newPersonSet(n)
	for _, co := range d.cohorts {
		if cohortHasTrainer[co.id] {
			continue
		}
		var courses []*cCourse
		for _, k := range d.courses {
			if k.cohortID == co.id {
				courses = append(courses, k)
			}
		}
		cn, cs := cohortNode(co.id, co.number, courses, 0)
		cn.Flag = "no trainer delivered to this cohort"
		if orphan == nil {
			orphan = &CascadeNode{Kind: NodeGroup, Label: "Cohorts without a trainer"}
		}
		orphan.Children = append(orphan.Children, cn)
		orphanSet.union(cs)
		c.ThinSpots = append(c.ThinSpots, ThinSpot{Kind: ThinCohort, ID: co.id, Name: cn.Label, What: "no course with a trainer"})
	}
	if orphan != nil {
		orphan.Reach = orphanSet.count()
		c.Roots = append(c.Roots, orphan)
		all.union(orphanSet)
	}
	c.People = all.count()

	gens := make([]int, 0, len(genSets))
	for g := range genSets {
		gens = append(gens, g)
	}
	sort.Ints(gens)
	for _, g := range gens {
		c.Generations = append(c.Generations, GenerationCount{Generation: g, Trainers: genCount[g], Reach: genSets[g].count()})
	}

	// Hosts come before seniors in the thin-spot list: fewer, and each affects a team.
	c.ThinSpots = append(c.ThinSpots, d.thinHosts...)

	// Cohort sums and the seniors who support nobody.
	cohortIdx := map[int64]int{}
	for _, co := range d.cohorts {
		cohortIdx[co.id] = len(c.Cohorts)
		c.Cohorts = append(c.Cohorts, CohortReach{ID: co.id, Number: co.number, TrainerIDs: cohortTrainers[co.id]})
	}
	for _, id := range d.orgOrder {
		o := d.organisers[id]
		if o.role != "senior" {
			continue
		}
		vols := len(d.volunteers[o.id])
		if i, ok := cohortIdx[o.cohortID]; ok {
			c.Cohorts[i].Seniors++
			c.Cohorts[i].Volunteers += vols
			if vols == 0 && o.status != "withdrawn" {
				c.Cohorts[i].SeniorsWithout++
			}
		}
		if vols == 0 && o.status != "withdrawn" {
			c.ThinSpots = append(c.ThinSpots, ThinSpot{Kind: ThinSenior, ID: o.id, PersonID: o.personID,
				Name: o.name, What: "supports no volunteers · " + orNoHost(o.host)})
		}
	}
	return c
}

func orNoHost(h string) string {
	if h == "" {
		return "no host"
	}
	return h
}
