package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// A damaged page does not always make SQLite fail: a leaf whose cell count
// was cut short simply returns fewer rows, and an export of 4,970 people of
// 5,000 exits 0. Commands that write something a person will rely on (an
// export, a certificate run, a backup) first run SQLite's quick_check over
// the tables they read, which finds such pages in milliseconds a table.

// quickCheck runs PRAGMA quick_check on each table (and its indexes), or on
// the whole database when none is named, failing with ErrDamaged and the
// first problem SQLite names.
//
// On PostgreSQL the server checks each page as it reads it (and with data
// checksums, its contents), failing the query rather than returning fewer
// rows, so there is nothing for the store to run first.
func (s *Store) quickCheck(ctx context.Context, tables ...string) error {
	if s.pg {
		return nil
	}
	if len(tables) == 0 {
		return s.quickCheckOne(ctx, `PRAGMA quick_check(20)`, "")
	}
	for _, t := range tables {
		if err := s.quickCheckOne(ctx, `PRAGMA quick_check("`+strings.ReplaceAll(t, `"`, `""`)+`")`, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) quickCheckOne(ctx context.Context, query, table string) error {
	where := "the database"
	if table != "" {
		where = "table " + table
	}
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return s.damagedErr(where, err.Error())
	}
	defer rows.Close()
	// SQLite may put several problems in one row, one a line, after a
	// "*** in database main ***" heading; a line naming a page is the most
	// use to a person, so it is preferred.
	var first, page string
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return s.damagedErr(where, err.Error())
		}
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line == "ok" || strings.HasPrefix(line, "***") {
				continue
			}
			if first == "" {
				first = line
			}
			if page == "" && strings.Contains(strings.ToLower(line), "page ") {
				page = line
			}
		}
	}
	// SQLite may give up part-way on a page it cannot read, after naming it.
	err = rows.Err()
	switch {
	case page != "":
		return s.damagedErr(where, page)
	case first != "":
		return s.damagedErr(where, first)
	case err != nil:
		return s.damagedErr(where, err.Error())
	}
	return nil
}

func (s *Store) damagedErr(where, what string) error {
	what = strings.Join(strings.Fields(what), " ")
	return fmt.Errorf("%w: %s: %s (run cascade check --db %s)",
		model.ErrDamaged, where, what, s.path)
}

// QuickCheck fails with ErrDamaged naming the first damaged page SQLite
// finds; commands call it before writing what they read.
func (s *Store) QuickCheck(ctx context.Context) error { return s.quickCheck(ctx) }

// damageOf turns a query that met a damaged page into ErrDamaged naming the
// page, found by checking the tables the query reads.
func (s *Store) damageOf(ctx context.Context, err error, tables ...string) error {
	if err == nil || !isCorrupt(err) || errors.Is(err, model.ErrDamaged) {
		return err
	}
	if cerr := s.quickCheck(ctx, tables...); cerr != nil {
		return cerr
	}
	return s.damagedErr("the database", err.Error())
}

var tableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)`)

// tablesOf lists the tables a query reads, each once.
func tablesOf(query string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range tableRef.FindAllStringSubmatch(query, -1) {
		if t := strings.ToLower(m[1]); !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
