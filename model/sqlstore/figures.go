package sqlstore

import (
	"cascade/model"
	"context"
	"fmt"
)

// headcountCols counts the organisers o of a group as model.Headcount does
// (docs/numbers.md): seniors and volunteers not withdrawn, completed,
// withdrawn. Every grouped count of organisers selects these columns, so a
// cohort or host reads the same on every screen and report; TestFiguresAgree
// holds them to model.Headcount over the organisers listed.
const headcountCols = `coalesce(sum(CASE WHEN o.role = 'senior' AND o.status <> 'withdrawn' THEN 1 ELSE 0 END), 0) AS seniors,
        coalesce(sum(CASE WHEN o.role = 'volunteer' AND o.status <> 'withdrawn' THEN 1 ELSE 0 END), 0) AS volunteers,
        coalesce(sum(CASE WHEN o.status = 'completed' THEN 1 ELSE 0 END), 0) AS completed,
        coalesce(sum(CASE WHEN o.status = 'withdrawn' THEN 1 ELSE 0 END), 0) AS withdrawn`

// seniorsSupportingCol counts a group's seniors (not withdrawn) supporting at
// least one volunteer who has not withdrawn.
const seniorsSupportingCol = `coalesce(sum(CASE WHEN o.role = 'senior' AND o.status <> 'withdrawn' AND EXISTS (
            SELECT 1 FROM organisers v WHERE v.supported_by_id = o.id AND v.status <> 'withdrawn') THEN 1 ELSE 0 END), 0)`

// trainerReachCTE defines reached(trainer_id, person_id, attended): one row per person a
// trainer reached, as model.TrainerReach counts them — enrolled on, or
// present at a session of, a course the trainer led or taught a session of.
// trainerWhere narrows the trainers ("" for all, or e.g. "= $1").
func trainerReachCTE(trainerWhere string) string {
	lead, sess := "lead_trainer_id IS NOT NULL", "trainer_id IS NOT NULL"
	if trainerWhere != "" {
		lead, sess = "lead_trainer_id "+trainerWhere, "trainer_id "+trainerWhere
	}
	return fmt.Sprintf(`mine(trainer_id, course_id) AS (
            SELECT lead_trainer_id, id FROM courses WHERE %s
            UNION SELECT trainer_id, course_id FROM sessions WHERE %s),
        reached(trainer_id, person_id, attended) AS (
            SELECT m.trainer_id, e.person_id, 0 FROM enrolments e JOIN mine m ON m.course_id = e.course_id
            UNION ALL
            SELECT m.trainer_id, a.person_id, 1 FROM attendance a JOIN sessions s ON s.id = a.session_id
            JOIN mine m ON m.course_id = s.course_id WHERE a.present = 1)`, lead, sess)
}

// onTTTCol says whether trainer t sat one of the programme's
// train-the-trainers courses, for model.IsFoundingTrainer.
const onTTTCol = `EXISTS (SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id
        WHERE e.person_id = t.person_id AND c.kind = 'ttt')`

// firstTTT is the day the programme's first train-the-trainers course began,
// "" when there is none.
func (s *Store) firstTTT(ctx context.Context) (string, error) {
	var d string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(min(starts_on), '') FROM courses WHERE kind = 'ttt'`).Scan(&d)
	return d, err
}

// trainerGaps counts trainers with no trainer recorded who are not founding
// trainers: the "trainers without a trainer" flag.
func (s *Store) trainerGaps(ctx context.Context) (int, error) {
	first, err := s.firstTTT(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT coalesce(t.trained_on, ''), `+onTTTCol+`
        FROM trainers t WHERE t.trained_by_id IS NULL`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var on string
		var ttt bool
		if err := rows.Scan(&on, &ttt); err != nil {
			return 0, err
		}
		if !model.IsFoundingTrainer(0, ttt, on, first) {
			n++
		}
	}
	return n, rows.Err()
}
