package model

import (
	"context"
	"slices"
)

// What a change is about, as the audit log names it (its entity column).
// Screens name the ones that bear on what they show.
const (
	EntityDecision      = "assessment_decision"
	EntityEvidence      = "evidence"
	EntityEvidenceFile  = "evidence_file"
	EntitySample        = "iv_sample"
	EntityPlan          = "iv_plan"
	EntityCertificate   = "certificate"
	EntityAchievement   = "unit_achievement"
	EntityClaim         = "claim"
	EntityOrganiser     = "organiser"
	EntityPeople        = "people" // a person erased
	EntityUser          = "user"   // accounts and failed sign-ins: no screen's data
	EntitySettings      = "settings"
	EntityProgramme     = "programme"
	EntityModuleDone    = "module_completion"
	EntityQualification = "qualification"
)

// ActionReplaced, with EntityProgramme, says the whole programme was
// replaced under the watch (a restore): every screen reads afresh.
const ActionReplaced = "replaced"

// Change is one entry the audit log gained: what kind of record changed,
// how, and by whom. Count is how many entries alike (same entity, action
// and actor) it stands for, so a run of 500 certificates arrives as one.
type Change struct {
	Entity string
	Action string
	Actor  string // who made it, by display name when they are a user
	Count  int
}

// Watcher tells an open screen that the programme changed, at this desk or
// any other (another window, a command, a desk on the same server), so it
// can read its data again without the user asking.
type Watcher interface {
	// Watch delivers batches of the changes committed after the call, each
	// batch within about half a second of the commit, until ctx ends or the
	// programme is closed; then the channel is closed. A reader that falls
	// behind gets the changes it missed merged into its next batch, never
	// one batch per change.
	Watch(ctx context.Context) (<-chan []Change, error)
}

// Touches reports whether any change in cs is about one of entities.
func Touches(cs []Change, entities ...string) bool {
	for _, c := range cs {
		if slices.Contains(entities, c.Entity) {
			return true
		}
	}
	return false
}

// Actors names who made cs, each once, in the order first seen.
func Actors(cs []Change) []string {
	var out []string
	for _, c := range cs {
		if c.Actor != "" && !slices.Contains(out, c.Actor) {
			out = append(out, c.Actor)
		}
	}
	return out
}

// MergeChanges adds more to batch, counting alike entries (same entity,
// action and actor) as one with a larger Count.
func MergeChanges(batch []Change, more ...Change) []Change {
	for _, m := range more {
		if m.Count == 0 {
			m.Count = 1
		}
		i := slices.IndexFunc(batch, func(c Change) bool {
			return c.Entity == m.Entity && c.Action == m.Action && c.Actor == m.Actor
		})
		if i >= 0 {
			batch[i].Count += m.Count
			continue
		}
		batch = append(batch, m)
	}
	return batch
}
