package pos

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The back office: what owners and managers edit (menu, staff, tables and
// areas, settings), the menu version with its price history, photos, and
// the audit log of privileged actions. Every edit is idempotent, needs a
// manager, and changes of the menu bump the store's menu version.

// BackofficeTx is what the back office needs from a transaction.
type BackofficeTx interface {
	// UpdateCategory saves Name and Position.
	UpdateCategory(ctx context.Context, c Category) error
	// UpdateItem saves every field of the item, its modifier groups
	// included.
	UpdateItem(ctx context.Context, it Item) error
	// UpdateModifierGroup saves Name, Min, Max, Position and replaces the
	// group's modifiers.
	UpdateModifierGroup(ctx context.Context, g ModifierGroup) error
	// UpdateTable saves Name, Seats, Position and AreaID.
	UpdateTable(ctx context.Context, t Table) error

	CreateArea(ctx context.Context, ar Area) error
	UpdateArea(ctx context.Context, ar Area) error
	// ListAreas is ordered by Position, then name.
	ListAreas(ctx context.Context, storeID string) ([]Area, error)

	// UpdateRestaurant saves Name, Address and Currency.
	UpdateRestaurant(ctx context.Context, r Restaurant) error
	// SettingsOf returns the stored settings, or Settings{StoreID: id}
	// (nothing set) when none were saved.
	SettingsOf(ctx context.Context, storeID string) (Settings, error)
	PutSettings(ctx context.Context, st Settings) error

	// MenuVersion is the store's menu version, 0 before any change.
	MenuVersion(ctx context.Context, storeID string) (int64, error)
	// BumpMenuVersion adds one to the menu version and returns it.
	BumpMenuVersion(ctx context.Context, storeID string) (int64, error)
	// RecordItemPrice ends the item's current price row (if any) at
	// version and starts one with price from version.
	RecordItemPrice(ctx context.Context, storeID, itemID string, version, price int64) error
	RecordModifierPrice(ctx context.Context, storeID, modifierID string, version, price int64) error
	// ItemPriceAt returns the price row covering version; ErrNotFound if
	// none does. HasItemPrices reports whether the item has any row.
	ItemPriceAt(ctx context.Context, storeID, itemID string, version int64) (int64, error)
	HasItemPrices(ctx context.Context, storeID, itemID string) (bool, error)
	ModifierPriceAt(ctx context.Context, storeID, modifierID string, version int64) (int64, error)
	HasModifierPrices(ctx context.Context, storeID, modifierID string) (bool, error)

	// PutMedia stores a photo variant; storing one that exists (same
	// sha256 and width) does nothing.
	PutMedia(ctx context.Context, m Media) error
	MediaByKey(ctx context.Context, sha string, width int) (Media, error)

	// AppendAudit adds an entry to the append-only audit log.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// ListAudit returns matching entries, newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}

// Area is a part of the restaurant holding tables ("Terrace").
type Area struct {
	ID       string
	StoreID  string
	Name     string
	Position int
}

// Settings are a store's preferences that are not part of Restaurant.
// Nil fields are not set and take the server's default.
type Settings struct {
	StoreID string
	// PublicURL is the base URL phones reach the server at, for QR links;
	// nil means the server's -public-url flag.
	PublicURL *string
	// AutoPrint says the server sends receipts and kitchen tickets to the
	// store's bridges on its own; nil means each bridge's configuration.
	AutoPrint *bool
	// AutoSend sends diners' orders to the kitchen without a cashier.
	AutoSend  bool
	UpdatedAt time.Time
}

// Media is one JPEG variant of a photo.
type Media struct {
	SHA256    string
	Width     int
	Height    int
	StoreID   string
	Data      []byte
	CreatedAt time.Time
}

// PhotoWidths are the widths of the JPEG variants kept of every photo. The
// menu names the largest; clients pick a smaller one by srcset.
var PhotoWidths = []int{320, 640}

// Audit actions.
const (
	AuditRefund          = "refund"
	AuditPaymentVoid     = "payment.void"
	AuditOrderVoid       = "order.void"
	AuditPriceChange     = "price.change"
	AuditStaffAdd        = "staff.add"
	AuditStaffRole       = "staff.role"
	AuditStaffPINReset   = "staff.pin_reset"
	AuditStaffDeactivate = "staff.deactivate"
	AuditStaffActivate   = "staff.activate"
	AuditStaffUnlock     = "staff.unlock"
	AuditSettings        = "settings.change"
	AuditLimits          = "limits.change"
	AuditDrawerOpen      = "drawer.open"
)

// AuditActions lists every action, for filters.
var AuditActions = []string{AuditRefund, AuditPaymentVoid, AuditOrderVoid, AuditPriceChange, AuditStaffAdd,
	AuditStaffRole, AuditStaffPINReset, AuditStaffDeactivate, AuditStaffActivate, AuditStaffUnlock, AuditSettings,
	AuditLimits, AuditDrawerOpen}

// AuditEntry is one privileged action: who, when, what, on what.
type AuditEntry struct {
	ID        int64
	StoreID   string
	At        time.Time
	StaffID   string
	StaffName string
	Action    string
	Target    string // what it acted on: an order, a payment, an item, a member of staff
	Detail    string // e.g. "price 38.00 -> 42.00"
	Reason    string
}

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	StoreID string
	Action  string
	StaffID string
	Since   time.Time // at or after
	Until   time.Time // before
	Limit   int
}

// audit appends an entry for the actor's action, in tx.
func (s *Service) audit(ctx context.Context, tx Tx, a Actor, action, target, detail, reason string) error {
	name := a.Name
	if name == "" && a.StaffID != "" {
		if st, err := tx.StaffByID(ctx, a.StoreID, a.StaffID); err == nil {
			name = st.Name
		}
	}
	return tx.AppendAudit(ctx, AuditEntry{StoreID: a.StoreID, At: s.clock(), StaffID: a.StaffID, StaffName: name,
		Action: action, Target: target, Detail: detail, Reason: reason})
}

// Audit lists the audit log; managers and owners only.
func (s *Service) Audit(ctx context.Context, a Actor, f AuditFilter) ([]AuditEntry, error) {
	if err := require(a, RoleManager, "see the audit log"); err != nil {
		return nil, err
	}
	if f.Action != "" && !slices.Contains(AuditActions, f.Action) {
		return nil, invalid("action", "unknown action %q", f.Action)
	}
	f.StoreID = a.StoreID
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var out []AuditEntry
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListAudit(ctx, f)
		return err
	})
	return out, err
}

