package model

import (
	"fmt"
	"slices"
	"strings"
)

// CertSelection chooses people as `cascade certificates` does; zero fields
// match everyone, and an empty Kind means every kind.
type CertSelection struct {
	Cohort int    // cohort number
	Host   string // host organisation name (a trainer's organisation for trainers)
	Person string // email
	Kind   string
}

// Candidate is one person in a selection for one kind of certificate, with
// whether they are eligible and, when not, why.
type Candidate struct {
	Kind     string
	PersonID int64
	Name     string
	Email    string
	Role     string // senior or volunteer for organisers
	Cohort   string
	Host     string
	Eligible bool
	Why      string     // why not eligible
	Units    []CertUnit // achieved units, for the units kind
	// Qualified names the qualifications whose rules of combination the
	// units meet, from the shared progress function (units kind).
	Qualified []string
	Existing  *Certificate
}

// Reprint reports whether issuing to this candidate reprints what they hold.
func (c Candidate) Reprint() bool {
	if c.Existing == nil {
		return false
	}
	if c.Kind != KindUnits {
		return true
	}
	// A units certificate names its units: once more are achieved, a new
	// certificate is issued and the earlier one stays a true record.
	return sameUnits(c.Existing.Fields.Units, c.Units)
}

func sameUnits(a, b []CertUnit) bool {
	return slices.EqualFunc(a, b, func(x, y CertUnit) bool { return x.Code == y.Code })
}

// CertificateSettings are the settings a certificate prints.
type CertificateSettings struct {
	Centre     string
	Signatory1 string
	Signatory2 string
	Logo       string
	OCN        string
	Programme  string
}

// where is the SQL condition for an organiser selection over people p,
// cohorts c and hosts h, naming only what is set: "anything or this person"
// written as one OR keeps SQLite from using the email index, so issuing one
// person's certificate read every organiser.
func (sel CertSelection) Where() (string, []any) {
	conds := []string{"1 = 1"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if sel.Cohort != 0 {
		add("c.number = $%d", sel.Cohort)
	}
	if sel.Host != "" {
		add("lower(h.name) = lower($%d)", sel.Host)
	}
	if sel.Person != "" {
		add("lower(p.email) = lower($%d)", sel.Person)
	}
	return strings.Join(conds, " AND "), args
}

// IssueOptions tunes IssueCertificates.
type IssueOptions struct {
	On string // issue date, ISO; today (UTC) when empty
	// Progress, when set, is told after each certificate is written inside
	// the transaction.
	Progress func(done, total int)
}

// Issued is one certificate that IssueCertificates issued or reprinted.
type Issued struct {
	Certificate
	Reprint bool
}
