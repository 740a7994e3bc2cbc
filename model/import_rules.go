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
// script; a blank one, or one ValidateName refuses, is reported.
func (r rowReader) name(col string) string {
	v := r.raw(col)
	if strings.TrimSpace(v) == "" {
		r.c.bad(r.num, col, "is empty")
	} else if err := ValidateName(v); err != nil {
		r.c.bad(r.num, col, "%v", err) // the same rule the organiser's page applies
	}
	return v
}

// text is a free-text cell kept as written, refused (with the reason
// CheckText gives) when it could hide or reorder what a reader sees or is
// longer than k allows.
func (r rowReader) text(col string, k TextKind) string {
	v := r.raw(col)
	if p := textProblem(v, k.Max, k.Multiline); p != "" {
		r.c.bad(r.num, col, "%s", p)
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
	if err := CheckEmail(v); err != nil {
		r.c.bad(r.num, col, "%q %v", v, err)
		return ""
	}
	return v
}

// CheckEmail applies the organiser page's rule to an imported address. The
// placeholder an erasure leaves is refused like any reserved address: an
// import that took one would block that person's erasure.
func CheckEmail(v string) error {
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
type ImportLookups struct {
	Cohorts map[int]int64         // number → id
	Hosts   map[string]int64      // lower(name) → id
	People  map[string]PersonKind // lower(email) → what they are
	MaxID   map[string]int64      // table → max(id)
}

type PersonKind struct {
	OrganiserID int64
	Role        string
	TrainerID   int64
}

// importPlan is a validated file, ready to insert: one entry per data row.
type ImportPlan struct {
	Kind    string
	Cohorts []cohortIn
	Hosts   []hostIn
	People  []personIn
	Order   []int // people rows, each after the row it refers to
}

type cohortIn struct {
	Number                  int
	Induction, Starts, Ends any
}

type hostIn struct {
	Name, Region, Setting, Partner string
	Kickstarter                    int
	CohortID                       any
}

// personIn is one organiser or trainer row: a person and their role record.
type personIn struct {
	Row                  int
	Given, Family, Email string
	PersonID, RoleID     int64
	Parent               int // row index in the file this one refers to, -1 for none
	ParentID             any // id of the referred record in the database, or nil
	Role                 string
	HostID, CohortID     any
	StartsOn             any
	Organisation, Status string
	TrainedOn            any
}

// Added is how many records the plan writes.
func (p *ImportPlan) Added() int { return len(p.Cohorts) + len(p.Hosts) + len(p.People) }

// validate turns a sheet into a plan or the list of every problem.
func Validate(s *Sheet, kind string, look *ImportLookups) (*ImportPlan, []ImportProblem) {
	pos, hp := columnsOf(s, kind)
	if hp != nil {
		return nil, []ImportProblem{*hp}
	}
	c := &importCheck{file: s.file, xlsx: s.xlsx, pos: pos}
	plan := &ImportPlan{Kind: kind}
	width := len(s.Header)
	var rows []sheetRow
	for _, r := range s.Rows {
		if Blank(r.Cells) {
			continue // an empty row a spreadsheet left between or after the data
		}
		if len(r.Cells) > width && !Blank(r.Cells[width:]) {
			c.bad(r.Num, "", "the row has %d cells but the header has %d columns; is a comma or semicolon inside an unquoted cell?", len(r.Cells), width)
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

func validateCohorts(c *importCheck, rows []sheetRow, look *ImportLookups, plan *ImportPlan) {
	seen := map[int]int{}
	for _, sr := range rows {
		r := rowReader{c, sr.Num, sr.Cells}
		in := cohortIn{Number: r.positiveInt("number")}
		if in.Number > 0 {
			if prev, ok := seen[in.Number]; ok {
				c.bad(r.num, "number", "cohort %d is already on row %d", in.Number, prev)
			} else if _, ok := look.Cohorts[in.Number]; ok {
				c.bad(r.num, "number", "cohort %d is already in the database", in.Number)
			}
			seen[in.Number] = r.num
		}
		in.Induction = r.date("host_induction_on", false)
		in.Starts = r.date("training_starts_on", false)
		in.Ends = r.date("training_ends_on", false)
		if s, ok := in.Starts.(string); ok {
			if e, ok := in.Ends.(string); ok && e < s {
				c.bad(r.num, "training_ends_on", "%s is before training_starts_on %s", e, s)
			}
		}
		plan.Cohorts = append(plan.Cohorts, in)
	}
}

func validateHosts(c *importCheck, rows []sheetRow, look *ImportLookups, plan *ImportPlan) {
	seen := map[string]int{}
	for _, sr := range rows {
		r := rowReader{c, sr.Num, sr.Cells}
		in := hostIn{Name: r.name("name"), Region: r.text("region", TextLine), Partner: r.text("partner", TextLine)}
		key := strings.ToLower(strings.TrimSpace(in.Name))
		if key != "" {
			if prev, ok := seen[key]; ok {
				c.bad(r.num, "name", "%q is already on row %d", in.Name, prev)
			} else if _, ok := look.Hosts[key]; ok {
				c.bad(r.num, "name", "a host named %q is already in the database", in.Name)
			}
			seen[key] = r.num
		}
		in.Setting = r.choice("setting", "rural", "urban")
		if k := r.choice("kickstarter", "yes", "no"); k == "yes" {
			in.Kickstarter = 1
		}
		in.CohortID = r.cohortRef(look)
		plan.Hosts = append(plan.Hosts, in)
	}
}

// cohortRef is the id of the cohort a cell names by number, nil when empty.
func (r rowReader) cohortRef(look *ImportLookups) any {
	v := r.code("cohort")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		r.c.bad(r.num, "cohort", "%q is not a cohort number", v)
		return nil
	}
	id, ok := look.Cohorts[n]
	if !ok {
		r.c.bad(r.num, "cohort", "cohort %d is not in the database; import cohorts first", n)
		return nil
	}
	return id
}

// validatePeople checks organiser or trainer rows, then resolves the
// supported_by / trained_by references among the file's own rows.
func validatePeople(c *importCheck, rows []sheetRow, look *ImportLookups, plan *ImportPlan, kind string) {
	refCol := "supported_by"
	if kind == KindTrainers {
		refCol = "trained_by"
	}
	byEmail := make(map[string]int, len(rows)) // lower(email) → index in plan.people
	refs := make([]string, len(rows))
	plan.People = make([]personIn, 0, len(rows))
	for i, sr := range rows {
		r := rowReader{c, sr.Num, sr.Cells}
		in := personIn{Row: sr.Num, Given: r.name("given_name"), Family: r.name("family_name"),
			Email: r.email("email"), Parent: -1}
		if key := strings.ToLower(in.Email); key != "" {
			if prev, ok := byEmail[key]; ok {
				c.bad(r.num, "email", "%s is already on row %d", in.Email, plan.People[prev].Row)
			} else {
				byEmail[key] = i
				if _, ok := look.People[key]; ok {
					c.bad(r.num, "email", "%s already belongs to someone in the database", in.Email)
				}
			}
		}
		if kind == KindOrganisers {
			in.Role = r.choice("role", "senior", "volunteer")
			in.HostID = r.hostRef(look)
			in.CohortID = r.cohortRef(look)
			in.StartsOn = r.date("start_date", false)
		} else {
			in.Organisation = r.text("organisation", TextLine)
			in.TrainedOn = r.date("trained_on", false)
			in.Status = r.choice("status", "training", "accredited", "active", "lapsed")
		}
		refs[i] = r.code(refCol)
		plan.People = append(plan.People, in)
	}
	for i := range plan.People {
		resolveRef(c, plan, i, refs[i], refCol, kind, byEmail, look)
	}
	plan.Order = dependencyOrder(c, plan, refCol)
}

// hostRef is the id of the host a cell names, nil when empty.
func (r rowReader) hostRef(look *ImportLookups) any {
	v := strings.TrimSpace(r.raw("host"))
	if v == "" {
		return nil
	}
	id, ok := look.Hosts[strings.ToLower(v)]
	if !ok {
		r.c.bad(r.num, "host", "no host named %q in the database; import hosts first", v)
		return nil
	}
	return id
}

// resolveRef points row i at the senior organiser or trainer its reference
// names, in this file or in the database.
func resolveRef(c *importCheck, plan *ImportPlan, i int, ref, col, kind string, byEmail map[string]int, look *ImportLookups) {
	in := &plan.People[i]
	if ref == "" {
		return
	}
	if err := CheckEmail(ref); err != nil {
		c.bad(in.Row, col, "%q %v", ref, err)
		return
	}
	key := strings.ToLower(ref)
	if key == strings.ToLower(in.Email) {
		c.bad(in.Row, col, "names the row's own email")
		return
	}
	if kind == KindOrganisers && in.Role == "senior" {
		c.bad(in.Row, col, "a senior organiser is not supported by another; leave it empty or make the row a volunteer")
		return
	}
	if j, ok := byEmail[key]; ok {
		if kind == KindOrganisers && plan.People[j].Role != "senior" {
			c.bad(in.Row, col, "%s (row %d) is not a senior organiser", ref, plan.People[j].Row)
			return
		}
		in.Parent = j
		return
	}
	p := look.People[key]
	switch {
	case kind == KindOrganisers && p.OrganiserID != 0 && p.Role == "senior":
		in.ParentID = p.OrganiserID
	case kind == KindOrganisers && p.OrganiserID != 0:
		c.bad(in.Row, col, "%s is a volunteer, not a senior organiser", ref)
	case kind == KindOrganisers:
		c.bad(in.Row, col, "no senior organiser with email %s in the database or this file", ref)
	case p.TrainerID != 0:
		in.ParentID = p.TrainerID
	default:
		c.bad(in.Row, col, "no trainer with email %s in the database or this file; leave it empty for a founding trainer", ref)
	}
}

// dependencyOrder lists the rows so each comes after the row it refers to,
// keeping file order otherwise, and reports every row caught in a cycle.
func dependencyOrder(c *importCheck, plan *ImportPlan, col string) []int {
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(plan.People))
	order := make([]int, 0, len(plan.People))
	inCycle := make([]bool, len(plan.People))
	for start := range plan.People {
		// Each row refers to at most one other, so the walk is a chain.
		var chain []int
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = visiting
			chain = append(chain, i)
			i = plan.People[i].Parent
		}
		if i >= 0 && state[i] == visiting && !inCycle[i] {
			k := slices.Index(chain, i)
			cycle := chain[k:]
			var emails []string
			for _, j := range cycle {
				emails = append(emails, plan.People[j].Email)
			}
			emails = append(emails, plan.People[i].Email)
			for _, j := range cycle {
				inCycle[j] = true
				c.bad(plan.People[j].Row, col, "the rows form a cycle: %s", strings.Join(emails, " → "))
			}
		}
		for k := len(chain) - 1; k >= 0; k-- {
			state[chain[k]] = done
			order = append(order, chain[k])
		}
	}
	return order
}
