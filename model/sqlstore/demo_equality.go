package sqlstore

import (
	"cascade/model"
	mrand "math/rand/v2"
)

// makeEquality records self-declared equality monitoring for about three in
// four of the demo's people, so the equality report has something to count.
// It draws from its own random stream, so the rest of the demo is the same
// programme it was before equality answers were added.
func (b *demoBuilder) makeEquality() {
	if b.err != nil {
		return
	}
	rng := mrand.New(mrand.NewPCG(uint64(b.opt.Seed), 0x657175616c697479))
	group := map[string]string{} // family name → the naming tradition's group
	for _, c := range demoCultures {
		for _, f := range c.family {
			if _, ok := group[f]; !ok {
				group[f] = c.ethnics
			}
		}
	}
	rows, err := b.tx.QueryContext(b.ctx, `SELECT id, family_name FROM people ORDER BY id`)
	if err != nil {
		b.err = err
		return
	}
	type person struct {
		id     int64
		family string
	}
	var people []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.family); err != nil {
			rows.Close()
			b.err = err
			return
		}
		people = append(people, p)
	}
	rows.Close()
	if b.err = rows.Err(); b.err != nil {
		return
	}
	weighted := func(answers []string, weights []int) string {
		total := 0
		for _, w := range weights {
			total += w
		}
		n := rng.IntN(total)
		for i, w := range weights {
			if n < w {
				return answers[i]
			}
			n -= w
		}
		return answers[0]
	}
	q := model.EqualityQuestions
	for _, p := range people {
		if rng.Float64() >= 0.75 {
			continue // did not answer
		}
		e := model.Equality{
			Gender:     weighted(q[0].Answers, []int{52, 44, 2, 1, 3}),
			AgeBand:    weighted(q[1].Answers, []int{14, 24, 22, 18, 13, 6, 3}),
			Ethnicity:  group[p.family],
			Disability: weighted(q[3].Answers, []int{17, 78, 5}),
		}
		if e.Ethnicity == "" || rng.Float64() < 0.04 {
			e.Ethnicity = model.PreferNotToSay
		}
		b.exec(`INSERT INTO equality_monitoring (person_id, gender, age_band, ethnicity, disability, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, p.id, e.Gender, e.AgeBand, e.Ethnicity, e.Disability, stamp(b.today))
		b.counts["equality_monitoring"]++
	}
}
