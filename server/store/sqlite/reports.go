package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"qrpos/server/ledger"
	"qrpos/server/pos"
)

var _ pos.ReportTx = (*tx)(nil)

// Business days.

func (t *tx) DaySettingsOf(ctx context.Context, storeID string) (pos.DaySettings, error) {
	d := pos.DaySettings{StoreID: storeID}
	var updated int64
	err := t.tx.QueryRowContext(ctx, `SELECT cutoff_minute, time_zone, updated_at FROM business_days WHERE store_id = ?`,
		storeID).Scan(&d.CutoffMinute, &d.TimeZone, &updated)
	if err != nil {
		return pos.DaySettings{}, fail("business day of "+storeID, err)
	}
	d.UpdatedAt = fromMicros(updated)
	return d, nil
}

func (t *tx) PutDaySettings(ctx context.Context, d pos.DaySettings) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO business_days (store_id, cutoff_minute, time_zone, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (store_id) DO UPDATE SET cutoff_minute = excluded.cutoff_minute,
			time_zone = excluded.time_zone, updated_at = excluded.updated_at`,
		d.StoreID, d.CutoffMinute, d.TimeZone, micros(d.UpdatedAt))
	if err != nil {
		return fail("put business day of "+d.StoreID, err)
	}
	return nil
}

// Shifts.

func (t *tx) CreateShift(ctx context.Context, s pos.Shift) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO shifts (id, store_id, staff_id, currency, float_minor, opened_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.ID, s.StoreID, s.StaffID, s.Currency, s.Float, micros(s.OpenedAt))
	if err != nil {
		return fail("create shift "+s.ID, err)
	}
	return nil
}

const shiftCols = `id, store_id, staff_id, currency, float_minor, opened_at, closed_at,
	COALESCE(cash_sales_minor, 0), COALESCE(cash_topups_minor, 0), COALESCE(cash_refunds_minor, 0),
	COALESCE(expected_minor, 0), COALESCE(counted_minor, 0)`

func scanShift(r rowScanner) (pos.Shift, error) {
	var s pos.Shift
	var opened int64
	var closed sql.NullInt64
	if err := r.Scan(&s.ID, &s.StoreID, &s.StaffID, &s.Currency, &s.Float, &opened, &closed, &s.CashSales, &s.CashTopUps,
		&s.CashRefunds, &s.Expected, &s.Counted); err != nil {
		return pos.Shift{}, err
	}
	s.OpenedAt, s.ClosedAt = fromMicros(opened), fromNullMicros(closed)
	return s, nil
}

func (t *tx) ShiftByID(ctx context.Context, storeID, id string) (pos.Shift, error) {
	s, err := scanShift(t.tx.QueryRowContext(ctx, `SELECT `+shiftCols+` FROM shifts WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Shift{}, fail("shift "+id, err)
	}
	return s, nil
}

func (t *tx) OpenShiftOf(ctx context.Context, storeID, staffID string) (pos.Shift, error) {
	s, err := scanShift(t.tx.QueryRowContext(ctx, `SELECT `+shiftCols+` FROM shifts
		WHERE store_id = ? AND staff_id = ? AND closed_at IS NULL`, storeID, staffID))
	if err != nil {
		return pos.Shift{}, fail("open shift of "+staffID, err)
	}
	return s, nil
}

func (t *tx) CloseShift(ctx context.Context, s pos.Shift) error {
	op := "close shift " + s.ID
	if s.ClosedAt == nil {
		return fmt.Errorf("sqlite: %s: no closing time", op)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE shifts SET closed_at = ?, cash_sales_minor = ?, cash_topups_minor = ?, cash_refunds_minor = ?,
			expected_minor = ?, counted_minor = ?
		WHERE store_id = ? AND id = ? AND closed_at IS NULL`,
		micros(*s.ClosedAt), s.CashSales, s.CashTopUps, s.CashRefunds, s.Expected, s.Counted, s.StoreID, s.ID)
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		if _, err := t.ShiftByID(ctx, s.StoreID, s.ID); err != nil {
			return err
		}
		return fmt.Errorf("sqlite: %s: %w: closed already", op, pos.ErrConflict)
	}
	return nil
}

func (t *tx) CashTakenBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error) {
	var sum int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(td.amount_minor), 0)
		FROM tenders td JOIN orders o ON o.id = td.order_id
		WHERE td.created_by = ? AND td.created_at >= ? AND td.created_at < ? AND td.kind = 'cash' AND o.store_id = ?`,
		staffID, micros(from), micros(to), storeID).Scan(&sum)
	if err != nil {
		return 0, fail("cash taken by "+staffID, err)
	}
	return sum, nil
}

