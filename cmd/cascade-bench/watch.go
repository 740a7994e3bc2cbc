package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
)

// watchDecisions is how many decisions the other desk records, one at a time.
const watchDecisions = 10

// measureWatch opens the working copy twice, as two desks: the first holds
// the assessor queue open and watches, the second records decisions. Each
// row is from the other desk's commit to the open queue having read itself
// again without the decided item, as the screen does on the watch's word.
func (b *bench) measureWatch() error {
	name := "another desk's change reaching an open queue"
	if !b.wanted(name) {
		return nil
	}
	path, err := b.workCopy()
	if err != nil {
		return err
	}
	ctx := b.ctx
	open, err := sqlstore.Open(ctx, path)
	if err != nil {
		return err
	}
	defer open.Close()
	other, err := sqlstore.Open(ctx, path)
	if err != nil {
		return err
	}
	defer other.Close()
	queue, err := open.AssessorQueue(ctx, model.QueueFilter{Limit: watchDecisions})
	if err != nil {
		return err
	}
	if len(queue) == 0 {
		b.add(result{Name: name, Unit: "ms", Reason: "the queue is empty: not measured"})
		return nil
	}
	// Decisions name their assessor, so the other desk is a signed-in one.
	desk2 := fmt.Sprintf("bench-desk2-%d", time.Now().UnixNano())
	assessor, err := other.CreateUser(ctx, model.LocalUser(), model.NewUser{Username: desk2, DisplayName: "Bench desk 2",
		Role: model.RoleAssessor, Password: "password-" + desk2})
	if err != nil {
		return err
	}
	changes, err := open.Watch(ctx)
	if err != nil {
		return err
	}
	var delivered, shown []time.Duration
	for _, q := range queue {
		// Desks decide at no particular moment of the watch's 300 ms
		// round: without a pause the loop would commit just after each
		// look and measure only the worst case.
		time.Sleep(time.Duration(rand.Int64N(int64(300 * time.Millisecond))))
		it, err := other.Evidence(ctx, q.EvidenceID)
		if err != nil {
			return err
		}
		d := model.DecisionDraft{EvidenceID: it.ID, Outcomes: map[int64]string{}, Feedback: "Measured by cascade-bench.",
			DecidedOn: time.Now().Format("2006-01-02")}
		for _, c := range it.CriterionIDs {
			d.Outcomes[c] = model.OutcomeAchieved
		}
		if _, err := other.RecordDecision(ctx, assessor, d); err != nil {
			return fmt.Errorf("decide at the other desk: %w", err)
		}
		committed := time.Now()
		if err := awaitDecision(changes, 10*time.Second); err != nil {
			return err
		}
		delivered = append(delivered, time.Since(committed))
		now, err := open.AssessorQueue(ctx, model.QueueFilter{Limit: 200})
		if err != nil {
			return err
		}
		if slices.ContainsFunc(now, func(x model.QueueItem) bool { return x.EvidenceID == it.ID }) {
			return fmt.Errorf("evidence %d decided at the other desk is still in the open queue", it.ID)
		}
		shown = append(shown, time.Since(committed))
	}
	slices.Sort(delivered)
	slices.Sort(shown)
	worst := shown[len(shown)-1]
	how := "it looks every 300 ms"
	if open.OnServer() {
		how = "told by the server's LISTEN/NOTIFY"
	}
	b.add(result{Name: name, Value: ms(shown[len(shown)/2]), Unit: "ms", Target: "< 2000 ms", OK: ptr(worst < 2*time.Second),
		Reason: fmt.Sprintf("no peer; median of %d decisions, slowest %.0f ms; the watch's word alone: median %.0f ms (%s)",
			len(shown), ms(worst), ms(delivered[len(delivered)/2]), how)})
	return nil
}

// awaitDecision waits for a batch holding a decision.
func awaitDecision(ch <-chan []model.Change, within time.Duration) error {
	timeout := time.After(within)
	for {
		select {
		case batch, ok := <-ch:
			if !ok {
				return fmt.Errorf("the watch ended before the decision arrived")
			}
			if model.Touches(batch, model.EntityDecision) {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("the decision did not reach the open queue within %v", within)
		}
	}
}
