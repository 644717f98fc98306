package pos_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/server/pos"
)

func TestSplitEqual(t *testing.T) {
	tests := []struct {
		name   string
		amount int64
		n      int
		want   []int64
	}{
		{"whole", 7500, 1, []int64{7500}},
		{"halves", 7500, 2, []int64{3750, 3750}},
		{"odd halves", 7501, 2, []int64{3751, 3750}},
		{"thirds", 10000, 3, []int64{3334, 3333, 3333}},
		{"thirds, two over", 10001, 3, []int64{3334, 3334, 3333}},
		{"quarters", 10003, 4, []int64{2501, 2501, 2501, 2500}},
		{"fifths", 9999, 5, []int64{2000, 2000, 2000, 2000, 1999}},
		{"sixths", 100, 6, []int64{17, 17, 17, 17, 16, 16}},
		{"sevenths", 100, 7, []int64{15, 15, 14, 14, 14, 14, 14}},
		{"one fen each", 7, 7, []int64{1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		if got := pos.SplitEqual(tt.amount, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("%s: SplitEqual(%d, %d) = %v, want %v", tt.name, tt.amount, tt.n, got, tt.want)
		}
	}
	// Every amount, N = 1..7: the parts add up exactly, differ by at most
	// one minor unit, the larger ones first.
	for amount := int64(1); amount <= 500; amount++ {
		for n := 1; n <= 7; n++ {
			got := pos.SplitEqual(amount, n)
			var sum int64
			for i, p := range got {
				sum += p
				if i > 0 && (p > got[i-1] || got[0]-p > 1) {
					t.Fatalf("SplitEqual(%d, %d) = %v: parts not even", amount, n, got)
				}
			}
			if sum != amount || len(got) != n {
				t.Fatalf("SplitEqual(%d, %d) = %v: adds up to %d", amount, n, got, sum)
			}
		}
	}
}

func TestTipFromBP(t *testing.T) {
	tests := []struct {
		amount int64
		bp     int
		want   int64
	}{
		{3750, 0, 0},
		{3750, 1000, 375},
		{3750, 1500, 563}, // 562.5 rounds up
		{3751, 1000, 375}, // 375.1
		{3755, 1000, 376}, // 375.5
		{3754, 1000, 375}, // 375.4
		{5, 1000, 1},      // 0.5
		{4, 1000, 0},      // 0.4
		{1, 10000, 1},
		{3333, 1500, 500}, // 499.95
		{100_000_000_000, 10000, 100_000_000_000},
	}
	for _, tt := range tests {
		if got := pos.TipFromBP(tt.amount, tt.bp); got != tt.want {
			t.Errorf("TipFromBP(%d, %d) = %d, want %d", tt.amount, tt.bp, got, tt.want)
		}
	}
}

// split splits an order as the cashier.
func (f *payFixture) split(t *testing.T, orderID string, req pos.SplitRequest) []pos.Share {
	t.Helper()
	out, _, err := f.svc.Split(t.Context(), f.cashier, "k-split-"+req.SplitID, orderID, req)
	if err != nil {
		t.Fatalf("Split(%+v): %v", req, err)
	}
	return out
}

// payShare starts the payment of a share and returns its intent and a
// token of it.
func (f *payFixture) payShare(t *testing.T, shareID string, tip pos.TipRequest) (pos.Intent, string) {
	t.Helper()
	n := f.seq.Add(1)
	in, _, err := f.svc.PayShare(t.Context(), f.cashier, fmt.Sprint("k-ps-", n), shareID, pos.PayShareRequest{IntentID: fmt.Sprint("ps-", n), Tip: tip})
	if err != nil {
		t.Fatalf("PayShare(%s): %v", shareID, err)
	}
	tok, _, err := f.svc.IssueToken(t.Context(), f.cashier, in.ID)
	if err != nil {
		t.Fatalf("IssueToken(%s): %v", in.ID, err)
	}
	return in, tok
}

func (f *payFixture) bill(t *testing.T, orderID string) pos.BillView {
	t.Helper()
	v, err := f.svc.Bill(t.Context(), f.cashier, orderID)
	if err != nil {
		t.Fatalf("Bill: %v", err)
	}
	return v
}

func statuses(v pos.BillView) []pos.ShareStatus {
	var out []pos.ShareStatus
	for _, sh := range v.Shares {
		out = append(out, sh.Status)
	}
	return out
}

func TestSplitEquallyAndPayWithTips(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	a, b := f.wallet(t, 50000), f.wallet(t, 50000)
	f.ticket(t, "o1") // 75.00
	shares := f.split(t, "o1", pos.SplitRequest{SplitID: "s1", Parts: 2})
	if len(shares) != 2 || shares[0].Amount != 3750 || shares[1].Amount != 3750 || shares[0].ID != "s1-1" {
		t.Fatalf("shares = %+v", shares)
	}

	// Phone A pays half, no tip.
	in, tok := f.payShare(t, "s1-1", pos.TipRequest{})
	if in.Amount != 3750 || in.Tip != 0 || in.ShareID != "s1-1" {
		t.Fatalf("intent = %+v", in)
	}
	if got := statuses(f.bill(t, "o1")); !slices.Equal(got, []pos.ShareStatus{pos.SharePaying, pos.ShareOpen}) {
		t.Fatalf("statuses while paying = %v", got)
	}
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatalf("A pays: %v", err)
	}
	v := f.bill(t, "o1")
	if v.Order.Status != pos.StatusOpen || v.Totals.Paid != 3750 || v.Totals.Due != 3750 || v.Stale {
		t.Fatalf("after A: status %s paid %d due %d stale %v", v.Order.Status, v.Totals.Paid, v.Totals.Due, v.Stale)
	}

	// Phone B pays the rest with 10 %: the intent is share + tip, and the
	// tip was chosen with the share.
	in, tok = f.payShare(t, "s1-2", pos.TipRequest{BP: 1000})
	if in.Amount != 3750 || in.Tip != 375 {
		t.Fatalf("intent B = %+v", in)
	}
	_, err := f.svc.PayWithWallet(ctx, tok, b.cred, 100)
	wantCode(t, err, pos.CodeInvalid)
	paid, err := f.svc.PayWithWallet(ctx, tok, b.cred, 0)
	if err != nil || paid.Tip != 375 {
		t.Fatalf("B pays: %+v, %v", paid, err)
	}
	if f.balance(t, b) != 50000-3750-375 || f.balance(t, a) != 50000-3750 {
		t.Errorf("balances A %d, B %d", f.balance(t, a), f.balance(t, b))
	}
	v = f.bill(t, "o1")
	if v.Order.Status != pos.StatusClosed || v.Totals.Paid != 7500 || v.Totals.Tips != 375 || v.Totals.Due != 0 {
		t.Fatalf("after B: status %s paid %d tips %d due %d", v.Order.Status, v.Totals.Paid, v.Totals.Tips, v.Totals.Due)
	}
	if got := statuses(v); !slices.Equal(got, []pos.ShareStatus{pos.SharePaid, pos.SharePaid}) || v.Tips["s1-2"] != 375 {
		t.Fatalf("statuses %v tips %v", got, v.Tips)
	}
	// A third phone trying a paid share: a clear refusal.
	_, _, err = f.svc.PayShare(ctx, f.cashier, "k-again", "s1-1", pos.PayShareRequest{IntentID: "again"})
	wantCode(t, err, pos.CodeAlreadyPaid)
	_, err = f.svc.PayWithWallet(ctx, tok, a.cred, 0)
	wantCode(t, err, pos.CodeAlreadyPaid)

	// The back office sees one order of 75.00 paid in two shares, the tip
	// apart, and a day that reconciles: two intents, two entries.
	rep, err := f.svc.XReport(ctx, f.manager, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Orders != 1 || rep.OrdersTotal != 7500 || rep.Tips != 375 {
		t.Errorf("X report: %d orders of %d, tips %d; want 1 of 7500, tips 375", rep.Orders, rep.OrdersTotal, rep.Tips)
	}
	rec, err := f.svc.Reconcile(ctx, f.manager, "")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Clean() {
		t.Errorf("a bill paid in shares with a tip: reconciliation found %+v, want none", rec.Differences)
	}
}

func TestSplitRules(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	f.ticket(t, "o1")
	bad := []struct {
		name string
		req  pos.SplitRequest
		want pos.Code
	}{
		{"no id", pos.SplitRequest{Parts: 2}, pos.CodeInvalid},
		{"no parts", pos.SplitRequest{SplitID: "x"}, pos.CodeInvalid},
		{"too many parts", pos.SplitRequest{SplitID: "x", Parts: pos.MaxParts + 1}, pos.CodeInvalid},
		{"both", pos.SplitRequest{SplitID: "x", Parts: 2, LineIDs: []string{"o1-l1"}}, pos.CodeInvalid},
		{"unknown line", pos.SplitRequest{SplitID: "x", LineIDs: []string{"nope"}}, pos.CodeNotFound},
		{"line twice", pos.SplitRequest{SplitID: "x", LineIDs: []string{"o1-l1", "o1-l1"}}, pos.CodeInvalid},
	}
	for _, tt := range bad {
		_, _, err := f.svc.Split(ctx, f.cashier, "k-"+tt.name, "o1", tt.req)
		if got := pos.ErrorCode(err); got != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.want)
		}
	}
	f.split(t, "o1", pos.SplitRequest{SplitID: "s1", Parts: 3})
	tips := []struct {
		name string
		tip  pos.TipRequest
	}{
		{"both", pos.TipRequest{BP: 1000, Amount: 100}},
		{"negative rate", pos.TipRequest{BP: -1}},
		{"over 100 %", pos.TipRequest{BP: 10001}},
		{"negative", pos.TipRequest{Amount: -1}},
		{"more than the share", pos.TipRequest{Amount: 2501}},
	}
	for _, tt := range tips {
		_, _, err := f.svc.PayShare(ctx, f.cashier, "k-tip-"+tt.name, "s1-1", pos.PayShareRequest{IntentID: "tip-x", Tip: tt.tip})
		if got := pos.ErrorCode(err); got != pos.CodeInvalid {
			t.Errorf("tip %s: got %v, want invalid", tt.name, err)
		}
	}
	_, _, err := f.svc.PayShare(ctx, f.cashier, "k-nope", "nope", pos.PayShareRequest{IntentID: "nope"})
	wantCode(t, err, pos.CodeNotFound)
}

