package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"cascade/model"
)

// ukNumbers formats numbers the UK way: 4,500.
var ukNumbers = message.NewPrinter(language.BritishEnglish)

// num formats an integer for the UK locale.
func num(n int) string { return ukNumbers.Sprintf("%d", n) }

// day shows a stored date (or a timestamp's local day) as "2 Dec 2012", an
// empty date as a dash.
func day(iso string) string {
	if iso == "" {
		return "—"
	}
	return model.DisplayDate(iso)
}

// when shows a stored UTC timestamp in local time: "3 Dec 2026 14:05".
func when(ts string) string {
	if ts == "" {
		return "—"
	}
	return model.DisplayTime(ts)
}

// datePlaceHolder is the hint an empty date field shows.
const datePlaceHolder = "e.g. " + model.DateExample

// dateText is a stored date as a date field shows it for editing: "3 Sep 2012".
func dateText(iso string) string { return model.DisplayDate(iso) }

// todayText is today's date as a date field shows it.
func todayText() string { return dateText(time.Now().Format(time.DateOnly)) }

// isoDate reads what a person typed in a date field into a stored ISO date;
// an empty field gives "" when optional and an error when required.
func isoDate(field, text string, required bool) (string, error) {
	if strings.TrimSpace(text) == "" && !required {
		return "", nil
	}
	return model.ParseDate(field, text)
}

// dateValidator checks a date field as the person types. Its message leaves
// the field's name out, as the form shows it beside the field.
func dateValidator(required bool) fyne.StringValidator {
	return func(v string) error {
		_, err := isoDate("", v, required)
		return err
	}
}

// percent is n of total as a whole percentage, 0 when total is 0.
func percent(n, total int) int {
	if total <= 0 {
		return 0
	}
	return n * 100 / total
}

// A status line's colour says how things went: the theme's success colour
// for work done, its error colour for work refused or failed, and the
// ordinary text colour for work under way or plain facts.

// sayDone shows text on l in the theme's success colour.
func sayDone(l *widget.Label, text string) { sayAs(l, widget.SuccessImportance, text) }

// sayProblem shows text on l in the theme's error colour.
func sayProblem(l *widget.Label, text string) { sayAs(l, widget.DangerImportance, text) }

// say shows text on l in the ordinary text colour.
func say(l *widget.Label, text string) { sayAs(l, widget.MediumImportance, text) }

func sayAs(l *widget.Label, imp widget.Importance, text string) {
	l.Importance = imp
	l.SetText(text) // SetText refreshes, so the colour changes with the words
}
