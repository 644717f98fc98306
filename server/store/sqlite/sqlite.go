// Package sqlite implements pos.Store on a SQLite database file, with the
// pure-Go driver modernc.org/sqlite.
//
// A DB holds two pools on one file: a single connection for writes, so that
// Write transactions (BEGIN IMMEDIATE) queue in database/sql instead of
// failing with SQLITE_BUSY against each other, and a read-only pool for Read
// transactions, which WAL lets run beside the writer. The schema is created
// and upgraded at Open by the embedded migrations in migrations/.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"qrpos/server/pos"
)

// busyTimeout is how long a statement waits for a lock held by another
// connection (a checkpoint, another process) before it fails.
const busyTimeout = 10 * time.Second

// DB is a QRPOS database in one SQLite file. It implements pos.Store and is
// safe for concurrent use.
type DB struct {
	write *sql.DB // one connection; every transaction is BEGIN IMMEDIATE
	read  *sql.DB // read-only connections
}

var _ pos.Store = (*DB)(nil)

// Open opens the database file at path, creating it if needed, and applies
// the migrations it lacks.
func Open(ctx context.Context, path string) (*DB, error) {
	writeDSN, err := dsn(path, false)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readDSN, err := dsn(path, true)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	w, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection that is never closed while the DB is open: writers wait
	// for it in database/sql, in order, and honour their context meanwhile.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	// The read pool opens after the writer has put the file in WAL mode:
	// a read-only connection cannot change the journal mode.
	r, err := sql.Open("sqlite", readDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: read pool: %w", path, err)
	}
	return &DB{write: w, read: r}, nil
}

// Close closes both pools. The writer closes last, so that the last
// connection checkpoints the WAL into the database file.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// dsn returns the modernc.org/sqlite data source name of the file at path.
// It is a "file:" URI so that SQLite applies mode=ro to the read pool; the
// underscore parameters are read by the driver (see the Driver.Open
// documentation of modernc.org/sqlite).
func dsn(path string, readOnly bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + uriPath(abs) + "?" + q.Encode(), nil
}

// uriPath escapes an absolute file path for a SQLite URI: '%', '?' and '#'
// would otherwise end or change the path.
func uriPath(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Read runs fn in a read-only transaction that sees one snapshot of the
// database.
func (db *DB) Read(ctx context.Context, fn func(pos.Tx) error) error {
	return run(ctx, db.read, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in a write transaction (BEGIN IMMEDIATE on the single write
// connection), so writes are serialised and a read-modify-write inside fn
// cannot lose an update. fn must not call Write itself: it would wait for
// the connection it holds.
func (db *DB) Write(ctx context.Context, fn func(pos.Tx) error) error {
	return run(ctx, db.write, nil, fn)
}

func run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(pos.Tx) error) error {
	stx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// A no-op after Commit; otherwise it undoes everything fn did, also when
	// fn panics.
	defer stx.Rollback()
	if err := fn(&tx{tx: stx}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// fail adds context to err and maps the driver's errors to the pos errors:
// no row is pos.ErrNotFound, a UNIQUE or PRIMARY KEY violation is
// pos.ErrConflict.
func fail(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, pos.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("sqlite: %s: %w: %w", op, pos.ErrConflict, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// micros is how times are stored: Unix microseconds, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nullString stores an empty optional reference (a table, a member of staff)
// as NULL, which foreign keys do not check.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
