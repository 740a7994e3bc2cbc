package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Dates are stored as ISO text (2012-09-03) and timestamps as RFC 3339 in UTC;
// people read and write them the UK way. ParseDate is the one reader of what
// a person typed (forms and the import alike), DisplayDate and DisplayTime
// the one way a stored date is shown (screens, PDF tables and reports).
// Machine exports (CSV, XLSX, JSON) keep the stored ISO text.

// DateExample is how a date is written in hints and error messages.
const DateExample = "3/9/2012"

// Years a typed date may fall in: the programme's dates, with room either
// side, and no year a slip of the keyboard makes (0212, 20120).
const (
	minDateYear = 1900
	maxDateYear = 2100
)

// maxDateText is the longest text read as a date ("30 September 2012" is 17).
const maxDateText = 40

var (
	isoDateForm   = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	slashDateForm = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d+)$`)
	wordDateForm  = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d+)$`)
)

// monthNames maps the names a person writes (full, three letters, "sept")
// to month numbers.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{"sept": time.September}
	for i := time.January; i <= time.December; i++ {
		full := strings.ToLower(i.String())
		m[full], m[full[:3]] = i, i
	}
	return m
}()

// ParseDate reads a date as a person in the UK writes it — 3/9/2012,
// 03/09/2012, 3 Sep 2012, 3 September 2012 — or as ISO 2012-09-03, and
// returns it as ISO text. Day comes first always. A two-digit year (3/9/12)
// is refused: 1912 and 2012 are both plausible for a person's dates, so the
// year is asked for in full. Dates that do not exist (31/2/2012), years
// outside 1900–2100, empty text and control characters are refused with an
// error naming field (when not empty) and saying how to write it.
func ParseDate(field, text string) (string, error) {
	bad := func(reason string) error {
		msg := fmt.Sprintf("%q is not a date", shorten(text))
		if reason != "" {
			msg += " (" + reason + ")"
		}
		return &FieldError{Field: field, Msg: msg + "; write it like " + DateExample}
	}
	if len(text) > maxDateText*4 || utf8.RuneCountInString(text) > maxDateText {
		return "", bad("too long")
	}
	if !utf8.ValidString(text) {
		return "", bad("not readable text")
	}
	for _, r := range text {
		if unicode.IsControl(r) && !unicode.IsSpace(r) || r == '\n' || r == '\r' {
			return "", bad("it holds a control character")
		}
	}
	v := strings.ToLower(strings.Join(strings.Fields(text), " "))
	if v == "" {
		return "", &FieldError{Field: field, Msg: "is empty; write a date like " + DateExample}
	}
	var y, d int
	var m time.Month
	if p := isoDateForm.FindStringSubmatch(v); p != nil {
		y, m, d = atoi(p[1]), time.Month(atoi(p[2])), atoi(p[3])
	} else if p := slashDateForm.FindStringSubmatch(v); p != nil {
		d, m = atoi(p[1]), time.Month(atoi(p[2]))
		switch len(p[3]) {
		case 4:
			y = atoi(p[3])
		case 2:
			return "", bad("write the year in full: 19" + p[3] + " or 20" + p[3] + "?")
		default:
			return "", bad("the year needs four digits")
		}
		if m > 12 && d <= 12 {
			return "", bad("day first: " + p[2] + " is not a month")
		}
	} else if p := wordDateForm.FindStringSubmatch(v); p != nil {
		month, ok := monthNames[p[2]]
		if !ok {
			return "", bad(fmt.Sprintf("%q is not a month", p[2]))
		}
		if len(p[3]) != 4 {
			return "", bad("the year needs four digits")
		}
		d, m, y = atoi(p[1]), month, atoi(p[3])
	} else {
		return "", bad("")
	}
	if y < minDateYear || y > maxDateYear {
		return "", bad(fmt.Sprintf("the year must be between %d and %d", minDateYear, maxDateYear))
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return "", bad("")
	}
	return t.Format(time.DateOnly), nil
}

// atoi reads the digits the date forms matched; they always fit an int.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// shorten keeps an error message readable when huge text was pasted.
func shorten(s string) string {
	const keep = 24
	if utf8.RuneCountInString(s) <= maxDateText {
		return s
	}
	r := []rune(s)
	return string(r[:keep]) + "…"
}

// DisplayDate shows a stored date as a person in the UK reads it: 3 Sep 2012.
// A timestamp (RFC 3339) shows its day in local time. Empty stays empty, and
// text that is not a stored date is shown as it is rather than hidden.
func DisplayDate(iso string) string { return displayDateIn(iso, time.Local) }

func displayDateIn(iso string, loc *time.Location) string {
	if t, err := time.Parse(time.DateOnly, iso); err == nil {
		return t.Format("2 Jan 2006")
	}
	if t, err := time.Parse(time.RFC3339, iso); err == nil {
		return t.In(loc).Format("2 Jan 2006")
	}
	return iso
}

// DisplayTime shows a stored timestamp (RFC 3339, UTC) in local time as
// 3 Dec 2026 14:05; a date alone is shown as DisplayDate shows it.
func DisplayTime(rfc3339 string) string { return displayTimeIn(rfc3339, time.Local) }

func displayTimeIn(rfc3339 string, loc *time.Location) string {
	if t, err := time.Parse(time.RFC3339, rfc3339); err == nil {
		return t.In(loc).Format("2 Jan 2006 15:04")
	}
	return displayDateIn(rfc3339, loc)
}

// ValidateDate checks an optional stored date: empty, or ISO text as
// ParseDate returns it. Forms turn what a person typed into ISO with
// ParseDate before the domain sees it.
func ValidateDate(s string) error {
	if s == "" {
		return nil
	}
	if !isDate(s) {
		return fmt.Errorf("%q is not a date in the stored form YYYY-MM-DD", s)
	}
	return nil
}

// isDate reports whether s is a stored ISO date.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}
