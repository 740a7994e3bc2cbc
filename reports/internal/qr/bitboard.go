package qr

import (
	"math"
	"math/bits"
	"sync"
)

// A bitboard holds a code of up to 64 modules a side as one word per row
// (bit x is module (x, y)) and one per column (bit y is module (x, y)), so
// choosing the mask works on whole lines at once. Versions 1-11 fit, which
// covers every certificate's NUMBER:CODE; wider codes take the []bool path.
type bitboard struct {
	n    int
	rows [64]uint64
	cols [64]uint64
}

func (b *bitboard) set(x, y int, v bool) {
	if v {
		b.rows[y] |= 1 << x
		b.cols[x] |= 1 << y
	} else {
		b.rows[y] &^= 1 << x
		b.cols[x] &^= 1 << y
	}
}

func (b *bitboard) get(x, y int) bool { return b.rows[y]>>x&1 == 1 }

// maskBoards caches, per code width, each mask's pattern as a bitboard.
var maskBoards sync.Map // int → *[8]bitboard

func masksFor(n int) *[8]bitboard {
	if m, ok := maskBoards.Load(n); ok {
		return m.(*[8]bitboard)
	}
	var m [8]bitboard
	for i := range m {
		m[i].n = n
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if maskFlips(x, y, i) {
					m[i].set(x, y, true)
				}
			}
		}
	}
	got, _ := maskBoards.LoadOrStore(n, &m)
	return got.(*[8]bitboard)
}

// renderBits is render for codes up to 64 wide: base is the unmasked code
// and data marks the modules that carry data (the ones a mask flips).
func renderBits(base, occupied *qrcode, vi *versionInfo) *qrcode {
	n := base.dimension
	var b, data bitboard
	b.n, data.n = n, n
	for x := 0; x < n; x++ {
		for y := 0; y < n; y++ {
			if base.Get(x, y) {
				b.set(x, y, true)
			}
			if !occupied.Get(x, y) {
				data.set(x, y, true)
			}
		}
	}
	masks := masksFor(n)
	var best, cand bitboard
	lowest := ^uint(0)
	for i := 0; i < 8; i++ {
		cand.n = n
		for j := 0; j < n; j++ {
			cand.rows[j] = b.rows[j] ^ (masks[i].rows[j] & data.rows[j])
			cand.cols[j] = b.cols[j] ^ (masks[i].cols[j] & data.cols[j])
		}
		drawFormatInfo(vi, i, cand.set)
		if p := cand.penalty(); p < lowest {
			lowest, best = p, cand
		}
	}
	out := newBarCodeWithColor(n, base.color)
	for x := 0; x < n; x++ {
		for y := 0; y < n; y++ {
			out.data[x*n+y] = best.get(x, y)
		}
	}
	return out
}

// penalty is calcPenalty on whole lines: the same four rules, the same sum.
func (b *bitboard) penalty() uint {
	n := b.n
	full := uint64(1)<<n - 1
	if n == 64 {
		full = ^uint64(0)
	}
	var result uint
	dark := 0
	for i := 0; i < n; i++ {
		result += linePenalty(b.rows[i], n, full) + linePenalty(b.cols[i], n, full)
		dark += bits.OnesCount64(b.rows[i])
		if i < n-1 {
			a, c := b.rows[i], b.rows[i+1]
			same := ^(a ^ c) & ^(a ^ a>>1) & ^(c ^ c>>1) & (full >> 1)
			result += 3 * uint(bits.OnesCount64(same))
		}
	}
	percDark := float64(dark) * 100 / float64(n*n)
	floor := math.Abs(math.Floor(percDark/5) - 10)
	ceil := math.Abs(math.Ceil(percDark/5) - 10)
	return result + uint(math.Min(floor, ceil)*10)
}

// linePenalty scores one row or column: each run of five or more alike
// scores its length less two, and each 1:1:3:1:1 finder-like pattern with
// four light modules on one side scores 40.
func linePenalty(r uint64, n int, full uint64) uint {
	same := ^(r ^ r>>1) & (full >> 1) // bit i: module i matches module i+1
	five := same & (same >> 1) & (same >> 2) & (same >> 3)
	runs := uint(bits.OnesCount64(five)) + 2*uint(bits.OnesCount64(five&^(five<<1)))
	if n < 11 {
		return runs
	}
	// Pattern bits, module s first: 1011101 0000 and 0000 1011101.
	p1, p2 := full, full
	for k, dark := range [11]bool{true, false, true, true, true, false, true, false, false, false, false} {
		if dark {
			p1 &= r >> k
		} else {
			p1 &= ^r >> k
		}
	}
	for k, dark := range [11]bool{false, false, false, false, true, false, true, true, true, false, true} {
		if dark {
			p2 &= r >> k
		} else {
			p2 &= ^r >> k
		}
	}
	starts := uint64(1)<<(n-10) - 1
	return runs + 40*uint(bits.OnesCount64((p1|p2)&starts))
}
