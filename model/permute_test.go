package model

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPermuteFollowsTheOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 60; n++ {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = r.IntN(1000)
		}
		order := r.Perm(n)
		want := make([]int, n)
		for i, k := range order {
			want[i] = rows[k]
		}
		Permute(rows, slices.Clone(order))
		if !slices.Equal(rows, want) {
			t.Fatalf("n=%d: permute gave %v; want %v", n, rows, want)
		}
	}
}
