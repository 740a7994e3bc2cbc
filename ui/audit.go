package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// auditStore is what the audit screen asks of the model.
type auditStore interface {
	AuditLog(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error)
	AuditChoices(ctx context.Context) (actions, entities []string, err error)
}

const anyAction, anyEntity = "any action", "anything"

// auditScreen reads the append-only audit log with filters.
type auditScreen struct {
	e      *env
	store  auditStore
	rows   []model.AuditEntry
	actor  *widget.Entry
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
	s.actor, s.text = entry("who (e.g. assessor, os:root)"), entry("text in the change (Ctrl+F)")
	s.text.OnChanged = func(string) { s.refresh() } // narrows as you type; the actor must match whole
	// The choices are what the log holds, read with the first load.
	s.action = widget.NewSelect([]string{anyAction}, nil)
	s.action.SetSelectedIndex(0)
	s.action.OnChanged = func(string) { s.refresh() }
	s.entity = widget.NewSelect([]string{anyEntity}, nil)
	s.entity.SetSelectedIndex(0)
	s.entity.OnChanged = func(string) { s.refresh() }
	type choices struct{ actions, entities []string }
	load(s.e, func(ctx context.Context) (choices, error) {
		a, e, err := s.store.AuditChoices(ctx)
		return choices{a, e}, err
	}, func(c choices) {
		s.action.Options = append([]string{anyAction}, c.actions...)
		s.entity.Options = append([]string{anyEntity}, c.entities...)
	}, func(err error) { s.count.SetText("Could not read the filters: " + err.Error()) })
	s.count = widget.NewLabel("")
	s.table = textTable([]string{"When (UTC)", "Who", "Action", "What", "Id", "After"}, []float32{170, 130, 90, 160, 80, 520},
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
			s.table.Refresh()
		}, func(err error) { s.count.SetText(errText(err)) })
}

func (s *auditScreen) cell(r, c int) string {
	a := s.rows[r]
	switch c {
	case 0:
		return strings.Replace(strings.TrimSuffix(a.At, "Z"), "T", " ", 1)
	case 1:
		return a.Actor
	case 2:
		return a.Action
	case 3:
		return a.Entity
	case 4:
		return a.EntityID
	}
	return a.After
}

func (s *auditScreen) onSelected(r int) {
	a := s.rows[r]
	before := a.Before
	if before == "" {
		before = "—"
	}
	s.detail.SetText(a.At + " · " + a.Actor + " · " + a.Action + " " + a.Entity + " " + a.EntityID + "\nBefore: " + before + "\nAfter: " + a.After)
}
