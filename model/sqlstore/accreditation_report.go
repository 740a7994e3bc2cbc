package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The accreditation report's reads ($1: cohort number, 0 for all). The
// report is one row per learner (an organiser registered for a
// qualification) and unit (those the qualification names and any achieved
// besides): achieved when unit_achievements holds it, else judged by the
// newest decision on any of the learner's evidence for the unit (an item's
// unit is the lowest unit its criteria belong to, kept on the item since
// migration 101), with the verifier on the newest sample of the deciding
// decision.
//
// It was one query joining all of that, about 1 s at scale 10 on either
// store, most of it SQLite or PostgreSQL joining 145,000 evidence criteria,
// 50,000 items and 54,000 decisions to learners and grouping them twice.
// Each table is now read once, lean and mostly from covering indexes, and
// the report is put together in Go. Evidence is read only where it can
// judge: the items of learners with a unit not achieved, and the decisions
// on those of their items that are for such a unit. The learners are in
// cohort, then email order, in each store's own collation (accLearnersOrder).
const (
	accUnitsSQL = `SELECT id, code, title, level, credits FROM units ORDER BY code`
	accQualSQL  = `SELECT g.qualification_id, gu.unit_id FROM qualification_groups g
JOIN qualification_group_units gu ON gu.group_id = g.id`
	accUsersSQL    = `SELECT id, display_name FROM users`
	accLearnersSQL = `SELECT r.organiser_id, r.qualification_id, p.email, p.given_name || ' ' || p.family_name,
	coalesce(c.number, 0), coalesce(h.name, '')
FROM registrations r JOIN organisers o ON o.id = r.organiser_id JOIN people p ON p.id = o.person_id
LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN hosts h ON h.id = o.host_id
WHERE ($1 = 0 OR c.number = $1)`
	// accLearnersOrder is the report's order, cohort then email. SQLite
	// compares text byte by byte, as Go does, so there the learners are
	// sorted in Go, a few milliseconds rather than the pure-Go SQLite's
	// sort of every registration (about 10 ms at scale 10); PostgreSQL
	// sorts them itself, in its own collation.
	accLearnersOrder = `
ORDER BY coalesce(c.number, 0), p.email, r.organiser_id`
	// accCohortOrganisers narrows a read to one cohort's organisers; rows of
	// anyone who is not a learner are passed over in Go all the same.
	accCohortOrganisers = `SELECT o.id FROM organisers o JOIN cohorts c ON c.id = o.cohort_id WHERE c.number = $1`
	accAchievedSQL      = `SELECT a.organiser_id, a.unit_id, a.decision_id, a.assessor_id, a.achieved_on FROM unit_achievements a
WHERE ($1 = 0 OR a.organiser_id IN (` + accCohortOrganisers + `))`
	// accItemsSQL reads, for the learners with a unit not achieved (their
	// ids are written in, ending the list with accItemsEnd), each of their
	// items and its unit, from one index (migration 101 keeps an item's
	// unit on it). An item with no criteria judges no unit. Reading every
	// item and every decision apart was 154,000 rows into Go at scale 10,
	// two thirds of them of learners with nothing pending.
	accItemsSQL = `SELECT e.organiser_id, e.id, e.unit_id FROM evidence_items e
WHERE e.unit_id IS NOT NULL AND e.organiser_id IN (`
	accItemsEnd = `)`
	// accDecisionsSQL reads the decisions on the items that are for a
	// pending unit (their ids written in): a few thousand of the 16,500
	// items above at scale 10, so the decisions are not looked up for
	// items whose unit is achieved.
	accDecisionsSQL = `SELECT d.evidence_id, d.id, d.outcome, d.assessor_id, d.decided_on FROM assessment_decisions d
WHERE d.evidence_id IN (`
	accSamplesSQL = `SELECT s.decision_id, s.id, s.verifier_id, coalesce(s.verified_on, '') FROM iv_samples s`
)

// accLearner is one learner, in report order.
type accLearner struct {
	id                int64
	email, name, host string
	cohort            int
	quals             []int64
	firstAch          int32   // the newest of their achievements in the achieved list, -1 for none
	units             []int32 // ranks of their units, in code order
}

// accAchieved is one achieved unit; next links a learner's achievements.
type accAchieved struct {
	unit, next         int32
	decision, assessor int64
	achievedOn         string
}

// accPending is what a learner's evidence says of a unit of theirs not
// achieved: whether any item is for it, and the newest decision on those.
type accPending struct {
	evidence, decided, notYet bool
	last, assessor            int64
	decidedOn                 string
}

