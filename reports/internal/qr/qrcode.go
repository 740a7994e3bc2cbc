package qr

import (
	"image"
	"image/color"
	"math"

	"github.com/boombuler/barcode"
)

type qrcode struct {
	dimension int
	data      []bool // modules, column-major; a plain slice, not a BitList, so the mask penalties are fast
	content   string
	color     barcode.ColorScheme
}

func (qr *qrcode) Content() string {
	return qr.content
}

func (qr *qrcode) Metadata() barcode.Metadata {
	return barcode.Metadata{CodeKind: barcode.TypeQR, Dimensions: 2}
}

func (qr *qrcode) ColorModel() color.Model {
	return qr.color.Model
}

func (c *qrcode) ColorScheme() barcode.ColorScheme {
	return c.color
}

func (qr *qrcode) Bounds() image.Rectangle {
	return image.Rect(0, 0, qr.dimension, qr.dimension)
}

func (qr *qrcode) At(x, y int) color.Color {
	if qr.Get(x, y) {
		return qr.color.Foreground
	}
	return qr.color.Background
}

func (qr *qrcode) Get(x, y int) bool {
	return qr.data[x*qr.dimension+y]
}

func (qr *qrcode) Set(x, y int, val bool) {
	qr.data[x*qr.dimension+y] = val
}

func (qr *qrcode) calcPenalty() uint {
	return qr.calcPenaltyRule1() + qr.calcPenaltyRule2() + qr.calcPenaltyRule3() + qr.calcPenaltyRule4()
}

func (qr *qrcode) calcPenaltyRule1() uint {
	var result uint
	for x := 0; x < qr.dimension; x++ {
		checkForX := false
		var cntX uint
		checkForY := false
		var cntY uint

		for y := 0; y < qr.dimension; y++ {
			if qr.Get(x, y) == checkForX {
				cntX++
			} else {
				checkForX = !checkForX
				if cntX >= 5 {
					result += cntX - 2
				}
				cntX = 1
			}

			if qr.Get(y, x) == checkForY {
				cntY++
			} else {
				checkForY = !checkForY
				if cntY >= 5 {
					result += cntY - 2
				}
				cntY = 1
			}
		}

		if cntX >= 5 {
			result += cntX - 2
		}
		if cntY >= 5 {
			result += cntY - 2
		}
	}

	return result
}

func (qr *qrcode) calcPenaltyRule2() uint {
	var result uint
	for x := 0; x < qr.dimension-1; x++ {
		for y := 0; y < qr.dimension-1; y++ {
			check := qr.Get(x, y)
			if qr.Get(x, y+1) == check && qr.Get(x+1, y) == check && qr.Get(x+1, y+1) == check {
				result += 3
			}
		}
	}
	return result
}

func (qr *qrcode) calcPenaltyRule3() uint {
	// The same count as upstream's, but each run stops comparing as soon as
	// it matches neither pattern, which is almost always within a few modules.
	pattern1 := [11]bool{true, false, true, true, true, false, true, false, false, false, false}
	pattern2 := [11]bool{false, false, false, false, true, false, true, true, true, false, true}
	dim := qr.dimension
	d := qr.data
	var result uint
	for x := 0; x <= dim-11; x++ {
		for y := 0; y < dim; y++ {
			// Along x: modules (x+i, y) at (x+i)*dim+y.
			p1, p2 := true, true
			for i := 0; i < 11; i++ {
				v := d[(x+i)*dim+y]
				p1 = p1 && v == pattern1[i]
				p2 = p2 && v == pattern2[i]
				if !p1 && !p2 {
					break
				}
			}
			if p1 || p2 {
				result += 40
			}
			// Along y: modules (y, x+i) at y*dim+x+i.
			p1, p2 = true, true
			row := d[y*dim+x : y*dim+x+11]
			for i, v := range row {
				p1 = p1 && v == pattern1[i]
				p2 = p2 && v == pattern2[i]
				if !p1 && !p2 {
					break
				}
			}
			if p1 || p2 {
				result += 40
			}
		}
	}
	return result
}

func (qr *qrcode) calcPenaltyRule4() uint {
	totalNum := len(qr.data)
	trueCnt := 0
	for _, dark := range qr.data {
		if dark {
			trueCnt++
		}
	}
	percDark := float64(trueCnt) * 100 / float64(totalNum)
	floor := math.Abs(math.Floor(percDark/5) - 10)
	ceil := math.Abs(math.Ceil(percDark/5) - 10)
	return uint(math.Min(floor, ceil) * 10)
}

func newBarCodeWithColor(dim int, color barcode.ColorScheme) *qrcode {
	res := new(qrcode)
	res.dimension = dim
	res.data = make([]bool, dim*dim)
	res.color = color
	return res
}

func newBarcode(dim int) *qrcode {
	return newBarCodeWithColor(dim, barcode.ColorScheme16)
}
