package sqlstore

import (
	"cascade/model"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CertificateSettings reads the centre, signatories, logo and verification
// address from Settings.
func (s *Store) CertificateSettings(ctx context.Context) (model.CertificateSettings, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN
		('centre.name', 'signatory1.name', 'signatory1.title', 'signatory2.name', 'signatory2.title', 'certificate.logo', 'ocn.region', 'verify.url')`)
	if err != nil {
		return model.CertificateSettings{}, fmt.Errorf("read certificate settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return model.CertificateSettings{}, fmt.Errorf("read certificate settings: %w", err)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return model.CertificateSettings{}, fmt.Errorf("read certificate settings: %w", err)
	}
	sig := func(n string) string {
		name, title := m["signatory"+n+".name"], m["signatory"+n+".title"]
		if title == "" || title == name {
			return name
		}
		if strings.HasPrefix(title, name) {
			return title // the title already names them ("Head of Training, Trafford Hall")
		}
		return name + ", " + title
	}
	cs := model.CertificateSettings{Centre: m["centre.name"], Signatory1: sig("1"), Signatory2: sig("2"),
		Logo: m["certificate.logo"], OCN: m["ocn.region"], VerifyURL: strings.TrimSpace(m["verify.url"])}
	// A bad address would be printed into every QR code; say so now, naming
	// the setting, rather than print codes that lead nowhere.
	if err := model.CheckVerifyURL(cs.VerifyURL); err != nil {
		return cs, fmt.Errorf("setting verify.url: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT name FROM programme WHERE id = 1`).Scan(&cs.Programme); err != nil {
		return cs, fmt.Errorf("read programme name: %w", err)
	}
	return cs, nil
}

// Candidates lists everyone in the selection for each kind asked for, and
// whether each is eligible. The rules:
//   - completion: an organiser whose status is completed, or who has completed
//     every module (when there are modules); never a withdrawn organiser;
//   - units: an organiser with at least one achieved unit (unit_achievements),
//     withdrawn or not, since credit once achieved is theirs;
//   - trainer: a trainer whose status is accredited or active.
//
// Nobody whose personal details were erased is issued anything.
func (s *Store) Candidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
	cands, err := s.candidates(ctx, sel)
	if err != nil {
		return nil, s.damageOf(ctx, err)
	}
	return cands, nil
}

// candidates reads the selection's candidates; Candidates names a damaged page.
func (s *Store) candidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
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
	var orgs *organiserSet
	if len(orgKinds) > 0 {
		if orgs, err = s.organiserCandidates(ctx, sel, orgKinds); err != nil {
			return nil, err
		}
	}
	var trainers []model.Candidate
	if slices.Contains(kinds, model.KindTrainer) {
		if trainers, err = s.trainerCandidates(ctx, sel); err != nil {
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
			out = orgs.appendKind(out, k)
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

type heldKey struct {
	person int64
	kind   string
}

// heldCertificates maps each person and kind to the newest certificate they
// hold that is not revoked; for one person (email) when given, so issuing on
// demand does not read every certificate ever issued.
func (s *Store) heldCertificates(ctx context.Context, email string) (map[heldKey]model.Certificate, error) {
	var list []model.Certificate
	var err error
	if email != "" {
		list, err = s.queryCertificates(ctx, `WHERE c.revoked_at IS NULL AND lower(p.email) = lower($1) ORDER BY c.id`, email)
	} else {
		list, err = s.queryCertificates(ctx, `WHERE c.revoked_at IS NULL ORDER BY c.id`)
	}
	if err != nil {
		return nil, err
	}
	m := make(map[heldKey]model.Certificate, len(list))
	for _, c := range list {
		m[heldKey{c.PersonID, c.Kind}] = c
	}
	return m, nil
}

// organiserSelect lists organisers; %s is the selection's condition. The
// cohort and host are read as ids and named from small maps: SQLite leaves
// out a LEFT JOIN nothing uses, so unless the selection names a cohort or
// host, it no longer looks both up for each of 50,000 organisers. Role,
// status and erasure come as one small number, role*8 + status*2 + erased,
// role and status counted from 1 in organiserRoles and organiserStatuses
// (0: outside them): as text they were two new strings per organiser, and
// as three columns, three more for the driver to hand over per row.
const organiserSelect = `
SELECT o.id, p.id, p.given_name, p.family_name, p.email,
       CASE o.role WHEN 'senior' THEN 1 WHEN 'volunteer' THEN 2 ELSE 0 END * 8
       + CASE o.status WHEN 'active' THEN 1 WHEN 'completed' THEN 2 WHEN 'withdrawn' THEN 3 ELSE 0 END * 2
       + CASE WHEN p.erased_at IS NULL THEN 0 ELSE 1 END,
       coalesce(o.cohort_id, 0), coalesce(o.host_id, 0)
FROM organisers o
JOIN people p ON p.id = o.person_id
LEFT JOIN cohorts c ON c.id = o.cohort_id
LEFT JOIN hosts h ON h.id = o.host_id
WHERE %s`

// intCell scans an integer column straight from the driver's int64:
// database/sql converts into an int64 or int by reflection, a cost paid for
// each of several columns of 50,000 rows.
type intCell int64

// Scan takes the driver's integer; anything else is an error.
func (c *intCell) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("want an integer, got %T", src)
	}
	*c = intCell(v)
	return nil
}

