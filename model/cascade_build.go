package model

import (
	"fmt"
	"sort"
	"strings"
)

// CTrainer is a trainer as the cascade is built from them.
type CTrainer struct {
	Id, PersonID, TrainedBy int64
	Name, Status, Retired   string
	Reached                 []int64 // people reached (TrainerReach), one entry each
}

type CCourse struct {
	Id                int64
	Kind, Title       string
	CohortID          int64
	Cohort            int
	Trainer, Sessions int64 // lead trainer; busiest session trainer
	Reached           []int64
}

// deliveredBy is the trainer the cascade hangs a course under: its lead, or
// failing that the trainer who ran most of its sessions.
func (c *CCourse) deliveredBy() int64 {
	if c.Trainer != 0 {
		return c.Trainer
	}
	return c.Sessions
}

type COrganiser struct {
	Id, PersonID, SupportedBy, CohortID, HostID int64
	Name, Family, Given, Role, Status, Host     string
}

// CohortRef is a cohort's id and number.
type CohortRef struct {
	ID     int64
	Number int
}

// CascadeData is everything the cascade is built from.
type CascadeData struct {
	Trainers   []CTrainer
	Courses    []*CCourse
	Organisers map[int64]*COrganiser
	OrgOrder   []int64
	Volunteers map[int64][]int64 // senior organiser id → volunteers they support
	Cohorts    []CohortRef
	ThinHosts  []ThinSpot
	Index      map[int64]int // person id → dense index for personSet
}

// Build assembles the tree bottom up, counting distinct people below each node.
func (d *CascadeData) Build() *Cascade {
	c := &Cascade{}
	n := len(d.Index)
	orderOf := map[int64]int{}
	for i, id := range d.OrgOrder {
		orderOf[id] = i
	}

	// A senior with the volunteers they support; built afresh under each
	// course because its generation depends on the course's trainer.
	organiserNode := func(o *COrganiser, gen int, set personSet) *CascadeNode {
		set.add(d.Index[o.PersonID])
		detail := o.Host
		if o.Status == "withdrawn" {
			detail = strings.TrimSpace(detail + " · withdrawn")
		}
		if o.Role != "senior" {
			return &CascadeNode{Kind: NodeVolunteer, ID: o.Id, PersonID: o.PersonID, Label: o.Name, Detail: detail, Generation: gen + 1}
		}
		sn := &CascadeNode{Kind: NodeSenior, ID: o.Id, PersonID: o.PersonID, Label: o.Name, Detail: detail, Generation: gen}
		for _, v := range d.Volunteers[o.Id] {
			vo := d.Organisers[v]
			set.add(d.Index[vo.PersonID])
			vd := vo.Host
			if vo.Status == "withdrawn" {
				vd = strings.TrimSpace(vd + " · withdrawn")
			}
			sn.Children = append(sn.Children, &CascadeNode{Kind: NodeVolunteer, ID: vo.Id, PersonID: vo.PersonID,
				Label: vo.Name, Detail: vd, Generation: gen + 1, Reach: 0})
		}
		sn.Reach = len(sn.Children)
		if sn.Reach == 0 && o.Status != "withdrawn" {
			sn.Flag = "supports no volunteers"
		}
		return sn
	}
	courseNode := func(co *CCourse, gen int) (*CascadeNode, personSet) {
		set := newPersonSet(n)
		cn := &CascadeNode{Kind: NodeCourse, ID: co.Id, Label: co.Title, Detail: CourseKindLabel(co.Kind), Generation: gen}
		// In the organisers' order: sort their positions, looked up once
		// each, rather than look both up in every comparison.
		at := make([]int, 0, len(co.Reached))
		for _, id := range co.Reached {
			if i, ok := orderOf[id]; ok {
				at = append(at, i)
			}
		}
		sort.Ints(at)
		for _, i := range at {
			if o := d.Organisers[d.OrgOrder[i]]; o != nil {
				cn.Children = append(cn.Children, organiserNode(o, gen+1, set))
			}
		}
		cn.Reach = set.count()
		return cn, set
	}
	cohortNode := func(id int64, number int, courses []*CCourse, gen int) (*CascadeNode, personSet) {
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
	delivered := map[int64][]*CCourse{}
	cohortHasTrainer := map[int64]bool{}
	for _, co := range d.Courses {
		if t := co.deliveredBy(); t != 0 {
			delivered[t] = append(delivered[t], co)
			cohortHasTrainer[co.CohortID] = true
		}
	}
	trainees := map[int64][]CTrainer{}
	byID := map[int64]CTrainer{}
	for _, t := range d.Trainers {
		byID[t.Id] = t
	}
	var roots []CTrainer
	for _, t := range d.Trainers {
		if _, ok := byID[t.TrainedBy]; ok && t.TrainedBy != t.Id {
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
			set.add(d.Index[k.PersonID])
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
		// people further down hang under the nodes below.
		own := newPersonSet(n)
		for _, p := range t.Reached {
			own.add(d.Index[p])
		}
		node.Reach = own.count()
		set.union(own)
		if node.Reach == 0 && TrainerWorking(t.Status, t.Retired) {
			node.Flag = "has reached no one"
			thinTrainers = append(thinTrainers, ThinSpot{Kind: ThinTrainer, ID: t.Id, PersonID: t.PersonID,
				Name: t.Name, What: TrainerStatusLabel(t.Status) + " trainer who has reached no one"})
		}
		if genSets[gen] == nil {
			genSets[gen] = newPersonSet(n)
		}
		genSets[gen].union(own)
		genCount[gen]++
		return node, set
	}
	all := newPersonSet(n)
	for _, t := range roots {
		rn, rs := trainerNode(t, FoundingGeneration)
		c.Roots = append(c.Roots, rn)
		all.add(d.Index[t.PersonID])
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
	for _, id := range d.OrgOrder {
		o := d.Organisers[id]
		i, inCohort := cohortIdx[o.CohortID]
		if inCohort {
			counts[i].Add(o.Role, o.Status, 1)
		}
		if o.Role != RoleSenior {
			continue
		}
		vols := len(d.Volunteers[o.Id])
		if inCohort {
			c.Cohorts[i].VolunteersSupported += vols
			if vols == 0 && o.Status != StatusWithdrawn {
				c.Cohorts[i].SeniorsWithout++
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

func orNoHost(h string) string {
	if h == "" {
		return "no host"
	}
	return h
}
