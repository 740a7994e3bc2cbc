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

// repeatedDeflate is the deflate stream of head, chunk n times, then tail,
// with its CRC-32 and unpacked size. The race detector makes compressing
// 250 MB take half a minute; a chunk compressed once by a fresh writer and
// flushed refers to nothing before it and ends on a byte boundary, so its
// blocks repeated are a valid stream of the whole. CRC-32 is assembly and
// costs nothing.
func repeatedDeflate(head string, chunk []byte, n int, tail string) (packed []byte, crc uint32, size uint64) {
	var out bytes.Buffer
	part := func(b []byte, final bool) []byte {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write(b)
		if final {
			fw.Close()
		} else {
			fw.Flush()
		}
		return buf.Bytes()
	}
	out.Write(part([]byte(head), false))
	packedChunk := part(chunk, false)
	sum := crc32.Update(0, crc32.IEEETable, []byte(head))
	for range n {
		out.Write(packedChunk)
		sum = crc32.Update(sum, crc32.IEEETable, chunk)
	}
	out.Write(part([]byte(tail), true))
	sum = crc32.Update(sum, crc32.IEEETable, []byte(tail))
	return out.Bytes(), sum, uint64(len(head)) + uint64(n)*uint64(len(chunk)) + uint64(len(tail))
}

func TestImportRefusesXLSXBombs(t *testing.T) {
	t.Run("sheet unpacks past the limit", func(t *testing.T) {
		// About 1 MB on disk, over 250 MB of XML: its zip directory says so,
		// truly (a real deflate stream whose size and CRC-32 match).
		head := sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>`
		tail := `</t></is></c></row>` + sheetTail
		packed, crc, size := repeatedDeflate(head, bytes.Repeat([]byte("a"), 1<<20), 250, tail)
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
				CRC32: crc, CompressedSize64: uint64(len(packed)), UncompressedSize64: size})
			w.Write(packed)
		})
		if st, _ := os.Stat(path); st.Size() > 2<<20 {
			t.Fatalf("the bomb is %d bytes; the test wants a small one", st.Size())
		}
		readBounded(t, path, "unpacks to more than 200 MB", 16)
	})
	t.Run("zip directory lies about the size", func(t *testing.T) {
		// Some 60 MB of rows (r is optional in a row) whose directory says
		// 4 KB: unpacking it whole would pass the allocation bound.
		row := []byte(`<row><c t="inlineStr"><is><t>1</t></is></c></row>`)
		packed, crc, _ := repeatedDeflate(sheetHead, bytes.Repeat(row, (1<<20)/len(row)), 60, sheetTail)
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
				CRC32: crc, CompressedSize64: uint64(len(packed)), UncompressedSize64: 4096})
			w.Write(packed)
		})
		readBounded(t, path, "sheet1.xml is damaged", 64)
	})
	t.Run("too many rows", func(t *testing.T) {
		// 200,020 rows of one small cell, numbered by their place (r is
		// optional), so the sheet is built without compressing 12 MB.
		row := []byte(`<row><c t="inlineStr"><is><t>1</t></is></c></row>`)
		packed, crc, size := repeatedDeflate(sheetHead, bytes.Repeat(row, 10_001), 20, sheetTail)
		if 10_001*20 <= MaxImportRows+1 {
			t.Fatal("the sheet is within the limit")
		}
		path := xlsxWith(t, func(zw *zip.Writer) {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
				CRC32: crc, CompressedSize64: uint64(len(packed)), UncompressedSize64: size})
			w.Write(packed)
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

// TestRepeatedDeflateIsTheWholeStream: the bombs above are refused from
// their zip directory alone, so a stream repeatedDeflate built wrong would
// go unnoticed there; here one inflates to its declared size and CRC-32.
func TestRepeatedDeflateIsTheWholeStream(t *testing.T) {
	chunk := bytes.Repeat([]byte("<row/>"), 50_000)
	packed, crc, size := repeatedDeflate(sheetHead, chunk, 8, sheetTail)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(packed)), UncompressedSize64: size})
	w.Write(packed)
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(zb.Bytes()), int64(zb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if err := wholePart(zr.File[0]); err != nil {
		t.Fatalf("the repeated stream (%d bytes packed, %d declared): %v", len(packed), size, err)
	}
	if size != uint64(len(sheetHead)+8*len(chunk)+len(sheetTail)) {
		t.Errorf("declared size %d; want head, eight chunks and tail", size)
	}
}
