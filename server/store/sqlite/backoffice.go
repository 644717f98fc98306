package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"qrpos/server/pos"
)

// The back office: edits of the catalog, areas, settings, the menu
// version and price history, media and the audit log.

func (t *tx) UpdateCategory(ctx context.Context, c pos.Category) error {
	return t.execOne(ctx, "update category "+c.ID,
		`UPDATE categories SET name = ?, position = ? WHERE store_id = ? AND id = ?`, c.Name, c.Position, c.StoreID, c.ID)
}

func (t *tx) UpdateItem(ctx context.Context, it pos.Item) error {
	op := "update item " + it.ID
	if err := t.execOne(ctx, op, `UPDATE items SET category_id = ?, name = ?, price_minor = ?, tax_rate_bp = ?,
		available = ?, position = ?, sold_out_until = ?, photo = ? WHERE store_id = ? AND id = ?`,
		nullString(it.CategoryID), it.Name, it.Price, it.TaxRateBP, it.Available, it.Position,
		nullMicros(it.SoldOutUntil), it.Photo, it.StoreID, it.ID); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM item_modifier_groups WHERE store_id = ? AND item_id = ?`, it.StoreID, it.ID); err != nil {
		return fail(op, err)
	}
	for i, g := range it.ModifierGroupIDs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO item_modifier_groups (store_id, item_id, group_id, position)
			VALUES (?, ?, ?, ?)`, it.StoreID, it.ID, g, i); err != nil {
			return fail(op+": modifier group "+g, err)
		}
	}
	return nil
}

func (t *tx) UpdateModifierGroup(ctx context.Context, g pos.ModifierGroup) error {
	op := "update modifier group " + g.ID
	if err := t.execOne(ctx, op, `UPDATE modifier_groups SET name = ?, min = ?, max = ?, position = ?
		WHERE store_id = ? AND id = ?`, g.Name, g.Min, g.Max, g.Position, g.StoreID, g.ID); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM modifiers WHERE group_id = ?`, g.ID); err != nil {
		return fail(op, err)
	}
	for _, m := range g.Modifiers {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO modifiers (id, group_id, name, price_minor, position)
			VALUES (?, ?, ?, ?, ?)`, m.ID, g.ID, m.Name, m.Price, m.Position); err != nil {
			return fail(op+": modifier "+m.ID, err)
		}
	}
	return nil
}

func (t *tx) UpdateTable(ctx context.Context, tb pos.Table) error {
	return t.execOne(ctx, "update table "+tb.ID,
		`UPDATE tables SET name = ?, seats = ?, position = ?, area_id = ? WHERE store_id = ? AND id = ?`,
		tb.Name, tb.Seats, tb.Position, nullString(tb.AreaID), tb.StoreID, tb.ID)
}

// Areas.

