package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PreviewImport reads and checks a file without taking the write lock: the
// rows it holds and every problem, for the Import screen to show.
func (s *Store) PreviewImport(ctx context.Context, kind, path string) (*model.ImportResult, error) {
	res, sh, err := startImport(kind, path)
	if err != nil || sh == nil {
		return res, err
	}
	look, err := loadLookups(ctx, s.db)
	if err != nil {
		return nil, err
	}
	plan, probs := model.Validate(sh, kind, look)
	res.Problems = probs
	if plan != nil {
		res.Added = plan.Added()
	}
	return res, nil
}

// Import adds every row of a CSV or XLSX file in one transaction, or nothing:
// when any row is wrong it returns an *ImportError listing every problem.
func (s *Store) Import(ctx context.Context, by model.User, kind, path string, opt model.ImportOptions) (*model.ImportResult, error) {
	if err := s.require(ctx, by, model.ActImport); err != nil {
		return nil, err
	}
	res, sh, err := startImport(kind, path)
	if err != nil {
		return res, err
	}
	if sh == nil {
		return res, &model.ImportError{File: path, Problems: res.Problems}
	}
	res.DryRun = opt.DryRun
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		look, err := loadLookups(ctx, tx)
		if err != nil {
			return err
		}
		plan, probs := model.Validate(sh, kind, look)
		if len(probs) > 0 {
			res.Problems = probs
			return &model.ImportError{File: path, Problems: probs}
		}
		res.Added = plan.Added()
		if opt.DryRun {
			return nil
		}
		if err := s.insertPlan(ctx, tx, plan, look, opt.Progress); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "import", kind, "", nil, map[string]any{
			"file": filepath.Base(path), "rows": res.Added})
	})
	if err != nil {
		var ie *model.ImportError
		if errors.As(err, &ie) {
			return res, err
		}
		return res, fmt.Errorf("import %s from %s: %w", kind, path, err)
	}
	return res, nil
}

// startImport reads the file; a file that cannot be read at all comes back
// with its one problem and a nil sheet.
func startImport(kind, path string) (*model.ImportResult, *model.Sheet, error) {
	cols, ok := model.ImportColumnsOf[kind]
	if !ok {
		return nil, nil, fmt.Errorf("%w: cannot import %q; choose %s", model.ErrInvalid, kind, strings.Join(model.ImportKinds(), ", "))
	}
	res := &model.ImportResult{Kind: kind, File: path, Header: cols}
	sh, p := model.ReadSheet(path)
	if p != nil {
		res.Problems = []model.ImportProblem{*p}
		return res, nil, nil
	}
	// The preview shows the file's cells in export order, whatever order the file uses.
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range sh.Header {
			if strings.ToLower(strings.TrimSpace(h)) == c {
				idx[i] = j
			}
		}
	}
	for _, r := range sh.Rows {
		if model.Blank(r.Cells) {
			continue
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			if j >= 0 && j < len(r.Cells) {
				row[i] = r.Cells[j]
			}
		}
		res.Rows = append(res.Rows, row)
		res.RowNums = append(res.RowNums, r.Num)
	}
	return res, sh, nil
}

func loadLookups(ctx context.Context, q querier) (*model.ImportLookups, error) {
	look := &model.ImportLookups{Cohorts: map[int]int64{}, Hosts: map[string]int64{},
		People: map[string]model.PersonKind{}, MaxID: map[string]int64{}}
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
		look.Cohorts[n] = id
		return err
	})
	if err == nil {
		err = scan(`SELECT id, name FROM hosts`, func(r *sql.Rows) error {
			var id int64
			var name string
			err := r.Scan(&id, &name)
			look.Hosts[strings.ToLower(strings.TrimSpace(name))] = id
			return err
		})
	}
	if err == nil {
		err = scan(`SELECT lower(p.email), coalesce(o.id, 0), coalesce(o.role, ''), coalesce(t.id, 0)
			FROM people p LEFT JOIN organisers o ON o.person_id = p.id LEFT JOIN trainers t ON t.person_id = p.id`,
			func(r *sql.Rows) error {
				var email string
				var k model.PersonKind
				err := r.Scan(&email, &k.OrganiserID, &k.Role, &k.TrainerID)
				look.People[email] = k
				return err
			})
	}
	for _, table := range []string{"people", "organisers", "trainers"} {
		if err != nil {
			break
		}
		var max int64
		err = q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&max)
		look.MaxID[table] = max
	}
	if err != nil {
		return nil, fmt.Errorf("read existing records: %w", err)
	}
	return look, nil
}

