package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cohorts lists every cohort by number with its host and people counts.
func (s *Store) Cohorts(ctx context.Context) ([]model.CohortRow, error) {
	cohorts, _, err := s.CohortsAndHosts(ctx)
	return cohorts, err
}

// CohortsAndHosts reads the cohorts and the hosts together, as the cohorts
// screen shows them. The organisers are counted once per host and cohort
// and added up here for both lists: each list counting them its own way read
// every organiser twice, by host and by cohort (0.25 s at scale 10, issue 14).
func (s *Store) CohortsAndHosts(ctx context.Context) ([]model.CohortRow, []model.HostRow, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, nil, fmt.Errorf("list cohorts: %w", err)
	}
	groups, err := s.teamGroups(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list cohorts: %w", err)
	}
	hosts, err := s.hostRows(ctx, mark, groups)
	if err != nil {
		return nil, nil, err
	}
	byCohort := map[int64]teamGroup{}
	for _, g := range groups {
		byCohort[g.cohort] = byCohort[g.cohort].plus(g)
	}
	var out []model.CohortRow
	err = s.eachRow(ctx, `SELECT id, number, coalesce(host_induction_on, ''), coalesce(training_starts_on, ''),
        coalesce(training_ends_on, '') FROM cohorts ORDER BY number`, nil, func(r *sql.Rows) error {
		var c model.CohortRow
		err := r.Scan(&c.ID, &c.Number, &c.HostInductionOn, &c.TrainingStartsOn, &c.TrainingEndsOn)
		c.Seniors, c.Volunteers = byCohort[c.ID].seniors, byCohort[c.ID].volunteers
		c.Seen = seenAs(mark, c.Cohort) // each row is a cohort a form may edit
		for _, h := range hosts {
			if h.CohortID == c.ID {
				c.Hosts++
				if h.TeamFlagged() {
					c.Flagged++
				}
			}
		}
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list cohorts: %w", err)
	}
	return out, hosts, nil
}

// teamGroup counts the organisers of one host and cohort (0: none) as
// headcountCols does: seniors and volunteers not withdrawn.
type teamGroup struct {
	host, cohort        int64
	seniors, volunteers int
}

// plus adds g's counts to t's.
func (t teamGroup) plus(g teamGroup) teamGroup {
	t.seniors += g.seniors
	t.volunteers += g.volunteers
	return t
}

// teamGroups counts every organiser once, per host and cohort: the seniors
// and volunteers of organiserGroups, which add up to any host's or cohort's
// figures.
func (s *Store) teamGroups(ctx context.Context) ([]teamGroup, error) {
	groups, err := s.organiserGroups(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]teamGroup, len(groups))
	for i, g := range groups {
		out[i] = teamGroup{host: g.hostID, cohort: g.cohortID, seniors: g.seniors, volunteers: g.volunteers}
	}
	return out, nil
}

// Hosts lists every host with its cohort and team size, by cohort then name.
func (s *Store) Hosts(ctx context.Context) ([]model.HostRow, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	groups, err := s.teamGroups(ctx)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	return s.hostRows(ctx, mark, groups)
}

// hostRows lists every host, by cohort then name, with its team from groups.
func (s *Store) hostRows(ctx context.Context, mark int64, groups []teamGroup) ([]model.HostRow, error) {
	byHost := map[int64]teamGroup{}
	for _, g := range groups {
		byHost[g.host] = byHost[g.host].plus(g)
	}
	var out []model.HostRow
	err := s.eachRow(ctx, `SELECT h.id, h.name, h.region, h.setting, h.kickstarter, h.partner, coalesce(h.cohort_id, 0),
        coalesce(c.number, 0)
        FROM hosts h LEFT JOIN cohorts c ON c.id = h.cohort_id
        ORDER BY coalesce(c.number, 999999), h.name`, nil, func(r *sql.Rows) error {
		var h model.HostRow
		err := r.Scan(&h.ID, &h.Name, &h.Region, &h.Setting, &h.Kickstarter, &h.Partner, &h.CohortID, &h.CohortNumber)
		h.Team, h.Volunteers = byHost[h.ID].seniors, byHost[h.ID].volunteers
		h.Seen = seenAs(mark, h.Host) // each row is a host a form may edit
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	return out, nil
}

// HostOrganisers lists the organisers a host holds, seniors first.
func (s *Store) HostOrganisers(ctx context.Context, hostID int64) ([]model.OrganiserRow, error) {
	rows, err := s.organiserRows(ctx, "WHERE o.host_id = $1", hostID)
	if err != nil {
		return nil, fmt.Errorf("list organisers of host %d: %w", hostID, err)
	}
	// Seniors first, then by name (rows come sorted by name).
	slices.SortStableFunc(rows, func(a, b model.OrganiserRow) int { return strings.Compare(a.Role, b.Role) })
	return rows, nil
}

// CohortChoices lists cohorts for a picker, by number.
func (s *Store) CohortChoices(ctx context.Context) ([]model.Choice, error) {
	return s.choices(ctx, "list cohorts", `SELECT id, 'Cohort ' || number FROM cohorts ORDER BY number`)
}

// HostChoices lists hosts for a picker, by name.
func (s *Store) HostChoices(ctx context.Context) ([]model.Choice, error) {
	return s.choices(ctx, "list hosts", `SELECT id, name FROM hosts ORDER BY name`)
}

func readCohort(ctx context.Context, q rowQuerier, id int64) (model.Cohort, error) {
	var c model.Cohort
	err := q.QueryRowContext(ctx, `SELECT id, number, coalesce(host_induction_on, ''), coalesce(training_starts_on, ''),
        coalesce(training_ends_on, '') FROM cohorts WHERE id = $1`, id).
		Scan(&c.ID, &c.Number, &c.HostInductionOn, &c.TrainingStartsOn, &c.TrainingEndsOn)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("cohort %d: %w", id, model.ErrNotFound)
	}
	return c, err
}

func checkCohortNumber(ctx context.Context, tx *sql.Tx, c model.Cohort) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohorts WHERE number = $1 AND id <> $2`, c.Number, c.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return model.FieldErr("number", "cohort %d already exists", c.Number)
	}
	return nil
}

// SaveCohort adds a cohort (ID 0) or updates one, returning its id.
func (s *Store) SaveCohort(ctx context.Context, by model.User, c model.Cohort) (int64, error) {
	if err := s.require(ctx, by, model.ActCohorts); err != nil {
		return 0, err
	}
	if err := c.Validate(); err != nil {
		return 0, fmt.Errorf("save cohort %d: %w", c.Number, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkCohortNumber(ctx, tx, c); err != nil {
			return err
		}
		if c.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO cohorts (number, host_induction_on, training_starts_on, training_ends_on, created_at)
                VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Number, nullIfZero(c.HostInductionOn),
				nullIfZero(c.TrainingStartsOn), nullIfZero(c.TrainingEndsOn), model.Now()).Scan(&c.ID)
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, by, "create", "cohort", strconv.FormatInt(c.ID, 10), nil, c)
		}
		before, err := readCohort(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		b, a, err := model.ChangedFields(before, c)
		if err != nil || (len(a) == 0 && len(b) == 0) {
			return err // saved unchanged: no write, no audit entry
		}
		if skip, err := s.checkSeen(ctx, tx, c.Seen, before, c, 0, auditKey{"cohort", strconv.FormatInt(c.ID, 10)}); err != nil || skip {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cohorts SET number = $1, host_induction_on = $2, training_starts_on = $3,
            training_ends_on = $4 WHERE id = $5`, c.Number, nullIfZero(c.HostInductionOn), nullIfZero(c.TrainingStartsOn),
			nullIfZero(c.TrainingEndsOn), c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "update", "cohort", strconv.FormatInt(c.ID, 10), b, a)
	})
	if err != nil {
		return 0, fmt.Errorf("save cohort %d: %w", c.Number, err)
	}
	return c.ID, nil
}