// CashTopUpsBy sums the cash a member of staff took for wallet top-ups
// (what the top-up entries put in the cash drawer).
func (t *tx) CashTopUpsBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error) {
	var sum int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(p.amount_minor), 0)
		FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ? AND e.staff_id = ? AND e.kind = 'topup' AND e.at >= ? AND e.at < ? AND p.account = ?`,
		storeID, staffID, micros(from), micros(to), ledger.CashDrawer(storeID)).Scan(&sum)
	if err != nil {
		return 0, fail("cash top-ups by "+staffID, err)
	}
	return sum, nil
}

// CashRefundsBy sums the cash a member of staff gave back from cash
// payments.
func (t *tx) CashRefundsBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error) {
	var sum int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_minor), 0) FROM cash_refunds
		WHERE store_id = ? AND created_by = ? AND created_at >= ? AND created_at < ?`,
		storeID, staffID, micros(from), micros(to)).Scan(&sum)
	if err != nil {
		return 0, fail("cash refunds by "+staffID, err)
	}
	return sum, nil
}

// Reports.

// LedgerTotals sums the postings to the store's revenue, tips and refunds
// accounts by entry kind and rail. A cash sale's and a cash refund's rail
// is cash; any other entry's is the rail of the intent it refers to.
func (t *tx) LedgerTotals(ctx context.Context, storeID string, from, to time.Time) ([]pos.LedgerTotal, error) {
	op := "ledger totals of " + storeID
	rev, tips, refunds := ledger.Revenue(storeID), ledger.Tips(storeID), ledger.Refunds(storeID)
	rows, err := t.tx.QueryContext(ctx, `SELECT e.kind,
			CASE WHEN e.kind IN ('cash_sale', 'cash_refund') THEN 'cash' ELSE COALESCE(i.rail, '') END AS rail,
			CASE p.account WHEN ?1 THEN 'revenue' WHEN ?2 THEN 'tips' ELSE 'refunds' END AS class,
			SUM(p.amount_minor), COUNT(*)
		FROM ledger_entries e
		JOIN ledger_postings p ON p.entry_id = e.id
		LEFT JOIN intents i ON i.store_id = e.store_id AND i.id = e.ref AND e.kind NOT IN ('cash_sale', 'cash_refund')
		WHERE e.store_id = ?4 AND e.at >= ?5 AND e.at < ?6 AND p.account IN (?1, ?2, ?3)
		GROUP BY 1, 2, 3`, rev, tips, refunds, storeID, micros(from), micros(to))
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var list []pos.LedgerTotal
	for rows.Next() {
		var lt pos.LedgerTotal
		var kind string
		if err := rows.Scan(&kind, &lt.Rail, &lt.Account, &lt.Sum, &lt.Entries); err != nil {
			return nil, fail(op, err)
		}
		lt.Kind = ledger.Kind(kind)
		list = append(list, lt)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return list, nil
}

// closedOrders selects the store's orders paid or closed in [?2, ?3).
const closedOrders = `SELECT id FROM orders
	WHERE store_id = ?1 AND closed_at >= ?2 AND closed_at < ?3 AND status IN ('paid', 'closed')`

// lineGross is a line's total at the prices charged: the item plus its
// modifiers, times the quantity.
const lineGross = `(l.base_price_minor + COALESCE((SELECT SUM(m.price_minor) FROM order_line_modifiers m
	WHERE m.order_id = l.order_id AND m.line_position = l.position), 0)) * l.qty`

// taxOf computes the tax of gross at rate as pos.ComputeTotals does: per
// order and rate, rounded half up; ?4 is 1 when prices include tax.
const taxOf = `CASE WHEN rate = 0 THEN 0
	WHEN ?4 = 1 THEN (gross * rate + (10000 + rate) / 2) / (10000 + rate)
	ELSE (gross * rate + 5000) / 10000 END`

func (t *tx) OrderTotals(ctx context.Context, storeID string, taxInclusive bool, from, to time.Time) (pos.OrderTotals, error) {
	op := "order totals of " + storeID
	ot := pos.OrderTotals{TaxByRate: map[int]int64{}}
	incl := 0
	if taxInclusive {
		incl = 1
	}
	args := []any{storeID, micros(from), micros(to), incl}
	rows, err := t.tx.QueryContext(ctx, `WITH g AS (
			SELECT l.order_id, l.tax_rate_bp AS rate, SUM(`+lineGross+`) AS gross
			FROM order_lines l WHERE l.order_id IN (`+closedOrders+`)
			GROUP BY l.order_id, l.tax_rate_bp)
		SELECT rate, SUM(gross), SUM(`+taxOf+`) FROM g GROUP BY rate`, args...)
	if err != nil {
		return ot, fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rate int
		var gross, tax int64
		if err := rows.Scan(&rate, &gross, &tax); err != nil {
			return ot, fail(op, err)
		}
		ot.Subtotal += gross
		ot.Tax += tax
		if tax != 0 {
			ot.TaxByRate[rate] += tax
		}
	}
	if err := rows.Err(); err != nil {
		return ot, fail(op, err)
	}
	err = t.tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM (`+closedOrders+`)),
			(SELECT COALESCE(SUM(CASE WHEN td.kind = 'void' THEN -td.amount_minor ELSE td.amount_minor END), 0)
				FROM tenders td WHERE td.order_id IN (`+closedOrders+`)),
			(SELECT COUNT(*) FROM orders WHERE store_id = ?1 AND closed_at >= ?2 AND closed_at < ?3 AND status = 'void')`,
		storeID, micros(from), micros(to)).Scan(&ot.Orders, &ot.Paid, &ot.Voided)
	if err != nil {
		return ot, fail(op, err)
	}
	return ot, nil
}

// ItemSales sums the lines of the orders closed in the range by item,
// ordered by the category's position on the menu, then by sales.
func (t *tx) ItemSales(ctx context.Context, storeID string, from, to time.Time) ([]pos.ItemSales, error) {
	op := "item sales of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT l.item_id, MIN(l.name), COALESCE(c.name, ''), COALESCE(c.position, 1000000000),
			SUM(l.qty), SUM(`+lineGross+`)
		FROM order_lines l
		LEFT JOIN items it ON it.store_id = ?1 AND it.id = l.item_id
		LEFT JOIN categories c ON c.store_id = ?1 AND c.id = it.category_id
		WHERE l.order_id IN (`+closedOrders+`)
		GROUP BY l.item_id
		ORDER BY 4, 3, 6 DESC, 2`, storeID, micros(from), micros(to))
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var list []pos.ItemSales
	for rows.Next() {
		var it pos.ItemSales
		if err := rows.Scan(&it.ItemID, &it.Name, &it.Category, &it.CatPos, &it.Qty, &it.Sales); err != nil {
			return nil, fail(op, err)
		}
		list = append(list, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return list, nil
}

// HourlySales sums the revenue of charges and cash sales by the hour
// after from they fell in.
func (t *tx) HourlySales(ctx context.Context, storeID string, from, to time.Time) ([]pos.HourSales, error) {
	op := "hourly sales of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT (e.at - ?2) / 3600000000 AS hour, -SUM(p.amount_minor), COUNT(*)
		FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ?1 AND e.at >= ?2 AND e.at < ?3 AND e.kind IN ('charge', 'cash_sale') AND p.account = ?4
		GROUP BY 1 ORDER BY 1`, storeID, micros(from), micros(to), ledger.Revenue(storeID))
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var list []pos.HourSales
	for rows.Next() {
		var h pos.HourSales
		if err := rows.Scan(&h.Hour, &h.Sales, &h.Entries); err != nil {
			return nil, fail(op, err)
		}
		list = append(list, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return list, nil
}

// Z records.

func (t *tx) CreateZRecord(ctx context.Context, z pos.ZRecord) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO z_reports (store_id, day, closed_by, closed_at, report) VALUES (?, ?, ?, ?, ?)`,
		z.StoreID, z.Day, z.ClosedBy, micros(z.ClosedAt), z.Report)
	if err != nil {
		return fail("create z report "+z.Day, err)
	}
	return nil
}

