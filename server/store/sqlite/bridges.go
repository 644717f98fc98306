package sqlite

import (
	"context"
	"database/sql"
	"time"

	"qrpos/server/pos"
)

// Pairing codes.

func (t *tx) CreatePairingCode(ctx context.Context, p pos.PairingCode) error {
	var bridge any
	if p.BridgeID != "" {
		bridge = p.BridgeID
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO bridge_pairing_codes
		(code_hash, store_id, created_by, created_at, expires_at, used_at, bridge_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.CodeHash, p.StoreID, p.CreatedBy, micros(p.CreatedAt), micros(p.ExpiresAt), nullMicros(p.UsedAt), bridge)
	if err != nil {
		return fail("create pairing code", err)
	}
	return nil
}

func (t *tx) PairingCodeByHash(ctx context.Context, hash []byte) (pos.PairingCode, error) {
	var p pos.PairingCode
	var created, expires int64
	var used sql.NullInt64
	var bridge sql.NullString
	err := t.tx.QueryRowContext(ctx, `SELECT code_hash, store_id, created_by, created_at, expires_at, used_at, bridge_id
		FROM bridge_pairing_codes WHERE code_hash = ?`, hash).
		Scan(&p.CodeHash, &p.StoreID, &p.CreatedBy, &created, &expires, &used, &bridge)
	if err != nil {
		return pos.PairingCode{}, fail("pairing code", err)
	}
	p.CreatedAt, p.ExpiresAt = fromMicros(created), fromMicros(expires)
	if used.Valid {
		u := fromMicros(used.Int64)
		p.UsedAt = &u
	}
	p.BridgeID = bridge.String
	return p, nil
}

func (t *tx) UsePairingCode(ctx context.Context, hash []byte, bridgeID string, at time.Time) error {
	return t.execOne(ctx, "use pairing code", `UPDATE bridge_pairing_codes SET used_at = ?, bridge_id = ?
		WHERE code_hash = ? AND used_at IS NULL`, micros(at), bridgeID, hash)
}

func (t *tx) DeletePairingCodesBefore(ctx context.Context, before time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM bridge_pairing_codes WHERE expires_at < ?`, micros(before)); err != nil {
		return fail("delete old pairing codes", err)
	}
	return nil
}

// Bridges.

func (t *tx) CreateBridge(ctx context.Context, b pos.Bridge) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO bridges (id, store_id, name, credential_hash, created_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		b.ID, b.StoreID, b.Name, b.CredentialHash, micros(b.CreatedAt), nullMicros(b.RevokedAt))
	if err != nil {
		return fail("create bridge "+b.ID, err)
	}
	return nil
}

const bridgeCols = `id, store_id, name, credential_hash, created_at, revoked_at`

func scanBridge(r rowScanner) (pos.Bridge, error) {
	var b pos.Bridge
	var created int64
	var revoked sql.NullInt64
	if err := r.Scan(&b.ID, &b.StoreID, &b.Name, &b.CredentialHash, &created, &revoked); err != nil {
		return pos.Bridge{}, err
	}
	b.CreatedAt = fromMicros(created)
	if revoked.Valid {
		v := fromMicros(revoked.Int64)
		b.RevokedAt = &v
	}
	return b, nil
}

func (t *tx) BridgeByID(ctx context.Context, storeID, id string) (pos.Bridge, error) {
	b, err := scanBridge(t.tx.QueryRowContext(ctx, `SELECT `+bridgeCols+` FROM bridges WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Bridge{}, fail("bridge "+id, err)
	}
	return b, nil
}

func (t *tx) BridgeByCredentialHash(ctx context.Context, hash []byte) (pos.Bridge, error) {
	b, err := scanBridge(t.tx.QueryRowContext(ctx, `SELECT `+bridgeCols+` FROM bridges WHERE credential_hash = ?`, hash))
	if err != nil {
		return pos.Bridge{}, fail("bridge by credential", err)
	}
	return b, nil
}

func (t *tx) ListBridges(ctx context.Context, storeID string) ([]pos.Bridge, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+bridgeCols+` FROM bridges WHERE store_id = ? ORDER BY created_at, id`, storeID)
	if err != nil {
		return nil, fail("list bridges", err)
	}
	defer rows.Close()
	var out []pos.Bridge
	for rows.Next() {
		b, err := scanBridge(rows)
		if err != nil {
			return nil, fail("list bridges", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list bridges", err)
	}
	return out, nil
}

func (t *tx) RevokeBridge(ctx context.Context, storeID, id string, at time.Time) error {
	return t.execOne(ctx, "revoke bridge "+id, `UPDATE bridges SET revoked_at = ?
		WHERE store_id = ? AND id = ? AND revoked_at IS NULL`, micros(at), storeID, id)
}

// Kitchen tickets.

func (t *tx) KitchenLinesPrinted(ctx context.Context, storeID, orderID string) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT line_id FROM kitchen_printed_lines
		WHERE store_id = ? AND order_id = ? ORDER BY printed_at, line_id`, storeID, orderID)
	if err != nil {
		return nil, fail("kitchen lines of "+orderID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fail("kitchen lines of "+orderID, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("kitchen lines of "+orderID, err)
	}
	return out, nil
}

func (t *tx) MarkKitchenLinesPrinted(ctx context.Context, storeID, orderID string, lineIDs []string, at time.Time) error {
	for _, id := range lineIDs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO kitchen_printed_lines (store_id, order_id, line_id, printed_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (order_id, line_id) DO NOTHING`, storeID, orderID, id, micros(at)); err != nil {
			return fail("mark kitchen line "+id, err)
		}
	}
	return nil
}
