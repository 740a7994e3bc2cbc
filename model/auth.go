package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Actions a signed-in user may or may not take. The UI hides what a role may
// not do, but these checks in model are what actually hold.
const (
	ActManageUsers  = "manage users"
	ActEditEvidence = "add or change evidence"
	ActDecide       = "record an assessment decision"
	ActSample       = "sample decisions for internal verification"
	ActVerify       = "verify a sampled decision"
	ActClaim        = "make or submit a claim"
)

// permitted lists the roles allowed each action; a moderator is in none.
var permitted = map[string][]string{
	ActManageUsers:  {RoleAdmin},
	ActEditEvidence: {RoleAdmin, RoleLead, RoleAssessor},
	ActDecide:       {RoleAssessor},
	ActSample:       {RoleVerifier},
	ActVerify:       {RoleVerifier},
	ActClaim:        {RoleAdmin, RoleLead},
}

// Can reports whether u's role allows action; screens use it to hide buttons.
func (u User) Can(action string) bool {
	if u.ID == 0 || u.DisabledAt != "" {
		return false
	}
	for _, r := range permitted[action] {
		if r == u.Role {
			return true
		}
	}
	return false
}

// require refuses with ErrPermission what u's role may not do.
func require(u User, action string) error {
	if !u.Can(action) {
		who := u.Username
		if who == "" {
			who = "nobody signed in"
		}
		return fmt.Errorf("%w: %s (%s) may not %s", ErrPermission, who, RoleName(u.Role), action)
	}
	return nil
}

// require refuses with ErrPermission what by may not do, judged on the user
// as the database holds them now: a role changed or an account disabled
// since they signed in takes effect at once, not at their next sign-in.
func (s *Store) require(ctx context.Context, by User, action string) error {
	if err := require(by, action); err != nil {
		return err
	}
	now, err := s.userBy(ctx, s.db, `id = $1`, by.ID)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %s is no longer a user", ErrPermission, by.Username)
	}
	if err != nil {
		return fmt.Errorf("check what %s may do: %w", by.Username, err)
	}
	return require(now, action)
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

// SignIn checks a user name and password and, when they match an active user,
// makes that user the store's actor for the audit log.
func (s *Store) SignIn(ctx context.Context, username, password string) (User, error) {
	u, err := s.userBy(ctx, s.db, `lower(username) = lower($1)`, strings.TrimSpace(username))
	if errors.Is(err, ErrNotFound) {
		HashPassword(password) // spend the same time as a real check
		return User{}, ErrSignIn
	}
	if err != nil {
		return User{}, fmt.Errorf("sign in: %w", err)
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil || !ok || u.DisabledAt != "" {
		return User{}, ErrSignIn
	}
	s.SetActor(u.Username)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, "sign_in", "user", fmt.Sprint(u.ID), nil, map[string]string{"role": u.Role})
	})
	if err != nil {
		return User{}, fmt.Errorf("sign in: %w", err)
	}
	return u, nil
}