func (t *tx) ZRecordOf(ctx context.Context, storeID, day string) (pos.ZRecord, error) {
	z := pos.ZRecord{StoreID: storeID, Day: day}
	var closed int64
	err := t.tx.QueryRowContext(ctx, `SELECT closed_by, closed_at, report FROM z_reports WHERE store_id = ? AND day = ?`,
		storeID, day).Scan(&z.ClosedBy, &closed, &z.Report)
	if err != nil {
		return pos.ZRecord{}, fail("z report "+day, err)
	}
	z.ClosedAt = fromMicros(closed)
	return z, nil
}

// Reconciliation.

// reconcileQueries each select (kind, ref, order id, want, got, detail)
// rows of one kind of difference, with ?1 the store, [?2, ?3) the range
// and ?4 whether prices include tax.
var reconcileQueries = []string{
	// Money taken (a captured intent) with no charge entry.
	`SELECT '` + pos.DiffIntentNoEntry + `', i.id, i.order_id, i.amount_minor, 0, i.rail || ' payment is ' || i.status || ' but has no charge entry'
	FROM intents i
	WHERE i.store_id = ?1 AND i.created_at >= ?2 AND i.created_at < ?3
	  AND i.status IN ('succeeded', 'partially_refunded', 'refunded')
	  AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.ref = i.id AND e.store_id = i.store_id AND e.kind = 'charge')`,
	// A refunded amount the refund entries do not add up to.
	`SELECT '` + pos.DiffRefundMismatch + `', i.id, i.order_id, i.refunded_minor, COALESCE(r.sum, 0), 'refunded amount differs from its refund entries'
	FROM intents i
	LEFT JOIN (SELECT e.ref, SUM(p.amount_minor) AS sum FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ?1 AND e.kind = 'refund' AND p.account = 'store:' || ?1 || ':refunds'
		  AND e.ref IN (SELECT id FROM intents WHERE store_id = ?1 AND created_at >= ?2 AND created_at < ?3)
		GROUP BY e.ref) r ON r.ref = i.id
	WHERE i.store_id = ?1 AND i.created_at >= ?2 AND i.created_at < ?3 AND i.refunded_minor <> COALESCE(r.sum, 0)`,
	// Cash given back from a cash payment that its entries do not add up to.
	`SELECT '` + pos.DiffRefundMismatch + `', td.id, td.order_id, td.refunded_minor, COALESCE(r.sum, 0), 'cash refunded differs from its cash refund entries'
	FROM tenders td JOIN orders o ON o.id = td.order_id
	LEFT JOIN (SELECT e.ref, SUM(p.amount_minor) AS sum FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ?1 AND e.kind = 'cash_refund' AND p.account = 'store:' || ?1 || ':refunds'
		GROUP BY e.ref) r ON r.ref = td.id
	WHERE o.store_id = ?1 AND td.kind = 'cash' AND td.created_at >= ?2 AND td.created_at < ?3
	  AND td.refunded_minor <> COALESCE(r.sum, 0)`,
	// Charges, refunds and voids whose intent does not exist; cash sales
	// and cash refunds whose tender does not exist.
	`SELECT '` + pos.DiffEntryNoIntent + `', e.id, '', 0, 0, e.kind || ' entry names ' || e.ref || ', which does not exist'
	FROM ledger_entries e
	WHERE e.store_id = ?1 AND e.at >= ?2 AND e.at < ?3
	  AND ((e.kind IN ('charge', 'refund', 'reversal') AND NOT EXISTS (SELECT 1 FROM intents i WHERE i.store_id = e.store_id AND i.id = e.ref))
	    OR (e.kind IN ('cash_sale', 'cash_refund') AND NOT EXISTS (SELECT 1 FROM tenders td WHERE td.id = e.ref)))`,
	// Entries whose postings do not sum to zero.
	`SELECT '` + pos.DiffUnbalanced + `', e.id, '', 0, SUM(p.amount_minor), 'postings in ' || p.currency || ' do not sum to zero'
	FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
	WHERE e.store_id = ?1 AND e.at >= ?2 AND e.at < ?3
	GROUP BY e.id, p.currency HAVING SUM(p.amount_minor) <> 0`,
	// Paid orders whose payments do not add up to their total.
	`WITH c AS (` + closedOrders + `),
	g AS (SELECT l.order_id, l.tax_rate_bp AS rate, SUM(` + lineGross + `) AS gross
		FROM order_lines l WHERE l.order_id IN (SELECT id FROM c) GROUP BY l.order_id, l.tax_rate_bp),
	tot AS (SELECT order_id, SUM(gross) + CASE WHEN ?4 = 1 THEN 0 ELSE SUM(` + taxOf + `) END AS total FROM g GROUP BY order_id),
	paid AS (SELECT td.order_id, SUM(CASE WHEN td.kind = 'void' THEN -td.amount_minor ELSE td.amount_minor END) AS paid
		FROM tenders td WHERE td.order_id IN (SELECT id FROM c) GROUP BY td.order_id)
	SELECT '` + pos.DiffOrderUnpaid + `', c.id, c.id, COALESCE(tot.total, 0), COALESCE(paid.paid, 0), 'paid order''s payments do not add up to its total'
	FROM c LEFT JOIN tot ON tot.order_id = c.id LEFT JOIN paid ON paid.order_id = c.id
	WHERE COALESCE(tot.total, 0) <> COALESCE(paid.paid, 0)`,
	// Wallets that moved in the range whose balance is not their postings.
	`WITH w AS (SELECT DISTINCT p.account FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ?1 AND e.at >= ?2 AND e.at < ?3 AND p.account >= 'wallet:' AND p.account < 'wallet;')
	SELECT '` + pos.DiffWalletBalance + `', substr(w.account, 8), '', COALESCE(m.balance_minor, 0),
		COALESCE((SELECT -SUM(p.amount_minor) FROM ledger_postings p WHERE p.account = w.account AND p.currency = m.currency), 0),
		CASE WHEN m.id IS NULL THEN 'postings to a wallet that does not exist' ELSE 'wallet balance differs from its postings' END
	FROM w LEFT JOIN wallet_members m ON m.id = substr(w.account, 8)
	WHERE m.id IS NULL OR m.balance_minor <> COALESCE((SELECT -SUM(p.amount_minor) FROM ledger_postings p WHERE p.account = w.account AND p.currency = m.currency), 0)`,
}

