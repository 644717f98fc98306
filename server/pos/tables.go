package pos

import (
	"context"
	"errors"

	"qrpos/server/token"
)

// ---- Table links (the QR stickers on tables) ----

// TableLink returns the signed link path segment of a table's current
// sticker: the diner's phone opens /t/<link>.
func (s *Service) TableLink(ctx context.Context, a Actor, tableID string) (Table, string, error) {
	if err := require(a, RoleManager, "print table stickers"); err != nil {
		return Table{}, "", err
	}
	if len(s.linkKey) == 0 {
		return Table{}, "", errors.New("pos: no table link key configured")
	}
	var t Table
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		t, err = tx.TableByID(ctx, a.StoreID, tableID)
		return notFound(err, "table")
	})
	if err != nil {
		return Table{}, "", err
	}
	return t, token.TableLink(s.linkKey, t.StoreID, t.ID, t.LinkGen), nil
}

// RevokeTableLink retires a table's sticker (e.g. after it was tampered
// with): links printed before no longer open the table, and the returned
// link is the one to print on the new sticker.
func (s *Service) RevokeTableLink(ctx context.Context, a Actor, key, tableID string) (Table, string, bool, error) {
	if err := require(a, RoleManager, "revoke a table sticker"); err != nil {
		return Table{}, "", false, err
	}
	if len(s.linkKey) == 0 {
		return Table{}, "", false, errors.New("pos: no table link key configured")
	}
	t, replay, err := idempotent(ctx, s, a.StoreID, key, "revoke-table-link", tableID, func(tx Tx) (Table, error) {
		t, err := tx.TableByID(ctx, a.StoreID, tableID)
		if err != nil {
			return Table{}, notFound(err, "table")
		}
		if t.LinkGen, err = tx.BumpTableLinkGen(ctx, a.StoreID, tableID); err != nil {
			return Table{}, err
		}
		s.log.Info("table link revoked", "store", a.StoreID, "table", tableID, "gen", t.LinkGen, "by", a.StaffID)
		return t, nil
	})
	if err != nil {
		return Table{}, "", false, err
	}
	return t, token.TableLink(s.linkKey, t.StoreID, t.ID, t.LinkGen), replay, nil
}

// TableByLink returns the table a sticker link opens. A link that is not
// genuine, names a missing table, or was revoked is refused with
// CodeBadTableLink, never resolved to another table.
func (s *Service) TableByLink(ctx context.Context, link string) (Restaurant, Table, error) {
	bad := refuse(CodeBadTableLink, "this table code is not valid: ask the staff for help")
	if len(s.linkKey) == 0 {
		return Restaurant{}, Table{}, errors.New("pos: no table link key configured")
	}
	storeID, tableID, gen, err := token.CheckTableLink(s.linkKey, link)
	if err != nil {
		return Restaurant{}, Table{}, bad
	}
	var r Restaurant
	var t Table
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.RestaurantByID(ctx, storeID); err != nil {
			return err
		}
		t, err = tx.TableByID(ctx, storeID, tableID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Restaurant{}, Table{}, bad
	}
	if err != nil {
		return Restaurant{}, Table{}, err
	}
	if gen != t.LinkGen {
		return Restaurant{}, Table{}, refuse(CodeBadTableLink, "this table code was replaced: scan the new code on the table or ask the staff")
	}
	return r, t, nil
}

// TableSticker is a table with the link its current sticker carries.
type TableSticker struct {
	Table Table
	Link  string
}

// TableStickers returns the restaurant and the current sticker links of
// its tables in their board order, or of one table when tableID is set.
func (s *Service) TableStickers(ctx context.Context, a Actor, tableID string) (Restaurant, []TableSticker, error) {
	if err := require(a, RoleManager, "print table stickers"); err != nil {
		return Restaurant{}, nil, err
	}
	if len(s.linkKey) == 0 {
		return Restaurant{}, nil, errors.New("pos: no table link key configured")
	}
	var r Restaurant
	var tables []Table
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.RestaurantByID(ctx, a.StoreID); err != nil {
			return err
		}
		if tableID != "" {
			t, err := tx.TableByID(ctx, a.StoreID, tableID)
			tables = []Table{t}
			return notFound(err, "table")
		}
		tables, err = tx.ListTables(ctx, a.StoreID)
		return err
	})
	if err != nil {
		return Restaurant{}, nil, err
	}
	out := make([]TableSticker, len(tables))
	for i, t := range tables {
		out[i] = TableSticker{Table: t, Link: token.TableLink(s.linkKey, t.StoreID, t.ID, t.LinkGen)}
	}
	return r, out, nil
}
