package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// The store keeps one SQL text per query for both SQLite and PostgreSQL.
// Where the two cannot share a text, the difference is one of the small
// functions here, kept beside each other so a reader sees every place the
// dialects part.

// sql picks the SQLite or PostgreSQL text of a query the two cannot share.
func (s *Store) sql(sqliteText, pgText string) string {
	if s.pg {
		return pgText
	}
	return sqliteText
}

// syncIdentities moves each identity column's sequence past the highest id
// its table holds. The demo and the importers write ids themselves (rows
// refer to one another before they are written); PostgreSQL's sequences do
// not see such ids, so without this the next row added by a screen would be
// given an id already taken. SQLite picks max(rowid)+1 itself: nothing to do.
func (s *Store) syncIdentities(ctx context.Context, q execQuerier) error {
	if !s.pg {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("read identity columns: %w", err)
	}
	var cols [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, [2]string{t, c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, tc := range cols {
		// setval(…, false) makes the next id max+1, and 1 for an empty table.
		stmt := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', '%[2]s'),
			coalesce((SELECT max(%[2]s) FROM %[1]s), 0) + 1, false)`, tc[0], tc[1])
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("move %s.%s past its rows: %w", tc[0], tc[1], err)
		}
	}
	return nil
}

// yearAfter is the ISO date (TEXT, YYYY-MM-DD…) one year after the ISO date
// column col, as text that compares as dates do, in both dialects: the year
// goes up by one and the rest stays. 29 February gives 29 February of a
// year without one, which compares as SQLite's date(col, '+1 year')
// (1 March) does against any real date.
func yearAfter(col string) string {
	return fmt.Sprintf("(CAST(CAST(substr(%[1]s, 1, 4) AS INTEGER) + 1 AS TEXT) || substr(%[1]s, 5))", col)
}

// isUniqueViolation reports a write refused by a UNIQUE constraint or
// index: SQLite's "UNIQUE constraint failed", PostgreSQL's 23505.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// summedByServer is q for SQLite, whose caller adds its rows up, and for
// PostgreSQL q's rows added up by the server: grouped by q's columns keys,
// its columns sums summed (q names each column so). SQLite groups by
// sorting, which at scale 10 costs more than handing each row to Go (issue
// 14); PostgreSQL hashes a group cheaply and hands rows over dearly. Added
// up, the rows are the same either way, so one SQL text serves both.
func (s *Store) summedByServer(q string, keys, sums []string) string {
	if !s.pg {
		return q
	}
	cols := slices.Clone(keys)
	for _, c := range sums {
		cols = append(cols, "sum("+c+")")
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM (" + q + ") summed GROUP BY " + strings.Join(keys, ", ")
}
