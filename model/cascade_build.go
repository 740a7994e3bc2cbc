package model

import (
	"sort"
	"strconv"
	"strings"
)

// CTrainer is a trainer as the cascade is built from them.
type CTrainer struct {
	Id, PersonID, TrainedBy int64
	Name, Status, Retired   string
	Person                  int32   // the trainer's dense person index
	Reached                 []int32 // dense indexes of the people reached (TrainerReach), once each
}

// CCourse is a course as the cascade hangs it under its trainer.
type CCourse struct {
	Id                int64
	Kind, Title       string
	CohortID          int64
	Cohort            int
	Trainer, Sessions int64   // lead trainer; busiest session trainer
	Reached           []int32 // positions in CascadeData.Organisers of the organisers who came, ascending, once each
}

// deliveredBy is the trainer the cascade hangs a course under: its lead, or
// failing that the trainer who ran most of its sessions.
func (c *CCourse) deliveredBy() int64 {
	if c.Trainer != 0 {
		return c.Trainer
	}
	return c.Sessions
}

// COrganiser is an organiser as the cascade is built from them.
type COrganiser struct {
	Id, PersonID, CohortID, HostID int64
	Name, Role, Status, Host       string
	Person                         int32   // dense person index
	Volunteers                     []int32 // positions in CascadeData.Organisers of those this one supports, in order
}

// CohortRef is a cohort's id and number.
type CohortRef struct {
	ID     int64
	Number int
}

// CascadeData is everything the cascade is built from. People are numbered
// densely (0 … People-1) so that sets of them are bitsets; organisers are
// held in the tree's order (family name, given name, id) and referred to
// by position, so building needs no map look-ups per node.
type CascadeData struct {
	Trainers   []CTrainer
	Courses    []*CCourse
	Organisers []COrganiser
	Cohorts    []CohortRef
	ThinHosts  []ThinSpot
	People     int // dense person indexes in use
}

