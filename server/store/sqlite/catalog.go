package sqlite

import (
	"context"
	"database/sql"

	"qrpos/server/pos"
)

func (t *tx) CreateCategory(ctx context.Context, c pos.Category) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO categories (id, store_id, name, position)
		VALUES (?, ?, ?, ?)`, c.ID, c.StoreID, c.Name, c.Position)
	if err != nil {
		return fail("create category "+c.ID, err)
	}
	return nil
}

func (t *tx) ListCategories(ctx context.Context, storeID string) ([]pos.Category, error) {
	op := "list categories of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, name, position FROM categories
		WHERE store_id = ? ORDER BY position, name, id`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var cs []pos.Category
	for rows.Next() {
		var c pos.Category
		if err := rows.Scan(&c.ID, &c.StoreID, &c.Name, &c.Position); err != nil {
			return nil, fail(op, err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return cs, nil
}

func (t *tx) CreateModifierGroup(ctx context.Context, g pos.ModifierGroup) error {
	op := "create modifier group " + g.ID
	_, err := t.tx.ExecContext(ctx, `INSERT INTO modifier_groups (id, store_id, name, min, max, position)
		VALUES (?, ?, ?, ?, ?, ?)`, g.ID, g.StoreID, g.Name, g.Min, g.Max, g.Position)
	if err != nil {
		return fail(op, err)
	}
	for _, m := range g.Modifiers {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO modifiers (id, group_id, name, price_minor, position)
			VALUES (?, ?, ?, ?, ?)`, m.ID, g.ID, m.Name, m.Price, m.Position)
		if err != nil {
			return fail(op+": modifier "+m.ID, err)
		}
	}
	return nil
}

// ListModifierGroups returns the store's groups with their modifiers, both
// ordered by position, then name.
func (t *tx) ListModifierGroups(ctx context.Context, storeID string) ([]pos.ModifierGroup, error) {
	op := "list modifier groups of " + storeID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, name, min, max, position FROM modifier_groups
		WHERE store_id = ? ORDER BY position, name, id`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var gs []pos.ModifierGroup
	index := map[string]int{}
	for rows.Next() {
		var g pos.ModifierGroup
		if err := rows.Scan(&g.ID, &g.StoreID, &g.Name, &g.Min, &g.Max, &g.Position); err != nil {
			return nil, fail(op, err)
		}
		index[g.ID] = len(gs)
		gs = append(gs, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	rows.Close()

	mrows, err := t.tx.QueryContext(ctx, `SELECT m.group_id, m.id, m.name, m.price_minor, m.position
		FROM modifiers m JOIN modifier_groups g ON g.id = m.group_id
		WHERE g.store_id = ? ORDER BY m.group_id, m.position, m.name, m.id`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var groupID string
		var m pos.Modifier
		if err := mrows.Scan(&groupID, &m.ID, &m.Name, &m.Price, &m.Position); err != nil {
			return nil, fail(op, err)
		}
		i := index[groupID]
		gs[i].Modifiers = append(gs[i].Modifiers, m)
	}
	if err := mrows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return gs, nil
}

func (t *tx) CreateItem(ctx context.Context, it pos.Item) error {
	op := "create item " + it.ID
	_, err := t.tx.ExecContext(ctx, `INSERT INTO items
		(id, store_id, category_id, name, price_minor, tax_rate_bp, available, position, sold_out_until, photo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.StoreID, nullString(it.CategoryID), it.Name, it.Price, it.TaxRateBP, it.Available, it.Position,
		nullMicros(it.SoldOutUntil), it.Photo)
	if err != nil {
		return fail(op, err)
	}
	for i, g := range it.ModifierGroupIDs {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO item_modifier_groups (store_id, item_id, group_id, position)
			VALUES (?, ?, ?, ?)`, it.StoreID, it.ID, g, i)
		if err != nil {
			return fail(op+": modifier group "+g, err)
		}
	}
	return nil
}

const itemCols = `id, store_id, COALESCE(category_id, ''), name, price_minor, tax_rate_bp, available, position, sold_out_until, photo`

func scanItem(s rowScanner) (pos.Item, error) {
	var it pos.Item
	var soldOut sql.NullInt64
	err := s.Scan(&it.ID, &it.StoreID, &it.CategoryID, &it.Name, &it.Price, &it.TaxRateBP, &it.Available, &it.Position, &soldOut, &it.Photo)
	it.SoldOutUntil = fromNullMicros(soldOut)
	return it, err
}

func (t *tx) ItemByID(ctx context.Context, storeID, id string) (pos.Item, error) {
	op := "item " + id
	it, err := scanItem(t.tx.QueryRowContext(ctx,
		`SELECT `+itemCols+` FROM items WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Item{}, fail(op, err)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT group_id FROM item_modifier_groups
		WHERE item_id = ? ORDER BY position`, id)
	if err != nil {
		return pos.Item{}, fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return pos.Item{}, fail(op, err)
		}
		it.ModifierGroupIDs = append(it.ModifierGroupIDs, g)
	}
	if err := rows.Err(); err != nil {
		return pos.Item{}, fail(op, err)
	}
	return it, nil
}

func (t *tx) ListItems(ctx context.Context, storeID string) ([]pos.Item, error) {
	op := "list items of " + storeID
	rows, err := t.tx.QueryContext(ctx,
		`SELECT `+itemCols+` FROM items WHERE store_id = ? ORDER BY position, name, id`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var its []pos.Item
	index := map[string]int{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fail(op, err)
		}
		index[it.ID] = len(its)
		its = append(its, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	rows.Close()

	grows, err := t.tx.QueryContext(ctx, `SELECT item_id, group_id FROM item_modifier_groups
		WHERE store_id = ? ORDER BY item_id, position`, storeID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer grows.Close()
	for grows.Next() {
		var itemID, groupID string
		if err := grows.Scan(&itemID, &groupID); err != nil {
			return nil, fail(op, err)
		}
		i := index[itemID]
		its[i].ModifierGroupIDs = append(its[i].ModifierGroupIDs, groupID)
	}
	if err := grows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return its, nil
}
