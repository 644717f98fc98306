package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"qrpos/server/pos"
)

var _ pos.ShareTx = (*tx)(nil)

// Shares of split bills.

func (t *tx) CreateShare(ctx context.Context, s pos.Share) error {
	lines, err := json.Marshal(orEmpty(s.LineIDs))
	if err != nil {
		return fmt.Errorf("sqlite: create share %s: %w", s.ID, err)
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO shares
		(id, store_id, order_id, kind, position, parts, amount_minor, currency, status, line_ids, bill_hash,
		 created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.StoreID, s.OrderID, string(s.Kind), s.Position, s.Parts, s.Amount, s.Currency, string(s.Status),
		string(lines), s.BillHash, micros(s.CreatedAt), micros(s.UpdatedAt), s.Version)
	if err != nil {
		return fail("create share "+s.ID, err)
	}
	return nil
}

func orEmpty(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

const shareCols = `id, store_id, order_id, kind, position, parts, amount_minor, currency, status, line_ids, bill_hash,
	created_at, updated_at, version`

func scanShare(r rowScanner) (pos.Share, error) {
	var s pos.Share
	var kind, status, lines string
	var created, updated int64
	if err := r.Scan(&s.ID, &s.StoreID, &s.OrderID, &kind, &s.Position, &s.Parts, &s.Amount, &s.Currency, &status,
		&lines, &s.BillHash, &created, &updated, &s.Version); err != nil {
		return pos.Share{}, err
	}
	if err := json.Unmarshal([]byte(lines), &s.LineIDs); err != nil {
		return pos.Share{}, fmt.Errorf("line ids of share %s: %w", s.ID, err)
	}
	s.Kind, s.Status = pos.ShareKind(kind), pos.ShareStatus(status)
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	return s, nil
}

func (t *tx) ShareByID(ctx context.Context, storeID, id string) (pos.Share, error) {
	s, err := scanShare(t.tx.QueryRowContext(ctx, `SELECT `+shareCols+` FROM shares WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Share{}, fail("share "+id, err)
	}
	return s, nil
}

// UpdateShare saves the status of a share if the stored version is
// s.Version-1.
func (t *tx) UpdateShare(ctx context.Context, s pos.Share) error {
	op := "update share " + s.ID
	res, err := t.tx.ExecContext(ctx, `UPDATE shares SET status = ?, updated_at = ?, version = ?
		WHERE store_id = ? AND id = ? AND version = ?`,
		string(s.Status), micros(s.UpdatedAt), s.Version, s.StoreID, s.ID, s.Version-1)
	if err != nil {
		return fail(op, err)
	}
	return t.versionChecked(ctx, op, res, `SELECT version FROM shares WHERE store_id = ? AND id = ?`,
		[]any{s.StoreID, s.ID}, s.Version)
}

func (t *tx) ListShares(ctx context.Context, storeID, orderID string) ([]pos.Share, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+shareCols+` FROM shares WHERE store_id = ? AND order_id = ?
		ORDER BY created_at, position, id`, storeID, orderID)
	if err != nil {
		return nil, fail("list shares of "+orderID, err)
	}
	defer rows.Close()
	var out []pos.Share
	for rows.Next() {
		s, err := scanShare(rows)
		if err != nil {
			return nil, fail("list shares of "+orderID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list shares of "+orderID, err)
	}
	return out, nil
}