// Build assembles the tree bottom up, counting distinct people below each node.
func (d *CascadeData) Build() *Cascade {
	c := &Cascade{}
	n := d.People
	var nodes nodeSlab

	// What a node of each organiser says under their name, worked out once:
	// a senior appears under every course they came to.
	details := make([]string, len(d.Organisers))
	for i := range d.Organisers {
		o := &d.Organisers[i]
		details[i] = o.Host
		if o.Status == "withdrawn" {
			details[i] = strings.TrimSpace(o.Host + " · withdrawn")
		}
	}

	// A senior with the volunteers they support; built afresh under each
	// course because its generation depends on the course's trainer.
	organiserNode := func(at int32, gen int, set personSet) *CascadeNode {
		o := &d.Organisers[at]
		set.add(int(o.Person))
		if o.Role != "senior" {
			return nodes.node(CascadeNode{Kind: NodeVolunteer, ID: o.Id, PersonID: o.PersonID, Label: o.Name, Detail: details[at], Generation: gen + 1})
		}
		sn := nodes.node(CascadeNode{Kind: NodeSenior, ID: o.Id, PersonID: o.PersonID, Label: o.Name, Detail: details[at], Generation: gen})
		if len(o.Volunteers) > 0 {
			sn.Children = nodes.children(len(o.Volunteers))
		}
		for _, v := range o.Volunteers {
			vo := &d.Organisers[v]
			set.add(int(vo.Person))
			sn.Children = append(sn.Children, nodes.node(CascadeNode{Kind: NodeVolunteer, ID: vo.Id, PersonID: vo.PersonID,
				Label: vo.Name, Detail: details[v], Generation: gen + 1, Reach: 0}))
		}
		sn.Reach = len(sn.Children)
		if sn.Reach == 0 && o.Status != "withdrawn" {
			sn.Flag = "supports no volunteers"
		}
		return sn
	}
	courseNode := func(co *CCourse, gen int) (*CascadeNode, personSet) {
		set := newPersonSet(n)
		cn := nodes.node(CascadeNode{Kind: NodeCourse, ID: co.Id, Label: co.Title, Detail: CourseKindLabel(co.Kind), Generation: gen})
		if len(co.Reached) > 0 {
			cn.Children = nodes.children(len(co.Reached))
		}
		for _, at := range co.Reached { // already in the organisers' order
			cn.Children = append(cn.Children, organiserNode(at, gen+1, set))
		}
		cn.Reach = set.count()
		return cn, set
	}
	cohortNode := func(id int64, number int, courses []*CCourse, gen int) (*CascadeNode, personSet) {
		set := newPersonSet(n)
		node := &CascadeNode{Kind: NodeCohort, ID: id, Label: "Cohort " + strconv.Itoa(number), Generation: gen}
		for _, co := range courses {
			cn, cs := courseNode(co, gen)
			node.Children = append(node.Children, cn)
			set.union(cs)
		}
		node.Reach = set.count()
		return node, set
	}

	// Courses each trainer delivered, grouped by cohort in cohort order.
	delivered := map[int64][]*CCourse{}
	cohortHasTrainer := map[int64]bool{}
	for _, co := range d.Courses {
		if t := co.deliveredBy(); t != 0 {
			delivered[t] = append(delivered[t], co)
			cohortHasTrainer[co.CohortID] = true
		}
	}
	trainees := map[int64][]CTrainer{}
	byID := make(map[int64]bool, len(d.Trainers))
	for _, t := range d.Trainers {
		byID[t.Id] = true
	}
	var roots []CTrainer
	for _, t := range d.Trainers {
		if byID[t.TrainedBy] && t.TrainedBy != t.Id {
			trainees[t.TrainedBy] = append(trainees[t.TrainedBy], t)
		} else {
			roots = append(roots, t)
		}
	}

	genSets := map[int]personSet{}
	genCount := map[int]int{}
	cohortTrainers := map[int64][]int64{}
	visited := map[int64]bool{}
	var thinTrainers []ThinSpot
	var trainerNode func(t CTrainer, gen int) (*CascadeNode, personSet)
	trainerNode = func(t CTrainer, gen int) (*CascadeNode, personSet) {
		visited[t.Id] = true
		set := newPersonSet(n)
		detail := TrainerStatusLabel(t.Status)
		if t.Retired != "" {
			detail += " · retired"
		}
		node := &CascadeNode{Kind: NodeTrainer, ID: t.Id, PersonID: t.PersonID, Label: t.Name, Detail: detail, Generation: gen}
		for _, k := range trainees[t.Id] {
			if visited[k.Id] {
				continue
			}
			kn, ks := trainerNode(k, gen+1)
			node.Children = append(node.Children, kn)
			set.add(int(k.Person))
			set.union(ks)
		}
		var group []*CCourse
		flush := func() {
			if len(group) == 0 {
				return
			}
			cn, cs := cohortNode(group[0].CohortID, group[0].Cohort, group, gen)
			node.Children = append(node.Children, cn)
			set.union(cs)
			cohortTrainers[group[0].CohortID] = append(cohortTrainers[group[0].CohortID], t.Id)
			group = nil
		}
		for _, co := range delivered[t.Id] {
			if len(group) > 0 && group[0].CohortID != co.CohortID {
				flush()
			}
			group = append(group, co)
		}
		flush()
		// A trainer's reach is the people on the courses they delivered
		// (TrainerReach), the same figure as their trainer page; the
		// people further down hang under the nodes below. Reached holds
		// each person once, so its length is the count.
		node.Reach = len(t.Reached)
		if genSets[gen] == nil {
			genSets[gen] = newPersonSet(n)
		}
		for _, p := range t.Reached {
			set.add(int(p))
			genSets[gen].add(int(p))
		}
		if node.Reach == 0 && TrainerWorking(t.Status, t.Retired) {
			node.Flag = "has reached no one"
			thinTrainers = append(thinTrainers, ThinSpot{Kind: ThinTrainer, ID: t.Id, PersonID: t.PersonID,
				Name: t.Name, What: TrainerStatusLabel(t.Status) + " trainer who has reached no one"})
		}
		genCount[gen]++
		return node, set
	}
	all := newPersonSet(n)
	for _, t := range roots {
		rn, rs := trainerNode(t, FoundingGeneration)
		c.Roots = append(c.Roots, rn)
		all.add(int(t.Person))
		all.union(rs)
	}
	// Trainers caught in a cycle of "trained by" never hang under a root;
	// show them at the top rather than lose them.
	for _, t := range d.Trainers {
		if !visited[t.Id] {
			rn, rs := trainerNode(t, FoundingGeneration)
			rn.Flag = "trained-by chain loops"
			c.Roots = append(c.Roots, rn)
			all.union(rs)
		}
	}

	// Cohorts no trainer delivered to hang under one heading, flagged.
	var orphan *CascadeNode
	orphanSet := newPersonSet(n)
	for _, co := range d.Cohorts {
		if cohortHasTrainer[co.ID] {
			continue
		}
		var courses []*CCourse
		for _, k := range d.Courses {
			if k.CohortID == co.ID {
				courses = append(courses, k)
			}
		}
		cn, cs := cohortNode(co.ID, co.Number, courses, 0)
		cn.Flag = "no trainer delivered to this cohort"
		if orphan == nil {
			orphan = &CascadeNode{Kind: NodeGroup, Label: "Cohorts without a trainer"}
		}
		orphan.Children = append(orphan.Children, cn)
		orphanSet.union(cs)
		c.ThinSpots = append(c.ThinSpots, ThinSpot{Kind: ThinCohort, ID: co.ID, Name: cn.Label, What: "no course with a trainer"})
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

	// Trainers and hosts come before seniors in the thin-spot list: fewer,
	// and each affects many people.
	c.ThinSpots = append(c.ThinSpots, thinTrainers...)
	c.ThinSpots = append(c.ThinSpots, d.ThinHosts...)

	// Cohort sums and the seniors who support nobody.
	cohortIdx := map[int64]int{}
	for _, co := range d.Cohorts {
		cohortIdx[co.ID] = len(c.Cohorts)
		c.Cohorts = append(c.Cohorts, CohortReach{ID: co.ID, Number: co.Number, TrainerIDs: cohortTrainers[co.ID]})
	}
	// Seniors and volunteers per cohort are Headcount's (not withdrawn), the
	// same as Cohorts & hosts; VolunteersSupported is the cascade's own
	// figure, volunteers supported by the cohort's seniors.
	counts := make([]Headcount, len(c.Cohorts))
	for i := range d.Organisers {
		o := &d.Organisers[i]
		ci, inCohort := cohortIdx[o.CohortID]
		if inCohort {
			counts[ci].Add(o.Role, o.Status, 1)
		}
		if o.Role != RoleSenior {
			continue
		}
		vols := len(o.Volunteers)
		if inCohort {
			c.Cohorts[ci].VolunteersSupported += vols
			if vols == 0 && o.Status != StatusWithdrawn {
				c.Cohorts[ci].SeniorsWithout++
			}
		}
		if vols == 0 && o.Status != StatusWithdrawn {
			c.ThinSpots = append(c.ThinSpots, ThinSpot{Kind: ThinSenior, ID: o.Id, PersonID: o.PersonID,
				Name: o.Name, What: "supports no volunteers · " + orNoHost(o.Host)})
		}
	}
	for i, h := range counts {
		c.Cohorts[i].Seniors, c.Cohorts[i].Volunteers = h.Seniors, h.Volunteers
	}
	return c
}

// nodeSlab hands out the tree's many organiser nodes and their child lists
// from blocks rather than one allocation each: a scale-10 cascade has
// hundreds of thousands of them.
type nodeSlab struct {
	free []CascadeNode
	kids []*CascadeNode
}

const slabBlock = 4096

func (s *nodeSlab) node(n CascadeNode) *CascadeNode {
	if len(s.free) == 0 {
		s.free = make([]CascadeNode, slabBlock)
	}
	p := &s.free[0]
	*p = n
	s.free = s.free[1:]
	return p
}

// children is an empty list with room for k children; appending beyond k
// moves it off the block, harmlessly.
func (s *nodeSlab) children(k int) []*CascadeNode {
	if k > slabBlock {
		return make([]*CascadeNode, 0, k)
	}
	if len(s.kids) < k {
		s.kids = make([]*CascadeNode, slabBlock)
	}
	c := s.kids[:0:k]
	s.kids = s.kids[k:]
	return c
}

func orNoHost(h string) string {
	if h == "" {
		return "no host"
	}
	return h
}
