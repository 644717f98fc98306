package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"qrpos/server/pos"
)

// NextOrderNumber returns one more than the highest number of the store.
// It must run in the Write transaction that creates the order, which makes
// it race-free.
func (t *tx) NextOrderNumber(ctx context.Context, storeID string) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(number), 0) + 1 FROM orders WHERE store_id = ?`, storeID).Scan(&n)
	if err != nil {
		return 0, fail("next order number of "+storeID, err)
	}
	return n, nil
}

// CreateOrder inserts the order with its lines and tenders.
func (t *tx) CreateOrder(ctx context.Context, o pos.Order) error {
	op := "create order " + o.ID
	_, err := t.tx.ExecContext(ctx, `INSERT INTO orders
		(id, store_id, number, table_id, status, currency, version, created_by,
		 created_at, updated_at, closed_at, void_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.StoreID, o.Number, nullString(o.TableID), string(o.Status), o.Currency, o.Version,
		nullString(o.CreatedBy), micros(o.CreatedAt), micros(o.UpdatedAt), nullMicros(o.ClosedAt), o.VoidReason)
	if err != nil {
		return fail(op, err)
	}
	if err := t.insertLines(ctx, o.ID, o.Lines); err != nil {
		return fail(op, err)
	}
	for _, td := range o.Tenders {
		td.OrderID = o.ID
		if err := t.insertTender(ctx, td); err != nil {
			return fail(op+": tender "+td.ID, err)
		}
	}
	return nil
}

func (t *tx) insertLines(ctx context.Context, orderID string, lines []pos.Line) error {
	if len(lines) == 0 {
		return nil
	}
	ls, err := t.tx.PrepareContext(ctx, `INSERT INTO order_lines
		(order_id, position, id, item_id, name, base_price_minor, qty, note, tax_rate_bp, sent, submission_id, pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ls.Close()
	var ms *stmt
	for i, l := range lines {
		if _, err := ls.ExecContext(ctx, orderID, i, l.ID, l.ItemID, l.Name, l.BasePrice, l.Qty,
			l.Note, l.TaxRateBP, l.Sent, nullString(l.Submission), l.Pending); err != nil {
			return fmt.Errorf("line %s: %w", l.ID, err)
		}
		for j, m := range l.Modifiers {
			if ms == nil {
				ms, err = t.tx.PrepareContext(ctx, `INSERT INTO order_line_modifiers
					(order_id, line_position, position, modifier_id, name, price_minor)
					VALUES (?, ?, ?, ?, ?, ?)`)
				if err != nil {
					return err
				}
				defer ms.Close()
			}
			if _, err := ms.ExecContext(ctx, orderID, i, j, m.ID, m.Name, m.Price); err != nil {
				return fmt.Errorf("line %s: modifier %s: %w", l.ID, m.ID, err)
			}
		}
	}
	return nil
}

func (t *tx) OrderByID(ctx context.Context, storeID, id string) (pos.Order, error) {
	list, err := t.orders(ctx, `store_id = ? AND id = ?`, []any{storeID, id}, 0)
	if err != nil {
		return pos.Order{}, fail("order "+id, err)
	}
	if len(list) == 0 {
		return pos.Order{}, fail("order "+id, sql.ErrNoRows)
	}
	return list[0], nil
}

// UpdateOrder saves status, version, updated_at, closed_at, void reason and
// the lines, which replace the stored ones. CreatedAt, the table, the
// number, the currency and the tenders do not change.
func (t *tx) UpdateOrder(ctx context.Context, o pos.Order) error {
	op := "update order " + o.ID
	if err := t.updateOrderRow(ctx, op, o); err != nil {
		return err
	}
	// Modifiers go with their lines (ON DELETE CASCADE).
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ?`, o.ID); err != nil {
		return fail(op, err)
	}
	if err := t.insertLines(ctx, o.ID, o.Lines); err != nil {
		return fail(op, err)
	}
	return nil
}

func (t *tx) UpdateOrderState(ctx context.Context, o pos.Order) error {
	return t.updateOrderRow(ctx, "update order state "+o.ID, o)
}

