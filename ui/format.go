package ui

import (
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ukNumbers formats numbers the UK way: 4,500.
var ukNumbers = message.NewPrinter(language.BritishEnglish)

// num formats an integer for the UK locale.
func num(n int) string { return ukNumbers.Sprintf("%d", n) }

// day shows an ISO date (or timestamp) as "2 Dec 2012"; unparseable text is
// shown as it is, and an empty date as a dash.
func day(iso string) string {
	if iso == "" {
		return "—"
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, iso); err == nil {
			return t.Format("2 Jan 2006")
		}
	}
	return iso
}

// percent is n of total as a whole percentage, 0 when total is 0.
func percent(n, total int) int {
	if total <= 0 {
		return 0
	}
	return n * 100 / total
}
