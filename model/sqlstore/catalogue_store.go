package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// LoadCatalogue reads the whole catalogue: units with outcomes and criteria,
// qualifications with their groups (and the details of the units they name).
func (s *Store) LoadCatalogue(ctx context.Context) (model.Catalogue, error) {
	var c model.Catalogue
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, title, level, credits, guided_hours FROM units ORDER BY code`)
	if err != nil {
		return c, fmt.Errorf("load catalogue: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var u model.Unit
		if err := rows.Scan(&u.ID, &u.Code, &u.Title, &u.Level, &u.Credits, &u.GuidedHours); err != nil {
			rows.Close()
			return c, fmt.Errorf("load catalogue: %w", err)
		}
		byID[u.ID] = len(c.Units)
		c.Units = append(c.Units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT o.unit_id, o.id, o.number, o.text, c.id, c.number, c.text
		FROM learning_outcomes o JOIN criteria c ON c.outcome_id = o.id ORDER BY o.unit_id, o.number, c.id`)
	if err != nil {
		return c, fmt.Errorf("load catalogue: %w", err)
	}
	for rows.Next() {
		var unitID int64
		var o model.Outcome
		var cr model.Criterion
		if err := rows.Scan(&unitID, &o.ID, &o.Number, &o.Text, &cr.ID, &cr.Number, &cr.Text); err != nil {
			rows.Close()
			return c, fmt.Errorf("load catalogue: %w", err)
		}
		u := &c.Units[byID[unitID]]
		if n := len(u.Outcomes); n == 0 || u.Outcomes[n-1].ID != o.ID {
			u.Outcomes = append(u.Outcomes, o)
		}
		last := &u.Outcomes[len(u.Outcomes)-1]
		last.Criteria = append(last.Criteria, cr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	for i := range c.Units {
		sortCriteria(&c.Units[i])
	}
	rows, err = s.db.QueryContext(ctx, `SELECT id, code, title, level, min_credits, min_credits_level, min_credits_at_level
		FROM qualifications ORDER BY code`)
	if err != nil {
		return c, fmt.Errorf("load catalogue: %w", err)
	}
	qByID := map[int64]int{}
	for rows.Next() {
		var q model.Qualification
		var lvl sql.NullInt64
		var at int
		if err := rows.Scan(&q.ID, &q.Code, &q.Title, &q.Level, &q.MinCredits, &lvl, &at); err != nil {
			rows.Close()
			return c, fmt.Errorf("load catalogue: %w", err)
		}
		if lvl.Valid {
			q.AtOrAbove = &model.LevelCredits{Level: int(lvl.Int64), Credits: at}
		}
		qByID[q.ID] = len(c.Qualifications)
		c.Qualifications = append(c.Qualifications, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT g.qualification_id, g.id, g.name, g.mandatory, g.min_credits, g.max_credits, u.code, u.id
		FROM qualification_groups g JOIN qualification_group_units gu ON gu.group_id = g.id JOIN units u ON u.id = gu.unit_id
		ORDER BY g.qualification_id, g.position, g.id, u.code`)
	if err != nil {
		return c, fmt.Errorf("load catalogue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var qid, unitID int64
		var g model.Group
		var max sql.NullInt64
		var code string
		if err := rows.Scan(&qid, &g.ID, &g.Name, &g.Mandatory, &g.MinCredits, &max, &code, &unitID); err != nil {
			return c, fmt.Errorf("load catalogue: %w", err)
		}
		if max.Valid {
			m := int(max.Int64)
			g.MaxCredits = &m
		}
		q := &c.Qualifications[qByID[qid]]
		if n := len(q.Groups); n == 0 || q.Groups[n-1].ID != g.ID {
			q.Groups = append(q.Groups, g)
		}
		last := &q.Groups[len(q.Groups)-1]
		last.Units = append(last.Units, code)
		q.UnitDetails = append(q.UnitDetails, c.Units[byID[unitID]])
	}
	return c, rows.Err()
}

// sortCriteria orders criteria 1.2 before 1.10.
func sortCriteria(u *model.Unit) {
	for i := range u.Outcomes {
		cr := u.Outcomes[i].Criteria
		sort.SliceStable(cr, func(a, b int) bool { return criterionKey(cr[a].Number) < criterionKey(cr[b].Number) })
	}
}

func criterionKey(n string) int {
	var a, b int
	fmt.Sscanf(n, "%d.%d", &a, &b)
	return a*1000 + b
}

// ImportCatalogue adds a catalogue's units and qualifications, all or
// nothing; a code already present is refused by name. Command-line only.
func (s *Store) ImportCatalogue(ctx context.Context, by model.User, c model.Catalogue) (units, quals int, err error) {
	if err := s.require(ctx, by, model.ActCatalogue); err != nil {
		return 0, 0, err
	}
	known := map[string]bool{}
	existing, err := s.LoadCatalogue(ctx)
	if err != nil {
		return 0, 0, err
	}
	qknown := map[string]bool{}
	for _, u := range existing.Units {
		known[u.Code] = true
	}
	for _, q := range existing.Qualifications {
		qknown[q.Code] = true
	}
	for i, u := range c.Units {
		if known[u.Code] {
			return 0, 0, &model.PathError{Path: fmt.Sprintf("units[%d].code", i), Reason: fmt.Sprintf("unit %s is already in the catalogue", u.Code)}
		}
	}
	for i, q := range c.Qualifications {
		if qknown[q.Code] {
			return 0, 0, &model.PathError{Path: fmt.Sprintf("qualifications[%d].code", i), Reason: fmt.Sprintf("qualification %s is already in the catalogue", q.Code)}
		}
	}
	if err := c.Validate(known); err != nil {
		return 0, 0, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ids := map[string]int64{}
		for _, u := range existing.Units {
			ids[u.Code] = u.ID
		}
		for _, u := range c.Units {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO units (code, title, level, credits, guided_hours) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				u.Code, strings.TrimSpace(u.Title), u.Level, u.Credits, u.GuidedHours).Scan(&id); err != nil {
				return fmt.Errorf("unit %s: %w", u.Code, err)
			}
			ids[u.Code] = id
			for _, o := range u.Outcomes {
				var oid int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO learning_outcomes (unit_id, number, text) VALUES ($1, $2, $3) RETURNING id`,
					id, o.Number, o.Text).Scan(&oid); err != nil {
					return fmt.Errorf("unit %s outcome %d: %w", u.Code, o.Number, err)
				}
				for _, cr := range o.Criteria {
					if _, err := tx.ExecContext(ctx, `INSERT INTO criteria (unit_id, outcome_id, number, text) VALUES ($1, $2, $3, $4)`,
						id, oid, cr.Number, cr.Text); err != nil {
						return fmt.Errorf("unit %s criterion %s: %w", u.Code, cr.Number, err)
					}
				}
			}
			if err := s.audit(ctx, tx, by, "create", "unit", fmt.Sprint(id), nil, u); err != nil {
				return err
			}
		}
		for _, q := range c.Qualifications {
			var lvl any
			at := 0
			if q.AtOrAbove != nil {
				lvl, at = q.AtOrAbove.Level, q.AtOrAbove.Credits
			}
			var qid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO qualifications (code, title, level, min_credits, min_credits_level, min_credits_at_level)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, q.Code, q.Title, q.Level, q.MinCredits, lvl, at).Scan(&qid); err != nil {
				return fmt.Errorf("qualification %s: %w", q.Code, err)
			}
			for i, g := range q.Groups {
				var gid int64
				var max any
				if g.MaxCredits != nil {
					max = *g.MaxCredits
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO qualification_groups (qualification_id, name, mandatory, min_credits, max_credits, position)
					VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, qid, g.Name, g.Mandatory, g.MinCredits, max, i+1).Scan(&gid); err != nil {
					return fmt.Errorf("qualification %s group %s: %w", q.Code, g.Name, err)
				}
				for _, code := range g.Units {
					if _, err := tx.ExecContext(ctx, `INSERT INTO qualification_group_units (group_id, unit_id) VALUES ($1, $2)`, gid, ids[code]); err != nil {
						return fmt.Errorf("qualification %s group %s unit %s: %w", q.Code, g.Name, code, err)
					}
				}
			}
			if err := s.audit(ctx, tx, by, "create", "qualification", fmt.Sprint(qid), nil, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("import catalogue: %w", err)
	}
	return len(c.Units), len(c.Qualifications), nil
}