func (t *tx) CreateArea(ctx context.Context, ar pos.Area) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO areas (id, store_id, name, position) VALUES (?, ?, ?, ?)`,
		ar.ID, ar.StoreID, ar.Name, ar.Position); err != nil {
		return fail("create area "+ar.ID, err)
	}
	return nil
}

func (t *tx) UpdateArea(ctx context.Context, ar pos.Area) error {
	return t.execOne(ctx, "update area "+ar.ID,
		`UPDATE areas SET name = ?, position = ? WHERE store_id = ? AND id = ?`, ar.Name, ar.Position, ar.StoreID, ar.ID)
}

func (t *tx) ListAreas(ctx context.Context, storeID string) ([]pos.Area, error) {
	op := "list areas of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, name, position FROM areas
		WHERE store_id = ? ORDER BY position, name, id`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []pos.Area
	for rows.Next() {
		var a pos.Area
		if err := rows.Scan(&a.ID, &a.StoreID, &a.Name, &a.Position); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// Restaurant and settings.

func (t *tx) UpdateRestaurant(ctx context.Context, r pos.Restaurant) error {
	return t.execOne(ctx, "update restaurant "+r.ID,
		`UPDATE restaurants SET name = ?, address = ?, currency = ? WHERE id = ?`, r.Name, r.Address, r.Currency, r.ID)
}

func (t *tx) SettingsOf(ctx context.Context, storeID string) (pos.Settings, error) {
	st := pos.Settings{StoreID: storeID}
	var url sql.NullString
	var autoPrint sql.NullBool
	var updated int64
	err := t.tx.QueryRowContext(ctx, `SELECT public_url, auto_print, auto_send, updated_at FROM settings WHERE store_id = ?`, storeID).
		Scan(&url, &autoPrint, &st.AutoSend, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return pos.Settings{}, fail("settings of "+storeID, err)
	}
	if url.Valid {
		st.PublicURL = &url.String
	}
	if autoPrint.Valid {
		st.AutoPrint = &autoPrint.Bool
	}
	st.UpdatedAt = fromMicros(updated)
	return st, nil
}

func (t *tx) PutSettings(ctx context.Context, st pos.Settings) error {
	var url, autoPrint any
	if st.PublicURL != nil {
		url = *st.PublicURL
	}
	if st.AutoPrint != nil {
		autoPrint = *st.AutoPrint
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO settings (store_id, public_url, auto_print, auto_send, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (store_id) DO UPDATE SET public_url = excluded.public_url, auto_print = excluded.auto_print,
			auto_send = excluded.auto_send, updated_at = excluded.updated_at`,
		st.StoreID, url, autoPrint, st.AutoSend, micros(st.UpdatedAt)); err != nil {
		return fail("put settings of "+st.StoreID, err)
	}
	return nil
}

// Menu version and prices.

func (t *tx) MenuVersion(ctx context.Context, storeID string) (int64, error) {
	var v int64
	err := t.tx.QueryRowContext(ctx, `SELECT version FROM menu_versions WHERE store_id = ?`, storeID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fail("menu version of "+storeID, err)
	}
	return v, nil
}

func (t *tx) BumpMenuVersion(ctx context.Context, storeID string) (int64, error) {
	var v int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO menu_versions (store_id, version) VALUES (?, 1)
		ON CONFLICT (store_id) DO UPDATE SET version = version + 1 RETURNING version`, storeID).Scan(&v)
	if err != nil {
		return 0, fail("bump menu version of "+storeID, err)
	}
	return v, nil
}

func (t *tx) RecordItemPrice(ctx context.Context, storeID, itemID string, version, price int64) error {
	return t.recordPrice(ctx, "item_prices", "item_id", storeID, itemID, version, price)
}

func (t *tx) RecordModifierPrice(ctx context.Context, storeID, modifierID string, version, price int64) error {
	return t.recordPrice(ctx, "modifier_prices", "modifier_id", storeID, modifierID, version, price)
}

// recordPrice ends the current row and starts a new one. A row that would
// cover no version (started at this very version) is replaced instead.
func (t *tx) recordPrice(ctx context.Context, table, col, storeID, id string, version, price int64) error {
	op := fmt.Sprintf("record price of %s at %d", id, version)
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE store_id = ? AND `+col+` = ? AND version_from = ?`,
		storeID, id, version); err != nil {
		return fail(op, err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE `+table+` SET version_to = ?
		WHERE store_id = ? AND `+col+` = ? AND version_to IS NULL`, version, storeID, id); err != nil {
		return fail(op, err)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO `+table+` (store_id, `+col+`, version_from, version_to, price_minor)
		VALUES (?, ?, ?, NULL, ?)`, storeID, id, version, price); err != nil {
		return fail(op, err)
	}
	return nil
}

func (t *tx) ItemPriceAt(ctx context.Context, storeID, itemID string, version int64) (int64, error) {
	return t.priceAt(ctx, "item_prices", "item_id", storeID, itemID, version)
}

func (t *tx) ModifierPriceAt(ctx context.Context, storeID, modifierID string, version int64) (int64, error) {
	return t.priceAt(ctx, "modifier_prices", "modifier_id", storeID, modifierID, version)
}

func (t *tx) priceAt(ctx context.Context, table, col, storeID, id string, version int64) (int64, error) {
	var p int64
	err := t.tx.QueryRowContext(ctx, `SELECT price_minor FROM `+table+`
		WHERE store_id = ? AND `+col+` = ? AND version_from <= ? AND (version_to IS NULL OR version_to > ?)`,
		storeID, id, version, version).Scan(&p)
	if err != nil {
		return 0, fail(fmt.Sprintf("price of %s at %d", id, version), err)
	}
	return p, nil
}

func (t *tx) HasItemPrices(ctx context.Context, storeID, itemID string) (bool, error) {
	return t.hasPrices(ctx, "item_prices", "item_id", storeID, itemID)
}

func (t *tx) HasModifierPrices(ctx context.Context, storeID, modifierID string) (bool, error) {
	return t.hasPrices(ctx, "modifier_prices", "modifier_id", storeID, modifierID)
}

func (t *tx) hasPrices(ctx context.Context, table, col, storeID, id string) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE store_id = ? AND `+col+` = ?)`,
		storeID, id).Scan(&n); err != nil {
		return false, fail("price history of "+id, err)
	}
	return n == 1, nil
}

// Media.

func (t *tx) PutMedia(ctx context.Context, m pos.Media) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO media (sha256, width, store_id, height, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256, width) DO NOTHING`,
		m.SHA256, m.Width, m.StoreID, m.Height, nonNil(m.Data), micros(m.CreatedAt)); err != nil {
		return fail(fmt.Sprintf("put media %s-%d", m.SHA256, m.Width), err)
	}
	return nil
}

func (t *tx) MediaByKey(ctx context.Context, sha string, width int) (pos.Media, error) {
	m := pos.Media{SHA256: sha, Width: width}
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT store_id, height, data, created_at FROM media WHERE sha256 = ? AND width = ?`,
		sha, width).Scan(&m.StoreID, &m.Height, &m.Data, &created)
	if err != nil {
		return pos.Media{}, fail(fmt.Sprintf("media %s-%d", sha, width), err)
	}
	m.CreatedAt = fromMicros(created)
	return m, nil
}

// Audit log.

func (t *tx) AppendAudit(ctx context.Context, e pos.AuditEntry) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO audit_log (store_id, at, staff_id, staff_name, action, target, detail, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.StoreID, micros(e.At), e.StaffID, e.StaffName, e.Action, e.Target, e.Detail, e.Reason); err != nil {
		return fail("append audit "+e.Action, err)
	}
	return nil
}

func (t *tx) ListAudit(ctx context.Context, f pos.AuditFilter) ([]pos.AuditEntry, error) {
	where := []string{"store_id = ?"}
	args := []any{f.StoreID}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.StaffID != "" {
		where, args = append(where, "staff_id = ?"), append(args, f.StaffID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, micros(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, micros(f.Until))
	}
	q := `SELECT id, store_id, at, staff_id, staff_name, action, target, detail, reason FROM audit_log
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY at DESC, id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	op := "list audit of " + f.StoreID
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []pos.AuditEntry
	for rows.Next() {
		var e pos.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.StoreID, &at, &e.StaffID, &e.StaffName, &e.Action, &e.Target, &e.Detail, &e.Reason); err != nil {
			return nil, fail(op, err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
