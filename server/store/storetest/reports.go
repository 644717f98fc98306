package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/money"
	"qrpos/server/ledger"
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
		// Cash top-ups: alice's in range, bob's, alice's too late; and a
		// cash sale alice made (not a top-up).
		topup := func(id, by string, t int, amount int64) ledger.Entry {
			return ledger.Entry{ID: id, StoreID: store1, Kind: ledger.KindTopup, Ref: id, At: at(t), By: by, Postings: []ledger.Posting{
				{Account: ledger.CashDrawer(store1), Amount: cny(amount)}, {Account: ledger.Wallet("m-" + id), Amount: cny(-amount)}}}
		}
		for _, e := range []ledger.Entry{topup("topup-1", alice, 2, 5000), topup("topup-2", bob, 2, 700), topup("topup-3", alice, 9, 300),
			{ID: "cash-sale-a", StoreID: store1, Kind: ledger.KindCashSale, Ref: "t1", At: at(2), By: alice, Postings: []ledger.Posting{
				{Account: ledger.CashDrawer(store1), Amount: cny(900)}, {Account: ledger.Revenue(store1), Amount: cny(-900)}}}} {
			if err := tx.AppendEntry(ctx, e); err != nil {
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
		topups, err := tx.CashTopUpsBy(ctx, store1, alice, at(1), at(5))
		if err != nil || topups != 5000 {
			t.Errorf("CashTopUpsBy alice in [1, 5): got %d, %v, want 5000 (her top-ups only, in range)", topups, err)
		}
		if e, err := tx.EntryByID(ctx, store1, "topup-1"); err != nil || e.By != alice {
			t.Errorf("EntryByID(topup-1).By = %q, %v; want %q", e.By, err, alice)
		}
		return nil
	})
	closedAt := at(10)
	sh.ClosedAt, sh.CashSales, sh.CashTopUps, sh.CashRefunds, sh.Expected, sh.Counted = &closedAt, 1300, 5300, 200, 26400, 26000
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