// certOrganiser is one selected organiser as the certificates screen needs
// them. Their names are shared with every namesake's (certName).
type certOrganiser struct {
	id, person   int64
	name         *certName
	email, role  string
	host, cohort string
	status       int // 1-based in organiserStatuses
	erased       bool
	cohortNum    int
	done         int
	units        []model.CertUnit
	qualified    []string
}

// certName is one distinct (given, family) name among the selected
// organisers: 50,000 organisers have some 4,000 names, so each is joined,
// collated and ranked once. Namesakes whose collation keys are equal share
// a rank, and are then ordered by id, as when each row had its own key.
type certName struct {
	given, family, name string
	key                 string // collated family then given name
	rank                int
}

// organiserSet is the selected organisers in candidate order, with what
// judging them for a kind needs.
type organiserSet struct {
	orgs    []certOrganiser
	order   []int // positions in orgs, in candidate order
	modules int
	why     map[[2]int]string // why not eligible for completion, by status and modules done
}

// organiserCandidates reads the selected organisers once for each of kinds
// (completion, units), in one pass; appendKind then judges them per kind.
func (s *Store) organiserCandidates(ctx context.Context, sel model.CertSelection, kinds []string) (*organiserSet, error) {
	set := &organiserSet{why: map[[2]int]string{}}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM modules`).Scan(&set.modules); err != nil {
		return nil, fmt.Errorf("count modules: %w", err)
	}
	done, err := s.modulesDone(ctx, sel)
	if err != nil {
		return nil, err
	}
	units, err := s.achievedUnits(ctx, sel)
	if err != nil {
		return nil, err
	}
	qualified := map[int64][]string{}
	if slices.Contains(kinds, model.KindUnits) {
		if qualified, err = s.qualifiedFor(ctx, sel, units); err != nil {
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
		set.orgs = make([]certOrganiser, 0, n)
	}
	// Names are read into reused buffers and looked up by family and given
	// name (a look-up by bytes makes no string): only a name not met before
	// is kept, joined and collated.
	names := map[string]*certName{}
	var given, family sql.RawBytes
	var nameBuf []byte
	err = s.eachRow(ctx, fmt.Sprintf(organiserSelect, where), args, func(r *sql.Rows) error {
		var o certOrganiser
		var id, person, flags, cohortID, hostID intCell
		if err := r.Scan(&id, &person, &given, &family, &o.email, &flags, &cohortID, &hostID); err != nil {
			return err
		}
		o.id, o.person = int64(id), int64(person)
		role, status := int(flags>>3), int(flags>>1&3)
		o.status, o.erased = status, flags&1 == 1
		if role < 1 || role > len(organiserRoles) || status < 1 || status > len(organiserStatuses) {
			return fmt.Errorf("organiser %d: role or status outside the schema's words", o.id)
		}
		nameBuf = append(append(append(nameBuf[:0], family...), 0), given...)
		if o.name = names[string(nameBuf)]; o.name == nil {
			n := &certName{given: string(given), family: string(family)}
			n.name = strings.TrimSpace(n.given + " " + n.family)
			names[string(nameBuf)] = n
			o.name = n
		}
		o.role = organiserRoles[role-1]
		o.cohortNum, o.host = cohorts[int64(cohortID)], hosts[int64(hostID)]
		o.done = done[o.id]
		o.units, o.qualified = units[o.id], qualified[o.id]
		if o.cohortNum > 0 {
			o.cohort = strconv.Itoa(o.cohortNum)
		}
		set.orgs = append(set.orgs, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("select organisers for certificates: %w", err)
	}
	rankNames(names)
	set.order = candidateOrder(set.orgs)
	return set, nil
}

// rankNames collates each distinct name once and ranks the names by their
// keys; names with equal keys share a rank.
func rankNames(names map[string]*certName) {
	keyer := model.NewNameKeyer() // one collator for every name's key
	defer keyer.Close()
	list := make([]*certName, 0, len(names))
	var keyBuf []byte
	for _, n := range names {
		keyBuf = keyer.Append(keyBuf[:0], n.family, n.given)
		n.key = string(keyBuf)
		list = append(list, n)
	}
	slices.SortFunc(list, func(a, b *certName) int { return strings.Compare(a.key, b.key) })
	for i, n := range list {
		n.rank = i
		if i > 0 && n.key == list[i-1].key {
			n.rank = list[i-1].rank
		}
	}
}

// candidateOrder is the organisers' positions by cohort, host, then family
// and given name as a British reader orders them (SQLite would order by
// bytes), then id: sorted here, since SQLite's sorter took longer than
// reading the rows. Cohort and host become one rank (there are a few hundred
// pairs), the organisers are dealt into their rank's bucket, and each bucket
// is sorted by name rank and id: small numbers, where comparing collation
// keys, and long host names that were mostly equal, was a quarter of the load.
func candidateOrder(orgs []certOrganiser) []int {
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
		name int
		id   int64
		at   int
	}
	keys := make([]orgKey, len(orgs))
	next := slices.Clone(starts[:len(ranked)])
	for i := range orgs {
		o := &orgs[i]
		keys[next[rank[i]]] = orgKey{o.name.rank, o.id, i}
		next[rank[i]]++
	}
	for r := range ranked {
		slices.SortFunc(keys[starts[r]:starts[r+1]], func(a, b orgKey) int {
			return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
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
func (set *organiserSet) appendKind(out []model.Candidate, kind string) []model.Candidate {
	for _, at := range set.order {
		o := &set.orgs[at]
		out = append(out, model.Candidate{Kind: kind, PersonID: o.person, Name: o.name.name, Email: o.email, Role: o.role,
			Cohort: o.cohort, Host: o.host, Units: o.units, Qualified: o.qualified})
		c := &out[len(out)-1]
		modules := set.modules
		status := organiserStatuses[o.status-1]
		switch {
		case o.erased:
			c.Why = "personal details erased"
		case kind == model.KindCompletion && status == "withdrawn":
			c.Why = "withdrawn from the programme"
		case kind == model.KindCompletion && status == "completed":
			c.Eligible = true
		case kind == model.KindCompletion && modules > 0 && o.done >= modules:
			c.Eligible = true
		case kind == model.KindCompletion:
			// Made once per status and count: it is said of most of 50,000.
			k := [2]int{o.status, o.done}
			why, ok := set.why[k]
			if !ok {
				why = "status " + status + ", " + strconv.Itoa(o.done) + " of " + strconv.Itoa(modules) + " modules completed"
				set.why[k] = why
			}
			c.Why = why
		case kind == model.KindUnits && len(c.Units) == 0:
			c.Why = "no units achieved yet"
		case kind == model.KindUnits:
			c.Eligible = true
		}
	}
	return out
}

// selectionJoins is the joins a selection's condition (CertSelection.Where)
// needs, from an organiser id column: none when everyone is selected. The
// per-organiser reads below are looked up only for selected organisers, so
// reading everyone's rows without the joins changes nothing but the cost
// (a look-up in people for each of 37,000 completions and achievements).
func selectionJoins(sel model.CertSelection, col string) string {
	if sel.Cohort == 0 && sel.Host == "" && sel.Person == "" {
		return ""
	}
	return `JOIN organisers o ON o.id = ` + col + `
JOIN people p ON p.id = o.person_id
LEFT JOIN cohorts c ON c.id = o.cohort_id
LEFT JOIN hosts h ON h.id = o.host_id`
}

// modulesDone counts each selected organiser's completed modules: one
// grouped read, quicker than a count per organiser; for one person (issuing
// on demand) it reads only theirs.
func (s *Store) modulesDone(ctx context.Context, sel model.CertSelection) (map[int64]int, error) {
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
func (s *Store) qualifiedFor(ctx context.Context, sel model.CertSelection, units map[int64][]model.CertUnit) (map[int64][]string, error) {
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
	// A qualification's progress depends only on which units are achieved
	// (a unit's code fixes its level and credits): judged once per
	// qualification and set of codes, not for each of thousands of
	// organisers holding the same few units. memoKey is the qualification's
	// id and the organiser's codes, in order.
	type judged struct {
		eligible bool
		text     string
	}
	memo := map[string]judged{}
	var memoKey []byte
	var codesAt int
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
			achieved, achievedOf = achieved[:0], id
			memoKey = append(memoKey[:0], make([]byte, 8)...) // room for the qualification's id
			for _, u := range units[id] {
				achieved = append(achieved, model.AchievedUnit{Code: u.Code, Level: u.Level, Credits: u.Credits})
				memoKey = append(append(memoKey, u.Code...), 0)
			}
			codesAt = len(memoKey)
		}
		binary.LittleEndian.PutUint64(memoKey[:8], uint64(qid))
		j, ok := memo[string(memoKey[:codesAt])]
		if !ok {
			q := quals[qid]
			p := model.Progress(q, achieved)
			j = judged{eligible: p.Eligible}
			if p.Eligible {
				j.text = q.Title + " (" + p.Size + ", " + strconv.Itoa(p.Credits) + " credits)"
			}
			memo[string(memoKey[:codesAt])] = j
		}
		if j.eligible {
			out[id] = append(out[id], j.text)
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
func (s *Store) achievedUnits(ctx context.Context, sel model.CertSelection) (map[int64][]model.CertUnit, error) {
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
	// Read in the table's own order: ordered by organiser, SQLite walked
	// the primary key's index and looked each row up in the table for its
	// date. Each organiser's rows are brought together here, and put in code
	// order (codes are unique, so the read's order leaves no trace).
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`
SELECT ua.organiser_id, ua.unit_id, ua.achieved_on
FROM unit_achievements ua
%s
WHERE %s`, selectionJoins(sel, "ua.organiser_id"), where), args...)
	if err != nil {
		return nil, fmt.Errorf("read achieved units: %w", err)
	}
	defer rows.Close()
	type achievement struct {
		owner, unit int64
		achieved    string
	}
	var read []achievement
	sorted := true
	for rows.Next() {
		var a achievement
		if err := rows.Scan(&a.owner, &a.unit, &a.achieved); err != nil {
			return nil, fmt.Errorf("read achieved units: %w", err)
		}
		if _, ok := units[a.unit]; !ok {
			continue // as the join to units it replaces
		}
		if n := len(read); n > 0 && read[n-1].owner > a.owner {
			sorted = false
		}
		read = append(read, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read achieved units: %w", err)
	}
	if !sorted {
		slices.SortStableFunc(read, func(a, b achievement) int { return cmp.Compare(a.owner, b.owner) })
	}
	// One backing array for everyone's units, sized once, sliced per organiser.
	all := make([]model.CertUnit, len(read))
	for i, a := range read {
		all[i] = units[a.unit]
		all[i].Achieved = a.achieved
	}
	m := map[int64][]model.CertUnit{}
	for from := 0; from < len(all); {
		to := from + 1
		for to < len(all) && read[to].owner == read[from].owner {
			to++
		}
		mine := all[from:to:to] // capped: appending to one never writes into the next
		slices.SortFunc(mine, func(a, b model.CertUnit) int { return strings.Compare(a.Code, b.Code) })
		m[read[from].owner] = mine
		from = to
	}
	return m, nil
}

// trainerCandidates lists the selection's trainers by name. The rows come
// unordered and are sorted here, by collation key and then, for keys that
// tie, by family name, given name and person id as the query once ordered
// them: ordered by name in SQL, SQLite walked all 51,200 people by name to
// find the 1,200 trainers among them.
func (s *Store) trainerCandidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT p.id, p.given_name, p.family_name, p.email, p.erased_at IS NOT NULL, t.status, t.organisation
FROM trainers t
JOIN people p ON p.id = t.person_id
WHERE ($1 = 0 OR EXISTS (
        SELECT 1 FROM courses co JOIN cohorts c ON c.id = co.cohort_id
        WHERE c.number = $1 AND (co.lead_trainer_id = t.id
           OR EXISTS (SELECT 1 FROM sessions se WHERE se.course_id = co.id AND se.trainer_id = t.id))))
  AND ($2 = '' OR lower(t.organisation) = lower($2))
  AND ($3 = '' OR lower(p.email) = lower($3))`, sel.Cohort, sel.Host, sel.Person)
	if err != nil {
		return nil, fmt.Errorf("select trainers for certificates: %w", err)
	}
	defer rows.Close()
	type trainer struct {
		c             model.Candidate
		key           string
		family, given string
	}
	var list []trainer
	keyer := model.NewNameKeyer()
	defer keyer.Close()
	var keyBuf []byte
	for rows.Next() {
		t := trainer{c: model.Candidate{Kind: model.KindTrainer}}
		c := &t.c
		var status string
		var erased bool
		if err := rows.Scan(&c.PersonID, &t.given, &t.family, &c.Email, &erased, &status, &c.Host); err != nil {
			return nil, fmt.Errorf("select trainers for certificates: %w", err)
		}
		c.Name = strings.TrimSpace(t.given + " " + t.family)
		switch {
		case erased:
			c.Why = "personal details erased"
		case status == "accredited" || status == "active":
			c.Eligible = true
		default:
			c.Why = "trainer status " + status
		}
		keyBuf = keyer.Append(keyBuf[:0], t.family, t.given)
		t.key = string(keyBuf)
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select trainers for certificates: %w", err)
	}
	slices.SortFunc(list, func(a, b trainer) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.family, b.family),
			strings.Compare(a.given, b.given), cmp.Compare(a.c.PersonID, b.c.PersonID))
	})
	out := make([]model.Candidate, len(list))
	for i := range list {
		out[i] = list[i].c
	}
	return out, nil
}

