package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// importCheck collects every problem in one file, so a person fixes them all
// in one pass rather than one per run.
type importCheck struct {
	file  string
	xlsx  bool
	pos   map[string]int
	probs []ImportProblem
}

func (c *importCheck) bad(row int, col, format string, a ...any) {
	c.probs = append(c.probs, ImportProblem{File: c.file, Row: row, Column: col, Reason: fmt.Sprintf(format, a...)})
}

// rowReader reads one data row's cells by column name, reporting what is wrong.
type rowReader struct {
	c     *importCheck
	num   int
	cells []string
}

// raw is the cell exactly as written ("" when the row is short).
func (r rowReader) raw(col string) string {
	if i := r.c.pos[col]; i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

// code is a cell holding a code or reference, so surrounding spaces are typing slips.
func (r rowReader) code(col string) string { return strings.TrimSpace(r.raw(col)) }

// name is a person's or organisation's name, kept exactly as written in any
// script; only a blank one is refused.
func (r rowReader) name(col string) string {
	v := r.raw(col)
	if strings.TrimSpace(v) == "" {
		r.c.bad(r.num, col, "is empty")
	} else if err := ValidateName(v); err != nil {
		r.c.bad(r.num, col, "%v", err) // the same rule the organiser's page applies
	}
	return v
}

// date is ISO text, or nil for an empty optional cell.
func (r rowReader) date(col string, required bool) any {
	v := r.code(col)
	if v == "" {
		if required {
			r.c.bad(r.num, col, "is empty; write a date like %s", DateExample)
		}
		return nil
	}
	if r.c.xlsx {
		if iso, ok := excelDate(v); ok {
			return iso
		}
	}
	iso, err := ParseDate("", v)
	if err != nil {
		r.c.bad(r.num, col, "%v", err)
		return nil
	}
	return iso
}

// choice is one of options, matched without regard to case or spaces.
func (r rowReader) choice(col string, options ...string) string {
	v := strings.ToLower(r.code(col))
	if slices.Contains(options, v) {
		return v
	}
	if v == "" {
		r.c.bad(r.num, col, "is empty; write %s", orList(options))
	} else {
		r.c.bad(r.num, col, "%q is not %s", r.code(col), orList(options))
	}
	return ""
}

func orList(options []string) string {
	if len(options) == 1 {
		return options[0]
	}
	return strings.Join(options[:len(options)-1], ", ") + " or " + options[len(options)-1]
}

// email is a plausible address, returned as written (trimmed).
func (r rowReader) email(col string) string {
	v := r.code(col)
	if v == "" {
		r.c.bad(r.num, col, "is empty")
		return ""
	}
	if err := checkEmail(v); err != nil {
		r.c.bad(r.num, col, "%q %v", v, err)
		return ""
	}
	return v
}

// checkEmail applies the organiser page's rule, and also takes the address
// an erasure leaves (erased-N@invalid) so an erased person's row round-trips.
func checkEmail(v string) error {
	if strings.HasPrefix(v, "erased-") && strings.HasSuffix(v, "@invalid") {
		return nil
	}
	return ValidateEmail(v)
}

// positiveInt is a whole number above zero, or 0 after reporting.
func (r rowReader) positiveInt(col string) int {
	v := r.code(col)
	n, err := strconv.Atoi(v)
	if v == "" {
		r.c.bad(r.num, col, "is empty")
	} else if err != nil || n <= 0 {
		r.c.bad(r.num, col, "%q is not a whole number above 0", v)
		return 0
	}
	return n
}

// importLookups are the existing records an import refers to, read inside
// the import's transaction.
type importLookups struct {
	cohorts map[int]int64         // number → id
	hosts   map[string]int64      // lower(name) → id
	people  map[string]personKind // lower(email) → what they are
	maxID   map[string]int64      // table → max(id)
}

type personKind struct {
	organiserID int64
	role        string
	trainerID   int64
}

// importPlan is a validated file, ready to insert: one entry per data row.
type importPlan struct {
	kind    string
	cohorts []cohortIn
	hosts   []hostIn
	people  []personIn
	order   []int // people rows, each after the row it refers to
}

type cohortIn struct {
	number                  int
	induction, starts, ends any
}

type hostIn struct {
	name, region, setting, partner string
	kickstarter                    int
	cohortID                       any
}

// personIn is one organiser or trainer row: a person and their role record.
type personIn struct {
	row                  int
	given, family, email string
	personID, roleID     int64
	parent               int // row index in the file this one refers to, -1 for none
	parentID             any // id of the referred record in the database, or nil
	role                 string
	hostID, cohortID     any
	startsOn             any
	organisation, status string
	trainedOn            any
}

// Added is how many records the plan writes.
func (p *importPlan) added() int { return len(p.cohorts) + len(p.hosts) + len(p.people) }

// validate turns a sheet into a plan or the list of every problem.
func validate(s *sheet, kind string, look *importLookups) (*importPlan, []ImportProblem) {
	pos, hp := columnsOf(s, kind)
	if hp != nil {
		return nil, []ImportProblem{*hp}
	}
	c := &importCheck{file: s.file, xlsx: s.xlsx, pos: pos}
	plan := &importPlan{kind: kind}
	width := len(s.header)
	var rows []sheetRow
	for _, r := range s.rows {
		if blank(r.cells) {
			continue // an empty row a spreadsheet left between or after the data
		}
		if len(r.cells) > width && !blank(r.cells[width:]) {
			c.bad(r.num, "", "the row has %d cells but the header has %d columns; is a comma or semicolon inside an unquoted cell?", len(r.cells), width)
			continue
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 && len(c.probs) == 0 {
		return nil, []ImportProblem{{File: s.file, Reason: "the file has a header but no rows of data"}}
	}
	switch kind {
	case KindCohorts:
		validateCohorts(c, rows, look, plan)
	case KindHosts:
		validateHosts(c, rows, look, plan)
	case KindOrganisers, KindTrainers:
		validatePeople(c, rows, look, plan, kind)
	}
	if len(c.probs) > 0 {
		slices.SortStableFunc(c.probs, func(a, b ImportProblem) int { return a.Row - b.Row })
		return nil, c.probs
	}
	return plan, nil
}

func validateCohorts(c *importCheck, rows []sheetRow, look *importLookups, plan *importPlan) {
	seen := map[int]int{}
	for _, sr := range rows {
		r := rowReader{c, sr.num, sr.cells}
		in := cohortIn{number: r.positiveInt("number")}
		if in.number > 0 {
			if prev, ok := seen[in.number]; ok {
				c.bad(r.num, "number", "cohort %d is already on row %d", in.number, prev)
			} else if _, ok := look.cohorts[in.number]; ok {
				c.bad(r.num, "number", "cohort %d is already in the database", in.number)
			}
			seen[in.number] = r.num
		}
		in.induction = r.date("host_induction_on", false)
		in.starts = r.date("training_starts_on", false)
		in.ends = r.date("training_ends_on", false)
		if s, ok := in.starts.(string); ok {
			if e, ok := in.ends.(string); ok && e < s {
				c.bad(r.num, "training_ends_on", "%s is before training_starts_on %s", e, s)
			}
		}
		plan.cohorts = append(plan.cohorts, in)
	}
}

func validateHosts(c *importCheck, rows []sheetRow, look *importLookups, plan *importPlan) {
	seen := map[string]int{}
	for _, sr := range rows {
		r := rowReader{c, sr.num, sr.cells}
		in := hostIn{name: r.name("name"), region: r.raw("region"), partner: r.raw("partner")}
		key := strings.ToLower(strings.TrimSpace(in.name))
		if key != "" {
			if prev, ok := seen[key]; ok {
				c.bad(r.num, "name", "%q is already on row %d", in.name, prev)
			} else if _, ok := look.hosts[key]; ok {
				c.bad(r.num, "name", "a host named %q is already in the database", in.name)
			}
			seen[key] = r.num
		}
		in.setting = r.choice("setting", "rural", "urban")
		if k := r.choice("kickstarter", "yes", "no"); k == "yes" {
			in.kickstarter = 1
		}
		in.cohortID = r.cohortRef(look)
		plan.hosts = append(plan.hosts, in)
	}
}

// cohortRef is the id of the cohort a cell names by number, nil when empty.
func (r rowReader) cohortRef(look *importLookups) any {
	v := r.code("cohort")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		r.c.bad(r.num, "cohort", "%q is not a cohort number", v)
		return nil
	}
	id, ok := look.cohorts[n]
	if !ok {
		r.c.bad(r.num, "cohort", "cohort %d is not in the database; import cohorts first", n)
		return nil
	}
	return id
}

// validatePeople checks organiser or trainer rows, then resolves the
// supported_by / trained_by references among the file's own rows.
func validatePeople(c *importCheck, rows []sheetRow, look *importLookups, plan *importPlan, kind string) {
	refCol := "supported_by"
	if kind == KindTrainers {
		refCol = "trained_by"
	}
	byEmail := make(map[string]int, len(rows)) // lower(email) → index in plan.people
	refs := make([]string, len(rows))
	plan.people = make([]personIn, 0, len(rows))
	for i, sr := range rows {
		r := rowReader{c, sr.num, sr.cells}
		in := personIn{row: sr.num, given: r.name("given_name"), family: r.name("family_name"),
			email: r.email("email"), parent: -1}
		if key := strings.ToLower(in.email); key != "" {
			if prev, ok := byEmail[key]; ok {
				c.bad(r.num, "email", "%s is already on row %d", in.email, plan.people[prev].row)
			} else {
				byEmail[key] = i
				if _, ok := look.people[key]; ok {
					c.bad(r.num, "email", "%s already belongs to someone in the database", in.email)
				}
			}
		}
		if kind == KindOrganisers {
			in.role = r.choice("role", "senior", "volunteer")
			in.hostID = r.hostRef(look)
			in.cohortID = r.cohortRef(look)
			in.startsOn = r.date("start_date", false)
		} else {
			in.organisation = r.raw("organisation")
			in.trainedOn = r.date("trained_on", false)
			in.status = r.choice("status", "training", "accredited", "active", "lapsed")
		}
		refs[i] = r.code(refCol)
		plan.people = append(plan.people, in)
	}
	for i := range plan.people {
		resolveRef(c, plan, i, refs[i], refCol, kind, byEmail, look)
	}
	plan.order = dependencyOrder(c, plan, refCol)
}

// hostRef is the id of the host a cell names, nil when empty.
func (r rowReader) hostRef(look *importLookups) any {
	v := strings.TrimSpace(r.raw("host"))
	if v == "" {
		return nil
	}
	id, ok := look.hosts[strings.ToLower(v)]
	if !ok {
		r.c.bad(r.num, "host", "no host named %q in the database; import hosts first", v)
		return nil
	}
	return id
}

// resolveRef points row i at the senior organiser or trainer its reference
// names, in this file or in the database.
func resolveRef(c *importCheck, plan *importPlan, i int, ref, col, kind string, byEmail map[string]int, look *importLookups) {
	in := &plan.people[i]
	if ref == "" {
		return
	}
	if err := checkEmail(ref); err != nil {
		c.bad(in.row, col, "%q %v", ref, err)
		return
	}
	key := strings.ToLower(ref)
	if key == strings.ToLower(in.email) {
		c.bad(in.row, col, "names the row's own email")
		return
	}
	if kind == KindOrganisers && in.role == "senior" {
		c.bad(in.row, col, "a senior organiser is not supported by another; leave it empty or make the row a volunteer")
		return
	}
	if j, ok := byEmail[key]; ok {
		if kind == KindOrganisers && plan.people[j].role != "senior" {
			c.bad(in.row, col, "%s (row %d) is not a senior organiser", ref, plan.people[j].row)
			return
		}
		in.parent = j
		return
	}
	p := look.people[key]
	switch {
	case kind == KindOrganisers && p.organiserID != 0 && p.role == "senior":
		in.parentID = p.organiserID
	case kind == KindOrganisers && p.organiserID != 0:
		c.bad(in.row, col, "%s is a volunteer, not a senior organiser", ref)
	case kind == KindOrganisers:
		c.bad(in.row, col, "no senior organiser with email %s in the database or this file", ref)
	case p.trainerID != 0:
		in.parentID = p.trainerID
	default:
		c.bad(in.row, col, "no trainer with email %s in the database or this file; leave it empty for a founding trainer", ref)
	}
}

// dependencyOrder lists the rows so each comes after the row it refers to,
// keeping file order otherwise, and reports every row caught in a cycle.
func dependencyOrder(c *importCheck, plan *importPlan, col string) []int {
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(plan.people))
	order := make([]int, 0, len(plan.people))
	inCycle := make([]bool, len(plan.people))
	for start := range plan.people {
		// Each row refers to at most one other, so the walk is a chain.
		var chain []int
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = visiting
			chain = append(chain, i)
			i = plan.people[i].parent
		}
		if i >= 0 && state[i] == visiting && !inCycle[i] {
			k := slices.Index(chain, i)
			cycle := chain[k:]
			var emails []string
			for _, j := range cycle {
				emails = append(emails, plan.people[j].email)
			}
			emails = append(emails, plan.people[i].email)
			for _, j := range cycle {
				inCycle[j] = true
				c.bad(plan.people[j].row, col, "the rows form a cycle: %s", strings.Join(emails, " → "))
			}
		}
		for k := len(chain) - 1; k >= 0; k-- {
			state[chain[k]] = done
			order = append(order, chain[k])
		}
	}
	return order
}
