package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

// newOrder returns an order of store1 without lines, created by alice.
func newOrder(id string, number int, table string, status pos.OrderStatus, created int) pos.Order {
	return pos.Order{ID: id, StoreID: store1, Number: number, TableID: table, Status: status, Currency: "CNY",
		Version: 1, CreatedBy: alice, CreatedAt: at(created), UpdatedAt: at(created)}
}

// closed returns o closed (or voided) at minute closedAt.
func closed(o pos.Order, status pos.OrderStatus, closedAt int) pos.Order {
	o.Status, o.ClosedAt, o.UpdatedAt = status, new(at(closedAt)), at(closedAt)
	if status == pos.StatusVoid {
		o.VoidReason = "customer left"
	}
	return o
}

func beefLine(id string) pos.Line {
	return pos.Line{ID: id, ItemID: "item-beef-noodles", Name: "Beef noodles", BasePrice: 2800, Qty: 1,
		Modifiers: []pos.LineModifier{
			{ID: "mod-hot", Name: "Hot", Price: 0},
			{ID: "mod-egg", Name: "Egg", Price: 300},
		},
		Note: "no coriander", TaxRateBP: 600}
}

func teaLine(id string, qty int) pos.Line {
	return pos.Line{ID: id, ItemID: "item-tea", Name: "Tea", BasePrice: 900, Qty: qty, TaxRateBP: 0, Sent: true}
}

func createOrders(t *testing.T, s pos.Store, orders ...pos.Order) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, o := range orders {
			if err := tx.CreateOrder(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
}

func getOrder(t *testing.T, s pos.Store, storeID, id string) pos.Order {
	t.Helper()
	var o pos.Order
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		var err error
		o, err = tx.OrderByID(ctx, storeID, id)
		return err
	})
	return o
}

func testNextOrderNumber(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	next := func(storeID string) int {
		t.Helper()
		var n int
		write(t, s, func(ctx context.Context, tx pos.Tx) error {
			var err error
			n, err = tx.NextOrderNumber(ctx, storeID)
			return err
		})
		return n
	}
	if got := next(store1); got != 1 {
		t.Errorf("NextOrderNumber of an empty store: got %d, want 1", got)
	}
	createOrders(t, s, newOrder("o1", 1, "", pos.StatusOpen, 1), closed(newOrder("o2", 2, "", pos.StatusOpen, 2), pos.StatusClosed, 3))
	if got := next(store1); got != 3 {
		t.Errorf("NextOrderNumber after orders 1 and 2: got %d, want 3", got)
	}
	if got := next(store2); got != 1 {
		t.Errorf("NextOrderNumber of another store: got %d, want 1", got)
	}
	runErrCases(t, s, []errCase{
		{"duplicate number in one store", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateOrder(ctx, newOrder("o3", 2, "", pos.StatusOpen, 4))
		}, pos.ErrConflict},
		{"same number in another store", func(ctx context.Context, tx pos.Tx) error {
			o := newOrder("o9", 1, "", pos.StatusOpen, 4)
			o.StoreID, o.CreatedBy = store2, carol
			return tx.CreateOrder(ctx, o)
		}, nil},
	})
}

func testOrderRoundTrip(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	open1 := newOrder("o-table", 1, table1, pos.StatusSent, 1)
	open1.Lines = []pos.Line{beefLine("l-b"), teaLine("l-a", 2), {ID: "l-c", ItemID: "item-rice", Name: "Rice", BasePrice: 0, Qty: 3}}
	quick := newOrder("o-quick", 2, "", pos.StatusOpen, 2)
	void := closed(newOrder("o-void", 3, table2, pos.StatusOpen, 3), pos.StatusVoid, 4)
	void.Lines = []pos.Line{teaLine("l-1", 1)}
	diner := newOrder("o-diner", 4, table3, pos.StatusOpen, 5)
	diner.CreatedBy = "" // ordered by a diner at the table
	withTender := closed(newOrder("o-paid", 5, "", pos.StatusOpen, 6), pos.StatusPaid, 7)
	withTender.Lines = []pos.Line{teaLine("l-1", 1)}
	withTender.Tenders = []pos.Tender{{ID: "tender-1", OrderID: "o-paid", Kind: "cash", Amount: 900, Tendered: 1000,
		Change: 100, CreatedBy: alice, CreatedAt: at(7)}}
	all := []pos.Order{open1, quick, void, diner, withTender}
	createOrders(t, s, all...)

	for _, want := range all {
		t.Run(want.ID, func(t *testing.T) {
			got := getOrder(t, s, store1, want.ID)
			if diff := cmp.Diff(want, got, opts()); diff != "" {
				t.Errorf("OrderByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
			}
		})
	}
	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.OrderByID(ctx, store1, "o-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.OrderByID(ctx, store2, open1.ID)
			return err
		}, pos.ErrNotFound},
		{"duplicate line id in one order", func(ctx context.Context, tx pos.Tx) error {
			o := newOrder("o-dup-lines", 9, "", pos.StatusOpen, 9)
			o.Lines = []pos.Line{teaLine("l-1", 1), teaLine("l-1", 2)}
			return tx.CreateOrder(ctx, o)
		}, pos.ErrConflict},
	})
}

