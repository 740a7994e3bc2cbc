package sqlstore

import (
	"context"
	"testing"

	"cascade/model"
)

// A dashboard flag says whose records it counts and, for organisers, the
// flag the organisers list filters by: the list it opens holds exactly the
// people it counted.
func TestFlagsNameTheRecordsTheyCount(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	d, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.OrganiserRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Flags) == 0 {
		t.Fatal("the demo flags nothing; want its planted gaps")
	}
	for _, f := range d.Flags {
		switch f.Of {
		case model.FlagOfOrganisers:
			listed := 0
			for _, r := range rows {
				if (model.OrganiserFilter{Flag: f.Organiser}).Match(&r) {
					listed++
				}
			}
			if f.Organiser == "" || listed != f.Count {
				t.Errorf("flag %q (organiser flag %q) counts %d; the organisers list filtered by it shows %d", f.Name, f.Organiser, f.Count, listed)
			}
		case model.FlagOfHosts, model.FlagOfTrainers:
			if f.Organiser != "" {
				t.Errorf("flag %q of %s names organiser flag %q", f.Name, f.Of, f.Organiser)
			}
		default:
			t.Errorf("flag %q says it counts %q; want hosts, trainers or organisers", f.Name, f.Of)
		}
	}
}

// A person's card carries their organiser and trainer ids, so a screen that
// names the person can open their page.
func TestPersonCardCarriesPageIDs(t *testing.T) {
	s, _ := demoDB(t)
	ctx := context.Background()
	rows, err := s.OrganiserRows(ctx)
	if err != nil || len(rows) == 0 {
		t.Fatalf("OrganiserRows: %d rows, %v", len(rows), err)
	}
	o := rows[len(rows)/2]
	card, err := s.PersonCard(ctx, o.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	if card.Organiser == nil || card.Organiser.ID != o.ID {
		t.Errorf("PersonCard(%d).Organiser = %+v; want organiser id %d", o.PersonID, card.Organiser, o.ID)
	}
	list, err := s.Trainers(ctx)
	if err != nil || len(list.Trainers) == 0 {
		t.Fatalf("Trainers: %v", err)
	}
	tr := list.Trainers[0]
	card, err = s.PersonCard(ctx, tr.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	if card.Trainer == nil || card.Trainer.ID != tr.ID {
		t.Errorf("PersonCard(%d).Trainer = %+v; want trainer id %d", tr.PersonID, card.Trainer, tr.ID)
	}
}