// ---- checks of edited values ----

// MaxNameLen bounds names of items, categories, staff, tables (runes).
const MaxNameLen = 80

func checkName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", invalid(field, "a name is required")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameLen {
		return "", invalid(field, "a name is at most %d characters", MaxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", invalid(field, "the name contains control characters")
		}
	}
	return name, nil
}

func checkPrice(field string, p int64, negative bool) error {
	if p > MaxAmount || p < -MaxAmount || (p < 0 && !negative) {
		if negative {
			return invalid(field, "the price must be between -%s and %s", formatMinor(MaxAmount, ""), formatMinor(MaxAmount, ""))
		}
		return invalid(field, "the price must be between 0 and %s", formatMinor(MaxAmount, ""))
	}
	return nil
}

func checkPosition(p int) error {
	if p < 0 || p > 100_000 {
		return invalid("position", "the position must be between 0 and 100000")
	}
	return nil
}

// bumpMenu moves the store's menu to its next version.
func bumpMenu(ctx context.Context, tx Tx, storeID string) (int64, error) {
	return tx.BumpMenuVersion(ctx, storeID)
}

// ---- categories ----

// SaveCategory creates or updates a category.
func (s *Service) SaveCategory(ctx context.Context, a Actor, key string, c Category, create bool) (Category, bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return Category{}, false, err
	}
	if err := checkID("id", c.ID); err != nil {
		return Category{}, false, err
	}
	var err error
	if c.Name, err = checkName("name", c.Name); err != nil {
		return Category{}, false, err
	}
	if err := checkPosition(c.Position); err != nil {
		return Category{}, false, err
	}
	c.StoreID = a.StoreID
	op := "update_category"
	if create {
		op = "create_category"
	}
	return idempotent(ctx, s, a.StoreID, key, op, c, func(tx Tx) (Category, error) {
		if create {
			if err := tx.CreateCategory(ctx, c); err != nil {
				return Category{}, conflictAs(err, "a category with this id already exists")
			}
		} else if err := tx.UpdateCategory(ctx, c); err != nil {
			return Category{}, notFound(err, "category")
		}
		_, err := bumpMenu(ctx, tx, a.StoreID)
		return c, err
	})
}

// ReorderCategories gives the listed categories positions 0, 1, 2, ...
func (s *Service) ReorderCategories(ctx context.Context, a Actor, key string, ids []string) ([]Category, bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return nil, false, err
	}
	if err := checkOrder(ids); err != nil {
		return nil, false, err
	}
	return idempotent(ctx, s, a.StoreID, key, "reorder_categories", ids, func(tx Tx) ([]Category, error) {
		cs, err := tx.ListCategories(ctx, a.StoreID)
		if err != nil {
			return nil, err
		}
		pos := positions(ids)
		for i := range cs {
			p, ok := pos[cs[i].ID]
			if !ok {
				return nil, invalid("ids", "list every category once")
			}
			cs[i].Position = p
			if err := tx.UpdateCategory(ctx, cs[i]); err != nil {
				return nil, err
			}
		}
		if len(cs) != len(ids) {
			return nil, invalid("ids", "list every category once")
		}
		slices.SortFunc(cs, func(x, y Category) int { return x.Position - y.Position })
		_, err = bumpMenu(ctx, tx, a.StoreID)
		return cs, err
	})
}

func checkOrder(ids []string) error {
	if len(ids) == 0 || len(ids) > 1000 {
		return invalid("ids", "list the ids in their new order")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return invalid("ids", "an id is listed twice")
		}
		seen[id] = true
	}
	return nil
}

func positions(ids []string) map[string]int {
	m := make(map[string]int, len(ids))
	for i, id := range ids {
		m[id] = i
	}
	return m
}

// ---- items ----