func testCreateOrderConflicts(t *testing.T, open func(t *testing.T) pos.Store) {
	tests := []struct {
		name   string
		before []pos.Order // created first, each must succeed
		order  pos.Order
		want   error
	}{
		{
			name:   "duplicate id",
			before: []pos.Order{newOrder("o1", 1, "", pos.StatusOpen, 1)},
			order:  newOrder("o1", 2, "", pos.StatusOpen, 2),
			want:   pos.ErrConflict,
		},
		{
			name:   "second open order on a table",
			before: []pos.Order{newOrder("o1", 1, table1, pos.StatusOpen, 1)},
			order:  newOrder("o2", 2, table1, pos.StatusOpen, 2),
			want:   pos.ErrConflict,
		},
		{
			name:   "open order on a table with a sent one",
			before: []pos.Order{newOrder("o1", 1, table1, pos.StatusSent, 1)},
			order:  newOrder("o2", 2, table1, pos.StatusOpen, 2),
			want:   pos.ErrConflict,
		},
		{
			name:   "sent order on a table with an open one",
			before: []pos.Order{newOrder("o1", 1, table1, pos.StatusOpen, 1)},
			order:  newOrder("o2", 2, table1, pos.StatusSent, 2),
			want:   pos.ErrConflict,
		},
		{
			name: "open order on a table with closed, paid and void ones",
			before: []pos.Order{
				closed(newOrder("o1", 1, table1, pos.StatusOpen, 1), pos.StatusClosed, 2),
				closed(newOrder("o2", 2, table1, pos.StatusOpen, 3), pos.StatusVoid, 4),
				closed(newOrder("o3", 3, table1, pos.StatusOpen, 5), pos.StatusPaid, 6),
			},
			order: newOrder("o4", 4, table1, pos.StatusOpen, 7),
		},
		{
			name:   "open orders on two tables",
			before: []pos.Order{newOrder("o1", 1, table1, pos.StatusOpen, 1)},
			order:  newOrder("o2", 2, table2, pos.StatusOpen, 2),
		},
		{
			name: "open quick sales",
			before: []pos.Order{
				newOrder("o1", 1, "", pos.StatusOpen, 1),
				newOrder("o2", 2, "", pos.StatusSent, 2),
			},
			order: newOrder("o3", 3, "", pos.StatusOpen, 3),
		},
		{
			name:   "same table id in another store",
			before: []pos.Order{newOrder("o1", 1, table1, pos.StatusOpen, 1)},
			order: func() pos.Order {
				o := newOrder("o2", 1, table9, pos.StatusOpen, 2)
				o.StoreID, o.CreatedBy = store2, carol
				return o
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSeeded(t, open)
			for _, o := range tt.before {
				createOrders(t, s, o)
			}
			err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateOrder(ctx, tt.order) })
			checkErr(t, "CreateOrder("+tt.order.ID+")", err, tt.want)
			if tt.want == nil && err == nil {
				got := getOrder(t, s, tt.order.StoreID, tt.order.ID)
				if diff := cmp.Diff(tt.order, got, opts()); diff != "" {
					t.Errorf("OrderByID(%q) mismatch (-want +got):\n%s", tt.order.ID, diff)
				}
			}
		})
	}
}

