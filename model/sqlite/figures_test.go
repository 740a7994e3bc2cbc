package sqlite

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
        SELECT 1 FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.person_id = t.person_id AND c.kind = 'ttt')`)
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
		// train-the-trainers course) are not flagged for having no trainer.
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
