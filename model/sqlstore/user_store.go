package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const userColumns = `id, username, display_name, role, password_hash, coalesce(person_id, 0), active_since,
	coalesce(disabled_at, ''), created_at`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.PasswordHash, &u.PersonID,
		&u.ActiveSince, &u.DisabledAt, &u.CreatedAt)
	return u, err
}

func (s *Store) userBy(ctx context.Context, q queryer, where string, arg any) (model.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return model.User{}, fmt.Errorf("user %v: %w", arg, model.ErrNotFound)
	}
	return u, err
}

// UserByID loads one user.
func (s *Store) UserByID(ctx context.Context, id int64) (model.User, error) {
	return s.userBy(ctx, s.db, `id = $1`, id)
}

// userFields is what administrators change on a user, as a Seen fingerprints it.
type userFields struct{ Role, DisabledAt, PasswordHash string }

func seenUser(mark int64, u model.User) model.Seen {
	return seenAs(mark, userFields{u.Role, u.DisabledAt, u.PasswordHash})
}

// Users lists every user, by role then name, each with the Seen an
// administrator's change to them is checked against (SetUserRoleFrom and its kin).
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	mark, err := auditMark(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY
		CASE role WHEN 'admin' THEN 1 WHEN 'lead' THEN 2 WHEN 'assessor' THEN 3 WHEN 'verifier' THEN 4 ELSE 5 END, username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.Seen = seenUser(mark, u)
		out = append(out, u)
	}
	return out, rows.Err()
}

// HasUsers reports whether anyone can sign in yet; a new programme has nobody.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE disabled_at IS NULL`).Scan(&n)
	return n > 0, err
}

// CreateUser adds a user; only administrators manage users.
func (s *Store) CreateUser(ctx context.Context, by model.User, n model.NewUser) (model.User, error) {
	if err := s.require(ctx, by, model.ActManageUsers); err != nil {
		return model.User{}, err
	}
	return s.createUser(ctx, by, n)
}

// CreateFirstAdmin makes the first administrator of a programme nobody can
// sign in to yet, and refuses once any user exists.
func (s *Store) CreateFirstAdmin(ctx context.Context, n model.NewUser) (model.User, error) {
	n.Role = model.RoleAdmin
	has, err := s.HasUsers(ctx)
	if err != nil {
		return model.User{}, err
	}
	if has {
		return model.User{}, fmt.Errorf("%w: users exist already; an administrator adds new ones", model.ErrPermission)
	}
	// Nobody can sign in yet, so the new administrator is recorded as making themselves.
	return s.createUser(ctx, model.User{Username: strings.TrimSpace(n.Username)}, n)
}

