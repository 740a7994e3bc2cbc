package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"slices"
	"testing"
)

// The Portfolios tab's learner search matches as the organisers list does:
// every word, in name, email or host, whatever the case and accents, on
// either store (PostgreSQL's LIKE minds case; SQLite's ignores no accent).
func TestLearnersFindsEveryWordWhateverTheCaseAndAccents(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	cohortID, hostID := seedHost(t, s) // Rural Development Trust
	lead := namedUser(t, s, "lead", model.RoleLead)
	add := func(given, family, email string) {
		t.Helper()
		if _, err := s.CreateOrganiser(ctx, lead, model.Organiser{GivenName: given, FamilyName: family, Email: email,
			Role: model.RoleSenior, HostID: hostID, CohortID: cohortID, StartsOn: "2012-11-05"}); err != nil {
			t.Fatal(err)
		}
	}
	add("Pádraig", "Murphy", "padraig@example.org")
	add("Ann", "Murphy", "ann.m@example.org")
	add("Łukasz", "Nowak", "lukasz@example.org")
	add("Σοφία", "Papadopoulou", "sofia@example.org")
	add("Ciarán", "Ó Súilleabháin", "ciaran@example.org")
	add("Wei", "Zeng", "wei@example.org")
	for i := range 5 {
		add("Learner", fmt.Sprintf("Number %d", i), fmt.Sprintf("n%d@example.org", i))
	}
	names := func(text string, limit int) []string {
		t.Helper()
		ls, err := s.Learners(ctx, text, limit)
		if err != nil {
			t.Fatalf("Learners(%q): %v", text, err)
		}
		var out []string
		for _, l := range ls {
			out = append(out, l.Name)
		}
		return out
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"padraig murphy", []string{"Pádraig Murphy"}},
		{"MURPHY", []string{"Ann Murphy", "Pádraig Murphy"}},
		{"murphy padraig", []string{"Pádraig Murphy"}},
		{"lukasz", []string{"Łukasz Nowak"}},
		{"σοφια", []string{"Σοφία Papadopoulou"}},
		{"ann.m@EXAMPLE", []string{"Ann Murphy"}},
		{"ann rural", []string{"Ann Murphy"}},
		{"ann leeds", nil},
		{"  ", []string{"Ann Murphy", "Pádraig Murphy", "Łukasz Nowak"}},
	} {
		got := names(c.text, 3)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Learners(%q) = %q; want %q", c.text, got, c.want)
		}
	}
	// Found people read in a British reader's order, Ó with the Os, not
	// after Zeng as bytes would put it.
	all := names("example.org", 20)
	if at := slices.Index(all, "Ciarán Ó Súilleabháin"); at < 0 || at > slices.Index(all, "Σοφία Papadopoulou") ||
		slices.Index(all, "Wei Zeng") != len(all)-1 {
		t.Errorf("Learners(example.org) in the order %q; want Ó Súilleabháin among the Os and Zeng last", all)
	}
	if got := names("learner", 2); len(got) != 2 {
		t.Errorf("Learners(learner, limit 2) = %q; want two of the five", got)
	}
}
