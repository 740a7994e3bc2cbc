package model

import (
	"fmt"
	"strings"
)

// NewUser is what an administrator fills in to add a user.
type NewUser struct {
	Username, DisplayName, Role, Password string
}

// Validate names the first faulty field.
func (n NewUser) Validate() error {
	switch {
	case strings.TrimSpace(n.Username) == "" || strings.ContainsAny(n.Username, " \t"):
		return fmt.Errorf("%w: user name: one word, not empty", ErrInvalid)
	case strings.TrimSpace(n.DisplayName) == "":
		return fmt.Errorf("%w: display name: required", ErrInvalid)
	case !ValidRole(n.Role):
		return fmt.Errorf("%w: role %q: not one of %s", ErrInvalid, n.Role, strings.Join(Roles, ", "))
	case len(n.Password) < 8:
		return fmt.Errorf("%w: password: at least 8 characters", ErrInvalid)
	}
	return nil
}