func testUpdateOrderLines(t *testing.T, open func(t *testing.T) pos.Store) {
	l1, l2 := beefLine("l1"), teaLine("l2", 1)
	changed := l2
	changed.Qty, changed.Note, changed.Sent = 3, "one without ice", false
	moreMods := l1
	moreMods.Modifiers = []pos.LineModifier{{ID: "mod-beef", Name: "Beef", Price: 800}, {ID: "mod-mild", Name: "Mild"}, {ID: "mod-egg", Name: "Egg", Price: 300}}
	noMods := l1
	noMods.Modifiers = nil

	tests := []struct {
		name  string
		lines []pos.Line
	}{
		{"unchanged", []pos.Line{l1, l2}},
		{"add a line", []pos.Line{l1, l2, teaLine("l3", 2)}},
		{"change a line", []pos.Line{l1, changed}},
		{"remove a line", []pos.Line{l2}},
		{"reorder", []pos.Line{l2, l1}},
		{"change modifiers", []pos.Line{moreMods, l2}},
		{"remove modifiers", []pos.Line{noMods, l2}},
		{"remove every line", nil},
		{"add, change and remove", []pos.Line{changed, teaLine("l4", 1), teaLine("l5", 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSeeded(t, open)
			o := newOrder("o1", 1, table1, pos.StatusOpen, 1)
			o.Lines = []pos.Line{l1, l2}
			createOrders(t, s, o)
			tender := pos.Tender{ID: "tender-1", OrderID: o.ID, Kind: "cash", Amount: 100, Tendered: 100, CreatedBy: alice, CreatedAt: at(2)}
			write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateTender(ctx, tender) })

			want := o
			want.Version, want.UpdatedAt, want.Lines = 2, at(3), tt.lines
			write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, want) })

			want.Tenders = []pos.Tender{tender} // UpdateOrder leaves the tenders alone
			got := getOrder(t, s, store1, o.ID)
			if diff := cmp.Diff(want, got, opts()); diff != "" {
				t.Errorf("OrderByID after UpdateOrder mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func testUpdateOrderVersion(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 1) // version 1
	o.Lines = []pos.Line{teaLine("l1", 1)}
	createOrders(t, s, o)

	v2 := o
	v2.Version, v2.UpdatedAt, v2.Lines = 2, at(2), []pos.Line{teaLine("l1", 2)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, v2) })

	stale := func(version int) pos.Order {
		u := o
		u.Version, u.UpdatedAt, u.Lines = version, at(3), []pos.Line{teaLine("l1", 9)}
		return u
	}
	runErrCases(t, s, []errCase{
		{"same version as stored", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateOrder(ctx, stale(2))
		}, pos.ErrConflict},
		{"version from before the last update", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateOrder(ctx, stale(1))
		}, pos.ErrConflict},
		{"version skipping one", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateOrder(ctx, stale(4))
		}, pos.ErrConflict},
		{"missing order", func(ctx context.Context, tx pos.Tx) error {
			u := stale(2)
			u.ID = "o-missing"
			return tx.UpdateOrder(ctx, u)
		}, pos.ErrNotFound},
		{"order of another store", func(ctx context.Context, tx pos.Tx) error {
			u := stale(3)
			u.StoreID = store2
			return tx.UpdateOrder(ctx, u)
		}, pos.ErrNotFound},
	})
	// The failed updates changed nothing.
	if diff := cmp.Diff(v2, getOrder(t, s, store1, o.ID), opts()); diff != "" {
		t.Errorf("OrderByID after failed updates mismatch (-want +got):\n%s", diff)
	}

	v3 := v2
	v3.Version, v3.UpdatedAt = 3, at(4)
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, v3) })
	if got := getOrder(t, s, store1, o.ID).Version; got != 3 {
		t.Errorf("Version after two updates: got %d, want 3", got)
	}
}

func testUpdateOrderStatus(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 1)
	o.Lines = []pos.Line{teaLine("l1", 1)}
	createOrders(t, s, o)

	paid := closed(o, pos.StatusPaid, 5)
	paid.Version = 2
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, paid) })
	if diff := cmp.Diff(paid, getOrder(t, s, store1, o.ID), opts()); diff != "" {
		t.Errorf("OrderByID after paying mismatch (-want +got):\n%s", diff)
	}

	// The table is free again: a new order opens on it, and the paid one can
	// no longer become active.
	next := newOrder("o2", 2, table1, pos.StatusOpen, 6)
	createOrders(t, s, next)
	reopened := paid
	reopened.Status, reopened.ClosedAt, reopened.Version, reopened.UpdatedAt = pos.StatusOpen, nil, 3, at(7)
	err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, reopened) })
	checkErr(t, "UpdateOrder reopening an order on a table with an open one", err, pos.ErrConflict)

	voided := next
	voided.Status, voided.ClosedAt, voided.VoidReason, voided.Version, voided.UpdatedAt = pos.StatusVoid, new(at(8)), "mistake", 2, at(8)
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, voided) })
	if diff := cmp.Diff(voided, getOrder(t, s, store1, next.ID), opts()); diff != "" {
		t.Errorf("OrderByID after voiding mismatch (-want +got):\n%s", diff)
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrder(ctx, reopened) })
	if got := getOrder(t, s, store1, o.ID); got.Status != pos.StatusOpen || got.ClosedAt != nil {
		t.Errorf("reopened order: got status %q, closed at %v, want %q and nil", got.Status, got.ClosedAt, pos.StatusOpen)
	}
}

