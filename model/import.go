package model

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Import kinds, in the order a whole programme is imported: each may refer to
// the ones before it.
const (
	KindCohorts    = "cohorts"
	KindHosts      = "hosts"
	KindTrainers   = "trainers"
	KindOrganisers = "organisers"
)

// importColumns are the columns each kind's file must have, in the order
// export writes them; import takes them in any order.
var ImportColumnsOf = map[string][]string{
	KindCohorts:    {"number", "host_induction_on", "training_starts_on", "training_ends_on"},
	KindHosts:      {"name", "region", "setting", "kickstarter", "partner", "cohort"},
	KindOrganisers: {"given_name", "family_name", "email", "role", "host", "cohort", "start_date", "supported_by"},
	KindTrainers:   {"given_name", "family_name", "email", "organisation", "trained_by", "trained_on", "status"},
}

// ImportKinds lists what can be imported, in the order a programme is built.
func ImportKinds() []string {
	return []string{KindCohorts, KindHosts, KindTrainers, KindOrganisers}
}

// ImportColumns is the header a kind's file must carry, in export order.
func ImportColumns(kind string) ([]string, bool) {
	c, ok := ImportColumnsOf[kind]
	return append([]string(nil), c...), ok
}

// ImportProblem is one thing wrong with an import file. Row counts as a
// spreadsheet does (the header is row 1); 0 means the file as a whole.
type ImportProblem struct {
	File   string
	Row    int
	Column string
	Reason string
}

// String is the FILE:ROW: column: reason line printed for a person to act on.
func (p ImportProblem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Row > 0 {
		fmt.Fprintf(&b, ":%d", p.Row)
	}
	b.WriteString(": ")
	if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// ImportError carries every problem found; when it is returned nothing was written.
type ImportError struct {
	File     string
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String() + " (nothing was imported)"
	}
	return fmt.Sprintf("%s: %d problems; nothing was imported", e.File, len(e.Problems))
}

// sheet is an import file read into cells: the header and each data row with
// the row number a spreadsheet would show.
type Sheet struct {
	file   string
	Header []string
	Rows   []sheetRow
	xlsx   bool // dates may arrive as Excel serial numbers
}

type sheetRow struct {
	Num   int
	Cells []string
}

// Import limits: far beyond any real programme's file (the national
// programme has 5,000 organisers), near enough that a hostile or mistaken
// file is refused early and read in bounded memory.
const (
	MaxImportBytes     = 50 << 20                // the file as it sits on disk
	MaxImportUnpacked  = 200 << 20               // an .xlsx workbook's parts, unpacked
	MaxImportRows      = 200_000                 // data rows
	MaxImportColumns   = 200                     // cells in one row
	MaxImportCellBytes = 64 << 10                // one cell's text
	maxImportLineBytes = MaxImportColumns * 1024 // one CSV line, quotes and all
)

// readSheet reads a CSV or XLSX file by its extension. A file it cannot read
// at all gives exactly one problem.
func ReadSheet(path string) (*Sheet, *ImportProblem) {
	file := path
	fail := func(format string, a ...any) (*Sheet, *ImportProblem) {
		return nil, &ImportProblem{File: file, Reason: fmt.Sprintf(format, a...)}
	}
	st, err := os.Stat(path)
	if err == nil && st.Size() > MaxImportBytes {
		return fail("the file is %s; the most Cascade imports at once is %s (split it into smaller files)",
			sizeText(st.Size()), sizeText(MaxImportBytes))
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fail("no such file")
		}
		return fail("cannot read the file: %v", err)
	}
	// Read no more than the limit even if the file grew since Stat, into a
	// buffer sized once: the file is the largest thing an import holds.
	var buf bytes.Buffer
	if st != nil {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(f, MaxImportBytes+1))
	data := buf.Bytes()
	f.Close()
	if err != nil {
		return fail("cannot read the file: %v", err)
	}
	if len(data) > MaxImportBytes {
		return fail("the file is over %s, the most Cascade imports at once", sizeText(MaxImportBytes))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return fail("the file is empty; it needs a header row and at least one row of data")
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx":
		return readXLSX(file, data)
	case ".csv", ".txt", "":
		return readCSV(file, data)
	case ".xls", ".ods", ".numbers":
		return fail("%s files are not read; save the sheet as .xlsx or as CSV UTF-8", ext)
	default:
		return fail("unknown file type %s; use .csv (UTF-8) or .xlsx", ext)
	}
}