// seedDay writes a small day of store1 in minutes [0, 60): a cash sale
// (o1), a WeChat payment (o2) partly refunded, a voided order (o3), and a
// sale outside the range (o4).
func seedDay(t *testing.T, s pos.Store) {
	t.Helper()
	cny := func(v int64) money.Amount { return money.New(v, "CNY") }
	o1 := closed(newOrder("o1", 1, "", pos.StatusOpen, 5), pos.StatusClosed, 10)
	o1.Lines = []pos.Line{teaLine("l1", 3), beefLine("l2")} // 2700 at 0 %, 3100 at 6 %
	o1.Tenders = []pos.Tender{{ID: "cash-1", Kind: "cash", Amount: 5800, Tendered: 6000, Change: 200, CreatedBy: alice, CreatedAt: at(10)}}
	o2 := closed(newOrder("o2", 2, "", pos.StatusOpen, 15), pos.StatusClosed, 20)
	o2.Lines = []pos.Line{teaLine("l1", 1)}
	o2.Tenders = []pos.Tender{{ID: "i2", Kind: "wechat", Amount: 900, Tendered: 900, CreatedBy: alice, CreatedAt: at(20)}}
	o3 := closed(newOrder("o3", 3, "", pos.StatusOpen, 21), pos.StatusVoid, 25)
	o4 := closed(newOrder("o4", 4, "", pos.StatusOpen, 100), pos.StatusClosed, 200)
	o4.Lines = []pos.Line{teaLine("l1", 1)}
	createOrders(t, s, o1, o2, o3, o4)
	in := newIntent("i2", "o2", 19)
	in.Rail, in.Amount, in.Status, in.Refunded, in.Version = "wechat", 900, pos.IntentPartiallyRefunded, 300, 1
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateIntent(ctx, in); err != nil {
			return err
		}
		for _, e := range []ledger.Entry{
			{ID: "cash-cash-1", StoreID: store1, Kind: ledger.KindCashSale, Ref: "cash-1", At: at(10), Postings: []ledger.Posting{
				{Account: ledger.CashDrawer(store1), Amount: cny(5800)}, {Account: ledger.Revenue(store1), Amount: cny(-5800)}}},
			{ID: "charge-i2", StoreID: store1, Kind: ledger.KindCharge, Ref: "i2", At: at(20), Postings: []ledger.Posting{
				{Account: ledger.Clearing(store1, "wechat"), Amount: cny(900)}, {Account: ledger.Revenue(store1), Amount: cny(-900)}}},
			{ID: "refund-r1", StoreID: store1, Kind: ledger.KindRefund, Ref: "i2", At: at(30), Postings: []ledger.Posting{
				{Account: ledger.Refunds(store1), Amount: cny(300)}, {Account: ledger.Clearing(store1, "wechat"), Amount: cny(-300)}}},
		} {
			if err := tx.AppendEntry(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func testDayAggregates(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	seedDay(t, s)
	from, to := at(0), at(60)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		lt, err := tx.LedgerTotals(ctx, store1, from, to)
		if err != nil {
			return err
		}
		sort.Slice(lt, func(i, j int) bool { return lt[i].Kind < lt[j].Kind })
		want := []pos.LedgerTotal{
			{Kind: ledger.KindCashSale, Rail: "cash", Account: pos.AccountRevenue, Sum: -5800, Entries: 1},
			{Kind: ledger.KindCharge, Rail: "wechat", Account: pos.AccountRevenue, Sum: -900, Entries: 1},
			{Kind: ledger.KindRefund, Rail: "wechat", Account: pos.AccountRefunds, Sum: 300, Entries: 1},
		}
		if diff := cmp.Diff(want, lt); diff != "" {
			t.Errorf("LedgerTotals (-want +got):\n%s", diff)
		}
		ot, err := tx.OrderTotals(ctx, store1, true, from, to)
		if err != nil {
			return err
		}
		// 3100 at 6 % inclusive: 3100*600/10600 = 175.47, half up 175.
		wantOT := pos.OrderTotals{Orders: 2, Subtotal: 6700, Tax: 175, TaxByRate: map[int]int64{600: 175}, Paid: 6700, Voided: 1}
		if diff := cmp.Diff(wantOT, ot); diff != "" {
			t.Errorf("OrderTotals (-want +got):\n%s", diff)
		}
		if ot, _ := tx.OrderTotals(ctx, store1, false, from, to); ot.Tax != 186 {
			t.Errorf("OrderTotals tax exclusive: got %d, want 186 (3100 * 6 %%, half up)", ot.Tax)
		}
		items, err := tx.ItemSales(ctx, store1, from, to)
		if err != nil {
			return err
		}
		wantItems := []pos.ItemSales{
			{ItemID: "item-tea", Name: "Tea", CatPos: 1000000000, Qty: 4, Sales: 3600},
			{ItemID: "item-beef-noodles", Name: "Beef noodles", CatPos: 1000000000, Qty: 1, Sales: 3100},
		}
		if diff := cmp.Diff(wantItems, items); diff != "" {
			t.Errorf("ItemSales (-want +got):\n%s", diff)
		}
		hours, err := tx.HourlySales(ctx, store1, from, to)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.HourSales{{Hour: 0, Sales: 6700, Entries: 2}}, hours); diff != "" {
			t.Errorf("HourlySales (-want +got):\n%s", diff)
		}
		diffs, err := tx.Reconcile(ctx, store1, true, from, to)
		if err != nil || len(diffs) != 0 {
			t.Errorf("Reconcile a clean day: got %+v, %v", diffs, err)
		}
		e, err := tx.EntryByID(ctx, store1, "charge-i2")
		if err != nil || e.Ref != "i2" || len(e.Postings) != 2 {
			t.Errorf("EntryByID: got %+v, %v", e, err)
		}
		_, err = tx.EntryByID(ctx, store2, "charge-i2")
		checkErr(t, "EntryByID of another store", err, pos.ErrNotFound)
		return nil
	})
	// A payment that took money with no charge entry is found.
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		in := newIntent("i9", "o4", 40)
		in.Status = pos.IntentSucceeded
		return tx.CreateIntent(ctx, in)
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		diffs, err := tx.Reconcile(ctx, store1, true, from, to)
		want := []pos.Discrepancy{{Kind: pos.DiffIntentNoEntry, Ref: "i9", OrderID: "o4", Want: 3500, Detail: "wallet payment is succeeded but has no charge entry"}}
		if diff := cmp.Diff(want, diffs); err != nil || diff != "" {
			t.Errorf("Reconcile: %v (-want +got):\n%s", err, diff)
		}
		return nil
	})
}

func testExports(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	seedDay(t, s)
	from, to := at(0), at(60)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		var orders []string
		if err := tx.ExportOrders(ctx, store1, from, to, func(o pos.ExportOrder) error {
			orders = append(orders, fmt.Sprintf("%s %s %d %d %d %s", o.ID, o.Status, o.Qty, o.Subtotal, o.Paid, o.Items))
			return nil
		}); err != nil {
			return err
		}
		want := []string{"o1 closed 4 5800 5800 Tea x3; Beef noodles x1", "o2 closed 1 900 900 Tea x1", "o3 void 0 0 0 "}
		if diff := cmp.Diff(want, orders); diff != "" {
			t.Errorf("ExportOrders (-want +got):\n%s", diff)
		}
		var pays []string
		if err := tx.ExportPayments(ctx, store1, from, to, func(p pos.ExportPayment) error {
			pays = append(pays, fmt.Sprintf("%s %s %s %d %d", p.ID, p.Rail, p.Status, p.Amount, p.Refunded))
			return nil
		}); err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"cash-1 cash succeeded 5800 0", "i2 wechat partially_refunded 900 300"}, pays); diff != "" {
			t.Errorf("ExportPayments (-want +got):\n%s", diff)
		}
		n := 0
		if err := tx.ExportPostings(ctx, store1, from, to, func(p pos.ExportPosting) error { n++; return nil }); err != nil {
			return err
		}
		if n != 6 {
			t.Errorf("ExportPostings: got %d postings, want 6", n)
		}
		stop := errors.New("stop")
		if err := tx.ExportPostings(ctx, store1, from, to, func(p pos.ExportPosting) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("ExportPostings with a failing writer: got %v, want its error", err)
		}
		return nil
	})
}