func testTenders(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, "", pos.StatusOpen, 1)
	o.Lines = []pos.Line{teaLine("l1", 3)}
	other := newOrder("o2", 2, "", pos.StatusOpen, 1)
	createOrders(t, s, o, other)
	// Ids that sort differently from the order they are added in.
	tenders := []pos.Tender{
		{ID: "tender-c", OrderID: o.ID, Kind: "cash", Amount: 1000, Tendered: 1000, CreatedBy: alice, CreatedAt: at(2)},
		{ID: "tender-a", OrderID: o.ID, Kind: "cash", Amount: 1000, Tendered: 2000, Change: 1000, CreatedBy: bob, CreatedAt: at(2)},
		{ID: "tender-b", OrderID: o.ID, Kind: "cash", Amount: 700, Tendered: 700, CreatedBy: alice, CreatedAt: at(1)},
	}
	for _, td := range tenders {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateTender(ctx, td) })
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.CreateTender(ctx, pos.Tender{ID: "tender-other", OrderID: other.ID, Kind: "cash", Amount: 1, Tendered: 1, CreatedBy: alice, CreatedAt: at(2)})
	})
	want := o
	want.Tenders = tenders
	if diff := cmp.Diff(want, getOrder(t, s, store1, o.ID), opts()); diff != "" {
		t.Errorf("OrderByID with tenders mismatch, want them in the order added (-want +got):\n%s", diff)
	}

	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTender(ctx, pos.Tender{ID: "tender-a", OrderID: other.ID, Kind: "cash", Amount: 5, Tendered: 5, CreatedBy: alice, CreatedAt: at(3)})
		}, pos.ErrConflict},
	})
	t.Run("missing order", func(t *testing.T) {
		err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTender(ctx, pos.Tender{ID: "tender-x", OrderID: "o-missing", Kind: "cash", Amount: 5, Tendered: 5, CreatedBy: alice, CreatedAt: at(3)})
		})
		if err == nil {
			t.Errorf("CreateTender for a missing order: got no error, want one")
		}
	})
}

