package reports

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// This file reads back the PDFs WriteCertificates makes, and nothing more
// general: verify judges a certificate by what its page shows, so it must
// see the page as a reader does, without poppler (verify runs on any desk).
// It is strict about gofpdf's layout on purpose: one body of objects in
// order, one cross-reference table, one trailer, one end. Anything a general
// reader would accept but we never write (an incremental update, a second
// definition of an object, object streams, encryption) is refused.

// pdfName is a PDF name without its slash.
type pdfName string

// pdfRef is an indirect reference, N G R.
type pdfRef struct{ num, gen int }

// pdfNum keeps a number's value and how it was written.
type pdfNum float64

// pdfString is a string's bytes, escapes undone.
type pdfString []byte

// pdfKeyword is a bare word: an operator in a content stream, or a
// structural word (obj, stream, R) in the file body.
type pdfKeyword string

type pdfDict map[pdfName]any

// pdfStream is a stream object: its dictionary and raw (undecoded) bytes.
type pdfStream struct {
	dict pdfDict
	raw  []byte
}

// pdfDoc is a parsed certificate PDF.
type pdfDoc struct {
	objects map[int]any
	trailer pdfDict
}

// lexer tokenises PDF syntax over a byte slice.
type lexer struct {
	b   []byte
	pos int
}

var errEnd = errors.New("unexpected end of data")

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// token markers for the structural delimiters.
type pdfDelim string

// next returns the next token: pdfNum, pdfName, pdfString, pdfKeyword or
// pdfDelim ("[", "]", "<<", ">>").
func (l *lexer) next() (any, error) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, errEnd
	}
	c := l.b[l.pos]
	switch {
	case c == '[' || c == ']':
		l.pos++
		return pdfDelim(c), nil
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return pdfDelim("<<"), nil
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return pdfDelim(">>"), nil
	case c == '<':
		return l.hexString()
	case c == '(':
		return l.literalString()
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
			l.pos++
		}
		return pdfName(l.b[start:l.pos]), nil
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		start := l.pos
		l.pos++
		for l.pos < len(l.b) && (l.b[l.pos] == '.' || (l.b[l.pos] >= '0' && l.b[l.pos] <= '9')) {
			l.pos++
		}
		f, err := strconv.ParseFloat(string(l.b[start:l.pos]), 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q at byte %d", l.b[start:l.pos], start)
		}
		return pdfNum(f), nil
	case isDelim(c):
		return nil, fmt.Errorf("unexpected %q at byte %d", c, l.pos)
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return pdfKeyword(l.b[start:l.pos]), nil
}

func (l *lexer) hexString() (any, error) {
	l.pos++ // <
	var digits []byte
	for ; l.pos < len(l.b); l.pos++ {
		c := l.b[l.pos]
		switch {
		case c == '>':
			l.pos++
			if len(digits)%2 == 1 {
				digits = append(digits, '0')
			}
			out := make([]byte, len(digits)/2)
			for i := range out {
				v, _ := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
				out[i] = byte(v)
			}
			return pdfString(out), nil
		case isSpace(c):
		case (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			digits = append(digits, c)
		default:
			return nil, fmt.Errorf("bad hex string at byte %d", l.pos)
		}
	}
	return nil, errEnd
}

func (l *lexer) literalString() (any, error) {
	l.pos++ // (
	var out []byte
	depth := 0
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errEnd
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
					v = v*8 + int(l.b[l.pos]-'0')
					l.pos++
				}
				out = append(out, byte(v))
			default:
				out = append(out, e)
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			if depth == 0 {
				return pdfString(out), nil
			}
			depth--
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return nil, errEnd
}

// value reads one object: a direct value, an array, a dictionary, or a
// reference N G R.
func (l *lexer) value() (any, error) {
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	return l.valueFrom(t)
}

