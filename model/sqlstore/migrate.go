package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"cascade/model"
)

// MigrateOptions says who moves a programme and who watches it move.
type MigrateOptions struct {
	// SignIn says who the migrate acts as, signed in on the opened source;
	// nil acts as the operating-system user (model.LocalUser).
	SignIn func(ctx context.Context, src *Store) (model.User, error)
	// Progress, when set, is called as rows and evidence files are copied:
	// done of total (rows plus files).
	Progress func(done, total int64)
}

// MigrateResult says what a migrate copied.
type MigrateResult struct {
	From, To      string // as shown: a file's path, a server URL without its password
	SchemaVersion int64
	Tables        int
	Rows          int64
	Files         int
	FileBytes     int64
	// Problems names each evidence file a backup could not keep (missing,
	// or no longer matching its SHA-256); a migrate refuses instead.
	Problems []model.Problem
}

// Migrate copies the whole programme at from into a new programme at to;
// each is a SQLite file or a postgres:// URL. Every table's rows keep their
// ids, the audit log and the signing key are copied verbatim (so the hash
// chain and every certificate still verify), and the evidence files follow.
//
// It refuses, changing nothing, a source that is not a programme or whose
// schema version is not this binary's, and a target that already holds a
// programme. The rows land in one transaction on the target: a failure or a
// kill part-way leaves no programme there (on a server, at most Cascade's
// empty tables, which a second migrate fills).
func Migrate(ctx context.Context, from, to string, opt MigrateOptions) (MigrateResult, error) {
	res := MigrateResult{From: shownDB(from), To: shownDB(to)}
	if sameProgramme(from, to) {
		return res, fmt.Errorf("the source and the target are the same programme (%s)", res.From)
	}
	if err := probeSource(ctx, from); err != nil {
		return res, err
	}
	src, err := Open(ctx, from)
	if err != nil {
		return res, fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	by := model.LocalUser()
	if opt.SignIn != nil {
		if by, err = opt.SignIn(ctx, src); err != nil {
			return res, err
		}
	}
	// Moving a programme reads all of it, as a backup does.
	if err := src.require(ctx, by, model.ActBackup); err != nil {
		return res, err
	}
	got, err := src.migrateInto(ctx, to, opt.Progress, false)
	got.From, got.To = res.From, res.To
	return got, err
}

// shownDB is a --db value fit to show: a server URL loses its password.
func shownDB(db string) string {
	if IsServerURL(db) {
		return RedactURL(db)
	}
	return db
}

// sameProgramme reports from and to naming one programme.
func sameProgramme(from, to string) bool {
	if IsServerURL(from) || IsServerURL(to) {
		return from == to
	}
	a, err1 := filepath.Abs(from)
	b, err2 := filepath.Abs(to)
	return err1 == nil && err2 == nil && a == b
}

// probeSource refuses, before anything opens it for writing, a source that
// is no programme or whose schema is not this binary's: Open would bring an
// older one up to date, changing it, and a newer one has tables this binary
// would not know to copy.
func probeSource(ctx context.Context, from string) error {
	var v int64
	if IsServerURL(from) {
		s, err := dialServer(ctx, from)
		if err != nil {
			return fmt.Errorf("source: %w", err)
		}
		defer s.db.Close()
		if err := s.checkServerProgramme(ctx, false); err != nil {
			return fmt.Errorf("source %s: %w", s.path, err)
		}
		if v, err = s.dbSchemaVersion(ctx); err != nil {
			return fmt.Errorf("source %s: read schema version: %w", s.path, err)
		}
	} else {
		if _, err := checkOpenable(from, false); err != nil {
			return fmt.Errorf("source: %w", err)
		}
		abs, err := filepath.Abs(from)
		if err != nil {
			return fmt.Errorf("source %s: %w", from, err)
		}
		if err := probeProgramme(ctx, abs, false); err != nil {
			return fmt.Errorf("source %s: %w", from, err)
		}
		db, err := sql.Open("sqlite", dsnReadOnly(abs, false))
		if err != nil {
			return fmt.Errorf("source %s: %w", from, err)
		}
		defer db.Close()
		if v, err = (&Store{db: db}).dbSchemaVersion(ctx); err != nil {
			if isNotADatabase(err) {
				err = model.ErrNotSQLite
			}
			return fmt.Errorf("source %s: read schema version: %w", from, err)
		}
	}
	known := KnownSchemaVersion()
	switch {
	case v == 0:
		return fmt.Errorf("source %s: %w: it has no Cascade schema", shownDB(from), model.ErrNotProgramme)
	case v < known:
		return fmt.Errorf("source %s has schema version %d and this cascade copies version %d: open it once with this cascade (cascade check --db %s) to bring it up to date, then migrate",
			shownDB(from), v, known, shownDB(from))
	case v > known:
		return fmt.Errorf("source %s: %w: it has schema version %d, this cascade knows up to %d; use a newer cascade",
			shownDB(from), model.ErrNewerSchema, v, known)
	}
	return nil
}

// dialServer connects to a server without touching its schema.
func dialServer(ctx context.Context, dsn string) (*Store, error) {
	return connectServer(ctx, dsn, "open")
}

// migrateSkip are the tables migrate does not copy row by row: goose's own
// (the target's migrations write it), SQLite's internal ones, and the
// server's evidence file contents, copied as files.
func migrateSkip(table string) bool {
	return table == "goose_db_version" || strings.HasPrefix(table, "sqlite_") ||
		table == "evidence_blobs" || table == "evidence_blob_chunks"
}

// migrateTarget is the new programme being filled and how to finish it.
type migrateTarget struct {
	s *Store
	// tmp is the SQLite file being filled, renamed to final when whole.
	tmp, final string
}

// newTarget makes an empty programme's schema at to: a SQLite file under a
// temporary name beside it (so a kill leaves no programme at to), or
// Cascade's tables in an empty server database.
func newTarget(ctx context.Context, to string) (*migrateTarget, error) {
	if IsServerURL(to) {
		s, err := openServer(ctx, to, true, false)
		if err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		return &migrateTarget{s: s}, nil
	}
	if _, err := checkOpenable(to, true); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if entries, err := os.ReadDir(to + ".files"); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("target %s: %w: its evidence folder %s.files already holds files (remove it first)", to, model.ErrExists, to)
	}
	abs, err := filepath.Abs(to)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", to, err)
	}
	dir := filepath.Dir(abs)
	sweepMigrateTemporaries(dir)
	buf := make([]byte, 6)
	rand.Read(buf)
	tmp := filepath.Join(dir, fmt.Sprintf("%s%d-%s.db", migrateTempPrefix, os.Getpid(), hex.EncodeToString(buf)))
	if err := makeEmptyFile(tmp); err != nil {
		return nil, fmt.Errorf("target %s: %w", to, err)
	}
	s, err := open(ctx, tmp, tmp, false, nil)
	if err != nil {
		removeDatabase(tmp)
		return nil, fmt.Errorf("target %s: %w", to, err)
	}
	return &migrateTarget{s: s, tmp: tmp, final: abs}, nil
}