var utf8BOM = []byte("\xef\xbb\xbf")

func readCSV(file string, data []byte) (*Sheet, *ImportProblem) {
	fail := func(row int, format string, a ...any) (*Sheet, *ImportProblem) {
		return nil, &ImportProblem{File: file, Row: row, Reason: fmt.Sprintf(format, a...)}
	}
	if bytes.IndexByte(data, 0) >= 0 || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return fail(0, "this is a binary file, not CSV text; save the sheet as CSV UTF-8 or give an .xlsx name")
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return fail(0, "the file is not UTF-8 text; save it again choosing CSV UTF-8")
	}
	ll := &lineLimiter{r: bytes.NewReader(data), max: maxImportLineBytes}
	r := csv.NewReader(ll)
	r.Comma = detectComma(data)
	r.FieldsPerRecord = -1
	s := &Sheet{file: file}
	// A quoted cell may hold line breaks; a spreadsheet shows it as one row,
	// so row numbers discount them.
	embedded := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errLongLine) {
			return fail(ll.lines+1-embedded, "a line is longer than %s, more than any row of %d cells should be", sizeText(maxImportLineBytes), MaxImportColumns)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, errLongLine) {
					return fail(ll.lines+1-embedded, "a line is longer than %s, more than any row of %d cells should be", sizeText(maxImportLineBytes), MaxImportColumns)
				}
				return fail(pe.StartLine-embedded, "malformed CSV: %v", pe.Err)
			}
			return fail(0, "malformed CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		num := line - embedded
		for _, c := range rec {
			embedded += strings.Count(c, "\n")
		}
		if p := checkRowLimits(file, num, rec); p != nil {
			return nil, p
		}
		if s.Header == nil {
			s.Header = rec
			continue
		}
		for i, c := range rec {
			rec[i] = unescapeCell(c)
		}
		s.Rows = append(s.Rows, sheetRow{Num: num, Cells: rec})
	}
	if s.Header == nil {
		return fail(0, "the file is empty; it needs a header row and at least one row of data")
	}
	return s, nil
}