// certifies says in words what a certificate of this kind certifies.
func certifies(c model.Candidate, cs model.CertificateSettings) string {
	switch c.Kind {
	case model.KindCompletion:
		role := "community organiser"
		if c.Role != "" {
			role = c.Role + " community organiser"
		}
		return "has successfully completed the programme's training as a " + role
	case model.KindUnits:
		ocn := cs.OCN
		if ocn == "" {
			ocn = "the Open College Network"
		}
		text := "has achieved the following units, accredited by " + ocn
		if len(c.Qualified) > 0 {
			text += ", meeting the requirements of the " + strings.Join(c.Qualified, " and the ")
		}
		return text
	default:
		return "is an accredited trainer of the programme's trainer network"
	}
}

// IssueCertificates issues a certificate to every eligible candidate, or
// prints again the one they hold for the same achievement (a COPY when it
// was delivered, an original when an earlier run never delivered it), in
// one transaction: all land or none. Who holds what is decided here,
// inside the writing transaction, never from the candidates' Existing
// (read earlier, perhaps before another run issued), and the unique index
// on unrevoked achievements holds it whatever runs at once. Each issue and
// printing is audited. New certificates are not delivered until
// MarkDelivered says their PDFs are in place.
func (s *Store) IssueCertificates(ctx context.Context, by model.User, cands []model.Candidate, opt model.IssueOptions) ([]model.Issued, error) {
	if err := s.require(ctx, by, model.ActCertificates); err != nil {
		return nil, err
	}
	// The candidates were read from this file: a page that quietly lost
	// rows would issue to the wrong people, or to too few. The tables they
	// and the issue read are checked, not the whole file: the evidence,
	// decisions and their criteria, half the file, play no part,
	// and checking them made one certificate on demand 80 ms at scale 1
	// and 600 ms at scale 10.
	if err := s.quickCheck(ctx, certificateTables...); err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	on := opt.On
	if on == "" {
		on = time.Now().UTC().Format("2006-01-02")
	}
	day, err := time.Parse("2006-01-02", on)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: date %q is not YYYY-MM-DD: %w", on, model.ErrInvalid)
	}
	cs, err := s.CertificateSettings(ctx)
	if err != nil {
		return nil, err
	}
	var out []model.Issued
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		key, err := s.signingKey(ctx, tx)
		if err != nil {
			return err
		}
		next := map[string]int{}
		now := model.Now()
		// One achievement may appear twice in cands (a list built by hand):
		// it is printed once.
		seen := map[heldAchievement]bool{}
		for _, c := range cands {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !c.Eligible {
				continue
			}
			ach := heldAchievement{c.PersonID, c.Kind, c.Achievement()}
			if seen[ach] {
				continue
			}
			seen[ach] = true
			held, err := s.heldFor(ctx, tx, ach)
			if err != nil {
				return err
			}
			if held != nil {
				action := "reprint"
				if !held.Delivered() {
					action = "print" // issued by a run that never delivered it
				}
				if err := s.audit(ctx, tx, by, action, "certificate", held.Number, nil,
					map[string]any{"number": held.Number, "person_id": c.PersonID}); err != nil {
					return err
				}
				out = append(out, model.Issued{Certificate: *held, Reprint: held.Delivered(), Earlier: true})
				continue
			}
			seq, ok := next[c.Kind]
			if !ok {
				if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM certificates WHERE kind = $1 AND year = $2`,
					c.Kind, day.Year()).Scan(&seq); err != nil {
					return fmt.Errorf("next %s number: %w", c.Kind, err)
				}
			}
			seq++
			next[c.Kind] = seq
			number, err := model.CertificateNumber(c.Kind, day.Year(), seq)
			if err != nil {
				return err
			}
			f := model.CertFields{Number: number, Kind: c.Kind, Name: c.Name, Certifies: certifies(c, cs),
				Programme: cs.Programme, Cohort: c.Cohort, Host: c.Host, Issued: on, Template: model.TemplateVersion,
				IssuedBy: by.Username, Centre: cs.Centre, Signatory1: cs.Signatory1, Signatory2: cs.Signatory2}
			if c.Kind == model.KindUnits {
				f.Units = c.Units
				for _, u := range c.Units {
					f.Credits += u.Credits
				}
			}
			payload := f.Payload()
			cert := model.Certificate{Number: number, Kind: c.Kind, Year: day.Year(), Seq: seq, PersonID: c.PersonID,
				HolderName: model.Clean(c.Name), Email: c.Email, IssuedOn: on, TemplateVersion: model.TemplateVersion, IssuedBy: by.Username,
				Payload: payload, Code: model.Sign(key, payload), CreatedAt: now, Achievement: ach.achievement}
			cert.Fields, err = model.ParsePayload(payload)
			if err != nil {
				return fmt.Errorf("issue certificate %s: %w", number, err)
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO certificates (number, kind, year, seq, person_id, holder_name,
				issued_on, template_version, issued_by, payload, signature, created_at, achievement)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				cert.Number, cert.Kind, cert.Year, cert.Seq, cert.PersonID, cert.HolderName, cert.IssuedOn,
				cert.TemplateVersion, cert.IssuedBy, cert.Payload, cert.Code, cert.CreatedAt, cert.Achievement).Scan(&cert.ID); err != nil {
				return fmt.Errorf("issue certificate %s: %w", number, err)
			}
			if err := s.audit(ctx, tx, by, "issue", "certificate", number, nil,
				map[string]any{"number": number, "kind": c.Kind, "person_id": c.PersonID, "name": cert.HolderName}); err != nil {
				return err
			}
			out = append(out, model.Issued{Certificate: cert})
			if opt.Progress != nil {
				opt.Progress(len(out), len(cands))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	return out, nil
}

// certificateTables are the tables certificate candidates and an issue
// read: who the people are, what they achieved, their cohort and host,
// their modules, the trainers' courses, the settings and key, and the
// certificates already held (a lost row there would issue a second).
var certificateTables = []string{"people", "organisers", "trainers", "cohorts", "hosts", "registrations", "units",
	"unit_achievements", "modules", "module_completions", "courses", "sessions", "programme", "settings",
	"signing_keys", "certificates"}

// heldAchievement is one person's achievement of one kind.
type heldAchievement struct {
	person      int64
	kind        string
	achievement string
}

// heldFor reads, inside tx, the unrevoked certificate that already
// certifies ach, or nil when there is none.
func (s *Store) heldFor(ctx context.Context, tx *sql.Tx, ach heldAchievement) (*model.Certificate, error) {
	list, err := scanCertificates(tx.QueryContext(ctx, certificateSelect+`WHERE c.person_id = $1 AND c.kind = $2
		AND c.achievement = $3 AND c.revoked_at IS NULL`, ach.person, ach.kind, ach.achievement))
	if err != nil {
		return nil, fmt.Errorf("certificates held by person %d: %w", ach.person, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return &list[0], nil
}

// MarkDelivered records that the PDFs of these certificates are safely in
// place, in one transaction; a certificate already delivered, or revoked
// since, is left as it is. Each delivery is audited.
func (s *Store) MarkDelivered(ctx context.Context, by model.User, numbers []string) error {
	if err := s.require(ctx, by, model.ActCertificates); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := model.Now()
		for _, n := range numbers {
			res, err := tx.ExecContext(ctx, `UPDATE certificates SET delivered_at = $1
				WHERE number = $2 AND delivered_at IS NULL AND revoked_at IS NULL`, now, n)
			if err != nil {
				return fmt.Errorf("certificate %s: %w", n, err)
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				continue
			}
			if err := s.audit(ctx, tx, by, "deliver", "certificate", n, map[string]any{"delivered": false},
				map[string]any{"delivered": true, "delivered_at": now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark certificates delivered: %w", err)
	}
	return nil
}

// Reprint records a reprint of an issued certificate and returns it; the
// number and signed fields are those issued. A revoked one is not reprinted.
func (s *Store) Reprint(ctx context.Context, by model.User, number string) (model.Certificate, error) {
	if err := s.require(ctx, by, model.ActCertificates); err != nil {
		return model.Certificate{}, err
	}
	var c model.Certificate
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.CertificateByNumber(ctx, number)
		if err != nil {
			return err
		}
		if c.Revoked() {
			return fmt.Errorf("certificate %s was revoked on %s: %w", number, c.RevokedAt[:10], model.ErrInvalid)
		}
		return s.audit(ctx, tx, by, "reprint", "certificate", number, nil, map[string]any{"number": number, "person_id": c.PersonID})
	})
	if err != nil {
		return c, fmt.Errorf("reprint %s: %w", number, err)
	}
	return c, nil
}

// Revoke revokes a certificate with a reason; it can be done once.
func (s *Store) Revoke(ctx context.Context, by model.User, number, reason string) error {
	if err := s.require(ctx, by, model.ActCertificates); err != nil {
		return err
	}
	reason = model.Clean(reason)
	if reason == "" {
		return fmt.Errorf("revoke %s: a reason is required: %w", number, model.ErrInvalid)
	}
	if err := model.TextReason.Check("reason", reason); err != nil {
		return fmt.Errorf("revoke %s: %w", number, err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var revoked sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM certificates WHERE number = $1`, number).Scan(&revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no certificate numbered %s: %w", number, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if revoked.Valid {
			return fmt.Errorf("already revoked on %s: %w", revoked.String[:10], model.ErrInvalid)
		}
		now := model.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoked_reason = $3 WHERE number = $4`,
			now, by.Username, reason, number); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "revoke", "certificate", number, map[string]any{"revoked": false},
			map[string]any{"revoked": true, "revoked_at": now, "reason": reason})
	})
	if err != nil {
		return fmt.Errorf("revoke %s: %w", number, err)
	}
	return nil
}

const certificateSelect = `SELECT c.id, c.number, c.kind, c.year, c.seq, c.person_id, c.holder_name, coalesce(p.email, ''),
       c.issued_on, c.template_version, c.issued_by, c.payload, c.signature,
       coalesce(c.revoked_at, ''), coalesce(c.revoked_by, ''), coalesce(c.revoked_reason, ''), c.created_at,
       coalesce(c.achievement, ''), coalesce(c.delivered_at, '')
FROM certificates c LEFT JOIN people p ON p.id = c.person_id `

func (s *Store) queryCertificates(ctx context.Context, where string, args ...any) ([]model.Certificate, error) {
	return scanCertificates(s.db.QueryContext(ctx, certificateSelect+where, args...))
}

// scanCertificates reads the rows of a certificateSelect query.
func scanCertificates(rows *sql.Rows, err error) ([]model.Certificate, error) {
	if err != nil {
		return nil, fmt.Errorf("read certificates: %w", err)
	}
	defer rows.Close()
	var out []model.Certificate
	for rows.Next() {
		var c model.Certificate
		if err := rows.Scan(&c.ID, &c.Number, &c.Kind, &c.Year, &c.Seq, &c.PersonID, &c.HolderName, &c.Email,
			&c.IssuedOn, &c.TemplateVersion, &c.IssuedBy, &c.Payload, &c.Code,
			&c.RevokedAt, &c.RevokedBy, &c.RevokedReason, &c.CreatedAt, &c.Achievement, &c.DeliveredAt); err != nil {
			return nil, fmt.Errorf("read certificates: %w", err)
		}
		// A stored payload that no longer parses is reported by verify as
		// invalid; listing still shows the record.
		c.Fields, _ = model.ParsePayload(c.Payload)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertificateByNumber reads one certificate.
func (s *Store) CertificateByNumber(ctx context.Context, number string) (model.Certificate, error) {
	list, err := s.queryCertificates(ctx, `WHERE c.number = $1`, strings.ToUpper(strings.TrimSpace(number)))
	if err != nil {
		return model.Certificate{}, err
	}
	if len(list) == 0 {
		return model.Certificate{}, fmt.Errorf("certificate %s: %w", number, model.ErrNotFound)
	}
	return list[0], nil
}

// Certificates lists issued certificates newest first, matching search
// against number, holder name and email; limit 0 means 500.
func (s *Store) Certificates(ctx context.Context, search string, limit int) ([]model.Certificate, error) {
	if limit <= 0 {
		limit = 500
	}
	return s.queryCertificates(ctx, `WHERE ($1 = '' OR c.number LIKE $2 OR c.holder_name LIKE $2 OR p.email LIKE $2)
		ORDER BY c.id DESC LIMIT $3`, strings.TrimSpace(search), "%"+strings.TrimSpace(search)+"%", limit)
}

// AllCertificates lists every issued certificate, revoked ones too, oldest
// first, for a verification page that checks a typed number and code.
func (s *Store) AllCertificates(ctx context.Context) ([]model.Certificate, error) {
	return s.queryCertificates(ctx, `ORDER BY c.id`)
}

// RevokedNumbers lists the numbers of every revoked certificate, in order,
// for a verification page that works without the database.
func (s *Store) RevokedNumbers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT number FROM certificates WHERE revoked_at IS NOT NULL ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("read revoked certificates: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("read revoked certificates: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// VerifyCertificate checks a certificate against the database: the number
// must be on record, the code must be the one issued and a valid signature
// of the recorded fields, and payload (when given, as read from a PDF) must
// be exactly the recorded one. A revoked certificate reports its reason.
func (s *Store) VerifyCertificate(ctx context.Context, number, code, payload string) (model.Verification, error) {
	v := model.Verification{Code: model.NormaliseCode(code), Status: model.StatusInvalid, Checked: "database"}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return v, err
	}
	c, err := s.CertificateByNumber(ctx, number)
	if errors.Is(err, model.ErrNotFound) {
		v.Fields.Number = number
		if payload != "" {
			v.Fields, _ = model.ParsePayload(payload)
		}
		v.Reason = "no certificate with this number was issued by this database"
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Fields = c.Fields
	switch {
	case payload != "" && payload != c.Payload:
		v.Fields, _ = model.ParsePayload(payload)
		v.Reason = "the fields in the document differ from those issued"
	case model.NormaliseCode(code) != c.Code:
		v.Reason = "the verification code is not the one issued with this number"
	case !model.VerifyCode(pub, c.Payload, c.Code):
		v.Reason = "the recorded signature does not match the recorded fields"
	case c.Revoked():
		v.Status, v.Reason, v.Revoked = model.StatusRevoked, c.RevokedReason, c.RevokedAt
	default:
		v.Status = model.StatusValid
	}
	return v, nil
}
