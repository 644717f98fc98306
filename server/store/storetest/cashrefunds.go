package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

// testCashRefunds: a cash refund adds to its tender's refunded amount and
// never past the tender's amount, once per id, only for a cash tender of
// the order named; the refunds list oldest first, and CashRefundsBy sums
// one person's in a time range.
func testCashRefunds(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	createOrders(t, s, newOrder("o1", 1, "", pos.StatusClosed, 1), newOrder("o2", 2, "", pos.StatusClosed, 1))
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, td := range []pos.Tender{
			{ID: "t1", OrderID: "o1", Kind: "cash", Amount: 1000, Tendered: 2000, Change: 1000, CreatedBy: alice, CreatedAt: at(1)},
			{ID: "t2", OrderID: "o1", Kind: "wechat", Amount: 700, Tendered: 700, CreatedBy: alice, CreatedAt: at(1)},
			{ID: "t3", OrderID: "o2", Kind: "cash", Amount: 500, Tendered: 500, CreatedBy: alice, CreatedAt: at(1)},
		} {
			if err := tx.CreateTender(ctx, td); err != nil {
				return err
			}
		}
		return nil
	})
	refund := func(id, order, tender, by string, amount int64, when int) pos.CashRefund {
		return pos.CashRefund{ID: id, StoreID: store1, OrderID: order, TenderID: tender, Amount: amount, Reason: "cold",
			ApprovedBy: bob, CreatedBy: by, CreatedAt: at(when)}
	}
	r1, r2, r3 := refund("r1", "o1", "t1", alice, 300, 2), refund("r2", "o1", "t1", bob, 700, 3), refund("r3", "o2", "t3", alice, 100, 9)
	r2.ApprovedBy = ""
	for _, r := range []pos.CashRefund{r1, r2, r3} {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateCashRefund(ctx, r) })
	}
	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateCashRefund(ctx, refund("r1", "o2", "t3", alice, 1, 4))
		}, pos.ErrConflict},
		{"a card tender", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateCashRefund(ctx, refund("r4", "o1", "t2", alice, 1, 4))
		}, pos.ErrNotFound},
		{"another order's tender", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateCashRefund(ctx, refund("r5", "o2", "t1", alice, 1, 4))
		}, pos.ErrNotFound},
	})
	t.Run("past the amount", func(t *testing.T) {
		if err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateCashRefund(ctx, refund("r6", "o1", "t1", alice, 1, 4))
		}); err == nil {
			t.Error("a refund past the tender's amount was taken")
		}
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		list, err := tx.ListCashRefunds(ctx, store1, "o1")
		if diff := cmp.Diff([]pos.CashRefund{r1, r2}, list); err != nil || diff != "" {
			t.Errorf("ListCashRefunds(o1): %v (-want +got):\n%s", err, diff)
		}
		o, err := tx.OrderByID(ctx, store1, "o1")
		if err != nil || o.Tenders[0].Refunded != 1000 || o.Tenders[1].Refunded != 0 {
			t.Errorf("tenders of o1 after the refunds: %+v, %v; want 1000 refunded of the cash only", o.Tenders, err)
		}
		sum, err := tx.CashRefundsBy(ctx, store1, alice, at(1), at(5))
		if err != nil || sum != 300 {
			t.Errorf("CashRefundsBy alice in [1, 5): got %d, %v, want 300 (hers only, in range)", sum, err)
		}
		if sum, err := tx.CashRefundsBy(ctx, store2, alice, at(0), at(99)); err != nil || sum != 0 {
			t.Errorf("CashRefundsBy in another store: got %d, %v, want 0", sum, err)
		}
		return nil
	})
}
