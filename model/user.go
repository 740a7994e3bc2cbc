package model

import (
	"fmt"
	"strings"

	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"golang.org/x/crypto/argon2"
)

// Roles a sign-in user can hold.
const (
	RoleAdmin     = "admin"
	RoleLead      = "lead"
	RoleAssessor  = "assessor"
	RoleVerifier  = "verifier"
	RoleModerator = "moderator"
)

// Roles lists every role in the order screens show them.
var Roles = []string{RoleAdmin, RoleLead, RoleAssessor, RoleVerifier, RoleModerator}

// User is a person who signs in to Cascade with one role.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         string
	PasswordHash string
	PersonID     int64 // 0 when the user is not also a person in the programme
	ActiveSince  string
	DisabledAt   string // "" while the user may sign in
	CreatedAt    string
	// Local marks the operating-system user acting on a local file without
	// signing in (see LocalUser); it is never stored.
	Local bool
	// Seen is what the users list read, for an administrator's change to
	// check against (SetUserRoleFrom and its kin); never stored.
	Seen Seen `json:"-"`
}

// Argon2id parameters for new hashes: OWASP's 19 MiB, two passes, one lane.
// That keeps one hash around 10–40 ms on a laptop, so signing in stays quick
// while guessing stays expensive. VerifyPassword reads the parameters from the
// stored string, so these can be raised later without breaking old hashes.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

var b64 = base64.RawStdEncoding

// HashPassword hashes pw with argon2id and a random salt, as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches a PHC argon2id hash, comparing in
// constant time; a malformed hash is an error, a wrong password is false.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, fmt.Errorf("verify password: %w: not an argon2id hash", ErrInvalid)
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("verify password: %w: argon2 version %q", ErrInvalid, parts[2])
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, fmt.Errorf("verify password: %w: parameters %q", ErrInvalid, parts[3])
	}
	// Refuse absurd costs so a tampered database cannot make sign-in hang.
	if m > 1<<21 || t > 64 {
		return false, fmt.Errorf("verify password: %w: parameters %q too costly", ErrInvalid, parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return false, fmt.Errorf("verify password: %w: salt", ErrInvalid)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("verify password: %w: key", ErrInvalid)
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ValidRole reports whether role is one of the five known roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}

// maxPasswordBytes bounds what argon2 is asked to hash; passwords are never
// shown, so their characters are not otherwise checked.
const maxPasswordBytes = 1024

// CheckPassword refuses a password longer than argon2 should be asked to hash.
func CheckPassword(pw string) error {
	if len(pw) > maxPasswordBytes {
		return &FieldError{"password", fmt.Sprintf("at most %d bytes", maxPasswordBytes)}
	}
	return nil
}

// NewUser is what an administrator fills in to add a user.
type NewUser struct {
	Username, DisplayName, Role, Password string
}

// Validate names the first faulty field.
func (n NewUser) Validate() error {
	switch {
	case strings.TrimSpace(n.Username) == "" || strings.ContainsAny(n.Username, " \t"):
		return fmt.Errorf("%w: user name: one word, not empty", ErrInvalid)
	case TextCode.Check("user name", n.Username) != nil:
		return TextCode.Check("user name", n.Username)
	case strings.TrimSpace(n.DisplayName) == "":
		return fmt.Errorf("%w: display name: required", ErrInvalid)
	case TextName.Check("display name", n.DisplayName) != nil:
		return TextName.Check("display name", n.DisplayName)
	case CheckPassword(n.Password) != nil:
		return CheckPassword(n.Password)
	case !ValidRole(n.Role):
		return fmt.Errorf("%w: role %q: not one of %s", ErrInvalid, n.Role, strings.Join(Roles, ", "))
	case len(n.Password) < 8:
		return fmt.Errorf("%w: password: at least 8 characters", ErrInvalid)
	}
	return nil
}
