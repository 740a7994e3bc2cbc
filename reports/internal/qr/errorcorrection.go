package qr

// Reed–Solomon error correction over GF(256) with the QR polynomial
// x⁸+x⁴+x³+x²+1 (285), generator roots α⁰…αⁿ⁻¹, as upstream's
// utils.ReedSolomonEncoder computes it, but from log tables and without
// allocating a polynomial per step.
var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x >= 256 {
			x ^= 285
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// generators caches the generator polynomial for each ECC length (highest
// degree first, leading 1); a QR version table uses at most 30.
var generators = func() (g [31][]byte) {
	for n := 1; n <= 30; n++ {
		p := []byte{1}
		for i := 0; i < n; i++ {
			next := make([]byte, len(p)+1)
			root := gfExp[i]
			for j := range next {
				if j < len(p) {
					next[j] = p[j]
				}
				if j > 0 {
					next[j] ^= gfMul(p[j-1], root)
				}
			}
			p = next
		}
		g[n] = p
	}
	return g
}()

// calcECC returns the eccCount error correction codewords for data.
func calcECC(data []byte, eccCount byte) []byte {
	n := int(eccCount)
	gen := generators[n]
	ecc := make([]byte, n)
	for _, d := range data {
		f := d ^ ecc[0]
		copy(ecc, ecc[1:])
		ecc[n-1] = 0
		if f != 0 {
			lf := int(gfLog[f])
			for i := 0; i < n; i++ {
				if g := gen[i+1]; g != 0 {
					ecc[i] ^= gfExp[int(gfLog[g])+lf]
				}
			}
		}
	}
	return ecc
}