func testListOrders(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o1 := closed(newOrder("o1", 1, table1, pos.StatusOpen, 1), pos.StatusClosed, 10)
	o1.Lines = []pos.Line{teaLine("l1", 1), beefLine("l2")}
	o1.Tenders = []pos.Tender{{ID: "tender-1", OrderID: "o1", Kind: "cash", Amount: 3900, Tendered: 4000, Change: 100, CreatedBy: alice, CreatedAt: at(9)}}
	o2 := closed(newOrder("o2", 2, table1, pos.StatusOpen, 2), pos.StatusVoid, 20)
	o3 := newOrder("o3", 3, table1, pos.StatusOpen, 3)
	o3.Lines = []pos.Line{beefLine("l1")}
	o4 := newOrder("o4", 4, "", pos.StatusSent, 4)
	o5 := closed(newOrder("o5", 5, table2, pos.StatusOpen, 5), pos.StatusPaid, 30)
	o9 := newOrder("o9", 1, table9, pos.StatusOpen, 6)
	o9.StoreID, o9.CreatedBy = store2, carol
	createOrders(t, s, o1, o2, o3, o4, o5, o9)

	tests := []struct {
		name   string
		filter pos.OrderFilter
		want   []pos.Order
	}{
		{"store", pos.OrderFilter{StoreID: store1}, []pos.Order{o5, o4, o3, o2, o1}},
		{"other store", pos.OrderFilter{StoreID: store2}, []pos.Order{o9}},
		{"active", pos.OrderFilter{StoreID: store1, Statuses: []pos.OrderStatus{pos.StatusOpen, pos.StatusSent}}, []pos.Order{o4, o3}},
		{"one status", pos.OrderFilter{StoreID: store1, Statuses: []pos.OrderStatus{pos.StatusVoid}}, []pos.Order{o2}},
		{"table", pos.OrderFilter{StoreID: store1, TableID: table1}, []pos.Order{o3, o2, o1}},
		{"closed since, inclusive", pos.OrderFilter{StoreID: store1, ClosedSince: at(20)}, []pos.Order{o5, o2}},
		{"closed since, after all", pos.OrderFilter{StoreID: store1, ClosedSince: at(31)}, nil},
		{"limit", pos.OrderFilter{StoreID: store1, Limit: 2}, []pos.Order{o5, o4}},
		{"limit above count", pos.OrderFilter{StoreID: store1, Limit: 50}, []pos.Order{o5, o4, o3, o2, o1}},
		{"statuses and table", pos.OrderFilter{StoreID: store1, TableID: table1,
			Statuses: []pos.OrderStatus{pos.StatusClosed, pos.StatusVoid}}, []pos.Order{o2, o1}},
		{"everything", pos.OrderFilter{StoreID: store1, TableID: table1, Statuses: []pos.OrderStatus{pos.StatusClosed, pos.StatusVoid},
			ClosedSince: at(10), Limit: 1}, []pos.Order{o2}},
		{"no match", pos.OrderFilter{StoreID: store1, TableID: table3}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []pos.Order
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				var err error
				got, err = tx.ListOrders(ctx, tt.filter)
				return err
			})
			if diff := cmp.Diff(tt.want, got, opts()); diff != "" {
				t.Errorf("ListOrders(%+v) mismatch, want newest first with lines and tenders (-want +got):\n%s", tt.filter, diff)
			}
		})
	}
}

func testIdempotency(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	response := make([]byte, 64<<10)
	for i := range response {
		response[i] = byte(i)
	}
	rec := pos.Idempotency{StoreID: store1, Key: "key-1", RequestHash: []byte{0, 1, 2, 0xff}, Response: response, CreatedAt: at(1)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutIdempotency(ctx, rec) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.IdempotencyByKey(ctx, store1, rec.Key)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(rec, got, opts()); diff != "" {
			t.Errorf("IdempotencyByKey(%q) mismatch (-want +got):\n%s", rec.Key, diff)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.IdempotencyByKey(ctx, store1, "key-missing")
			return err
		}, pos.ErrNotFound},
		{"key of another store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.IdempotencyByKey(ctx, store2, rec.Key)
			return err
		}, pos.ErrNotFound},
		{"duplicate key", func(ctx context.Context, tx pos.Tx) error {
			return tx.PutIdempotency(ctx, pos.Idempotency{StoreID: store1, Key: rec.Key, RequestHash: []byte{9}, Response: []byte("{}"), CreatedAt: at(2)})
		}, pos.ErrConflict},
		{"same key in another store", func(ctx context.Context, tx pos.Tx) error {
			return tx.PutIdempotency(ctx, pos.Idempotency{StoreID: store2, Key: rec.Key, RequestHash: []byte{9}, Response: []byte("{}"), CreatedAt: at(2)})
		}, nil},
	})
}

func testRollback(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	errStop := errors.New("stop")
	o := newOrder("o1", 1, table1, pos.StatusOpen, 1)
	o.Lines = []pos.Line{teaLine("l1", 1)}
	createOrders(t, s, o)

	err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateRestaurant(ctx, pos.Restaurant{ID: "store-new", Name: "New", Currency: "CNY", CreatedAt: at(1)}); err != nil {
			return err
		}
		if err := tx.CreateTable(ctx, pos.Table{ID: "table-new", StoreID: store1, Name: "New"}); err != nil {
			return err
		}
		u := o
		u.Version, u.Status, u.Lines = 2, pos.StatusSent, nil
		if err := tx.UpdateOrder(ctx, u); err != nil {
			return err
		}
		if err := tx.PutIdempotency(ctx, pos.Idempotency{StoreID: store1, Key: "key-1", RequestHash: []byte{1}, Response: []byte{2}, CreatedAt: at(1)}); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Write: got error %v, want the error of fn", err)
	}

	runErrCases(t, s, []errCase{
		{"restaurant", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.RestaurantByID(ctx, "store-new")
			return err
		}, pos.ErrNotFound},
		{"table", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.TableByID(ctx, store1, "table-new")
			return err
		}, pos.ErrNotFound},
		{"idempotency", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.IdempotencyByKey(ctx, store1, "key-1")
			return err
		}, pos.ErrNotFound},
	})
	if diff := cmp.Diff(o, getOrder(t, s, store1, o.ID), opts()); diff != "" {
		t.Errorf("OrderByID after a rolled back update mismatch (-want +got):\n%s", diff)
	}

	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := s.Write(ctx, func(tx pos.Tx) error {
			return tx.CreateRestaurant(ctx, pos.Restaurant{ID: "store-cancelled", Name: "New", Currency: "CNY", CreatedAt: at(1)})
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Write with a cancelled context: got error %v, want %v", err, context.Canceled)
		}
		checkErr(t, "RestaurantByID after a cancelled Write", readErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.RestaurantByID(ctx, "store-cancelled")
			return err
		}), pos.ErrNotFound)
	})
}

