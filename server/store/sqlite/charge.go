package sqlite

import (
	"context"

	"qrpos/server/pos"
)

var _ pos.ChargeTx = (*tx)(nil)

// HasLiveIntents asks for one column of one row at most: what a payment
// asks before it starts, where the answer is almost always no.
func (t *tx) HasLiveIntents(ctx context.Context, storeID, orderID string) (bool, error) {
	var live bool
	err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM intents
		WHERE store_id = ? AND order_id = ? AND status IN ('created', 'pending'))`, storeID, orderID).Scan(&live)
	if err != nil {
		return false, fail("live intents of order "+orderID, err)
	}
	return live, nil
}
