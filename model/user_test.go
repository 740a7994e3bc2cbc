package model

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashPasswordVerify(t *testing.T) {
	start := time.Now()
	hash, err := HashPassword("correct horse")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second { // generous: -race slows argon2 a lot
		t.Errorf("HashPassword took %v", d)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=") {
		t.Fatalf("HashPassword = %q; want a PHC argon2id string", hash)
	}
	other, _ := HashPassword("correct horse")
	if other == hash {
		t.Errorf("two hashes of one password are equal; want distinct salts")
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"same", "correct horse", true},
		{"wrong", "correct horse!", false},
		{"empty", "", false},
		{"case", "Correct horse", false},
		{"unicode", "Zoë Łukasz", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := VerifyPassword(hash, tc.pw)
			if err != nil || got != tc.want {
				t.Errorf("VerifyPassword(hash, %q) = %v, %v; want %v", tc.pw, got, err, tc.want)
			}
		})
	}
}

func TestVerifyPasswordUnicode(t *testing.T) {
	hash, err := HashPassword("Σοφία-Дмитрий-Ŵyn")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(hash, "Σοφία-Дмитрий-Ŵyn"); !ok || err != nil {
		t.Errorf("VerifyPassword(unicode) = %v, %v; want true", ok, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good, _ := HashPassword("x")
	parts := strings.Split(good, "$")
	tests := []struct {
		name string
		hash string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuu"},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"version", strings.Replace(good, "v=19", "v=16", 1)},
		{"params", strings.Replace(good, parts[3], "m=x,t=1,p=1", 1)},
		{"costly", strings.Replace(good, parts[3], "m=99999999,t=1,p=1", 1)},
		{"salt", strings.Replace(good, parts[4], "!!", 1)},
		{"key", good[:strings.LastIndex(good, "$")+1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := VerifyPassword(tc.hash, "x")
			if ok || !errors.Is(err, ErrInvalid) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrInvalid", tc.hash, ok, err)
			}
		})
	}
}

func TestValidRole(t *testing.T) {
	for _, r := range Roles {
		if !ValidRole(r) {
			t.Errorf("ValidRole(%q) = false; want true", r)
		}
	}
	if ValidRole("Admin") || ValidRole("") {
		t.Errorf("ValidRole accepts an unknown role")
	}
}

// TestPermissionFollowsTheDatabaseNotTheSignIn: a user demoted or disabled
// after signing in loses the rights at once, though their session still
// holds the old User.
func TestPermissionFollowsTheDatabaseNotTheSignIn(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	first, err := s.CreateFirstAdmin(ctx, NewUser{"first", "First Admin", "", "password1"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.CreateUser(ctx, first, NewUser{"second", "Second Admin", RoleAdmin, "password2"})
	if err != nil {
		t.Fatal(err)
	}
	// second's session holds an administrator; first makes them a lead.
	if err := s.SetUserRole(ctx, first, second.ID, RoleLead); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, second, NewUser{"third", "Third", RoleLead, "password3"}); !errors.Is(err, ErrPermission) {
		t.Errorf("a demoted administrator's old session added a user: %v; want ErrPermission", err)
	}
	// Disabled after signing in: refused too.
	if err := s.SetUserRole(ctx, first, second.ID, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserActive(ctx, first, second.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, second, NewUser{"third", "Third", RoleLead, "password3"}); !errors.Is(err, ErrPermission) {
		t.Errorf("a disabled administrator's old session added a user: %v; want ErrPermission", err)
	}
	// The one still an administrator still may.
	if _, err := s.CreateUser(ctx, first, NewUser{"third", "Third", RoleLead, "password3"}); err != nil {
		t.Errorf("the administrator was refused: %v", err)
	}
}
