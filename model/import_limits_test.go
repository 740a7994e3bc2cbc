package model

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readBounded reads path with ReadSheet, failing unless it is refused with
// a problem saying says while allocating under maxMB in all.
func readBounded(t *testing.T, path, says string, maxMB uint64) {
	t.Helper()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	s, p := ReadSheet(path)
	runtime.ReadMemStats(&m1)
	if p == nil {
		t.Fatalf("ReadSheet read %d rows; want a refusal saying %q", len(s.Rows), says)
	}
	if !strings.Contains(p.String(), says) || strings.Contains(p.String(), "\n") {
		t.Errorf("ReadSheet problem %q; want one line saying %q", p, says)
	}
	if alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20; alloc > maxMB {
		t.Errorf("refusing it allocated %d MB; want under %d", alloc, maxMB)
	}
}

func writeFile(t *testing.T, name string, fill func(w io.Writer)) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fill(f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

const cohortHeader = "number,host_induction_on,training_starts_on,training_ends_on\n"

func TestImportRefusesOversizedCSV(t *testing.T) {
	t.Run("file over 50 MB", func(t *testing.T) {
		path := writeFile(t, "big.csv", func(w io.Writer) {
			io.WriteString(w, cohortHeader)
			w.(*os.File).Truncate(MaxImportBytes + 1)
		})
		readBounded(t, path, "the most Cascade imports at once is 50 MB", 4)
	})
	t.Run("too many rows", func(t *testing.T) {
		path := writeFile(t, "rows.csv", func(w io.Writer) {
			var b bytes.Buffer
			b.WriteString(cohortHeader)
			for i := range MaxImportRows + 1 {
				fmt.Fprintf(&b, "%d,,,\n", i)
			}
			w.Write(b.Bytes())
		})
		readBounded(t, path, "more than 200000 rows", 200)
	})
	t.Run("a cell over 64 KB", func(t *testing.T) {
		path := writeFile(t, "cell.csv", func(w io.Writer) {
			io.WriteString(w, cohortHeader+"1,\""+strings.Repeat("x", MaxImportCellBytes+1)+"\",,\n")
		})
		readBounded(t, path, "column 2: the cell holds 64 KB of text", 8)
	})
	t.Run("one line of 40 MB of commas", func(t *testing.T) {
		path := writeFile(t, "commas.csv", func(w io.Writer) {
			io.WriteString(w, cohortHeader)
			w.Write(bytes.Repeat([]byte(","), 40<<20))
		})
		// The file itself is read into memory (40 MB) and the reader stops
		// at the first 200 KB line (some 30 MB of fields at most, more under
		// -race); the commas must not become 40 million cells (640 MB).
		readBounded(t, path, ":2: a line is longer than", 128)
	})
	t.Run("a row of too many cells", func(t *testing.T) {
		path := writeFile(t, "wide.csv", func(w io.Writer) {
			io.WriteString(w, cohortHeader+"1"+strings.Repeat(",x", MaxImportColumns)+"\n")
		})
		readBounded(t, path, ":2: the row has 201 cells", 8)
	})
}

// xlsxWith builds a real workbook with excelize, then swaps its first
// sheet's XML for what sheet writes, keeping every other part.
func xlsxWith(t *testing.T, sheet func(zw *zip.Writer)) string {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]string{"number", "host_induction_on", "training_starts_on", "training_ends_on"})
	var base bytes.Buffer
	if err := f.Write(&base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "bomb.xlsx", func(w io.Writer) {
		zw := zip.NewWriter(w)
		for _, zf := range zr.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				sheet(zw)
				continue
			}
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
		}
		zw.Close()
	})
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// bombRows writes n rows of one small inline cell each.
func bombRows(w io.Writer, n int) {
	io.WriteString(w, sheetHead)
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>1</t></is></c></row>`, i+1, i+1)
		if b.Len() > 1<<20 {
			w.Write(b.Bytes())
			b.Reset()
		}
	}
	w.Write(b.Bytes())
	io.WriteString(w, sheetTail)
}

func TestImportRefusesXLSXBombs(t *testing.T) {
	t.Run("sheet unpacks past the limit", func(t *testing.T) {
		// About 1 MB on disk, over 250 MB of XML: its zip directory says so.
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
			io.WriteString(w, sheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>`)
			chunk := bytes.Repeat([]byte("a"), 1<<20)
			for range 250 {
				w.Write(chunk)
			}
			io.WriteString(w, `</t></is></c></row>`+sheetTail)
		})
		if st, _ := os.Stat(path); st.Size() > 2<<20 {
			t.Fatalf("the bomb is %d bytes; the test wants a small one", st.Size())
		}
		readBounded(t, path, "unpacks to more than 200 MB", 16)
	})
	t.Run("zip directory lies about the size", func(t *testing.T) {
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
		crc := crc32.NewIEEE()
		bombRows(io.MultiWriter(fw, crc), 1_000_000)
		fw.Close()
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
				CRC32: crc.Sum32(), CompressedSize64: uint64(packed.Len()), UncompressedSize64: 4096})
			w.Write(packed.Bytes())
		})
		readBounded(t, path, "sheet1.xml is damaged", 64)
	})
	t.Run("too many rows", func(t *testing.T) {
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
			bombRows(w, MaxImportRows+10)
		})
		readBounded(t, path, "more than 200000 rows", 400)
	})
	t.Run("a cell at the sheet's last column", func(t *testing.T) {
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
			io.WriteString(w, sheetHead+`<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>`+sheetTail)
		})
		readBounded(t, path, ":1: the row has 16384 cells", 16)
	})
	t.Run("one row far down the sheet", func(t *testing.T) {
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
			io.WriteString(w, sheetHead+`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>`+sheetTail)
		})
		readBounded(t, path, "more than 200000 rows", 200)
	})
}

// TestImportWithinLimitsStillReads: a file near but under the limits is read.
func TestImportWithinLimitsStillReads(t *testing.T) {
	path := writeFile(t, "ok.csv", func(w io.Writer) {
		io.WriteString(w, cohortHeader+"1,\""+strings.Repeat("x", MaxImportCellBytes)+"\",,\n")
	})
	s, p := ReadSheet(path)
	if p != nil || len(s.Rows) != 1 {
		t.Fatalf("ReadSheet(a 64 KB cell) = %v; want it read", p)
	}
}
