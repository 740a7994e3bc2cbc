package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// organiserRowsSQL reads list rows; %s is a WHERE clause or empty. Host and
// cohort names, supporters' names and team counts are joined in Go from small
// maps: one plain join scans fastest at 50,000 rows.
//
// Role and status come as small numbers (their CHECK allows only these
// words), named from constants: as text they were two new strings per row.
const organiserRowsSQL = `SELECT o.id, o.person_id, p.given_name, p.family_name, p.email,
        CASE o.role WHEN 'senior' THEN 1 WHEN 'volunteer' THEN 2 END,
        CASE o.status WHEN 'active' THEN 1 WHEN 'completed' THEN 2 WHEN 'withdrawn' THEN 3 END,
        coalesce(o.host_id, 0), coalesce(o.cohort_id, 0), coalesce(o.supported_by_id, 0), coalesce(o.starts_on, '')
    FROM organisers o JOIN people p ON p.id = o.person_id %s`

// organiserRoles and organiserStatuses name organiserRowsSQL's numbers, in order.
var (
	organiserRoles    = []string{model.RoleSenior, model.RoleVolunteer}
	organiserStatuses = []string{model.StatusActive, model.StatusCompleted, model.StatusWithdrawn}
)

// hostAndCohortNames maps host ids to names and cohort ids to numbers: a
// few hundred rows read once, where joining them to every organiser row
// cost SQLite two lookups per organiser.
func (s *Store) hostAndCohortNames(ctx context.Context) (map[int64]string, map[int64]int, error) {
	hosts := map[int64]string{}
	if err := s.eachRow(ctx, `SELECT id, name FROM hosts`, nil, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		hosts[id] = name
		return err
	}); err != nil {
		return nil, nil, err
	}
	cohorts := map[int64]int{}
	if err := s.eachRow(ctx, `SELECT id, number FROM cohorts`, nil, func(r *sql.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		cohorts[id] = n
		return err
	}); err != nil {
		return nil, nil, err
	}
	return hosts, cohorts, nil
}

