package model

import (
	"strings"
	"testing"
)

func TestCellEscapingRoundTrips(t *testing.T) {
	// What export writes (EscapeApostrophe, then reports.SafeCell's rule)
	// must come back exactly through unescapeCell.
	safe := func(v string) string {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	for _, v := range []string{"", "plain", "=SUM(A1)", "+44 161", "-Smith", "@home", "'quoted", "''", "'", "'=x", "O'Neill"} {
		if got := unescapeCell(safe(EscapeApostrophe(v))); got != v {
			t.Errorf("round trip of %q gave %q", v, got)
		}
	}
}
