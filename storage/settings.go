package storage

import (
	"context"
	"database/sql"
	"errors"
)

// Setting reads a stored setting; ok is false when it was never set.
func (d *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting stores a setting durably; an empty value deletes it.
func (d *DB) SetSetting(ctx context.Context, key, value string) error {
	return d.SetSettings(ctx, map[string]string{key: value})
}

// SettingsWithPrefix returns every setting whose key starts with prefix.
func (d *DB) SettingsWithPrefix(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := d.ro.QueryContext(ctxOrBackground(ctx), `SELECT key, value FROM settings WHERE key >= ? AND key < ?`, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSettings stores several settings in one transaction (an empty value
// deletes), so a reader never sees half of a change.
func (d *DB) SetSettings(ctx context.Context, kv map[string]string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		for k, v := range kv {
			var err error
			if v == "" {
				_, err = tx.Exec(`DELETE FROM settings WHERE key = ?`, k)
			} else {
				_, err = tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