// ItemEdit is a created or changed item. SoldOut marks it sold out until
// the next business day; clearing it makes it orderable again.
type ItemEdit struct {
	ID               string
	CategoryID       string
	Name             string
	Price            int64
	TaxRateBP        int
	Available        bool
	SoldOut          bool
	Position         int
	ModifierGroupIDs []string
	Photo            string
}

// SaveItem creates or updates an item. A new price takes effect at the
// next menu version; lines already on orders keep theirs, and carts built
// on an earlier version are charged that version's price (PriceAt).
func (s *Service) SaveItem(ctx context.Context, a Actor, key string, e ItemEdit, create bool) (Item, bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return Item{}, false, err
	}
	if err := checkID("id", e.ID); err != nil {
		return Item{}, false, err
	}
	var err error
	if e.Name, err = checkName("name", e.Name); err != nil {
		return Item{}, false, err
	}
	if err := checkPrice("price", e.Price, false); err != nil {
		return Item{}, false, err
	}
	if e.TaxRateBP < 0 || e.TaxRateBP > 10000 {
		return Item{}, false, invalid("tax_rate_bp", "the tax rate must be between 0%% and 100%%")
	}
	if err := checkPosition(e.Position); err != nil {
		return Item{}, false, err
	}
	if e.Photo != "" && !isSHA256(e.Photo) {
		return Item{}, false, invalid("photo", "upload the photo first")
	}
	if len(e.ModifierGroupIDs) > 20 {
		return Item{}, false, invalid("modifier_groups", "an item has at most 20 option groups")
	}
	op := "update_item"
	if create {
		op = "create_item"
	}
	return idempotent(ctx, s, a.StoreID, key, op, e, func(tx Tx) (Item, error) {
		if e.CategoryID != "" {
			cs, err := tx.ListCategories(ctx, a.StoreID)
			if err != nil {
				return Item{}, err
			}
			if !slices.ContainsFunc(cs, func(c Category) bool { return c.ID == e.CategoryID }) {
				return Item{}, &Error{Code: CodeNotFound, Field: "category_id", Message: "that category does not exist"}
			}
		}
		if len(e.ModifierGroupIDs) > 0 {
			gs, err := tx.ListModifierGroups(ctx, a.StoreID)
			if err != nil {
				return Item{}, err
			}
			seen := map[string]bool{}
			for _, id := range e.ModifierGroupIDs {
				if seen[id] {
					return Item{}, invalid("modifier_groups", "an option group is listed twice")
				}
				seen[id] = true
				if !slices.ContainsFunc(gs, func(g ModifierGroup) bool { return g.ID == id }) {
					return Item{}, &Error{Code: CodeNotFound, Field: "modifier_groups", Message: "that option group does not exist"}
				}
			}
		}
		if e.Photo != "" {
			if _, err := tx.MediaByKey(ctx, e.Photo, PhotoWidths[len(PhotoWidths)-1]); err != nil {
				return Item{}, notFoundField(err, "photo", "photo")
			}
		}
		it := Item{ID: e.ID, StoreID: a.StoreID, CategoryID: e.CategoryID, Name: e.Name, Price: e.Price, TaxRateBP: e.TaxRateBP,
			Available: e.Available, Position: e.Position, ModifierGroupIDs: e.ModifierGroupIDs, Photo: e.Photo}
		var old Item
		if !create {
			var err error
			if old, err = tx.ItemByID(ctx, a.StoreID, e.ID); err != nil {
				return Item{}, notFound(err, "item")
			}
			it.SoldOutUntil = old.SoldOutUntil
		}
		now := s.clock()
		switch {
		case e.SoldOut && !old.SoldOut(now):
			t, err := s.dayEnd(ctx, tx, a.StoreID)
			if err != nil {
				return Item{}, err
			}
			it.SoldOutUntil = &t
		case !e.SoldOut:
			it.SoldOutUntil = nil
		}
		v, err := bumpMenu(ctx, tx, a.StoreID)
		if err != nil {
			return Item{}, err
		}
		if create {
			if err := tx.CreateItem(ctx, it); err != nil {
				return Item{}, conflictAs(err, "an item with this id already exists")
			}
			if it.SoldOutUntil != nil || it.Photo != "" {
				if err := tx.UpdateItem(ctx, it); err != nil {
					return Item{}, err
				}
			}
			return it, tx.RecordItemPrice(ctx, a.StoreID, it.ID, v, it.Price)
		}
		if err := tx.UpdateItem(ctx, it); err != nil {
			return Item{}, err
		}
		if old.Price != it.Price {
			if err := s.recordPriceChange(ctx, tx, a.StoreID, it.ID, old.Price, it.Price, v, false); err != nil {
				return Item{}, err
			}
			cur, err := currencyOf(ctx, tx, a.StoreID)
			if err != nil {
				return Item{}, err
			}
			if err := s.audit(ctx, tx, a, AuditPriceChange, "item "+it.ID,
				fmt.Sprintf("%s: %s -> %s", it.Name, formatMinor(old.Price, cur), formatMinor(it.Price, cur)), ""); err != nil {
				return Item{}, err
			}
		}
		return it, nil
	})
}

