package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

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

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PreviewImport reads and checks a file without taking the write lock: the
// rows it holds and every problem, for the Import screen to show.
func (s *Store) PreviewImport(ctx context.Context, kind, path string) (*ImportResult, error) {
	res, sh, err := startImport(kind, path)
	if err != nil || sh == nil {
		return res, err
	}
	look, err := loadLookups(ctx, s.db)
	if err != nil {
		return nil, err
	}
	plan, probs := validate(sh, kind, look)
	res.Problems = probs
	if plan != nil {
		res.Added = plan.added()
	}
	return res, nil
}

// Import adds every row of a CSV or XLSX file in one transaction, or nothing:
// when any row is wrong it returns an *ImportError listing every problem.
func (s *Store) Import(ctx context.Context, kind, path string, opt ImportOptions) (*ImportResult, error) {
	res, sh, err := startImport(kind, path)
	if err != nil {
		return res, err
	}
	if sh == nil {
		return res, &ImportError{File: path, Problems: res.Problems}
	}
	res.DryRun = opt.DryRun
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		look, err := loadLookups(ctx, tx)
		if err != nil {
			return err
		}
		plan, probs := validate(sh, kind, look)
		if len(probs) > 0 {
			res.Problems = probs
			return &ImportError{File: path, Problems: probs}
		}
		res.Added = plan.added()
		if opt.DryRun {
			return nil
		}
		if err := s.insertPlan(ctx, tx, plan, look, opt.Progress); err != nil {
			return err
		}
		return s.audit(ctx, tx, "import", kind, "", nil, map[string]any{
			"file": filepath.Base(path), "rows": res.Added})
	})
	if err != nil {
		var ie *ImportError
		if errors.As(err, &ie) {
			return res, err
		}
		return res, fmt.Errorf("import %s from %s: %w", kind, path, err)
	}
	return res, nil
}

// startImport reads the file; a file that cannot be read at all comes back
// with its one problem and a nil sheet.
func startImport(kind, path string) (*ImportResult, *sheet, error) {
	cols, ok := importColumns[kind]
	if !ok {
		return nil, nil, fmt.Errorf("%w: cannot import %q; choose %s", ErrInvalid, kind, strings.Join(ImportKinds(), ", "))
	}
	res := &ImportResult{Kind: kind, File: path, Header: cols}
	sh, p := readSheet(path)
	if p != nil {
		res.Problems = []ImportProblem{*p}
		return res, nil, nil
	}
	// The preview shows the file's cells in export order, whatever order the file uses.
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range sh.header {
			if strings.ToLower(strings.TrimSpace(h)) == c {
				idx[i] = j
			}
		}
	}
	for _, r := range sh.rows {
		if blank(r.cells) {
			continue
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			if j >= 0 && j < len(r.cells) {
				row[i] = r.cells[j]
			}
		}
		res.Rows = append(res.Rows, row)
		res.RowNums = append(res.RowNums, r.num)
	}
	return res, sh, nil
}

func loadLookups(ctx context.Context, q querier) (*importLookups, error) {
	look := &importLookups{cohorts: map[int]int64{}, hosts: map[string]int64{},
		people: map[string]personKind{}, maxID: map[string]int64{}}
	scan := func(query string, each func(rows *sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := scan(`SELECT id, number FROM cohorts`, func(r *sql.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		look.cohorts[n] = id
		return err
	})
	if err == nil {
		err = scan(`SELECT id, name FROM hosts`, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			look.hosts[strings.ToLower(strings.TrimSpace(name))] = id
			return err
		})
	}
	if err == nil {
		err = scan(`SELECT lower(p.email), coalesce(o.id, 0), coalesce(o.role, ''), coalesce(t.id, 0)
			FROM people p LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN trainers t ON t.person_id = p.id`,
			func(r *sql.Rows) error {
				var email string
				var k personKind
				err := r.Scan(&email, &k.organiserID, &k.role, &k.trainerID)
				look.people[email] = k
				return err
			})
	}
	for _, table := range []string{"people", "organisers", "trainers"} {
		if err != nil {
			break
		}
		var max int64
		err = q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&max)
		look.maxID[table] = max
	}
	if err != nil {
		return nil, fmt.Errorf("read existing records: %w", err)
	}
	return look, nil
}