// updateOrderRow saves an order's own columns if its stored version is
// o.Version-1.
func (t *tx) updateOrderRow(ctx context.Context, op string, o pos.Order) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE orders
		SET status = ?, version = ?, updated_at = ?, closed_at = ?, void_reason = ?
		WHERE store_id = ? AND id = ? AND version = ?`,
		string(o.Status), o.Version, micros(o.UpdatedAt), nullMicros(o.ClosedAt), o.VoidReason,
		o.StoreID, o.ID, o.Version-1)
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n == 0 {
		var stored int
		err := t.tx.QueryRowContext(ctx, `SELECT version FROM orders WHERE store_id = ? AND id = ?`,
			o.StoreID, o.ID).Scan(&stored)
		if err != nil {
			return fail(op, err)
		}
		return fmt.Errorf("sqlite: %s: %w: stored version is %d, want %d", op, pos.ErrConflict, stored, o.Version-1)
	}
	return nil
}

// ListOrders returns the orders that f selects, newest first (by creation
// time, then number), with their lines and tenders.
func (t *tx) ListOrders(ctx context.Context, f pos.OrderFilter) ([]pos.Order, error) {
	var where []string
	var args []any
	if f.StoreID != "" {
		where = append(where, `store_id = ?`)
		args = append(args, f.StoreID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+`)`)
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if f.TableID != "" {
		where = append(where, `table_id = ?`)
		args = append(args, f.TableID)
	}
	if !f.ClosedSince.IsZero() {
		where = append(where, `closed_at >= ?`)
		args = append(args, micros(f.ClosedSince))
	}
	if len(where) == 0 {
		where = append(where, `TRUE`)
	}
	list, err := t.orders(ctx, strings.Join(where, " AND "), args, f.Limit)
	if err != nil {
		return nil, fail("list orders", err)
	}
	return list, nil
}

const orderCols = `id, store_id, number, COALESCE(table_id, ''), status, currency, version,
	COALESCE(created_by, ''), created_at, updated_at, closed_at, void_reason`

// orders loads the orders matching where, newest first, with their lines,
// line modifiers and tenders: four queries whatever the number of orders.
func (t *tx) orders(ctx context.Context, where string, args []any, limit int) ([]pos.Order, error) {
	if limit <= 0 {
		limit = -1 // no limit
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT `+orderCols+` FROM orders WHERE `+where+`
		ORDER BY created_at DESC, number DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []pos.Order
	index := map[string]int{}
	var ids []string
	for rows.Next() {
		var o pos.Order
		var status string
		var created, updated int64
		var closed sql.NullInt64
		if err := rows.Scan(&o.ID, &o.StoreID, &o.Number, &o.TableID, &status, &o.Currency, &o.Version,
			&o.CreatedBy, &created, &updated, &closed, &o.VoidReason); err != nil {
			return nil, err
		}
		o.Status = pos.OrderStatus(status)
		o.CreatedAt, o.UpdatedAt, o.ClosedAt = fromMicros(created), fromMicros(updated), fromNullMicros(closed)
		index[o.ID] = len(list)
		ids = append(ids, o.ID)
		list = append(list, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(list) == 0 {
		return nil, nil
	}
	if len(list) == 1 {
		// One order (OrderByID, the hot path of every payment): plain
		// equality, and its lines with their modifiers in one query.
		if err := t.loadOne(ctx, &list[0]); err != nil {
			return nil, err
		}
		return list, nil
	}
	// The ids travel as one JSON array parameter, whatever their number.
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	if err := t.loadLines(ctx, list, index, string(idsJSON)); err != nil {
		return nil, err
	}
	if err := t.loadTenders(ctx, list, index, string(idsJSON)); err != nil {
		return nil, err
	}
	return list, nil
}

func (t *tx) loadLines(ctx context.Context, list []pos.Order, index map[string]int, idsJSON string) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT order_id, id, item_id, name, base_price_minor, qty, note, tax_rate_bp, sent,
		COALESCE(submission_id, ''), pending
		FROM order_lines WHERE order_id IN (SELECT value FROM json_each(?))
		ORDER BY order_id, position`, idsJSON)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var orderID string
		var l pos.Line
		if err := rows.Scan(&orderID, &l.ID, &l.ItemID, &l.Name, &l.BasePrice, &l.Qty, &l.Note,
			&l.TaxRateBP, &l.Sent, &l.Submission, &l.Pending); err != nil {
			return err
		}
		o := &list[index[orderID]]
		o.Lines = append(o.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	// Line positions are 0..n-1 (insertLines writes them so), which makes
	// them indexes into Lines.
	mrows, err := t.tx.QueryContext(ctx, `SELECT order_id, line_position, modifier_id, name, price_minor
		FROM order_line_modifiers WHERE order_id IN (SELECT value FROM json_each(?))
		ORDER BY order_id, line_position, position`, idsJSON)
	if err != nil {
		return err
	}
	defer mrows.Close()
	for mrows.Next() {
		var orderID string
		var line int
		var m pos.LineModifier
		if err := mrows.Scan(&orderID, &line, &m.ID, &m.Name, &m.Price); err != nil {
			return err
		}
		o := &list[index[orderID]]
		if line < 0 || line >= len(o.Lines) {
			return fmt.Errorf("order %s: modifier %s of line %d out of range", orderID, m.ID, line)
		}
		o.Lines[line].Modifiers = append(o.Lines[line].Modifiers, m)
	}
	return mrows.Err()
}

