package sqlstore

import (
	"slices"
	"strings"

	"cascade/model"
)

// SQLite orders text by its bytes, which puts Wróbel before Wójcik and
// "van der Berg" after Zeng; lists of people are put in the order a British
// reader expects in Go, after the query.

// named is a row with its person's collation key.
type named[T any] struct {
	v   T
	key string
}

// nameRow pairs v with the sort key of its person's family and given names.
func nameRow[T any](v T, family, given string) named[T] {
	return named[T]{v, model.NameSortKey(family, given)}
}

// byName returns the rows in name order; rows of one person keep the order
// the query gave them (a learner's units by code, say).
func byName[T any](rows []named[T]) []T {
	slices.SortStableFunc(rows, func(a, b named[T]) int { return strings.Compare(a.key, b.key) })
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = rows[i].v
	}
	return out
}
