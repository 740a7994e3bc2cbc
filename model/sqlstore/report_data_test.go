package sqlstore

import (
	"cascade/model"
	"testing"
)

func TestEqualityReportCountsAnswers(t *testing.T) {
	f := newCertFixture(t)
	// The demo fills no equality monitoring, so the test adds its own answers.
	rows := [][2]string{{"zoe@example.org", "Woman"}, {"lukasz@example.org", "Man"}, {"aoife@example.org", "Woman"},
		{"wyn@example.org", ""}, {"sofia@example.org", "Woman"}}
	for _, r := range rows {
		if _, err := f.s.db.ExecContext(f.ctx, `INSERT INTO equality_monitoring (person_id, gender, updated_at)
			SELECT id, $1, $2 FROM people WHERE email = $3`, r[1], model.Now(), r[0]); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.s.EqualityReport(f.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Organisers != 5 || r.Responded != 5 {
		t.Errorf("organisers %d, responded %d; want 5 and 5", r.Organisers, r.Responded)
	}
	got := map[string]int{}
	for _, row := range r.Rows {
		got[row.Dimension+"/"+row.Category] = row.Count
	}
	if got["Gender/Woman"] != 3 || got["Gender/Man"] != 1 || got["Gender/Not stated"] != 1 || got["Age band/Not stated"] != 5 {
		t.Errorf("counts = %v", got)
	}
	if r3, _ := f.s.EqualityReport(f.ctx, 99); r3.Organisers != 0 || len(r3.Rows) != 0 {
		t.Errorf("cohort 99: %+v; want nothing", r3)
	}
}

func TestReportDataOnTheDemo(t *testing.T) {
	s, _ := demoDB(t)
	d, err := s.Dashboard(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.ProgressReport(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total.Seniors != d.Seniors || p.Total.Volunteers != d.Volunteers {
		t.Errorf("progress total %d/%d; dashboard %d/%d", p.Total.Seniors, p.Total.Volunteers, d.Seniors, d.Volunteers)
	}
	sum := 0
	for _, c := range p.ByCohort {
		sum += c.Volunteers
	}
	if sum != p.Total.Volunteers {
		t.Errorf("cohorts sum to %d volunteers; total %d", sum, p.Total.Volunteers)
	}
	c, err := s.CascadeReport(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Generations) != d.TrainerGenerations || c.Trainers != d.Trainers {
		t.Errorf("cascade: %d generations, %d trainers; dashboard %d, %d", len(c.Generations), c.Trainers, d.TrainerGenerations, d.Trainers)
	}
	v, err := s.VerificationReport(t.Context(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Assessors) == 0 || len(v.Units) == 0 || v.Total.Sampled == 0 || v.Total.Sampled > v.Total.Decisions {
		t.Errorf("verification cohort 3: %d assessors, %d units, %d/%d sampled", len(v.Assessors), len(v.Units), v.Total.Sampled, v.Total.Decisions)
	}
	cell := 0
	for _, row := range v.Cells {
		for _, x := range row {
			cell += x.Decisions
		}
	}
	if cell != v.Total.Decisions {
		t.Errorf("matrix cells sum to %d; total %d", cell, v.Total.Decisions)
	}
}
