package sqlstore

// The certificates screen's reads as they were before they were made
// leaner (main at 9102568), kept for TestCandidatesAsBeforeOnCorners to
// hold the new reads to, row for row.

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// candidates reads the selection's candidates; Candidates names a damaged page.
func (s *Store) oldCandidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
	kinds := model.CertificateKinds
	if sel.Kind != "" {
		if _, err := model.KindPrefix(sel.Kind); err != nil {
			return nil, err
		}
		kinds = []string{sel.Kind}
	}
	held, err := s.heldCertificates(ctx, sel.Person)
	if err != nil {
		return nil, err
	}
	// Completion and units certificates go to the same organisers: read
	// them once for both.
	var orgKinds []string
	for _, k := range kinds {
		if k != model.KindTrainer {
			orgKinds = append(orgKinds, k)
		}
	}
	var orgs *oldOrganiserSet
	if len(orgKinds) > 0 {
		if orgs, err = s.oldOrganiserCandidates(ctx, sel, orgKinds); err != nil {
			return nil, err
		}
	}
	var trainers []model.Candidate
	if slices.Contains(kinds, model.KindTrainer) {
		if trainers, err = s.oldTrainerCandidates(ctx, sel); err != nil {
			return nil, err
		}
	}
	// Each kind's candidates are written straight into the one result:
	// built per kind and then copied, they were copied a second time.
	n := len(trainers)
	if orgs != nil {
		n += len(orgKinds) * len(orgs.orgs)
	}
	out := make([]model.Candidate, 0, n)
	for _, k := range kinds {
		from := len(out)
		if k == model.KindTrainer {
			out = append(out, trainers...)
		} else {
			out = orgs.oldAppendKind(out, k)
		}
		if len(held) == 0 {
			continue
		}
		for i := from; i < len(out); i++ {
			// Copied only when found: taking the address of the look-up's
			// own variable put a whole certificate on the heap per candidate.
			if c, ok := held[heldKey{out[i].PersonID, k}]; ok {
				found := c
				out[i].Existing = &found
			}
		}
	}
	return out, nil
}

const oldOrganiserSelect = `
SELECT o.id, p.id, p.given_name, p.family_name, p.email, p.erased_at IS NOT NULL,
       CASE o.role WHEN 'senior' THEN 1 WHEN 'volunteer' THEN 2 END,
       CASE o.status WHEN 'active' THEN 1 WHEN 'completed' THEN 2 WHEN 'withdrawn' THEN 3 END,
       coalesce(o.cohort_id, 0), coalesce(o.host_id, 0)
FROM organisers o
JOIN people p ON p.id = o.person_id
LEFT JOIN cohorts c ON c.id = o.cohort_id
LEFT JOIN hosts h ON h.id = o.host_id
WHERE %s`

// oldCertOrganiser is one selected organiser as the certificates screen needs them.
type oldCertOrganiser struct {
	id, person          int64
	given, family, name string
	key                 string // collated family then given name
	email, role, host   string
	status, cohort      string
	erased              bool
	cohortNum, done     int
}

// oldOrganiserSet is the selected organisers in candidate order, with what
// judging them for a kind needs.
type oldOrganiserSet struct {
	orgs      []oldCertOrganiser
	order     []int // positions in orgs, in candidate order
	modules   int
	units     map[int64][]model.CertUnit
	qualified map[int64][]string
}