func (l *lexer) valueFrom(t any) (any, error) {
	switch v := t.(type) {
	case pdfDelim:
		switch v {
		case "[":
			var arr []any
			for {
				t, err := l.next()
				if err != nil {
					return nil, err
				}
				if t == pdfDelim("]") {
					return arr, nil
				}
				x, err := l.valueFrom(t)
				if err != nil {
					return nil, err
				}
				arr = append(arr, x)
			}
		case "<<":
			d := pdfDict{}
			for {
				t, err := l.next()
				if err != nil {
					return nil, err
				}
				if t == pdfDelim(">>") {
					return d, nil
				}
				k, ok := t.(pdfName)
				if !ok {
					return nil, fmt.Errorf("dictionary key is not a name at byte %d", l.pos)
				}
				x, err := l.value()
				if err != nil {
					return nil, err
				}
				if _, dup := d[k]; dup {
					return nil, fmt.Errorf("dictionary key /%s given twice at byte %d", k, l.pos)
				}
				d[k] = x
			}
		}
		return nil, fmt.Errorf("unexpected %q at byte %d", v, l.pos)
	case pdfNum:
		// N G R is a reference; look ahead without consuming otherwise.
		save := l.pos
		if g, err := l.next(); err == nil {
			if gn, ok := g.(pdfNum); ok {
				if r, err := l.next(); err == nil && r == pdfKeyword("R") {
					return pdfRef{int(v), int(gn)}, nil
				}
			}
		}
		l.pos = save
		return v, nil
	case pdfKeyword:
		switch v {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, fmt.Errorf("unexpected word %q at byte %d", v, l.pos)
	}
	return t, nil
}

// expect reads a keyword and fails unless it is want.
func (l *lexer) expect(want string) error {
	at := l.pos
	t, err := l.next()
	if err != nil || t != pdfKeyword(want) {
		return fmt.Errorf("expected %q at byte %d", want, at)
	}
	return nil
}

func (l *lexer) integer() (int, error) {
	at := l.pos
	t, err := l.next()
	n, ok := t.(pdfNum)
	if err != nil || !ok || float64(n) != float64(int(n)) || n < 0 {
		return 0, fmt.Errorf("expected a whole number at byte %d", at)
	}
	return int(n), nil
}

// parsePDF walks a certificate PDF from its header to its one end.
func parsePDF(data []byte) (*pdfDoc, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		return nil, errors.New("not a PDF file")
	}
	l := &lexer{b: data}
	doc := &pdfDoc{objects: map[int]any{}}
	offsets := map[int]int{}
	for {
		l.skipSpace()
		at := l.pos
		if bytes.HasPrefix(data[at:], []byte("xref")) {
			break
		}
		num, err := l.integer()
		if err != nil {
			return nil, fmt.Errorf("PDF body: %w", err)
		}
		if _, err := l.integer(); err != nil {
			return nil, fmt.Errorf("PDF body: %w", err)
		}
		if err := l.expect("obj"); err != nil {
			return nil, fmt.Errorf("PDF body: %w", err)
		}
		if _, dup := offsets[num]; dup {
			return nil, fmt.Errorf("PDF object %d is defined twice (at bytes %d and %d)", num, offsets[num], at)
		}
		offsets[num] = at
		v, err := l.value()
		if err != nil {
			return nil, fmt.Errorf("PDF object %d: %w", num, err)
		}
		save := l.pos
		t, _ := l.next()
		if t == pdfKeyword("stream") {
			d, ok := v.(pdfDict)
			if !ok {
				return nil, fmt.Errorf("PDF object %d: stream without a dictionary", num)
			}
			n, ok := d["Length"].(pdfNum)
			if !ok || n < 0 {
				return nil, fmt.Errorf("PDF object %d: stream length is not a number", num)
			}
			if l.pos < len(data) && data[l.pos] == '\r' {
				l.pos++
			}
			if l.pos >= len(data) || data[l.pos] != '\n' {
				return nil, fmt.Errorf("PDF object %d: no line end after stream", num)
			}
			l.pos++
			end := l.pos + int(n)
			if end > len(data) {
				return nil, fmt.Errorf("PDF object %d: stream runs past the end of the file", num)
			}
			v = &pdfStream{dict: d, raw: data[l.pos:end]}
			l.pos = end
			if err := l.expect("endstream"); err != nil {
				return nil, fmt.Errorf("PDF object %d: %w", num, err)
			}
		} else {
			l.pos = save
		}
		if err := l.expect("endobj"); err != nil {
			return nil, fmt.Errorf("PDF object %d: %w", num, err)
		}
		doc.objects[num] = v
	}
	xrefAt := l.pos
	if err := l.expect("xref"); err != nil {
		return nil, err
	}
	first, err := l.integer()
	if err != nil {
		return nil, fmt.Errorf("PDF cross-reference table: %w", err)
	}
	count, err := l.integer()
	if err != nil || first != 0 || count != len(offsets)+1 {
		return nil, fmt.Errorf("PDF cross-reference table lists %d objects; the file holds %d", count-1, len(offsets))
	}
	for i := 0; i < count; i++ {
		off, err1 := l.integer()
		_, err2 := l.integer()
		kind, err3 := l.next()
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("PDF cross-reference entry %d: %w", i, err)
		}
		if i == 0 {
			if kind != pdfKeyword("f") {
				return nil, errors.New("PDF cross-reference entry 0 is not free")
			}
			continue
		}
		if got, ok := offsets[i]; kind != pdfKeyword("n") || !ok || got != off {
			return nil, fmt.Errorf("PDF cross-reference entry %d points at byte %d, not at object %d", i, off, i)
		}
	}
	if err := l.expect("trailer"); err != nil {
		return nil, err
	}
	tr, err := l.value()
	trailer, ok := tr.(pdfDict)
	if err != nil || !ok {
		return nil, errors.New("PDF trailer is not a dictionary")
	}
	for _, k := range []pdfName{"Prev", "Encrypt", "XRefStm"} {
		if _, ok := trailer[k]; ok {
			return nil, fmt.Errorf("PDF trailer has /%s, which Cascade never writes", k)
		}
	}
	doc.trailer = trailer
	if err := l.expect("startxref"); err != nil {
		return nil, err
	}
	if at, err := l.integer(); err != nil || at != xrefAt {
		return nil, errors.New("PDF startxref does not point at the cross-reference table")
	}
	for l.pos < len(data) && isSpace(data[l.pos]) {
		l.pos++
	}
	if !bytes.HasPrefix(data[l.pos:], []byte("%%EOF")) {
		return nil, errors.New("PDF has no %%EOF end marker after startxref")
	}
	l.pos += len("%%EOF")
	if rest := bytes.TrimRight(data[l.pos:], "\r\n \t\x00"); len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes were added after the document's end (%%%%EOF): the file was changed after it was made, as an incremental update does", len(data)-l.pos)
	}
	return doc, nil
}

