package sqlstore

import (
	"cascade/model"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"
)

// DemoToday is the demo programme's "today": sessions after it are scheduled,
// evidence after it does not exist yet. It is the programme's last day.
const DemoToday = "2015-06-30"

// DemoOptions controls a demo build.
type DemoOptions struct {
	Seed     int64                              // same seed, same programme
	Scale    int                                // people multiplier; 1 is the real 500 / 4,500
	Password string                             // for every demo user; random when empty
	Force    bool                               // replace an existing database at path
	Progress func(step string, done, total int) // called at each step; may be nil
}

// DemoPassword is the demo users' password when the demo is built from the
// window or by `make run`: the README gives it, so a user who signs out of
// the demo can always sign in again.
const DemoPassword = "demo-password"

// DemoUser is a sign-in user the demo made.
type DemoUser struct {
	Username, Role, DisplayName string
}

// DemoResult says what the demo made and how to sign in.
type DemoResult struct {
	Path     string
	Users    []DemoUser
	Password string // shared by every demo user
	Counts   map[string]int
}

// EvidenceFilePath is where the evidence file with this SHA-256 (hex) is
// kept: FilesDir()/<first two hex digits>/<sha256> beside a SQLite file, a
// description on a server.
func (s *Store) EvidenceFilePath(sha string) string {
	return s.files.where(sha)
}