// organiserCandidates reads the selected organisers once for each of kinds
// (completion, units), in one pass; appendKind then judges them per kind.
func (s *Store) oldOrganiserCandidates(ctx context.Context, sel model.CertSelection, kinds []string) (*oldOrganiserSet, error) {
	set := &oldOrganiserSet{}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM modules`).Scan(&set.modules); err != nil {
		return nil, fmt.Errorf("count modules: %w", err)
	}
	done, err := s.oldModulesDone(ctx, sel)
	if err != nil {
		return nil, err
	}
	if set.units, err = s.oldAchievedUnits(ctx, sel); err != nil {
		return nil, err
	}
	set.qualified = map[int64][]string{}
	if slices.Contains(kinds, model.KindUnits) {
		if set.qualified, err = s.oldQualifiedFor(ctx, sel, set.units); err != nil {
			return nil, err
		}
	}
	hosts, cohorts, err := s.hostAndCohortNames(ctx)
	if err != nil {
		return nil, fmt.Errorf("select organisers for certificates: %w", err)
	}
	where, args := sel.Where()
	if sel.Cohort == 0 && sel.Host == "" && sel.Person == "" {
		// Everyone: sized first, as growing the slice copied it over and over.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM organisers`).Scan(&n); err != nil {
			return nil, fmt.Errorf("select organisers for certificates: %w", err)
		}
		set.orgs = make([]oldCertOrganiser, 0, n)
	}
	keyer := model.NewNameKeyer() // one collator for every name's key
	defer keyer.Close()
	var keyBuf []byte
	err = s.eachRow(ctx, fmt.Sprintf(oldOrganiserSelect, where), args, func(r *sql.Rows) error {
		var o oldCertOrganiser
		var cohortID, hostID int64
		var role, status int
		if err := r.Scan(&o.id, &o.person, &o.given, &o.family, &o.email, &o.erased, &role, &status,
			&cohortID, &hostID); err != nil {
			return err
		}
		if role < 1 || role > len(organiserRoles) || status < 1 || status > len(organiserStatuses) {
			return fmt.Errorf("organiser %d: role or status outside the schema's words", o.id)
		}
		o.role, o.status = organiserRoles[role-1], organiserStatuses[status-1]
		o.cohortNum, o.host = cohorts[cohortID], hosts[hostID]
		o.name = strings.TrimSpace(o.given + " " + o.family)
		keyBuf = keyer.Append(keyBuf[:0], o.family, o.given)
		o.key = string(keyBuf)
		o.done = done[o.id]
		if o.cohortNum > 0 {
			o.cohort = strconv.Itoa(o.cohortNum)
		}
		set.orgs = append(set.orgs, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("select organisers for certificates: %w", err)
	}
	set.order = oldCandidateOrder(set.orgs)
	return set, nil
}

// candidateOrder is the organisers' positions by cohort, host, then family
// and given name as a British reader orders them (SQLite would order by
// bytes), then id: sorted here, since SQLite's sorter took longer than
// reading the rows. Cohort and host become one rank (there are a few hundred
// pairs), the organisers are dealt into their rank's bucket, and each bucket
// is sorted on small keys: one sort of pointers into 50,000 rows, comparing
// long host names that were mostly equal, was a quarter of the load.
func oldCandidateOrder(orgs []oldCertOrganiser) []int {
	type place struct {
		cohort int
		host   string
	}
	places := map[place]int{}
	for i := range orgs {
		places[place{orgs[i].cohortNum, orgs[i].host}] = 0
	}
	ranked := make([]place, 0, len(places))
	for p := range places {
		ranked = append(ranked, p)
	}
	slices.SortFunc(ranked, func(a, b place) int {
		return cmp.Or(cmp.Compare(a.cohort, b.cohort), strings.Compare(a.host, b.host))
	})
	for i, p := range ranked {
		places[p] = i
	}
	// Counting sort by rank: starts[r] is where rank r's bucket begins.
	rank := make([]int, len(orgs))
	starts := make([]int, len(ranked)+1)
	for i := range orgs {
		rank[i] = places[place{orgs[i].cohortNum, orgs[i].host}]
		starts[rank[i]+1]++
	}
	for r := 1; r < len(starts); r++ {
		starts[r] += starts[r-1]
	}
	type orgKey struct {
		key string
		id  int64
		at  int
	}
	keys := make([]orgKey, len(orgs))
	next := slices.Clone(starts[:len(ranked)])
	for i := range orgs {
		o := &orgs[i]
		keys[next[rank[i]]] = orgKey{o.key, o.id, i}
		next[rank[i]]++
	}
	for r := range ranked {
		slices.SortFunc(keys[starts[r]:starts[r+1]], func(a, b orgKey) int {
			return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
		})
	}
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.at
	}
	return order
}

