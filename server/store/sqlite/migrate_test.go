package sqlite

import (
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// schema returns the SQL of every table, index and trigger of db.
func schema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(),
		`SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	defer rows.Close()
	var s []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatalf("schema: %v", err)
		}
		s = append(s, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return s
}

type applied struct {
	Version int
	Name    string
}

func appliedMigrations(t *testing.T, db *sql.DB) []applied {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	defer rows.Close()
	var as []applied
	for rows.Next() {
		var a applied
		if err := rows.Scan(&a.Version, &a.Name); err != nil {
			t.Fatalf("schema_migrations: %v", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	return as
}

func TestMigrate(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)

	// The recorded versions are the files of migrations/, in order.
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	var want []applied
	for i, e := range entries {
		want = append(want, applied{Version: i + 1, Name: e.Name()})
		if prefix := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(e.Name(), prefix) {
			t.Errorf("migration file %d: got %s, want a name starting with %s", i, e.Name(), prefix)
		}
	}
	if len(want) == 0 {
		t.Fatalf("got no migration files, want at least one")
	}
	if diff := cmp.Diff(want, appliedMigrations(t, db.write)); diff != "" {
		t.Errorf("schema_migrations mismatch (-want +got):\n%s", diff)
	}

	// Applying them again changes nothing.
	before := schema(t, db.write)
	for i := range 2 {
		if err := migrate(ctx, db.write); err != nil {
			t.Fatalf("migrate again (%d): %v", i+1, err)
		}
	}
	if diff := cmp.Diff(before, schema(t, db.write)); diff != "" {
		t.Errorf("schema after migrating twice mismatch (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(want, appliedMigrations(t, db.write)); diff != "" {
		t.Errorf("schema_migrations after migrating twice mismatch (-want +got):\n%s", diff)
	}
}

// TestReopen checks that a database opens again with its data and its
// schema untouched.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	before := schema(t, db.write)
	if _, err := db.write.ExecContext(ctx, `INSERT INTO restaurants (id, name, address, currency, tax_inclusive, created_at)
		VALUES ('r1', 'R', '', 'CNY', 1, 0)`); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer db.Close()
	if diff := cmp.Diff(before, schema(t, db.write)); diff != "" {
		t.Errorf("schema after reopening mismatch (-before +after):\n%s", diff)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM restaurants`).Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	if n != 1 {
		t.Errorf("restaurants after reopening: got %d, want 1", n)
	}
}

// TestMigrateNewerDatabase checks that a build refuses a database that a
// newer build migrated further.
func TestMigrateNewerDatabase(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	if _, err := db.write.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := migrate(ctx, db.write); err == nil {
		t.Errorf("migrate a database at version 9999: got no error, want one")
	}
}
