package model

import (
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