func TestSplitIdempotency(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	f.ticket(t, "o1")
	req := pos.SplitRequest{SplitID: "s1", Parts: 2}
	first, replay, err := f.svc.Split(ctx, f.cashier, "k1", "o1", req)
	if err != nil || replay {
		t.Fatalf("Split = %v, %v", replay, err)
	}
	again, replay, err := f.svc.Split(ctx, f.cashier, "k1", "o1", req)
	if err != nil || !replay || len(again) != 2 || again[0].ID != first[0].ID {
		t.Fatalf("replay = %+v, %v, %v", again, replay, err)
	}
	_, _, err = f.svc.Split(ctx, f.cashier, "k1", "o1", pos.SplitRequest{SplitID: "s1", Parts: 3})
	wantCode(t, err, pos.CodeIdempotency)
	// The same split id with a new key: the shares exist already.
	_, _, err = f.svc.Split(ctx, f.cashier, "k2", "o1", req)
	wantCode(t, err, pos.CodeConflict)
	if got := f.bill(t, "o1"); len(got.Shares) != 2 {
		t.Fatalf("shares after replays = %+v", got.Shares)
	}

	pr := pos.PayShareRequest{IntentID: "i1", Tip: pos.TipRequest{BP: 1500}}
	in, replay, err := f.svc.PayShare(ctx, f.cashier, "kp", "s1-1", pr)
	if err != nil || replay || in.Tip != 563 {
		t.Fatalf("PayShare = %+v, %v, %v", in, replay, err)
	}
	in2, replay, err := f.svc.PayShare(ctx, f.cashier, "kp", "s1-1", pr)
	if err != nil || !replay || in2.ID != in.ID {
		t.Fatalf("PayShare replay = %+v, %v, %v", in2, replay, err)
	}
	// Another phone asking with the same tip gets the same payment.
	in3, _, err := f.svc.PayShare(ctx, f.cashier, "kp2", "s1-1", pos.PayShareRequest{IntentID: "i2", Tip: pos.TipRequest{Amount: 563}})
	if err != nil || in3.ID != in.ID {
		t.Fatalf("PayShare from another phone = %+v, %v", in3, err)
	}
	// A different tip replaces the unpaid payment.
	in4, _, err := f.svc.PayShare(ctx, f.cashier, "kp3", "s1-1", pos.PayShareRequest{IntentID: "i3"})
	if err != nil || in4.ID != "i3" || in4.Tip != 0 {
		t.Fatalf("PayShare with another tip = %+v, %v", in4, err)
	}
	old, _ := f.svc.Intent(ctx, f.cashier, "i1")
	if old.Status != pos.IntentCancelled {
		t.Errorf("replaced payment is %s, want cancelled", old.Status)
	}
}

