package model

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London without the system's zone files
)

func TestParseDateAcceptsUKAndISOForms(t *testing.T) {
	for _, in := range []string{
		"3/9/2012", "03/09/2012", "3 Sep 2012", "3 September 2012", "2012-09-03",
		" 3/9/2012 ", "3 sep 2012", "3 SEPTEMBER 2012", "3 Sept 2012", "3rd September 2012",
		"3  Sep   2012", "3 Sep, 2012", "3/09/2012", "2012-9-3", "\t3/9/2012\t",
	} {
		got, err := ParseDate("start date", in)
		if got != "2012-09-03" || err != nil {
			t.Errorf("ParseDate(%q) = %q, %v; want 2012-09-03", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"29/2/2012": "2012-02-29", "31/12/2099": "2099-12-31", "1/1/1900": "1900-01-01",
		"2/12/2012": "2012-12-02", "12/2/2012": "2012-02-12", // day first, always
		"1 Jan 2100": "2100-01-01", "30 June 2013": "2013-06-30",
	} {
		if got, err := ParseDate("", in); got != want || err != nil {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseDateRefusesWithAReason(t *testing.T) {
	for in, want := range map[string]string{
		"31/2/2012":                   `start date: "31/2/2012" is not a date; write it like 3/9/2012`,
		"29/2/2013":                   `start date: "29/2/2013" is not a date; write it like 3/9/2012`,
		"2013-02-29":                  `start date: "2013-02-29" is not a date; write it like 3/9/2012`,
		"2012-13-01":                  `start date: "2012-13-01" is not a date; write it like 3/9/2012`,
		"0/9/2012":                    `start date: "0/9/2012" is not a date; write it like 3/9/2012`,
		"12/31/2012":                  `start date: "12/31/2012" is not a date (day first: 31 is not a month); write it like 3/9/2012`,
		"3/9/12":                      `start date: "3/9/12" is not a date (write the year in full: 1912 or 2012?); write it like 3/9/2012`,
		"3/9/212":                     `start date: "3/9/212" is not a date (the year needs four digits); write it like 3/9/2012`,
		"3 Sep 12":                    `start date: "3 Sep 12" is not a date (the year needs four digits); write it like 3/9/2012`,
		"3 Smarch 2012":               `start date: "3 Smarch 2012" is not a date ("smarch" is not a month); write it like 3/9/2012`,
		"3/9/1812":                    `start date: "3/9/1812" is not a date (the year must be between 1900 and 2100); write it like 3/9/2012`,
		"0212-09-03":                  `start date: "0212-09-03" is not a date (the year must be between 1900 and 2100); write it like 3/9/2012`,
		"2012/09/03":                  `start date: "2012/09/03" is not a date; write it like 3/9/2012`,
		"Sep 3 2012":                  `start date: "Sep 3 2012" is not a date; write it like 3/9/2012`,
		"tomorrow":                    `start date: "tomorrow" is not a date; write it like 3/9/2012`,
		"":                            `start date: is empty; write a date like 3/9/2012`,
		"   ":                         `start date: is empty; write a date like 3/9/2012`,
		"3/9/2012\x00":                `start date: "3/9/2012\x00" is not a date (it holds a control character); write it like 3/9/2012`,
		"3/9\n/2012":                  `start date: "3/9\n/2012" is not a date (it holds a control character); write it like 3/9/2012`,
		"3/9/2012\u200b":              `start date: "3/9/2012\u200b" is not a date; write it like 3/9/2012`,
		"３/９/２０１２":                    `start date: "３/９/２０１２" is not a date; write it like 3/9/2012`,
		"3/9/2012\xff":                `start date: "3/9/2012\xff" is not a date (not readable text); write it like 3/9/2012`,
		"99999999999999999999/1/2012": `start date: "99999999999999999999/1/2012" is not a date; write it like 3/9/2012`,
	} {
		got, err := ParseDate("start date", in)
		if got != "" || err == nil || err.Error() != want {
			t.Errorf("ParseDate(%q) = %q, %v; want the error %s", in, got, err, want)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseDate(%q) error %v is not ErrInvalid", in, err)
		}
	}
}

func TestParseDateKeepsHugeTextOutOfItsMessage(t *testing.T) {
	huge := strings.Repeat("3/9/2012", 1<<17) // 1 MB pasted by mistake
	_, err := ParseDate("start date", huge)
	if err == nil || len(err.Error()) > 120 || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("ParseDate(1 MB) error = %.200v; want a short \"too long\" error", err)
	}
	if _, err := ParseDate("", huge); err == nil || strings.HasPrefix(err.Error(), ":") {
		t.Errorf("ParseDate without a field = %.200v; want no leading colon", err)
	}
}

// The import reads dates with ParseDate, so a form and the import agree on
// every text: each accepted form gives the same ISO date, each refusal the same words.
func TestParseDateWithoutFieldIsTheImportsMessage(t *testing.T) {
	_, err := ParseDate("", "31/2/2012")
	if want := `"31/2/2012" is not a date; write it like 3/9/2012`; err == nil || err.Error() != want {
		t.Errorf(`ParseDate("", "31/2/2012") = %v; want %s`, err, want)
	}
}

func TestDisplayDateAndTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatalf("no time zone data: %v", err)
	}
	for in, want := range map[string]string{
		"2012-09-03":           "3 Sep 2012",
		"2026-12-03":           "3 Dec 2026",
		"2026-07-01T23:30:00Z": "2 Jul 2026", // 00:30 on the 2nd in London (BST)
		"":                     "",
		"not a date":           "not a date",
	} {
		if got := displayDateIn(in, london); got != want {
			t.Errorf("DisplayDate(%q) = %q; want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"2026-12-03T14:05:09Z": "3 Dec 2026 14:05", // GMT in winter
		"2026-07-01T13:05:00Z": "1 Jul 2026 14:05", // BST in summer
		"2012-09-03":           "3 Sep 2012",
		"":                     "",
		"garbage":              "garbage",
	} {
		if got := displayTimeIn(in, london); got != want {
			t.Errorf("DisplayTime(%q) = %q; want %q", in, got, want)
		}
		if got, local := DisplayTime(in), displayTimeIn(in, time.Local); got != local {
			t.Errorf("DisplayTime(%q) = %q; want local time %q", in, got, local)
		}
	}
}

// What ParseDate returns, DisplayDate shows, and ParseDate reads back.
func TestParseDateRoundTripsThroughDisplayDate(t *testing.T) {
	for d := time.Date(2011, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2014; d = d.AddDate(0, 0, 1) {
		iso := d.Format(time.DateOnly)
		shown := DisplayDate(iso)
		back, err := ParseDate("", shown)
		if back != iso || err != nil {
			t.Fatalf("ParseDate(DisplayDate(%s) = %q) = %q, %v", iso, shown, back, err)
		}
		if back, err := ParseDate("", d.Format("2/1/2006")); back != iso || err != nil {
			t.Fatalf("ParseDate(%q) = %q, %v; want %s", d.Format("2/1/2006"), back, err, iso)
		}
	}
}

func TestValidateDateWantsStoredForm(t *testing.T) {
	for in, ok := range map[string]bool{"": true, "2012-09-03": true, "3/9/2012": false, "2012-9-3": false, "2012-02-30": false} {
		if err := ValidateDate(in); (err == nil) != ok {
			t.Errorf("ValidateDate(%q) = %v; want ok %v", in, err, ok)
		}
	}
}
