package sqlstore

import (
	"cascade/model"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
)

// signingKey reads the database's Ed25519 key pair, made when it was created.
func (s *Store) signingKey(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (ed25519.PrivateKey, error) {
	var pub, priv []byte
	err := q.QueryRowContext(ctx, `SELECT public_key, private_key FROM signing_keys WHERE id = 1`).Scan(&pub, &priv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read signing key: %w (the database has no key pair)", model.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	if len(priv) != ed25519.PrivateKeySize || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("read signing key: stored key has the wrong size: %w", model.ErrInvalid)
	}
	return ed25519.PrivateKey(priv), nil
}

// PublicKey is the database's certificate-signing public key.
func (s *Store) PublicKey(ctx context.Context) (ed25519.PublicKey, error) {
	var pub []byte
	err := s.db.QueryRowContext(ctx, `SELECT public_key FROM signing_keys WHERE id = 1`).Scan(&pub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read public key: %w (the database has no key pair)", model.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read public key: %w", err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("read public key: stored key has the wrong size: %w", model.ErrInvalid)
	}
	return ed25519.PublicKey(pub), nil
}
