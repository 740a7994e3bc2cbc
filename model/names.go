package model

import (
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Names are ordered by the British English collation rules, not by their
// bytes: byte order puts Wróbel before Wójcik, Ó Súilleabháin after Zeng and
// "van der Berg" after every capital letter.

// collators are British English collators; a Collator keeps buffers of its
// own, so each goroutine borrows one.
var collators = sync.Pool{New: func() any { return collate.New(language.BritishEnglish) }}

// NameSortKey is the key that orders a person by family name then given
// name as a British reader expects; keys compare with strings.Compare.
func NameSortKey(family, given string) string {
	// The comma sorts before every letter, so "Ng, Zoe" comes before
	// "Nga, Ann": the family name is compared whole first.
	return sortKey(family + ", " + given)
}

// sortKey is s's British English collation key.
func sortKey(s string) string {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return string(c.KeyFromString(&buf, s))
}

// CompareNames orders two names (or any words people read) as a British
// reader expects: accents and case count only between otherwise equal names.
func CompareNames(a, b string) int {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return c.CompareString(a, b)
}

// SortPeople sorts s in place, stably, by family then given name as a
// British reader expects; person gives each element's two names.
func SortPeople[T any](s []T, person func(T) (family, given string)) {
	keys := make(map[int]string, len(s))
	idx := make([]int, len(s))
	for i, v := range s {
		idx[i] = i
		f, g := person(v)
		keys[i] = NameSortKey(f, g)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if keys[a] < keys[b] {
			return -1
		}
		if keys[a] > keys[b] {
			return 1
		}
		return 0
	})
	out := make([]T, len(s))
	for i, j := range idx {
		out[i] = s[j]
	}
	copy(s, out)
}

// SortNames sorts names in place, stably, as a British reader expects.
func SortNames(names []string) {
	SortPeople(names, func(n string) (string, string) { return n, "" })
}

// NameKeyer makes NameSortKey's keys for many names with one collator and
// one buffer, where NameSortKey borrows a collator and makes buffers per
// name: for the 50,000 rows of a list, that was most of the keys' cost.
type NameKeyer struct {
	c    *collate.Collator
	buf  collate.Buffer
	name []byte
}

// NewNameKeyer borrows a collator; Close gives it back.
func NewNameKeyer() *NameKeyer {
	return &NameKeyer{c: collators.Get().(*collate.Collator)}
}

// Append appends NameSortKey(family, given) to dst.
func (k *NameKeyer) Append(dst []byte, family, given string) []byte {
	k.name = append(append(append(k.name[:0], family...), ", "...), given...)
	dst = append(dst, k.c.Key(&k.buf, k.name)...)
	k.buf.Reset()
	return dst
}

// Close gives the collator back; the keyer is not used after.
func (k *NameKeyer) Close() {
	if k.c != nil {
		collators.Put(k.c)
		k.c = nil
	}
}