// detectComma picks ';' when the header line has more semicolons than commas,
// as spreadsheets in many European locales save CSV.
func detectComma(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// unescapeCell undoes the export's defence against formula injection: export
// prefixes ' to a cell starting = + - @ tab or CR (reports.SafeCell) and to a
// cell already starting with ', so exactly one leading ' is dropped here when
// it is followed by one of those. A hand-typed 'abc is kept as written.
func unescapeCell(v string) string {
	if len(v) >= 2 && v[0] == '\'' && strings.IndexByte("=+-@\t\r'", v[1]) >= 0 {
		return v[1:]
	}
	return v
}

// EscapeApostrophe prepares a value for reports.WriteCSV so the import's
// unescapeCell gives it back exactly: a value already starting with ' gains
// one more, which the importer removes again.
func EscapeApostrophe(v string) string {
	if strings.HasPrefix(v, "'") {
		return "'" + v
	}
	return v
}

func readXLSX(file string, data []byte) (*Sheet, *ImportProblem) {
	fail := func(format string, a ...any) (*Sheet, *ImportProblem) {
		return nil, &ImportProblem{File: file, Reason: fmt.Sprintf(format, a...)}
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return fail("this is not an Excel .xlsx workbook; save the sheet as .xlsx, or name a CSV file .csv")
	}
	// The zip's directory says how large each part unpacks to, and Go's zip
	// reader refuses a part that unpacks past what it declares: checking the
	// declared sizes here refuses a zip bomb before excelize unpacks a byte.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail("this .xlsx workbook cannot be read (%v); open it and save it again", err)
	}
	var unpacked uint64
	for _, zf := range zr.File {
		unpacked += zf.UncompressedSize64
		if unpacked > MaxImportUnpacked {
			return fail("the workbook unpacks to more than %s (its part %s alone is %s); the most Cascade reads is %s",
				sizeText(MaxImportUnpacked), zf.Name, sizeText(int64(min(zf.UncompressedSize64, 1<<62))), sizeText(MaxImportUnpacked))
		}
	}
	// A part whose directory entry understates it would be cut short without
	// a word, importing part of a sheet; reading each to its declared end
	// (and one byte on) lets the zip reader check its length and CRC-32.
	for _, zf := range zr.File {
		if err := wholePart(zf); err != nil {
			return fail("the workbook's part %s is damaged (%v); open it and save it again", zf.Name, err)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: MaxImportUnpacked, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return fail("this .xlsx workbook cannot be read (%v); open it and save it again", err)
	}
	defer f.Close()
	name := f.GetSheetName(f.GetActiveSheetIndex())
	// Row by row, so a sheet's size in memory is the rows kept, not its XML.
	rows, err := f.Rows(name)
	if err != nil {
		return fail("sheet %q cannot be read: %v", name, err)
	}
	defer rows.Close()
	s := &Sheet{file: file, xlsx: true}
	for num := 1; rows.Next(); num++ {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &Sheet{}, &ImportProblem{File: file, Row: num, Reason: fmt.Sprintf("sheet %q cannot be read: %v", name, err)}
		}
		for len(rec) > 0 && rec[len(rec)-1] == "" {
			rec = rec[:len(rec)-1]
		}
		if p := checkRowLimits(file, num, rec); p != nil {
			return nil, p
		}
		if s.Header == nil {
			if Blank(rec) {
				continue
			}
			s.Header = rec
			continue
		}
		s.Rows = append(s.Rows, sheetRow{Num: num, Cells: rec})
	}
	if err := rows.Error(); err != nil {
		return fail("sheet %q cannot be read: %v", name, err)
	}
	if s.Header == nil {
		return fail("the first sheet (%s) is empty; it needs a header row and at least one row of data", name)
	}
	return s, nil
}

// wholePart reads a zip part through to the size its directory declares,
// refusing one that is longer, or whose CRC-32 does not match.
func wholePart(zf *zip.File) error {
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(r, int64(zf.UncompressedSize64)+1))
	if err != nil {
		return err
	}
	if uint64(n) != zf.UncompressedSize64 {
		return fmt.Errorf("it unpacks to more than the %d bytes its directory declares", zf.UncompressedSize64)
	}
	// Read on to the end so the reader checks the CRC-32.
	_, err = r.Read(make([]byte, 1))
	if err != io.EOF {
		if err == nil {
			err = fmt.Errorf("it unpacks to more than the %d bytes its directory declares", zf.UncompressedSize64)
		}
		return err
	}
	return nil
}

// checkRowLimits refuses a row past the import limits, naming the limit.
func checkRowLimits(file string, num int, rec []string) *ImportProblem {
	if num > MaxImportRows+1 {
		return &ImportProblem{File: file, Row: num, Reason: fmt.Sprintf(
			"the file has more than %d rows of data, the most Cascade imports at once; split it into smaller files", MaxImportRows)}
	}
	if len(rec) > MaxImportColumns {
		return &ImportProblem{File: file, Row: num, Reason: fmt.Sprintf(
			"the row has %d cells; the most Cascade reads in a row is %d", len(rec), MaxImportColumns)}
	}
	for i, c := range rec {
		if len(c) > MaxImportCellBytes {
			return &ImportProblem{File: file, Row: num, Column: fmt.Sprintf("column %d", i+1), Reason: fmt.Sprintf(
				"the cell holds %s of text; the most Cascade reads in a cell is %s", sizeText(int64(len(c))), sizeText(MaxImportCellBytes))}
		}
	}
	return nil
}