func (s *Store) createUser(ctx context.Context, by model.User, n model.NewUser) (model.User, error) {
	if err := n.Validate(); err != nil {
		return model.User{}, fmt.Errorf("add user: %w", err)
	}
	hash, err := model.HashPassword(n.Password)
	if err != nil {
		return model.User{}, err
	}
	u := model.User{Username: strings.TrimSpace(n.Username), DisplayName: strings.TrimSpace(n.DisplayName), Role: n.Role,
		PasswordHash: hash, ActiveSince: time.Now().UTC().Format("2006-01-02"), CreatedAt: model.Now()}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE lower(username) = lower($1)`, u.Username).Scan(&n)
		if n > 0 {
			return fmt.Errorf("user name %s: %w", u.Username, model.ErrExists)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, role, password_hash, active_since, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Username, u.DisplayName, u.Role, u.PasswordHash, u.ActiveSince, u.CreatedAt).Scan(&u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "create", "user", fmt.Sprint(u.ID), nil,
			map[string]string{"username": u.Username, "display_name": u.DisplayName, "role": u.Role})
	})
	if err != nil {
		return model.User{}, fmt.Errorf("add user %s: %w", n.Username, err)
	}
	return u, nil
}

// SetUserRole changes a user's role; only administrators manage users.
func (s *Store) SetUserRole(ctx context.Context, by model.User, id int64, role string) error {
	return s.SetUserRoleFrom(ctx, by, model.User{ID: id}, role)
}

// SetUserRoleFrom is SetUserRole for a screen that listed the user as was
// (Users): if another administrator changed their role since, it is refused
// with a *model.ChangedError naming them, unless it already is role.
func (s *Store) SetUserRoleFrom(ctx context.Context, by model.User, was model.User, role string) error {
	id := was.ID
	if err := s.require(ctx, by, model.ActManageUsers); err != nil {
		return err
	}
	if !model.ValidRole(role) {
		return fmt.Errorf("set role: %w: %q", model.ErrInvalid, role)
	}
	// Only administrators get here, so refusing their own demotion means the
	// programme always keeps one.
	if by.ID == id && role != model.RoleAdmin {
		return fmt.Errorf("%w: you cannot take away your own administrator role; another administrator can", model.ErrPermission)
	}
	return s.changeUser(ctx, by, was, "role", role, `UPDATE users SET role = $1 WHERE id = $2`)
}

// SetUserPassword sets a new password for a user; only administrators manage users.
func (s *Store) SetUserPassword(ctx context.Context, by model.User, id int64, password string) error {
	return s.SetUserPasswordFrom(ctx, by, model.User{ID: id}, password)
}

// SetUserPasswordFrom is SetUserPassword for a screen that listed the user
// as was: if their password was set since (by another administrator, who
// may have handed it to them), it is refused with a *model.ChangedError
// naming who, rather than replacing a password someone is about to use.
func (s *Store) SetUserPasswordFrom(ctx context.Context, by model.User, was model.User, password string) error {
	if err := s.require(ctx, by, model.ActManageUsers); err != nil {
		return err
	}
	if len(password) < 8 {
		return fmt.Errorf("set password: %w: at least 8 characters", model.ErrInvalid)
	}
	if err := model.CheckPassword(password); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	hash, err := model.HashPassword(password)
	if err != nil {
		return err
	}
	return s.changeUser(ctx, by, was, "password", hash, `UPDATE users SET password_hash = $1 WHERE id = $2`)
}

// SetUserActive disables a user (they can no longer sign in) or enables them again.
func (s *Store) SetUserActive(ctx context.Context, by model.User, id int64, active bool) error {
	return s.SetUserActiveFrom(ctx, by, model.User{ID: id}, active)
}

// SetUserActiveFrom is SetUserActive for a screen that listed the user as
// was: if another administrator disabled or enabled them since, it is
// refused with a *model.ChangedError naming them, unless they already are
// as asked (a no-op).
func (s *Store) SetUserActiveFrom(ctx context.Context, by model.User, was model.User, active bool) error {
	if err := s.require(ctx, by, model.ActManageUsers); err != nil {
		return err
	}
	if by.ID == was.ID && !active {
		return fmt.Errorf("%w: you cannot disable yourself", model.ErrPermission)
	}
	var v any
	if !active {
		v = s.now().UTC().Format(time.RFC3339)
	}
	return s.changeUser(ctx, by, was, "disabled_at", v, `UPDATE users SET disabled_at = $1 WHERE id = $2`)
}

// changeUser sets one field of user was.ID to v. A was carrying a Seen is
// checked field by field: only a change since to the field being set
// refuses, so one administrator's role change does not block another's
// password reset on the same user.
func (s *Store) changeUser(ctx context.Context, by model.User, was model.User, field string, v any, query string) error {
	id := was.ID
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.userBy(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		// The same role again, or enabling an enabled user, or disabling a
		// disabled one (whose date stays), changes nothing and is not audited.
		switch {
		case field == "role" && v == before.Role,
			field == "disabled_at" && (v == nil) == (before.DisabledAt == ""):
			return nil
		}
		if !was.Seen.IsZero() {
			read, now := was.Role, before.Role
			switch field {
			case "disabled_at":
				read, now = was.DisabledAt, before.DisabledAt
			case "password":
				read, now = was.PasswordHash, before.PasswordHash
			}
			if read != now {
				return fmt.Errorf("change user %s %s: %w", before.Username, field,
					s.changedSince(ctx, tx, was.Seen.Mark, 0, []auditKey{{"user", strconv.FormatInt(id, 10)}}))
			}
		}
		if _, err := tx.ExecContext(ctx, query, v, id); err != nil {
			return fmt.Errorf("change user %d %s: %w", id, field, err)
		}
		after := v
		if field == "password" { // never the hash in the log
			after = "changed"
		}
		return s.audit(ctx, tx, by, "update", "user", fmt.Sprint(id),
			map[string]any{"username": before.Username, "role": before.Role, "disabled_at": before.DisabledAt},
			map[string]any{field: after})
	})
}
