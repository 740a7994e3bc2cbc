package ui

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cascade/model"
)

// candidateCalls is the real programme, noting each selection the
// Certificates screen asks candidates for (from its worker goroutines).
type candidateCalls struct {
	model.Programme
	mu   sync.Mutex
	sels []model.CertSelection
}

func (c *candidateCalls) Candidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
	c.mu.Lock()
	c.sels = append(c.sels, sel)
	c.mu.Unlock()
	return c.Programme.Candidates(ctx, sel)
}

// take returns the selections asked for since the last take.
func (c *candidateCalls) take() []model.CertSelection {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sels
	c.sels = nil
	return out
}

// perKind is what the screen counted before: one call per kind, joined.
func perKind(t *testing.T, st model.Programme, sel model.CertSelection, kinds []string) []model.Candidate {
	t.Helper()
	var all []model.Candidate
	for _, k := range kinds {
		sel.Kind = k
		cs, err := st.Candidates(context.Background(), sel)
		if err != nil {
			t.Fatalf("Candidates(%+v): %v", sel, err)
		}
		all = append(all, cs...)
	}
	return all
}

// forCount is cands as a count and a run use them: a completion
// candidate's Qualified (which a call for completion alone leaves out) is
// printed on no completion certificate, and none is none.
func forCount(cands []model.Candidate) []model.Candidate {
	var out []model.Candidate
	for _, c := range cands {
		if c.Kind != model.KindUnits {
			c.Qualified = nil
		}
		out = append(out, c)
	}
	return out
}

// The screen opens on completion and units for everyone, and asked the
// store once per kind: each call read every organiser again. Now each
// count is one call, and counts exactly the candidates the calls per kind
// gave, in their order: with a host that is also a trainer's organisation
// (the one call finds its trainers, who must not be counted), a trainer's
// email with organiser kinds (nobody), each single kind, and a cohort.
func TestCertificatesCountsWithOneCall(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	calls := &candidateCalls{Programme: st}
	s, _, _, q := openCertificates(t, calls)
	waitCounted(t, s, q)

	hosts, err := st.HostChoices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trainers, err := st.Trainers(ctx)
	if err != nil || len(trainers.Trainers) == 0 {
		t.Fatalf("Trainers: %v", err)
	}
	both, trainerEmail := "", trainers.Trainers[0].Email
	for _, h := range hosts {
		for _, tr := range trainers.Trainers {
			if strings.EqualFold(tr.Organisation, h.Label) {
				both = h.Label
			}
		}
	}
	if both == "" {
		t.Fatal("the demo has no host that is also a trainer's organisation")
	}

	organisers := []string{model.KindCompletion, model.KindUnits}
	cases := []struct {
		name, kind, cohort, host, person string
		kinds                            []string
	}{
		{"everyone", certKinds[0].label, "", "", "", organisers},
		{"a host that is also a trainer's organisation", certKinds[0].label, "", both, "", organisers},
		{"a trainer's email", certKinds[0].label, "", "", trainerEmail, organisers},
		{"cohort 3", certKinds[0].label, "3", "", "", organisers},
		{"completion only", "Completion only", "2", "", "", []string{model.KindCompletion}},
		{"units only", "Units only", "", "", "", []string{model.KindUnits}},
		{"trainers", "Trainer accreditation (trainers)", "", "", "", []string{model.KindTrainer}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.kind.SetSelected(c.kind)
			s.cohort.SetText(c.cohort)
			s.host.SetText(c.host)
			s.person.SetText(c.person)
			waitCounted(t, s, q)
			letLoadsFinish(s.env, q, 30*time.Second)
			calls.take() // the counts of the form on its way here
			// Counted once more, as another desk's change asks.
			cur, _ := s.selection()
			s.counted = ""
			s.count(cur)
			waitCounted(t, s, q)
			sels := calls.take()
			if len(sels) != 1 {
				t.Fatalf("one count asked for candidates %d times: %+v", len(sels), sels)
			}
			want := perKind(t, st, cur.sel, c.kinds)
			if !reflect.DeepEqual(forCount(s.cands), forCount(want)) {
				t.Errorf("counted %d candidates; the calls per kind give %d", len(s.cands), len(want))
			}
			for _, cand := range s.cands {
				if !slices.Contains(c.kinds, cand.Kind) {
					t.Fatalf("%s candidate %s counted for %v", cand.Kind, cand.Name, c.kinds)
				}
			}
		})
	}
}

// Candidates gives kinds in CertificateKinds' order, and the count keeps
// that order: each choice must list its kinds in the same order.
func TestCertKindsInCertificateKindsOrder(t *testing.T) {
	for _, k := range certKinds {
		at := -1
		for _, kind := range k.kinds {
			i := slices.Index(model.CertificateKinds, kind)
			if i <= at {
				t.Errorf("%q lists %v out of CertificateKinds' order %v", k.label, k.kinds, model.CertificateKinds)
			}
			at = i
		}
	}
}
