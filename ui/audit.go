package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// auditStore is what the audit screen asks of the model.
type auditStore interface {
	AuditLog(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error)
	AuditChoices(ctx context.Context) (model.AuditChoices, error)
}

const anyAction, anyEntity = "any action", "anything"

// auditScreen reads the append-only audit log with filters.
type auditScreen struct {
	e      *env
	store  auditStore
	rows   []model.AuditEntry
	actor  *widget.SelectEntry
	actors []string // everyone in the log, as the who filter offers them
	action *widget.Select
	entity *widget.Select
	text   *widget.Entry
	count  *widget.Label
	table  *widget.Table
	detail *widget.Label
	root   fyne.CanvasObject
	// gen counts loads so that, while someone types, an older and slower
	// answer never replaces a newer one.
	gen int
}

func newAuditScreen(e *env) screen {
	s := &auditScreen{e: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *auditScreen) buildUI() {
	entry := func(ph string) *widget.Entry {
		en := &widget.Entry{PlaceHolder: ph, OnSubmitted: func(string) { s.refresh() }}
		en.ExtendBaseWidget(en)
		return en
	}
	s.text = entry("text in the change (Ctrl+F)")
	// Who: pick from everyone in the log, or type a whole name and press Enter.
	s.actor = widget.NewSelectEntry(nil)
	s.actor.PlaceHolder = "who (e.g. assessor, os:root)"
	s.actor.OnSubmitted = func(string) { s.refresh() }
	s.actor.OnChanged = func(v string) {
		if v == "" || slices.Contains(s.actors, v) {
			s.refresh()
		}
	}
	s.text.OnChanged = func(string) { s.refresh() } // narrows as you type; the actor must match whole
	// The choices are what the log holds, read with the first load.
	s.action = widget.NewSelect([]string{anyAction}, nil)
	s.action.SetSelectedIndex(0)
	s.action.OnChanged = func(string) { s.refresh() }
	s.entity = widget.NewSelect([]string{anyEntity}, nil)
	s.entity.SetSelectedIndex(0)
	s.entity.OnChanged = func(string) { s.refresh() }
	load(s.e, s.store.AuditChoices, func(c model.AuditChoices) {
		s.action.Options = append([]string{anyAction}, c.Actions...)
		s.entity.Options = append([]string{anyEntity}, c.Entities...)
		s.actor.SetOptions(c.Actors)
		s.actors = c.Actors
	}, func(err error) { s.count.SetText("Could not read the filters: " + err.Error()) })
	s.count = widget.NewLabel("")
	// Each entry in a sentence with names, not its stored JSON and ids;
	// choosing one shows what was stored, for whoever must check it.
	s.table = textTable([]string{"When", "What happened"}, []float32{150, 600},
		func() int { return len(s.rows) }, s.cell, s.onSelected)
	s.detail = widget.NewLabel("Choose an entry to see it before and after.")
	s.detail.Wrapping = fyne.TextWrapWord
	filters := container.NewGridWithColumns(5, s.actor, s.action, s.entity, s.text, s.count)
	split := container.NewVSplit(s.table, container.NewVScroll(s.detail))
	split.Offset = 0.75
	s.root = container.NewBorder(container.NewVBox(widget.NewLabelWithStyle("Audit log — append-only; newest first", fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true}), filters), nil, nil, nil, split)
}

func (s *auditScreen) content() fyne.CanvasObject { return s.root }
func (s *auditScreen) focusSearch()               { s.e.win.Canvas().Focus(s.text) }

func (s *auditScreen) refresh() {
	f := model.AuditFilter{Actor: strings.TrimSpace(s.actor.Text), Text: strings.TrimSpace(s.text.Text), Limit: 2000}
	if s.action.SelectedIndex() > 0 {
		f.Action = s.action.Selected
	}
	if s.entity.SelectedIndex() > 0 {
		f.Entity = s.entity.Selected
	}
	s.gen++
	gen := s.gen
	load(s.e, func(ctx context.Context) ([]model.AuditEntry, error) { return s.store.AuditLog(ctx, f) },
		func(rows []model.AuditEntry) {
			if gen != s.gen {
				return
			}
			s.rows = rows
			s.count.SetText(num(len(rows)) + " entries shown")
			s.table.UnselectAll()
			refreshTable(s.table)
		}, func(err error) { s.count.SetText(errText(err)) })
}

func (s *auditScreen) cell(r, c int) string {
	a := s.rows[r]
	if c == 0 {
		return when(a.At) // stored in UTC, read in local (UK) time
	}
	return a.Sentence()
}

func (s *auditScreen) onSelected(r int) {
	a := s.rows[r]
	before := a.Before
	if before == "" {
		before = "—"
	}
	s.detail.SetText(when(a.At) + " · " + a.Actor + " · " + a.Action + " " + a.Entity + " " + a.EntityID + "\n" + a.Sentence() + ".\n" +
		"As stored:\nBefore: " + before + "\nAfter: " + a.After)
}
