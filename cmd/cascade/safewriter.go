package main

import (
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// safeWriter passes text to a terminal with every control character,
// invalid byte and bidirectional formatting character escaped as Go
// escapes them (\x1b, \u202e), newlines aside: a certificate's fields must
// not be able to move the cursor or reorder what verify prints.
type safeWriter struct{ w io.Writer }

func (s *safeWriter) Write(p []byte) (int, error) {
	if _, err := s.w.Write(escapeTerminal(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// escapeTerminal escapes what a terminal would act on rather than show.
func escapeTerminal(p []byte) []byte {
	out := make([]byte, 0, len(p))
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		switch {
		case r == utf8.RuneError && n <= 1:
			out = fmt.Appendf(out, `\x%02x`, p[0])
		case r == '\n':
			out = append(out, '\n')
		case r == '\\':
			out = append(out, `\\`...)
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			out = fmt.Appendf(out, `\x%02x`, r)
		case isBidiControl(r) || (r != ' ' && !unicode.IsPrint(r) && !unicode.IsGraphic(r)) || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			if r > 0xFFFF {
				out = fmt.Appendf(out, `\U%08x`, r)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		default:
			out = append(out, p[:n]...)
		}
		p = p[n:]
	}
	return out
}

// isBidiControl reports the explicit directional marks, embeddings,
// overrides and isolates, which reorder the text around them.
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
