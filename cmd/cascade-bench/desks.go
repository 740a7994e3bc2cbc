package main

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
)

// deskCerts is how many achievements the desks certify between them.
const deskCerts = 2000

// deskBatch is how many candidates a desk issues in one go, as a person
// choosing a cohort or a page of the certificates screen would.
const deskBatch = 100

// measureDesks issues certificates from 2 and then 8 desks at once, each its
// own Store (its own connection pool) on a fresh copy of the demo. Desk i
// is given its own share of the eligible achievements and the first half of
// desk i+1's, alternating batches of each, so half the achievements are
// offered by two desks at about the same moment. Afterwards the copy must
// hold one certificate for each achievement offered, numbered without a
// duplicate or a gap.
func (b *bench) measureDesks() error {
	for _, k := range []int{2, 8} {
		name := fmt.Sprintf("certificates: %d desks issuing at once", k)
		if !b.wanted(name) {
			continue
		}
		if err := b.ctx.Err(); err != nil {
			return err
		}
		r, err := b.desks(name, k)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b.add(r)
	}
	return nil
}

// desks runs one measureDesks row on a fresh copy.
func (b *bench) desks(name string, k int) (result, error) {
	ctx := b.ctx
	path, done, err := b.freshCopy(fmt.Sprintf("desks%d", k))
	if err != nil {
		return result{}, err
	}
	defer done()
	stores := make([]*sqlstore.Store, k)
	for i := range stores {
		if stores[i], err = sqlstore.Open(ctx, path); err != nil {
			return result{}, err
		}
		defer stores[i].Close()
	}
	all, err := stores[0].Candidates(ctx, model.CertSelection{})
	if err != nil {
		return result{}, err
	}
	var fresh []model.Candidate
	for _, c := range all {
		if c.Eligible && c.Existing == nil && len(fresh) < deskCerts {
			fresh = append(fresh, c)
		}
	}
	if len(fresh) < 2*k {
		return result{Name: name, Unit: "/s", Reason: fmt.Sprintf("only %d eligible in the demo: not measured", len(fresh))}, nil
	}
	db := stores[0].DB()
	before, err := count(db, `SELECT count(*) FROM certificates`)
	if err != nil {
		return result{}, err
	}
	// Desk i's own share and the first half of the next desk's.
	share := func(i int) []model.Candidate {
		per := len(fresh) / k
		if i == k-1 {
			return fresh[i*per:]
		}
		return fresh[i*per : (i+1)*per]
	}
	work := make([][][]model.Candidate, k)
	for i := range work {
		own, next := share(i), share((i+1)%k)
		next = next[:len(next)/2]
		for len(own) > 0 || len(next) > 0 {
			for _, from := range []*[]model.Candidate{&own, &next} {
				n := min(deskBatch, len(*from))
				if n > 0 {
					work[i] = append(work[i], (*from)[:n])
					*from = (*from)[n:]
				}
			}
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	issued := make([]int, k)
	errs := make([]error, k)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for _, batch := range work[i] {
				got, err := stores[i].IssueCertificates(ctx, model.LocalUser(), batch, model.IssueOptions{})
				if err != nil {
					errs[i] = fmt.Errorf("desk %d: %w", i+1, err)
					return
				}
				for _, c := range got {
					if !c.Earlier {
						issued[i]++
					}
				}
			}
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	if err := errors.Join(errs...); err != nil {
		return result{}, err
	}
	after, err := count(db, `SELECT count(*) FROM certificates`)
	if err != nil {
		return result{}, err
	}
	newCerts := after - before
	sum := 0
	for _, n := range issued {
		sum += n
	}
	problems, err := certificateProblems(db)
	if err != nil {
		return result{}, err
	}
	if newCerts != len(fresh) {
		problems = append(problems, fmt.Sprintf("%d new certificates for %d achievements", newCerts, len(fresh)))
	}
	if sum != newCerts {
		problems = append(problems, fmt.Sprintf("the desks say they issued %d, the table holds %d new", sum, newCerts))
	}
	rate := float64(newCerts) / took.Seconds()
	r := result{Name: name, Value: rate, Unit: "/s", Target: "none lost or doubled", OK: ptr(len(problems) == 0)}
	if len(problems) == 0 {
		r.Reason = fmt.Sprintf("no peer; %d certificates in %.2f s, half offered by two desks, batches of %d: no duplicate or skipped number, no achievement certified twice",
			newCerts, took.Seconds(), deskBatch)
	} else {
		r.Reason = strings.Join(problems, "; ")
	}
	return r, nil
}

// certificateProblems lists what a set of certificate numbers must never
// show: a number twice, a gap in a kind's numbers for a year, or one
// achievement with two certificates in force.
func certificateProblems(db *sql.DB) ([]string, error) {
	var out []string
	dups, err := count(db, `SELECT count(*) FROM (SELECT number FROM certificates GROUP BY number HAVING count(*) > 1) d`)
	if err != nil {
		return nil, err
	}
	if dups > 0 {
		out = append(out, fmt.Sprintf("%d numbers issued twice", dups))
	}
	rows, err := db.Query(`SELECT kind, year, count(*), count(DISTINCT seq), min(seq), max(seq) FROM certificates GROUP BY kind, year ORDER BY kind, year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var year, n, distinct, lo, hi int
		if err := rows.Scan(&kind, &year, &n, &distinct, &lo, &hi); err != nil {
			return nil, err
		}
		if n != distinct || lo != 1 || hi != n {
			out = append(out, fmt.Sprintf("%s %d: %d certificates numbered %d to %d (%d distinct)", kind, year, n, lo, hi, distinct))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	twice, err := count(db, `SELECT count(*) FROM (SELECT person_id FROM certificates WHERE revoked_at IS NULL
		GROUP BY person_id, kind, achievement HAVING count(*) > 1) t`)
	if err != nil {
		return nil, err
	}
	if twice > 0 {
		out = append(out, fmt.Sprintf("%d achievements with two certificates", twice))
	}
	return out, nil
}

// count runs a query of one integer.
func count(db *sql.DB, q string) (int, error) {
	var n int
	err := db.QueryRow(q).Scan(&n)
	return n, err
}

// freshCopy is a new copy of the demo to change, and a function that removes
// it: on a server a database copied from the demo, else a SQLite file
// restored from a backup of it.
func (b *bench) freshCopy(what string) (string, func(), error) {
	if b.server != nil {
		u, err := b.serverCopy(what)
		if err != nil {
			return "", nil, err
		}
		name := b.server.name(fmt.Sprintf("%s_scale%d", what, b.scale))
		return u, func() { b.server.drop(b.ctx, name) }, nil
	}
	archive, _, err := b.backup()
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(archive)
	path := filepath.Join(b.dir, fmt.Sprintf("%s-scale%d.db", what, b.scale))
	if _, err := sqlstore.Restore(b.ctx, archive, path, model.RestoreOptions{Force: true}); err != nil {
		return "", nil, err
	}
	return path, func() { sqlstore.RemoveDatabase(path) }, nil
}
