package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// checkAuditChain recomputes the audit log's hash chain and names the first
// row that does not follow from the one before it, with a count of any later
// ones, in one line: a single edit, insertion or deletion breaks the chain at
// one place, and the first is where to look.
func (s *Store) checkAuditChain(ctx context.Context, r *model.CheckReport) error {
	rows, err := readAuditRows(ctx, s.db, "")
	if err != nil {
		return fmt.Errorf("check audit log: %w", err)
	}
	var first string
	bad := 0
	prev, prevID := "", int64(0)
	for _, row := range rows {
		var what string
		switch {
		case !row.Hash.Valid:
			what = "has no hash: it was not written by Cascade (added with the protections dropped)"
		case prevID != 0 && row.ID != prevID+1:
			what = fmt.Sprintf("the entries before it (ids %d to %d) are missing: deleted from the log", prevID+1, row.ID-1)
		case row.Hash.String != row.hash(prev):
			what = "does not match its hash: this entry was changed, or one before it inserted or removed"
		}
		if what != "" {
			if bad == 0 {
				first = fmt.Sprintf("audit_log row %d", row.ID) + "\x00" + what
			}
			bad++
		}
		prev, prevID = row.Hash.String, row.ID
	}
	r.AuditEntries, r.AuditHead = len(rows), prev
	if bad > 0 {
		where, what, _ := strings.Cut(first, "\x00")
		if bad > 1 {
			what += fmt.Sprintf(" (and %d later entries do not match)", bad-1)
		}
		r.Problems = append(r.Problems, model.Problem{Where: where, What: what})
	}
	return nil
}

// migrationTriggers lists the triggers the migrations leave, with the SQL
// that made each, by reading the migrations' Up sections in order: a trigger
// a later migration drops is not expected, one it recreates is expected as
// recreated.
func migrationTriggers() (map[string]string, error) {
	files, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return migrationVersion(files[i]) < migrationVersion(files[j]) })
	createRe := regexp.MustCompile(`(?is)-- \+goose StatementBegin\s*(CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+).*?)-- \+goose StatementEnd`)
	dropRe := regexp.MustCompile(`(?i)DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	want := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(migrations, f)
		if err != nil {
			return nil, err
		}
		up, _, _ := strings.Cut(string(b), "-- +goose Down")
		type op struct {
			at         int
			name, stmt string
		}
		var ops []op
		for _, m := range createRe.FindAllStringSubmatchIndex(up, -1) {
			ops = append(ops, op{m[0], up[m[4]:m[5]], up[m[2]:m[3]]})
		}
		for _, m := range dropRe.FindAllStringSubmatchIndex(up, -1) {
			ops = append(ops, op{m[0], up[m[2]:m[3]], ""})
		}
		sort.Slice(ops, func(i, j int) bool { return ops[i].at < ops[j].at })
		for _, o := range ops {
			if o.stmt == "" {
				delete(want, o.name)
			} else {
				want[o.name] = o.stmt
			}
		}
	}
	return want, nil
}

func migrationVersion(name string) int64 {
	var v int64
	fmt.Sscanf(path.Base(name), "%d_", &v)
	return v
}

var sqlSpace = regexp.MustCompile(`\s+`)

// sameSQL compares two statements ignoring comments, spacing and a final semicolon.
func sameSQL(a, b string) bool {
	norm := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if i := strings.Index(l, "--"); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
		}
		s = sqlSpace.ReplaceAllString(strings.Join(lines, " "), " ")
		return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), ";"))
	}
	return norm(a) == norm(b)
}

// checkTriggers confirms every protecting trigger the migrations made is in
// the file, as made: one dropped, or replaced by a harmless one of the same
// name, is a problem.
func (s *Store) checkTriggers(ctx context.Context, r *model.CheckReport) error {
	if s.pg {
		return s.checkServerTriggers(ctx, r)
	}
	want, err := migrationTriggers()
	if err != nil {
		return fmt.Errorf("check triggers: read migrations: %w", err)
	}
	have := map[string]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			rows.Close()
			return fmt.Errorf("check triggers: %w", err)
		}
		have[name] = text
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		got, ok := have[n]
		switch {
		case !ok:
			r.Problems = append(r.Problems, model.Problem{Where: "trigger " + n,
				What: "is missing: the protection it gives was dropped"})
		case !sameSQL(got, want[n]):
			r.Problems = append(r.Problems, model.Problem{Where: "trigger " + n,
				What: "differs from the one the schema made: the protection was replaced"})
		}
	}
	return nil
}

// checkServerTriggers is checkTriggers on PostgreSQL: every trigger the
// PostgreSQL migrations made is on its table as made (the server's own
// rendering of it, pg_get_triggerdef, compared with the migration's text
// once both are reduced to the same form), and every trigger function they
// made has its body unchanged, since a function replaced by a harmless one
// disarms every trigger that calls it.
func (s *Store) checkServerTriggers(ctx context.Context, r *model.CheckReport) error {
	wantTriggers, wantFuncs, err := serverMigrationGuards()
	if err != nil {
		return fmt.Errorf("check triggers: read migrations: %w", err)
	}
	haveTriggers, err := namedTexts(ctx, s, `SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	haveFuncs, err := namedTexts(ctx, s, `SELECT proname, prosrc FROM pg_proc
		WHERE pronamespace = current_schema()::regnamespace`)
	if err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	compare := func(kind string, want, have map[string]string, same func(a, b string) bool) {
		names := make([]string, 0, len(want))
		for n := range want {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			got, ok := have[n]
			switch {
			case !ok:
				r.Problems = append(r.Problems, model.Problem{Where: kind + " " + n,
					What: "is missing: the protection it gives was dropped"})
			case !same(got, want[n]):
				r.Problems = append(r.Problems, model.Problem{Where: kind + " " + n,
					What: "differs from the one the schema made: the protection was replaced"})
			}
		}
	}
	compare("trigger", wantTriggers, haveTriggers, func(a, b string) bool { return triggerForm(a) == triggerForm(b) })
	compare("function", wantFuncs, haveFuncs, sameSQL)
	// A trigger can also be kept as made but switched off, for the table
	// (ALTER TABLE … DISABLE TRIGGER) or for every session of the database
	// (session_replication_role = replica, which also stops foreign keys).
	disabled, err := namedTexts(ctx, s, `SELECT t.tgname, t.tgenabled::text FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND t.tgenabled IN ('D', 'R')`)
	if err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	names := make([]string, 0, len(disabled))
	for n := range disabled {
		if _, ok := wantTriggers[n]; ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		r.Problems = append(r.Problems, model.Problem{Where: "trigger " + n,
			What: "is disabled: the protection it gives is off"})
	}
	var role string
	if err := s.db.QueryRowContext(ctx, `SELECT current_setting('session_replication_role')`).Scan(&role); err != nil {
		return fmt.Errorf("check triggers: %w", err)
	}
	if role != "origin" {
		r.Problems = append(r.Problems, model.Problem{Where: "database setting session_replication_role",
			What: "is " + role + ": every protecting trigger and foreign key is skipped"})
	}
	return nil
}

