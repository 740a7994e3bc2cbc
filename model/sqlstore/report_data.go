package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// progressSQL counts organisers (headcountCols) and units achieved for the
// whole programme (level 0), each cohort (1), host (2) and region (3). The
// organisers are read once, counted per host and cohort into a (from the
// index organisers_host_cohort, in its order, with no sort) and named by
// cohort number in g; each level then adds up g's few thousand rows. Units
// are counted per organiser once, joined, rather than looked up per
// organiser. nk and tk order each level: cohorts by number, hosts by name,
// regions by name. Every column a group shows is grouped by, or its key is
// (PostgreSQL refuses a bare column SQLite would pick from any row).
const progressSQL = `WITH a AS MATERIALIZED (
    SELECT o.host_id AS host_id, o.cohort_id AS cohort_id, ` + headcountCols + `,
           coalesce(sum(ua.n), 0) AS units
    FROM organisers o
    LEFT JOIN (SELECT organiser_id, count(*) AS n FROM unit_achievements GROUP BY organiser_id) ua ON ua.organiser_id = o.id
    WHERE ` + organiserInCohort + `
    GROUP BY o.host_id, o.cohort_id),
g AS MATERIALIZED (
    SELECT a.host_id, c.number AS cohort, a.seniors, a.volunteers, a.completed, a.withdrawn, a.units
    FROM a LEFT JOIN cohorts c ON c.id = a.cohort_id)
SELECT 0 AS level, 0 AS nk, '' AS tk, 'All', '', 0, count(DISTINCT g.host_id), ` + progressSums + `
    FROM g HAVING count(*) > 0
UNION ALL
SELECT 1, coalesce(g.cohort, 0), '', CASE WHEN g.cohort IS NULL THEN 'No cohort' ELSE 'Cohort ' || g.cohort END, '',
       coalesce(g.cohort, 0), count(DISTINCT g.host_id), ` + progressSums + `
    FROM g GROUP BY g.cohort
UNION ALL
SELECT 2, 0, coalesce(h.name, 'No host'), coalesce(h.name, 'No host'), coalesce(h.region, ''),
       coalesce((SELECT number FROM cohorts hc WHERE hc.id = h.cohort_id), 0), count(DISTINCT h.id), ` + progressSums + `
    FROM g LEFT JOIN hosts h ON h.id = g.host_id GROUP BY h.id
UNION ALL
SELECT 3, 0, coalesce(h.region, ''), CASE WHEN coalesce(h.region, '') = '' THEN 'No region' ELSE coalesce(h.region, '') END, '',
       0, count(DISTINCT h.id), ` + progressSums + `
    FROM g LEFT JOIN hosts h ON h.id = g.host_id GROUP BY coalesce(h.region, '')
ORDER BY 1, 2, 3`

// progressSums adds g's counts up for one group of progressSQL.
const progressSums = `sum(g.seniors), sum(g.volunteers), sum(g.completed), sum(g.withdrawn), sum(g.units)`

