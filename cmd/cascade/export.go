package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"cascade/model"
	"cascade/reports"
)

func cmdExport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("export", "export cohorts|hosts|organisers|trainers|evidence|decisions|catalogue --db FILE --out FILE.csv|.xlsx\n"+
		"       cascade export person EMAIL --db FILE --out DIR\n"+
		"       cascade export badges --db FILE [--cohort N | --person EMAIL] --out DIR", errOut)
	if len(args) > 0 && args[0] == "catalogue" {
		return cmdExportCatalogue(ctx, args[1:], out, errOut)
	}
	if len(args) > 0 && args[0] == "badges" {
		return cmdExportBadges(ctx, args[1:], out, errOut)
	}
	db := dbFlag(fs, "the database file")
	outPath := fs.String("out", "", "the file to write (.csv or .xlsx), or the folder for person")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 {
		fs.Usage()
		return errUsage
	}
	kind := pos[0]
	if kind == "catalogue" {
		// The OCN catalogue has its own reader and writer (catalogue.go).
		return cmdExportCatalogue(ctx, without(args, "catalogue"), out, errOut)
	}
	if kind == "badges" {
		return cmdExportBadges(ctx, without(args, "badges"), out, errOut)
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *outPath == "" {
		fmt.Fprintln(errOut, "cascade export: --out is required")
		return errUsage
	}
	if kind == "person" {
		if len(pos) != 2 {
			fmt.Fprintln(errOut, "cascade export: name the person by email: export person EMAIL --db FILE --out DIR")
			return errUsage
		}
		return exportPerson(ctx, fs, *db, pos[1], *outPath, out)
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	if !contains(model.ExportKinds(), kind) {
		fmt.Fprintf(errOut, "cascade export: cannot export %q; choose %s, person, catalogue or badges\n", kind, strings.Join(model.ExportKinds(), ", "))
		return errUsage
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	header, rows, err := s.ExportTable(ctx, kind)
	if err != nil {
		return err
	}
	if err := writeTableFile(*outPath, kind, header, rows); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d %s to %s\n", len(rows), kind, *outPath)
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// writeTableFile writes a table as CSV or XLSX by the file's extension,
// through a temporary file so a failed export never leaves half a file.
// CSV cells are escaped by reports.WriteCSV against formula injection (a
// leading ' before = + - @); a value already starting with ' gains another.
// cascade import removes exactly that one ', so the round trip is exact.
func writeTableFile(path, sheet string, header []string, rows [][]string) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".csv" && ext != ".xlsx" {
		return fmt.Errorf("write %s: name the file .csv or .xlsx", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cascade-export-*"+ext)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if ext == ".csv" {
		safe := make([][]string, len(rows))
		for i, r := range rows {
			safe[i] = make([]string, len(r))
			for j, v := range r {
				safe[i][j] = model.EscapeApostrophe(v)
			}
		}
		err = reports.WriteCSV(tmp, header, safe)
	} else {
		err = writeXLSX(tmp, sheet, header, rows)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeXLSX writes every cell as text, so a spreadsheet neither runs a value
// as a formula nor turns a date or a cohort number into something else.
func writeXLSX(w io.Writer, name string, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := func(vals []string, style int) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = excelize.Cell{StyleID: style, Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", cells(header, bold)); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(r, 0)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
