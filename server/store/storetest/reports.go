package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

func testDaySettings(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		_, err := tx.DaySettingsOf(ctx, store1)
		checkErr(t, "DaySettingsOf before any", err, pos.ErrNotFound)
		return nil
	})
	for _, d := range []pos.DaySettings{
		{StoreID: store1, CutoffMinute: 240, TimeZone: "Asia/Shanghai", UpdatedAt: at(1)},
		{StoreID: store1, CutoffMinute: 0, TimeZone: "Europe/Paris", UpdatedAt: at(2)},
	} {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutDaySettings(ctx, d) })
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			got, err := tx.DaySettingsOf(ctx, store1)
			if diff := cmp.Diff(d, got); err != nil || diff != "" {
				t.Errorf("DaySettingsOf: %v (-want +got):\n%s", err, diff)
			}
			_, err = tx.DaySettingsOf(ctx, store2)
			checkErr(t, "DaySettingsOf another store", err, pos.ErrNotFound)
			return nil
		})
	}
}

func testShifts(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	sh := pos.Shift{ID: "sh1", StoreID: store1, StaffID: alice, Currency: "CNY", Float: 20000, OpenedAt: at(1)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateShift(ctx, sh) })
	runErrCases(t, s, []errCase{
		{"second open shift", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateShift(ctx, pos.Shift{ID: "sh2", StoreID: store1, StaffID: alice, Currency: "CNY", OpenedAt: at(2)})
		}, pos.ErrConflict},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateShift(ctx, pos.Shift{ID: "sh1", StoreID: store1, StaffID: bob, Currency: "CNY", OpenedAt: at(2)})
		}, pos.ErrConflict},
		{"another's shift", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateShift(ctx, pos.Shift{ID: "sh3", StoreID: store1, StaffID: bob, Currency: "CNY", OpenedAt: at(2)})
		}, nil},
	})
	o := newOrder("o1", 1, "", pos.StatusOpen, 1)
	createOrders(t, s, o)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, td := range []pos.Tender{
			{ID: "t1", OrderID: "o1", Kind: "cash", Amount: 1000, Tendered: 2000, Change: 1000, CreatedBy: alice, CreatedAt: at(2)},
			{ID: "t2", OrderID: "o1", Kind: "cash", Amount: 500, Tendered: 500, CreatedBy: bob, CreatedAt: at(2)},
			{ID: "t3", OrderID: "o1", Kind: "wechat", Amount: 700, Tendered: 700, CreatedBy: alice, CreatedAt: at(2)},
			{ID: "t4", OrderID: "o1", Kind: "cash", Amount: 300, Tendered: 300, CreatedBy: alice, CreatedAt: at(9)},
		} {
			if err := tx.CreateTender(ctx, td); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.OpenShiftOf(ctx, store1, alice)
		if diff := cmp.Diff(sh, got); err != nil || diff != "" {
			t.Errorf("OpenShiftOf: %v (-want +got):\n%s", err, diff)
		}
		cash, err := tx.CashTakenBy(ctx, store1, alice, at(1), at(5))
		if err != nil || cash != 1000 {
			t.Errorf("CashTakenBy alice in [1, 5): got %d, %v, want 1000 (her cash only, applied, in range)", cash, err)
		}
		return nil
	})
	closedAt := at(10)
	sh.ClosedAt, sh.CashSales, sh.Expected, sh.Counted = &closedAt, 1300, 21300, 21000
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CloseShift(ctx, sh) })
	runErrCases(t, s, []errCase{
		{"close twice", func(ctx context.Context, tx pos.Tx) error { return tx.CloseShift(ctx, sh) }, pos.ErrConflict},
		{"close missing", func(ctx context.Context, tx pos.Tx) error {
			m := sh
			m.ID = "nope"
			return tx.CloseShift(ctx, m)
		}, pos.ErrNotFound},
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ShiftByID(ctx, store1, "sh1")
		if diff := cmp.Diff(sh, got); err != nil || diff != "" {
			t.Errorf("ShiftByID after close: %v (-want +got):\n%s", err, diff)
		}
		_, err = tx.OpenShiftOf(ctx, store1, alice)
		checkErr(t, "OpenShiftOf after close", err, pos.ErrNotFound)
		_, err = tx.ShiftByID(ctx, store2, "sh1")
		checkErr(t, "ShiftByID of another store", err, pos.ErrNotFound)
		return nil
	})
}

func testZRecords(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	z := pos.ZRecord{StoreID: store1, Day: "2026-03-01", ClosedBy: bob, ClosedAt: at(5), Report: []byte(`{"NetSales":100}`)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateZRecord(ctx, z) })
	runErrCases(t, s, []errCase{
		{"second close", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateZRecord(ctx, pos.ZRecord{StoreID: store1, Day: "2026-03-01", ClosedBy: bob, ClosedAt: at(6), Report: []byte(`{}`)})
		}, pos.ErrConflict},
		{"other store same day", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateZRecord(ctx, pos.ZRecord{StoreID: store2, Day: "2026-03-01", ClosedBy: carol, ClosedAt: at(6), Report: []byte(`{}`)})
		}, nil},
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ZRecordOf(ctx, store1, "2026-03-01")
		if diff := cmp.Diff(z, got); err != nil || diff != "" {
			t.Errorf("ZRecordOf: %v (-want +got):\n%s", err, diff)
		}
		_, err = tx.ZRecordOf(ctx, store1, "2026-03-02")
		checkErr(t, "ZRecordOf an open day", err, pos.ErrNotFound)
		return nil
	})
}
