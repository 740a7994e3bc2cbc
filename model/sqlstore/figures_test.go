package sqlstore

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"cascade/model"
	"cascade/reports"
)

// csvSections reads a report's CSV into its sections: facts under "", each
// table under its title (header first).
func csvSections(t *testing.T, s *Store, kind string) map[string][][]string {
	t.Helper()
	doc, err := reports.BuildReport(context.Background(), s, kind, 0, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("build %s report: %v", kind, err)
	}
	var buf bytes.Buffer
	if err := doc.WriteCSV(&buf); err != nil {
		t.Fatalf("%s CSV: %v", kind, err)
	}
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s CSV: %v", kind, err)
	}
	out := map[string][][]string{}
	title := ""
	for i, rec := range recs {
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) == 1 && i+1 < len(recs) {
			title = rec[0]
			continue
		}
		out[title] = append(out[title], rec)
	}
	return out
}

// fact finds a fact row by its label's start and reads its leading number.
func fact(t *testing.T, sec map[string][][]string, prefix string) int {
	t.Helper()
	for _, r := range sec[""] {
		if len(r) == 2 && strings.HasPrefix(r[0], prefix) {
			v := strings.ReplaceAll(strings.Fields(r[1])[0], ",", "")
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("fact %q: %q is not a number", prefix, r[1])
			}
			return n
		}
	}
	t.Fatalf("no fact %q in %v", prefix, sec[""])
	return 0
}