// abandon closes the target and removes what a SQLite target had made.
func (t *migrateTarget) abandon() {
	t.s.Close()
	if t.tmp != "" {
		removeDatabase(t.tmp)
		os.RemoveAll(t.tmp + ".files")
	}
}

// finish closes the target and puts a SQLite file in place: its evidence
// folder first, then the file itself by a link that refuses to replace a
// file someone made there meanwhile.
func (t *migrateTarget) finish() error {
	if err := t.s.Close(); err != nil {
		t.abandon()
		return err
	}
	if t.tmp == "" {
		return nil
	}
	movedFiles := false
	if _, err := os.Stat(t.tmp + ".files"); err == nil {
		if err := os.Rename(t.tmp+".files", t.final+".files"); err != nil {
			t.abandon()
			return fmt.Errorf("put the evidence folder in place: %w", err)
		}
		movedFiles = true
	}
	if err := os.Link(t.tmp, t.final); err != nil {
		if movedFiles {
			os.Rename(t.final+".files", t.tmp+".files")
		}
		t.abandon()
		return fmt.Errorf("put %s in place: %w", t.final, err)
	}
	removeDatabase(t.tmp)
	return nil
}

// migrateTempPrefix names a migrate's file being filled; the pid after it
// lets a later migrate remove a killed one's leftovers.
const migrateTempPrefix = ".cascade-migrate-"

