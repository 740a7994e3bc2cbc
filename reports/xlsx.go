package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the document as a workbook: a Summary sheet with the
// title and facts, then one sheet per table with a bold, frozen header.
// Cells that hold whole numbers are written as numbers so they sum.
func (d Document) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"1F6F78"}, Pattern: 1}})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "1F6F78"}})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	const summary = "Summary"
	f.SetSheetName("Sheet1", summary)
	f.SetCellStr(summary, "A1", d.Title)
	f.SetCellStyle(summary, "A1", "A1", title)
	f.SetCellStr(summary, "A2", d.Scope+" · "+d.Programme)
	f.SetCellStr(summary, "A3", "Written "+d.Created.Format("2 January 2006 15:04 MST"))
	row := 5
	for _, fact := range d.Facts {
		f.SetCellStr(summary, cell(0, row), fact[0])
		setValue(f, summary, cell(1, row), fact[1])
		row++
	}
	row++
	for _, n := range d.Notes {
		f.SetCellStr(summary, cell(0, row), n)
		row++
	}
	f.SetColWidth(summary, "A", "A", 48)
	f.SetColWidth(summary, "B", "B", 16)

	used := map[string]bool{summary: true}
	for _, t := range d.Tables {
		name := sheetName(t.Title, used)
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
		for c, h := range t.Header {
			f.SetCellStr(name, cell(c, 1), h)
		}
		if len(t.Header) > 0 {
			f.SetCellStyle(name, cell(0, 1), cell(len(t.Header)-1, 1), bold)
		}
		for r, rowVals := range t.Rows {
			for c, v := range rowVals {
				setValue(f, name, cell(c, r+2), v)
			}
		}
		for c := range t.Header {
			col, _ := excelize.ColumnNumberToName(c + 1)
			width := 12.0
			if c == 0 {
				width = 34
			}
			f.SetColWidth(name, col, col, width)
		}
		f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

// setValue writes "4,500" as the number 4500, anything else as text (escaped
// against formula injection like the CSV).
func setValue(f *excelize.File, sheet, ref, v string) {
	if n, err := strconv.Atoi(strings.ReplaceAll(v, ",", "")); err == nil && v != "" && !strings.HasPrefix(v, "0") || v == "0" {
		f.SetCellInt(sheet, ref, int64(n))
		return
	}
	f.SetCellStr(sheet, ref, SafeCell(v))
}

// sheetName makes a unique sheet name within Excel's 31 characters, without
// the characters Excel refuses.
func sheetName(title string, used map[string]bool) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, title)
	if r := []rune(s); len(r) > 28 {
		s = string(r[:28])
	}
	base := s
	for i := 2; used[s]; i++ {
		s = fmt.Sprintf("%s %d", base, i)
	}
	used[s] = true
	return s
}