// column reads one table's column by header into label → number.
func column(t *testing.T, sec map[string][][]string, table, header string) map[string]int {
	t.Helper()
	rows := sec[table]
	if len(rows) == 0 {
		t.Fatalf("no table %q", table)
	}
	col := -1
	for i, h := range rows[0] {
		if h == header {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("table %q has no column %q: %v", table, header, rows[0])
	}
	out := map[string]int{}
	for _, r := range rows[1:] {
		n, err := strconv.Atoi(strings.ReplaceAll(r[col], ",", ""))
		if err != nil {
			t.Fatalf("table %q row %q: %q is not a number", table, r[0], r[col])
		}
		out[r[0]] = n
	}
	return out
}

// TestFiguresAgree reads each figure from every screen's data call, the
// reports' data and CSV, and the dashboard, on the demo, and holds them to
// one definition each (docs/numbers.md). CASCADE_FIGURES_SCALE=10 runs it on
// the full-scale demo too (slow).
func TestFiguresAgree(t *testing.T) {
	s, _ := demoDB(t)
	checkFiguresAgree(t, s)
}

func TestFiguresAgreeAtScale(t *testing.T) {
	scale, _ := strconv.Atoi(os.Getenv("CASCADE_FIGURES_SCALE"))
	if scale == 0 || testing.Short() {
		t.Skip("set CASCADE_FIGURES_SCALE=10 to check the figures on a larger demo")
	}
	ctx := context.Background()
	path := t.TempDir() + "/demo.db"
	if _, err := Demo(ctx, path, DemoOptions{Seed: 1, Scale: scale}); err != nil {
		t.Fatalf("Demo: %v", err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkFiguresAgree(t, s)
}

func checkFiguresAgree(t *testing.T, s *Store) {
	ctx := context.Background()
	c, err := s.Cascade(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trainerNodes := map[int64]*model.CascadeNode{}
	c.Walk(func(n *model.CascadeNode, _ int) bool {
		if n.Kind == model.NodeTrainer {
			trainerNodes[n.ID] = n
		}
		return true
	})
	list, err := s.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	thin := map[int64]bool{}
	for _, ts := range c.ThinSpots {
		if ts.Kind == model.ThinTrainer {
			thin[ts.ID] = true
		}
	}

	founding := map[int64]bool{}
	rows, err := s.db.Query(`SELECT t.id FROM trainers t WHERE t.trained_by_id IS NULL AND NOT EXISTS (
        SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.person_id = t.person_id AND c.kind = 'ttt')
        AND ((SELECT min(starts_on) FROM courses WHERE kind = 'ttt') IS NULL
            OR t.trained_on <= (SELECT min(starts_on) FROM courses WHERE kind = 'ttt'))`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		founding[id] = true
	}
	rows.Close()
	if len(founding) == 0 {
		t.Fatal("the demo has no founding trainers")
	}

	// Reach and generation, per trainer: trainer page vs tree node.
	genCount := map[int]int{}
	for _, tr := range list.Trainers {
		node := trainerNodes[tr.ID]
		if node == nil {
			t.Errorf("trainer %s is not in the cascade tree", tr.Name())
			continue
		}
		d, err := s.TrainerDetail(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Reached) != node.Reach {
			t.Errorf("trainer %s: page says %d people reached, tree node says reach %d", tr.Name(), len(d.Reached), node.Reach)
		}
		if tr.Generation != node.Generation {
			t.Errorf("trainer %s: list says generation %d, tree says %d", tr.Name(), tr.Generation, node.Generation)
		}
		genCount[node.Generation]++
		working := tr.RetiredOn == "" && (tr.Status == model.TrainerActive || tr.Status == model.TrainerAccredited)
		if working && node.Reach == 0 && !thin[tr.ID] {
			t.Errorf("trainer %s is %s with reach 0 but not a thin spot", tr.Name(), tr.Status)
		}
		// Founding trainers (no trainer recorded, never on a
		// train-the-trainers course, trained before the first began) are
		// not flagged for having no trainer.
		if founding[tr.ID] && (tr.NoTrainer() || !tr.Founding || tr.Generation != model.FoundingGeneration) {
			t.Errorf("founding trainer %s: flagged %v, founding %v, generation %d", tr.Name(), tr.NoTrainer(), tr.Founding, tr.Generation)
		}
	}
	if genCount[model.FoundingGeneration] == 0 {
		t.Fatalf("no founding trainers in generation %d: %v", model.FoundingGeneration, genCount)
	}
	for _, g := range c.Generations {
		if g.Trainers != genCount[g.Generation] {
			t.Errorf("diagram generation %d: %d trainers, tree nodes %d", g.Generation, g.Trainers, genCount[g.Generation])
		}
	}

	// Generation labels: the cascade report (data and CSV) names the same people.
	cr, err := s.CascadeReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	casc := csvSections(t, s, "cascade")
	gens := column(t, casc, "Trainer network by generation", "Trainers")
	for g, n := range genCount {
		label := model.GenerationLabel(g)
		if gens[label] != n {
			t.Errorf("cascade report CSV %q: %d trainers, tree has %d (report rows %v)", label, gens[label], n, gens)
		}
	}
	if len(gens) != len(genCount) {
		t.Errorf("cascade report has %d generations, tree %d: %v", len(gens), len(genCount), gens)
	}

	// Volunteers and seniors in total: cascade report vs progress report vs dashboard.
	pr, err := s.ProgressReport(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	dash, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := s.DashboardCharts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prog := csvSections(t, s, "progress")
	for _, f := range []struct {
		name                                         string
		cascade, cascadeCSV, progress, progCSV, dash int
	}{
		{"volunteers", cr.Volunteers, fact(t, casc, "Volunteer organisers"), pr.Total.Volunteers, fact(t, prog, "Volunteer organisers"), dash.Volunteers},
		{"seniors", cr.Seniors, fact(t, casc, "Senior organisers"), pr.Total.Seniors, fact(t, prog, "Senior organisers"), dash.Seniors},
	} {
		if f.cascade != f.progress || f.cascadeCSV != f.cascade || f.progCSV != f.progress || f.dash != f.progress {
			t.Errorf("%s: cascade report %d (CSV %d), progress report %d (CSV %d), dashboard %d",
				f.name, f.cascade, f.cascadeCSV, f.progress, f.progCSV, f.dash)
		}
	}
	if last := charts.Progress[len(charts.Progress)-1]; last.Seniors != dash.Seniors-noCohort(t, s, "senior") {
		t.Errorf("dashboard says %d seniors, its progress chart ends at %d", dash.Seniors, last.Seniors)
	}
	if dash.SeniorsSupporting != cr.SeniorsSupporting || fact(t, casc, "  supporting volunteers") != cr.SeniorsSupporting {
		t.Errorf("seniors supporting volunteers: dashboard %d, cascade report %d (CSV %d)",
			dash.SeniorsSupporting, cr.SeniorsSupporting, fact(t, casc, "  supporting volunteers"))
	}
	if dash.TrainerGenerations != len(cr.Generations) || dash.TrainerGenerations != len(c.Generations) {
		t.Errorf("generations: dashboard %d, cascade report %d, diagram %d", dash.TrainerGenerations, len(cr.Generations), len(c.Generations))
	}
	if dash.Withdrawn != pr.Total.Withdrawn {
		t.Errorf("withdrawn: dashboard %d, progress report %d", dash.Withdrawn, pr.Total.Withdrawn)
	}

	// Seniors and volunteers per cohort: Cohorts & hosts vs diagram vs
	// dashboard table and chart vs both reports.
	cohorts, hosts, err := s.CohortsAndHosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[int]model.CohortRow{}
	for _, co := range cohorts {
		byNumber[co.Number] = co
	}
	check := func(where string, number, seniors, volunteers int) {
		t.Helper()
		co := byNumber[number]
		if co.Seniors != seniors || co.Volunteers != volunteers {
			t.Errorf("cohort %d: Cohorts & hosts %d seniors / %d volunteers, %s %d / %d", number, co.Seniors, co.Volunteers, where, seniors, volunteers)
		}
	}
	for _, co := range c.Cohorts {
		check("cascade diagram", co.Number, co.Seniors, co.Volunteers)
	}
	for _, co := range dash.Cohorts {
		check("dashboard table", co.Number, co.Seniors, co.Volunteers)
	}
	for _, g := range charts.ByCohort {
		n, _ := strconv.Atoi(g.Name)
		check("dashboard chart", n, g.Seniors, g.Volunteers)
	}
	for _, r := range cr.ByCohort {
		check("cascade report", r.Cohort, r.Seniors, r.Volunteers)
	}
	for _, r := range pr.ByCohort {
		if r.Cohort > 0 {
			check("progress report", r.Cohort, r.Seniors, r.Volunteers)
		}
	}
	cascSen, cascVol := column(t, casc, "Reach per cohort", "Seniors"), column(t, casc, "Reach per cohort", "Volunteers")
	progSen, progVol := column(t, prog, "By cohort", "Seniors"), column(t, prog, "By cohort", "Volunteers")
	for n := range byNumber {
		label := "Cohort " + strconv.Itoa(n)
		check("cascade report CSV", n, cascSen[label], cascVol[label])
		check("progress report CSV", n, progSen[label], progVol[label])
	}

	// Per host: host row vs its organisers list vs the team-size flag.
	thinHost := map[int64]bool{}
	for _, ts := range c.ThinSpots {
		if ts.Kind == model.ThinHost {
			thinHost[ts.ID] = true
		}
	}
	progHost := map[string]model.ProgressRow{}
	for _, r := range pr.ByHost {
		progHost[r.Label] = r
	}
	for _, h := range hosts {
		orgs, err := s.HostOrganisers(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var hc model.Headcount
		for _, o := range orgs {
			hc.Add(o.Role, o.Status, 1)
		}
		if hc.Seniors != h.Team || hc.Volunteers != h.Volunteers {
			t.Errorf("host %s: row says team %d + %d volunteers, its organisers list %d seniors + %d volunteers (%d listed, %d withdrawn)",
				h.Name, h.Team, h.Volunteers, hc.Seniors, hc.Volunteers, len(orgs), hc.Withdrawn)
		}
		if model.TeamOutside(h.Team) != thinHost[h.ID] || h.TeamFlagged() != thinHost[h.ID] {
			t.Errorf("host %s: team %d, flagged on Cohorts & hosts %v, thin spot in the cascade %v", h.Name, h.Team, h.TeamFlagged(), thinHost[h.ID])
		}
		if p, ok := progHost[h.Name]; ok && (p.Seniors != h.Team || p.Volunteers != h.Volunteers) {
			t.Errorf("host %s: row says %d + %d, progress report %d + %d", h.Name, h.Team, h.Volunteers, p.Seniors, p.Volunteers)
		}
	}

	// Flags: founding trainers are not counted as trainers without a trainer.
	gaps := 0
	for _, tr := range list.Trainers {
		if tr.NoTrainer() {
			gaps++
		}
	}
	for _, f := range dash.Flags {
		if f.Name == "trainers without a trainer" && f.Count != gaps {
			t.Errorf("dashboard flags %d trainers without a trainer, the trainer list %d", f.Count, gaps)
		}
	}
}

// noCohort counts organisers of a role, not withdrawn, with no cohort: the
// progress chart is drawn per cohort, so they are not on it.
func noCohort(t *testing.T, s *Store, role string) int {
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM organisers WHERE role = $1 AND status <> 'withdrawn' AND cohort_id IS NULL`, role).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFiguresAgreeOnEdgeCases builds the corners the demo may not reach and
// holds every caller to one figure there: a trainer who only taught one
// session of someone else's course, a withdrawn senior who must not make a
// team, a volunteer with no cohort and no senior, a trainer with no trainer
// who sat a train-the-trainers course, and one trained after the first.
func TestFiguresAgreeOnEdgeCases(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	now := model.Now()
	exec := execOn(t, s.db)
	exec(`INSERT INTO cohorts (id, number, created_at) VALUES (1, 1, $1)`, now)
	exec(`INSERT INTO hosts (id, name, region, cohort_id, created_at) VALUES (1, 'Thin Trust', 'North West', 1, $1)`, now)
	for i, n := range []string{"Ada Founder", "Bo Lead", "Cy Helper", "Di Gap", "Ed Late", "Fay Senior", "Gus Gone", "Hal Volunteer", "Ivy Loose", "Jo Idle"} {
		f := strings.Fields(n)
		exec(`INSERT INTO people (id, given_name, family_name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			i+1, f[0], f[1], strings.ToLower(f[0])+"@example.org", now)
	}
	// Ada founded the programme; Bo was trained by her on a ttt course; Di
	// sat that course too but no trainer was recorded (a gap); Ed has no
	// trainer and was trained after it began (a gap); Jo is active and has
	// delivered nothing (reach 0, a thin spot).
	exec(`INSERT INTO trainers (id, person_id, trained_by_id, trained_on, status, created_at) VALUES
        (1, 1, NULL, '2011-06-06', 'active', $1), (2, 2, 1, '2011-08-03', 'active', $1),
        (3, 3, 1, '2011-08-03', 'active', $1), (4, 4, NULL, '2011-08-03', 'active', $1),
        (5, 5, NULL, '2012-01-01', 'accredited', $1), (6, 10, 1, '2011-08-03', 'active', $1)`, now)
	exec(`INSERT INTO courses (id, kind, title, lead_trainer_id, starts_on, created_at) VALUES
        (1, 'ttt', 'Train the trainers 1', 1, '2011-08-01', $1)`, now)
	exec(`INSERT INTO enrolments (course_id, person_id) VALUES (1, 2), (1, 3), (1, 4)`)
	// Bo leads the main course; Cy only teaches its second session.
	exec(`INSERT INTO courses (id, kind, title, cohort_id, lead_trainer_id, starts_on, created_at) VALUES
        (2, 'main', 'Main course 1', 1, 2, '2012-02-01', $1)`, now)
	exec(`INSERT INTO sessions (id, course_id, trainer_id, held_on) VALUES (1, 2, 2, '2012-02-01'), (2, 2, 3, '2012-02-08')`)
	// Fay is the host's one senior not withdrawn, Gus withdrew, Hal is
	// supported by Fay; Ivy has no cohort and no senior.
	exec(`INSERT INTO organisers (id, person_id, role, status, cohort_id, host_id, supported_by_id, created_at, updated_at) VALUES
        (1, 6, 'senior', 'active', 1, 1, NULL, $1, $1), (2, 7, 'senior', 'withdrawn', 1, 1, NULL, $1, $1),
        (3, 8, 'volunteer', 'completed', 1, 1, 1, $1, $1), (4, 9, 'volunteer', 'active', NULL, 1, NULL, $1, $1)`, now)
	exec(`INSERT INTO enrolments (course_id, person_id) VALUES (2, 6), (2, 7)`)
	exec(`INSERT INTO attendance (session_id, person_id, present, recorded_at) VALUES (2, 6, 1, $1), (2, 8, 1, $1)`, now)

	checkFiguresAgree(t, s)

	c, err := s.Cascade(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reach := map[string]int{}
	c.Walk(func(n *model.CascadeNode, _ int) bool {
		if n.Kind == model.NodeTrainer {
			reach[n.Label] = n.Reach
		}
		return true
	})
	// Cy taught one session of Bo's course: Fay and Gus enrolled, Hal present.
	if reach["Cy Helper"] != 3 || reach["Bo Lead"] != 3 || reach["Ada Founder"] != 3 {
		t.Errorf("reach = %v; want Ada 3 (her ttt course), Bo 3 and Cy 3 (the main course)", reach)
	}
	var thin []string
	for _, ts := range c.ThinSpots {
		thin = append(thin, ts.Kind+" "+ts.Name)
	}
	if got := strings.Join(thin, ", "); !strings.Contains(got, "trainer Jo Idle") || !strings.Contains(got, "host Thin Trust") ||
		strings.Contains(got, "trainer Cy") {
		t.Errorf("thin spots %q; want Jo (reach 0) and Thin Trust (team of 1), not Cy", got)
	}
	list, err := s.Trainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, tr := range list.Trainers {
		flagged[tr.Name()] = tr.NoTrainer()
	}
	if flagged["Ada Founder"] || !flagged["Di Gap"] || !flagged["Ed Late"] || flagged["Bo Lead"] {
		t.Errorf("no-trainer flags %v; want Di and Ed, not the founding Ada", flagged)
	}
	hosts, err := s.Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0].Team != 1 || hosts[0].Volunteers != 2 || !hosts[0].TeamFlagged() {
		t.Errorf("hosts = %+v; want Thin Trust with team 1 (Gus withdrew), 2 volunteers, flagged", hosts)
	}
	d, err := s.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Seniors != 1 || d.Volunteers != 2 || d.Withdrawn != 1 {
		t.Errorf("dashboard %d seniors, %d volunteers, %d withdrawn; want 1, 2 (Ivy has no cohort but counts), 1", d.Seniors, d.Volunteers, d.Withdrawn)
	}
	for _, f := range d.Flags {
		if f.Name == "trainers without a trainer" && f.Count != 2 {
			t.Errorf("flag %q counts %d; want 2 (Di, Ed)", f.Name, f.Count)
		}
	}
}
