package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// progressSQL counts organisers (headcountCols) and units achieved for the
// whole programme (level 0), each cohort (1), host (2) and region (3). The
// organisers are read once, into g, counted per host and cohort; each level
// then adds up g's few thousand rows. Four passes over every organiser, one
// per level, cost four times as much at scale 10 (issue 14). nk and tk
// order each level: cohorts by number, hosts by name, regions by name.
// Every column a group shows is grouped by, or its key is (PostgreSQL
// refuses a bare column SQLite would pick from any row).
const progressSQL = `WITH g AS MATERIALIZED (
    SELECT o.host_id AS host_id, c.number AS cohort, ` + headcountCols + `,
           coalesce(sum((SELECT count(*) FROM unit_achievements ua WHERE ua.organiser_id = o.id)), 0) AS units
    FROM organisers o LEFT JOIN cohorts c ON c.id = o.cohort_id
    WHERE ($1 = 0 OR c.number = $1)
    GROUP BY o.host_id, o.cohort_id, c.number)
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

// each runs q with args in tx and hands each row to scan.
func each(ctx context.Context, tx *sql.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
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

// VerificationReport reads IV coverage; cohort 0 is the whole programme.
func (s *Store) VerificationReport(ctx context.Context, cohort int) (model.VerificationReport, error) {
	r := model.VerificationReport{Cohort: cohort}
	// A decision covers the units of the criteria it judged. The units are
	// named inside the DISTINCT: joined after it, PostgreSQL could not tell
	// how many rows the join kept, guessed 4,000 for 54,000 and looked each
	// decision up one at a time (0.95 s at scale 10, now 0.4 s).
	rows, err := s.db.QueryContext(ctx, `
WITH d AS (
  SELECT ad.id, u.display_name AS assessor, du.unit, e.kind AS method,
         CASE WHEN EXISTS (SELECT 1 FROM iv_samples sa WHERE sa.decision_id = ad.id) THEN 1 ELSE 0 END AS sampled,
         CASE WHEN EXISTS (SELECT 1 FROM iv_samples sa WHERE sa.decision_id = ad.id AND sa.outcome = 'agreed') THEN 1 ELSE 0 END AS agreed,
         CASE WHEN EXISTS (SELECT 1 FROM iv_samples sa WHERE sa.decision_id = ad.id AND sa.outcome = 'sent_back') THEN 1 ELSE 0 END AS sent_back
  FROM assessment_decisions ad
  JOIN users u ON u.id = ad.assessor_id
  JOIN evidence_items e ON e.id = ad.evidence_id
  JOIN organisers o ON o.id = ad.organiser_id
  LEFT JOIN cohorts c ON c.id = o.cohort_id
  JOIN (SELECT DISTINCT dc.decision_id, un.code AS unit FROM decision_criteria dc JOIN criteria cr ON cr.id = dc.criterion_id
        JOIN units un ON un.id = cr.unit_id) du ON du.decision_id = ad.id
  WHERE ($1 = 0 OR c.number = $1))
SELECT assessor, unit, method, count(*), sum(sampled), sum(agreed), sum(sent_back) FROM d
GROUP BY assessor, unit, method ORDER BY assessor, unit, method`, cohort)
	if err != nil {
		return r, fmt.Errorf("verification report: %w", err)
	}
	defer rows.Close()
	type key struct{ a, u string }
	cells := map[key]model.IVCount{}
	methods := map[string]model.IVCount{}
	assessors := map[string]model.IVCount{}
	var methodOrder []string
	units := map[string]bool{}
	for rows.Next() {
		var a, u, m string
		var c model.IVCount
		if err := rows.Scan(&a, &u, &m, &c.Decisions, &c.Sampled, &c.Agreed, &c.SentBack); err != nil {
			return r, fmt.Errorf("verification report: %w", err)
		}
		if _, ok := assessors[a]; !ok {
			r.Assessors = append(r.Assessors, a)
		}
		if !units[u] {
			units[u] = true
			r.Units = append(r.Units, u)
		}
		if _, ok := methods[m]; !ok {
			methodOrder = append(methodOrder, m)
		}
		cells[key{a, u}] = add(cells[key{a, u}], c)
		assessors[a] = add(assessors[a], c)
		methods[m] = add(methods[m], c)
		r.Total = add(r.Total, c)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("verification report: %w", err)
	}
	sortStrings(r.Units)
	sortStrings(methodOrder)
	r.Cells = make([][]model.IVCount, len(r.Assessors))
	for i, a := range r.Assessors {
		r.Cells[i] = make([]model.IVCount, len(r.Units))
		for j, u := range r.Units {
			r.Cells[i][j] = cells[key{a, u}]
		}
		r.ByAssessor = append(r.ByAssessor, model.IVRow{Label: a, IVCount: assessors[a]})
	}
	for _, m := range methodOrder {
		r.ByMethod = append(r.ByMethod, model.IVRow{Label: m, IVCount: methods[m]})
	}
	return r, nil
}

func add(a, b model.IVCount) model.IVCount {
	return model.IVCount{Decisions: a.Decisions + b.Decisions, Sampled: a.Sampled + b.Sampled, Agreed: a.Agreed + b.Agreed, SentBack: a.SentBack + b.SentBack}
}

// EqualityReport reads equality monitoring for organisers, aggregated;
// cohort 0 is the whole programme.
func (s *Store) EqualityReport(ctx context.Context, cohort int) (model.EqualityReport, error) {
	r := model.EqualityReport{Cohort: cohort}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), count(em.person_id) FROM organisers o
		LEFT JOIN cohorts c ON c.id = o.cohort_id LEFT JOIN equality_monitoring em ON em.person_id = o.person_id
		WHERE ($1 = 0 OR c.number = $1)`, cohort).Scan(&r.Organisers, &r.Responded); err != nil {
		return r, fmt.Errorf("equality report: %w", err)
	}
	for _, d := range []struct{ label, col string }{
		{"Gender", "gender"}, {"Age band", "age_band"}, {"Ethnicity", "ethnicity"}, {"Disability", "disability"},
	} {
		rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT CASE WHEN trim(em.%[1]s) = '' THEN 'Not stated' ELSE em.%[1]s END AS v, count(*)
			FROM equality_monitoring em JOIN organisers o ON o.person_id = em.person_id
			LEFT JOIN cohorts c ON c.id = o.cohort_id
			WHERE ($1 = 0 OR c.number = $1) GROUP BY v ORDER BY v`, d.col), cohort)
		if err != nil {
			return r, fmt.Errorf("equality report %s: %w", d.label, err)
		}
		first := len(r.Rows)
		for rows.Next() {
			e := model.EqualityRow{Dimension: d.label}
			if err := rows.Scan(&e.Category, &e.Count); err != nil {
				rows.Close()
				return r, fmt.Errorf("equality report %s: %w", d.label, err)
			}
			r.Rows = append(r.Rows, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, fmt.Errorf("equality report %s: %w", d.label, err)
		}
		sortAnswers(r.Rows[first:], d.col)
	}
	return r, nil
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