// recordPriceChange keeps the price history of an item or modifier: a
// price that never changed before gets its first row (from version 0)
// before the new one.
func (s *Service) recordPriceChange(ctx context.Context, tx Tx, storeID, id string, old, price, v int64, modifier bool) error {
	has, record := tx.HasItemPrices, tx.RecordItemPrice
	if modifier {
		has, record = tx.HasModifierPrices, tx.RecordModifierPrice
	}
	ok, err := has(ctx, storeID, id)
	if err != nil {
		return err
	}
	if !ok && v > 0 {
		if err := record(ctx, storeID, id, 0, old); err != nil {
			return err
		}
	}
	return record(ctx, storeID, id, v, price)
}

// SetSoldOut marks an item sold out until the next business day, or
// orderable again.
func (s *Service) SetSoldOut(ctx context.Context, a Actor, key, itemID string, soldOut bool) (Item, bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return Item{}, false, err
	}
	req := struct {
		Item    string
		SoldOut bool
	}{itemID, soldOut}
	return idempotent(ctx, s, a.StoreID, key, "sold_out", req, func(tx Tx) (Item, error) {
		it, err := tx.ItemByID(ctx, a.StoreID, itemID)
		if err != nil {
			return Item{}, notFound(err, "item")
		}
		it.SoldOutUntil = nil
		if soldOut {
			t, err := s.dayEnd(ctx, tx, a.StoreID)
			if err != nil {
				return Item{}, err
			}
			it.SoldOutUntil = &t
		}
		if _, err := bumpMenu(ctx, tx, a.StoreID); err != nil {
			return Item{}, err
		}
		return it, tx.UpdateItem(ctx, it)
	})
}

// dayEnd is when "sold out today" ends: when the store's current business
// day does (its cut-off, e.g. 04:00 in the store's time zone), so a dish
// sold out at 23:30 stays sold out through a late night.
func (s *Service) dayEnd(ctx context.Context, tx Tx, storeID string) (time.Time, error) {
	_, to, err := s.today(ctx, tx, storeID)
	return to, err
}

// today returns when the store's current business day began and ends.
// A payer's daily limit counts from its start.
func (s *Service) today(ctx context.Context, tx Tx, storeID string) (from, to time.Time, err error) {
	d, err := s.daySettings(ctx, tx, storeID)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	day, err := d.DayOf(s.now())
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return d.Bounds(day)
}

// SoldOut reports whether the item is sold out at now.
func (it Item) SoldOut(now time.Time) bool {
	return it.SoldOutUntil != nil && now.Before(*it.SoldOutUntil)
}

// ReorderItems gives the listed items of one category positions 0, 1, ...
func (s *Service) ReorderItems(ctx context.Context, a Actor, key string, ids []string) (bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return false, err
	}
	if err := checkOrder(ids); err != nil {
		return false, err
	}
	_, replay, err := idempotent(ctx, s, a.StoreID, key, "reorder_items", ids, func(tx Tx) (bool, error) {
		for i, id := range ids {
			it, err := tx.ItemByID(ctx, a.StoreID, id)
			if err != nil {
				return false, notFoundField(err, "item", "ids")
			}
			it.Position = i
			if err := tx.UpdateItem(ctx, it); err != nil {
				return false, err
			}
		}
		_, err := bumpMenu(ctx, tx, a.StoreID)
		return true, err
	})
	return replay, err
}

// ---- modifier groups ----

// SaveModifierGroup creates or updates an option group with its options
// (in order). Options not listed are removed from the group.
func (s *Service) SaveModifierGroup(ctx context.Context, a Actor, key string, g ModifierGroup, create bool) (ModifierGroup, bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return ModifierGroup{}, false, err
	}
	if err := checkID("id", g.ID); err != nil {
		return ModifierGroup{}, false, err
	}
	var err error
	if g.Name, err = checkName("name", g.Name); err != nil {
		return ModifierGroup{}, false, err
	}
	if len(g.Modifiers) > 50 {
		return ModifierGroup{}, false, invalid("modifiers", "a group has at most 50 options")
	}
	if g.Min < 0 || g.Max < 0 || (g.Max > 0 && g.Min > g.Max) || g.Min > len(g.Modifiers) {
		return ModifierGroup{}, false, invalid("min", "choose a minimum no larger than the maximum and the number of options")
	}
	if err := checkPosition(g.Position); err != nil {
		return ModifierGroup{}, false, err
	}
	seen := map[string]bool{}
	for i := range g.Modifiers {
		m := &g.Modifiers[i]
		if err := checkID("modifiers", m.ID); err != nil {
			return ModifierGroup{}, false, err
		}
		if seen[m.ID] {
			return ModifierGroup{}, false, invalid("modifiers", "an option id is listed twice")
		}
		seen[m.ID] = true
		if m.Name, err = checkName("modifiers", m.Name); err != nil {
			return ModifierGroup{}, false, err
		}
		if err := checkPrice("modifiers", m.Price, true); err != nil {
			return ModifierGroup{}, false, err
		}
		m.Position = i
	}
	g.StoreID = a.StoreID
	op := "update_modifier_group"
	if create {
		op = "create_modifier_group"
	}
	return idempotent(ctx, s, a.StoreID, key, op, g, func(tx Tx) (ModifierGroup, error) {
		v, err := bumpMenu(ctx, tx, a.StoreID)
		if err != nil {
			return ModifierGroup{}, err
		}
		old := map[string]int64{}
		if create {
			if err := tx.CreateModifierGroup(ctx, g); err != nil {
				return ModifierGroup{}, conflictAs(err, "an option group or option with this id already exists")
			}
		} else {
			gs, err := tx.ListModifierGroups(ctx, a.StoreID)
			if err != nil {
				return ModifierGroup{}, err
			}
			i := slices.IndexFunc(gs, func(x ModifierGroup) bool { return x.ID == g.ID })
			if i < 0 {
				return ModifierGroup{}, refuse(CodeNotFound, "that option group does not exist")
			}
			for _, m := range gs[i].Modifiers {
				old[m.ID] = m.Price
			}
			if err := tx.UpdateModifierGroup(ctx, g); err != nil {
				return ModifierGroup{}, conflictAs(err, "an option with this id belongs to another group")
			}
		}
		for _, m := range g.Modifiers {
			was, existed := old[m.ID]
			switch {
			case !existed:
				err = tx.RecordModifierPrice(ctx, a.StoreID, m.ID, v, m.Price)
			case was != m.Price:
				err = s.recordPriceChange(ctx, tx, a.StoreID, m.ID, was, m.Price, v, true)
				var cur string
				if err == nil {
					cur, err = currencyOf(ctx, tx, a.StoreID)
				}
				if err == nil {
					err = s.audit(ctx, tx, a, AuditPriceChange, "option "+m.ID,
						fmt.Sprintf("%s / %s: %s -> %s", g.Name, m.Name, formatMinor(was, cur), formatMinor(m.Price, cur)), "")
				}
			}
			if err != nil {
				return ModifierGroup{}, err
			}
		}
		return g, nil
	})
}