func (s *Store) organiserRows(ctx context.Context, where string, args ...any) ([]model.OrganiserRow, error) {
	hosts, cohorts, err := s.hostAndCohortNames(ctx)
	if err != nil {
		return nil, err
	}
	// Sized first: growing a slice of 50,000 rows by appending copied them
	// over and over, a third of the load. Only a size hint, so the whole
	// list counts the organisers' smallest index rather than join people.
	var n int
	count := `SELECT count(*) FROM organisers o JOIN people p ON p.id = o.person_id ` + where
	if where == "" {
		count = `SELECT count(*) FROM organisers`
	}
	if err := s.db.QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
		return nil, err
	}
	out := make([]model.OrganiserRow, 0, n)
	err = s.eachRow(ctx, fmt.Sprintf(organiserRowsSQL, where), args, func(r *sql.Rows) error {
		var o model.OrganiserRow
		var role, status int
		err := r.Scan(&o.ID, &o.PersonID, &o.GivenName, &o.FamilyName, &o.Email, &role, &status,
			&o.HostID, &o.CohortID, &o.SupportedByID, &o.StartsOn)
		if err != nil {
			return err
		}
		if role < 1 || role > len(organiserRoles) || status < 1 || status > len(organiserStatuses) {
			return fmt.Errorf("organiser %d: role or status outside the schema's words", o.ID)
		}
		o.Role, o.Status = organiserRoles[role-1], organiserStatuses[status-1]
		o.HostName, o.CohortNumber = hosts[o.HostID], cohorts[o.CohortID]
		out = append(out, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Supporters' names and team counts: from this slice when it holds
	// everyone, otherwise from a small query over the supporters involved.
	type senior struct {
		name string
		team int
	}
	seniors := map[int64]*senior{}
	if where == "" {
		for _, o := range out {
			if o.Role == model.RoleSenior {
				seniors[o.ID] = &senior{name: o.Name()}
			}
		}
		for _, o := range out {
			if sp := seniors[o.SupportedByID]; sp != nil && o.Status != model.StatusWithdrawn {
				sp.team++
			}
		}
	} else {
		err := s.eachRow(ctx, `SELECT so.id, p.given_name || ' ' || p.family_name,
            (SELECT count(*) FROM organisers v WHERE v.supported_by_id = so.id AND v.status <> 'withdrawn')
            FROM organisers so JOIN people p ON p.id = so.person_id
            WHERE so.id IN (SELECT o.supported_by_id FROM organisers o `+where+`)
               OR so.id IN (SELECT o.id FROM organisers o `+where+`)`, args, func(r *sql.Rows) error {
			var id int64
			sp := &senior{}
			err := r.Scan(&id, &sp.name, &sp.team)
			seniors[id] = sp
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	for i := range out {
		if sp := seniors[out[i].SupportedByID]; sp != nil {
			out[i].SupportedByName = sp.name
		}
		if sp := seniors[out[i].ID]; sp != nil {
			out[i].Supporting = sp.team
		}
	}
	model.SetOrganiserKeys(out)
	// Name order is SortName's, ties by id. Names repeat (some 4,000 among
	// 50,000 organisers), so the distinct keys are sorted once and each row
	// sorted by its key's rank, a small number, rather than comparing long
	// keys row against row. Then the rows are put in that order in place
	// (each is a few hundred bytes: moving them while sorting cost more).
	rank := map[string]int32{}
	for i := range out {
		rank[out[i].SortName] = 0
	}
	names := make([]string, 0, len(rank))
	for k := range rank {
		names = append(names, k)
	}
	slices.Sort(names)
	for i, k := range names {
		rank[k] = int32(i)
	}
	keys := make([]sortKey, len(out))
	for i := range out {
		keys[i] = sortKey{rank[out[i].SortName], out[i].ID, i}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.at
	}
	model.Permute(out, order)
	return out, nil
}

// sortKey is one organiser row's place in name order: the rank of its name
// key among the distinct keys, its id for ties, and where the row is.
type sortKey struct {
	rank int32
	id   int64
	at   int
}

// OrganiserRows lists every organiser for the organisers screen, ordered by
// family name; search and filters then work on this slice in memory.
func (s *Store) OrganiserRows(ctx context.Context) ([]model.OrganiserRow, error) {
	rows, err := s.organiserRows(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("list organisers: %w", err)
	}
	return rows, nil
}

const organiserSQL = `SELECT o.id, o.person_id, p.given_name, p.family_name, p.email, o.role,
        coalesce(o.host_id, 0), coalesce(o.cohort_id, 0), coalesce(o.supported_by_id, 0),
        coalesce(o.starts_on, ''), coalesce(o.ends_on, ''), o.bursary_pence, o.status,
        coalesce(o.withdrawn_on, ''), o.withdrawn_reason
    FROM organisers o JOIN people p ON p.id = o.person_id WHERE o.id = $1`

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readOrganiser(ctx context.Context, q rowQuerier, id int64) (model.Organiser, error) {
	var o model.Organiser
	err := q.QueryRowContext(ctx, organiserSQL, id).Scan(&o.ID, &o.PersonID, &o.GivenName, &o.FamilyName, &o.Email,
		&o.Role, &o.HostID, &o.CohortID, &o.SupportedByID, &o.StartsOn, &o.EndsOn, &o.BursaryPence, &o.Status,
		&o.WithdrawnOn, &o.WithdrawnReason)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("organiser %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read organiser %d: %w", id, err)
	}
	return o, nil
}

// Organiser reads one organiser with their person's details, and what a
// form needs to save them back without overwriting a newer change (Seen).
func (s *Store) Organiser(ctx context.Context, id int64) (model.Organiser, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return model.Organiser{}, fmt.Errorf("read organiser %d: %w", id, err)
	}
	o, err := readOrganiser(ctx, s.db, id)
	if err != nil {
		return o, err
	}
	o.Seen = seenAs(mark, o)
	return o, nil
}

// nullIfZero turns the zero id or empty date into NULL.
func nullIfZero[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// checkOrganiserRefs applies the rules that need the database: a unique email
// (ignoring case), a host and cohort that exist, a supporter who is a senior,
// and no senior turned volunteer while still supporting people.
func checkOrganiserRefs(ctx context.Context, tx *sql.Tx, o model.Organiser) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM people WHERE lower(email) = lower($1) AND id <> $2`,
		o.Email, o.PersonID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return model.FieldErr("email", "%s is already used by someone else", o.Email)
	}
	if o.HostID != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hosts WHERE id = $1`, o.HostID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.FieldErr("host", "host %d does not exist", o.HostID)
		}
	}
	if o.CohortID != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohorts WHERE id = $1`, o.CohortID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.FieldErr("cohort", "cohort %d does not exist", o.CohortID)
		}
	}
	if o.SupportedByID != 0 {
		var role string
		err := tx.QueryRowContext(ctx, `SELECT role FROM organisers WHERE id = $1`, o.SupportedByID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return model.FieldErr("supported by", "organiser %d does not exist", o.SupportedByID)
		}
		if err != nil {
			return err
		}
		if role != model.RoleSenior {
			return model.FieldErr("supported by", "must be a senior organiser")
		}
	}
	if o.ID != 0 && o.Role == model.RoleVolunteer {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisers WHERE supported_by_id = $1`, o.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return model.FieldErr("role", "still supports %d volunteers; move them to another senior first", n)
		}
	}
	return nil
}

