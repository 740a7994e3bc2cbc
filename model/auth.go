package model

import (
	"errors"
	"fmt"
	"sort"
)

// Actions a user may or may not take. Every change the model makes names one;
// the screens hide what the same table refuses, but the model's check is what
// holds, for the window and every command alike.
const (
	ActManageUsers  = "manage users"
	ActSettings     = "change the settings"
	ActRestore      = "restore a backup over the programme"
	ActErase        = "erase a person"
	ActEquality     = "read or record equality monitoring answers"
	ActTrainers     = "add or change trainers"
	ActCohorts      = "add or change cohorts and hosts"
	ActOrganisers   = "add, change or withdraw organisers"
	ActTraining     = "schedule courses and sessions or take registers"
	ActImport       = "import records"
	ActCatalogue    = "import the unit catalogue"
	ActCertificates = "issue, reprint or revoke certificates"
	ActClaim        = "make or submit a claim"
	ActBackup       = "back the programme up"
	ActExportPerson = "export a person's data"
	ActEditEvidence = "add or change evidence"
	ActDecide       = "record an assessment decision"
	ActSample       = "sample decisions for internal verification"
	ActVerify       = "verify a sampled decision"
)

// lead is what a training lead may do: run the programme.
var lead = []string{RoleAdmin, RoleLead}

// Permitted lists the roles allowed each action. An administrator may do
// everything; a moderator reads everything and is in none.
var Permitted = map[string][]string{
	ActManageUsers:  {RoleAdmin},
	ActSettings:     {RoleAdmin},
	ActRestore:      {RoleAdmin},
	ActErase:        {RoleAdmin},
	ActEquality:     {RoleAdmin},
	ActTrainers:     lead,
	ActCohorts:      lead,
	ActOrganisers:   lead,
	ActTraining:     lead,
	ActImport:       lead,
	ActCatalogue:    lead,
	ActCertificates: lead,
	ActClaim:        lead,
	ActBackup:       lead,
	ActExportPerson: lead,
	ActEditEvidence: {RoleAdmin, RoleLead, RoleAssessor},
	ActDecide:       {RoleAdmin, RoleAssessor},
	ActSample:       {RoleAdmin, RoleVerifier},
	ActVerify:       {RoleAdmin, RoleVerifier},
}

// Actions lists every action in the table, for tests and the help text.
func Actions() []string {
	out := make([]string, 0, len(Permitted))
	for a := range Permitted {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Can reports whether u's role allows action; screens use it to hide buttons.
func (u User) Can(action string) bool {
	if (u.ID == 0 && !u.Local) || u.DisabledAt != "" {
		return false
	}
	for _, r := range Permitted[action] {
		if r == u.Role {
			return true
		}
	}
	return false
}

// Require refuses with ErrPermission what u's role may not do, naming the
// user, their role and the action.
func Require(u User, action string) error {
	if !u.Can(action) {
		who := u.Username
		if who == "" {
			who = "nobody signed in"
		}
		return fmt.Errorf("%w: %s (%s) may not %s", ErrPermission, who, RoleName(u.Role), action)
	}
	return nil
}

// LocalUser is the operating-system user acting on a local file without
// signing in: the file itself is the boundary, so they act as an
// administrator, recorded as os:NAME. A store shared by many desks refuses it.
func LocalUser() User {
	name := OSActor()
	return User{Username: name, DisplayName: name, Role: RoleAdmin, Local: true}
}

// RoleName is how a role reads to a person.
func RoleName(role string) string {
	switch role {
	case RoleAdmin:
		return "administrator"
	case RoleLead:
		return "training lead"
	case RoleAssessor:
		return "assessor"
	case RoleVerifier:
		return "internal verifier"
	case RoleModerator:
		return "external moderator"
	}
	return role
}

// ErrSignIn is the one answer to a wrong name or password, so a guesser
// cannot tell which was wrong.
var ErrSignIn = errors.New("wrong user name or password")

// ErrThrottled refuses a sign-in after too many failures for one user name.
var ErrThrottled = errors.New("sign-in refused for now")
