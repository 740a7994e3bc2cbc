package sqlstore

import (
	"bufio"
	"cascade/model"
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// BenchLearner is the learner with the most evidence, the busy portfolio the
// benchmarks load.
func (s *Store) BenchLearner(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT organiser_id FROM evidence_items
        GROUP BY organiser_id ORDER BY count(*) DESC, organiser_id LIMIT 1`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("bench learner: %w", err)
	}
	return id, nil
}

// WriteOrganisersCSV writes n made-up organisers in the import's column
// order, one senior per ten supporting the nine after them, spread over
// hosts, all in cohort 1: the file the import benchmarks read.
func WriteOrganisersCSV(path string, n int, hosts []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("given_name,family_name,email,role,host,cohort,start_date,supported_by\n")
	senior := ""
	for i := 0; i < n; i++ {
		role, sup := "volunteer", senior
		if i%10 == 0 {
			role, sup = "senior", ""
			senior = fmt.Sprintf("person%d@example.org", i)
		}
		host := ""
		if len(hosts) > 0 {
			host = hosts[i%len(hosts)]
		}
		fmt.Fprintf(w, "Given%d,Family%d,person%d@example.org,%s,%s,1,%d/%d/2012,%s\n",
			i, i, i, role, host, 1+i%28, 1+i%12, sup)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CreateImportBase makes a new programme at path, as cascade init does, with
// cohort 1 and three hosts imported, ready for WriteOrganisersCSV's file; it
// returns the hosts' names.
func CreateImportBase(ctx context.Context, path string) ([]string, error) {
	s, err := Create(ctx, path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	dir := filepath.Dir(path)
	files := []struct{ kind, file, text string }{
		{model.KindCohorts, ".bench-cohorts.csv", "number,host_induction_on,training_starts_on,training_ends_on\n1,,,\n"},
		{model.KindHosts, ".bench-hosts.csv", "name,region,setting,kickstarter,partner,cohort\nNorth Trust,,urban,no,,1\nSouth Trust,,rural,yes,,1\nEast Trust,,urban,no,,\n"},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.file)
		if err := os.WriteFile(p, []byte(f.text), 0o600); err != nil {
			return nil, err
		}
		_, err := s.Import(ctx, model.LocalUser(), f.kind, p, model.ImportOptions{})
		os.Remove(p)
		if err != nil {
			return nil, fmt.Errorf("import base %s: %w", f.kind, err)
		}
	}
	return []string{"North Trust", "South Trust", "East Trust"}, nil
}
