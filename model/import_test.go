package model

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2012-12-02", "2012-12-02"}, {"2/12/2012", "2012-12-02"}, {"02/12/2012", "2012-12-02"},
		{" 29/2/2012 ", "2012-02-29"}, {"29/2/2013", ""}, {"2013-02-29", ""}, {"2012-13-01", ""},
		{"12/31/2012", ""}, {"2012/12/02", ""}, {"tomorrow", ""}, {"2/12/12", ""},
	} {
		got, err := ParseDate(c.in)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

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
