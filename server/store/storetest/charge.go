package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

// testHasLiveIntents checks the narrow question a payment asks first: does
// the order have a live (created or pending) intent, its own or a share's?
func testHasLiveIntents(t *testing.T, open func(t *testing.T) pos.Store) {
	type liveCase struct {
		name  string
		in    *pos.Intent // stored before asking about o1 of store1
		share bool        // in pays a share of its order
		want  bool
	}
	var tests []liveCase
	tests = append(tests, liveCase{name: "no intent", want: false})
	for _, st := range pos.IntentStatuses {
		in := newIntent("pi-1", "o1", 1)
		in.Status = st
		tests = append(tests, liveCase{name: string(st), in: &in, want: st.Live()},
			liveCase{name: "share " + string(st), in: &in, share: true, want: st.Live()})
	}
	other := newIntent("pi-1", "o2", 1)
	other.Status = pos.IntentPending
	tests = append(tests, liveCase{name: "another order", in: &other, want: false})
	elsewhere := newIntent("pi-1", "o9", 1)
	elsewhere.StoreID, elsewhere.CreatedBy, elsewhere.Status = store2, carol, pos.IntentPending
	tests = append(tests, liveCase{name: "another store", in: &elsewhere, want: false})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seedPayments(t, open)
			if tt.in != nil {
				in := *tt.in
				if tt.share {
					write(t, s, func(ctx context.Context, tx pos.Tx) error {
						return tx.CreateShare(ctx, newShare("sh-1", in.OrderID, 1, 1))
					})
					in.ShareID = "sh-1"
				}
				createIntents(t, s, in)
			}
			for _, store := range []string{store1, store2} {
				want := tt.want && store == store1
				var got bool
				read(t, s, func(ctx context.Context, tx pos.Tx) error {
					var err error
					got, err = tx.HasLiveIntents(ctx, store, "o1")
					return err
				})
				if got != want {
					t.Errorf("HasLiveIntents(%s, o1): got %v, want %v", store, got, want)
				}
			}
		})
	}

	t.Run("freed by an update", func(t *testing.T) {
		s := seedPayments(t, open)
		in := newIntent("pi-1", "o1", 1)
		createIntents(t, s, in)
		in.Status, in.Version, in.UpdatedAt = pos.IntentSucceeded, 2, at(2)
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, in) })
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			got, err := tx.HasLiveIntents(ctx, store1, "o1")
			if err == nil && got {
				t.Errorf("HasLiveIntents after the intent succeeded: got true, want false")
			}
			return err
		})
	})
}

// testPayerByDevice checks that PayerByDevice answers, in every case, what
// DeviceByNumber, MemberByID, LimitsFor and PayerTotalSince answer.
func testPayerByDevice(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	d1 := newDevice(12345678, member1, store1)
	d1.LastCounter = 55_000_000
	d2 := newDevice(1, member2, store1)
	d9 := newDevice(99_999_999, member9, store2)
	createDevices(t, s, d1, d2, d9)
	lim := pos.Limits{StoreID: store1, Rail: pos.RailWallet, SingleMax: 1000, DailyMax: 0, PasswordFree: 300}
	other := pos.Limits{StoreID: store2, Rail: pos.RailAlipay, SingleMax: 5, DailyMax: 6, PasswordFree: 7}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, l := range []pos.Limits{lim, other} {
			if err := tx.PutLimits(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	// Captured and uncaptured intents of member1, in both stores, and one
	// of member2 (as in testPayerTotalSince).
	store2Paid := paid(newIntent("pi-store2", "o9", 17), member1, pos.IntentSucceeded, 0, 0)
	store2Paid.StoreID, store2Paid.CreatedBy, store2Paid.Amount = store2, carol, 7
	createIntents(t, s,
		paid(newIntent("pi-before", "o1", 9), member1, pos.IntentSucceeded, 0, 0),
		paid(newIntent("pi-at", "o1", 10), member1, pos.IntentSucceeded, 100, 0),
		paid(newIntent("pi-partial", "o1", 11), member1, pos.IntentPartiallyRefunded, 500, 1000),
		paid(newIntent("pi-refunded-part", "o1", 13), member1, pos.IntentRefunded, 0, 3000),
		paid(newIntent("pi-reversed", "o1", 14), member1, pos.IntentReversed, 0, 0),
		paid(newIntent("pi-pending", "o2", 16), member1, pos.IntentPending, 0, 0),
		paid(newIntent("pi-other-member", "o1", 16), member2, pos.IntentSucceeded, 0, 0),
		store2Paid)

	tests := []struct {
		name   string
		number uint32
		store  string
		rail   string
		since  int
		paid   bool // the member paid something since
	}{
		{"limits set", d1.Number, store1, pos.RailWallet, 10, true},
		{"no limits for the rail", d1.Number, store1, pos.RailAlipay, 0, true},
		{"no limits in the store", d1.Number, store2, pos.RailWallet, 18, false},
		{"another member", d2.Number, store1, pos.RailWallet, 0, true},
		{"a member of another store", d9.Number, store2, pos.RailAlipay, 0, false},
		{"paid later", d1.Number, store1, pos.RailWallet, 11, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				got, err := tx.PayerByDevice(ctx, tt.number, tt.store, tt.rail, at(tt.since))
				if err != nil {
					return err
				}
				var want pos.Payer
				if want.Device, err = tx.DeviceByNumber(ctx, tt.number); err != nil {
					return err
				}
				if want.Member, err = tx.MemberByID(ctx, want.Device.MemberID); err != nil {
					return err
				}
				l, err := tx.LimitsFor(ctx, tt.store, tt.rail)
				switch {
				case err == nil:
					want.Limits = &l
				case !errors.Is(err, pos.ErrNotFound):
					return err
				}
				if want.PaidSince, err = tx.PayerTotalSince(ctx, want.Member.ID, at(tt.since)); err != nil {
					return err
				}
				if (want.PaidSince != 0) != tt.paid {
					t.Errorf("PayerTotalSince: got %d, want paid = %v: the case tests less than it says", want.PaidSince, tt.paid)
				}
				if diff := cmp.Diff(want, got, opts()); diff != "" {
					t.Errorf("PayerByDevice(%d, %s, %s) mismatch (-separate lookups +got):\n%s", tt.number, tt.store, tt.rail, diff)
				}
				return nil
			})
		})
	}

	t.Run("unknown device", func(t *testing.T) {
		err := readErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.PayerByDevice(ctx, 4242, store1, pos.RailWallet, at(0))
			return err
		})
		checkErr(t, "PayerByDevice(unknown)", err, pos.ErrNotFound)
	})
}

