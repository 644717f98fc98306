package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"qrpos/internal/money"
	"qrpos/server/ledger"
	"qrpos/server/pos"
)

// YearOptions shape the history SeedYear writes.
type YearOptions struct {
	// Orders is how many paid orders to write, spread evenly over Days.
	Orders int
	Days   int
	// End is when the history stops (the last day ends before it).
	End time.Time
	// Members is the number of wallet members who pay with the wallet.
	Members int
	// Batch is the number of orders written per transaction.
	Batch int
	// Seed makes the history reproducible.
	Seed uint64
	// Progress, if set, is told how many orders are written so far.
	Progress func(done int)
}

// SeedYear writes a busy restaurant's history into the demo store (which
// Seed must have created): paid orders with their lines, tenders, payment
// intents, refunds, voids, wallet top-ups and the ledger entries of each,
// as the service would have written them, through the store's own
// methods, many orders per transaction. It is for benchmarks and demos.
//
// Of the orders, about 40 % are paid in cash, 25 % with WeChat Pay, 15 %
// with Alipay and 20 % from the QRPOS wallet (a tenth of those with a
// tip, topping up 2000.00 in cash whenever the balance runs short); 1 %
// of the non-cash payments are half refunded a day later, and
// 0.5 % are voided and paid again in cash. Sales fall between 10:00 and
// 03:00 local time (Asia/Shanghai).
func SeedYear(ctx context.Context, store pos.Store, o YearOptions) error {
	if o.Days <= 0 {
		o.Days = 365
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Members <= 0 {
		o.Members = 2000
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	cst := time.FixedZone("CST", 8*3600)
	end := o.End.In(cst)
	// Day 0 starts at 04:00 local, Days before the end's business day.
	start := time.Date(end.Year(), end.Month(), end.Day(), 4, 0, 0, 0, cst).AddDate(0, 0, -o.Days)

	var items []pos.Item
	var rest pos.Restaurant
	err := store.Read(ctx, func(tx pos.Tx) error {
		var err error
		if rest, err = tx.RestaurantByID(ctx, StoreID); err != nil {
			return err
		}
		all, err := tx.ListItems(ctx, StoreID)
		for _, it := range all {
			if it.Available {
				items = append(items, it)
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("demo: seed year: %w", err)
	}
	cur := rest.Currency
	amt := func(v int64) money.Amount { return money.New(v, cur) }
	us := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

	// Wallet members, each topped up with cash well before day 0, and
	// again whenever a payment needs it.
	balances := make([]int64, o.Members)
	memberID := func(i int) string { return fmt.Sprintf("9%09d", i) }
	err = store.Write(ctx, func(tx pos.Tx) error {
		at := us(start.Add(-time.Hour))
		for i := range balances {
			balances[i] = 1_000_000
			if err := tx.CreateMember(ctx, pos.Member{ID: memberID(i), StoreID: StoreID, Name: "Member", Currency: cur, CreatedAt: at, Version: 1}); err != nil {
				return err
			}
			if err := tx.AppendEntry(ctx, ledger.Entry{ID: "topup-y" + memberID(i), StoreID: StoreID, Kind: ledger.KindTopup, Ref: "y" + memberID(i), At: at,
				Postings: []ledger.Posting{{Account: ledger.CashDrawer(StoreID), Amount: amt(balances[i])}, {Account: ledger.Wallet(memberID(i)), Amount: amt(-balances[i])}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: seed year: members: %w", err)
	}

	dayLen := 24 * time.Hour
	for first := 0; first < o.Orders; first += o.Batch {
		last := min(first+o.Batch, o.Orders)
		err := store.Write(ctx, func(tx pos.Tx) error {
			for k := first; k < last; k++ {
				if err := yearOrder(ctx, tx, r, k, start.Add(time.Duration(k*o.Days/o.Orders)*dayLen), items, balances, memberID, amt, us); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo: seed year: orders %d-%d: %w", first, last, err)
		}
		if o.Progress != nil {
			o.Progress(last)
		}
	}
	return store.Write(ctx, func(tx pos.Tx) error {
		for i, b := range balances {
			m, err := tx.MemberByID(ctx, memberID(i))
			if err != nil {
				return err
			}
			m.Balance, m.Version = b, m.Version+1
			if err := tx.UpdateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// yearOrder writes order number k+1 of a business day that starts at day.
func yearOrder(ctx context.Context, tx pos.Tx, r *rand.Rand, k int, day time.Time, items []pos.Item, balances []int64,
	memberID func(int) string, amt func(int64) money.Amount, us func(time.Time) time.Time) error {
	// 10:00 to 03:00 the next morning: 6 to 23 hours after the 04:00 start.
	paidAt := us(day.Add(6*time.Hour + time.Duration(r.Int64N(int64(17*time.Hour)))))
	id := fmt.Sprintf("y%07d", k)
	o := pos.Order{ID: id, StoreID: StoreID, Number: k + 1, Status: pos.StatusClosed, Currency: amt(0).Currency, Version: 3,
		CreatedBy: CashierID, CreatedAt: paidAt.Add(-30 * time.Minute), UpdatedAt: paidAt, ClosedAt: &paidAt}
	var total int64
	for i := range 1 + r.IntN(4) {
		it := items[r.IntN(len(items))]
		l := pos.Line{ID: fmt.Sprintf("%s-%d", id, i), ItemID: it.ID, Name: it.Name, BasePrice: it.Price, Qty: 1 + r.IntN(3), TaxRateBP: it.TaxRateBP, Sent: true}
		total += l.Total()
		o.Lines = append(o.Lines, l)
	}
	cash := func(tenderID string, at time.Time) error {
		tendered := (total + 9999) / 10000 * 10000
		o.Tenders = append(o.Tenders, pos.Tender{ID: tenderID, Kind: pos.RailCash, Amount: total, Tendered: tendered, Change: tendered - total, CreatedBy: CashierID, CreatedAt: at})
		return tx.AppendEntry(ctx, ledger.Entry{ID: "cash-" + tenderID, StoreID: StoreID, Kind: ledger.KindCashSale, Ref: tenderID, At: at,
			Postings: []ledger.Posting{{Account: ledger.CashDrawer(StoreID), Amount: amt(total)}, {Account: ledger.Revenue(StoreID), Amount: amt(-total)}}})
	}
	p := r.Float64()
	if p < 0.40 {
		if err := cash(id+"-c", paidAt); err != nil {
			return err
		}
		return tx.CreateOrder(ctx, o)
	}
	rail := pos.RailWeChat
	switch {
	case p >= 0.80:
		rail = pos.RailWallet
	case p >= 0.65:
		rail = pos.RailAlipay
	}
	in := pos.Intent{ID: id + "-i", StoreID: StoreID, OrderID: id, Method: pos.MethodCode, Rail: rail, Amount: total, Currency: amt(0).Currency,
		OrderVersion: 2, Status: pos.IntentSucceeded, TerminalID: "counter", RailRef: "rail-" + id, CreatedBy: CashierID,
		CreatedAt: paidAt, UpdatedAt: paidAt, Version: 2}
	postings := []ledger.Posting{{Account: ledger.Clearing(StoreID, rail), Amount: amt(total)}, {Account: ledger.Revenue(StoreID), Amount: amt(-total)}}
	member := -1
	if rail == pos.RailWallet {
		member = r.IntN(len(balances))
		if r.IntN(10) == 0 {
			in.Tip = 500
		}
		in.MemberID, in.PayerRef = memberID(member), "wallet ****"+memberID(member)[6:]
		if balances[member] < total+in.Tip {
			// The member tops up at the counter first, in cash.
			topup := (total + in.Tip + 199_999) / 200_000 * 200_000
			balances[member] += topup
			if err := tx.AppendEntry(ctx, ledger.Entry{ID: "topup-" + id, StoreID: StoreID, Kind: ledger.KindTopup, Ref: id + "-t", At: paidAt.Add(-time.Minute),
				Postings: []ledger.Posting{{Account: ledger.CashDrawer(StoreID), Amount: amt(topup)}, {Account: ledger.Wallet(in.MemberID), Amount: amt(-topup)}}}); err != nil {
				return err
			}
		}
		balances[member] -= total + in.Tip
		postings = []ledger.Posting{{Account: ledger.Wallet(in.MemberID), Amount: amt(total + in.Tip)}, {Account: ledger.Revenue(StoreID), Amount: amt(-total)}}
		if in.Tip > 0 {
			postings = append(postings, ledger.Posting{Account: ledger.Tips(StoreID), Amount: amt(-in.Tip)})
		}
	}
	charge := ledger.Entry{ID: "charge-" + in.ID, StoreID: StoreID, Kind: ledger.KindCharge, Ref: in.ID, At: paidAt, Postings: postings}
	if err := tx.AppendEntry(ctx, charge); err != nil {
		return err
	}
	o.Tenders = append(o.Tenders, pos.Tender{ID: in.ID, Kind: rail, Amount: total, Tendered: total, CreatedBy: CashierID, CreatedAt: paidAt})
	switch q := r.IntN(1000); {
	case q < 5: // voided at once, then paid in cash
		voidAt := paidAt.Add(time.Minute)
		in.Status, in.Reason, in.UpdatedAt, in.Version = pos.IntentReversed, "wrong order", voidAt, 3
		if member >= 0 {
			balances[member] += total + in.Tip
		}
		if err := tx.AppendEntry(ctx, ledger.Reverse(charge, "void-"+in.ID, voidAt)); err != nil {
			return err
		}
		o.Tenders = append(o.Tenders, pos.Tender{ID: "void-" + in.ID, Kind: pos.TenderVoid, Amount: total, CreatedBy: ManagerID, CreatedAt: voidAt})
		cashAt := voidAt.Add(time.Minute)
		if err := cash(id+"-c", cashAt); err != nil {
			return err
		}
		o.ClosedAt, o.UpdatedAt = &cashAt, cashAt
	case q < 15: // half refunded the next day
		refundAt := paidAt.Add(24 * time.Hour)
		half := total / 2
		if half == 0 {
			break
		}
		in.Refunded, in.Status, in.UpdatedAt, in.Version = half, pos.IntentPartiallyRefunded, refundAt, 3
		from := ledger.Clearing(StoreID, rail)
		if member >= 0 {
			from = ledger.Wallet(in.MemberID)
			balances[member] += half
		}
		if err := tx.AppendEntry(ctx, ledger.Entry{ID: "refund-" + id + "-r", StoreID: StoreID, Kind: ledger.KindRefund, Ref: in.ID, At: refundAt,
			Postings: []ledger.Posting{{Account: ledger.Refunds(StoreID), Amount: amt(half)}, {Account: from, Amount: amt(-half)}}}); err != nil {
			return err
		}
		if err := tx.CreateOrder(ctx, o); err != nil {
			return err
		}
		if err := tx.CreateIntent(ctx, in); err != nil {
			return err
		}
		return tx.CreateRefund(ctx, pos.Refund{ID: id + "-r", StoreID: StoreID, IntentID: in.ID, Amount: half, Reason: "cold dish",
			ApprovedBy: ManagerID, CreatedBy: ManagerID, CreatedAt: refundAt})
	}
	if err := tx.CreateOrder(ctx, o); err != nil {
		return err
	}
	return tx.CreateIntent(ctx, in)
}
