package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextKind is a kind of text field: how many characters it may hold and
// whether it may span lines. Every way text comes in (forms, imports, the
// catalogue, settings) checks it against one of the kinds below.
type TextKind struct {
	Max       int  // characters (runes), not bytes
	Multiline bool // may hold line breaks (\n) and tabs
}

// The kinds of text field and their limits.
var (
	TextName    = TextKind{100, false}  // a person's given or family name, a user's display name
	TextEmail   = TextKind{254, false}  // an email address (RFC 5321's limit)
	TextCode    = TextKind{40, false}   // codes and short references: unit and qualification codes, user names, phones
	TextTitle   = TextKind{300, false}  // titles: units, qualifications, evidence, sessions, file names
	TextLine    = TextKind{200, false}  // other one-line text: host names, regions, venues, organisations
	TextReason  = TextKind{500, false}  // a reason for withdrawing, revoking or erasing
	TextOutcome = TextKind{1000, false} // a learning outcome's or assessment criterion's text
	TextSetting = TextKind{1000, false} // a setting's value
	TextNotes   = TextKind{8000, true}  // free text: descriptions, themes, feedback, a verifier's actions
)

// Check applies CheckText with this kind's limits.
func (k TextKind) Check(field, value string) error {
	return CheckText(field, value, k.Max, k.Multiline)
}

// maxMarks is how many combining marks may sit on one character: enough for
// Vietnamese, Hebrew pointing or Devanagari, too few for "Zalgo" text that
// spills over neighbouring lines.
const maxMarks = 8

// CheckText refuses text that could hide, reorder or spoof what a reader
// sees, or that is longer than max characters: control characters (C0
// except \n and \t in multiline fields, DEL, C1), bidirectional controls,
// line and paragraph separators, invisible format characters (the zero-width
// joiners that Persian and Indic scripts need are kept), piles of combining
// marks, invalid UTF-8, and text with nothing visible in it. The error names
// field and matches ErrInvalid; an empty value passes (callers say what is
// required).
func CheckText(field, value string, max int, multiline bool) error {
	if p := textProblem(value, max, multiline); p != "" {
		return &FieldError{Field: field, Msg: p}
	}
	return nil
}

// textProblem is CheckText's reason, without the field, for callers that
// name the field their own way (an import's FILE:ROW: column).
func textProblem(v string, max int, multiline bool) string {
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Sprintf("is %d characters long; at most %d", n, max)
	}
	pos, marks := 0, 0
	visible, blank := false, true
	for i, r := range v {
		pos++
		if r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD") {
			return fmt.Sprintf("is not valid UTF-8 text (byte %d)", i+1)
		}
		if what := badRune(r, multiline); what != "" {
			return fmt.Sprintf("contains %s (U+%04X) at position %d", what, r, pos)
		}
		if unicode.In(r, unicode.Mn, unicode.Me) {
			if marks++; marks > maxMarks {
				return fmt.Sprintf("has more than %d combining marks on one character at position %d", maxMarks, pos)
			}
		} else {
			marks = 0
		}
		visible = visible || unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
		blank = blank && unicode.IsSpace(r)
	}
	if !blank && !visible {
		return "has no visible character"
	}
	return ""
}

// badRune says what kind of refused character r is, or "" when it is allowed.
func badRune(r rune, multiline bool) string {
	switch {
	case r == '\n' || r == '\t':
		if multiline {
			return ""
		}
		if r == '\t' {
			return "a tab"
		}
		return "a line break"
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return "a control character"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return "a bidirectional control character, which can reorder the text"
	case r == 0x2028 || r == 0x2029:
		return "a line or paragraph separator"
	case r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0:
		return "an invisible filler character"
	case r == 0x200c || r == 0x200d:
		return "" // zero-width non-joiner and joiner: part of Persian, Indic and emoji spelling
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	}
	return ""
}

// CheckSetting checks one setting: a key of lower-case letters, digits, dots
// and underscores, and a clean one-line value (TextSetting), named by its key.
func CheckSetting(key, value string) error {
	if key == "" || len(key) > 64 || strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789._") != "" {
		return &FieldError{Field: "setting", Msg: fmt.Sprintf("%q is not a setting's name", key)}
	}
	return TextSetting.Check(key, value)
}
