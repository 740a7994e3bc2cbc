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

// calcPenalty scores a masked code by the four rules of ISO 18004 as
// upstream counts them, in one pass over each line in both directions:
// runs of five or more, 2×2 blocks, finder-like 1:1:3:1:1 patterns (kept as
// a rolling 11-module window), and the balance of dark modules.
func (qr *qrcode) calcPenalty() uint {
	const finder1, finder2 = 0b10111010000, 0b00001011101
	dim := qr.dimension
	d := qr.data
	var result uint
	dark := 0
	for a := 0; a < dim; a++ {
		var runX, runY uint
		var lastX, lastY bool
		var winX, winY uint16
		for b := 0; b < dim; b++ {
			vx := d[a*dim+b] // along the second coordinate
			vy := d[b*dim+a] // along the first
			if vx {
				dark++
			}
			if b == 0 || vx != lastX {
				if runX >= 5 {
					result += runX - 2
				}
				runX, lastX = 1, vx
			} else {
				runX++
			}
			if b == 0 || vy != lastY {
				if runY >= 5 {
					result += runY - 2
				}
				runY, lastY = 1, vy
			} else {
				runY++
			}
			winX = (winX<<1 | b2u(vx)) & 0x7FF
			winY = (winY<<1 | b2u(vy)) & 0x7FF
			if b >= 10 {
				if winX == finder1 || winX == finder2 {
					result += 40
				}
				if winY == finder1 || winY == finder2 {
					result += 40
				}
			}
			if a < dim-1 && b < dim-1 && vx == d[a*dim+b+1] && vx == d[(a+1)*dim+b] && vx == d[(a+1)*dim+b+1] {
				result += 3
			}
		}
		if runX >= 5 {
			result += runX - 2
		}
		if runY >= 5 {
			result += runY - 2
		}
	}
	percDark := float64(dark) * 100 / float64(len(d))
	floor := math.Abs(math.Floor(percDark/5) - 10)
	ceil := math.Abs(math.Ceil(percDark/5) - 10)
	return result + uint(math.Min(floor, ceil)*10)
}

func b2u(v bool) uint16 {
	if v {
		return 1
	}
	return 0
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
