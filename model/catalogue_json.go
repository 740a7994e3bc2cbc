package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseCatalogue reads a catalogue file strictly, token by token, so every
// fault is named by its indexed path (units[0].outcomes[1].number): a value
// of the wrong type, null where a value belongs, a key repeated or unknown, a
// required key missing, more data after the catalogue, or a catalogue with
// nothing in it. A learning outcome's number may be written 1 or "1" (OCN
// documents number them as text); it is held, and exported, as a number.
// ParseCatalogue checks shape only; Catalogue.Validate checks the contents.
func ParseCatalogue(data []byte) (Catalogue, error) {
	var c Catalogue
	if len(bytes.TrimSpace(data)) == 0 {
		return c, &PathError{"catalogue", "the file is empty"}
	}
	p := &catParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	err := p.object("catalogue", `an object with "units" and "qualifications"`, nil, func(key, path string) error {
		switch key {
		case "units":
			return p.list(path, func(path string) error {
				c.Units = append(c.Units, Unit{})
				return p.unit(path, &c.Units[len(c.Units)-1])
			})
		case "qualifications":
			return p.list(path, func(path string) error {
				c.Qualifications = append(c.Qualifications, Qualification{})
				return p.qualification(path, &c.Qualifications[len(c.Qualifications)-1])
			})
		}
		return errUnknownKey
	})
	if err != nil {
		return Catalogue{}, err
	}
	rest := p.data[p.dec.InputOffset():]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		at := len(p.data) - len(trimmed)
		return Catalogue{}, &PathError{"catalogue", fmt.Sprintf("more follows it (line %d); the file must hold one JSON value", lineAt(p.data, at))}
	}
	if len(c.Units) == 0 && len(c.Qualifications) == 0 {
		return Catalogue{}, &PathError{"catalogue", "holds no units and no qualifications"}
	}
	return c, nil
}

// errUnknownKey tells object that a field callback does not know its key.
var errUnknownKey = errors.New("unknown field")

// catParser walks a catalogue's JSON tokens, knowing at each step what the
// document must hold there.
type catParser struct {
	data []byte
	dec  *json.Decoder
}

// line is the line of the token just read.
func (p *catParser) line() int { return lineAt(p.data, int(p.dec.InputOffset())-1) }

func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// token reads the next token; a syntax error or the end of the file is named
// at path, end saying what was left open.
func (p *catParser) token(path, open string) (json.Token, error) {
	tok, err := p.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &PathError{path, "the file ends before the " + open + " is closed"}
	case errors.As(err, &se):
		return nil, &PathError{path, fmt.Sprintf("%v (line %d)", err, lineAt(p.data, int(se.Offset)))}
	}
	return nil, &PathError{path, err.Error()}
}

// describe is how a token reads in an error: its value, or what it opens.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case string:
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		return strconv.Quote(v)
	}
	return fmt.Sprint(tok)
}

func (p *catParser) wrongType(path, want string, tok json.Token) error {
	return &PathError{path, fmt.Sprintf("want %s, not %s (line %d)", want, describe(tok), p.line())}
}

// object reads an object at path, handing each key to field; a key seen
// twice, a key field does not know, or a required key left out is refused.
func (p *catParser) object(path, want string, required []string, field func(key, path string) error) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return p.wrongType(path, want, tok)
	}
	seen := map[string]bool{}
	for p.dec.More() {
		tok, err := p.token(path, "object")
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return &PathError{path, fmt.Sprintf("want a key, not %s (line %d)", describe(tok), p.line())}
		}
		kp := join(path, key)
		if seen[key] {
			return &PathError{kp, fmt.Sprintf("appears twice (line %d)", p.line())}
		}
		seen[key] = true
		line := p.line()
		if err := field(key, kp); err != nil {
			if err == errUnknownKey {
				return &PathError{kp, fmt.Sprintf("unknown field (line %d)", line)}
			}
			return err
		}
	}
	if _, err := p.token(path, "object"); err != nil { // the closing brace
		return err
	}
	for _, k := range required {
		if !seen[k] {
			return &PathError{join(path, k), "required"}
		}
	}
	return nil
}

// join is path.key, or key alone at the top level.
func join(path, key string) string {
	if path == "catalogue" {
		return key
	}
	return path + "." + key
}

// list reads a list at path, handing each element's indexed path to elem.
func (p *catParser) list(path string, elem func(path string) error) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return p.wrongType(path, "a list", tok)
	}
	for i := 0; p.dec.More(); i++ {
		if err := elem(fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	_, err = p.token(path, "list") // the closing bracket
	return err
}

func (p *catParser) str(path string, dst *string) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	s, ok := tok.(string)
	if !ok {
		return p.wrongType(path, "text", tok)
	}
	*dst = s
	return nil
}