// namedTexts reads (name, text) rows into a map.
func namedTexts(ctx context.Context, s *Store, query string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return nil, err
		}
		out[name] = text
	}
	return out, rows.Err()
}

var (
	pgTriggerRe  = regexp.MustCompile(`(?is)\bCREATE\s+TRIGGER\s+(\w+)\s.*?;`)
	pgFunctionRe = regexp.MustCompile(`(?is)\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\w+)\s*\(.*?\$\$(.*?)\$\$`)
	pgDropRe     = regexp.MustCompile(`(?i)\bDROP\s+(TRIGGER|FUNCTION)\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	pgCastRe     = regexp.MustCompile(`::(character varying|double precision|[a-z_]+)`)
	pgSchemaRe   = regexp.MustCompile(`\bon \w+\.(\w+)`)
	pgEventsRe   = regexp.MustCompile(`\b(before|after|instead of) (.+?) on `)
)

// serverMigrationGuards lists the triggers (with the statement that made
// each) and the functions (with their bodies) the PostgreSQL migrations
// leave, reading their Up sections in order.
func serverMigrationGuards() (triggers, funcs map[string]string, err error) {
	files, err := fs.Glob(migrations, "migrations/postgres/*.sql")
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(files, func(i, j int) bool { return migrationVersion(files[i]) < migrationVersion(files[j]) })
	triggers, funcs = map[string]string{}, map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(migrations, f)
		if err != nil {
			return nil, nil, err
		}
		up, _, _ := strings.Cut(string(b), "-- +goose Down")
		type op struct {
			at               int
			kind, name, text string
		}
		var ops []op
		for _, m := range pgTriggerRe.FindAllStringSubmatchIndex(up, -1) {
			ops = append(ops, op{m[0], "trigger", up[m[2]:m[3]], up[m[0]:m[1]]})
		}
		for _, m := range pgFunctionRe.FindAllStringSubmatchIndex(up, -1) {
			ops = append(ops, op{m[0], "function", up[m[2]:m[3]], up[m[4]:m[5]]})
		}
		for _, m := range pgDropRe.FindAllStringSubmatchIndex(up, -1) {
			ops = append(ops, op{m[0], strings.ToLower(up[m[2]:m[3]]), up[m[4]:m[5]], ""})
		}
		sort.Slice(ops, func(i, j int) bool { return ops[i].at < ops[j].at })
		for _, o := range ops {
			into := triggers
			if o.kind == "function" {
				into = funcs
			}
			if o.text == "" {
				delete(into, o.name)
			} else {
				into[o.name] = o.text
			}
		}
	}
	return triggers, funcs, nil
}

// triggerForm reduces a CREATE TRIGGER statement to a form in which the
// migration's text and the server's rendering of it (schema-qualified
// table, casts, parentheses, TRIM(BOTH FROM …), events in its own order)
// read the same.
func triggerForm(stmt string) string {
	s := strings.ToLower(stmt)
	s = strings.TrimSuffix(strings.TrimSpace(sqlSpace.ReplaceAllString(s, " ")), ";")
	s = pgSchemaRe.ReplaceAllString(s, "on $1")
	s = pgCastRe.ReplaceAllString(s, "")
	s = strings.NewReplacer("(", " ", ")", " ").Replace(s)
	s = strings.TrimSpace(sqlSpace.ReplaceAllString(s, " "))
	s = strings.ReplaceAll(s, "trim both from ", "trim ")
	// The server lists a trigger's events in its own order.
	return pgEventsRe.ReplaceAllStringFunc(s, func(m string) string {
		parts := pgEventsRe.FindStringSubmatch(m)
		events := strings.Split(parts[2], " or ")
		sort.Strings(events)
		return parts[1] + " " + strings.Join(events, " or ") + " on "
	})
}

// checkCertificates re-verifies every issued certificate: its signature
// against its stored payload with the database's key, its row against the
// signed fields, and its revocation against the audit log (the log says what
// was issued and revoked; the row must agree).
func (s *Store) checkCertificates(ctx context.Context, r *model.CheckReport) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM certificates`).Scan(&n); err != nil {
		return fmt.Errorf("check certificates: %w", err)
	}
	if n == 0 {
		return nil
	}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		r.Problems = append(r.Problems, model.Problem{Where: "signing_keys", What: "cannot verify certificates: " + err.Error()})
		return nil
	}
	logged := map[string]map[string]bool{} // number → actions the log records
	rows, err := s.db.QueryContext(ctx, `SELECT entity_id, action FROM audit_log
		WHERE entity = 'certificate' AND action IN ('issue', 'revoke')`)
	if err != nil {
		return fmt.Errorf("check certificates: %w", err)
	}
	for rows.Next() {
		var number, action string
		if err := rows.Scan(&number, &action); err != nil {
			rows.Close()
			return fmt.Errorf("check certificates: %w", err)
		}
		if logged[number] == nil {
			logged[number] = map[string]bool{}
		}
		logged[number][action] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check certificates: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT number, kind, holder_name, issued_on, payload, signature,
		revoked_at IS NOT NULL FROM certificates ORDER BY id`)
	if err != nil {
		return fmt.Errorf("check certificates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, kind, holder, issued, payload, code string
		var revoked bool
		if err := rows.Scan(&number, &kind, &holder, &issued, &payload, &code, &revoked); err != nil {
			return fmt.Errorf("check certificates: %w", err)
		}
		where := "certificates " + number
		bad := func(what string) { r.Problems = append(r.Problems, model.Problem{Where: where, What: what}) }
		f, perr := model.ParsePayload(payload)
		switch {
		case perr != nil:
			bad("its signed fields do not read as a certificate: " + perr.Error())
		case !model.VerifyCode(pub, payload, code):
			bad("its signature does not match its signed fields: the fields or the signature were changed")
		case f.Number != number || f.Kind != kind || f.Issued != issued || f.Name != model.Clean(holder):
			bad(fmt.Sprintf("its record (%s, %s, %s) differs from its signed fields (%s, %s, %s)",
				number, kind, issued, f.Number, f.Kind, f.Issued))
		}
		switch {
		case !logged[number]["issue"]:
			bad("the audit log has no entry issuing it")
		case logged[number]["revoke"] && !revoked:
			bad("the audit log records its revocation but its record is not revoked: the revocation was undone")
		case revoked && !logged[number]["revoke"]:
			bad("its record is revoked but the audit log has no revocation")
		}
	}
	return rows.Err()
}