// sweepMigrateTemporaries removes what migrates killed part-way left in dir.
func sweepMigrateTemporaries(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), migrateTempPrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		if pid, err := strconv.Atoi(pidText); err == nil && pid != os.Getpid() && !alive(pid) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// migrateTable is one table to copy, with its columns in the target's order.
type migrateTable struct {
	name     string
	cols     []string
	hasID    bool
	selfRefs map[string]bool // columns referring to this table's own id
}

// schemaInfo is a database's tables, their columns and what each refers to.
type schemaInfo struct {
	cols map[string][]string
	// refs[t][col] is the table t's column col refers to.
	refs map[string]map[string]string
}

// readSchema reads schemaInfo through q (the source's snapshot or the target).
func readSchema(ctx context.Context, q querier, pg bool) (schemaInfo, error) {
	info := schemaInfo{cols: map[string][]string{}, refs: map[string]map[string]string{}}
	colsQ := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`
	refsQ := `SELECT m.name, f."table", f."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table'`
	if pg {
		colsQ = `SELECT c.table_name, c.column_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name, c.ordinal_position`
		refsQ = `SELECT cl.relname, fl.relname, a.attname FROM pg_constraint c
			JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class fl ON fl.oid = c.confrelid
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
			WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`
	}
	rows, err := q.QueryContext(ctx, colsQ)
	if err != nil {
		return info, fmt.Errorf("read the tables: %w", err)
	}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return info, fmt.Errorf("read the tables: %w", err)
		}
		info.cols[t] = append(info.cols[t], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("read the tables: %w", err)
	}
	rows, err = q.QueryContext(ctx, refsQ)
	if err != nil {
		return info, fmt.Errorf("read the tables' references: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, parent, col string
		if err := rows.Scan(&t, &parent, &col); err != nil {
			return info, fmt.Errorf("read the tables' references: %w", err)
		}
		if info.refs[t] == nil {
			info.refs[t] = map[string]string{}
		}
		info.refs[t][col] = parent
	}
	return info, rows.Err()
}