// loadOne loads the lines, line modifiers and tenders of one order, in two
// queries.
func (t *tx) loadOne(ctx context.Context, o *pos.Order) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT l.position, l.id, l.item_id, l.name, l.base_price_minor, l.qty, l.note,
		l.tax_rate_bp, l.sent, COALESCE(l.submission_id, ''), l.pending, m.modifier_id, m.name, m.price_minor
		FROM order_lines l LEFT JOIN order_line_modifiers m ON m.order_id = l.order_id AND m.line_position = l.position
		WHERE l.order_id = ? ORDER BY l.position, m.position`, o.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	last := -1
	for rows.Next() {
		var position int
		var l pos.Line
		var modID, modName sql.NullString
		var modPrice sql.NullInt64
		if err := rows.Scan(&position, &l.ID, &l.ItemID, &l.Name, &l.BasePrice, &l.Qty, &l.Note,
			&l.TaxRateBP, &l.Sent, &l.Submission, &l.Pending, &modID, &modName, &modPrice); err != nil {
			return err
		}
		if position != last {
			o.Lines = append(o.Lines, l)
			last = position
		}
		if modID.Valid {
			line := &o.Lines[len(o.Lines)-1]
			line.Modifiers = append(line.Modifiers, pos.LineModifier{ID: modID.String, Name: modName.String, Price: modPrice.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	trows, err := t.tx.QueryContext(ctx, `SELECT `+tenderCols+` FROM tenders WHERE order_id = ? ORDER BY position`, o.ID)
	if err != nil {
		return err
	}
	defer trows.Close()
	for trows.Next() {
		td, err := scanTender(trows)
		if err != nil {
			return err
		}
		o.Tenders = append(o.Tenders, td)
	}
	return trows.Err()
}

// tenderCols are the columns scanTender reads.
const tenderCols = `id, order_id, kind, amount_minor, tendered_minor, change_minor, tip_minor, refunded_minor,
	COALESCE(created_by, ''), created_at`

func scanTender(r rowScanner) (pos.Tender, error) {
	var td pos.Tender
	var created int64
	if err := r.Scan(&td.ID, &td.OrderID, &td.Kind, &td.Amount, &td.Tendered, &td.Change, &td.Tip, &td.Refunded, &td.CreatedBy, &created); err != nil {
		return pos.Tender{}, err
	}
	td.CreatedAt = fromMicros(created)
	return td, nil
}

func (t *tx) loadTenders(ctx context.Context, list []pos.Order, index map[string]int, idsJSON string) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+tenderCols+`
		FROM tenders WHERE order_id IN (SELECT value FROM json_each(?))
		ORDER BY order_id, position`, idsJSON)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		td, err := scanTender(rows)
		if err != nil {
			return err
		}
		o := &list[index[td.OrderID]]
		o.Tenders = append(o.Tenders, td)
	}
	return rows.Err()
}

// CreateTender appends a tender to its order.
func (t *tx) CreateTender(ctx context.Context, td pos.Tender) error {
	if err := t.insertTender(ctx, td); err != nil {
		return fail("create tender "+td.ID, err)
	}
	return nil
}

func (t *tx) insertTender(ctx context.Context, td pos.Tender) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO tenders
		(id, order_id, position, kind, amount_minor, tendered_minor, change_minor, tip_minor, refunded_minor, created_by, created_at)
		VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM tenders WHERE order_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)`,
		td.ID, td.OrderID, td.OrderID, td.Kind, td.Amount, td.Tendered, td.Change, td.Tip, td.Refunded,
		nullString(td.CreatedBy), micros(td.CreatedAt))
	return err
}
