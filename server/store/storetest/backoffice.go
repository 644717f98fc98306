package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

// Conformance of the back office's store methods: catalog edits, areas,
// settings, the menu version and price history, media and the audit log.

func testCatalogEdits(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	soldOut := at(60)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateCategory(ctx, pos.Category{ID: "cat-a", StoreID: store1, Name: "A", Position: 0}); err != nil {
			return err
		}
		if err := tx.CreateCategory(ctx, pos.Category{ID: "cat-b", StoreID: store1, Name: "B", Position: 1}); err != nil {
			return err
		}
		for _, g := range catalogGroups() {
			if err := tx.CreateModifierGroup(ctx, g); err != nil {
				return err
			}
		}
		return tx.CreateItem(ctx, pos.Item{ID: "item-1", StoreID: store1, CategoryID: "cat-a", Name: "Noodles", Price: 1800,
			TaxRateBP: 600, Available: true, Position: 0, ModifierGroupIDs: []string{"grp-spice"}})
	})
	want := pos.Item{ID: "item-1", StoreID: store1, CategoryID: "cat-b", Name: "Hand-pulled noodles", Price: 2200, TaxRateBP: 900,
		Available: true, Position: 3, ModifierGroupIDs: []string{}, SoldOutUntil: &soldOut, Photo: "ab12"}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.UpdateCategory(ctx, pos.Category{ID: "cat-a", StoreID: store1, Name: "A2", Position: 5}); err != nil {
			return err
		}
		return tx.UpdateItem(ctx, want)
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ItemByID(ctx, store1, "item-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("item after UpdateItem (-want +got):\n%s", diff)
		}
		list, err := tx.ListItems(ctx, store1)
		if err != nil {
			return err
		}
		if len(list) != 1 || list[0].SoldOutUntil == nil || !list[0].SoldOutUntil.Equal(soldOut) || list[0].Photo != "ab12" {
			t.Errorf("ListItems = %+v, want the sold-out time and photo", list)
		}
		cats, err := tx.ListCategories(ctx, store1)
		if err != nil {
			return err
		}
		if len(cats) != 2 || cats[1].ID != "cat-a" || cats[1].Name != "A2" {
			t.Errorf("categories after update = %+v, want cat-a renamed and last", cats)
		}
		return nil
	})
	// Clearing sold out and giving the groups back.
	want.SoldOutUntil, want.ModifierGroupIDs = nil, []string{"grp-spice"}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateItem(ctx, want) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ItemByID(ctx, store1, "item-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("item after clearing sold out (-want +got):\n%s", diff)
		}
		return nil
	})

	// A group's modifiers are replaced.
	g := catalogGroups()[0]
	g.Name, g.Min, g.Max = "Heat", 0, 2
	g.Modifiers = []pos.Modifier{{ID: "mod-hot", Name: "Hot", Price: 100, Position: 0}, {ID: "mod-new", Name: "Numbing", Price: 200, Position: 1}}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateModifierGroup(ctx, g) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		gs, err := tx.ListModifierGroups(ctx, store1)
		if err != nil {
			return err
		}
		for _, got := range gs {
			if got.ID == g.ID {
				if diff := cmp.Diff(g, got, opts()); diff != "" {
					t.Errorf("group after update (-want +got):\n%s", diff)
				}
			}
		}
		return nil
	})

	// Tables move into areas.
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateArea(ctx, pos.Area{ID: "area-terrace", StoreID: store1, Name: "Terrace", Position: 1}); err != nil {
			return err
		}
		return tx.UpdateTable(ctx, pos.Table{ID: table2, StoreID: store1, Name: "Terrace 2", Seats: 6, Position: 9, AreaID: "area-terrace"})
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.TableByID(ctx, store1, table2)
		if err != nil {
			return err
		}
		want := pos.Table{ID: table2, StoreID: store1, Name: "Terrace 2", Seats: 6, Position: 9, AreaID: "area-terrace", LinkGen: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("table after update (-want +got):\n%s", diff)
		}
		return nil
	})

	runErrCases(t, s, []errCase{
		{"update missing category", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateCategory(ctx, pos.Category{ID: "nope", StoreID: store1, Name: "X"})
		}, pos.ErrNotFound},
		{"update category of another store", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateCategory(ctx, pos.Category{ID: "cat-a", StoreID: store2, Name: "X"})
		}, pos.ErrNotFound},
		{"update missing item", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateItem(ctx, pos.Item{ID: "nope", StoreID: store1, Name: "X"})
		}, pos.ErrNotFound},
		{"update missing group", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateModifierGroup(ctx, pos.ModifierGroup{ID: "nope", StoreID: store1, Name: "X"})
		}, pos.ErrNotFound},
		{"update missing table", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateTable(ctx, pos.Table{ID: "nope", StoreID: store1, Name: "X"})
		}, pos.ErrNotFound},
		{"update missing area", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateArea(ctx, pos.Area{ID: "nope", StoreID: store1, Name: "X"})
		}, pos.ErrNotFound},
		{"duplicate area", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateArea(ctx, pos.Area{ID: "area-terrace", StoreID: store1, Name: "Again"})
		}, pos.ErrConflict},
		{"update restaurant", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateRestaurant(ctx, pos.Restaurant{ID: store2, Name: "Tea House", Address: "3 Side St", Currency: "HKD"})
		}, nil},
		{"update missing restaurant", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateRestaurant(ctx, pos.Restaurant{ID: "nope", Name: "X", Currency: "CNY"})
		}, pos.ErrNotFound},
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		r, err := tx.RestaurantByID(ctx, store2)
		if err != nil {
			return err
		}
		if r.Name != "Tea House" || r.Address != "3 Side St" || r.Currency != "HKD" {
			t.Errorf("restaurant after update = %+v", r)
		}
		as, err := tx.ListAreas(ctx, store1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.Area{{ID: "area-terrace", StoreID: store1, Name: "Terrace", Position: 1}}, as); diff != "" {
			t.Errorf("ListAreas (-want +got):\n%s", diff)
		}
		return nil
	})
}

