package qr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/boombuler/barcode/utils"
)

const charSet string = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// stringToAlphaIdx returns each rune's index in charSet, -1 for a rune
// outside it (upstream sent them down a channel from a goroutine).
func stringToAlphaIdx(content string) []int {
	var out []int
	for _, r := range content {
		out = append(out, strings.IndexRune(charSet, r))
	}
	return out
}

func encodeAlphaNumeric(content string, ecl ErrorCorrectionLevel) (*utils.BitList, *versionInfo, error) {

	contentLenIsOdd := len(content)%2 == 1
	contentBitCount := (len(content) / 2) * 11
	if contentLenIsOdd {
		contentBitCount += 6
	}
	vi := findSmallestVersionInfo(ecl, alphaNumericMode, contentBitCount)
	if vi == nil {
		return nil, nil, errors.New("too much data to encode")
	}

	res := new(utils.BitList)
	res.AddBits(int(alphaNumericMode), 4)
	res.AddBits(len(content), vi.charCountBits(alphaNumericMode))

	idxs := stringToAlphaIdx(content)
	if len(idxs) != len(content) {
		return nil, nil, fmt.Errorf("\"%s\" can not be encoded as %s", content, AlphaNumeric)
	}
	encoder := func() int { c := idxs[0]; idxs = idxs[1:]; return c }

	for idx := 0; idx < len(content)/2; idx++ {
		c1 := encoder()
		c2 := encoder()
		if c1 < 0 || c2 < 0 {
			return nil, nil, fmt.Errorf("\"%s\" can not be encoded as %s", content, AlphaNumeric)
		}
		res.AddBits(c1*45+c2, 11)
	}
	if contentLenIsOdd {
		c := encoder()
		if c < 0 {
			return nil, nil, fmt.Errorf("\"%s\" can not be encoded as %s", content, AlphaNumeric)
		}
		res.AddBits(c, 6)
	}

	addPaddingAndTerminator(res, vi)

	return res, vi, nil
}