func (t *tx) Reconcile(ctx context.Context, storeID string, taxInclusive bool, from, to time.Time) ([]pos.Discrepancy, error) {
	op := "reconcile " + storeID
	incl := 0
	if taxInclusive {
		incl = 1
	}
	var list []pos.Discrepancy
	for _, q := range reconcileQueries {
		rows, err := t.tx.QueryContext(ctx, q, storeID, micros(from), micros(to), incl)
		if err != nil {
			return nil, fail(op, err)
		}
		for rows.Next() {
			var d pos.Discrepancy
			if err := rows.Scan(&d.Kind, &d.Ref, &d.OrderID, &d.Want, &d.Got, &d.Detail); err != nil {
				rows.Close()
				return nil, fail(op, err)
			}
			list = append(list, d)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fail(op, err)
		}
	}
	return list, nil
}

func (t *tx) EntryByID(ctx context.Context, storeID, id string) (ledger.Entry, error) {
	list, err := t.entries(ctx, `store_id = ? AND id = ?`, []any{storeID, id})
	if err != nil {
		return ledger.Entry{}, fail("entry "+id, err)
	}
	if len(list) == 0 {
		return ledger.Entry{}, fmt.Errorf("sqlite: entry %s: %w", id, pos.ErrNotFound)
	}
	return list[0], nil
}