func testSettings(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.SettingsOf(ctx, store1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(pos.Settings{StoreID: store1}, got); diff != "" {
			t.Errorf("settings before any were saved (-want +got):\n%s", diff)
		}
		return nil
	})
	url, on := "https://pos.example.com", true
	want := pos.Settings{StoreID: store1, PublicURL: &url, AutoPrint: &on, AutoSend: true, UpdatedAt: at(5)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutSettings(ctx, want) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.SettingsOf(ctx, store1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("settings round trip (-want +got):\n%s", diff)
		}
		return nil
	})
	// Unset again.
	want = pos.Settings{StoreID: store1, UpdatedAt: at(6)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutSettings(ctx, want) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.SettingsOf(ctx, store1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("settings unset (-want +got):\n%s", diff)
		}
		other, err := tx.SettingsOf(ctx, store2)
		if err != nil {
			return err
		}
		if other.PublicURL != nil || other.AutoSend {
			t.Errorf("store2 got store1's settings: %+v", other)
		}
		return nil
	})
}

func testMenuVersions(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.CreateItem(ctx, pos.Item{ID: "item-1", StoreID: store1, Name: "Noodles", Price: 1800, Available: true})
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		v, err := tx.MenuVersion(ctx, store1)
		if err != nil {
			return err
		}
		if v != 0 {
			t.Errorf("new store's menu version = %d, want 0", v)
		}
		has, err := tx.HasItemPrices(ctx, store1, "item-1")
		if err != nil {
			return err
		}
		if has {
			t.Errorf("HasItemPrices before any = true")
		}
		_, err = tx.ItemPriceAt(ctx, store1, "item-1", 0)
		checkErr(t, "ItemPriceAt without history", err, pos.ErrNotFound)
		return nil
	})
	// Versions count per store; prices 1800 from 0, 2000 from 3, 2500 from 5.
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for want := int64(1); want <= 5; want++ {
			v, err := tx.BumpMenuVersion(ctx, store1)
			if err != nil {
				return err
			}
			if v != want {
				t.Errorf("bump %d gave %d", want, v)
			}
		}
		if v, err := tx.BumpMenuVersion(ctx, store2); err != nil || v != 1 {
			t.Errorf("store2's first bump = %d, %v; want 1", v, err)
		}
		for _, p := range []struct{ v, price int64 }{{0, 1800}, {3, 2000}, {5, 2500}} {
			if err := tx.RecordItemPrice(ctx, store1, "item-1", p.v, p.price); err != nil {
				return err
			}
			if err := tx.RecordModifierPrice(ctx, store1, "mod-x", p.v, p.price/10); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		if v, err := tx.MenuVersion(ctx, store1); err != nil || v != 5 {
			t.Errorf("MenuVersion = %d, %v; want 5", v, err)
		}
		for _, tt := range []struct{ v, want int64 }{{0, 1800}, {2, 1800}, {3, 2000}, {4, 2000}, {5, 2500}, {99, 2500}} {
			got, err := tx.ItemPriceAt(ctx, store1, "item-1", tt.v)
			if err != nil || got != tt.want {
				t.Errorf("ItemPriceAt(%d) = %d, %v; want %d", tt.v, got, err, tt.want)
			}
			got, err = tx.ModifierPriceAt(ctx, store1, "mod-x", tt.v)
			if err != nil || got != tt.want/10 {
				t.Errorf("ModifierPriceAt(%d) = %d, %v; want %d", tt.v, got, err, tt.want/10)
			}
		}
		if has, err := tx.HasModifierPrices(ctx, store1, "mod-x"); err != nil || !has {
			t.Errorf("HasModifierPrices = %t, %v; want true", has, err)
		}
		if has, err := tx.HasItemPrices(ctx, store2, "item-1"); err != nil || has {
			t.Errorf("HasItemPrices of another store = %t, %v; want false", has, err)
		}
		return nil
	})
	// Recording twice at one version replaces the row.
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.RecordItemPrice(ctx, store1, "item-1", 5, 2600) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, tt := range []struct{ v, want int64 }{{4, 2000}, {5, 2600}} {
			if got, err := tx.ItemPriceAt(ctx, store1, "item-1", tt.v); err != nil || got != tt.want {
				t.Errorf("after re-recording, ItemPriceAt(%d) = %d, %v; want %d", tt.v, got, err, tt.want)
			}
		}
		return nil
	})
}

