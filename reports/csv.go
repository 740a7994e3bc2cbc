// Package reports turns model data into PDF, CSV and XLSX documents. Every
// writer is a pure function onto an io.Writer; nothing here knows of Fyne.
package reports

import (
	"encoding/csv"
	"fmt"
	"io"
)

// SafeCell escapes a value a spreadsheet would run as a formula (one starting
// = + - @, or a tab or carriage return) by prefixing a single quote, the
// OWASP-recommended defence against CSV injection.
func SafeCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// WriteCSV writes a header and rows as UTF-8 RFC 4180 CSV with every cell
// escaped against formula injection.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	safe := make([]string, len(header))
	for i, row := range rows {
		safe = safe[:0]
		for _, v := range row {
			safe = append(safe, SafeCell(v))
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("write csv row %d: %w", i+2, err)
		}
	}
	cw.Flush()
	return cw.Error()
}
