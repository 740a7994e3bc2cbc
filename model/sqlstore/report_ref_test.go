package sqlstore

// The report data and cohorts screen as they were read before issue 14's
// speed work: one obvious query per figure. The tests in
// report_speed_test.go hold the faster reads to these, row for row.

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
)

// refVerificationReport is VerificationReport as it was: IV coverage; cohort 0 is the whole programme.
func (s *Store) refVerificationReport(ctx context.Context, cohort int) (model.VerificationReport, error) {
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

// refEqualityReport is EqualityReport as it was: equality monitoring for organisers, aggregated;
// cohort 0 is the whole programme.
func (s *Store) refEqualityReport(ctx context.Context, cohort int) (model.EqualityReport, error) {
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

// refCohortsAndHosts is CohortsAndHosts as it was: the cohorts and the hosts together, as the cohorts
// screen shows them, reading the hosts once for both.
func (s *Store) refCohortsAndHosts(ctx context.Context) ([]model.CohortRow, []model.HostRow, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, nil, fmt.Errorf("list cohorts: %w", err)
	}
	hosts, err := s.refHosts(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []model.CohortRow
	err = s.eachRow(ctx, `SELECT c.id, c.number, coalesce(c.host_induction_on, ''), coalesce(c.training_starts_on, ''),
        coalesce(c.training_ends_on, ''),
        `+headcountCols+`
        FROM cohorts c LEFT JOIN organisers o ON o.cohort_id = c.id
        GROUP BY c.id ORDER BY c.number`, nil, func(r *sql.Rows) error {
		var c model.CohortRow
		var completed, withdrawn int
		err := r.Scan(&c.ID, &c.Number, &c.HostInductionOn, &c.TrainingStartsOn, &c.TrainingEndsOn, &c.Seniors, &c.Volunteers,
			&completed, &withdrawn)
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

// refHosts is Hosts as it was: every host with its cohort and team size, by cohort then name.
func (s *Store) refHosts(ctx context.Context) ([]model.HostRow, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	var out []model.HostRow
	err = s.eachRow(ctx, `SELECT h.id, h.name, h.region, h.setting, h.kickstarter, h.partner, coalesce(h.cohort_id, 0),
        coalesce(c.number, 0), coalesce(t.seniors, 0), coalesce(t.volunteers, 0)
        FROM hosts h LEFT JOIN cohorts c ON c.id = h.cohort_id
        LEFT JOIN (SELECT o.host_id, `+headcountCols+`
                   FROM organisers o WHERE o.host_id IS NOT NULL GROUP BY o.host_id) t ON t.host_id = h.id
        ORDER BY coalesce(c.number, 999999), h.name`, nil, func(r *sql.Rows) error {
		var h model.HostRow
		err := r.Scan(&h.ID, &h.Name, &h.Region, &h.Setting, &h.Kickstarter, &h.Partner, &h.CohortID,
			&h.CohortNumber, &h.Team, &h.Volunteers)
		h.Seen = seenAs(mark, h.Host) // each row is a host a form may edit
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	return out, nil
}
