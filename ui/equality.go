package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
)

// equalityStore is what the equality monitoring tab reads and writes.
type equalityStore interface {
	Equality(ctx context.Context, by model.User, personID int64) (model.Equality, error)
	SetEquality(ctx context.Context, by model.User, personID int64, e model.Equality) error
}

// notAnswered is shown for a question the person has not answered.
const notAnswered = "Not answered"

// equalityForm is the organiser page's Equality monitoring tab, shown only
// to administrators: the person's self-declared answers, each optional.
// Reports only ever show these as counts.
type equalityForm struct {
	e        *env
	store    equalityStore
	personID int64
	selects  []*widget.Select // one per model.EqualityQuestions
	status   *widget.Label
	save     *widget.Button
	seen     model.Seen // what the answers shown were read as, so a save cannot overwrite newer ones
	root     fyne.CanvasObject
}

func newEqualityForm(e *env, st equalityStore, personID int64) *equalityForm {
	f := &equalityForm{e: e, store: st, personID: personID}
	f.buildUI()
	f.load()
	return f
}

func (f *equalityForm) content() fyne.CanvasObject { return f.root }

func (f *equalityForm) buildUI() {
	form := widget.NewForm()
	for _, q := range model.EqualityQuestions {
		s := widget.NewSelect(append([]string{notAnswered}, q.Answers...), nil)
		s.SetSelected(notAnswered)
		s.Disable() // until the answers have loaded
		f.selects = append(f.selects, s)
		form.Append(q.Label, s)
	}
	f.status = widget.NewLabel("Loading…")
	f.status.Wrapping = fyne.TextWrapWord
	f.save = widget.NewButtonWithIcon("Save answers", theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	f.save.Disable()
	intro := widget.NewLabel("Self-declared and optional. Only administrators see a person's answers; reports show counts, and any count under 5 as <5.")
	intro.Wrapping = fyne.TextWrapWord
	f.root = container.NewVScroll(container.NewVBox(intro, form, container.NewHBox(f.save), f.status))
}

func (f *equalityForm) load() {
	load(f.e, func(ctx context.Context) (model.Equality, error) {
		e, err := f.store.Equality(ctx, f.e.user, f.personID)
		if errors.Is(err, model.ErrNotFound) {
			return model.Equality{Seen: e.Seen}, nil // no answers yet; the Seen guards the first ones
		}
		return e, err
	}, func(e model.Equality) {
		f.seen = e.Seen
		for i, a := range []string{e.Gender, e.AgeBand, e.Ethnicity, e.Disability} {
			if a == "" {
				a = notAnswered
			}
			f.selects[i].SetSelected(a)
			f.selects[i].Enable()
		}
		f.save.Enable()
		say(f.status, "")
		if e.UpdatedAt != "" {
			say(f.status, "Last recorded "+day(e.UpdatedAt))
		}
	}, func(err error) { sayProblem(f.status, "Could not read the answers: "+err.Error()) })
}

// answers reads the form; "Not answered" is stored as no answer.
func (f *equalityForm) answers() model.Equality {
	v := make([]string, len(f.selects))
	for i, s := range f.selects {
		if s.Selected != notAnswered {
			v[i] = s.Selected
		}
	}
	return model.Equality{Gender: v[0], AgeBand: v[1], Ethnicity: v[2], Disability: v[3], Seen: f.seen}
}

func (f *equalityForm) onSave() {
	e := f.answers()
	f.save.Disable()
	say(f.status, "Saving…")
	load(f.e, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, f.store.SetEquality(ctx, f.e.user, f.personID, e)
	}, func(struct{}) {
		f.save.Enable()
		sayDone(f.status, "Saved.")
	}, func(err error) {
		f.save.Enable()
		if said, ok := changedText(err); ok {
			sayProblem(f.status, said)
			askReload(f.e.win, said, f.load, nil)
			return
		}
		sayProblem(f.status, "Not saved: "+err.Error())
	})
}