func TestShareLifecycle(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	a := f.wallet(t, 50000)
	f.ticket(t, "o1")
	f.split(t, "o1", pos.SplitRequest{SplitID: "s1", Parts: 3}) // 25.00 each
	in, _ := f.payShare(t, "s1-1", pos.TipRequest{})

	// While a share is paying, the bill cannot be split again.
	_, _, err := f.svc.Split(ctx, f.cashier, "k-s2", "o1", pos.SplitRequest{SplitID: "s2", Parts: 2})
	wantCode(t, err, pos.CodePaymentActive)

	// An unpaid share payment expires, and the share is open again.
	f.clock.Advance(pos.ShareWindow + time.Second)
	if err := f.svc.ResolvePending(ctx); err != nil {
		t.Fatal(err)
	}
	if cur, _ := f.svc.Intent(ctx, f.cashier, in.ID); cur.Status != pos.IntentExpired {
		t.Fatalf("intent is %s, want expired", cur.Status)
	}
	if got := statuses(f.bill(t, "o1")); !slices.Equal(got, []pos.ShareStatus{pos.ShareOpen, pos.ShareOpen, pos.ShareOpen}) {
		t.Fatalf("statuses after expiry = %v", got)
	}

	// Pay one third; then only the unpaid rest splits again.
	_, tok := f.payShare(t, "s1-1", pos.TipRequest{})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	f.split(t, "o1", pos.SplitRequest{SplitID: "s2", Parts: 2})
	v := f.bill(t, "o1")
	var amounts []int64
	for _, sh := range v.Shares {
		amounts = append(amounts, sh.Amount)
	}
	if !slices.Equal(amounts, []int64{2500, 2500, 2500}) || !slices.Equal(statuses(v), []pos.ShareStatus{pos.SharePaid, pos.ShareOpen, pos.ShareOpen}) {
		t.Fatalf("after re-split: amounts %v statuses %v", amounts, statuses(v))
	}
	// The replaced shares no longer pay.
	_, _, err = f.svc.PayShare(ctx, f.cashier, "k-old", "s1-2", pos.PayShareRequest{IntentID: "old"})
	wantCode(t, err, pos.CodeBillChanged)

	// The bill changes under an unpaid share: its token and the share no
	// longer pay, and the bill says to split again.
	_, tok = f.payShare(t, "s2-1", pos.TipRequest{})
	f.add(t, "o1", "o1-l3", "steamed-rice", 1)
	_, err = f.svc.PayWithWallet(ctx, tok, a.cred, 0)
	wantCode(t, err, pos.CodeBillChanged)
	if !f.bill(t, "o1").Stale {
		t.Error("bill not stale after a change")
	}
	_, _, err = f.svc.PayShare(ctx, f.cashier, "k-stale", "s2-2", pos.PayShareRequest{IntentID: "stale"})
	wantCode(t, err, pos.CodeBillChanged)
	// Splitting a stale bill again cancels the payment that cannot pay.
	f.split(t, "o1", pos.SplitRequest{SplitID: "s3", Parts: 1})
	v = f.bill(t, "o1")
	if v.Stale || len(v.Shares) != 2 || v.Shares[1].Amount != v.Totals.Due {
		t.Fatalf("after split of a changed bill: %+v due %d", v.Shares, v.Totals.Due)
	}

	// The counter charges what is due (here: everything that is left).
	_, tok = f.qr(t, "o1")
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.svc.Order(ctx, f.cashier, "o1"); o.Status != pos.StatusClosed {
		t.Fatalf("order is %s, want closed", o.Status)
	}
}

