package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// journal is what one Write fn did in the writer's transaction, for the
// writer to undo that fn alone without a savepoint (see Undo without
// savepoints in the package comment): the statements that may have
// changed the database, with their arguments, in the order they ran, and
// whether a statement failed in a way that may have undone more than
// itself. A nil *journal notes nothing.
type journal struct {
	writes []redo
	// doubt: a statement failed with an error after which SQLite may have
	// rolled the whole transaction back.
	doubt bool
}

// redo is one statement to run again.
type redo struct {
	query string
	args  []any
}

// ran notes a statement run with Exec: whatever it is, it may have
// written. A statement that failed changed nothing (SQLite undoes a failed
// statement's own changes), so it is not run again.
func (j *journal) ran(query string, args []any, err error) {
	if j == nil {
		return
	}
	if err != nil {
		j.doubt = j.doubt || undoesMore(err)
		return
	}
	j.writes = append(j.writes, redo{query: query, args: args})
}

// queried notes a statement run with Query: only one that is not a SELECT
// (an INSERT or UPDATE ... RETURNING) may have written.
func (j *journal) queried(query string, args []any, err error) {
	if j == nil {
		return
	}
	if err == nil && isSelect(query) {
		return
	}
	j.ran(query, args, err)
}

// reset empties j for the next fn, keeping its memory.
func (j *journal) reset() {
	clear(j.writes) // let the arguments go
	j.writes, j.doubt = j.writes[:0], false
}

// isSelect reports whether query is a plain SELECT, which writes nothing.
func isSelect(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// undoesMore reports whether err, from a statement or a fn, may mean that
// more than one statement was undone: SQLite rolls the whole transaction
// back after some errors (a full disk, an I/O error, no memory, an
// interrupt), and a lost connection loses it. A constraint broken, a
// statement that does not compile or a value of the wrong type undo only
// the statement, and an error from outside SQLite (a fn's own refusal, a
// context ended before a statement started) undoes nothing.
func undoesMore(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_ERROR, sqlite3.SQLITE_MISMATCH,
		sqlite3.SQLITE_RANGE, sqlite3.SQLITE_TOOBIG:
		return false
	}
	return true
}

// replay runs again, on q, the statements noted for the fns that
// succeeded, in their order. Run from the state the transaction started
// from, they leave the database as those fns did: the writer is the only
// writer, and the statements hold every value they write (none calls
// random() or reads the clock).
func replay(ctx context.Context, q querier, done []redo) error {
	for _, r := range done {
		if _, err := q.ExecContext(ctx, r.query, r.args...); err != nil {
			return err
		}
	}
	return nil
}
