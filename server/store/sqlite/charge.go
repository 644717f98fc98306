package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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

// PayerByDevice reads a device, its member, a store's limits of a rail
// and the member's captured total since a time (as PayerTotalSince sums
// it) in one statement.
func (t *tx) PayerByDevice(ctx context.Context, number uint32, storeID, rail string, since time.Time) (pos.Payer, error) {
	var p pos.Payer
	d, m := &p.Device, &p.Member
	var dnum, dcreated, mcreated int64
	var single, daily, free sql.NullInt64
	err := t.tx.QueryRowContext(ctx, `SELECT d.number, d.member_id, d.store_id, d.secret, d.credential_hash,
		d.last_counter, d.created_at,
		m.id, m.store_id, m.name, m.balance_minor, m.currency, m.created_at, m.version,
		l.single_max_minor, l.daily_max_minor, l.password_free_minor,
		(SELECT COALESCE(SUM(amount_minor + tip_minor - refunded_minor), 0)
			FROM intents WHERE member_id = d.member_id AND created_at >= ? AND status IN (?, ?, ?))
		FROM wallet_devices d JOIN wallet_members m ON m.id = d.member_id
		LEFT JOIN limits l ON l.store_id = ? AND l.rail = ?
		WHERE d.number = ?`,
		micros(since), string(pos.IntentSucceeded), string(pos.IntentPartiallyRefunded), string(pos.IntentRefunded),
		storeID, rail, int64(number)).
		Scan(&dnum, &d.MemberID, &d.StoreID, &d.Secret, &d.CredentialHash, &d.LastCounter, &dcreated,
			&m.ID, &m.StoreID, &m.Name, &m.Balance, &m.Currency, &mcreated, &m.Version,
			&single, &daily, &free, &p.PaidSince)
	if err != nil {
		return pos.Payer{}, fail(fmt.Sprintf("payer of device %d", number), err)
	}
	d.Number, d.CreatedAt, m.CreatedAt = uint32(dnum), fromMicros(dcreated), fromMicros(mcreated)
	if single.Valid {
		p.Limits = &pos.Limits{StoreID: storeID, Rail: rail, SingleMax: single.Int64, DailyMax: daily.Int64, PasswordFree: free.Int64}
	}
	return p, nil
}