// migratePlan orders the target's tables so every table comes after the
// ones it refers to, and refuses a source whose tables or columns differ.
func migratePlan(src, dst schemaInfo) ([]migrateTable, error) {
	var names []string
	for t := range dst.cols {
		if !migrateSkip(t) {
			names = append(names, t)
		}
	}
	sort.Strings(names)
	for t := range src.cols {
		if !migrateSkip(t) && dst.cols[t] == nil {
			return nil, fmt.Errorf("the source has a table %s this cascade's schema does not", t)
		}
	}
	for _, t := range names {
		have := map[string]bool{}
		for _, c := range src.cols[t] {
			have[c] = true
		}
		if src.cols[t] == nil {
			return nil, fmt.Errorf("the source has no table %s", t)
		}
		if len(have) != len(dst.cols[t]) {
			return nil, fmt.Errorf("the source's table %s has columns %s, this cascade's has %s",
				t, strings.Join(src.cols[t], ", "), strings.Join(dst.cols[t], ", "))
		}
		for _, c := range dst.cols[t] {
			if !have[c] {
				return nil, fmt.Errorf("the source's table %s has no column %s", t, c)
			}
		}
	}
	var order []migrateTable
	done := map[string]bool{}
	var visit func(t string, path []string) error
	visit = func(t string, path []string) error {
		if done[t] {
			return nil
		}
		for _, p := range path {
			if p == t {
				return fmt.Errorf("the tables refer to one another in a circle: %s", strings.Join(append(path, t), " → "))
			}
		}
		mt := migrateTable{name: t, cols: dst.cols[t], selfRefs: map[string]bool{}}
		var parents []string
		for col, parent := range dst.refs[t] {
			if parent == t {
				mt.selfRefs[col] = true
			} else if !migrateSkip(parent) {
				parents = append(parents, parent)
			}
		}
		sort.Strings(parents)
		for _, p := range parents {
			if err := visit(p, append(path, t)); err != nil {
				return err
			}
		}
		for _, c := range mt.cols {
			mt.hasID = mt.hasID || c == "id"
		}
		done[t] = true
		order = append(order, mt)
		return nil
	}
	for _, t := range names {
		if err := visit(t, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// migrateCopy is one migrate under way: the source's snapshot and the
// target's transaction.
type migrateCopy struct {
	src      *Store
	stx      *sql.Tx
	dst      *Store
	ttx      *sql.Tx
	done     int64
	total    int64
	progress func(done, total int64)
	// fixes are the updates made once every row is in: references to rows
	// copied later, and claims to submit once their lines are in.
	fixes []migrateFix
}

type migrateFix struct {
	table, col string
	id         int64
	value      any
}

// migrateInto copies this programme into a new one at to (see Migrate); it
// checks no role: Migrate and Backup do.
//
// With keepGoing (a backup) an evidence file missing or damaged at the
// source is left out and named in the result's Problems, as a file
// programme's backup does, rather than stopping the copy.
func (s *Store) migrateInto(ctx context.Context, to string, progress func(done, total int64), keepGoing bool) (MigrateResult, error) {
	res := MigrateResult{From: s.path, To: shownDB(to)}
	// One read transaction is one snapshot of the source, whatever other
	// desks write meanwhile.
	opts := &sql.TxOptions{ReadOnly: true}
	if s.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return res, fmt.Errorf("source %s: %w", s.path, err)
	}
	defer stx.Rollback()
	srcSchema, err := readSchema(ctx, stx, s.pg)
	if err != nil {
		return res, fmt.Errorf("source %s: %w", s.path, err)
	}
	if res.SchemaVersion, err = schemaVersionIn(ctx, stx); err != nil {
		return res, fmt.Errorf("source %s: read schema version: %w", s.path, err)
	}
	if known := KnownSchemaVersion(); res.SchemaVersion != known {
		return res, fmt.Errorf("source %s has schema version %d and this cascade copies version %d", s.path, res.SchemaVersion, known)
	}
	target, err := newTarget(ctx, to)
	if err != nil {
		return res, err
	}
	whole := false
	defer func() {
		if !whole {
			target.abandon()
		}
	}()
	dstSchema, err := readSchema(ctx, target.s.db, target.s.pg)
	if err != nil {
		return res, fmt.Errorf("target %s: %w", res.To, err)
	}
	plan, err := migratePlan(srcSchema, dstSchema)
	if err != nil {
		return res, fmt.Errorf("source %s: %w", s.path, err)
	}
	res.Tables = len(plan)
	ttx, err := target.s.beginWrite(ctx)
	if err != nil {
		return res, fmt.Errorf("target %s: %w", res.To, err)
	}
	defer ttx.Rollback()
	if !target.s.pg {
		// Checked at commit instead of row by row: the rows arrive whole
		// but not always after the rows they name. Lasts this transaction.
		if _, err := ttx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return res, fmt.Errorf("target %s: %w", res.To, err)
		}
	}
	c := &migrateCopy{src: s, stx: stx, dst: target.s, ttx: ttx, progress: progress}
	counts := map[string]int64{}
	for _, t := range plan {
		var n int64
		if err := stx.QueryRowContext(ctx, `SELECT count(*) FROM "`+t.name+`"`).Scan(&n); err != nil {
			return res, fmt.Errorf("source %s: count %s: %w", s.path, t.name, err)
		}
		counts[t.name] = n
		c.total += n
	}
	files, err := c.sourceFiles(ctx)
	if err != nil {
		return res, err
	}
	c.total += int64(len(files))
	for _, t := range plan {
		n, err := c.copyTable(ctx, t)
		if err != nil {
			return res, err
		}
		if n != counts[t.name] {
			return res, fmt.Errorf("source %s: table %s gave %d rows, counted %d", s.path, t.name, n, counts[t.name])
		}
		res.Rows += n
	}
	if err := c.applyFixes(ctx); err != nil {
		return res, err
	}
	if err := c.restoreRequeued(ctx); err != nil {
		return res, err
	}
	for _, t := range plan {
		var n int64
		if err := ttx.QueryRowContext(ctx, `SELECT count(*) FROM "`+t.name+`"`).Scan(&n); err != nil {
			return res, fmt.Errorf("target %s: count %s: %w", res.To, t.name, err)
		}
		if n != counts[t.name] {
			return res, fmt.Errorf("target %s: table %s holds %d rows after the copy, the source %d", res.To, t.name, n, counts[t.name])
		}
	}
	for _, f := range files {
		n, err := c.copyFile(ctx, f)
		var bad *badSourceFile
		if keepGoing && errors.As(err, &bad) {
			res.Problems = append(res.Problems, model.Problem{Where: s.files.where(f.sha), What: bad.what})
			c.step(1)
			continue
		}
		if err != nil {
			return res, err
		}
		res.Files++
		res.FileBytes += n
		c.step(1)
	}
	if target.s.pg {
		if err := c.moveSequences(ctx, plan); err != nil {
			return res, err
		}
	}
	if err := ttx.Commit(); err != nil {
		return res, fmt.Errorf("target %s: commit: %w", res.To, err)
	}
	whole = true
	if target.s.pg {
		// A server plans by its statistics, and tables filled in one
		// transaction have none until autovacuum comes round: without this
		// the accreditation report's first run on the moved scale 10 demo
		// took 81 s rather than about 1 s (the demo builder does the same).
		if _, err := target.s.db.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
			target.finish()
			return res, fmt.Errorf("target %s: the programme is moved whole, but the server's statistics were not gathered (run VACUUM ANALYZE there): %w", res.To, err)
		}
	}
	if err := target.finish(); err != nil {
		return res, fmt.Errorf("target %s: %w", res.To, err)
	}
	return res, nil
}

