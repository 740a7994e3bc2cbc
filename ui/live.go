package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// liveScreen screens read their data again, while shown, when the
// programme changes at another desk (or in a command), so nobody works
// from a stale queue or count.
type liveScreen interface {
	// changed is told, on the UI goroutine, what changed since the last call.
	changed(cs []model.Change)
}

// watch subscribes l to the programme's changes and returns what ends the
// subscription. A programme that cannot be watched leaves the screen as it
// was: it still reads afresh each time it is shown.
func (e *env) watch(l liveScreen) (stop func()) {
	ctx, cancel := context.WithCancel(e.ctx)
	ch, err := e.store.Watch(ctx)
	if err != nil {
		cancel()
		return func() {}
	}
	go func() {
		for batch := range ch {
			e.post(func() {
				// Cancelled on this goroutine too, so nothing reaches a
				// screen once it has been left.
				if ctx.Err() == nil {
					l.changed(batch)
				}
			})
		}
	}()
	return cancel
}

// watchShown makes l the screen the window watches for, ending the
// previous screen's watch; nil watches for none.
func (e *env) watchShown(l liveScreen) {
	if e.unwatch != nil {
		e.unwatch()
		e.unwatch = nil
	}
	if l != nil {
		e.unwatch = e.watch(l)
	}
}

// liveReload runs a screen's reload for changes seen elsewhere one at a
// time: changes arriving while one runs ask for a single one after it, so a
// burst of 500 changes reloads once or twice, never 500 times.
type liveReload struct {
	busy   bool
	again  bool
	queued []model.Change // what arrived while a reload ran
	runs   int            // reloads begun, for tests
}

// request runs run for cs now, or once the reload running has finished.
// run must call done exactly once, when its data is shown or has failed.
func (l *liveReload) request(cs []model.Change, run func(cs []model.Change, done func())) {
	if l.busy {
		l.again = true
		l.queued = model.MergeChanges(l.queued, cs...)
		return
	}
	l.busy = true
	l.runs++
	run(cs, func() {
		l.busy = false
		if l.again {
			q := l.queued
			l.again, l.queued = false, nil
			l.request(q, run)
		}
	})
}

// otherDeskNote is the small note shown over a form someone is filling in
// when what it is about changed at another desk: the form stays as it is
// until they choose to reload it.
func otherDeskNote(cs []model.Change, what string, reload func()) fyne.CanvasObject {
	text := "Updated by another desk"
	if who := model.Actors(cs); len(who) > 0 {
		text += " (" + strings.Join(who, ", ") + ")"
	}
	l := widget.NewLabel(text + ": " + what + ".")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return container.NewBorder(nil, nil, nil, widget.NewButton("Reload", reload), l)
}

// byOthers is how a change made elsewhere is told when no form is open.
func byOthers(cs []model.Change) string {
	if who := model.Actors(cs); len(who) > 0 {
		return " by " + strings.Join(who, ", ")
	}
	return ""
}