// resolve follows references to a direct value.
func (d *pdfDoc) resolve(v any) any {
	for range 8 {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = d.objects[r.num]
	}
	return nil
}

func (d *pdfDoc) dict(v any) pdfDict {
	switch x := d.resolve(v).(type) {
	case pdfDict:
		return x
	case *pdfStream:
		return x.dict
	}
	return nil
}

// streamData returns a stream's decoded bytes; we only write FlateDecode
// or unfiltered streams.
func (d *pdfDoc) streamData(v any) ([]byte, error) {
	s, ok := d.resolve(v).(*pdfStream)
	if !ok {
		return nil, errors.New("not a stream")
	}
	switch f := s.dict["Filter"]; f {
	case nil:
		return s.raw, nil
	case pdfName("FlateDecode"):
		zr, err := zlib.NewReader(bytes.NewReader(s.raw))
		if err != nil {
			return nil, fmt.Errorf("inflate stream: %w", err)
		}
		// A page stream is a few kilobytes; 64 MB bounds a zip bomb.
		out, err := io.ReadAll(io.LimitReader(zr, 64<<20))
		if err != nil {
			return nil, fmt.Errorf("inflate stream: %w", err)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("stream filter %v, which Cascade never writes", f)
	}
}

// pages lists the page dictionaries in order; gofpdf writes one flat list.
func (d *pdfDoc) pages() ([]pdfDict, error) {
	root := d.dict(d.trailer["Root"])
	if root == nil || root["Type"] != pdfName("Catalog") {
		return nil, errors.New("PDF has no catalogue")
	}
	tree := d.dict(root["Pages"])
	kids, ok := d.resolve(tree["Kids"]).([]any)
	if tree == nil || !ok {
		return nil, errors.New("PDF has no page list")
	}
	var out []pdfDict
	for i, k := range kids {
		p := d.dict(k)
		if p == nil || p["Type"] != pdfName("Page") {
			return nil, fmt.Errorf("PDF page %d is not a page", i+1)
		}
		out = append(out, p)
	}
	if n, _ := d.resolve(tree["Count"]).(pdfNum); int(n) != len(out) {
		return nil, fmt.Errorf("PDF page count %d differs from its %d pages", int(n), len(out))
	}
	return out, nil
}

// pdfOp is one content-stream operator with its operands.
type pdfOp struct {
	op   string
	args []any
}

// contentOps tokenises a content stream into operators.
func contentOps(data []byte) ([]pdfOp, error) {
	l := &lexer{b: data}
	var ops []pdfOp
	var args []any
	for {
		t, err := l.next()
		if errors.Is(err, errEnd) {
			break
		}
		if err != nil {
			return nil, err
		}
		if k, ok := t.(pdfKeyword); ok {
			switch k {
			case "true", "false", "null":
				args = append(args, k)
				continue
			case "BI", "ID", "EI":
				return nil, errors.New("inline image, which Cascade never draws")
			}
			ops = append(ops, pdfOp{string(k), args})
			args = nil
			continue
		}
		v, err := l.valueFrom(t)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	if len(args) > 0 {
		return nil, errors.New("content stream ends with operands and no operator")
	}
	return ops, nil
}
