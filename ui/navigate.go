package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// Section titles that other screens open by name.
const (
	sectionTrainers   = "Trainers"
	sectionCohorts    = "Cohorts & hosts"
	sectionOrganisers = "Organisers"
)

// navRow is one sidebar entry. It takes the tap itself, so a tap on the
// section already open still reaches the shell (widget.List reports only a
// change of selection).
type navRow struct {
	widget.BaseWidget
	index int
	icon  *widget.Icon
	label *widget.Label
	onTap func(int)
}

func newNavRow(onTap func(int)) *navRow {
	r := &navRow{icon: widget.NewIcon(nil), label: widget.NewLabel("Cohorts & hosts"), onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

func (r *navRow) set(i int, icon fyne.Resource, title string) {
	r.index = i
	r.icon.SetResource(icon)
	r.label.SetText(title)
}

// Tapped opens the row's section, or returns it to its list when open.
func (r *navRow) Tapped(*fyne.PointEvent) { r.onTap(r.index) }

// CreateRenderer draws the icon and title side by side.
func (r *navRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewHBox(r.icon, r.label))
}

// openSection opens a section by title, as the sidebar does; nil when the
// screen is shown alone (tests of one screen) or there is no such section.
func (e *env) openSection(title string) screen {
	if e.goTo == nil {
		return nil
	}
	return e.goTo(title)
}

// openOrganiser shows organiser id's page in the Organisers section.
func (e *env) openOrganiser(id int64) {
	if s, ok := e.openSection(sectionOrganisers).(*organisersScreen); ok {
		s.openPage(id)
	}
}

// openTrainer shows trainer id's page in the Trainers section.
func (e *env) openTrainer(id int64) {
	if s, ok := e.openSection(sectionTrainers).(*trainersScreen); ok {
		s.showTrainer(id)
	}
}

// openPerson opens the page of the person a list names by person id: their
// organiser page, or their trainer page when asTrainer or when they are no
// organiser.
func (e *env) openPerson(personID int64, asTrainer bool, fail func(error)) {
	load(e, func(ctx context.Context) (model.PersonCard, error) {
		return e.store.PersonCard(ctx, personID)
	}, func(p model.PersonCard) {
		switch {
		case p.Trainer != nil && (asTrainer || p.Organiser == nil):
			e.openTrainer(p.Trainer.ID)
		case p.Organiser != nil:
			e.openOrganiser(p.Organiser.ID)
		default:
			fail(personWithoutPage{p.Name})
		}
	}, fail)
}

// personWithoutPage is the error for someone who is neither organiser nor trainer.
type personWithoutPage struct{ name string }

func (e personWithoutPage) Error() string {
	return e.name + " is neither an organiser nor a trainer, so has no page to open"
}

// openHost shows host id with its organisers in the Cohorts & hosts section.
func (e *env) openHost(id int64) {
	if s, ok := e.openSection(sectionCohorts).(*cohortsScreen); ok {
		s.showHost(id)
	}
}

// openFlagged lists the very records a dashboard flag counts.
func (e *env) openFlagged(f model.Flag) {
	switch f.Of {
	case model.FlagOfOrganisers:
		if s, ok := e.openSection(sectionOrganisers).(*organisersScreen); ok {
			s.showFlagged(f.Organiser)
		}
	case model.FlagOfTrainers:
		if s, ok := e.openSection(sectionTrainers).(*trainersScreen); ok {
			s.showFiltered(trainerFilterNoTrainer)
		}
	case model.FlagOfHosts:
		if s, ok := e.openSection(sectionCohorts).(*cohortsScreen); ok {
			s.showFlaggedHosts()
		}
	}
}
