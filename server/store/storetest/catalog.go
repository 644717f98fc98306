package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

func testCategories(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	cats := []pos.Category{
		{ID: "cat-drinks", StoreID: store1, Name: "Drinks", Position: 2},
		{ID: "cat-noodles", StoreID: store1, Name: "Noodles", Position: 1},
		{ID: "cat-dumplings", StoreID: store1, Name: "Dumplings", Position: 1},
		{ID: "cat-tea", StoreID: store2, Name: "Tea", Position: 0},
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, c := range cats {
			if err := tx.CreateCategory(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ListCategories(ctx, store1)
		if err != nil {
			return err
		}
		want := []pos.Category{cats[2], cats[1], cats[0]}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("ListCategories(%q) mismatch, want by position then name (-want +got):\n%s", store1, diff)
		}
		got, err = tx.ListCategories(ctx, "store-empty")
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("ListCategories of a store without any: got %v, want none", got)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateCategory(ctx, pos.Category{ID: "cat-tea", StoreID: store1, Name: "Tea"})
		}, pos.ErrConflict},
	})
}

// catalogGroups are the modifier groups of store1, as created.
func catalogGroups() []pos.ModifierGroup {
	return []pos.ModifierGroup{
		{ID: "grp-spice", StoreID: store1, Name: "Spice level", Min: 1, Max: 1, Position: 1, Modifiers: []pos.Modifier{
			{ID: "mod-hot", Name: "Hot", Price: 0, Position: 2},
			{ID: "mod-mild", Name: "Mild", Price: 0, Position: 0},
			{ID: "mod-medium", Name: "Medium", Price: 0, Position: 1},
		}},
		{ID: "grp-extras", StoreID: store1, Name: "Extras", Min: 0, Max: 3, Position: 0, Modifiers: []pos.Modifier{
			{ID: "mod-egg", Name: "Egg", Price: 300, Position: 0},
			{ID: "mod-beef", Name: "Beef", Price: 800, Position: 0},
			{ID: "mod-no-onion", Name: "No onion", Price: -50, Position: 1},
		}},
		{ID: "grp-size", StoreID: store1, Name: "Size", Min: 1, Max: 1, Position: 1},
		{ID: "grp-sugar", StoreID: store2, Name: "Sugar", Min: 0, Max: 1, Position: 0, Modifiers: []pos.Modifier{
			{ID: "mod-sugar", Name: "Sugar", Price: 0, Position: 0},
		}},
	}
}

func createGroups(t *testing.T, s pos.Store) []pos.ModifierGroup {
	t.Helper()
	gs := catalogGroups()
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, g := range gs {
			if err := tx.CreateModifierGroup(ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
	return gs
}

func testModifierGroups(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	gs := createGroups(t, s)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ListModifierGroups(ctx, store1)
		if err != nil {
			return err
		}
		spice, extras, size := gs[0], gs[1], gs[2]
		spice.Modifiers = []pos.Modifier{spice.Modifiers[1], spice.Modifiers[2], spice.Modifiers[0]}
		extras.Modifiers = []pos.Modifier{extras.Modifiers[1], extras.Modifiers[0], extras.Modifiers[2]}
		want := []pos.ModifierGroup{extras, size, spice}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("ListModifierGroups(%q) mismatch, want groups and modifiers by position then name (-want +got):\n%s", store1, diff)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"duplicate group id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateModifierGroup(ctx, pos.ModifierGroup{ID: "grp-size", StoreID: store1, Name: "Size 2"})
		}, pos.ErrConflict},
		{"duplicate modifier id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateModifierGroup(ctx, pos.ModifierGroup{ID: "grp-new", StoreID: store1, Name: "New",
				Modifiers: []pos.Modifier{{ID: "mod-egg", Name: "Egg"}}})
		}, pos.ErrConflict},
	})
	// The failed group above left nothing behind.
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ListModifierGroups(ctx, store1)
		if err != nil {
			return err
		}
		if len(got) != 3 {
			t.Errorf("ListModifierGroups(%q) after failed creates: got %d groups, want 3", store1, len(got))
		}
		return nil
	})
}