// CreateOrganiser adds a person and their organiser record, returning the new
// organiser id.
func (s *Store) CreateOrganiser(ctx context.Context, by model.User, o model.Organiser) (int64, error) {
	if err := s.require(ctx, by, model.ActOrganisers); err != nil {
		return 0, err
	}
	if err := o.Validate(); err != nil {
		return 0, fmt.Errorf("add organiser %s: %w", o.Name(), err)
	}
	now := model.Now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOrganiserRefs(ctx, tx, o); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO people (given_name, family_name, email, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $4) RETURNING id`, o.GivenName, o.FamilyName, o.Email, now).Scan(&o.PersonID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO organisers (person_id, role, host_id, cohort_id, supported_by_id,
            starts_on, ends_on, bursary_pence, status, withdrawn_on, withdrawn_reason, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			o.PersonID, o.Role, nullIfZero(o.HostID), nullIfZero(o.CohortID), nullIfZero(o.SupportedByID),
			nullIfZero(o.StartsOn), nullIfZero(o.EndsOn), o.BursaryPence, o.Status, nullIfZero(o.WithdrawnOn),
			o.WithdrawnReason, now).Scan(&o.ID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "organiser", strconv.FormatInt(o.ID, 10), nil, o)
	})
	if err != nil {
		return 0, fmt.Errorf("add organiser %s: %w", o.Name(), err)
	}
	return o.ID, nil
}

// UpdateOrganiser saves an edited organiser and their person's details. An
// organiser carrying the Seen its form read is refused with a
// *model.ChangedError if anyone changed them since.
func (s *Store) UpdateOrganiser(ctx context.Context, by model.User, o model.Organiser) error {
	if err := s.require(ctx, by, model.ActOrganisers); err != nil {
		return err
	}
	seen := o.Seen
	o.Seen = model.Seen{} // compared with stored organisers below, which carry none
	if err := o.Validate(); err != nil {
		return fmt.Errorf("save organiser %d: %w", o.ID, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := readOrganiser(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		o.PersonID = before.PersonID
		if o.Status != model.StatusWithdrawn {
			o.WithdrawnOn, o.WithdrawnReason = "", ""
		}
		b, a, err := model.ChangedFields(before, o)
		if err != nil {
			return err
		}
		if len(a) == 0 && len(b) == 0 {
			return nil // saved unchanged: no write, no audit entry
		}
		id, pid := strconv.FormatInt(o.ID, 10), strconv.FormatInt(o.PersonID, 10)
		skip, err := s.checkSeen(ctx, tx, seen, before, o, o.PersonID,
			auditKey{"organiser", id}, auditKey{"people", pid}, auditKey{"person", pid})
		if err != nil || skip {
			return err
		}
		if err := checkOrganiserRefs(ctx, tx, o); err != nil {
			return err
		}
		now := model.Now()
		personChanged := o.GivenName != before.GivenName || o.FamilyName != before.FamilyName || o.Email != before.Email
		if personChanged {
			if _, err := tx.ExecContext(ctx, `UPDATE people SET given_name = $1, family_name = $2, email = $3, updated_at = $4
            WHERE id = $5`, o.GivenName, o.FamilyName, o.Email, now, o.PersonID); err != nil {
				return err
			}
		}
		p, q := before, o
		p.GivenName, p.FamilyName, p.Email = "", "", ""
		q.GivenName, q.FamilyName, q.Email = "", "", ""
		if p != q {
			if _, err := tx.ExecContext(ctx, `UPDATE organisers SET role = $1, host_id = $2, cohort_id = $3,
            supported_by_id = $4, starts_on = $5, ends_on = $6, bursary_pence = $7, status = $8, withdrawn_on = $9,
            withdrawn_reason = $10, updated_at = $11 WHERE id = $12`,
				o.Role, nullIfZero(o.HostID), nullIfZero(o.CohortID), nullIfZero(o.SupportedByID), nullIfZero(o.StartsOn),
				nullIfZero(o.EndsOn), o.BursaryPence, o.Status, nullIfZero(o.WithdrawnOn), o.WithdrawnReason, now, o.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, by, "update", "organiser", strconv.FormatInt(o.ID, 10), b, a)
	})
	if err != nil {
		return fmt.Errorf("save organiser %d: %w", o.ID, err)
	}
	return nil
}

// WithdrawOrganiser marks an organiser withdrawn on a date for a reason; the
// record is kept. It returns the organiser as it was, so the caller can undo
// with UpdateOrganiser; its Seen is the withdrawal's, so the undo is refused
// if anyone changed the organiser after the withdrawal.
func (s *Store) WithdrawOrganiser(ctx context.Context, by model.User, id int64, on, reason string) (model.Organiser, error) {
	if err := s.require(ctx, by, model.ActOrganisers); err != nil {
		return model.Organiser{}, err
	}
	reason = strings.TrimSpace(reason)
	var before model.Organiser
	if err := model.ValidateDate(on); err != nil || on == "" {
		return before, fmt.Errorf("withdraw organiser %d: %w", id, model.FieldErr("withdrawn date", "is required, written as YYYY-MM-DD"))
	}
	if reason == "" {
		return before, fmt.Errorf("withdraw organiser %d: %w", id, model.FieldErr("reason", "is required"))
	}
	if err := model.TextReason.Check("reason", reason); err != nil {
		return before, fmt.Errorf("withdraw organiser %d: %w", id, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if before, err = readOrganiser(ctx, tx, id); err != nil {
			return err
		}
		if before.Status == model.StatusWithdrawn {
			return fmt.Errorf("%w: already withdrawn on %s", model.ErrInvalid, model.DisplayDate(before.WithdrawnOn))
		}
		if before.StartsOn != "" && on < before.StartsOn {
			return model.FieldErr("withdrawn date", "is before the organiser started (%s)", model.DisplayDate(before.StartsOn))
		}
		after := before
		after.Status, after.WithdrawnOn, after.WithdrawnReason, after.EndsOn = model.StatusWithdrawn, on, reason, on
		if _, err := tx.ExecContext(ctx, `UPDATE organisers SET status = 'withdrawn', withdrawn_on = $1,
            withdrawn_reason = $2, ends_on = $1, updated_at = $3 WHERE id = $4`, on, reason, model.Now(), id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, by, "withdraw", "organiser", strconv.FormatInt(id, 10), before, after); err != nil {
			return err
		}
		mark, err := auditMark(ctx, tx)
		before.Seen = seenAs(mark, after)
		return err
	})
	if err != nil {
		return before, fmt.Errorf("withdraw organiser %d: %w", id, err)
	}
	return before, nil
}

// SeniorChoices lists the senior organisers who can support a volunteer at a
// host (all seniors when hostID is 0), not withdrawn, by name.
func (s *Store) SeniorChoices(ctx context.Context, hostID int64) ([]model.Choice, error) {
	q := `SELECT o.id, p.given_name || ' ' || p.family_name FROM organisers o JOIN people p ON p.id = o.person_id
        WHERE o.role = 'senior' AND o.status <> 'withdrawn'`
	var args []any
	if hostID != 0 {
		q += ` AND o.host_id = $1`
		args = append(args, hostID)
	}
	return s.choices(ctx, "list senior organisers", q+` ORDER BY p.family_name, p.given_name, o.id`, args...)
}

func (s *Store) choices(ctx context.Context, what, q string, args ...any) ([]model.Choice, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []model.Choice
	for rows.Next() {
		var c model.Choice
		if err := rows.Scan(&c.ID, &c.Label); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// OrganiserPage reads everything an organiser's page shows.
func (s *Store) OrganiserPage(ctx context.Context, id int64) (model.OrganiserPage, error) {
	var pg model.OrganiserPage
	o, err := s.Organiser(ctx, id)
	if err != nil {
		return pg, err
	}
	pg.Organiser = o
	wrap := func(what string, err error) error { return fmt.Errorf("organiser %d %s: %w", id, what, err) }
	err = s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT name FROM hosts WHERE id = $1), ''),
        coalesce((SELECT number FROM cohorts WHERE id = $2), 0),
        coalesce((SELECT p.given_name || ' ' || p.family_name FROM organisers so JOIN people p ON p.id = so.person_id
                  WHERE so.id = $3), '')`, o.HostID, o.CohortID, o.SupportedByID).Scan(&pg.HostName, &pg.CohortNumber, &pg.SupportedBy)
	if err != nil {
		return pg, wrap("names", err)
	}
	if pg.Supporting, err = s.organiserRows(ctx, "WHERE o.supported_by_id = $1", id); err != nil {
		return pg, wrap("supporting", err)
	}
	if err := s.eachRow(ctx, `SELECT s.id, s.held_on, c.title, s.title, a.present FROM attendance a
        JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
        WHERE a.person_id = $1 ORDER BY s.held_on, s.id`, []any{o.PersonID}, func(r *sql.Rows) error {
		var l model.AttendanceLine
		err := r.Scan(&l.SessionID, &l.HeldOn, &l.CourseTitle, &l.Title, &l.Present)
		pg.Attendance = append(pg.Attendance, l)
		return err
	}); err != nil {
		return pg, wrap("attendance", err)
	}
	if err := s.eachRow(ctx, `SELECT m.id, m.code, m.title, coalesce(mc.completed_on, '') FROM modules m
        LEFT JOIN module_completions mc ON mc.module_id = m.id AND mc.organiser_id = $1
        ORDER BY m.position, m.code`, []any{id}, func(r *sql.Rows) error {
		var m model.ModuleProgress
		err := r.Scan(&m.ModuleID, &m.Code, &m.Title, &m.CompletedOn)
		pg.Modules = append(pg.Modules, m)
		return err
	}); err != nil {
		return pg, wrap("modules", err)
	}
	if err := s.eachRow(ctx, `SELECT u.code, u.title, u.level, u.credits, ua.achieved_on FROM unit_achievements ua
        JOIN units u ON u.id = ua.unit_id WHERE ua.organiser_id = $1 ORDER BY ua.achieved_on, u.code`, []any{id},
		func(r *sql.Rows) error {
			var u model.UnitProgress
			err := r.Scan(&u.Code, &u.Title, &u.Level, &u.Credits, &u.AchievedOn)
			pg.Units = append(pg.Units, u)
			return err
		}); err != nil {
		return pg, wrap("units", err)
	}
	if err := s.eachRow(ctx, `SELECT status, count(*) FROM evidence_items WHERE organiser_id = $1 GROUP BY status`,
		[]any{id}, func(r *sql.Rows) error {
			var st string
			var n int
			if err := r.Scan(&st, &n); err != nil {
				return err
			}
			switch st {
			case "draft":
				pg.Evidence.Draft = n
			case "submitted":
				pg.Evidence.Submitted = n
			case "assessed":
				pg.Evidence.Assessed = n
			case "referred":
				pg.Evidence.Referred = n
			}
			return nil
		}); err != nil {
		return pg, wrap("evidence", err)
	}
	if err := s.eachRow(ctx, `SELECT number, kind, issued_on, coalesce(revoked_at, '') FROM certificates
        WHERE person_id = $1 ORDER BY issued_on, number`, []any{o.PersonID}, func(r *sql.Rows) error {
		var c model.CertificateLine
		err := r.Scan(&c.Number, &c.Kind, &c.IssuedOn, &c.RevokedAt)
		pg.Certificates = append(pg.Certificates, c)
		return err
	}); err != nil {
		return pg, wrap("certificates", err)
	}
	return pg, nil
}

// eachRow runs q on the store's handle and hands each row to scan.
func (s *Store) eachRow(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	return each(ctx, s.db, q, args, scan)
}