// insertPlan writes a validated plan. People get ids in file order, so an
// export lists them in the order the file did, though rows referring to later
// rows are written after them.
func (s *Store) insertPlan(ctx context.Context, tx *sql.Tx, plan *importPlan, look *importLookups, progress func(int, int)) error {
	now := Now()
	total := plan.added()
	report := func(done int) {
		if progress != nil && (done%500 == 0 || done == total) {
			progress(done, total)
		}
	}
	switch plan.kind {
	case KindCohorts:
		st, err := tx.PrepareContext(ctx, `INSERT INTO cohorts (number, host_induction_on, training_starts_on, training_ends_on, created_at)
			VALUES ($1, $2, $3, $4, $5)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, c := range plan.cohorts {
			if _, err := st.ExecContext(ctx, c.number, c.induction, c.starts, c.ends, now); err != nil {
				return fmt.Errorf("cohort %d: %w", c.number, err)
			}
			report(i + 1)
		}
	case KindHosts:
		st, err := tx.PrepareContext(ctx, `INSERT INTO hosts (name, region, setting, kickstarter, partner, cohort_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, h := range plan.hosts {
			if _, err := st.ExecContext(ctx, h.name, h.region, h.setting, h.kickstarter, h.partner, h.cohortID, now); err != nil {
				return fmt.Errorf("host %q: %w", h.name, err)
			}
			report(i + 1)
		}
	default:
		return s.insertPeople(ctx, tx, plan, look, now, report)
	}
	return nil
}

func (s *Store) insertPeople(ctx context.Context, tx *sql.Tx, plan *importPlan, look *importLookups, now string, report func(int)) error {
	roleTable := "organisers"
	if plan.kind == KindTrainers {
		roleTable = "trainers"
	}
	for i := range plan.people {
		plan.people[i].personID = look.maxID["people"] + int64(i) + 1
		plan.people[i].roleID = look.maxID[roleTable] + int64(i) + 1
	}
	w := newBatchInserter(ctx, tx)
	defer w.close()
	for n, i := range plan.order {
		p := &plan.people[i]
		parent := p.parentID
		if p.parent >= 0 {
			parent = plan.people[p.parent].roleID
		}
		if err := w.add("people", `INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES `,
			6, p.personID, p.given, p.family, p.email, now, now); err != nil {
			return fmt.Errorf("row %d: %w", p.row, err)
		}
		var err error
		if plan.kind == KindOrganisers {
			err = w.add("organisers", `INSERT INTO organisers (id, person_id, role, host_id, cohort_id, supported_by_id, starts_on,
				status, created_at, updated_at) VALUES `, 10,
				p.roleID, p.personID, p.role, p.hostID, p.cohortID, parent, p.startsOn, "active", now, now)
		} else {
			err = w.add("trainers", `INSERT INTO trainers (id, person_id, organisation, trained_by_id, trained_on, status, created_at) VALUES `,
				7, p.roleID, p.personID, p.organisation, parent, p.trainedOn, p.status, now)
		}
		if err == nil {
			err = w.rowDone()
		}
		if err != nil {
			return fmt.Errorf("row %d: %w", p.row, err)
		}
		report(n + 1)
	}
	return w.flush()
}

// batchInserter writes rows many to a statement, which is several times
// faster than one statement per row. Tables flush in the order first added,
// so a row is always written after the rows it refers to.
type batchInserter struct {
	ctx    context.Context
	tx     *sql.Tx
	order  []string
	tables map[string]*batchTable
}

type batchTable struct {
	prefix string
	cols   int
	args   []any
	full   *sql.Stmt
}

const batchRows = 100

func newBatchInserter(ctx context.Context, tx *sql.Tx) *batchInserter {
	return &batchInserter{ctx: ctx, tx: tx, tables: map[string]*batchTable{}}
}

func (b *batchInserter) add(table, prefix string, cols int, args ...any) error {
	t, ok := b.tables[table]
	if !ok {
		t = &batchTable{prefix: prefix, cols: cols}
		b.tables[table] = t
		b.order = append(b.order, table)
	}
	t.args = append(t.args, args...)
	return nil
}

// rowDone flushes once a batch is full; callers call it after adding one
// record's rows to every table, so all tables flush full batches together.
func (b *batchInserter) rowDone() error {
	for _, t := range b.tables {
		if len(t.args) >= batchRows*t.cols {
			return b.flush()
		}
	}
	return nil
}

func (b *batchInserter) flush() error {
	for _, name := range b.order {
		t := b.tables[name]
		n := len(t.args) / t.cols
		if n == 0 {
			continue
		}
		var err error
		if n == batchRows {
			if t.full == nil {
				if t.full, err = b.tx.PrepareContext(b.ctx, t.prefix+valuesList(n, t.cols)); err != nil {
					return err
				}
			}
			_, err = t.full.ExecContext(b.ctx, t.args...)
		} else {
			_, err = b.tx.ExecContext(b.ctx, t.prefix+valuesList(n, t.cols), t.args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", name, err)
		}
		t.args = t.args[:0]
	}
	return nil
}

func (b *batchInserter) close() {
	for _, t := range b.tables {
		if t.full != nil {
			t.full.Close()
		}
	}
}

// valuesList is "(?, ?), (?, ?)" for n rows of cols values. Bulk inserts
// use anonymous placeholders, the one exception to our $1 style: SQLite looks
// a numbered parameter's name up in a list for every value bound, which with
// a thousand values a statement cost more than the inserts themselves.
// (PostgreSQL would take this path through COPY instead.)
func valuesList(n, cols int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := 0; j < cols; j++ {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('?')
		}
		sb.WriteByte(')')
	}
	return sb.String()
}