// appendKind appends every organiser in the set as a candidate for kind
// (completion or units), in candidate order, and judges each.
func (set *oldOrganiserSet) oldAppendKind(out []model.Candidate, kind string) []model.Candidate {
	for _, at := range set.order {
		o := &set.orgs[at]
		out = append(out, model.Candidate{Kind: kind, PersonID: o.person, Name: o.name, Email: o.email, Role: o.role,
			Cohort: o.cohort, Host: o.host, Units: set.units[o.id], Qualified: set.qualified[o.id]})
		c := &out[len(out)-1]
		modules := set.modules
		switch {
		case o.erased:
			c.Why = "personal details erased"
		case kind == model.KindCompletion && o.status == "withdrawn":
			c.Why = "withdrawn from the programme"
		case kind == model.KindCompletion && o.status == "completed":
			c.Eligible = true
		case kind == model.KindCompletion && modules > 0 && o.done >= modules:
			c.Eligible = true
		case kind == model.KindCompletion:
			// Joined rather than formatted: it is said of most of 50,000.
			c.Why = "status " + o.status + ", " + strconv.Itoa(o.done) + " of " + strconv.Itoa(modules) + " modules completed"
		case kind == model.KindUnits && len(c.Units) == 0:
			c.Why = "no units achieved yet"
		case kind == model.KindUnits:
			c.Eligible = true
		}
	}
	return out
}

// modulesDone counts each selected organiser's completed modules: one
// grouped read, quicker than a count per organiser; for one person (issuing
// on demand) it reads only theirs.
func (s *Store) oldModulesDone(ctx context.Context, sel model.CertSelection) (map[int64]int, error) {
	where, args := sel.Where()
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`
SELECT mc.organiser_id, count(*)
FROM module_completions mc
%s
WHERE %s
GROUP BY mc.organiser_id`, selectionJoins(sel, "mc.organiser_id"), where), args...)
	if err != nil {
		return nil, fmt.Errorf("count completed modules: %w", err)
	}
	defer rows.Close()
	m := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count completed modules: %w", err)
		}
		m[id] = n
	}
	return m, rows.Err()
}

