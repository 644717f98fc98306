package sqlite

import (
	"context"
	"database/sql"
	"time"

	"qrpos/server/pos"
)

// Table sessions and diners.

func (t *tx) CreateTableSession(ctx context.Context, ts pos.TableSession) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO table_sessions (id, store_id, table_id, opened_at, ended_at)
		VALUES (?, ?, ?, ?, ?)`, ts.ID, ts.StoreID, ts.TableID, micros(ts.OpenedAt), nullMicros(ts.EndedAt))
	if err != nil {
		return fail("create table session "+ts.ID, err)
	}
	return nil
}

const tableSessionCols = `id, store_id, table_id, opened_at, ended_at`

func scanTableSession(r interface{ Scan(...any) error }) (pos.TableSession, error) {
	var ts pos.TableSession
	var opened int64
	var ended sql.NullInt64
	if err := r.Scan(&ts.ID, &ts.StoreID, &ts.TableID, &opened, &ended); err != nil {
		return pos.TableSession{}, err
	}
	ts.OpenedAt, ts.EndedAt = fromMicros(opened), fromNullMicros(ended)
	return ts, nil
}

func (t *tx) OpenTableSession(ctx context.Context, storeID, tableID string) (pos.TableSession, error) {
	ts, err := scanTableSession(t.tx.QueryRowContext(ctx, `SELECT `+tableSessionCols+` FROM table_sessions
		WHERE store_id = ? AND table_id = ? AND ended_at IS NULL`, storeID, tableID))
	if err != nil {
		return pos.TableSession{}, fail("open table session of "+tableID, err)
	}
	return ts, nil
}

func (t *tx) TableSessionByID(ctx context.Context, storeID, id string) (pos.TableSession, error) {
	ts, err := scanTableSession(t.tx.QueryRowContext(ctx, `SELECT `+tableSessionCols+` FROM table_sessions
		WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.TableSession{}, fail("table session "+id, err)
	}
	return ts, nil
}

func (t *tx) ListOpenTableSessions(ctx context.Context, storeID string) ([]pos.TableSession, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+tableSessionCols+` FROM table_sessions
		WHERE store_id = ? AND ended_at IS NULL ORDER BY opened_at, id`, storeID)
	if err != nil {
		return nil, fail("list open table sessions", err)
	}
	defer rows.Close()
	var out []pos.TableSession
	for rows.Next() {
		ts, err := scanTableSession(rows)
		if err != nil {
			return nil, fail("list open table sessions", err)
		}
		out = append(out, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list open table sessions", err)
	}
	return out, nil
}

func (t *tx) EndTableSession(ctx context.Context, storeID, id string, at time.Time) error {
	return t.execOne(ctx, "end table session "+id, `UPDATE table_sessions SET ended_at = ?
		WHERE store_id = ? AND id = ? AND ended_at IS NULL`, micros(at), storeID, id)
}

func (t *tx) CreateDiner(ctx context.Context, d pos.DinerRecord) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO diners (token_hash, id, store_id, table_session_id, created_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`, d.TokenHash, d.ID, d.StoreID, d.TableSessionID, micros(d.CreatedAt), micros(d.LastSeenAt))
	if err != nil {
		return fail("create diner "+d.ID, err)
	}
	return nil
}

func (t *tx) DinerByTokenHash(ctx context.Context, hash []byte) (pos.DinerRecord, error) {
	var d pos.DinerRecord
	var created, seen int64
	err := t.tx.QueryRowContext(ctx, `SELECT d.token_hash, d.id, d.store_id, d.table_session_id, s.table_id,
		d.created_at, d.last_seen_at
		FROM diners d JOIN table_sessions s ON s.store_id = d.store_id AND s.id = d.table_session_id
		WHERE d.token_hash = ?`, hash).
		Scan(&d.TokenHash, &d.ID, &d.StoreID, &d.TableSessionID, &d.TableID, &created, &seen)
	if err != nil {
		return pos.DinerRecord{}, fail("diner", err)
	}
	d.CreatedAt, d.LastSeenAt = fromMicros(created), fromMicros(seen)
	return d, nil
}

func (t *tx) TouchDiner(ctx context.Context, hash []byte, at time.Time) error {
	return t.execOne(ctx, "touch diner", `UPDATE diners SET last_seen_at = ? WHERE token_hash = ?`, micros(at), hash)
}