// Demo builds a whole, believable programme at path: cohorts, hosts, the
// trainer cascade, organisers, courses, evidence, assessment, verification and
// claims. It refuses an existing file unless opt.Force is set.
func Demo(ctx context.Context, path string, opt DemoOptions) (*DemoResult, error) {
	if opt.Scale < 1 {
		opt.Scale = 1
	}
	if opt.Force {
		if _, err := os.Stat(path); err == nil {
			if err := RemoveDatabase(path); err != nil {
				return nil, fmt.Errorf("demo: remove old database: %w", err)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	pw := opt.Password
	if pw == "" {
		pw = randomPassword(16)
	}
	// Hash once: argon2 is slow on purpose and every demo user shares it.
	hash, err := model.HashPassword(pw)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s, err := Create(ctx, path)
	if err != nil {
		return nil, err
	}
	b := &demoBuilder{ctx: ctx, s: s, opt: opt, hash: hash, stmts: map[string]*sql.Stmt{},
		rng:   mrand.New(mrand.NewPCG(uint64(opt.Seed), 0x436173636164650a)),
		today: day(DemoToday), counts: map[string]int{}}
	err = s.inTx(ctx, b.build)
	for _, st := range b.stmts {
		st.Close()
	}
	if err == nil && s.pg {
		// A server plans by its statistics, and a database filled in one
		// transaction has none until autovacuum comes round: the
		// accreditation report's first run at scale 10 took 81 s rather
		// than 3 s. VACUUM also marks the pages all-visible, so index-only
		// scans need not visit the rows.
		if _, verr := s.db.ExecContext(ctx, `VACUUM (ANALYZE)`); verr != nil {
			err = fmt.Errorf("demo: gather the server's statistics: %w", verr)
		}
	}
	s.Close()
	if err != nil {
		RemoveDatabase(path)
		return nil, err
	}
	return &DemoResult{Path: s.Path(), Users: b.users, Password: pw, Counts: b.counts}, nil
}

// randomPassword draws from letters and digits that cannot be misread.
func randomPassword(n int) string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	buf := make([]byte, n)
	rand.Read(buf)
	for i := range buf {
		buf[i] = alphabet[int(buf[i])%len(alphabet)]
	}
	return string(buf)
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func iso(t time.Time) string { return t.Format("2006-01-02") }

func stamp(t time.Time) string { return t.Add(9 * time.Hour).Format(time.RFC3339) }

// nullDate is NULL for the zero time, so optional dates stay NULL.
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return iso(t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

type demoCohort struct {
	id                    int64
	number                int
	induction, start, end time.Time
	hosts                 []*demoHost
	seniors               []*demoOrganiser
	mainCourse            int64
	sessions              []demoSession // main-course sessions, one per module
}

type demoSession struct {
	id     int64
	heldOn time.Time
}

type demoHost struct {
	id     int64
	name   string
	cohort *demoCohort
	size   int
}

type demoTrainer struct {
	id, personID, trainedBy int64
	gen                     int
	status                  string
	trainedOn               time.Time
	silent                  bool // accredited but delivers nothing: a planted flag
}

type demoOrganiser struct {
	id, personID  int64
	given, family string
	senior        bool
	host          *demoHost
	cohort        *demoCohort
	start         time.Time
	withdrawnOn   time.Time
	uln, regNo    string
	weight        float64 // share of volunteers this senior supports
}

type demoUnit struct {
	id       int64
	code     string
	title    string
	level    int
	credits  int
	kinds    []string
	outcomes [][]int64 // criterion ids per learning outcome
	all      []int64
}

type demoDecision struct {
	id, assessor int64
	cohort       *demoCohort
	on           time.Time
}

type demoAchievement struct {
	org      *demoOrganiser
	unit     *demoUnit
	decision int64
	on       time.Time
}

type demoBuilder struct {
	ctx   context.Context
	s     *Store
	tx    *sql.Tx
	opt   DemoOptions
	hash  string
	rng   *mrand.Rand
	today time.Time
	stmts map[string]*sql.Stmt
	err   error

	counts        map[string]int
	users         []DemoUser
	userIDs       map[string]int64
	assessorSince []struct {
		id    int64
		since time.Time
	}
	verifiers []int64

	cohorts    []*demoCohort
	hosts      []*demoHost
	regen      *demoHost
	trainers   []*demoTrainer
	seniors    []*demoOrganiser
	volunteers []*demoOrganiser
	units      []*demoUnit
	moduleIDs  []int64
	qualCert   int64
	qualAward  int64
	decisions  []demoDecision
	achieved   []demoAchievement
	unsafe     map[int64]bool // decisions sampled but not (yet) agreed: kept off claims

	nextID  map[string]int64
	regSeq  int
	ulnSeen map[string]bool
	files   int
}

// exec runs a prepared statement, keeping the first error so each step reads
// as a list of inserts and checks once at its end.
func (b *demoBuilder) exec(query string, args ...any) {
	if b.err != nil {
		return
	}
	st, ok := b.stmts[query]
	if !ok {
		st, b.err = b.tx.PrepareContext(b.ctx, query)
		if b.err != nil {
			return
		}
		b.stmts[query] = st
	}
	if _, err := st.ExecContext(b.ctx, args...); err != nil {
		b.err = fmt.Errorf("%s: %w", strings.Fields(query)[2], err)
	}
}

// id hands out the next primary key for table: the database is new, so the
// demo chooses keys itself and never reads them back.
func (b *demoBuilder) id(table string) int64 {
	b.nextID[table]++
	b.counts[table]++
	return b.nextID[table]
}

func (b *demoBuilder) intn(n int) int { return b.rng.IntN(n) }

func (b *demoBuilder) chance(p float64) bool { return b.rng.Float64() < p }

func (b *demoBuilder) pick(xs []string) string { return xs[b.intn(len(xs))] }

func (b *demoBuilder) days(t time.Time, lo, hi int) time.Time {
	return t.AddDate(0, 0, lo+b.intn(hi-lo+1))
}

func (b *demoBuilder) build(tx *sql.Tx) error {
	b.tx = tx
	b.nextID = map[string]int64{}
	b.ulnSeen = map[string]bool{}
	b.unsafe = map[int64]bool{}
	steps := []struct {
		name string
		fn   func()
	}{
		{"programme and users", b.programmeAndUsers},
		{"cohorts", b.makeCohorts},
		{"hosts", b.makeHosts},
		{"modules and OCN catalogue", b.makeCatalogue},
		{"trainers", b.makeTrainers},
		{"organisers", b.makeOrganisers},
		{"courses and attendance", b.makeCourses},
		{"evidence and assessment", b.makeEvidence},
		{"internal verification", b.makeVerification},
		{"claims", b.makeClaims},
		{"equality monitoring", b.makeEquality},
	}
	for i, st := range steps {
		if b.opt.Progress != nil {
			b.opt.Progress(st.name, i, len(steps))
		}
		if err := b.ctx.Err(); err != nil {
			return err
		}
		st.fn()
		if b.err == nil {
			b.err = b.s.syncIdentities(b.ctx, tx)
		}
		if b.err != nil {
			return fmt.Errorf("demo %s: %w", st.name, b.err)
		}
	}
	b.counts["evidence_files"] = b.files
	if err := b.s.audit(b.ctx, tx, model.LocalUser(), "demo", "programme", "1", nil, map[string]any{
		"seed": b.opt.Seed, "scale": b.opt.Scale, "today": DemoToday, "counts": b.counts}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if b.opt.Progress != nil {
		b.opt.Progress("done", len(steps), len(steps))
	}
	return nil
}

// people scales a count of people by Scale.
func (b *demoBuilder) people(n int) int { return n * b.opt.Scale }

func (b *demoBuilder) programmeAndUsers() {
	b.exec(`UPDATE programme SET senior_target = 500, volunteer_target = 4500, cohort_target = 14,
		starts_on = '2011-07-01', ends_on = '2015-06-30' WHERE id = 1`)
	b.exec(`INSERT INTO settings (key, value) VALUES ('demo.today', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, DemoToday)
	// The signatories are the demo's programme director and training lead,
	// so the demo's certificates name people on their signature lines.
	b.exec(`INSERT INTO settings (key, value) VALUES ('signatory1.name', 'Hannah Whitfield'), ('signatory1.title', 'Programme Director'),
		('signatory2.name', 'Gareth Llewelyn'), ('signatory2.title', 'Head of Training, Trafford Hall')
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
	b.userIDs = map[string]int64{}
	users := []struct{ name, role, display, since string }{
		{"admin", model.RoleAdmin, "Hannah Whitfield", "2011-06-01"},
		{"lead", model.RoleLead, "Gareth Llewelyn", "2011-06-01"},
		{"assessor", model.RoleAssessor, "Margaret Okonjo", "2011-07-01"},
		{"assessor3", model.RoleAssessor, "Priya Raman", "2012-09-01"},
		{"assessor2", model.RoleAssessor, "Tomasz Nowak", "2015-04-01"}, // new: sampled more
		{"verifier", model.RoleVerifier, "Colin Ashworth", "2011-07-01"},
		{"verifier2", model.RoleVerifier, "Folasade Adeyemi", "2013-01-07"},
		{"moderator", model.RoleModerator, "Ruth Abernethy", "2012-01-09"},
	}
	for _, u := range users {
		id := b.id("users")
		since := day(u.since)
		b.exec(`INSERT INTO users (id, username, display_name, role, password_hash, active_since, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, u.name, u.display, u.role, b.hash, u.since, stamp(since))
		b.users = append(b.users, DemoUser{u.name, u.role, u.display})
		b.userIDs[u.name] = id
		switch u.role {
		case model.RoleAssessor:
			b.assessorSince = append(b.assessorSince, struct {
				id    int64
				since time.Time
			}{id, since})
		case model.RoleVerifier:
			b.verifiers = append(b.verifiers, id)
		}
	}
}

func (b *demoBuilder) makeCohorts() {
	first := day("2011-07-11")
	for n := 1; n <= 14; n++ {
		c := &demoCohort{id: b.id("cohorts"), number: n}
		c.induction = first.AddDate(0, 3*(n-1), 0)
		c.start = c.induction.AddDate(0, 0, 14)
		c.end = c.start.AddDate(1, 0, 0)
		b.exec(`INSERT INTO cohorts (id, number, host_induction_on, training_starts_on, training_ends_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.id, n, iso(c.induction), iso(c.start), iso(c.end), stamp(c.induction.AddDate(0, -2, 0)))
		b.cohorts = append(b.cohorts, c)
	}
}

func (b *demoBuilder) insertHost(name, region string, rural, kick bool, partner string, c *demoCohort) *demoHost {
	h := &demoHost{id: b.id("hosts"), name: name, cohort: c}
	setting := "urban"
	if rural {
		setting = "rural"
	}
	b.exec(`INSERT INTO hosts (id, name, region, setting, kickstarter, partner, cohort_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, h.id, name, region, setting, kick, partner, c.id, stamp(c.induction.AddDate(0, -1, 0)))
	b.hosts = append(b.hosts, h)
	c.hosts = append(c.hosts, h)
	return h
}

// makeHosts: ten kickstarters and RE:generate in cohort 1, then 10–12 hosts
// per later cohort. Hosts scale with Scale so teams stay 2–5 at full scale.
func (b *demoBuilder) makeHosts() {
	used := map[string]bool{}
	c1 := b.cohorts[0]
	for _, k := range demoKickstarters {
		b.insertHost(k.name, k.region, k.rural, true, "", c1)
		used[k.name] = true
	}
	b.regen = b.insertHost("RE:generate", "London", false, false, "", c1)
	used["RE:generate"] = true
	for _, c := range b.cohorts[1:] {
		n := (10 + b.intn(3)) * b.opt.Scale
		for range n {
			reg := demoRegions[b.intn(len(demoRegions))]
			rural := len(reg.rural) > 0 && b.chance(0.33)
			partner := b.pick(demoPartners)
			kinds := demoHostKinds
			switch partner {
			case "Church Urban Fund", "Faith-based Regeneration Network":
				kinds = demoFaithKinds
			case "Voice4Change England":
				kinds = demoRaceKinds
			}
			var name string
			for try := 0; ; try++ {
				place := b.pick(reg.urban)
				if rural {
					place = b.pick(reg.rural)
				}
				name = place + " " + b.pick(kinds)
				if try > 40 {
					name = fmt.Sprintf("%s (%d)", name, try)
				}
				if !used[name] {
					break
				}
			}
			used[name] = true
			b.insertHost(name, reg.name, rural, false, partner, c)
		}
	}
}

var demoModules = []struct{ code, title, desc string }{
	{"M1", "Systematic listening to local people", "Door-knocking and street conversations to hear what matters locally."},
	{"M2", "Building networks", "Connecting the people who care about the same things."},
	{"M3", "Engaging people", "Moving people from concern to involvement."},
	{"M4", "Facilitating collective action", "Supporting people to act together on what they choose."},
	{"M5", "Power and working with elected representatives", "Understanding who decides and how to influence them."},
	{"M6", "Equality and diversity", "Reaching beyond the already-involved; fairness in practice."},
	{"M7", "Reflective practice", "Learning from experience, alone and with peers."},
	{"M8", "Community enterprise", "Community-owned responses that last."},
}

// demoUnits maps one OCN unit to each module, in module order.
var demoUnits = []struct {
	code, title    string
	level, credits int
	kinds          []string
	outcomes       [][]string // first entry the outcome, the rest its criteria
}{
	{"CO201", "Listening to local people", 2, 3, []string{"listening_log", "reflective_account"}, [][]string{
		{"Know how to listen systematically in a neighbourhood", "Describe ways of starting conversations with local people", "Explain why listening comes before action"},
		{"Be able to record what is heard without personal details", "Keep a listening log of conversations, dates and themes", "Identify common themes from the log"}}},
	{"CO202", "Building networks in a community", 2, 3, []string{"product", "witness_testimony"}, [][]string{
		{"Understand local networks", "Map the groups and connections in a neighbourhood", "Identify people who connect others"},
		{"Be able to link people with shared concerns", "Bring together people who share a concern", "Describe how the network was sustained"}}},
	{"CO203", "Engaging people in community action", 2, 3, []string{"observation", "witness_testimony"}, [][]string{
		{"Know ways of engaging people", "Describe methods of engaging people who are not already involved"},
		{"Be able to support people to get involved", "Support local people to take a first step into action", "Review what encouraged or discouraged involvement"}}},
	{"CO304", "Facilitating collective action", 3, 4, []string{"observation", "product"}, [][]string{
		{"Understand collective action", "Analyse the conditions for people acting together", "Evaluate the role of the organiser in collective action"},
		{"Be able to facilitate a group to act", "Facilitate a group to agree an action", "Support the group to carry out and review the action"},
		{"Be able to hand over leadership", "Demonstrate handing over a role to a local leader"}}},
	{"CO305", "Reflective practice in community organising", 3, 3, []string{"reflective_account", "professional_discussion"}, [][]string{
		{"Understand reflective practice", "Analyse a model of reflective practice", "Evaluate its use in community organising"},
		{"Be able to reflect on own practice", "Reflect critically on an organising experience", "Plan changes to own practice from reflection"}}},
	{"CO306", "Power and working with elected representatives", 3, 3, []string{"professional_discussion", "witness_testimony"}, [][]string{
		{"Understand power in a locality", "Analyse where power lies on a local issue", "Explain the roles of elected representatives"},
		{"Be able to support people to influence decisions", "Support local people to engage with an elected representative"}}},
	{"CO307", "Equality and diversity in community organising", 3, 3, []string{"reflective_account", "product"}, [][]string{
		{"Understand equality and diversity in organising", "Analyse barriers to involvement for different groups", "Evaluate own assumptions about who takes part"},
		{"Be able to organise inclusively", "Demonstrate reaching people beyond the already-involved"}}},
	{"CO308", "Community enterprise and social action", 3, 4, []string{"product", "professional_discussion"}, [][]string{
		{"Understand community enterprise", "Describe models of community-owned enterprise", "Analyse the viability of a local idea"},
		{"Be able to support a community enterprise idea", "Support a group to develop a community enterprise idea", "Review the idea with the group"}}},
}

func (b *demoBuilder) makeCatalogue() {
	for i, m := range demoModules {
		id := b.id("modules")
		b.exec(`INSERT INTO modules (id, code, title, position, description) VALUES ($1, $2, $3, $4, $5)`, id, m.code, m.title, i+1, m.desc)
		b.moduleIDs = append(b.moduleIDs, id)
	}
	byCode := map[string]int64{}
	for _, du := range demoUnits {
		u := &demoUnit{id: b.id("units"), code: du.code, title: du.title, level: du.level, credits: du.credits, kinds: du.kinds}
		b.exec(`INSERT INTO units (id, code, title, level, credits, guided_hours) VALUES ($1, $2, $3, $4, $5, $6)`,
			u.id, u.code, u.title, u.level, u.credits, u.credits*8)
		for o, lo := range du.outcomes {
			oid := b.id("learning_outcomes")
			b.exec(`INSERT INTO learning_outcomes (id, unit_id, number, text) VALUES ($1, $2, $3, $4)`, oid, u.id, o+1, lo[0])
			var crit []int64
			for c, text := range lo[1:] {
				cid := b.id("criteria")
				b.exec(`INSERT INTO criteria (id, unit_id, outcome_id, number, text) VALUES ($1, $2, $3, $4, $5)`,
					cid, u.id, oid, fmt.Sprintf("%d.%d", o+1, c+1), text)
				crit = append(crit, cid)
			}
			u.outcomes = append(u.outcomes, crit)
			u.all = append(u.all, crit...)
		}
		b.units = append(b.units, u)
		byCode[u.code] = u.id
	}
	qual := func(code, title string, level, min int, minLevel any, atLevel int, groups ...struct {
		name      string
		mandatory bool
		min       int
		max       any
		units     []string
	}) int64 {
		id := b.id("qualifications")
		b.exec(`INSERT INTO qualifications (id, code, title, level, min_credits, min_credits_level, min_credits_at_level)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, code, title, level, min, minLevel, atLevel)
		for i, g := range groups {
			gid := b.id("qualification_groups")
			b.exec(`INSERT INTO qualification_groups (id, qualification_id, name, mandatory, min_credits, max_credits, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, gid, id, g.name, g.mandatory, g.min, g.max, i+1)
			for _, u := range g.units {
				b.exec(`INSERT INTO qualification_group_units (group_id, unit_id) VALUES ($1, $2)`, gid, byCode[u])
			}
		}
		return id
	}
	type group = struct {
		name      string
		mandatory bool
		min       int
		max       any
		units     []string
	}
	// Certificate: 16 credits, 10 of them at level 3; mandatory CO201, CO304, CO305.
	b.qualCert = qual("COQ3C", "Level 3 Certificate in Community Organising", 3, 16, 3, 10,
		group{"Mandatory units", true, 10, nil, []string{"CO201", "CO304", "CO305"}},
		group{"Optional units", false, 6, 16, []string{"CO202", "CO203", "CO306", "CO307", "CO308"}})
	b.qualAward = qual("COQ2A", "Level 2 Award in Community Organising", 2, 6, nil, 0,
		group{"Mandatory unit", true, 3, nil, []string{"CO201"}},
		group{"Optional units", false, 3, 9, []string{"CO202", "CO203"}})
}

// newPerson inserts a person with a unique ASCII email built from the name.
func (b *demoBuilder) newPerson(given, family string, created time.Time, uln string) int64 {
	id := b.id("people")
	local := asciiName(given) + "." + asciiName(family)
	if local == "." {
		local = "person"
	}
	domains := []string{"example.org", "example.net", "example.com"}
	email := fmt.Sprintf("%s%d@%s", local, id, domains[id%3])
	phone := fmt.Sprintf("07700 900%03d", id%1000) // Ofcom's drama range: never a real phone
	b.exec(`INSERT INTO people (id, given_name, family_name, email, phone, uln, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, given, family, email, phone, uln, stamp(created))
	return id
}

// randomName draws a culture by weight, then a given and a family name from it;
// a few people carry names from two traditions, as many British families do.
func (b *demoBuilder) randomName() (given, family string) {
	total := 0
	for _, c := range demoCultures {
		total += c.weight
	}
	pickCulture := func() nameCulture {
		n := b.intn(total)
		for _, c := range demoCultures {
			if n < c.weight {
				return c
			}
			n -= c.weight
		}
		return demoCultures[0]
	}
	c := pickCulture()
	given = b.pick(c.given)
	if b.chance(0.05) {
		c = pickCulture()
	}
	return given, b.pick(c.family)
}

func (b *demoBuilder) makeTrainers() {
	// Generations: founding trainers from RE:generate's introduction, then
	// each generation trains the next on train-the-trainers courses.
	total := b.people(120)
	if total < 24 {
		total = 24
	}
	sizes := []int{8, (total - 8) * 35 / 100, (total - 8) * 50 / 100}
	sizes = append(sizes, total-sizes[0]-sizes[1]-sizes[2])
	gens := make([][]*demoTrainer, len(sizes))
	windows := [][2]string{{"2011-06-06", "2011-06-06"}, {"2011-08-01", "2012-02-28"}, {"2012-03-01", "2013-06-30"}, {"2013-09-01", "2014-12-15"}}
	statusMix := [][]string{
		{"active", "active", "active", "active", "active", "active", "active", "lapsed"},
		{"active", "active", "active", "active", "active", "active", "accredited", "accredited", "accredited", "lapsed"},
		{"active", "active", "active", "active", "accredited", "accredited", "accredited", "accredited", "training", "lapsed"},
		{"training", "training", "training", "training", "training", "accredited", "accredited", "accredited", "active", "active"},
	}
	orgs := []string{"RE:generate", "Trafford Hall", "Independent trainer"}
	for g, n := range sizes {
		// One ttt course per dozen trainees, led by the previous generation.
		var leads []*demoTrainer
		if g > 0 {
			for _, t := range gens[g-1] {
				if t.status != "training" && !t.silent {
					leads = append(leads, t)
				}
			}
		}
		from, to := day(windows[g][0]), day(windows[g][1])
		span := int(to.Sub(from).Hours() / 24)
		var course int64
		var courseLead *demoTrainer
		var courseEnd time.Time
		var enrolled []int64
		flush := func() {
			if course == 0 {
				return
			}
			b.tttSessions(course, courseLead, courseEnd.AddDate(0, 0, -2), enrolled)
			course, enrolled = 0, nil
		}
		for i := range n {
			if g > 0 && i%12 == 0 {
				flush()
				courseLead = leads[b.intn(len(leads))]
				starts := from.AddDate(0, 0, span*i/n)
				courseEnd = starts.AddDate(0, 0, 2)
				course = b.id("courses")
				b.exec(`INSERT INTO courses (id, kind, title, lead_trainer_id, venue, starts_on, ends_on, created_at)
					VALUES ($1, 'ttt', $2, $3, 'Trafford Hall', $4, $5, $6)`, course,
					fmt.Sprintf("Train the trainers %d, generation %d", len(gens[g])/12+1, g+1), courseLead.id,
					iso(starts), iso(courseEnd), stamp(starts.AddDate(0, -1, 0)))
			}
			t := &demoTrainer{id: b.id("trainers"), gen: g + 1, status: b.pick(statusMix[g])}
			if g == 2 && i < 2 {
				t.status, t.silent = "accredited", true // accredited, never delivers: a flag to find
			}
			given, family := b.randomName()
			org := b.pick(orgs)
			if g == 0 {
				org = "RE:generate"
			} else if b.chance(0.5) {
				org = b.hosts[b.intn(len(b.hosts))].name
			}
			var retired time.Time
			created := from
			if g == 0 {
				t.trainedOn = from
			} else {
				t.trainedBy = courseLead.id
				created = courseEnd
				if t.status != "training" {
					t.trainedOn = courseEnd
				}
			}
			if t.status == "lapsed" {
				retired = b.days(created, 400, 900)
				if retired.After(b.today) {
					retired = b.today.AddDate(0, -1, 0)
				}
			}
			t.personID = b.newPerson(given, family, created, "")
			recordedBy := t.trainedBy
			if g == len(sizes)-1 && i == n-1 {
				recordedBy = 0 // a gap in the records, for the "trainer without a trainer" flag: not a founding trainer
			}
			b.exec(`INSERT INTO trainers (id, person_id, organisation, trained_by_id, trained_on, status, retired_on, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.id, t.personID, org, nullID(recordedBy),
				nullDate(t.trainedOn), t.status, nullDate(retired), stamp(created))
			if course != 0 {
				b.exec(`INSERT INTO enrolments (course_id, person_id) VALUES ($1, $2)`, course, t.personID)
				enrolled = append(enrolled, t.personID)
			}
			gens[g] = append(gens[g], t)
			b.trainers = append(b.trainers, t)
		}
		flush()
	}
}

// tttSessions holds a three-day train-the-trainers course and its register.
func (b *demoBuilder) tttSessions(course int64, lead *demoTrainer, first time.Time, people []int64) {
	titles := []string{"Day 1: Root Solution Listening Matters", "Day 2: Training for transformation", "Day 3: Facilitating learners"}
	for d, title := range titles {
		on := first.AddDate(0, 0, d)
		sid := b.id("sessions")
		b.exec(`INSERT INTO sessions (id, course_id, trainer_id, held_on, venue, title) VALUES ($1, $2, $3, $4, 'Trafford Hall', $5)`,
			sid, course, lead.id, iso(on), title)
		for _, p := range people {
			b.attend(sid, p, on, b.chance(0.96))
		}
	}
}

func (b *demoBuilder) attend(session, person int64, on time.Time, present bool) {
	b.exec(`INSERT INTO attendance (session_id, person_id, present, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, 'lead')`,
		session, person, present, on.Add(17*time.Hour).Format(time.RFC3339))
	b.counts["attendance"]++
}

func (b *demoBuilder) newULN() string {
	for {
		u := fmt.Sprintf("%d%09d", 1+b.intn(9), b.intn(1_000_000_000))
		if !b.ulnSeen[u] {
			b.ulnSeen[u] = true
			return u
		}
	}
}

func (b *demoBuilder) insertOrganiser(o *demoOrganiser, supportedBy int64) {
	o.id = b.id("organisers")
	role, bursary := "volunteer", 0
	if o.senior {
		role, bursary = "senior", 2_000_000
	}
	status := "active"
	var ends time.Time
	var reason string
	if o.cohort != nil && o.cohort.end.Before(b.today) && (o.senior || b.chance(0.85)) {
		status, ends = "completed", o.cohort.end
	} else if o.senior && o.cohort != nil {
		ends = o.cohort.end
	}
	if b.chance(0.04) || (!o.senior && b.chance(0.03)) {
		last := b.today
		if o.cohort != nil && o.cohort.end.Before(last) {
			last = o.cohort.end
		}
		if span := int(last.Sub(o.start).Hours()/24) - 30; span > 0 {
			o.withdrawnOn = o.start.AddDate(0, 0, 30+b.intn(span))
			status, ends, reason = "withdrawn", o.withdrawnOn, b.pick(demoWithdrawnReasons)
		}
	}
	var host, cohort int64
	if o.host != nil {
		host = o.host.id
	}
	if o.cohort != nil {
		cohort = o.cohort.id
	}
	created := o.start.AddDate(0, 0, -14)
	b.exec(`INSERT INTO organisers (id, person_id, role, host_id, cohort_id, supported_by_id, starts_on, ends_on,
		bursary_pence, status, withdrawn_on, withdrawn_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
		o.id, o.personID, role, nullID(host), nullID(cohort), nullID(supportedBy), iso(o.start), nullDate(ends),
		bursary, status, nullDate(o.withdrawnOn), reason, stamp(created))
}

func (b *demoBuilder) register(o *demoOrganiser, qual int64) {
	on := o.start.AddDate(0, 0, 30)
	b.regSeq++
	o.regNo = fmt.Sprintf("OCN-NW-%d-%05d", on.Year(), b.regSeq)
	b.exec(`INSERT INTO registrations (organiser_id, qualification_id, registration_number, registered_on) VALUES ($1, $2, $3, $4)`,
		o.id, qual, o.regNo, iso(on))
	b.counts["registrations"]++
}

func (b *demoBuilder) makeOrganisers() {
	// Team sizes: RE:generate hosts 60 across cohorts 1–6; a few hosts are
	// planted with 1 or 6–7 seniors (flags); the rest get 2–5.
	const orphanSeniors = 3
	others := b.hosts[:0:0]
	for _, h := range b.hosts {
		if h != b.regen {
			others = append(others, h)
		}
	}
	target := b.people(500) - 60 - orphanSeniors
	planted := []int{1, 1, 6, 6, 7}
	remaining := target
	for _, h := range others {
		h.size = 2
		remaining -= 2
	}
	for i, n := range planted {
		h := others[10+i*7%len(others[10:])]
		remaining -= n - h.size
		h.size = n
	}
	plantedHost := func(h *demoHost) bool { return h.size == 1 || h.size >= 6 }
	for guard := 0; remaining > 0 && guard < 1_000_000; guard++ {
		h := others[b.intn(len(others))]
		if h.size >= 2 && h.size < 5 && !plantedHost(h) {
			h.size++
			remaining--
		}
	}
	b.regen.size = 60
	namesLeft := demoPlantedNames
	newSenior := func(h *demoHost, c *demoCohort) *demoOrganiser {
		given, family := b.randomName()
		if len(namesLeft) > 0 {
			given, family, namesLeft = namesLeft[0][0], namesLeft[0][1], namesLeft[1:]
		}
		o := &demoOrganiser{given: given, family: family, senior: true, host: h, cohort: c, weight: 0.2 + b.rng.ExpFloat64()}
		o.start = day("2013-01-14")
		if c != nil {
			o.start = c.start
			o.uln = b.newULN()
		}
		o.personID = b.newPerson(given, family, o.start.AddDate(0, 0, -21), o.uln)
		b.insertOrganiser(o, 0)
		if c != nil {
			b.register(o, b.qualCert)
			c.seniors = append(c.seniors, o)
		}
		b.seniors = append(b.seniors, o)
		return o
	}
	for _, h := range others {
		for range h.size {
			newSenior(h, h.cohort)
		}
	}
	for i := range 60 {
		newSenior(b.regen, b.cohorts[i/10])
	}
	// Flag targets: seniors with no host, or with a host but no cohort.
	for _, o := range []*demoOrganiser{newSenior(nil, b.cohorts[3]), newSenior(nil, b.cohorts[8]), newSenior(others[40%len(others)], nil)} {
		o.weight = 0
	}
	// Five seniors support nobody (flag targets); withdrawn seniors support fewer.
	for i := range 5 {
		b.seniors[(i*97+11)%len(b.seniors)].weight = 0
	}
	cum := make([]float64, len(b.seniors))
	sum := 0.0
	for i, o := range b.seniors {
		if !o.withdrawnOn.IsZero() {
			o.weight *= 0.3
		}
		sum += o.weight
		cum[i] = sum
	}
	nv := b.people(4500)
	for i := range nv {
		s := b.seniors[sort.SearchFloat64s(cum, b.rng.Float64()*sum)]
		o := &demoOrganiser{host: s.host, cohort: s.cohort}
		switch {
		case i%900 == 450 && i/900 < 3: // a volunteer with no host recorded (flag)
			o.host = nil
		case i%900 == 700 && i/900 < 2: // …or no cohort (flag)
			o.cohort = nil
		}
		span := int(b.today.Sub(s.start).Hours() / 24)
		o.start = s.start.AddDate(0, 0, 30+b.intn(max(1, min(300, span-30))))
		o.given, o.family = b.randomName()
		o.personID = b.newPerson(o.given, o.family, o.start.AddDate(0, 0, -7), "")
		b.insertOrganiser(o, s.id)
		b.volunteers = append(b.volunteers, o)
	}
}

var demoVenues = []string{"Trafford Hall", "Trafford Hall", "Leeds: Swarthmore Education Centre", "Birmingham: Digbeth Community Hall",
	"Bristol: Easton Community Centre", "London: Toynbee Hall rooms", "Newcastle: Ouseburn Hub"}

func (b *demoBuilder) makeCourses() {
	var pool []*demoTrainer
	for _, t := range b.trainers {
		if (t.status == "active" || t.status == "accredited") && !t.silent && !t.trainedOn.IsZero() {
			pool = append(pool, t)
		}
	}
	trainerBy := func(on time.Time) *demoTrainer {
		for {
			t := pool[b.intn(len(pool))]
			if !t.trainedOn.After(on) {
				return t
			}
		}
	}
	for _, c := range b.cohorts {
		// Host induction: one day at Trafford Hall.
		ind := b.id("courses")
		b.exec(`INSERT INTO courses (id, kind, title, cohort_id, lead_trainer_id, venue, starts_on, ends_on, created_at)
			VALUES ($1, 'induction', $2, $3, $4, 'Trafford Hall', $5, $5, $6)`, ind, fmt.Sprintf("Host induction — cohort %d", c.number),
			c.id, trainerBy(c.induction).id, iso(c.induction), stamp(c.induction.AddDate(0, -1, 0)))
		sid := b.id("sessions")
		b.exec(`INSERT INTO sessions (id, course_id, trainer_id, held_on, venue, title) VALUES ($1, $2, $3, $4, 'Trafford Hall', 'Host induction day')`,
			sid, ind, trainerBy(c.induction).id, iso(c.induction))
		c.mainCourse = b.id("courses")
		lead := trainerBy(c.start)
		b.exec(`INSERT INTO courses (id, kind, title, cohort_id, lead_trainer_id, venue, starts_on, ends_on, created_at)
			VALUES ($1, 'main', $2, $3, $4, 'Trafford Hall', $5, $6, $7)`, c.mainCourse,
			fmt.Sprintf("Training for transformation — cohort %d", c.number), c.id, lead.id, iso(c.start), iso(c.end), stamp(c.induction))
		for _, o := range c.seniors {
			b.exec(`INSERT INTO enrolments (course_id, person_id) VALUES ($1, $2)`, ind, o.personID)
			b.exec(`INSERT INTO enrolments (course_id, person_id) VALUES ($1, $2)`, c.mainCourse, o.personID)
			if !c.induction.After(b.today) {
				b.attend(sid, o.personID, c.induction, b.chance(0.9))
			}
		}
		for m, mid := range b.moduleIDs {
			on := c.start.AddDate(0, 0, 7+m*45)
			ses := demoSession{id: b.id("sessions"), heldOn: on}
			venue := demoVenues[b.intn(len(demoVenues))]
			t := lead
			if m > 0 && b.chance(0.6) {
				t = trainerBy(on)
			}
			b.exec(`INSERT INTO sessions (id, course_id, module_id, trainer_id, held_on, venue, title) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				ses.id, c.mainCourse, mid, t.id, iso(on), venue, demoModules[m].title)
			c.sessions = append(c.sessions, ses)
			if on.After(b.today) {
				continue // scheduled: no register yet
			}
			for _, o := range c.seniors {
				if !o.withdrawnOn.IsZero() && o.withdrawnOn.Before(on) {
					continue
				}
				present := b.chance(0.93)
				b.attend(ses.id, o.personID, on, present)
				done, how, reason := on, model.CompletedByAttendance, ""
				if !present {
					done = on.AddDate(0, 0, 28) // caught up at the next session, if they did
					if done.After(b.today) || b.chance(0.4) {
						continue
					}
					// No register shows a catch-up: the lead marked it, saying why.
					how, reason = model.CompletedByLead, "caught up with the module's trainer after missing the session"
				}
				b.exec(`INSERT INTO module_completions (organiser_id, module_id, completed_on, how, reason, recorded_by, recorded_at)
					VALUES ($1, $2, $3, $4, $5, 'lead', $6)`, o.id, mid, iso(done), how, reason, done.Add(17*time.Hour).Format(time.RFC3339))
				b.counts["module_completions"]++
			}
		}
	}
}

// makeEvidence builds each learner's portfolio unit by unit, dated after the
// module's session: what falls after DemoToday does not exist yet, recent items
// are drafts or wait in the assessor queue, older ones are decided.
func (b *demoBuilder) makeEvidence() {
	for _, o := range b.seniors {
		if o.cohort == nil {
			continue
		}
		for u, unit := range b.units {
			b.unitEvidence(o, unit, o.cohort.sessions[u].heldOn)
		}
	}
	// A few volunteers build a listening portfolio towards the Level 2 Award.
	for i, o := range b.volunteers {
		if o.cohort == nil || o.cohort.number > 10 || i%50 != 7 {
			continue
		}
		b.register(o, b.qualAward)
		b.unitEvidence(o, b.units[0], o.start.AddDate(0, 2, 0))
	}
}

func (b *demoBuilder) unitEvidence(o *demoOrganiser, unit *demoUnit, after time.Time) {
	groups := [][]int64{unit.all}
	if len(unit.outcomes) > 1 && b.chance(0.3) {
		groups = [][]int64{unit.outcomes[0], nil}
		for _, crit := range unit.outcomes[1:] {
			groups[1] = append(groups[1], crit...)
		}
	}
	achieved := 0
	var deciding demoDecision
	for _, crit := range groups {
		on := b.days(after, 3, 40)
		if on.After(b.today) || (!o.withdrawnOn.IsZero() && on.After(o.withdrawnOn)) {
			return
		}
		kind := unit.kinds[b.intn(len(unit.kinds))]
		id := b.id("evidence_items")
		submitted := b.days(on, 1, 14)
		status := "submitted"
		if submitted.After(b.today) || b.chance(0.02) {
			status = "draft"
		}
		// Plan the decisions first: the item's status depends on them.
		var d1, d2 demoDecision
		nya := -1
		if decided := b.days(submitted, 5, 50); status == "submitted" && !decided.After(b.today) {
			d1 = b.decision(o, decided)
			status = "assessed"
			if b.chance(0.12) {
				nya = b.intn(len(crit))
				status = "referred"
				if resub := b.days(decided, 14, 60); !resub.After(b.today) {
					d2 = b.decision(o, resub)
					status = "assessed"
				}
			}
		}
		count, themes := 0, ""
		if kind == "listening_log" {
			count = 20 + b.intn(160)
			themes = b.themes()
		}
		var sub any
		if status != "draft" {
			sub = stamp(submitted)
		}
		b.exec(`INSERT INTO evidence_items (id, organiser_id, kind, title, description, evidence_on, listening_count,
			listening_themes, status, submitted_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, o.id, kind, fmt.Sprintf("%s: %s", kindTitle(kind), unit.title), fmt.Sprintf("Evidence for %s %s.", unit.code, unit.title),
			iso(on), count, themes, status, sub, stamp(on), "organiser")
		for _, c := range crit {
			b.exec(`INSERT INTO evidence_criteria (evidence_id, criterion_id) VALUES ($1, $2)`, id, c)
		}
		if d1.id != 0 {
			b.insertDecision(d1, o, id, 1, 0, crit, nya)
			last := d1
			if d2.id != 0 {
				b.insertDecision(d2, o, id, 2, d1.id, crit, -1)
				last = d2
			}
			if nya < 0 || d2.id != 0 {
				achieved += len(crit)
				if last.on.After(deciding.on) {
					deciding = last
				}
			}
		}
		if o.senior && o.cohort.number <= 4 && (kind == "reflective_account" || kind == "listening_log") {
			b.writeFile(o, unit, id, kind, on, count, themes)
		}
	}
	if achieved == len(unit.all) {
		b.exec(`INSERT INTO unit_achievements (organiser_id, unit_id, decision_id, assessor_id, achieved_on) VALUES ($1, $2, $3, $4, $5)`,
			o.id, unit.id, deciding.id, deciding.assessor, iso(deciding.on))
		b.counts["unit_achievements"]++
		b.achieved = append(b.achieved, demoAchievement{o, unit, deciding.id, deciding.on})
	}
}

// decision plans a decision by an assessor who was active on that day.
func (b *demoBuilder) decision(o *demoOrganiser, on time.Time) demoDecision {
	eligible := []int64{b.assessorSince[0].id} // the first assessor is there from the start
	for _, a := range b.assessorSince {
		if a.id != eligible[0] && !a.since.After(on) {
			eligible = append(eligible, a.id)
		}
	}
	d := demoDecision{id: b.id("assessment_decisions"), assessor: eligible[b.intn(len(eligible))], cohort: o.cohort, on: on}
	b.decisions = append(b.decisions, d)
	return d
}

// insertDecision writes a decision and its per-criterion outcomes; nya is the
// index of the one criterion not yet achieved, or -1.
func (b *demoBuilder) insertDecision(d demoDecision, o *demoOrganiser, evidence int64, attempt int, supersedes int64, crit []int64, nya int) {
	outcome, text := "achieved", b.pick(demoFeedback)
	if nya >= 0 {
		outcome, text = "not_yet_achieved", b.pick(demoNotYetFeedback)
	}
	b.exec(`INSERT INTO assessment_decisions (id, evidence_id, organiser_id, assessor_id, outcome, feedback, decided_on,
		attempt, supersedes_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.id, evidence, o.id, d.assessor, outcome, text, iso(d.on), attempt, nullID(supersedes), stamp(d.on))
	for i, c := range crit {
		out := "achieved"
		if i == nya {
			out = "not_yet_achieved"
		}
		b.exec(`INSERT INTO decision_criteria (decision_id, criterion_id, outcome) VALUES ($1, $2, $3)`, d.id, c, out)
	}
}

// writeFile stores a short text document for an evidence item under its
// SHA-256, as a learner's upload would be.
func (b *demoBuilder) writeFile(o *demoOrganiser, unit *demoUnit, item int64, kind string, on time.Time, count int, themes string) {
	if b.err != nil {
		return
	}
	var text strings.Builder
	name := fmt.Sprintf("reflective-account-%04d.txt", item)
	if kind == "listening_log" {
		name = fmt.Sprintf("listening-log-%04d.txt", item)
		fmt.Fprintf(&text, "Listening log summary %d\nOrganiser: %s %s\nUnit: %s %s\nPeriod: %s to %s\nConversations: %d (door-knocking %d, street and community spaces %d)\nThemes: %s\n\n",
			item, o.given, o.family, unit.code, unit.title, iso(on.AddDate(0, 0, -28)), iso(on), count, count*3/5, count-count*3/5, themes)
		text.WriteString("No names, addresses or contact details of residents are recorded here: what people said belongs to the community.\n")
	} else {
		fmt.Fprintf(&text, "Reflective account %d\nOrganiser: %s %s\nUnit: %s %s\nDate: %s\n\n", item, o.given, o.family, unit.code, unit.title, iso(on))
		for _, i := range b.rng.Perm(len(demoReflections))[:3] {
			text.WriteString(demoReflections[i])
			text.WriteString("\n\n")
		}
	}
	data := []byte(text.String())
	sha, err := b.s.files.putInTx(b.ctx, b.tx, data)
	if err != nil {
		b.err = fmt.Errorf("evidence file: %w", err)
		return
	}
	b.exec(`INSERT INTO evidence_files (id, evidence_id, file_name, sha256, size, media_type, added_at)
		VALUES ($1, $2, $3, $4, $5, 'text/plain; charset=utf-8', $6)`, b.id("evidence_files"), item, name, sha, len(data), stamp(on))
	b.files++
}

func (b *demoBuilder) themes() string {
	n := 2 + b.intn(3)
	var out []string
	for _, i := range b.rng.Perm(len(demoListeningThemes))[:n] {
		out = append(out, demoListeningThemes[i])
	}
	return strings.Join(out, "; ")
}

func kindTitle(kind string) string {
	switch kind {
	case "listening_log":
		return "Listening log"
	case "reflective_account":
		return "Reflective account"
	case "witness_testimony":
		return "Witness testimony"
	case "professional_discussion":
		return "Professional discussion"
	case "observation":
		return "Observation record"
	}
	return "Product"
}

// makeVerification: one IV plan per cohort; verifiers (never assessors) sample
// 10% of decisions, 25% of a new assessor's.
func (b *demoBuilder) makeVerification() {
	plans := map[*demoCohort]int64{}
	for _, c := range b.cohorts {
		id := b.id("iv_plans")
		b.exec(`INSERT INTO iv_plans (id, cohort_id, base_rate, new_assessor_rate, created_by, created_at) VALUES ($1, $2, 10, 25, $3, $4)`,
			id, c.id, b.verifiers[0], stamp(c.start))
		plans[c] = id
	}
	newAssessor := b.userIDs["assessor2"]
	for _, d := range b.decisions {
		rate := 0.10
		if d.assessor == newAssessor {
			rate = 0.25
		}
		if d.cohort == nil || !b.chance(rate) {
			continue
		}
		sampled := b.days(d.on, 7, 30)
		if sampled.After(b.today) {
			b.unsafe[d.id] = true
			continue
		}
		outcome, actions := "pending", ""
		verified := b.days(sampled, 3, 20)
		if verified.After(b.today) {
			verified = time.Time{}
			b.unsafe[d.id] = true
		} else if b.chance(0.1) {
			outcome, actions = "sent_back", "Feedback does not say how criterion 2.1 was met; please add and re-confirm the decision."
			b.unsafe[d.id] = true
		} else {
			outcome = "agreed"
		}
		b.exec(`INSERT INTO iv_samples (id, plan_id, decision_id, verifier_id, sampled_on, outcome, actions, verified_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, b.id("iv_samples"), plans[d.cohort], d.id,
			b.verifiers[b.intn(len(b.verifiers))], iso(sampled), outcome, actions, nullDate(verified), stamp(sampled))
	}
}

// makeClaims: submitted claims for cohorts 1 and 2, a draft for cohort 3.
// Lines go in first: the triggers lock a claim once it is submitted.
func (b *demoBuilder) makeClaims() {
	for _, n := range []int{1, 2, 3} {
		c := b.cohorts[n-1]
		on := c.end.AddDate(0, 4, 0)
		if n == 3 {
			on = b.today.AddDate(0, 0, -10)
		}
		id := b.id("claims")
		b.exec(`INSERT INTO claims (id, reference, cohort_id, qualification_id, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, 'draft', 'admin', $5)`, id, fmt.Sprintf("CLM-%d-C%02d", on.Year(), n), c.id, b.qualCert, stamp(on))
		for _, a := range b.achieved {
			if a.org.cohort != c || !a.org.senior || a.org.regNo == "" || a.on.After(on) || b.unsafe[a.decision] {
				continue
			}
			b.exec(`INSERT INTO claim_lines (claim_id, organiser_id, unit_id, registration_number, uln, credits) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, a.org.id, a.unit.id, a.org.regNo, a.org.uln, a.unit.credits)
			b.counts["claim_lines"]++
		}
		if n < 3 {
			b.exec(`UPDATE claims SET status = 'submitted', submitted_by = 'admin', submitted_at = $1 WHERE id = $2`,
				stamp(on.AddDate(0, 0, 3)), id)
		}
	}
}