func testItems(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	createGroups(t, s)
	items := []pos.Item{
		{ID: "item-beef-noodles", StoreID: store1, CategoryID: "cat-noodles", Name: "Beef noodles", Price: 2800,
			TaxRateBP: 600, Available: true, Position: 2, ModifierGroupIDs: []string{"grp-spice", "grp-extras", "grp-size"}},
		{ID: "item-plain-noodles", StoreID: store1, CategoryID: "cat-noodles", Name: "Plain noodles", Price: 1500,
			TaxRateBP: 600, Available: false, Position: 1, ModifierGroupIDs: []string{"grp-size", "grp-spice"}},
		{ID: "item-dumplings", StoreID: store1, CategoryID: "cat-noodles", Name: "Dumplings", Price: 1800,
			TaxRateBP: 600, Available: true, Position: 1},
		{ID: "item-tea", StoreID: store2, CategoryID: "cat-tea", Name: "Tea", Price: 900,
			TaxRateBP: 0, Available: true, Position: 0, ModifierGroupIDs: []string{"grp-sugar"}},
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, c := range []pos.Category{
			{ID: "cat-noodles", StoreID: store1, Name: "Noodles"},
			{ID: "cat-tea", StoreID: store2, Name: "Tea"},
		} {
			if err := tx.CreateCategory(ctx, c); err != nil {
				return err
			}
		}
		for _, it := range items {
			if err := tx.CreateItem(ctx, it); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, want := range items {
			got, err := tx.ItemByID(ctx, want.StoreID, want.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got, opts()); diff != "" {
				t.Errorf("ItemByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
			}
		}
		got, err := tx.ListItems(ctx, store1)
		if err != nil {
			return err
		}
		want := []pos.Item{items[2], items[1], items[0]}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("ListItems(%q) mismatch, want by position then name (-want +got):\n%s", store1, diff)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.ItemByID(ctx, store1, "item-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.ItemByID(ctx, store2, "item-dumplings")
			return err
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateItem(ctx, pos.Item{ID: "item-tea", StoreID: store1, CategoryID: "cat-noodles", Name: "Tea"})
		}, pos.ErrConflict},
	})
}

func testTables(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	extra := []pos.Table{
		{ID: "table-b", StoreID: store1, Name: "Bar B", Seats: 1, Position: 0, LinkGen: 1},
		{ID: "table-a", StoreID: store1, Name: "Bar A", Seats: 1, Position: 0, LinkGen: 1},
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, tb := range extra {
			if err := tx.CreateTable(ctx, tb); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.TableByID(ctx, store1, "table-a")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(extra[1], got, opts()); diff != "" {
			t.Errorf("TableByID(%q) mismatch (-want +got):\n%s", "table-a", diff)
		}
		list, err := tx.ListTables(ctx, store1)
		if err != nil {
			return err
		}
		var ids []string
		for _, tb := range list {
			ids = append(ids, tb.ID)
		}
		want := []string{"table-a", "table-b", table1, table2, table3}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("ListTables(%q) ids mismatch, want by position then name (-want +got):\n%s", store1, diff)
		}
		return nil
	})
	// Revoking a sticker bumps the generation of that table only.
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for want := 2; want <= 3; want++ {
			gen, err := tx.BumpTableLinkGen(ctx, store1, "table-a")
			if err != nil {
				return err
			}
			if gen != want {
				t.Errorf("BumpTableLinkGen = %d, want %d", gen, want)
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		a, err := tx.TableByID(ctx, store1, "table-a")
		if err != nil {
			return err
		}
		b, err := tx.TableByID(ctx, store1, "table-b")
		if err != nil {
			return err
		}
		if a.LinkGen != 3 || b.LinkGen != 1 {
			t.Errorf("link generations after two revocations of table-a: a=%d b=%d, want 3 and 1", a.LinkGen, b.LinkGen)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"revoke missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BumpTableLinkGen(ctx, store1, "table-missing")
			return err
		}, pos.ErrNotFound},
		{"revoke other store's", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BumpTableLinkGen(ctx, store2, table1)
			return err
		}, pos.ErrNotFound},
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.TableByID(ctx, store1, "table-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.TableByID(ctx, store2, table1)
			return err
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTable(ctx, pos.Table{ID: table9, StoreID: store1, Name: "T9 again"})
		}, pos.ErrConflict},
	})
}
