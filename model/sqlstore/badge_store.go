package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Badges makes and signs an Open Badges 3.0 credential for every issued
// (delivered), unrevoked certificate in the selection, in number order, and
// audits each export against its certificate. Cohort, host and kind match
// the certificate's signed fields; Person matches the holder's email.
func (s *Store) Badges(ctx context.Context, by model.User, sel model.CertSelection) ([]model.Badge, error) {
	if err := s.require(ctx, by, model.ActCertificates); err != nil {
		return nil, err
	}
	certs, err := s.queryCertificates(ctx, `WHERE c.revoked_at IS NULL AND c.delivered_at IS NOT NULL
		AND ($1 = '' OR lower(p.email) = lower($1)) ORDER BY c.number`, strings.TrimSpace(sel.Person))
	if err != nil {
		return nil, fmt.Errorf("export badges: %w", err)
	}
	key, err := s.signingKey(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("export badges: %w", err)
	}
	var out []model.Badge
	for _, c := range certs {
		f := c.Fields
		if (sel.Cohort != 0 && f.Cohort != strconv.Itoa(sel.Cohort)) || (sel.Kind != "" && c.Kind != sel.Kind) ||
			(sel.Host != "" && !strings.EqualFold(f.Host, strings.TrimSpace(sel.Host))) {
			continue
		}
		b, err := model.MakeBadge(c, key)
		if err != nil {
			return nil, fmt.Errorf("export badges: %w", err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, b := range out {
			if err := s.audit(ctx, tx, by, "export badge", "certificate", b.Number, nil,
				map[string]any{"number": b.Number, "badge": b.Credential.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export badges: %w", err)
	}
	return out, nil
}