// qualifiedFor names, per organiser, the qualifications whose rules of
// combination their achieved units (units, from achievedUnits over the same
// selection) meet, through the one progress function every screen and report
// uses. Only the selection's registrations are read: going through
// ProgressOf read every registration joined to every achievement again, with
// names and emails, a fifth of the screen's load at scale 10.
func (s *Store) oldQualifiedFor(ctx context.Context, sel model.CertSelection, units map[int64][]model.CertUnit) (map[int64][]string, error) {
	cat, err := s.LoadCatalogue(ctx)
	if err != nil {
		return nil, fmt.Errorf("qualifications for certificates: %w", err)
	}
	quals := map[int64]model.Qualification{}
	for _, q := range cat.Qualifications {
		quals[q.ID] = q
	}
	where, args := sel.Where()
	out := map[int64][]string{}
	var achieved []model.AchievedUnit
	var achievedOf int64
	err = s.eachRow(ctx, fmt.Sprintf(`
SELECT r.organiser_id, r.qualification_id
FROM registrations r
%s
WHERE %s
ORDER BY r.organiser_id, r.qualification_id`, selectionJoins(sel, "r.organiser_id"), where), args, func(r *sql.Rows) error {
		var id, qid int64
		if err := r.Scan(&id, &qid); err != nil {
			return err
		}
		if achieved == nil || achievedOf != id {
			achieved, achievedOf = make([]model.AchievedUnit, 0, len(units[id])), id
			for _, u := range units[id] {
				achieved = append(achieved, model.AchievedUnit{Code: u.Code, Level: u.Level, Credits: u.Credits})
			}
		}
		q := quals[qid]
		if p := model.Progress(q, achieved); p.Eligible {
			out[id] = append(out[id], fmt.Sprintf("%s (%s, %d credits)", q.Title, p.Size, p.Credits))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("qualifications for certificates: %w", err)
	}
	return out, nil
}

// achievedUnits reads the units each selected organiser has achieved, with
// their level and credits: the achieved record the certificate lists. The
// units' codes and titles are read once and shared: read with every
// achievement they were 37,000 pairs of new strings at scale 10.
func (s *Store) oldAchievedUnits(ctx context.Context, sel model.CertSelection) (map[int64][]model.CertUnit, error) {
	units := map[int64]model.CertUnit{}
	err := s.eachRow(ctx, `SELECT id, code, title, level, credits FROM units`, nil, func(r *sql.Rows) error {
		var id int64
		var u model.CertUnit
		err := r.Scan(&id, &u.Code, &u.Title, &u.Level, &u.Credits)
		units[id] = u
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read achieved units: %w", err)
	}
	where, args := sel.Where()
	// In index order, each organiser's rows together; put in code order
	// here per organiser, a few rows each, rather than by SQLite's sorter
	// over all 37,000 at scale 10 (joining units only to sort by code).
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`
SELECT ua.organiser_id, ua.unit_id, ua.achieved_on
FROM unit_achievements ua
%s
WHERE %s
ORDER BY ua.organiser_id`, selectionJoins(sel, "ua.organiser_id"), where), args...)
	if err != nil {
		return nil, fmt.Errorf("read achieved units: %w", err)
	}
	defer rows.Close()
	// One backing array for everyone's units, sliced per organiser.
	var all []model.CertUnit
	var owners []int64
	for rows.Next() {
		var id, unit int64
		var achieved string
		if err := rows.Scan(&id, &unit, &achieved); err != nil {
			return nil, fmt.Errorf("read achieved units: %w", err)
		}
		u, ok := units[unit]
		if !ok {
			continue // as the join to units it replaces
		}
		u.Achieved = achieved
		all = append(all, u)
		owners = append(owners, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read achieved units: %w", err)
	}
	m := map[int64][]model.CertUnit{}
	for from := 0; from < len(all); {
		to := from + 1
		for to < len(all) && owners[to] == owners[from] {
			to++
		}
		mine := all[from:to:to] // capped: appending to one never writes into the next
		slices.SortFunc(mine, func(a, b model.CertUnit) int { return strings.Compare(a.Code, b.Code) })
		m[owners[from]] = mine
		from = to
	}
	return m, nil
}

func (s *Store) oldTrainerCandidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT p.id, p.given_name, p.family_name, p.email, p.erased_at IS NOT NULL, t.status, t.organisation
FROM trainers t
JOIN people p ON p.id = t.person_id
WHERE ($1 = 0 OR EXISTS (
        SELECT 1 FROM courses co JOIN cohorts c ON c.id = co.cohort_id
        WHERE c.number = $1 AND (co.lead_trainer_id = t.id
           OR EXISTS (SELECT 1 FROM sessions se WHERE se.course_id = co.id AND se.trainer_id = t.id))))
  AND ($2 = '' OR lower(t.organisation) = lower($2))
  AND ($3 = '' OR lower(p.email) = lower($3))
ORDER BY p.family_name, p.given_name, p.id`, sel.Cohort, sel.Host, sel.Person)
	if err != nil {
		return nil, fmt.Errorf("select trainers for certificates: %w", err)
	}
	defer rows.Close()
	var out []named[model.Candidate]
	for rows.Next() {
		c := model.Candidate{Kind: model.KindTrainer}
		var given, family, status string
		var erased bool
		if err := rows.Scan(&c.PersonID, &given, &family, &c.Email, &erased, &status, &c.Host); err != nil {
			return nil, fmt.Errorf("select trainers for certificates: %w", err)
		}
		c.Name = strings.TrimSpace(given + " " + family)
		switch {
		case erased:
			c.Why = "personal details erased"
		case status == "accredited" || status == "active":
			c.Eligible = true
		default:
			c.Why = "trainer status " + status
		}
		out = append(out, nameRow(c, family, given))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select trainers for certificates: %w", err)
	}
	return byName(out), nil
}