// testBillByID checks that BillByID answers what OrderByID, RestaurantByID
// and HasLiveIntents answer, for orders with lines, modifiers and tenders,
// with and without live intents.
func testBillByID(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	full := newOrder("o-full", 7, table1, pos.StatusSent, 1)
	full.Lines = []pos.Line{beefLine("l-b"), teaLine("l-a", 2), {ID: "l-c", ItemID: "item-rice", Name: "Rice", BasePrice: 0, Qty: 3}}
	full.Tenders = []pos.Tender{{ID: "tender-1", OrderID: "o-full", Kind: "cash", Amount: 900, Tendered: 1000,
		Change: 100, CreatedBy: alice, CreatedAt: at(7)}, {ID: "tender-2", OrderID: "o-full", Kind: "card", Amount: 50,
		Tendered: 50, Tip: 10, CreatedAt: at(8)}}
	paidOrder := closed(newOrder("o-paid", 8, "", pos.StatusOpen, 6), pos.StatusPaid, 7)
	paidOrder.Lines = []pos.Line{teaLine("l-1", 1)}
	createOrders(t, s, full, paidOrder)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.CreateShare(ctx, newShare("sh-1", "o2", 1, 1))
	})
	shareIntent := newIntent("pi-share", "o2", 2)
	shareIntent.ShareID, shareIntent.Status = "sh-1", pos.IntentPending
	succeeded := newIntent("pi-done", "o3", 3)
	succeeded.Status = pos.IntentSucceeded
	createIntents(t, s, newIntent("pi-live", "o1", 1), shareIntent, succeeded, newIntent("pi-full", "o-full", 4))

	tests := []struct {
		store, order string
		live         bool
	}{
		{store1, "o-full", true},
		{store1, "o-paid", false},
		{store1, "o1", true},
		{store1, "o2", true},
		{store1, "o3", false},
		{store1, "o4", false},
		{store2, "o9", false},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				got, err := tx.BillByID(ctx, tt.store, tt.order)
				if err != nil {
					return err
				}
				var want pos.Bill
				if want.Order, err = tx.OrderByID(ctx, tt.store, tt.order); err != nil {
					return err
				}
				if want.Restaurant, err = tx.RestaurantByID(ctx, tt.store); err != nil {
					return err
				}
				if want.Live, err = tx.HasLiveIntents(ctx, tt.store, tt.order); err != nil {
					return err
				}
				if want.Live != tt.live {
					t.Errorf("HasLiveIntents(%s): got %v, want %v: the case tests less than it says", tt.order, want.Live, tt.live)
				}
				if diff := cmp.Diff(want, got, opts()); diff != "" {
					t.Errorf("BillByID(%s, %s) mismatch (-separate lookups +got):\n%s", tt.store, tt.order, diff)
				}
				return nil
			})
		})
	}
	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BillByID(ctx, store1, "o-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BillByID(ctx, store2, "o1")
			return err
		}, pos.ErrNotFound},
	})
}
