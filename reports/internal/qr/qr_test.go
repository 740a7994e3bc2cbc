package qr

import (
	"math/rand/v2"
	"testing"

	upstream "github.com/boombuler/barcode/qr"
)

// TestSameMatrixAsUpstream checks the one change keeps every module as the
// upstream package draws it.
func TestSameMatrixAsUpstream(t *testing.T) {
	texts := []string{
		"CO-2013-000123:MXAE62GX6ELFCNL6VMKNPD3W3HM54FS2WNCG3EQKOEQ4EB2CURONDNJ6USV2FGC44BMGZLKBLTOUUCL5PG7S4D6YYNJ5Y6NYXAKTOAQ",
		"CT-2026-000001:AAAA",
		"HELLO WORLD 12345",
	}
	// Every length up to version 20 at level M, so every block layout,
	// ECC length and mask choice the certificates could meet is compared.
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	for n := 1; n <= 970; n += 7 {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[(i*7+n*13)%len(alphabet)]
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		ours, err := Encode(text, M, AlphaNumeric)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := upstream.Encode(text, upstream.M, upstream.AlphaNumeric)
		if err != nil {
			t.Fatal(err)
		}
		n := theirs.Bounds().Dx()
		if ours.Bounds().Dx() != n {
			t.Fatalf("%q: size %d; upstream %d", text, ours.Bounds().Dx(), n)
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if ours.At(x, y) != theirs.At(x, y) {
					t.Fatalf("%q: module (%d,%d) differs from upstream", text, x, y)
				}
			}
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	for b.Loop() {
		Encode("CO-2013-000123:MXAE62GX6ELFCNL6VMKNPD3W3HM54FS2WNCG3EQKOEQ4EB2CURONDNJ6USV2FGC44BMGZLKBLTOUUCL5PG7S4D6YYNJ5Y6NYXAKTOAQ", M, AlphaNumeric)
	}
}

// TestBitboardPenaltyMatchesModules scores random codes both ways: the
// line-at-a-time bitboard must give calcPenalty's sum for every width it takes.
func TestBitboardPenaltyMatchesModules(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 21; n <= 64; n++ {
		for it := 0; it < 20; it++ {
			q := newBarcode(n)
			b := bitboard{n: n}
			for x := 0; x < n; x++ {
				for y := 0; y < n; y++ {
					v := r.IntN(2+it%3) == 0 // sparse and even codes
					q.Set(x, y, v)
					b.set(x, y, v)
				}
			}
			if want, got := q.calcPenalty(), b.penalty(); got != want {
				t.Fatalf("width %d, code %d: bitboard penalty %d; module penalty %d", n, it, got, want)
			}
		}
	}
}
