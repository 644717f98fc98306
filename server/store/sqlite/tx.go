package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qrpos/server/pos"
)

// tx implements pos.Tx on one transaction: a database/sql transaction of
// the read pool for Read, a savepoint of the writer's batch for Write.
type tx struct {
	tx stmts
}

// querier is what stmts needs of a *sql.Tx or a *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmts runs the statements of a tx on q. If under is set, a statement
// runs under it rather than under its caller's context, which is only
// checked before the statement starts. The driver interrupts a statement
// whose context ends (sqlite3_interrupt), and an interrupted write may roll
// back the whole transaction: in a Write batch that transaction is shared,
// so one caller giving up must not undo the others. If log is set, the
// statements that ran are noted in it (see journal).
type stmts struct {
	q     querier
	under context.Context
	log   *journal
}

func (s stmts) ctx(ctx context.Context) (context.Context, error) {
	if s.under == nil {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.under, nil
}

func (s stmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := s.ctx(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.q.ExecContext(ctx, query, args...)
	s.log.ran(query, args, err)
	return res, err
}

func (s stmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := s.ctx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.q.QueryContext(ctx, query, args...)
	s.log.queried(query, args, err)
	return rows, err
}

func (s stmts) QueryRowContext(ctx context.Context, query string, args ...any) row {
	ctx, err := s.ctx(ctx)
	if err != nil {
		return row{err: err}
	}
	return row{row: s.q.QueryRowContext(ctx, query, args...), log: s.log, query: query, args: args}
}

func (s stmts) PrepareContext(ctx context.Context, query string) (*stmt, error) {
	pctx, err := s.ctx(ctx)
	if err != nil {
		return nil, err
	}
	if w, ok := s.q.(*writeConn); ok {
		// The writer's statement, prepared once: Close leaves it open.
		st, err := w.stmt(pctx, query)
		if err != nil {
			return nil, err
		}
		if st != nil {
			return &stmt{stmt: st, under: s.under, log: s.log, query: query, shared: true}, nil
		}
	}
	st, err := s.q.PrepareContext(pctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{stmt: st, under: s.under, log: s.log, query: query}, nil
}

// row is a *sql.Row, or the error that kept its query from running. A
// query that writes (RETURNING) runs when it is scanned, so Scan notes it
// in log.
type row struct {
	row   *sql.Row
	err   error
	log   *journal
	query string
	args  []any
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		r.log.queried(r.query, r.args, nil) // it ran, and found nothing
	} else {
		r.log.queried(r.query, r.args, err)
	}
	return err
}

// stmt is a prepared statement of stmts, run under the same context rules.
type stmt struct {
	stmt   *sql.Stmt
	under  context.Context
	log    *journal
	query  string
	shared bool // a statement of the writer's cache: not closed by Close
}

func (s *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	ctx, err := stmts{under: s.under}.ctx(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.stmt.ExecContext(ctx, args...)
	s.log.ran(s.query, args, err)
	return res, err
}

func (s *stmt) Close() error {
	if s.shared {
		return nil
	}
	return s.stmt.Close()
}

var _ pos.Tx = (*tx)(nil)

// rowScanner is a row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// execOne runs a statement that must change exactly one row; none is
// pos.ErrNotFound.
func (t *tx) execOne(ctx context.Context, op, query string, args ...any) error {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		return fail(op, sql.ErrNoRows)
	}
	return nil
}

// Restaurants.

func (t *tx) CreateRestaurant(ctx context.Context, r pos.Restaurant) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO restaurants
		(id, name, address, currency, tax_inclusive, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Address, r.Currency, r.TaxInclusive, micros(r.CreatedAt))
	if err != nil {
		return fail("create restaurant "+r.ID, err)
	}
	return nil
}

const restaurantCols = `id, name, address, currency, tax_inclusive, created_at`

func scanRestaurant(s rowScanner) (pos.Restaurant, error) {
	var r pos.Restaurant
	var created int64
	if err := s.Scan(&r.ID, &r.Name, &r.Address, &r.Currency, &r.TaxInclusive, &created); err != nil {
		return pos.Restaurant{}, err
	}
	r.CreatedAt = fromMicros(created)
	return r, nil
}

func (t *tx) RestaurantByID(ctx context.Context, id string) (pos.Restaurant, error) {
	r, err := scanRestaurant(t.tx.QueryRowContext(ctx,
		`SELECT `+restaurantCols+` FROM restaurants WHERE id = ?`, id))
	if err != nil {
		return pos.Restaurant{}, fail("restaurant "+id, err)
	}
	return r, nil
}

// ListRestaurants returns every store, ordered by name.
func (t *tx) ListRestaurants(ctx context.Context) ([]pos.Restaurant, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+restaurantCols+` FROM restaurants ORDER BY name, id`)
	if err != nil {
		return nil, fail("list restaurants", err)
	}
	defer rows.Close()
	var rs []pos.Restaurant
	for rows.Next() {
		r, err := scanRestaurant(rows)
		if err != nil {
			return nil, fail("list restaurants", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list restaurants", err)
	}
	return rs, nil
}

// Staff.

func (t *tx) CreateStaff(ctx context.Context, s pos.Staff) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO staff
		(id, store_id, name, role, pin_hash, failed_pins, locked_at, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.StoreID, s.Name, string(s.Role), s.PINHash, s.FailedPINs,
		nullMicros(s.LockedAt), s.Active, micros(s.CreatedAt))
	if err != nil {
		return fail("create staff "+s.ID, err)
	}
	return nil
}

const staffCols = `id, store_id, name, role, pin_hash, failed_pins, locked_at, active, created_at`

func scanStaff(sc rowScanner) (pos.Staff, error) {
	var s pos.Staff
	var role string
	var locked sql.NullInt64
	var created int64
	if err := sc.Scan(&s.ID, &s.StoreID, &s.Name, &role, &s.PINHash, &s.FailedPINs,
		&locked, &s.Active, &created); err != nil {
		return pos.Staff{}, err
	}
	s.Role = pos.Role(role)
	s.LockedAt = fromNullMicros(locked)
	s.CreatedAt = fromMicros(created)
	return s, nil
}

func (t *tx) StaffByID(ctx context.Context, storeID, id string) (pos.Staff, error) {
	s, err := scanStaff(t.tx.QueryRowContext(ctx,
		`SELECT `+staffCols+` FROM staff WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Staff{}, fail("staff "+id, err)
	}
	return s, nil
}

func (t *tx) ListStaff(ctx context.Context, storeID string) ([]pos.Staff, error) {
	rows, err := t.tx.QueryContext(ctx,
		`SELECT `+staffCols+` FROM staff WHERE store_id = ? ORDER BY name, id`, storeID)
	if err != nil {
		return nil, fail("list staff of "+storeID, err)
	}
	defer rows.Close()
	var ss []pos.Staff
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, fail("list staff of "+storeID, err)
		}
		ss = append(ss, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list staff of "+storeID, err)
	}
	return ss, nil
}

func (t *tx) UpdateStaff(ctx context.Context, s pos.Staff) error {
	return t.execOne(ctx, "update staff "+s.ID, `UPDATE staff
		SET name = ?, role = ?, pin_hash = ?, failed_pins = ?, locked_at = ?, active = ?
		WHERE store_id = ? AND id = ?`,
		s.Name, string(s.Role), s.PINHash, s.FailedPINs, nullMicros(s.LockedAt), s.Active,
		s.StoreID, s.ID)
}

// Sessions.

func (t *tx) CreateSession(ctx context.Context, s pos.Session) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO sessions
		(token_hash, store_id, staff_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.StoreID, s.StaffID, micros(s.CreatedAt), micros(s.LastSeenAt), micros(s.ExpiresAt))
	if err != nil {
		return fail("create session of "+s.StaffID, err)
	}
	return nil
}

func (t *tx) SessionByTokenHash(ctx context.Context, hash []byte) (pos.Session, error) {
	var s pos.Session
	var created, seen, expires int64
	err := t.tx.QueryRowContext(ctx, `SELECT token_hash, store_id, staff_id, created_at, last_seen_at, expires_at
		FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.TokenHash, &s.StoreID, &s.StaffID, &created, &seen, &expires)
	if err != nil {
		return pos.Session{}, fail("session", err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	return s, nil
}

func (t *tx) TouchSession(ctx context.Context, hash []byte, lastSeen time.Time) error {
	return t.execOne(ctx, "touch session",
		`UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, micros(lastSeen), hash)
}

// DeleteSession ends one session. Ending a session that does not exist
// (logging out twice) is not an error.
func (t *tx) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash); err != nil {
		return fail("delete session", err)
	}
	return nil
}

func (t *tx) DeleteSessionsOf(ctx context.Context, storeID, staffID string) error {
	if _, err := t.tx.ExecContext(ctx,
		`DELETE FROM sessions WHERE store_id = ? AND staff_id = ?`, storeID, staffID); err != nil {
		return fail("delete sessions of "+staffID, err)
	}
	return nil
}

// Tables.

func (t *tx) CreateTable(ctx context.Context, tb pos.Table) error {
	gen := max(tb.LinkGen, 1)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO tables (id, store_id, name, seats, position, area_id, link_gen)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tb.ID, tb.StoreID, tb.Name, tb.Seats, tb.Position, nullString(tb.AreaID), gen)
	if err != nil {
		return fail("create table "+tb.ID, err)
	}
	return nil
}

const tableCols = `id, store_id, name, seats, position, COALESCE(area_id, ''), link_gen`

func scanTable(s rowScanner) (pos.Table, error) {
	var tb pos.Table
	err := s.Scan(&tb.ID, &tb.StoreID, &tb.Name, &tb.Seats, &tb.Position, &tb.AreaID, &tb.LinkGen)
	return tb, err
}

func (t *tx) TableByID(ctx context.Context, storeID, id string) (pos.Table, error) {
	tb, err := scanTable(t.tx.QueryRowContext(ctx,
		`SELECT `+tableCols+` FROM tables WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Table{}, fail("table "+id, err)
	}
	return tb, nil
}

func (t *tx) ListTables(ctx context.Context, storeID string) ([]pos.Table, error) {
	rows, err := t.tx.QueryContext(ctx,
		`SELECT `+tableCols+` FROM tables WHERE store_id = ? ORDER BY position, name, id`, storeID)
	if err != nil {
		return nil, fail("list tables of "+storeID, err)
	}
	defer rows.Close()
	var ts []pos.Table
	for rows.Next() {
		tb, err := scanTable(rows)
		if err != nil {
			return nil, fail("list tables of "+storeID, err)
		}
		ts = append(ts, tb)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list tables of "+storeID, err)
	}
	return ts, nil
}

func (t *tx) BumpTableLinkGen(ctx context.Context, storeID, id string) (int, error) {
	var gen int
	err := t.tx.QueryRowContext(ctx, `UPDATE tables SET link_gen = link_gen + 1
		WHERE store_id = ? AND id = ? RETURNING link_gen`, storeID, id).Scan(&gen)
	if err != nil {
		return 0, fail("revoke link of table "+id, err)
	}
	return gen, nil
}

// Idempotency.

func (t *tx) IdempotencyByKey(ctx context.Context, storeID, key string) (pos.Idempotency, error) {
	var rec pos.Idempotency
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT store_id, key, request_hash, response, created_at
		FROM idempotency WHERE store_id = ? AND key = ?`, storeID, key).
		Scan(&rec.StoreID, &rec.Key, &rec.RequestHash, &rec.Response, &created)
	if err != nil {
		return pos.Idempotency{}, fail(fmt.Sprintf("idempotency key %q", key), err)
	}
	rec.CreatedAt = fromMicros(created)
	return rec, nil
}

func (t *tx) PutIdempotency(ctx context.Context, rec pos.Idempotency) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO idempotency
		(store_id, key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)`,
		rec.StoreID, rec.Key, nonNil(rec.RequestHash), nonNil(rec.Response), micros(rec.CreatedAt))
	if err != nil {
		return fail(fmt.Sprintf("put idempotency key %q", rec.Key), err)
	}
	return nil
}

// nonNil turns a nil slice into an empty one: the driver binds nil as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