func TestShareVoidOpensIt(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	a := f.wallet(t, 50000)
	f.ticket(t, "o1")
	f.split(t, "o1", pos.SplitRequest{SplitID: "s1", Parts: 2})
	in, tok := f.payShare(t, "s1-1", pos.TipRequest{BP: 1000})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	_, tok = f.payShare(t, "s1-2", pos.TipRequest{})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.VoidPayment(ctx, f.manager, "k-void", in.ID, "wrong card", nil); err != nil {
		t.Fatal(err)
	}
	v := f.bill(t, "o1")
	if v.Order.Status != pos.StatusSent && v.Order.Status != pos.StatusOpen || v.Totals.Due != 3750 || v.Totals.Tips != 0 || v.Stale {
		t.Fatalf("after void: %s due %d tips %d stale %v", v.Order.Status, v.Totals.Due, v.Totals.Tips, v.Stale)
	}
	if got := statuses(v); !slices.Equal(got, []pos.ShareStatus{pos.ShareOpen, pos.SharePaid}) {
		t.Fatalf("statuses after void = %v", got)
	}
	if f.balance(t, a) != 50000-3750 {
		t.Errorf("balance after void = %d", f.balance(t, a))
	}
	// The voided share is paid again.
	_, tok = f.payShare(t, "s1-1", pos.TipRequest{})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.svc.Order(ctx, f.cashier, "o1"); o.Status != pos.StatusClosed {
		t.Fatalf("order is %s, want closed", o.Status)
	}
}

