package model

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldLetters are letters that carry their mark inside the letter, so
// decomposing does not split it off.
var foldLetters = map[rune]string{
	'ł': "l", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ß': "ss", 'æ': "ae", 'œ': "oe", 'ı': "i", 'ŀ': "l",
}

// Fold is the form instant search compares: lower case with accents and
// other marks removed, so "zoe" finds Zoë, "lukasz" finds Łukasz and
// "nguyen" finds Nguyễn, while Greek and Cyrillic stay in their own script
// (σοφια still finds Σοφία). Query and text are both folded.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case foldLetters[r] != "":
			b.WriteString(foldLetters[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
