package sqlstore

import (
	"cascade/model"
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// AllSettings lists every setting, ordered by key.
func (s *Store) AllSettings(ctx context.Context) ([]model.Setting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	var out []model.Setting
	for rows.Next() {
		var st model.Setting
		if err := rows.Scan(&st.Key, &st.Value); err != nil {
			return nil, fmt.Errorf("read settings: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SaveSettings writes the changed settings in one transaction, auditing each
// change with its value before and after.
func (s *Store) SaveSettings(ctx context.Context, by model.User, values map[string]string) error {
	return s.SaveSettingsFrom(ctx, by, nil, values)
}

// SaveSettingsFrom is SaveSettings for a form: was holds the value the form
// read for each key it saves, and a key stored otherwise by now (someone
// else saved it since) refuses the whole save with a *model.ChangedError,
// unless it already holds the value being saved.
func (s *Store) SaveSettingsFrom(ctx context.Context, by model.User, was, values map[string]string) error {
	if err := s.require(ctx, by, model.ActSettings); err != nil {
		return err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := model.CheckSetting(k, values[k]); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			var old sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, k).Scan(&old)
			if err != nil && err != sql.ErrNoRows {
				return fmt.Errorf("save setting %s: %w", k, err)
			}
			if old.String == values[k] {
				continue // unchanged, or empty and never set: the form shows a missing setting as empty
			}
			if read, ok := was[k]; ok && read != old.String {
				// The mark is 0: the newest entry for the key is the change that
				// made it differ from what the form read.
				return fmt.Errorf("save setting %s: %w", k, s.changedSince(ctx, tx, 0, 0, []auditKey{{"settings", k}}))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[k]); err != nil {
				return fmt.Errorf("save setting %s: %w", k, err)
			}
			var before any
			if old.Valid {
				before = map[string]string{"value": old.String}
			}
			if err := s.audit(ctx, tx, by, "update", "settings", k, before, map[string]string{"value": values[k]}); err != nil {
				return err
			}
		}
		return nil
	})
}