// insertPlan writes a validated plan. People get ids in file order, so an
// export lists them in the order the file did, though rows referring to later
// rows are written after them.
func (s *Store) insertPlan(ctx context.Context, tx *sql.Tx, plan *model.ImportPlan, look *model.ImportLookups, progress func(int, int)) error {
	now := model.Now()
	total := plan.Added()
	report := func(done int) {
		if progress != nil && (done%500 == 0 || done == total) {
			progress(done, total)
		}
	}
	switch plan.Kind {
	case model.KindCohorts:
		st, err := tx.PrepareContext(ctx, `INSERT INTO cohorts (number, host_induction_on, training_starts_on, training_ends_on, created_at)
			VALUES ($1, $2, $3, $4, $5)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, c := range plan.Cohorts {
			if _, err := st.ExecContext(ctx, c.Number, c.Induction, c.Starts, c.Ends, now); err != nil {
				return fmt.Errorf("cohort %d: %w", c.Number, err)
			}
			report(i + 1)
		}
	case model.KindHosts:
		st, err := tx.PrepareContext(ctx, `INSERT INTO hosts (name, region, setting, kickstarter, partner, cohort_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, h := range plan.Hosts {
			if _, err := st.ExecContext(ctx, h.Name, h.Region, h.Setting, h.Kickstarter, h.Partner, h.CohortID, now); err != nil {
				return fmt.Errorf("host %q: %w", h.Name, err)
			}
			report(i + 1)
		}
	default:
		return s.insertPeople(ctx, tx, plan, look, now, report)
	}
	return nil
}

func (s *Store) insertPeople(ctx context.Context, tx *sql.Tx, plan *model.ImportPlan, look *model.ImportLookups, now string, report func(int)) error {
	roleTable := "organisers"
	if plan.Kind == model.KindTrainers {
		roleTable = "trainers"
	}
	for i := range plan.People {
		plan.People[i].PersonID = look.MaxID["people"] + int64(i) + 1
		plan.People[i].RoleID = look.MaxID[roleTable] + int64(i) + 1
	}
	w := newBatchInserter(ctx, tx)
	defer w.close()
	for n, i := range plan.Order {
		p := &plan.People[i]
		parent := p.ParentID
		if p.Parent >= 0 {
			parent = plan.People[p.Parent].RoleID
		}
		if err := w.add("people", `INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES `,
			6, p.PersonID, p.Given, p.Family, p.Email, now, now); err != nil {
			return fmt.Errorf("row %d: %w", p.Row, err)
		}
		var err error
		if plan.Kind == model.KindOrganisers {
			err = w.add("organisers", `INSERT INTO organisers (id, person_id, role, host_id, cohort_id, supported_by_id, starts_on,
				status, created_at, updated_at) VALUES `, 10,
				p.RoleID, p.PersonID, p.Role, p.HostID, p.CohortID, parent, p.StartsOn, "active", now, now)
		} else {
			err = w.add("trainers", `INSERT INTO trainers (id, person_id, organisation, trained_by_id, trained_on, status, created_at) VALUES `,
				7, p.RoleID, p.PersonID, p.Organisation, parent, p.TrainedOn, p.Status, now)
		}
		if err == nil {
			err = w.rowDone()
		}
		if err != nil {
			return fmt.Errorf("row %d: %w", p.Row, err)
		}
		report(n + 1)
	}
	if err := w.flush(); err != nil {
		return err
	}
	return s.syncIdentities(ctx, tx)
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
			// Numbered, as everywhere else: PostgreSQL has no bare ?.
			fmt.Fprintf(&sb, "$%d", i*cols+j+1)
		}
		sb.WriteByte(')')
	}
	return sb.String()
}