func (p *catParser) integer(path string, dst *int) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	n, ok := tok.(json.Number)
	v, err := strconv.Atoi(string(n))
	if !ok || err != nil {
		return p.wrongType(path, "a whole number", tok)
	}
	*dst = v
	return nil
}

// outcomeNumber takes 1 or "1": OCN documents number outcomes as text.
func (p *catParser) outcomeNumber(path string, dst *int) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	var text string
	switch v := tok.(type) {
	case json.Number:
		text = string(v)
	case string:
		if strings.Trim(v, "0123456789") == "" {
			text = v
		}
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return p.wrongType(path, `a whole number such as 1 or "1"`, tok)
	}
	*dst = n
	return nil
}

func (p *catParser) boolean(path string, dst *bool) error {
	tok, err := p.token(path, "value")
	if err != nil {
		return err
	}
	b, ok := tok.(bool)
	if !ok {
		return p.wrongType(path, "true or false", tok)
	}
	*dst = b
	return nil
}

func (p *catParser) unit(path string, u *Unit) error {
	return p.object(path, "an object", []string{"code", "title", "level", "credits", "outcomes"}, func(key, path string) error {
		switch key {
		case "code":
			return p.str(path, &u.Code)
		case "title":
			return p.str(path, &u.Title)
		case "level":
			return p.integer(path, &u.Level)
		case "credits":
			return p.integer(path, &u.Credits)
		case "guided_hours":
			return p.integer(path, &u.GuidedHours)
		case "outcomes":
			return p.list(path, func(path string) error {
				u.Outcomes = append(u.Outcomes, Outcome{})
				return p.outcome(path, &u.Outcomes[len(u.Outcomes)-1])
			})
		}
		return errUnknownKey
	})
}

func (p *catParser) outcome(path string, o *Outcome) error {
	return p.object(path, "an object", []string{"number", "text", "criteria"}, func(key, path string) error {
		switch key {
		case "number":
			return p.outcomeNumber(path, &o.Number)
		case "text":
			return p.str(path, &o.Text)
		case "criteria":
			return p.list(path, func(path string) error {
				o.Criteria = append(o.Criteria, Criterion{})
				cr := &o.Criteria[len(o.Criteria)-1]
				return p.object(path, "an object", []string{"number", "text"}, func(key, path string) error {
					switch key {
					case "number":
						return p.str(path, &cr.Number)
					case "text":
						return p.str(path, &cr.Text)
					}
					return errUnknownKey
				})
			})
		}
		return errUnknownKey
	})
}

func (p *catParser) qualification(path string, q *Qualification) error {
	return p.object(path, "an object", []string{"code", "title", "level", "min_credits", "groups"}, func(key, path string) error {
		switch key {
		case "code":
			return p.str(path, &q.Code)
		case "title":
			return p.str(path, &q.Title)
		case "level":
			return p.integer(path, &q.Level)
		case "min_credits":
			return p.integer(path, &q.MinCredits)
		case "min_credits_at_or_above":
			q.AtOrAbove = &LevelCredits{}
			return p.object(path, "an object", []string{"level", "credits"}, func(key, path string) error {
				switch key {
				case "level":
					return p.integer(path, &q.AtOrAbove.Level)
				case "credits":
					return p.integer(path, &q.AtOrAbove.Credits)
				}
				return errUnknownKey
			})
		case "groups":
			return p.list(path, func(path string) error {
				q.Groups = append(q.Groups, Group{})
				return p.group(path, &q.Groups[len(q.Groups)-1])
			})
		}
		return errUnknownKey
	})
}

func (p *catParser) group(path string, g *Group) error {
	return p.object(path, "an object", []string{"name", "mandatory", "min_credits", "units"}, func(key, path string) error {
		switch key {
		case "name":
			return p.str(path, &g.Name)
		case "mandatory":
			return p.boolean(path, &g.Mandatory)
		case "min_credits":
			return p.integer(path, &g.MinCredits)
		case "max_credits":
			// null is the one place a null belongs: no cap.
			if p.peekNull() {
				_, err := p.token(path, "value")
				return err
			}
			g.MaxCredits = new(int)
			return p.integer(path, g.MaxCredits)
		case "units":
			return p.list(path, func(path string) error {
				g.Units = append(g.Units, "")
				return p.str(path, &g.Units[len(g.Units)-1])
			})
		}
		return errUnknownKey
	})
}

// peekNull reports whether the next value is null, without reading it.
func (p *catParser) peekNull() bool {
	rest := p.data[p.dec.InputOffset():]
	rest = bytes.TrimLeft(rest, " \t\r\n:")
	return bytes.HasPrefix(rest, []byte("null"))
}