// testConcurrentUpdates checks that Write serialises read-modify-write
// cycles: no update is lost and none fails, and a Read always sees a whole
// transaction.
func testConcurrentUpdates(t *testing.T, open func(t *testing.T) pos.Store) {
	const workers, increments = 20, 10
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 1)
	o.Version = 0
	createOrders(t, s, o)

	var writers, readers sync.WaitGroup
	done := make(chan struct{})
	for w := range workers {
		writers.Go(func() {
			for i := range increments {
				err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
					cur, err := tx.OrderByID(ctx, store1, o.ID)
					if err != nil {
						return err
					}
					cur.Lines = append(cur.Lines, teaLine(fmt.Sprintf("l-%d-%d", w, i), 1))
					cur.Version++
					cur.UpdatedAt = at(2)
					return tx.UpdateOrder(ctx, cur)
				})
				if err != nil {
					t.Errorf("worker %d, increment %d: %v", w, i, err)
					return
				}
			}
		})
	}
	for range 2 {
		readers.Go(func() {
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				var cur pos.Order
				err := readErr(t, s, func(ctx context.Context, tx pos.Tx) error {
					var err error
					cur, err = tx.OrderByID(ctx, store1, o.ID)
					return err
				})
				if err != nil {
					t.Errorf("read: %v", err)
					return
				}
				if len(cur.Lines) != cur.Version {
					t.Errorf("read: got %d lines at version %d, want as many lines as the version", len(cur.Lines), cur.Version)
					return
				}
				if cur.Version < last {
					t.Errorf("read: got version %d after %d, want it never to go back", cur.Version, last)
					return
				}
				last = cur.Version
				time.Sleep(time.Millisecond) // leave the CPU to the writers
			}
		})
	}
	writers.Wait()
	close(done)
	readers.Wait()

	got := getOrder(t, s, store1, o.ID)
	if got.Version != workers*increments {
		t.Errorf("Version: got %d, want %d", got.Version, workers*increments)
	}
	if len(got.Lines) != workers*increments {
		t.Errorf("len(Lines): got %d, want %d", len(got.Lines), workers*increments)
	}
	seen := map[string]bool{}
	for _, l := range got.Lines {
		if seen[l.ID] {
			t.Errorf("line %s: got it twice, want once", l.ID)
		}
		seen[l.ID] = true
	}
}

// UpdateOrderState saves the order's own fields with the version check and
// leaves its lines and tenders as they are.
func testUpdateOrderState(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 1)
	o.Lines = []pos.Line{teaLine("l1", 1), beefLine("l2")}
	createOrders(t, s, o)

	closed := o
	closedAt := at(5)
	closed.Version, closed.UpdatedAt, closed.Status, closed.ClosedAt = 2, at(5), pos.StatusClosed, &closedAt
	closed.Lines = []pos.Line{teaLine("l9", 7)} // ignored
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrderState(ctx, closed) })
	want := closed
	want.Lines = o.Lines
	if diff := cmp.Diff(want, getOrder(t, s, store1, o.ID), opts()); diff != "" {
		t.Errorf("OrderByID after UpdateOrderState mismatch (-want +got):\n%s", diff)
	}
	runErrCases(t, s, []errCase{
		{"stale version", func(ctx context.Context, tx pos.Tx) error { return tx.UpdateOrderState(ctx, closed) }, pos.ErrConflict},
		{"missing order", func(ctx context.Context, tx pos.Tx) error {
			u := closed
			u.ID, u.Version = "o-missing", 3
			return tx.UpdateOrderState(ctx, u)
		}, pos.ErrNotFound},
	})
}
