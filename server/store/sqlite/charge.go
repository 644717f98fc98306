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

// payerByDevice is PayerByDevice's query (built once: it runs on every
// wallet charge).
var payerByDevice = `SELECT d.number, d.member_id, d.store_id, d.secret, d.credential_hash,
		d.last_counter, d.created_at,
		m.id, m.store_id, m.name, m.balance_minor, m.currency, m.created_at, m.version,
		l.single_max_minor, l.daily_max_minor, l.password_free_minor,
		(` + paidSince("d.member_id") + `)
		FROM wallet_devices d JOIN wallet_members m ON m.id = d.member_id
		LEFT JOIN limits l ON l.store_id = ? AND l.rail = ?
		WHERE d.number = ?`

// PayerByDevice reads a device, its member, a store's limits of a rail
// and the member's captured total since a time (as PayerTotalSince sums
// it) in one statement.
func (t *tx) PayerByDevice(ctx context.Context, number uint32, storeID, rail string, since time.Time) (pos.Payer, error) {
	var p pos.Payer
	d, m := &p.Device, &p.Member
	var dnum, dcreated, mcreated int64
	var single, daily, free sql.NullInt64
	err := t.tx.QueryRowContext(ctx, payerByDevice,
		append(append([]any{micros(since)}, paidStatuses...), storeID, rail, int64(number))...).
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

// BillByID reads the order's row with its restaurant's and whether a
// payment of it is live in one statement, then its lines and tenders as
// OrderByID does.
func (t *tx) BillByID(ctx context.Context, storeID, orderID string) (pos.Bill, error) {
	var b pos.Bill
	o, r := &b.Order, &b.Restaurant
	var status string
	var created, updated, rcreated int64
	var closed sql.NullInt64
	err := t.tx.QueryRowContext(ctx, `SELECT o.id, o.store_id, o.number, COALESCE(o.table_id, ''), o.status,
		o.currency, o.version, COALESCE(o.created_by, ''), o.created_at, o.updated_at, o.closed_at, o.void_reason,
		r.id, r.name, r.address, r.currency, r.tax_inclusive, r.created_at,
		EXISTS (SELECT 1 FROM intents i
			WHERE i.store_id = o.store_id AND i.order_id = o.id AND i.status IN ('created', 'pending'))
		FROM orders o JOIN restaurants r ON r.id = o.store_id
		WHERE o.store_id = ? AND o.id = ?`, storeID, orderID).
		Scan(&o.ID, &o.StoreID, &o.Number, &o.TableID, &status, &o.Currency, &o.Version,
			&o.CreatedBy, &created, &updated, &closed, &o.VoidReason,
			&r.ID, &r.Name, &r.Address, &r.Currency, &r.TaxInclusive, &rcreated, &b.Live)
	if err != nil {
		return pos.Bill{}, fail("bill of order "+orderID, err)
	}
	o.Status = pos.OrderStatus(status)
	o.CreatedAt, o.UpdatedAt, o.ClosedAt = fromMicros(created), fromMicros(updated), fromNullMicros(closed)
	r.CreatedAt = fromMicros(rcreated)
	if err := t.loadOne(ctx, o); err != nil {
		return pos.Bill{}, fail("bill of order "+orderID, err)
	}
	return b, nil
}
