package sqlstore

import (
	"cascade/model"
	"context"
	"errors"
	"testing"
)

// TestPermissionFollowsTheDatabaseNotTheSignIn: a user demoted or disabled
// after signing in loses the rights at once, though their session still
// holds the old User.
func TestPermissionFollowsTheDatabaseNotTheSignIn(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	first, err := s.CreateFirstAdmin(ctx, model.NewUser{Username: "first", DisplayName: "First Admin", Role: "", Password: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.CreateUser(ctx, first, model.NewUser{Username: "second", DisplayName: "Second Admin", Role: model.RoleAdmin, Password: "password2"})
	if err != nil {
		t.Fatal(err)
	}
	// second's session holds an administrator; first makes them a lead.
	if err := s.SetUserRole(ctx, first, second.ID, model.RoleLead); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, second, model.NewUser{Username: "third", DisplayName: "Third", Role: model.RoleLead, Password: "password3"}); !errors.Is(err, model.ErrPermission) {
		t.Errorf("a demoted administrator's old session added a user: %v; want ErrPermission", err)
	}
	// Disabled after signing in: refused too.
	if err := s.SetUserRole(ctx, first, second.ID, model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserActive(ctx, first, second.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, second, model.NewUser{Username: "third", DisplayName: "Third", Role: model.RoleLead, Password: "password3"}); !errors.Is(err, model.ErrPermission) {
		t.Errorf("a disabled administrator's old session added a user: %v; want ErrPermission", err)
	}
	// The one still an administrator still may.
	if _, err := s.CreateUser(ctx, first, model.NewUser{Username: "third", DisplayName: "Third", Role: model.RoleLead, Password: "password3"}); err != nil {
		t.Errorf("the administrator was refused: %v", err)
	}
}