// ProgressReport reads progress to targets, per cohort, host and region;
// cohort 0 is the whole programme.
func (s *Store) ProgressReport(ctx context.Context, cohort int) (model.ProgressReport, error) {
	r := model.ProgressReport{Cohort: cohort}
	if err := s.db.QueryRowContext(ctx, `SELECT name, senior_target, volunteer_target, cohort_target FROM programme WHERE id = 1`).
		Scan(&r.Programme, &r.SeniorTarget, &r.VolunteerTarget, &r.CohortTarget); err != nil {
		return r, fmt.Errorf("progress report: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, progressSQL, cohort)
	if err != nil {
		return r, fmt.Errorf("progress report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var level, nk int
		var tk string
		var p model.ProgressRow
		if err := rows.Scan(&level, &nk, &tk, &p.Label, &p.Region, &p.Cohort, &p.Hosts,
			&p.Seniors, &p.Volunteers, &p.Completed, &p.Withdrawn, &p.Units); err != nil {
			return r, fmt.Errorf("progress report: %w", err)
		}
		switch level {
		case 0:
			r.Total = p
		case 1:
			r.ByCohort = append(r.ByCohort, p)
		case 2:
			r.ByHost = append(r.ByHost, p)
		default:
			r.ByRegion = append(r.ByRegion, p)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("progress report: %w", err)
	}
	return r, nil
}

// CascadeReport reads the cascade's reach; cohort 0 is the whole programme.
func (s *Store) CascadeReport(ctx context.Context, cohort int) (model.CascadeReport, error) {
	r := model.CascadeReport{Cohort: cohort}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("cascade report: %w", err)
	}
	defer tx.Rollback()
	cohorts, trainers, err := cascadeReportHead(ctx, tx, &r)
	if err != nil {
		return r, err
	}
	// Every organiser figure in one pass over the organisers, grouped by
	// cohort and added up in Go, rather than a pass per figure (issue 14).
	// Supported counts volunteers naming a supporter: supported_by_id is
	// a foreign key, so one that is set names an organiser.
	rows, err := tx.QueryContext(ctx, `SELECT coalesce(o.cohort_id, 0), `+headcountCols+`, `+seniorsSupportingCol+`,
        coalesce(sum(CASE WHEN o.status <> 'withdrawn' AND o.supported_by_id IS NOT NULL THEN 1 ELSE 0 END), 0)
        FROM organisers o
        WHERE ($1 = 0 OR o.cohort_id IN (SELECT id FROM cohorts WHERE number = $1))
        GROUP BY o.cohort_id`, cohort)
	if err != nil {
		return r, fmt.Errorf("cascade report organisers: %w", err)
	}
	defer rows.Close()
	counts := map[int64]cascadeCounts{}
	for rows.Next() {
		var id int64
		var c cascadeCounts
		var completed, withdrawn int
		if err := rows.Scan(&id, &c.seniors, &c.volunteers, &completed, &withdrawn, &c.supporting, &c.supported); err != nil {
			return r, fmt.Errorf("cascade report organisers: %w", err)
		}
		counts[id] = c
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("cascade report organisers: %w", err)
	}
	finishCascadeReport(&r, cohorts, trainers, counts)
	return r, tx.Commit()
}

// CascadeReportWithTree reads the whole programme's cascade report and the
// cascade its diagram draws in one read: the report's organiser figures
// come from the organisers the cascade reads anyway.
func (s *Store) CascadeReportWithTree(ctx context.Context) (model.CascadeReport, *model.Cascade, error) {
	r := model.CascadeReport{}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, nil, fmt.Errorf("cascade report: %w", err)
	}
	defer tx.Rollback()
	d, err := s.loadCascade(ctx, tx)
	if err != nil {
		return r, nil, fmt.Errorf("read cascade: %w", err)
	}
	cohorts, trainers, err := cascadeReportHead(ctx, tx, &r)
	if err != nil {
		return r, nil, err
	}
	if err := tx.Commit(); err != nil {
		return r, nil, fmt.Errorf("cascade report: %w", err)
	}
	finishCascadeReport(&r, cohorts, trainers, cascadeCountsOf(d))
	c := d.Build()
	if c.AsOf, err = s.asOfDate(ctx); err != nil {
		return r, nil, fmt.Errorf("read cascade: %w", err)
	}
	return r, c, nil
}

// cascadeCounts is one cohort's organiser figures for the cascade report.
type cascadeCounts struct {
	seniors, volunteers int // not withdrawn (Headcount)
	supporting          int // seniors (not withdrawn) supporting a volunteer (not withdrawn): seniorsSupportingCol
	supported           int // volunteers (not withdrawn) whose supporter is an organiser
}

// cascadeCountsOf works CascadeReport's organiser figures out from the
// cascade's own read, by cohort id (0: no cohort), with the same
// definitions as its SQL.
func cascadeCountsOf(d *model.CascadeData) map[int64]cascadeCounts {
	counts := map[int64]*cascadeCounts{}
	of := func(cohort int64) *cascadeCounts {
		c := counts[cohort]
		if c == nil {
			c = &cascadeCounts{}
			counts[cohort] = c
		}
		return c
	}
	for i := range d.Organisers {
		o := &d.Organisers[i]
		c := of(o.CohortID)
		var h model.Headcount
		h.Add(o.Role, o.Status, 1)
		c.seniors += h.Seniors
		c.volunteers += h.Volunteers
		supports := false
		// o.Volunteers are the organisers naming o as their supporter.
		for _, v := range o.Volunteers {
			if vo := &d.Organisers[v]; vo.Status != model.StatusWithdrawn {
				supports = true
				of(vo.CohortID).supported++
			}
		}
		if supports && o.Role == model.RoleSenior && o.Status != model.StatusWithdrawn {
			c.supporting++
		}
	}
	out := make(map[int64]cascadeCounts, len(counts))
	for id, c := range counts {
		out[id] = *c
	}
	return out
}

// cascadeReportHead reads what the cascade report takes from the small
// tables: the programme's name, the trainer network by generation, the
// cohorts in the report's scope in number order, and how many trainers
// led or taught a course in each cohort (by cohort id).
func cascadeReportHead(ctx context.Context, tx *sql.Tx, r *model.CascadeReport) ([]model.CohortRef, map[int64]int, error) {
	if err := tx.QueryRowContext(ctx, `SELECT name FROM programme WHERE id = 1`).Scan(&r.Programme); err != nil {
		return nil, nil, fmt.Errorf("cascade report: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN status IN ('accredited', 'active') THEN 1 ELSE 0 END), 0) FROM trainers`).
		Scan(&r.Trainers, &r.ActiveTrainers); err != nil {
		return nil, nil, fmt.Errorf("cascade report trainers: %w", err)
	}
	// Generations as the tree and the trainer list number them: founding
	// trainers are model.FoundingGeneration.
	err := each(ctx, tx, trainerGenerationsCTE+` SELECT generation, count(*) FROM gen GROUP BY generation ORDER BY generation`, nil,
		func(rows *sql.Rows) error {
			var g, n int
			if err := rows.Scan(&g, &n); err != nil {
				return err
			}
			for len(r.Generations) <= g-model.FoundingGeneration {
				r.Generations = append(r.Generations, 0)
			}
			r.Generations[g-model.FoundingGeneration] = n
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("cascade report generations: %w", err)
	}
	var cohorts []model.CohortRef
	err = each(ctx, tx, `SELECT id, number FROM cohorts WHERE ($1 = 0 OR number = $1) ORDER BY number`, []any{r.Cohort},
		func(rows *sql.Rows) error {
			var c model.CohortRef
			err := rows.Scan(&c.ID, &c.Number)
			cohorts = append(cohorts, c)
			return err
		})
	if err != nil {
		return nil, nil, fmt.Errorf("cascade report cohorts: %w", err)
	}
	// A trainer counts in a cohort for leading one of its courses or
	// teaching a session of one: the pairs of the few hundred courses and
	// sessions, rather than a search per trainer and cohort.
	trainers := map[int64]int{}
	err = each(ctx, tx, `SELECT m.cohort_id, count(DISTINCT t.id) FROM (
            SELECT cohort_id, lead_trainer_id AS trainer_id FROM courses
            UNION ALL SELECT co.cohort_id, se.trainer_id FROM sessions se JOIN courses co ON co.id = se.course_id) m
        JOIN trainers t ON t.id = m.trainer_id
        WHERE m.cohort_id IS NOT NULL GROUP BY m.cohort_id`, nil,
		func(rows *sql.Rows) error {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			trainers[id] = n
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("cascade report cohort trainers: %w", err)
	}
	return cohorts, trainers, nil
}

// finishCascadeReport adds the organiser figures up per cohort in scope and
// in total. The totals cover every organiser in scope, those with no cohort
// too: the same figures as the progress report and the dashboard.
func finishCascadeReport(r *model.CascadeReport, cohorts []model.CohortRef, trainers map[int64]int, counts map[int64]cascadeCounts) {
	for _, co := range cohorts {
		c := counts[co.ID]
		r.ByCohort = append(r.ByCohort, model.CascadeRow{Cohort: co.Number, Trainers: trainers[co.ID],
			Seniors: c.seniors, Volunteers: c.volunteers, SeniorsSupporting: c.supporting})
	}
	inScope := map[int64]bool{}
	for _, co := range cohorts {
		inScope[co.ID] = true
	}
	for id, c := range counts {
		if r.Cohort == 0 || inScope[id] {
			r.Seniors += c.seniors
			r.Volunteers += c.volunteers
			r.SeniorsSupporting += c.supporting
			r.VolunteersSupported += c.supported
		}
	}
}

// each runs q with args on db (the store's handle or a transaction) and
// hands each row to scan, checking rows.Err at the end.
func each(ctx context.Context, db querier, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ivRowsSQL is one row per decision of cohort $1 (0: all) and unit whose
// criteria it judged: the assessor's and unit's ids, the method, 1, and
// whether the decision was sampled, agreed, sent back (1 or 0). The units
// are made distinct before the join: joined after, PostgreSQL could not
// tell how many rows the join kept and looked each decision up one at a time.
const ivRowsSQL = `SELECT ad.assessor_id AS assessor_id, du.unit_id AS unit_id, e.kind AS kind, 1 AS decisions,
       CASE WHEN sm.decision_id IS NULL THEN 0 ELSE 1 END AS sampled,
       coalesce(sm.agreed, 0) AS agreed, coalesce(sm.sent_back, 0) AS sent_back
FROM (SELECT DISTINCT dc.decision_id, cr.unit_id FROM decision_criteria dc JOIN criteria cr ON cr.id = dc.criterion_id) du
JOIN assessment_decisions ad ON ad.id = du.decision_id
JOIN evidence_items e ON e.id = ad.evidence_id
LEFT JOIN (SELECT decision_id, max(CASE WHEN outcome = 'agreed' THEN 1 ELSE 0 END) AS agreed,
                  max(CASE WHEN outcome = 'sent_back' THEN 1 ELSE 0 END) AS sent_back
           FROM iv_samples GROUP BY decision_id) sm ON sm.decision_id = ad.id
WHERE ($1 = 0 OR ad.organiser_id IN (SELECT o.id FROM organisers o JOIN cohorts c ON c.id = o.cohort_id WHERE c.number = $1))`

// VerificationReport reads IV coverage; cohort 0 is the whole programme.
// A decision counts once for each unit whose criteria it judged. Grouping
// by the assessor's name, the unit's code and the method in SQL sorted every
// decision on SQLite (0.4 s at scale 10, issue 14): the (decision, unit)
// pairs are counted by ids (ivCounts) and named here.
func (s *Store) VerificationReport(ctx context.Context, cohort int) (model.VerificationReport, error) {
	r := model.VerificationReport{Cohort: cohort}
	// Assessors by name in the database's order, as the report lists them;
	// two users of one name are one assessor, as grouping by name made them.
	assessorName := map[int64]string{}
	var names []string
	err := s.eachRow(ctx, `SELECT id, display_name FROM users ORDER BY display_name`, nil, func(rows *sql.Rows) error {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		assessorName[id] = name
		if len(names) == 0 || names[len(names)-1] != name {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("verification report assessors: %w", err)
	}
	unitCode := map[int64]string{}
	err = s.eachRow(ctx, `SELECT id, code FROM units`, nil, func(rows *sql.Rows) error {
		var id int64
		var code string
		err := rows.Scan(&id, &code)
		unitCode[id] = code
		return err
	})
	if err != nil {
		return r, fmt.Errorf("verification report units: %w", err)
	}
	counts, methods, err := s.ivCounts(ctx, cohort)
	if err != nil {
		return r, fmt.Errorf("verification report: %w", err)
	}
	type cell struct{ a, u string }
	cells := map[cell]model.IVCount{}
	byAssessor := map[string]model.IVCount{}
	byMethod := map[string]model.IVCount{}
	byUnit := map[string]bool{}
	for k, c := range counts {
		a, aok := assessorName[k.assessor]
		u, uok := unitCode[k.unit]
		if !aok || !uok {
			continue // the joins to users and units kept only rows naming both
		}
		m := methods[k.method]
		cells[cell{a, u}] = add(cells[cell{a, u}], *c)
		byAssessor[a] = add(byAssessor[a], *c)
		byMethod[m] = add(byMethod[m], *c)
		byUnit[u] = true
		r.Total = add(r.Total, *c)
	}
	for _, a := range names {
		if _, ok := byAssessor[a]; ok {
			r.Assessors = append(r.Assessors, a)
		}
	}
	for u := range byUnit {
		r.Units = append(r.Units, u)
	}
	sortStrings(r.Units)
	methodOrder := make([]string, 0, len(byMethod))
	for m := range byMethod {
		methodOrder = append(methodOrder, m)
	}
	sortStrings(methodOrder)
	r.Cells = make([][]model.IVCount, len(r.Assessors))
	for i, a := range r.Assessors {
		r.Cells[i] = make([]model.IVCount, len(r.Units))
		for j, u := range r.Units {
			r.Cells[i][j] = cells[cell{a, u}]
		}
		r.ByAssessor = append(r.ByAssessor, model.IVRow{Label: a, IVCount: byAssessor[a]})
	}
	for _, m := range methodOrder {
		r.ByMethod = append(r.ByMethod, model.IVRow{Label: m, IVCount: byMethod[m]})
	}
	return r, nil
}

// ivKey is one cell of the verification report by ids: the assessor, the
// unit and the method (an index into the methods ivCounts returns).
type ivKey struct {
	assessor, unit int64
	method         int
}

// ivMethods numbers the methods (evidence kinds) as they are met.
type ivMethods struct {
	index map[string]int
	names []string
}

func (m *ivMethods) of(kind []byte) int {
	i, ok := m.index[string(kind)] // no string made for the look-up
	if !ok {
		i = len(m.names)
		m.names = append(m.names, string(kind))
		m.index[m.names[i]] = i
	}
	return i
}

// ivCounts counts ivRowsSQL's (decision, unit) rows of cohort (0: all) per
// assessor, unit and method, and names the methods.
func (s *Store) ivCounts(ctx context.Context, cohort int) (map[ivKey]*model.IVCount, []string, error) {
	if !s.pg {
		return s.ivCountsByDecision(ctx, cohort)
	}
	// PostgreSQL adds the rows up itself (summedByServer), as handing
	// every row over costs it more.
	counts := map[ivKey]*model.IVCount{}
	methods := ivMethods{index: map[string]int{}}
	err := s.eachRow(ctx, s.summedByServer(ivRowsSQL, []string{"assessor_id", "unit_id", "kind"},
		[]string{"decisions", "sampled", "agreed", "sent_back"}), []any{cohort}, func(rows *sql.Rows) error {
		var k ivKey
		var kind sql.RawBytes
		// int64s: database/sql scans a driver's int64 into an int by way
		// of a string, which cost a fifth of the report at scale 10.
		var decisions, sampled, agreed, sentBack int64
		if err := rows.Scan(&k.assessor, &k.unit, &kind, &decisions, &sampled, &agreed, &sentBack); err != nil {
			return err
		}
		n := model.IVCount{Decisions: int(decisions), Sampled: int(sampled), Agreed: int(agreed), SentBack: int(sentBack)}
		k.method = methods.of(kind)
		if c := counts[k]; c != nil {
			*c = add(*c, n)
		} else {
			counts[k] = &n
		}
		return nil
	})
	return counts, methods.names, err
}

// SQLite's reads for ivCountsByDecision: each a plain scan, no sort and no
// temporary table.
const (
	ivCriteriaSQL = `SELECT id, unit_id FROM criteria`
	// What ivRowsSQL's sm says of a decision: sampled at all, agreed by a
	// sample, sent back by one.
	ivSamplesSQL   = `SELECT decision_id, outcome FROM iv_samples`
	ivDecisionsSQL = `SELECT ad.id, ad.assessor_id, e.kind
FROM assessment_decisions ad JOIN evidence_items e ON e.id = ad.evidence_id
WHERE ($1 = 0 OR ad.organiser_id IN (SELECT o.id FROM organisers o JOIN cohorts c ON c.id = o.cohort_id WHERE c.number = $1))`
	ivDecisionCriteriaSQL = `SELECT decision_id, criterion_id FROM decision_criteria`
)

// ivCountsByDecision counts what ivRowsSQL's rows count, from plain reads of
// the tables it joins, made distinct and joined here. On SQLite, making
// 157,000 decision criteria into 54,000 distinct (decision, unit) pairs
// built a temporary b-tree, and the joined rows came seven columns each:
// together most of the report (some 200 ms at scale 10, issue 14).
func (s *Store) ivCountsByDecision(ctx context.Context, cohort int) (map[ivKey]*model.IVCount, []string, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	// Units numbered densely, so a decision's units seen so far fit a
	// bitset while there are at most 64 of them (a map past that).
	unitOf := map[int64]int32{} // criterion id → unit number
	var units []int64           // unit number → unit id
	unitNumber := map[int64]int32{}
	var id, unit int64
	err = each(ctx, tx, ivCriteriaSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&id, &unit); err != nil {
			return err
		}
		n, ok := unitNumber[unit]
		if !ok {
			n = int32(len(units))
			units = append(units, unit)
			unitNumber[unit] = n
		}
		unitOf[id] = n
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("criteria: %w", err)
	}
	type sample struct{ agreed, sentBack bool }
	samples := map[int64]sample{}
	var outcome sql.RawBytes
	err = each(ctx, tx, ivSamplesSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&id, &outcome); err != nil {
			return err
		}
		sm := samples[id]
		sm.agreed = sm.agreed || string(outcome) == "agreed"
		sm.sentBack = sm.sentBack || string(outcome) == "sent_back"
		samples[id] = sm
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("samples: %w", err)
	}
	// The decisions in scope, found by id through a slice while ids stay
	// small (as they do), a map past that. Sized from the highest id
	// (read from the key's end, not counted): grown row by row, the
	// slices were copied over and over, most of the report's memory.
	type decision struct {
		assessor int64
		method   int32
		n        uint8  // 1: sampled, 2: agreed, 4: sent back
		unitSeen uint64 // units met so far, by number (at most 64 units)
	}
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM assessment_decisions`).Scan(&maxID); err != nil {
		return nil, nil, fmt.Errorf("decisions: %w", err)
	}
	hint := int(min(max(maxID+1, 0), smallPersonIDs))
	decisions := make([]decision, 0, hint)
	atSmall := make([]int32, 0, hint) // decision id → index + 1; 0 when not in scope
	atBig := map[int64]int32{}
	methods := ivMethods{index: map[string]int{}}
	var assessor int64
	var kind sql.RawBytes
	err = each(ctx, tx, ivDecisionsSQL, []any{cohort}, func(r *sql.Rows) error {
		if err := r.Scan(&id, &assessor, &kind); err != nil {
			return err
		}
		d := decision{assessor: assessor, method: int32(methods.of(kind))}
		if sm, ok := samples[id]; ok {
			d.n = 1
			if sm.agreed {
				d.n |= 2
			}
			if sm.sentBack {
				d.n |= 4
			}
		}
		decisions = append(decisions, d)
		if id >= 0 && id < smallPersonIDs {
			if int(id) >= len(atSmall) {
				atSmall = slices.Grow(atSmall, int(id)+1-len(atSmall))[:id+1] // new places are zero
			}
			atSmall[id] = int32(len(decisions))
		} else {
			atBig[id] = int32(len(decisions))
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("decisions: %w", err)
	}
	counts := map[ivKey]*model.IVCount{}
	var unitsSeen map[[2]int32]bool // (decision index, unit number) met, past 64 units
	var criterion int64
	err = each(ctx, tx, ivDecisionCriteriaSQL, nil, func(r *sql.Rows) error {
		if err := r.Scan(&id, &criterion); err != nil {
			return err
		}
		var at int32
		if id >= 0 && id < int64(len(atSmall)) {
			at = atSmall[id]
		} else if id < 0 || id >= smallPersonIDs {
			at = atBig[id]
		}
		u, ok := unitOf[criterion]
		if at == 0 || !ok {
			return nil // not in scope, or a criterion the join to criteria would drop
		}
		d := &decisions[at-1]
		if len(units) <= 64 {
			if d.unitSeen&(1<<u) != 0 {
				return nil
			}
			d.unitSeen |= 1 << u
		} else {
			if unitsSeen[[2]int32{at, u}] {
				return nil
			}
			if unitsSeen == nil {
				unitsSeen = map[[2]int32]bool{}
			}
			unitsSeen[[2]int32{at, u}] = true
		}
		k := ivKey{assessor: d.assessor, unit: units[u], method: int(d.method)}
		c := counts[k]
		if c == nil {
			c = &model.IVCount{}
			counts[k] = c
		}
		c.Decisions++
		c.Sampled += int(d.n & 1)
		c.Agreed += int(d.n >> 1 & 1)
		c.SentBack += int(d.n >> 2 & 1)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("decision criteria: %w", err)
	}
	return counts, methods.names, tx.Commit()
}

func add(a, b model.IVCount) model.IVCount {
	return model.IVCount{Decisions: a.Decisions + b.Decisions, Sampled: a.Sampled + b.Sampled, Agreed: a.Agreed + b.Agreed, SentBack: a.SentBack + b.SentBack}
}

// organiserInCohort keeps the organisers o of cohort number $1, or every
// organiser when $1 is 0. It names the cohort by a subquery rather than a
// join, so the whole programme's read joins nothing and groups by o's own
// columns in an index's order.
const organiserInCohort = `($1 = 0 OR o.cohort_id IN (SELECT id FROM cohorts WHERE number = $1))`

// equalityFields are the monitoring columns, in model.EqualityQuestions
// order, with the report's label for each.
var equalityFields = [...]struct{ label, col string }{
	{"Gender", "gender"}, {"Age band", "age_band"}, {"Ethnicity", "ethnicity"}, {"Disability", "disability"},
}

// notStated is the category of a blank answer.
const notStated = "Not stated"

// EqualityReport reads equality monitoring for organisers, aggregated;
// cohort 0 is the whole programme. The answers of the organisers in scope
// are read once and counted here: a GROUP BY per question sorted every
// answer four times over (0.3 s at scale 10, issue 14).
func (s *Store) EqualityReport(ctx context.Context, cohort int) (model.EqualityReport, error) {
	r := model.EqualityReport{Cohort: cohort}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM organisers o WHERE `+organiserInCohort, cohort).
		Scan(&r.Organisers); err != nil {
		return r, fmt.Errorf("equality report: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT em.gender, em.age_band, em.ethnicity, em.disability
		FROM organisers o JOIN equality_monitoring em ON em.person_id = o.person_id
		WHERE `+organiserInCohort, cohort)
	if err != nil {
		return r, fmt.Errorf("equality report: %w", err)
	}
	defer rows.Close()
	// counts[i] counts question i's answers as stored; a pointer, so that
	// counting one more looks the answer up without copying it to a string.
	var counts [len(equalityFields)]map[string]*int
	for i := range counts {
		counts[i] = map[string]*int{}
	}
	var raw [len(equalityFields)]sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&raw[0], &raw[1], &raw[2], &raw[3]); err != nil {
			return r, fmt.Errorf("equality report: %w", err)
		}
		r.Responded++
		for i, b := range raw {
			if n := counts[i][string(b)]; n != nil {
				*n++
			} else {
				one := 1
				counts[i][string(b)] = &one
			}
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("equality report: %w", err)
	}
	for i, d := range equalityFields {
		// A blank answer, spaces only as SQL's trim sees it, is Not stated.
		byCategory := map[string]int{}
		for answer, n := range counts[i] {
			if strings.Trim(answer, " ") == "" {
				answer = notStated
			}
			byCategory[answer] += *n
		}
		categories, err := s.answerOrder(ctx, byCategory, d.col)
		if err != nil {
			return r, fmt.Errorf("equality report %s: %w", d.label, err)
		}
		for _, c := range categories {
			r.Rows = append(r.Rows, model.EqualityRow{Dimension: d.label, Category: c, Count: byCategory[c]})
		}
	}
	return r, nil
}

// answerOrder puts one question's categories in sortAnswers' order. The
// answers the form does not offer keep the database's own text order among
// themselves, as ORDER BY gave them when the report grouped in SQL; the form
// refuses such answers, so there are seldom two to ask the database about.
func (s *Store) answerOrder(ctx context.Context, byCategory map[string]int, field string) ([]string, error) {
	var offered []string
	for _, q := range model.EqualityQuestions {
		if q.Field == field {
			offered = q.Answers
		}
	}
	var out, others []string
	for _, a := range offered {
		if _, ok := byCategory[a]; ok {
			out = append(out, a)
		}
	}
	for c := range byCategory {
		if c != notStated && !slices.Contains(offered, c) {
			others = append(others, c)
		}
	}
	if len(others) > 1 {
		var err error
		if others, err = s.textOrder(ctx, others); err != nil {
			return nil, err
		}
	}
	out = append(out, others...)
	if _, ok := byCategory[notStated]; ok && !slices.Contains(offered, notStated) {
		out = append(out, notStated)
	}
	return out, nil
}

// textOrder sorts texts as the database's ORDER BY does: SQLite's by bytes,
// PostgreSQL's by the database's collation.
func (s *Store) textOrder(ctx context.Context, texts []string) ([]string, error) {
	parts := make([]string, len(texts))
	args := make([]any, len(texts))
	for i, t := range texts {
		parts[i] = fmt.Sprintf("SELECT CAST($%d AS TEXT) AS v", i+1)
		args[i] = t
	}
	rows, err := s.db.QueryContext(ctx, `SELECT v FROM (`+strings.Join(parts, " UNION ALL ")+`) t ORDER BY v`, args...)
	if err != nil {
		return nil, fmt.Errorf("order answers: %w", err)
	}
	defer rows.Close()
	out := make([]string, 0, len(texts))
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("order answers: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// sortAnswers puts one question's rows in the order the form offers its
// answers (ages young to old, Prefer not to say last), then any answer the
// form does not offer, then Not stated.
func sortAnswers(rows []model.EqualityRow, field string) {
	var offered []string
	for _, q := range model.EqualityQuestions {
		if q.Field == field {
			offered = q.Answers
		}
	}
	rank := func(v string) int {
		if i := slices.Index(offered, v); i >= 0 {
			return i
		}
		if v == "Not stated" {
			return len(offered) + 1
		}
		return len(offered)
	}
	slices.SortStableFunc(rows, func(a, b model.EqualityRow) int { return rank(a.Category) - rank(b.Category) })
}

func sortStrings(s []string) { slices.Sort(s) }