func TestSplitByItems(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	a := f.wallet(t, 50000)
	f.ticket(t, "o1") // l1 45.00, l2 2 x 15.00
	shares := f.split(t, "o1", pos.SplitRequest{SplitID: "s1", LineIDs: []string{"o1-l1"}})
	if len(shares) != 2 || shares[0].Kind != pos.ShareItems || shares[0].Amount != 4500 || shares[1].Kind != pos.ShareRest || shares[1].Amount != 3000 {
		t.Fatalf("shares = %+v", shares)
	}
	// Choosing the same item again replaces the unpaid choice.
	f.split(t, "o1", pos.SplitRequest{SplitID: "s2", LineIDs: []string{"o1-l1"}})
	_, tok := f.payShare(t, "s2", pos.TipRequest{})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	// A line is in at most one paid share.
	_, _, err := f.svc.Split(ctx, f.cashier, "k-s3", "o1", pos.SplitRequest{SplitID: "s3", LineIDs: []string{"o1-l1", "o1-l2"}})
	wantCode(t, err, pos.CodeAlreadyPaid)
	// The other item: its share takes the rest, none is left over.
	shares = f.split(t, "o1", pos.SplitRequest{SplitID: "s4", LineIDs: []string{"o1-l2"}})
	if len(shares) != 1 || shares[0].Amount != 3000 {
		t.Fatalf("shares = %+v", shares)
	}
	v := f.bill(t, "o1")
	if len(v.Shares) != 2 || v.Stale {
		t.Fatalf("bill shares = %+v stale %v", v.Shares, v.Stale)
	}
	_, tok = f.payShare(t, "s4", pos.TipRequest{Amount: 200})
	if _, err := f.svc.PayWithWallet(ctx, tok, a.cred, 0); err != nil {
		t.Fatal(err)
	}
	v = f.bill(t, "o1")
	if v.Order.Status != pos.StatusClosed || v.Totals.Tips != 200 {
		t.Fatalf("order %s tips %d", v.Order.Status, v.Totals.Tips)
	}
}