// accPair is a learner (their place) and a unit (its rank).
type accPair struct{ learner, unit int32 }

// accSample is the newest sample of a decision.
type accSample struct {
	id, verifier int64
	on           string
}

// AccreditationReport lists every registered learner's units and where each stands.
func (s *Store) AccreditationReport(ctx context.Context, cohort int) ([]model.AccreditationRow, error) {
	out, err := s.accreditationReport(ctx, cohort, nil)
	if err != nil {
		return nil, fmt.Errorf("accreditation report: %w", err)
	}
	return out, nil
}

// accreditationReport builds the report; ran, when not nil, is told each
// statement as it is run, with the cohort written in, for the bench.
func (s *Store) accreditationReport(ctx context.Context, cohort int, ran func(q string)) ([]model.AccreditationRow, error) {
	// One snapshot for every read, as the single query was.
	opts := &sql.TxOptions{ReadOnly: true}
	if s.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	byCohort := []any{cohort}
	each := func(what, q string, args []any, scan func(*sql.Rows) error) error {
		if ran != nil {
			ran(strings.ReplaceAll(q, "$1", strconv.Itoa(cohort)))
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("read %s: %w", what, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		return nil
	}

	// The learners first: with none (a cohort without registrations) there
	// is nothing else to read.
	var learners []accLearner
	at := map[int64]int32{}
	// Scan targets live outside the loops: a pointer handed to Scan moves
	// its variable to the heap, once a row if it were declared there.
	var id, qual, unit, decision, assessor int64
	var email, name, host string
	var cohortNo int
	learnersSQL := accLearnersSQL
	if s.pg {
		learnersSQL += accLearnersOrder
	}
	err = each("learners", learnersSQL, byCohort, func(r *sql.Rows) error {
		if err := r.Scan(&id, &qual, &email, &name, &cohortNo, &host); err != nil {
			return err
		}
		if i, ok := at[id]; ok { // a second registration
			learners[i].quals = append(learners[i].quals, qual)
			return nil
		}
		at[id] = int32(len(learners))
		learners = append(learners, accLearner{id: id, email: email, name: name, host: host, cohort: cohortNo,
			quals: []int64{qual}, firstAch: -1})
		return nil
	})
	if err != nil || len(learners) == 0 {
		return nil, err
	}
	if !s.pg {
		slices.SortFunc(learners, func(a, b accLearner) int {
			return cmp.Or(cmp.Compare(a.cohort, b.cohort), strings.Compare(a.email, b.email), cmp.Compare(a.id, b.id))
		})
		for i := range learners {
			at[learners[i].id] = int32(i)
		}
	}

	// The catalogue: units in code order (a unit's rank is its place in a
	// learner's rows), each qualification's units, and the users' names.
	var units []model.AccreditationRow // only the unit's fields are set
	rank := map[int64]int32{}
	err = each("units", accUnitsSQL, nil, func(r *sql.Rows) error {
		var id int64
		var u model.AccreditationRow
		if err := r.Scan(&id, &u.UnitCode, &u.Title, &u.Level, &u.Credits); err != nil {
			return err
		}
		rank[id] = int32(len(units))
		units = append(units, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	qualUnits := map[int64][]int32{}
	err = each("qualification units", accQualSQL, nil, func(r *sql.Rows) error {
		var q, u int64
		if err := r.Scan(&q, &u); err != nil {
			return err
		}
		if k, ok := rank[u]; ok {
			qualUnits[q] = append(qualUnits[q], k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	users := map[int64]string{}
	err = each("users", accUsersSQL, nil, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		users[id] = name
		return err
	})
	if err != nil {
		return nil, err
	}

	// Dates repeat across thousands of rows: each distinct one becomes a
	// string once (a map look-up by string(bytes) does not allocate).
	dates := map[string]string{}
	var raw sql.RawBytes
	date := func() string {
		if d, ok := dates[string(raw)]; ok {
			return d
		}
		d := string(raw)
		dates[d] = d
		return d
	}

	// Rows of anyone who is not a learner, or of a unit not in the
	// catalogue, are passed over, as the joins to learners and units did.
	var achieved []accAchieved
	err = each("achieved units", accAchievedSQL, byCohort, func(r *sql.Rows) error {
		if err := r.Scan(&id, &unit, &decision, &assessor, &raw); err != nil {
			return err
		}
		li, ok := at[id]
		k, known := rank[unit]
		if !ok || !known {
			return nil
		}
		achieved = append(achieved, accAchieved{unit: k, next: learners[li].firstAch, decision: decision, assessor: assessor,
			achievedOn: date()})
		learners[li].firstAch = int32(len(achieved) - 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	achievedOf := func(l *accLearner, unit int32) *accAchieved {
		for i := l.firstAch; i >= 0; i = achieved[i].next {
			if achieved[i].unit == unit {
				return &achieved[i]
			}
		}
		return nil
	}

	// Each learner's units (their qualifications' and any achieved), and
	// the pairs not achieved, which only their evidence can judge.
	pending := map[accPair]int32{}
	var pend []accPending
	var gaps []int64 // the learners with a unit not achieved
	rows := 0
	for li := range learners {
		l := &learners[li]
		for _, q := range l.quals {
			l.units = append(l.units, qualUnits[q]...)
		}
		for i := l.firstAch; i >= 0; i = achieved[i].next {
			l.units = append(l.units, achieved[i].unit)
		}
		slices.Sort(l.units)
		l.units = slices.Compact(l.units)
		rows += len(l.units)
		gap := false
		for _, u := range l.units {
			if achievedOf(l, u) == nil {
				pending[accPair{int32(li), u}] = int32(len(pend))
				pend = append(pend, accPending{})
				gap = true
			}
		}
		if gap {
			gaps = append(gaps, l.id)
		}
	}
	if len(pend) > 0 {
		// Each item of the learners with a unit pending, and its unit. The
		// ids are written into the text (integers, so nothing to escape):
		// one text for both stores, which a list parameter is not. In
		// rising order the index is read front to back.
		slices.Sort(gaps)
		items := []byte(accItemsSQL)
		for i, id := range gaps {
			if i > 0 {
				items = append(items, ',')
			}
			items = strconv.AppendInt(items, id, 10)
		}
		items = append(items, accItemsEnd...)
		judged := map[int64]int32{} // item → its pending pair
		list := []byte(accDecisionsSQL)
		var item int64
		err = each("evidence", string(items), nil, func(r *sql.Rows) error {
			if err := r.Scan(&id, &item, &unit); err != nil {
				return err
			}
			li, ok := at[id]
			if !ok {
				return nil
			}
			k, ok := rank[unit]
			if !ok {
				return nil
			}
			p, ok := pending[accPair{li, k}]
			if !ok {
				return nil
			}
			pend[p].evidence = true
			if len(judged) > 0 {
				list = append(list, ',')
			}
			list = strconv.AppendInt(list, item, 10)
			judged[item] = p
			return nil
		})
		if err != nil {
			return nil, err
		}
		// The newest decision on each pending unit's items judges it.
		if len(judged) > 0 {
			list = append(list, ')')
			var outcome string
			err = each("decisions", string(list), nil, func(r *sql.Rows) error {
				if err := r.Scan(&item, &decision, &outcome, &assessor, &raw); err != nil {
					return err
				}
				p, ok := judged[item]
				if !ok || pend[p].decided && decision <= pend[p].last {
					return nil
				}
				pend[p].decided, pend[p].last = true, decision
				pend[p].notYet, pend[p].assessor, pend[p].decidedOn = outcome == "not_yet_achieved", assessor, date()
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}

	samples := map[int64]accSample{}
	var sample, verifier int64
	err = each("samples", accSamplesSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&decision, &sample, &verifier, &raw); err != nil {
			return err
		}
		if was, ok := samples[decision]; !ok || sample > was.id {
			samples[decision] = accSample{id: sample, verifier: verifier, on: date()}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	out := make([]model.AccreditationRow, 0, rows)
	for li := range learners {
		l := &learners[li]
		for _, u := range l.units {
			out = append(out, units[u]) // filled in place: a row is 13 fields
			row := &out[len(out)-1]
			row.Email, row.Name, row.Cohort, row.Host = l.email, l.name, l.cohort, l.host
			var judging int64 // the decision the row stands on
			decided := true
			if a := achievedOf(l, u); a != nil {
				row.Status, row.AssessedOn, row.Assessor = "achieved", a.achievedOn, users[a.assessor]
				judging = a.decision
			} else {
				p := &pend[pending[accPair{int32(li), u}]]
				switch {
				case p.notYet:
					row.Status = "not_yet_achieved"
				case p.evidence:
					row.Status = "in_progress"
				default:
					row.Status = "not_started"
				}
				if decided, judging = p.decided, p.last; decided {
					row.AssessedOn, row.Assessor = p.decidedOn, users[p.assessor]
				}
			}
			if sm, ok := samples[judging]; ok && decided {
				row.Verifier, row.VerifiedOn = users[sm.verifier], sm.on
			}
		}
	}
	return out, nil
}
