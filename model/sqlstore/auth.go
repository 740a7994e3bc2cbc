package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// require refuses with ErrPermission what by may not do, judged on the user
// as the database holds them now: a role changed or an account disabled
// since they signed in takes effect at once, not at their next sign-in.
func (s *Store) require(ctx context.Context, by model.User, action string) error {
	if err := model.Require(by, action); err != nil {
		return err
	}
	if s.readOnly && !readingAction[action] {
		return readOnlyWrite(s.path)
	}
	if by.Local {
		// The operating-system user on a local file: the file is the boundary.
		return nil
	}
	now, err := s.userBy(ctx, s.db, `id = $1`, by.ID)
	if errors.Is(err, model.ErrNotFound) {
		return fmt.Errorf("%w: %s is no longer a user", model.ErrPermission, by.Username)
	}
	if err != nil {
		return fmt.Errorf("check what %s may do: %w", by.Username, err)
	}
	return model.Require(now, action)
}

// readingAction are the actions that change nothing in the programme, so a
// read-only file allows them.
var readingAction = map[string]bool{
	model.ActBackup:       true,
	model.ActExportPerson: true,
	model.ActEquality:     true, // reading the answers; recording them fails in inTx
}

// Authorize refuses with ErrPermission what by may not do, judged on the
// user as the store holds them now; commands ask it before work that is not
// one store call (a restore over the programme).
func (s *Store) Authorize(ctx context.Context, by model.User, action string) error {
	return s.require(ctx, by, action)
}

// Sign-in throttling: after signInFreeFailures failed attempts for one user
// name within signInWindow, each further attempt must wait a pause that
// doubles with every failure, from signInFirstWait up to signInWindow. The
// count lives in the audit log, so the window and every command share it.
const (
	signInFreeFailures = 5
	signInWindow       = 15 * time.Minute
	signInFirstWait    = 30 * time.Second
)

// SignIn checks a user name and password and returns the active user they
// match. Every failure is in the audit log, naming the user name tried (never
// the password); too many failures for one name within a quarter of an hour
// refuse further attempts for a growing wait, with ErrThrottled.
func (s *Store) SignIn(ctx context.Context, username, password string) (model.User, error) {
	name := strings.ToLower(strings.TrimSpace(username))
	if wait, err := s.signInWait(ctx, name); err != nil {
		return model.User{}, fmt.Errorf("sign in: %w", err)
	} else if wait > 0 {
		s.signInFailed(ctx, name, "throttled")
		return model.User{}, fmt.Errorf("%w: too many failed sign-ins for %s; try again in %s",
			model.ErrThrottled, username, roundWait(wait))
	}
	u, err := s.userBy(ctx, s.db, `lower(username) = lower($1)`, name)
	if errors.Is(err, model.ErrNotFound) {
		model.HashPassword(password) // spend the same time as a real check
		s.signInFailed(ctx, name, "wrong name or password")
		return model.User{}, model.ErrSignIn
	}
	if err != nil {
		return model.User{}, fmt.Errorf("sign in: %w", err)
	}
	ok, err := model.VerifyPassword(u.PasswordHash, password)
	if err != nil || !ok || u.DisabledAt != "" {
		s.signInFailed(ctx, name, "wrong name or password")
		return model.User{}, model.ErrSignIn
	}
	if s.readOnly {
		// Nothing can change in a read-only file, and nothing can be noted.
		return u, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, u, "sign_in", "user", name, nil, map[string]string{"role": u.Role})
	})
	if err != nil {
		return model.User{}, fmt.Errorf("sign in: %w", err)
	}
	return u, nil
}

// signInFailed records a failed attempt for the name tried. A failure to
// record it must not tell the guesser anything different, so it is dropped.
func (s *Store) signInFailed(ctx context.Context, name, why string) {
	_ = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.audit(ctx, tx, model.User{Username: name}, "sign_in_failed", "user", name, nil, map[string]string{"reason": why})
	})
}

// signInWait is how long the name must still wait before another attempt:
// failures since its last successful sign-in and within the window count.
func (s *Store) signInWait(ctx context.Context, name string) (time.Duration, error) {
	now := s.now()
	since := now.Add(-signInWindow).UTC().Format(time.RFC3339)
	var n int
	var last sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT count(*), max(at) FROM audit_log
		WHERE action = 'sign_in_failed' AND entity = 'user' AND entity_id = $1 AND at >= $2
		  AND at >= coalesce((SELECT max(at) FROM audit_log WHERE action = 'sign_in' AND entity = 'user' AND entity_id = $1), '')`,
		name, since).Scan(&n, &last)
	if err != nil || n < signInFreeFailures || !last.Valid {
		return 0, err
	}
	wait := signInFirstWait << min(n-signInFreeFailures, 10)
	wait = min(wait, signInWindow)
	at, err := time.Parse(time.RFC3339, last.String)
	if err != nil {
		return 0, fmt.Errorf("read the last failed sign-in: %w", err)
	}
	return max(0, at.Add(wait).Sub(now)), nil
}

// roundWait says a wait as a person would: whole seconds, at least one.
func roundWait(d time.Duration) time.Duration {
	return max(time.Second, d.Round(time.Second))
}