// schemaVersionIn reads the applied schema version inside a transaction.
func schemaVersionIn(ctx context.Context, q querier) (int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var v sql.NullInt64
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
	}
	return v.Int64, rows.Err()
}

func (c *migrateCopy) step(n int64) {
	c.done += n
	if c.progress != nil {
		c.progress(c.done, c.total)
	}
}

// migrateBatchParams bounds one INSERT's parameters (SQLite allows 32766,
// PostgreSQL 65535) and migrateBatchBytes its text and bytes, so a table
// streams through in pieces and never sits in memory whole.
const (
	migrateBatchParams = 4000
	migrateBatchBytes  = 4 << 20
)

// copyTable streams one table from the source's snapshot into the target.
func (c *migrateCopy) copyTable(ctx context.Context, t migrateTable) (int64, error) {
	quoted := make([]string, len(t.cols))
	idCol, statusCol := -1, -1
	for i, col := range t.cols {
		quoted[i] = `"` + col + `"`
		if col == "id" {
			idCol = i
		}
		if t.name == "claims" && col == "status" {
			statusCol = i
		}
	}
	q := `SELECT ` + strings.Join(quoted, ", ") + ` FROM "` + t.name + `"`
	if t.hasID {
		q += ` ORDER BY id`
	}
	rows, err := c.stx.QueryContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("source %s: read %s: %w", c.src.path, t.name, err)
	}
	defer rows.Close()
	perBatch := max(1, migrateBatchParams/len(t.cols))
	var batch []any
	var batchRows, bytes int
	var copied int64
	var firstID any
	// A full batch's statement is prepared once per table. SQLite is
	// given plain ? marks: it looks each $N up by name, which for
	// thousands in one statement costs more than the insert.
	insertSQL := func(n int) string {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO "` + t.name + `" (` + strings.Join(quoted, ", ") + `) VALUES `)
		for r := range n {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for i := range t.cols {
				if i > 0 {
					sb.WriteString(", ")
				}
				if c.dst.pg {
					fmt.Fprintf(&sb, "$%d", r*len(t.cols)+i+1)
				} else {
					sb.WriteByte('?')
				}
			}
			sb.WriteByte(')')
		}
		return sb.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	flush := func() error {
		if batchRows == 0 {
			return nil
		}
		var err error
		if batchRows == perBatch {
			if full == nil {
				full, err = c.ttx.PrepareContext(ctx, insertSQL(perBatch))
			}
			if err == nil {
				_, err = full.ExecContext(ctx, batch...)
			}
		} else {
			_, err = c.ttx.ExecContext(ctx, insertSQL(batchRows), batch...)
		}
		if err != nil {
			where := t.name
			if firstID != nil {
				where = fmt.Sprintf("%s rows from id %v", t.name, firstID)
			}
			return fmt.Errorf("target %s: write %s: %w", c.dst.path, where, err)
		}
		c.step(int64(batchRows))
		batch, batchRows, bytes, firstID = batch[:0], 0, 0, nil
		return nil
	}
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return copied, fmt.Errorf("source %s: read %s: %w", c.src.path, t.name, err)
		}
		var id int64
		if idCol >= 0 {
			id, _ = vals[idCol].(int64)
			if firstID == nil {
				firstID = id
			}
		}
		for i, v := range vals {
			switch x := v.(type) {
			case string:
				bytes += len(x)
				if c.dst.pg && (strings.IndexByte(x, 0) >= 0 || !utf8.ValidString(x)) {
					return copied, fmt.Errorf("source %s: %s row %s column %s holds text PostgreSQL cannot hold (a NUL byte or bytes that are not UTF-8); correct it on the source first",
						c.src.path, t.name, rowName(id, idCol, vals), t.cols[i])
				}
			case []byte:
				bytes += len(x)
			}
			if t.selfRefs[t.cols[i]] && idCol >= 0 {
				// A row naming one not yet copied names it once both are in.
				if ref, ok := v.(int64); ok && ref >= id {
					c.fixes = append(c.fixes, migrateFix{table: t.name, col: t.cols[i], id: id, value: ref})
					v = nil
				}
			}
			if i == statusCol && v == "submitted" {
				// A submitted claim refuses new lines: it arrives as a
				// draft and is submitted again once its lines are in.
				c.fixes = append(c.fixes, migrateFix{table: t.name, col: "status", id: id, value: "submitted"})
				v = "draft"
			}
			batch = append(batch, v)
		}
		batchRows++
		copied++
		if batchRows >= perBatch || bytes >= migrateBatchBytes {
			if err := flush(); err != nil {
				return copied, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return copied, fmt.Errorf("source %s: read %s: %w", c.src.path, t.name, err)
	}
	return copied, flush()
}

func rowName(id int64, idCol int, vals []any) string {
	if idCol >= 0 {
		return strconv.FormatInt(id, 10)
	}
	parts := make([]string, 0, 2)
	for _, v := range vals[:min(2, len(vals))] {
		parts = append(parts, fmt.Sprint(v))
	}
	return strings.Join(parts, "/")
}

// applyFixes sets what copyTable held back: references to later rows
// first, then claims' submitted status (claims_locked refuses any change to
// a submitted claim, so it comes last).
func (c *migrateCopy) applyFixes(ctx context.Context) error {
	sort.SliceStable(c.fixes, func(i, j int) bool { return c.fixes[i].col != "status" && c.fixes[j].col == "status" })
	for _, f := range c.fixes {
		if _, err := c.ttx.ExecContext(ctx, `UPDATE "`+f.table+`" SET "`+f.col+`" = $1 WHERE id = $2`, f.value, f.id); err != nil {
			return fmt.Errorf("target %s: set %s %d's %s: %w", c.dst.path, f.table, f.id, f.col, err)
		}
	}
	return nil
}

// restoreRequeued undoes what the iv_sent_back_requeues trigger did as the
// verification samples arrived: it puts evidence a verifier sent back into
// the queue again, which on the source happened when it was sent back and
// may since have been followed by a new assessment. The source's status
// and submission time of that evidence are copied again.
func (c *migrateCopy) restoreRequeued(ctx context.Context) error {
	rows, err := c.stx.QueryContext(ctx, `SELECT e.id, e.status, e.submitted_at FROM evidence_items e
		WHERE e.id IN (SELECT d.evidence_id FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id
			WHERE s.outcome = 'sent_back') ORDER BY e.id`)
	if err != nil {
		return fmt.Errorf("source %s: read evidence sent back: %w", c.src.path, err)
	}
	type item struct {
		id        int64
		status    string
		submitted sql.NullString
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.status, &it.submitted); err != nil {
			rows.Close()
			return fmt.Errorf("source %s: read evidence sent back: %w", c.src.path, err)
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("source %s: read evidence sent back: %w", c.src.path, err)
	}
	for _, it := range items {
		if _, err := c.ttx.ExecContext(ctx, `UPDATE evidence_items SET status = $1, submitted_at = $2 WHERE id = $3`,
			it.status, it.submitted, it.id); err != nil {
			return fmt.Errorf("target %s: evidence %d: %w", c.dst.path, it.id, err)
		}
	}
	return nil
}

// moveSequences moves each identity sequence past the ids copied, so the
// server's next record does not collide with a copied one.
func (c *migrateCopy) moveSequences(ctx context.Context, plan []migrateTable) error {
	for _, t := range plan {
		if !t.hasID {
			continue
		}
		_, err := c.ttx.ExecContext(ctx, `SELECT setval(seq, (SELECT coalesce(max(id), 0) + 1 FROM "`+t.name+`"), false)
			FROM (SELECT pg_get_serial_sequence($1, 'id') AS seq) s WHERE seq IS NOT NULL`, `"`+t.name+`"`)
		if err != nil {
			return fmt.Errorf("target %s: move %s's id sequence: %w", c.dst.path, t.name, err)
		}
	}
	return nil
}

// migrateFile is one evidence file the source's rows name.
type migrateFile struct {
	sha  string
	size int64
}

// sourceFiles lists the evidence files the source's snapshot names.
func (c *migrateCopy) sourceFiles(ctx context.Context) ([]migrateFile, error) {
	rows, err := c.stx.QueryContext(ctx, `SELECT sha256, max(size) FROM evidence_files GROUP BY sha256 ORDER BY sha256`)
	if err != nil {
		return nil, fmt.Errorf("source %s: list evidence files: %w", c.src.path, err)
	}
	defer rows.Close()
	var out []migrateFile
	for rows.Next() {
		var f migrateFile
		if err := rows.Scan(&f.sha, &f.size); err != nil {
			return nil, fmt.Errorf("source %s: list evidence files: %w", c.src.path, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// copyFile streams one evidence file from the source into the target,
// proving its SHA-256 on the way. On a server the file is kept within the
// migrate's transaction, so a failure keeps none of them; a SQLite target's
// folder goes with its file when a migrate fails.
func (c *migrateCopy) copyFile(ctx context.Context, f migrateFile) (int64, error) {
	r, _, err := c.src.files.open(ctx, f.sha)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, &badSourceFile{what: "evidence file is missing",
			err: fmt.Errorf("source %s: %s is missing; run cascade check --db %s", c.src.path, c.src.files.where(f.sha), c.src.path)}
	}
	if err != nil {
		return 0, fmt.Errorf("source %s: %s: %w", c.src.path, c.src.files.where(f.sha), err)
	}
	defer r.Close()
	var sha string
	var n int64
	if sf, ok := c.dst.files.(serverFiles); ok {
		sha, n, err = sf.putTx(ctx, c.ttx, r)
	} else {
		sha, n, err = c.dst.files.put(ctx, r)
	}
	if err != nil {
		return n, fmt.Errorf("target %s: evidence file %s: %w", c.dst.path, f.sha, err)
	}
	if sha != f.sha {
		// What was kept under the wrong hash is no evidence file of the
		// target's; a failed migrate's target is abandoned whole anyway.
		if _, isFolder := c.dst.files.(folderFiles); isFolder {
			c.dst.files.remove(ctx, sha)
		}
		return n, &badSourceFile{what: "evidence file is damaged: its SHA-256 is " + sha,
			err: fmt.Errorf("source %s: %s is damaged (its SHA-256 is %s); run cascade check --db %s", c.src.path, c.src.files.where(f.sha), sha, c.src.path)}
	}
	return n, nil
}

// badSourceFile is an evidence file at the source that is missing or no
// longer matches its hash: a migrate stops, a backup names it and goes on.
type badSourceFile struct {
	what string
	err  error
}

func (b *badSourceFile) Error() string { return b.err.Error() }
func (b *badSourceFile) Unwrap() error { return b.err }
