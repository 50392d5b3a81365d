package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// scanner is a row to read: *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// queryAll runs a read on the reader pool and scans every row.
func queryAll[T any](ctx context.Context, db *sql.DB, q string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctxOrBackground(ctx), q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// queryOne reads the row with id; a missing one is the error absent(id)
// gives, which wraps ErrNotFound.
func queryOne[T any](ctx context.Context, db *sql.DB, q string, id int64, scan func(scanner) (T, error), absent func(int64) error) (T, error) {
	x, err := scan(db.QueryRowContext(ctxOrBackground(ctx), q, id))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, absent(id)
	}
	return x, err
}

// notFoundAs says which kind of row id was missing.
func notFoundAs(kind string) func(int64) error {
	return func(id int64) error { return fmt.Errorf("%s %d: %w", kind, id, ErrNotFound) }
}
