package model

import (
	"fmt"
	"math/bits"
)

// CascadeKind says what a node of the cascade stands for.
type CascadeKind int

// The kinds of node, from the top of the cascade down.
const (
	NodeTrainer CascadeKind = iota
	NodeCohort
	NodeCourse
	NodeSenior
	NodeVolunteer
	NodeGroup // a heading, e.g. cohorts no trainer delivered to
)

// CascadeNode is one node of the train-the-trainers cascade: a trainer, a
// cohort they delivered to, a course, a senior organiser on it, or a
// volunteer that senior supports.
type CascadeNode struct {
	Kind       CascadeKind
	ID         int64 // trainer, cohort, course or organiser id
	PersonID   int64 // 0 for cohorts, courses and groups
	Label      string
	Detail     string // status, host, course kind …
	Generation int    // trainers from FoundingGeneration (1); their seniors one more, volunteers two more
	Reach      int    // a trainer: TrainerReach; other nodes: distinct people below them
	Flag       string // a thin spot, "" when none
	Children   []*CascadeNode
}

// ThinSpot is a place where the cascade is thin, for the flags list.
type ThinSpot struct {
	Kind     string // "trainer", "senior", "host", "cohort"
	ID       int64
	PersonID int64
	Name     string
	What     string
}

// Thin-spot kinds.
const (
	ThinSenior = "senior"
	ThinHost   = "host"
	ThinCohort = "cohort"
)

// GenerationCount sums one generation of trainers for the diagram.
type GenerationCount struct {
	Generation int
	Trainers   int
	Reach      int // distinct people reached (TrainerReach) by this generation's trainers
}

// CohortReach sums one cohort for the diagram: who delivered to it and how
// far its seniors carried the cascade.
type CohortReach struct {
	ID                  int64
	Number              int
	TrainerIDs          []int64 // lead (or busiest session) trainers of its courses
	Seniors             int     // senior organisers in the cohort, not withdrawn (Headcount)
	Volunteers          int     // volunteer organisers in the cohort, not withdrawn (Headcount)
	VolunteersSupported int     // volunteers supported by the cohort's seniors, whatever their own cohort or status
	SeniorsWithout      int     // seniors (not withdrawn) supporting no volunteer
}

// Cascade is the whole cascade with reach worked out for every node.
type Cascade struct {
	Roots       []*CascadeNode // founding trainers, then cohorts no trainer delivered to
	Generations []GenerationCount
	Cohorts     []CohortReach
	ThinSpots   []ThinSpot
	People      int    // distinct people reached by the whole cascade
	AsOf        string // the latest session date (today when none)
}

// PersonCard is what the cascade shows when a node's person is opened.
type PersonCard struct {
	PersonID  int64
	Name      string
	Email     string
	Phone     string
	Trainer   *PersonTrainer   // nil when not a trainer
	Organiser *PersonOrganiser // nil when not an organiser
}

// PersonTrainer is a person's place in the trainer network.
type PersonTrainer struct {
	ID        int64 // the trainer's id, for their trainer page
	Status    string
	TrainedBy string // "" when no trainer is recorded
	TrainedOn string
	RetiredOn string
}

// PersonOrganiser is a person's place among the organisers.
type PersonOrganiser struct {
	ID          int64 // the organiser's id, for their organiser page
	Role        string
	Status      string
	Host        string
	Region      string
	Setting     string
	Cohort      int
	SupportedBy string
	Supporting  int // volunteers a senior supports
}

// Walk visits every node depth first, stopping when visit returns false for
// a node's subtree.
func (c *Cascade) Walk(visit func(n *CascadeNode, depth int) bool) {
	var walk func(n *CascadeNode, depth int)
	walk = func(n *CascadeNode, depth int) {
		if !visit(n, depth) {
			return
		}
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
	}
	for _, r := range c.Roots {
		walk(r, 0)
	}
}

// Title is how the node reads in the tree.
func (n *CascadeNode) Title() string {
	return fmt.Sprintf("%s · gen %d · reach %d", n.Label, n.Generation, n.Reach)
}

// personSet is a bitset over dense person indexes: the cascade unions many
// sets of a few thousand people, which maps would make slow.
type personSet []uint64

func newPersonSet(n int) personSet { return make(personSet, (n+63)/64) }

func (s personSet) add(i int) { s[i/64] |= 1 << (uint(i) % 64) }

func (s personSet) union(o personSet) {
	for i := range o {
		s[i] |= o[i]
	}
}

func (s personSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// ThinTrainer marks a working trainer (accredited or active, not retired)
// whose courses have reached no one.
const ThinTrainer = "trainer"