// Many phones pay the same share at once: exactly one pays, whatever the
// interleaving, and the books balance.
func TestSharePaidOnceUnderRace(t *testing.T) {
	for _, mixedTips := range []bool{false, true} {
		t.Run(fmt.Sprint("mixed tips ", mixedTips), func(t *testing.T) {
			f := newPayFixture(t)
			f.ticket(t, "o1")
			f.split(t, "o1", pos.SplitRequest{SplitID: "s1", Parts: 2})
			const n = 12
			phones := make([]phone, n)
			for i := range phones {
				phones[i] = f.wallet(t, 10000)
			}
			var ok atomic.Int32
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := context.Background()
					tip := pos.TipRequest{}
					if mixedTips && i%2 == 1 {
						tip.BP = 1000
					}
					in, _, err := f.svc.PayShare(ctx, f.cashier, fmt.Sprint("k-race-", i), "s1-1", pos.PayShareRequest{IntentID: fmt.Sprint("race-", i), Tip: tip})
					if err != nil {
						if c := pos.ErrorCode(err); c != pos.CodeAlreadyPaid && c != pos.CodeConflict {
							t.Errorf("phone %d: PayShare: %v", i, err)
						}
						return
					}
					tok, _, err := f.svc.IssueToken(ctx, f.cashier, in.ID)
					if err != nil {
						return // paid or replaced meanwhile
					}
					if _, err := f.svc.PayWithWallet(ctx, tok, phones[i].cred, 0); err == nil {
						ok.Add(1)
					} else if c := pos.ErrorCode(err); c != pos.CodeAlreadyPaid && c != pos.CodeConflict && c != pos.CodeTokenExpired && c != pos.CodeBillChanged {
						t.Errorf("phone %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 1 {
				t.Fatalf("%d phones paid, want 1", ok.Load())
			}
			charged := 0
			for _, p := range phones {
				if f.balance(t, p) != 10000 {
					charged++
				}
			}
			if charged != 1 {
				t.Errorf("%d wallets charged, want 1", charged)
			}
			v := f.bill(t, "o1")
			if v.Totals.Paid != 3750 || !slices.Equal(statuses(v), []pos.ShareStatus{pos.SharePaid, pos.ShareOpen}) {
				t.Errorf("after the race: paid %d, statuses %v", v.Totals.Paid, statuses(v))
			}
		})
	}
}

// FuzzSplitEqual checks the invariants of an equal split for any amount
// and number of parts: exact sum, parts within one minor unit, larger
// parts first.
func FuzzSplitEqual(f *testing.F) {
	for _, s := range []struct {
		amount int64
		n      int
	}{{7500, 2}, {10001, 3}, {1, 1}, {pos.MaxAmount, pos.MaxParts}, {19, 7}} {
		f.Add(s.amount, s.n)
	}
	f.Fuzz(func(t *testing.T, amount int64, n int) {
		if amount < 0 || amount > pos.MaxAmount || n < 1 || n > pos.MaxParts {
			t.Skip()
		}
		got := pos.SplitEqual(amount, n)
		var sum int64
		for i, p := range got {
			sum += p
			if p < 0 || i > 0 && p > got[i-1] || got[0]-p > 1 {
				t.Fatalf("SplitEqual(%d, %d) = %v", amount, n, got)
			}
		}
		if len(got) != n || sum != amount {
			t.Fatalf("SplitEqual(%d, %d) = %v adds up to %d", amount, n, got, sum)
		}
	})
}

// A diner splits and pays only their own table's bill, and lines waiting
// for the staff's Accept are not on it.
func TestDinerSplitScope(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	f.order(t, "o5", "t5")
	f.add(t, "o5", "o5-l1", "kung-pao-chicken", 1, "spice-hot", "extra-egg") // 45.00
	f.add(t, "o5", "o5-l2", "jasmine-tea", 2)                                // 30.00
	_, a, _ := f.join(t, f.link(t, "t5"), "")
	_, c, _ := f.join(t, f.link(t, "t3"), "")

	if _, err := f.svc.DinerBill(ctx, c); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Fatalf("bill of a table with no order: %v, want not found", err)
	}
	// A diner's new lines wait for the staff: they are on no share.
	sub, o, _, err := f.svc.Submit(ctx, a, pos.SubmitRequest{ID: "sub-1", Lines: []pos.SubmitLine{{ItemID: "jasmine-tea", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	pending := o.Lines[len(o.Lines)-1].ID
	shares, orderID, _, err := f.svc.DinerSplit(ctx, a, "k-d1", pos.SplitRequest{SplitID: "d1", Parts: 2})
	if err != nil || orderID != "o5" || len(shares) != 2 || shares[0].Amount+shares[1].Amount != 7500 {
		t.Fatalf("DinerSplit = %+v, %s, %v", shares, orderID, err)
	}
	_, _, _, err = f.svc.DinerSplit(ctx, a, "k-d2", pos.SplitRequest{SplitID: "d2", LineIDs: []string{pending}})
	wantCode(t, err, pos.CodeNotFound)

	// Another table's diner can neither split this bill nor pay its shares.
	_, _, _, err = f.svc.DinerSplit(ctx, c, "k-c1", pos.SplitRequest{SplitID: "c1", Parts: 2})
	wantCode(t, err, pos.CodeNotFound)
	_, _, err = f.svc.DinerPayShare(ctx, c, "k-c2", "d1-1", pos.PayShareRequest{IntentID: "c2"})
	wantCode(t, err, pos.CodeNotFound)
	v, err := f.svc.DinerBill(ctx, a)
	if err != nil || v.Order.ID != "o5" || len(v.Shares) != 2 || v.Stale {
		t.Fatalf("DinerBill = %+v, %v", v, err)
	}

	// The staff accept the line: the bill changed, the shares no longer pay.
	in, _, err := f.svc.DinerPayShare(ctx, a, "k-a1", "d1-1", pos.PayShareRequest{IntentID: "a1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.AcceptSubmission(ctx, f.cashier, "k-acc", sub.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.DinerPayShare(ctx, a, "k-a2", "d1-2", pos.PayShareRequest{IntentID: "a2"})
	wantCode(t, err, pos.CodeBillChanged)
	_, _, err = f.svc.IssueToken(ctx, f.cashier, in.ID)
	wantCode(t, err, pos.CodeBillChanged)
	if v, _ := f.svc.DinerBill(ctx, a); !v.Stale {
		t.Error("bill not stale after the accepted line")
	}
	// Split again: the new shares cover the accepted line.
	shares, _, _, err = f.svc.DinerSplit(ctx, a, "k-d3", pos.SplitRequest{SplitID: "d3", Parts: 3})
	if err != nil || shares[0].Amount+shares[1].Amount+shares[2].Amount != 7500+1500 {
		t.Fatalf("split after the change = %+v, %v", shares, err)
	}
}

// A table whose bill was paid at the table is settled until the staff
// clear it.
func TestTableSettled(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.order(t, "o5", "t5")
	f.add(t, "o5", "o5-l1", "jasmine-tea", 1)
	_, d, _ := f.join(t, f.link(t, "t5"), "")
	settled := func() string {
		t.Helper()
		ts, err := f.svc.Tables(ctx, f.cashier)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range ts {
			if tb.ID == "t5" {
				return tb.SettledOrderID
			}
		}
		t.Fatal("no table t5")
		return ""
	}
	if got := settled(); got != "" {
		t.Fatalf("settled before paying: %q", got)
	}
	if _, _, _, err := f.svc.DinerSplit(ctx, d, "k-s", pos.SplitRequest{SplitID: "s", Parts: 1}); err != nil {
		t.Fatal(err)
	}
	in, _, err := f.svc.DinerPayShare(ctx, d, "k-p", "s-1", pos.PayShareRequest{IntentID: "p"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := f.svc.ShareToken(ctx, d.StoreID, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PayWithWallet(ctx, tok, p.cred, 0); err != nil {
		t.Fatal(err)
	}
	if got := settled(); got != "o5" {
		t.Fatalf("settled after paying: %q, want o5", got)
	}
	if v, err := f.svc.DinerBill(ctx, d); err != nil || v.Order.ID != "o5" || v.Order.Status != pos.StatusClosed {
		t.Fatalf("the diner's bill after paying: %s %s, %v", v.Order.ID, v.Order.Status, err)
	}
	if _, _, err := f.svc.ClearTable(ctx, f.cashier, "k-clear", "t5"); err != nil {
		t.Fatal(err)
	}
	if got := settled(); got != "" {
		t.Fatalf("settled after clearing: %q", got)
	}
}
