package model

import (
	"slices"
	"testing"
)

// Family names sort as a British reader expects, not by their bytes.
func TestSortNamesAsPeopleExpect(t *testing.T) {
	got := []string{"Wróbel", "Zeng", "Wójcik", "van der Berg", "Woźniak", "Ó Súilleabháin", "Oakes", "Wood", "Öztürk", "Ng", "O'Brien"}
	SortNames(got)
	// Word by word, as British indexes file them: "Ó Súilleabháin" and
	// "O'Brien" (a space, then a mark) before "Oakes".
	want := []string{"Ng", "Ó Súilleabháin", "O'Brien", "Oakes", "Öztürk", "van der Berg", "Wójcik", "Wood", "Woźniak", "Wróbel", "Zeng"}
	if !slices.Equal(got, want) {
		t.Fatalf("SortNames =\n%q\nwant\n%q", got, want)
	}
}

type person struct{ family, given string }

func TestSortPeopleFamilyThenGiven(t *testing.T) {
	cases := []struct {
		name string
		in   []person
		want []person
	}{
		// The whole family name decides first: Ng before Nga, whatever the given names.
		{"family first", []person{{"Nga", "Ann"}, {"Ng", "Zoe"}}, []person{{"Ng", "Zoe"}, {"Nga", "Ann"}}},
		// Case and accents only decide between otherwise equal names.
		{"case", []person{{"Van der Berg", "Piet"}, {"van der Berg", "Anna"}, {"Vance", "Ed"}}, []person{{"van der Berg", "Anna"}, {"Van der Berg", "Piet"}, {"Vance", "Ed"}}},
		{"accents second", []person{{"Łukasz", "B"}, {"Lukasz", "A"}, {"Lucas", "Z"}}, []person{{"Lucas", "Z"}, {"Lukasz", "A"}, {"Łukasz", "B"}}},
		// Greek and Cyrillic names come after Latin ones, in their own alphabets' order.
		{"scripts", []person{{"Σοφία", ""}, {"Дмитрий", ""}, {"Άλφα", ""}, {"Zeng", ""}}, []person{{"Zeng", ""}, {"Άλφα", ""}, {"Σοφία", ""}, {"Дмитрий", ""}}},
		// Equal names keep their order: stable.
		{"stable", []person{{"Smith", "Jo"}, {"Smith", "Jo"}}, []person{{"Smith", "Jo"}, {"Smith", "Jo"}}},
		{"empty", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := slices.Clone(c.in)
			SortPeople(got, func(p person) (string, string) { return p.family, p.given })
			if !slices.Equal(got, c.want) {
				t.Fatalf("SortPeople(%v) = %v; want %v", c.in, got, c.want)
			}
		})
	}
}

func TestCompareNames(t *testing.T) {
	if CompareNames("Wójcik", "Woźniak") >= 0 || CompareNames("Woźniak", "Wróbel") >= 0 || CompareNames("Zoë", "Zoe") <= 0 || CompareNames("a", "a") != 0 {
		t.Fatal("CompareNames does not order Wójcik < Woźniak < Wróbel, Zoe < Zoë, a = a")
	}
}