func readHost(ctx context.Context, q rowQuerier, id int64) (model.Host, error) {
	var h model.Host
	err := q.QueryRowContext(ctx, `SELECT id, name, region, setting, kickstarter, partner, coalesce(cohort_id, 0)
        FROM hosts WHERE id = $1`, id).Scan(&h.ID, &h.Name, &h.Region, &h.Setting, &h.Kickstarter, &h.Partner, &h.CohortID)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("host %d: %w", id, model.ErrNotFound)
	}
	return h, err
}

// Host reads one host, with the Seen a form saves it back with.
func (s *Store) Host(ctx context.Context, id int64) (model.Host, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return model.Host{}, fmt.Errorf("read host %d: %w", id, err)
	}
	h, err := readHost(ctx, s.db, id)
	if err != nil {
		return h, fmt.Errorf("read host %d: %w", id, err)
	}
	h.Seen = seenAs(mark, h)
	return h, nil
}

// SaveHost adds a host (ID 0) or updates one, returning its id.
func (s *Store) SaveHost(ctx context.Context, by model.User, h model.Host) (int64, error) {
	if err := s.require(ctx, by, model.ActCohorts); err != nil {
		return 0, err
	}
	if err := h.Validate(); err != nil {
		return 0, fmt.Errorf("save host %s: %w", h.Name, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hosts WHERE lower(name) = lower($1) AND id <> $2`,
			h.Name, h.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return model.FieldErr("name", "a host called %s already exists", h.Name)
		}
		if h.CohortID != 0 {
			if _, err := readCohort(ctx, tx, h.CohortID); err != nil {
				return model.FieldErr("cohort", "cohort %d does not exist", h.CohortID)
			}
		}
		if h.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO hosts (name, region, setting, kickstarter, partner, cohort_id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, h.Name, h.Region, h.Setting, h.Kickstarter, h.Partner,
				nullIfZero(h.CohortID), model.Now()).Scan(&h.ID)
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, by, "create", "host", strconv.FormatInt(h.ID, 10), nil, h)
		}
		before, err := readHost(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		b, a, err := model.ChangedFields(before, h)
		if err != nil || (len(a) == 0 && len(b) == 0) {
			return err // saved unchanged: no write, no audit entry
		}
		if skip, err := s.checkSeen(ctx, tx, h.Seen, before, h, 0, auditKey{"host", strconv.FormatInt(h.ID, 10)}); err != nil || skip {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET name = $1, region = $2, setting = $3, kickstarter = $4,
            partner = $5, cohort_id = $6 WHERE id = $7`, h.Name, h.Region, h.Setting, h.Kickstarter, h.Partner,
			nullIfZero(h.CohortID), h.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "update", "host", strconv.FormatInt(h.ID, 10), b, a)
	})
	if err != nil {
		return 0, fmt.Errorf("save host %s: %w", h.Name, err)
	}
	return h.ID, nil
}

// Regions lists the regions hosts are in, for a picker.
func (s *Store) Regions(ctx context.Context) ([]string, error) {
	var out []string
	err := s.eachRow(ctx, `SELECT DISTINCT region FROM hosts WHERE region <> '' ORDER BY region`, nil, func(r *sql.Rows) error {
		var v string
		err := r.Scan(&v)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	return out, nil
}