// Exports.

func (t *tx) ExportOrders(ctx context.Context, storeID string, from, to time.Time, fn func(pos.ExportOrder) error) error {
	op := "export orders of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT o.id, o.number, o.status, COALESCE(tb.name, ''), COALESCE(s.name, ''),
			o.created_at, o.closed_at, o.currency,
			COALESCE((SELECT group_concat(l.name || ' x' || l.qty, '; ') FROM order_lines l WHERE l.order_id = o.id), ''),
			COALESCE((SELECT SUM(l.qty) FROM order_lines l WHERE l.order_id = o.id), 0),
			COALESCE((SELECT SUM(`+lineGross+`) FROM order_lines l WHERE l.order_id = o.id), 0),
			COALESCE((SELECT SUM(CASE WHEN td.kind = 'void' THEN -td.amount_minor ELSE td.amount_minor END)
				FROM tenders td WHERE td.order_id = o.id), 0)
		FROM orders o
		LEFT JOIN tables tb ON tb.store_id = o.store_id AND tb.id = o.table_id
		LEFT JOIN staff s ON s.store_id = o.store_id AND s.id = o.created_by
		WHERE o.store_id = ? AND o.created_at >= ? AND o.created_at < ?
		ORDER BY o.created_at, o.id`, storeID, micros(from), micros(to))
	if err != nil {
		return fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var o pos.ExportOrder
		var status string
		var created int64
		var closed sql.NullInt64
		if err := rows.Scan(&o.ID, &o.Number, &status, &o.Table, &o.CreatedBy, &created, &closed, &o.Currency,
			&o.Items, &o.Qty, &o.Subtotal, &o.Paid); err != nil {
			return fail(op, err)
		}
		o.Status, o.CreatedAt, o.ClosedAt = pos.OrderStatus(status), fromMicros(created), fromNullMicros(closed)
		if err := fn(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fail(op, err)
	}
	return nil
}

func (t *tx) ExportPayments(ctx context.Context, storeID string, from, to time.Time, fn func(pos.ExportPayment) error) error {
	op := "export payments of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, order_id, number, method, rail, status, amount, tip, refunded, currency, payer_ref, reason, created_at FROM (
			SELECT i.id, i.order_id, o.number, i.method, i.rail, i.status, i.amount_minor AS amount, i.tip_minor AS tip,
				i.refunded_minor AS refunded, i.currency, i.payer_ref, i.reason, i.created_at
			FROM intents i JOIN orders o ON o.store_id = i.store_id AND o.id = i.order_id
			WHERE i.store_id = ?1 AND i.created_at >= ?2 AND i.created_at < ?3
			UNION ALL
			SELECT td.id, td.order_id, o.number, td.kind, td.kind, 'succeeded', td.amount_minor, 0, 0, o.currency, '', '', td.created_at
			FROM tenders td JOIN orders o ON o.id = td.order_id
			WHERE o.store_id = ?1 AND td.created_at >= ?2 AND td.created_at < ?3 AND td.kind = 'cash')
		ORDER BY created_at, id`, storeID, micros(from), micros(to))
	if err != nil {
		return fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p pos.ExportPayment
		var created int64
		if err := rows.Scan(&p.ID, &p.OrderID, &p.OrderNumber, &p.Method, &p.Rail, &p.Status, &p.Amount, &p.Tip, &p.Refunded,
			&p.Currency, &p.PayerRef, &p.Reason, &created); err != nil {
			return fail(op, err)
		}
		p.CreatedAt = fromMicros(created)
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fail(op, err)
	}
	return nil
}

func (t *tx) ExportPostings(ctx context.Context, storeID string, from, to time.Time, fn func(pos.ExportPosting) error) error {
	op := "export ledger of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT e.id, e.at, e.kind, e.ref, COALESCE(e.reverses, ''), p.account, p.amount_minor, p.currency
		FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
		WHERE e.store_id = ? AND e.at >= ? AND e.at < ?
		ORDER BY e.at, e.id, p.position`, storeID, micros(from), micros(to))
	if err != nil {
		return fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p pos.ExportPosting
		var at int64
		if err := rows.Scan(&p.EntryID, &at, &p.Kind, &p.Ref, &p.Reverses, &p.Account, &p.Amount, &p.Currency); err != nil {
			return fail(op, err)
		}
		p.At = fromMicros(at)
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fail(op, err)
	}
	return nil
}