// ---- price at a menu version ----

// ItemPrice is an item's price and its options' prices at one menu
// version.
type ItemPrice struct {
	ItemID    string
	Version   int64
	Price     int64
	Modifiers map[string]int64 // by modifier id, for the item's option groups
}

// PriceAt returns what the item (and each option of its groups) cost at
// menu version: a cart built on that version is charged these prices,
// whatever the menu says now. A version newer than the menu is refused.
func (s *Service) PriceAt(ctx context.Context, storeID, itemID string, version int64) (ItemPrice, error) {
	if version < 0 {
		return ItemPrice{}, invalid("version", "the menu version cannot be negative")
	}
	out := ItemPrice{ItemID: itemID, Version: version, Modifiers: map[string]int64{}}
	err := s.store.Read(ctx, func(tx Tx) error {
		cur, err := tx.MenuVersion(ctx, storeID)
		if err != nil {
			return err
		}
		if version > cur {
			return invalid("version", "the menu has no version %d yet", version)
		}
		it, err := tx.ItemByID(ctx, storeID, itemID)
		if err != nil {
			return notFoundField(err, "item", "item_id")
		}
		if out.Price, err = priceAt(ctx, storeID, it.ID, version, it.Price, tx.ItemPriceAt); err != nil {
			return err
		}
		gs, err := tx.ListModifierGroups(ctx, storeID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if !slices.Contains(it.ModifierGroupIDs, g.ID) {
				continue
			}
			for _, m := range g.Modifiers {
				if out.Modifiers[m.ID], err = priceAt(ctx, storeID, m.ID, version, m.Price, tx.ModifierPriceAt); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// priceAt is the price row covering version, or the current price when no
// row does (a price that has not changed since the history began, or an
// item added after version).
func priceAt(ctx context.Context, storeID, id string, version, current int64,
	at func(context.Context, string, string, int64) (int64, error)) (int64, error) {
	p, err := at(ctx, storeID, id, version)
	if errors.Is(err, ErrNotFound) {
		return current, nil
	}
	return p, err
}

// ---- staff ----

// StaffEdit is a new member of staff.
type StaffEdit struct {
	ID   string
	Name string
	Role Role
	PIN  string
}

// AddStaff adds a member of staff with a PIN. A manager cannot add an
// owner.
func (s *Service) AddStaff(ctx context.Context, a Actor, key string, e StaffEdit) (Staff, bool, error) {
	if err := require(a, RoleManager, "add staff"); err != nil {
		return Staff{}, false, err
	}
	if err := checkID("id", e.ID); err != nil {
		return Staff{}, false, err
	}
	var err error
	if e.Name, err = checkName("name", e.Name); err != nil {
		return Staff{}, false, err
	}
	if !e.Role.Valid() {
		return Staff{}, false, invalid("role", "choose owner, manager or cashier")
	}
	if !a.Role.AtLeast(e.Role) {
		return Staff{}, false, &Error{Code: CodeForbidden, Field: "role", Message: "only an owner can add an owner"}
	}
	if !ValidPIN(e.PIN) {
		return Staff{}, false, invalid("pin", "a PIN is 4 to 8 digits")
	}
	// The request hash must not let a PIN be guessed from the stored
	// record: the PIN is left out (a replay with another PIN is the same
	// request, answered with the first result).
	req := StaffEdit{ID: e.ID, Name: e.Name, Role: e.Role}
	if rec, err := s.idempotencyRecord(ctx, a.StoreID, key); err == nil && rec {
		return idempotent(ctx, s, a.StoreID, key, "add_staff", req, func(Tx) (Staff, error) { return Staff{}, nil })
	}
	hash := HashPIN(e.PIN, s.cfg.PIN) // slow: outside the transaction
	return idempotent(ctx, s, a.StoreID, key, "add_staff", req, func(tx Tx) (Staff, error) {
		st := Staff{ID: e.ID, StoreID: a.StoreID, Name: e.Name, Role: e.Role, PINHash: hash, Active: true, CreatedAt: s.clock()}
		if err := tx.CreateStaff(ctx, st); err != nil {
			return Staff{}, conflictAs(err, "a member of staff with this id already exists")
		}
		return st, s.audit(ctx, tx, a, AuditStaffAdd, "staff "+st.ID, st.Name+" as "+string(st.Role), "")
	})
}

// idempotencyRecord reports whether key was used already.
func (s *Service) idempotencyRecord(ctx context.Context, storeID, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	found := false
	err := s.store.Read(ctx, func(tx Tx) error {
		_, err := tx.IdempotencyByKey(ctx, storeID, key)
		if err == nil {
			found = true
			return nil
		}
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return found, err
}

// StaffChange changes a member of staff; nil fields stay as they are.
type StaffChange struct {
	Name   *string
	Role   *Role
	PIN    *string
	Active *bool
}

// ChangeStaff renames, changes the role of, resets the PIN of, or
// (de)activates a member of staff. A manager cannot touch an owner nor make
// anyone an owner; nobody can demote or deactivate themselves. A new PIN or
// a deactivation ends the member's sessions.
func (s *Service) ChangeStaff(ctx context.Context, a Actor, key, staffID string, c StaffChange) (Staff, bool, error) {
	if err := require(a, RoleManager, "change staff"); err != nil {
		return Staff{}, false, err
	}
	if c.Name == nil && c.Role == nil && c.PIN == nil && c.Active == nil {
		return Staff{}, false, invalid("", "nothing to change")
	}
	if c.Name != nil {
		n, err := checkName("name", *c.Name)
		if err != nil {
			return Staff{}, false, err
		}
		c.Name = &n
	}
	if c.Role != nil {
		if !c.Role.Valid() {
			return Staff{}, false, invalid("role", "choose owner, manager or cashier")
		}
		if !a.Role.AtLeast(*c.Role) {
			return Staff{}, false, &Error{Code: CodeForbidden, Field: "role", Message: "only an owner can make someone an owner"}
		}
	}
	hash := ""
	if c.PIN != nil {
		if !ValidPIN(*c.PIN) {
			return Staff{}, false, invalid("pin", "a PIN is 4 to 8 digits")
		}
	}
	if staffID == a.StaffID && ((c.Role != nil && *c.Role != a.Role) || (c.Active != nil && !*c.Active)) {
		return Staff{}, false, refuse(CodeForbidden, "you cannot change your own role or deactivate yourself; ask another manager or the owner")
	}
	// As in AddStaff, the PIN stays out of the request hash.
	req := struct {
		Staff       string
		Name        *string
		Role        *Role
		PIN, Active *bool
	}{staffID, c.Name, c.Role, nil, c.Active}
	if c.PIN != nil {
		t := true
		req.PIN = &t
		if seen, err := s.idempotencyRecord(ctx, a.StoreID, key); err != nil || !seen {
			hash = HashPIN(*c.PIN, s.cfg.PIN)
		}
	}
	return idempotent(ctx, s, a.StoreID, key, "change_staff", req, func(tx Tx) (Staff, error) {
		st, err := tx.StaffByID(ctx, a.StoreID, staffID)
		if err != nil {
			return Staff{}, notFound(err, "staff member")
		}
		if !a.Role.AtLeast(st.Role) {
			return Staff{}, refuse(CodeForbidden, "only an owner can change an owner")
		}
		type change struct{ action, detail string }
		var done []change
		if c.Name != nil && *c.Name != st.Name {
			st.Name = *c.Name
		}
		if c.Role != nil && *c.Role != st.Role {
			done = append(done, change{AuditStaffRole, fmt.Sprintf("%s: %s -> %s", st.Name, st.Role, *c.Role)})
			st.Role = *c.Role
		}
		endSessions := false
		if c.PIN != nil {
			if hash == "" {
				return Staff{}, errors.New("pos: change staff: PIN not hashed")
			}
			st.PINHash, st.FailedPINs, st.LockedAt = hash, 0, nil
			endSessions = true
			done = append(done, change{AuditStaffPINReset, st.Name})
		}
		if c.Active != nil && *c.Active != st.Active {
			st.Active = *c.Active
			if st.Active {
				done = append(done, change{AuditStaffActivate, st.Name})
			} else {
				endSessions = true
				done = append(done, change{AuditStaffDeactivate, st.Name})
			}
		}
		if err := tx.UpdateStaff(ctx, st); err != nil {
			return Staff{}, err
		}
		if endSessions {
			if err := tx.DeleteSessionsOf(ctx, a.StoreID, st.ID); err != nil {
				return Staff{}, err
			}
		}
		for _, d := range done {
			if err := s.audit(ctx, tx, a, d.action, "staff "+st.ID, d.detail, ""); err != nil {
				return Staff{}, err
			}
		}
		return st, nil
	})
}

// ---- tables and areas ----

// SaveTable creates or updates a table.
func (s *Service) SaveTable(ctx context.Context, a Actor, key string, t Table, create bool) (Table, bool, error) {
	if err := require(a, RoleManager, "edit tables"); err != nil {
		return Table{}, false, err
	}
	if err := checkID("id", t.ID); err != nil {
		return Table{}, false, err
	}
	var err error
	if t.Name, err = checkName("name", t.Name); err != nil {
		return Table{}, false, err
	}
	if t.Seats < 0 || t.Seats > 200 {
		return Table{}, false, invalid("seats", "seats must be between 0 and 200")
	}
	if err := checkPosition(t.Position); err != nil {
		return Table{}, false, err
	}
	t.StoreID = a.StoreID
	op := "update_table"
	if create {
		op = "create_table"
	}
	return idempotent(ctx, s, a.StoreID, key, op, t, func(tx Tx) (Table, error) {
		if t.AreaID != "" {
			as, err := tx.ListAreas(ctx, a.StoreID)
			if err != nil {
				return Table{}, err
			}
			if !slices.ContainsFunc(as, func(x Area) bool { return x.ID == t.AreaID }) {
				return Table{}, &Error{Code: CodeNotFound, Field: "area_id", Message: "that area does not exist"}
			}
		}
		if create {
			return t, conflictAs(tx.CreateTable(ctx, t), "a table with this id already exists")
		}
		return t, notFound(tx.UpdateTable(ctx, t), "table")
	})
}

// ReorderTables gives the listed tables positions 0, 1, 2, ...
func (s *Service) ReorderTables(ctx context.Context, a Actor, key string, ids []string) (bool, error) {
	if err := require(a, RoleManager, "edit tables"); err != nil {
		return false, err
	}
	if err := checkOrder(ids); err != nil {
		return false, err
	}
	_, replay, err := idempotent(ctx, s, a.StoreID, key, "reorder_tables", ids, func(tx Tx) (bool, error) {
		for i, id := range ids {
			t, err := tx.TableByID(ctx, a.StoreID, id)
			if err != nil {
				return false, notFoundField(err, "table", "ids")
			}
			t.Position = i
			if err := tx.UpdateTable(ctx, t); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	return replay, err
}

// SaveArea creates or updates an area.
func (s *Service) SaveArea(ctx context.Context, a Actor, key string, ar Area, create bool) (Area, bool, error) {
	if err := require(a, RoleManager, "edit tables"); err != nil {
		return Area{}, false, err
	}
	if err := checkID("id", ar.ID); err != nil {
		return Area{}, false, err
	}
	var err error
	if ar.Name, err = checkName("name", ar.Name); err != nil {
		return Area{}, false, err
	}
	if err := checkPosition(ar.Position); err != nil {
		return Area{}, false, err
	}
	ar.StoreID = a.StoreID
	op := "update_area"
	if create {
		op = "create_area"
	}
	return idempotent(ctx, s, a.StoreID, key, op, ar, func(tx Tx) (Area, error) {
		if create {
			return ar, conflictAs(tx.CreateArea(ctx, ar), "an area with this id already exists")
		}
		return ar, notFound(tx.UpdateArea(ctx, ar), "area")
	})
}

// Areas lists the store's areas.
func (s *Service) Areas(ctx context.Context, a Actor) ([]Area, error) {
	var out []Area
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListAreas(ctx, a.StoreID)
		return err
	})
	return out, err
}

// ---- settings ----

// StoreSettings is what the settings form edits: the restaurant's name,
// address and currency, and its Settings.
type StoreSettings struct {
	Name     string
	Address  string
	Currency string
	Settings
}

// StoreSettingsOf returns the restaurant and settings of a store, for any
// logged-in terminal and for the server itself (defaults, bridges).
func (s *Service) StoreSettingsOf(ctx context.Context, storeID string) (StoreSettings, error) {
	var out StoreSettings
	err := s.store.Read(ctx, func(tx Tx) error {
		r, err := tx.RestaurantByID(ctx, storeID)
		if err != nil {
			return notFound(err, "restaurant")
		}
		st, err := tx.SettingsOf(ctx, storeID)
		out = StoreSettings{Name: r.Name, Address: r.Address, Currency: r.Currency, Settings: st}
		return err
	})
	return out, err
}

// MaxAddressLen bounds the address printed on receipts (runes).
const MaxAddressLen = 200

// UpdateSettings saves a store's settings; managers and owners only. The
// currency changes only while no order is open.
func (s *Service) UpdateSettings(ctx context.Context, a Actor, key string, in StoreSettings) (StoreSettings, bool, error) {
	if err := require(a, RoleManager, "change settings"); err != nil {
		return StoreSettings{}, false, err
	}
	var err error
	if in.Name, err = checkName("name", in.Name); err != nil {
		return StoreSettings{}, false, err
	}
	in.Address = strings.TrimSpace(in.Address)
	if utf8.RuneCountInString(in.Address) > MaxAddressLen || strings.ContainsFunc(in.Address, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		return StoreSettings{}, false, invalid("address", "the address is at most %d characters of text", MaxAddressLen)
	}
	if len(in.Currency) != 3 || strings.ToUpper(in.Currency) != in.Currency || strings.ContainsFunc(in.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return StoreSettings{}, false, invalid("currency", "the currency is a 3-letter ISO 4217 code, e.g. CNY")
	}
	if in.PublicURL != nil {
		u := strings.TrimRight(strings.TrimSpace(*in.PublicURL), "/")
		if u != "" && !validBaseURL(u) {
			return StoreSettings{}, false, invalid("public_url", "the public address is a URL like https://pos.example.com")
		}
		in.PublicURL = &u
		if u == "" {
			in.PublicURL = nil
		}
	}
	in.StoreID = a.StoreID
	return idempotent(ctx, s, a.StoreID, key, "update_settings", in, func(tx Tx) (StoreSettings, error) {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return StoreSettings{}, err
		}
		if r.Currency != in.Currency {
			open, err := tx.ListOrders(ctx, OrderFilter{StoreID: a.StoreID, Statuses: []OrderStatus{StatusOpen, StatusSent}, Limit: 1})
			if err != nil {
				return StoreSettings{}, err
			}
			if len(open) > 0 {
				return StoreSettings{}, &Error{Code: CodeConflict, Field: "currency", Message: "close every open order before changing the currency"}
			}
		}
		r.Name, r.Address, r.Currency = in.Name, in.Address, in.Currency
		if err := tx.UpdateRestaurant(ctx, r); err != nil {
			return StoreSettings{}, err
		}
		in.UpdatedAt = s.clock()
		if err := tx.PutSettings(ctx, in.Settings); err != nil {
			return StoreSettings{}, err
		}
		return in, s.audit(ctx, tx, a, AuditSettings, "store "+a.StoreID, describeSettings(in), "")
	})
}

func describeSettings(in StoreSettings) string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "name %q, currency %s", in.Name, in.Currency)
	if in.PublicURL != nil {
		fmt.Fprintf(b, ", public URL %s", *in.PublicURL)
	}
	if in.AutoPrint != nil {
		fmt.Fprintf(b, ", auto-print %t", *in.AutoPrint)
	}
	fmt.Fprintf(b, ", auto-send %t", in.AutoSend)
	return b.String()
}

func validBaseURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	if !ok || rest == "" || len(u) > 200 {
		return false
	}
	return !strings.ContainsAny(rest, " ?#\"'<>\\") && !strings.ContainsFunc(rest, unicode.IsControl)
}

// ---- photos and the cash drawer ----

// SavePhoto stores the JPEG variants of an uploaded photo (one per
// PhotoWidths entry, made by the caller). Saving the same photo again is
// harmless.
func (s *Service) SavePhoto(ctx context.Context, a Actor, key, sha string, variants []Media) (bool, error) {
	if err := require(a, RoleManager, "edit the menu"); err != nil {
		return false, err
	}
	if !isSHA256(sha) || len(variants) == 0 {
		return false, invalid("photo", "the photo could not be read")
	}
	_, replay, err := idempotent(ctx, s, a.StoreID, key, "photo", sha, func(tx Tx) (string, error) {
		for _, m := range variants {
			m.SHA256, m.StoreID, m.CreatedAt = sha, a.StoreID, s.clock()
			if err := tx.PutMedia(ctx, m); err != nil {
				return "", err
			}
		}
		return sha, nil
	})
	return replay, err
}

// Photo returns one variant of a photo (public: diners' menus show them).
func (s *Service) Photo(ctx context.Context, sha string, width int) (Media, error) {
	if !isSHA256(sha) {
		return Media{}, refuse(CodeNotFound, "no such photo")
	}
	var m Media
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		m, err = tx.MediaByKey(ctx, sha, width)
		return notFound(err, "photo")
	})
	return m, err
}

// OpenDrawer records that the cash drawer is opened without a sale, with
// the reason; the caller then sends the drawer kick to the printer. The
// same key is the same opening.
func (s *Service) OpenDrawer(ctx context.Context, a Actor, key, bridgeID, reason string) (bool, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return false, invalid("reason", "say why the drawer is opened")
	}
	if err := checkNote(reason); err != nil {
		return false, invalid("reason", "the reason is at most %d characters of text", MaxNoteLen)
	}
	req := struct{ Bridge, Reason string }{bridgeID, reason}
	_, replay, err := idempotent(ctx, s, a.StoreID, key, "open_drawer", req, func(tx Tx) (bool, error) {
		return true, s.audit(ctx, tx, a, AuditDrawerOpen, "bridge "+bridgeID, "no sale", reason)
	})
	return replay, err
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// conflictAs turns a store's ErrConflict into a refusal saying msg.
func conflictAs(err error, msg string) error {
	if errors.Is(err, ErrConflict) {
		return refuse(CodeConflict, "%s", msg)
	}
	return err
}

// currencyOf is the store's currency, for amounts in audit entries.
func currencyOf(ctx context.Context, tx Tx, storeID string) (string, error) {
	r, err := tx.RestaurantByID(ctx, storeID)
	return r.Currency, err
}

// approvedBy notes in an audit detail who approved, when not the actor.
func approvedBy(approver string, a Actor) string {
	if approver == "" || approver == a.StaffID {
		return ""
	}
	return ", approved by " + approver
}