// sizeText says a size as a person reads it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// errLongLine stops a CSV read at a line no real row is as long as: the csv
// reader would otherwise hold all of it, and every empty field in it, in memory.
var errLongLine = errors.New("line too long")

// lineLimiter passes text through, failing once any one line passes max bytes.
type lineLimiter struct {
	r     io.Reader
	max   int
	line  int // bytes in the line so far
	lines int // lines ended so far
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.line = 0
			l.lines++
			continue
		}
		if l.line++; l.line > l.max {
			return i, errLongLine
		}
	}
	return n, err
}

func Blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// columnsOf maps each expected column to its position in the file's header,
// or returns the one problem that says what is wrong with the header.
func columnsOf(s *Sheet, kind string) (map[string]int, *ImportProblem) {
	want := ImportColumnsOf[kind]
	pos := map[string]int{}
	var unknown, repeated []string
	known := map[string]bool{}
	for _, c := range want {
		known[c] = true
	}
	for i, h := range s.Header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
			if !columnUsed(s, i) {
				continue // a trailing empty column a spreadsheet left
			}
			unknown = append(unknown, fmt.Sprintf("(column %d has no name)", i+1))
		case !known[h]:
			unknown = append(unknown, h)
		default:
			if _, dup := pos[h]; dup {
				repeated = append(repeated, h)
			}
			pos[h] = i
		}
	}
	var missing []string
	for _, c := range want {
		if _, ok := pos[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 && len(unknown) == 0 && len(repeated) == 0 {
		return pos, nil
	}
	var parts []string
	if other := kindOfHeader(s.Header); other != "" && other != kind {
		return nil, &ImportProblem{File: s.file, Row: 1, Column: "header",
			Reason: fmt.Sprintf("this is a %s file, not %s; import it with: cascade import %s FILE", other, kind, other)}
	}
	if len(pos) == 0 {
		parts = append(parts, "this is not a "+kind+" file")
	} else {
		if len(missing) > 0 {
			parts = append(parts, "missing column "+strings.Join(missing, ", "))
		}
		if len(unknown) > 0 {
			parts = append(parts, "unknown column "+strings.Join(unknown, ", "))
		}
		if len(repeated) > 0 {
			parts = append(parts, "repeated column "+strings.Join(repeated, ", "))
		}
	}
	return nil, &ImportProblem{File: s.file, Row: 1, Column: "header",
		Reason: strings.Join(parts, "; ") + " (expected " + strings.Join(want, ",") + ", in any order)"}
}

// kindOfHeader names the kind whose columns a header holds exactly, or "".
func kindOfHeader(header []string) string {
	for kind, cols := range ImportColumnsOf {
		have := map[string]bool{}
		for _, h := range header {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				have[h] = true
			}
		}
		match := len(have) == len(cols)
		for _, c := range cols {
			match = match && have[c]
		}
		if match {
			return kind
		}
	}
	return ""
}

func columnUsed(s *Sheet, i int) bool {
	for _, r := range s.Rows {
		if i < len(r.Cells) && strings.TrimSpace(r.Cells[i]) != "" {
			return true
		}
	}
	return false
}

// excelDate turns an Excel serial day number into ISO text.
func excelDate(v string) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 2958465 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// ImportOptions controls an import.
type ImportOptions struct {
	DryRun   bool                  // validate and say what would be added, writing nothing
	Progress func(done, total int) // called as rows are written; may be nil
}

// ImportResult is what an import read, found and added. Header and Rows are
// the file's cells in export column order, for a preview.
type ImportResult struct {
	Kind     string
	File     string
	Header   []string
	Rows     [][]string
	RowNums  []int
	Problems []ImportProblem
	Added    int // written, or that would be written on a dry run
	DryRun   bool
}