func testMedia(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	sha := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	m := pos.Media{SHA256: sha, Width: 320, Height: 240, StoreID: store1, Data: []byte("\xff\xd8jpeg"), CreatedAt: at(1)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.PutMedia(ctx, m); err != nil {
			return err
		}
		// Content-addressed: the same key again is not an error.
		return tx.PutMedia(ctx, m)
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.MediaByKey(ctx, sha, 320)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("media round trip (-want +got):\n%s", diff)
		}
		_, err = tx.MediaByKey(ctx, sha, 640)
		checkErr(t, "missing width", err, pos.ErrNotFound)
		return nil
	})
}

func testAudit(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	entries := []pos.AuditEntry{
		{StoreID: store1, At: at(1), StaffID: bob, StaffName: "Bob", Action: pos.AuditPriceChange, Target: "item x", Detail: "18.00 -> 20.00"},
		{StoreID: store1, At: at(2), StaffID: alice, StaffName: "Alice", Action: pos.AuditDrawerOpen, Target: "bridge b", Reason: "change for the till"},
		{StoreID: store1, At: at(3), StaffID: bob, StaffName: "Bob", Action: pos.AuditRefund, Target: "payment p", Detail: "5.00", Reason: "cold soup"},
		{StoreID: store2, At: at(2), StaffID: carol, StaffName: "Carol", Action: pos.AuditDrawerOpen, Target: "bridge c", Reason: "x"},
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, e := range entries {
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	ignoreID := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())
	for _, tt := range []struct {
		name string
		f    pos.AuditFilter
		want []pos.AuditEntry
	}{
		{"all of store1, newest first", pos.AuditFilter{StoreID: store1}, []pos.AuditEntry{entries[2], entries[1], entries[0]}},
		{"by action", pos.AuditFilter{StoreID: store1, Action: pos.AuditDrawerOpen}, []pos.AuditEntry{entries[1]}},
		{"by staff", pos.AuditFilter{StoreID: store1, StaffID: bob}, []pos.AuditEntry{entries[2], entries[0]}},
		{"since", pos.AuditFilter{StoreID: store1, Since: at(2)}, []pos.AuditEntry{entries[2], entries[1]}},
		{"until (exclusive)", pos.AuditFilter{StoreID: store1, Until: at(2)}, []pos.AuditEntry{entries[0]}},
		{"limit", pos.AuditFilter{StoreID: store1, Limit: 1}, []pos.AuditEntry{entries[2]}},
		{"other store", pos.AuditFilter{StoreID: store2}, []pos.AuditEntry{entries[3]}},
		{"nothing", pos.AuditFilter{StoreID: store1, Action: pos.AuditStaffAdd}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				got, err := tx.ListAudit(ctx, tt.f)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, got, opts(), ignoreID); diff != "" {
					t.Errorf("ListAudit(%+v) (-want +got):\n%s", tt.f, diff)
				}
				for i := 1; i < len(got); i++ {
					if got[i].ID == got[i-1].ID || got[i].ID == 0 {
						t.Errorf("entries have ids %d and %d, want distinct non-zero ids", got[i-1].ID, got[i].ID)
					}
				}
				return nil
			})
		})
	}
	// An entry written in a transaction that rolls back is not kept.
	err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.AppendAudit(ctx, pos.AuditEntry{StoreID: store1, At: at(9), StaffID: bob, Action: pos.AuditOrderVoid}); err != nil {
			return err
		}
		return context.Canceled
	})
	checkErr(t, "rolled back", err, context.Canceled)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ListAudit(ctx, pos.AuditFilter{StoreID: store1, Since: at(9).Add(-time.Second)})
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("got %+v after a rollback, want nothing", got)
		}
		return nil
	})
}
