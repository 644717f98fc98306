package pos_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/internal/paycode"
	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/token"
)

// testRail is a faithful double of an external wallet's micropay API
// (WeChat Pay's shape): a charge may answer at once, answer "user paying"
// and settle on a later query, or time out while the money was (or was
// not) taken; reverse gives back whatever was taken. It keeps what really
// happened to the money, so a test can prove nothing was taken twice.
type testRail struct {
	mu sync.Mutex
	// How the next charges behave.
	answer      pos.RailStatus // paid, failed, paying; "" = time out
	takeOnError bool           // on time-out, was the money taken anyway?
	settleAfter int            // queries of a paying charge before it settles
	final       pos.RailStatus // what a paying charge settles to; "" = never
	unreachable bool           // every call fails
	tx          map[string]*railTx
	charges     int
	refunds     map[string]int64 // by refund id
}

type railTx struct {
	status  pos.RailStatus
	taken   bool
	queries int
}

func (r *testRail) ChargeCode(ctx context.Context, c pos.Charge) (pos.RailResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return pos.RailResult{}, errors.New("rail: connection refused")
	}
	if t, ok := r.tx[c.IntentID]; ok { // idempotent by out_trade_no
		return pos.RailResult{Status: t.status, Ref: "rail-" + c.IntentID}, nil
	}
	r.charges++
	t := &railTx{status: r.answer, taken: r.answer == pos.RailPaid}
	if r.answer == "" {
		t.status, t.taken = pos.RailPaying, r.takeOnError
		if r.takeOnError && r.final == "" {
			t.status = pos.RailPaid
		}
		r.tx[c.IntentID] = t
		return pos.RailResult{}, context.DeadlineExceeded
	}
	r.tx[c.IntentID] = t
	return pos.RailResult{Status: t.status, Ref: "rail-" + c.IntentID, PayerRef: "oUpF****3G2k"}, nil
}

func (r *testRail) CreateQR(context.Context, pos.Charge) (string, error) {
	return "", pos.ErrRailUnsupported
}

func (r *testRail) Query(ctx context.Context, id string) (pos.RailResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return pos.RailResult{}, errors.New("rail: connection refused")
	}
	t, ok := r.tx[id]
	if !ok {
		return pos.RailResult{Status: pos.RailFailed, Reason: "ORDERNOTEXIST"}, nil
	}
	if t.status == pos.RailPaying {
		t.queries++
		if t.queries >= r.settleAfter && r.final != "" {
			t.status = r.final
			t.taken = r.final == pos.RailPaid
		}
	}
	return pos.RailResult{Status: t.status, Ref: "rail-" + id}, nil
}

func (r *testRail) Reverse(ctx context.Context, id string) (pos.RailResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return pos.RailResult{}, errors.New("rail: connection refused")
	}
	t, ok := r.tx[id]
	if !ok {
		return pos.RailResult{Status: pos.RailCancelled}, nil
	}
	if t.taken {
		t.taken, t.status = false, pos.RailRefunded
		return pos.RailResult{Status: pos.RailRefunded}, nil
	}
	t.status = pos.RailCancelled
	return pos.RailResult{Status: pos.RailCancelled}, nil
}

func (r *testRail) Refund(ctx context.Context, id, refundID string, amount int64) (pos.RailResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unreachable {
		return pos.RailResult{}, errors.New("rail: connection refused")
	}
	if r.refunds == nil {
		r.refunds = map[string]int64{}
	}
	r.refunds[refundID] = amount // idempotent by refund id
	return pos.RailResult{Status: pos.RailRefunded}, nil
}

func (r *testRail) taken(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.tx[id]
	return ok && t.taken
}

type payFixture struct {
	*fixture
	svc      *pos.Service
	rail     *testRail
	payments atomic.Int64
	seq      atomic.Int64
}

func newPayFixture(t *testing.T) *payFixture {
	t.Helper()
	f := newFixture(t)
	signer, err := token.NewSigner(token.SignerConfig{Keys: [][]byte{token.GenerateKey()}, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	pf := &payFixture{fixture: f, rail: &testRail{answer: pos.RailPaid, tx: map[string]*railTx{}}}
	cfg := pos.DefaultConfig
	cfg.PIN = cheapPIN
	pf.svc = pos.NewService(f.store, cfg, pos.Deps{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Signer: signer, Rails: map[string]pos.Rail{pos.RailWeChat: pf.rail}, OnPayment: func(pos.Intent) { pf.payments.Add(1) },
		LinkKey: token.GenerateKey()})
	f.svc = pf.svc
	t.Cleanup(func() { pf.checkLedger(t) })
	return pf
}

// checkLedger runs the books check after every scenario.
func (f *payFixture) checkLedger(t *testing.T) {
	t.Helper()
	rep, err := f.svc.CheckLedger(context.Background(), f.manager)
	if err != nil {
		t.Fatalf("CheckLedger: %v", err)
	}
	for _, d := range rep.Differences {
		t.Errorf("ledger: %s", d)
	}
}

type phone struct {
	member pos.Member
	dev    pos.Device
	cred   string
}

// wallet opens a wallet and tops it up with cash at the counter.
func (f *payFixture) wallet(t *testing.T, topup int64) phone {
	t.Helper()
	m, d, cred, err := f.svc.NewWallet(t.Context(), demo.StoreID, "Diner")
	if err != nil {
		t.Fatal(err)
	}
	if topup > 0 {
		if m, _, err = f.svc.TopUp(t.Context(), f.cashier, "k-top-"+m.ID, "top-"+m.ID, m.ID, topup, "CNY"); err != nil {
			t.Fatal(err)
		}
	}
	return phone{m, d, cred}
}

func (f *payFixture) code(t *testing.T, p phone) string {
	t.Helper()
	c, err := paycode.WalletCode(p.dev.Number, p.dev.Secret, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *payFixture) balance(t *testing.T, p phone) int64 {
	t.Helper()
	v, err := f.svc.Wallet(t.Context(), p.cred)
	if err != nil {
		t.Fatal(err)
	}
	return v.Member.Balance
}

// ticket opens an order worth 45.00 + 2 x 15.00 = 75.00.
func (f *payFixture) ticket(t *testing.T, id string) pos.Order {
	t.Helper()
	f.order(t, id, "")
	f.add(t, id, id+"-l1", "kung-pao-chicken", 1, "spice-hot", "extra-egg")
	return f.add(t, id, id+"-l2", "jasmine-tea", 2)
}

func (f *payFixture) qr(t *testing.T, orderID string) (pos.Intent, string) {
	t.Helper()
	n := f.seq.Add(1)
	in, _, err := f.svc.CreateQRIntent(t.Context(), f.cashier, fmt.Sprint("k-qr-", n), orderID, fmt.Sprint("qr-", n), "tablet-1")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := f.svc.IssueToken(t.Context(), f.cashier, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	return in, tok
}

func TestQRPaymentWithWallet(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	in, tok := f.qr(t, "o1")
	if in.Amount != 7500 || in.Status != pos.IntentCreated {
		t.Fatalf("intent = %+v", in)
	}
	view, err := f.svc.PayPage(ctx, tok)
	if err != nil || view.Intent.ID != in.ID || len(view.Order.Lines) != 2 || view.Restaurant.Name == "" {
		t.Fatalf("PayPage = %+v, %v", view, err)
	}
	got, err := f.svc.PayWithWallet(ctx, tok, p.cred, 500)
	if err != nil || got.Status != pos.IntentSucceeded || got.Tip != 500 || got.PayerRef == "" {
		t.Fatalf("PayWithWallet = %+v, %v", got, err)
	}
	if b := f.balance(t, p); b != 50000-7500-500 {
		t.Errorf("balance = %d, want %d", b, 50000-7500-500)
	}
	o, _ := f.svc.Order(ctx, f.cashier, "o1")
	if o.Status != pos.StatusClosed || len(o.Tenders) != 1 || o.Tenders[0].Kind != pos.RailWallet {
		t.Errorf("order after payment: %s, tenders %+v", o.Status, o.Tenders)
	}
	// The payer's retry is answered, not charged again.
	again, err := f.svc.PayWithWallet(ctx, tok, p.cred, 500)
	if err != nil || again.ID != in.ID || f.balance(t, p) != 42000 {
		t.Fatalf("retry = %+v, %v, balance %d", again, err, f.balance(t, p))
	}
	// Any other phone with a copy of the code: already paid.
	other := f.wallet(t, 50000)
	_, err = f.svc.PayWithWallet(ctx, tok, other.cred, 0)
	wantCode(t, err, pos.CodeAlreadyPaid)
	if f.balance(t, other) != 50000 {
		t.Error("the second phone was charged")
	}
}

func TestQRTokenRules(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	_, tok := f.qr(t, "o1")

	// Altered or garbage tokens.
	bad := []byte(tok)
	bad[len(bad)/2] ^= 1
	for _, tk := range []string{string(bad), tok[:len(tok)-3], "", "not-a-token"} {
		_, err := f.svc.PayWithWallet(ctx, tk, p.cred, 0)
		wantCode(t, err, pos.CodeTokenInvalid)
	}
	// Without a wallet.
	_, err := f.svc.PayWithWallet(ctx, tok, "", 0)
	wantCode(t, err, pos.CodeUnauthorized)
	// A token lives two 15 s steps.
	f.clock.Advance(29 * time.Second)
	if _, err := f.svc.PayPage(ctx, tok); err != nil {
		t.Fatalf("token at 29 s: %v", err)
	}
	f.clock.Advance(2 * time.Second)
	_, err = f.svc.PayWithWallet(ctx, tok, p.cred, 0)
	wantCode(t, err, pos.CodeTokenExpired)

	// A token for a changed bill no longer pays, and the intent is cancelled.
	in, tok := f.qr(t, "o1")
	f.add(t, "o1", "o1-l3", "steamed-rice", 1)
	_, err = f.svc.PayWithWallet(ctx, tok, p.cred, 0)
	wantCode(t, err, pos.CodeBillChanged)
	_, _, err = f.svc.IssueToken(ctx, f.cashier, in.ID)
	if c := pos.ErrorCode(err); c != pos.CodeBillChanged && c != pos.CodeConflict {
		t.Fatalf("token for changed bill: %v", err)
	}
	if f.balance(t, p) != 50000 {
		t.Error("money moved for a refused token")
	}
	// A new QR replaces the old one: the old token dies with its intent.
	_, tok1 := f.qr(t, "o1")
	f.clock.Advance(time.Second)
	_, tok2 := f.qr(t, "o1")
	_, err = f.svc.PayWithWallet(ctx, tok1, p.cred, 0)
	wantCode(t, err, pos.CodeTokenExpired)
	if _, err := f.svc.PayWithWallet(ctx, tok2, p.cred, 0); err != nil {
		t.Fatal(err)
	}
}

// Many phones race to pay one QR: exactly one pays.
func TestQRPaidOnceUnderRace(t *testing.T) {
	f := newPayFixture(t)
	f.ticket(t, "o1")
	_, tok := f.qr(t, "o1")
	const n = 16
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
			if _, err := f.svc.PayWithWallet(context.Background(), tok, phones[i].cred, 0); err == nil {
				ok.Add(1)
			} else if c := pos.ErrorCode(err); c != pos.CodeAlreadyPaid && c != pos.CodeConflict {
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
}

func TestWalletCode(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	f.ticket(t, "o2")
	code := f.code(t, p)
	in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", code+"\r\n", "counter")
	if err != nil || in.Status != pos.IntentSucceeded || in.Method != pos.MethodCode {
		t.Fatalf("ChargeCode = %+v, %v", in, err)
	}
	// The same code again: used, whatever the order.
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k2", "o2", "i2", code, "counter")
	wantCode(t, err, pos.CodeCodeUsed)
	// A retry of the first request is a replay, not a second charge.
	again, replay, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", code+"\r\n", "counter")
	if err != nil || !replay || again.Status != pos.IntentSucceeded {
		t.Fatalf("retry: %+v replay %v, %v", again, replay, err)
	}
	if b := f.balance(t, p); b != 50000-7500 {
		t.Fatalf("balance %d, want %d", b, 50000-7500)
	}
	// Next step, next code.
	f.clock.Advance(30 * time.Second)
	if in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k3", "o2", "i3", f.code(t, p), "counter"); err != nil || in.Status != pos.IntentSucceeded {
		t.Fatalf("second code: %+v, %v", in, err)
	}
	// A code older than the last one used is used; an old code of a
	// wallet that has not paid since is expired; a made-up one invalid.
	f.ticket(t, "o3")
	old, _ := paycode.WalletCode(p.dev.Number, p.dev.Secret, f.clock.Now().Add(-2*time.Minute))
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k4", "o3", "i4", old, "counter")
	wantCode(t, err, pos.CodeCodeUsed)
	q := f.wallet(t, 50000)
	old, _ = paycode.WalletCode(q.dev.Number, q.dev.Secret, f.clock.Now().Add(-2*time.Minute))
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k4b", "o3", "i4b", old, "counter")
	wantCode(t, err, pos.CodeCodeExpired)
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k5", "o3", "i5", code[:10]+"00000000", "counter")
	wantCode(t, err, pos.CodeCodeInvalid)
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k6", "o3", "i6", "hello", "counter")
	wantCode(t, err, pos.CodeNotPaymentCode)
	_, _, err = f.svc.ChargeCode(ctx, f.cashier, "k7", "o3", "i7", "289431869362714645", "counter") // Alipay
	wantCode(t, err, pos.CodeNotAccepted)
}

// One code scanned on many tablets at once pays exactly once.
func TestWalletCodeOnTwoTablets(t *testing.T) {
	f := newPayFixture(t)
	p := f.wallet(t, 100000)
	const n = 12
	for i := range n {
		f.ticket(t, fmt.Sprint("o", i))
	}
	code := f.code(t, p)
	var ok, used atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := f.svc.ChargeCode(context.Background(), f.cashier, fmt.Sprint("k", i), fmt.Sprint("o", i), fmt.Sprint("i", i), code, fmt.Sprint("tablet-", i))
			switch pos.ErrorCode(err) {
			case "":
				if err != nil {
					t.Error(err)
					return
				}
				ok.Add(1)
			case pos.CodeCodeUsed:
				used.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || used.Load() != n-1 {
		t.Fatalf("%d paid, %d refused as used; want 1 and %d", ok.Load(), used.Load(), n-1)
	}
	if b := f.balance(t, p); b != 100000-7500 {
		t.Fatalf("balance %d, want %d", b, 100000-7500)
	}
}

func TestLimitsAndConfirmation(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	if _, _, err := f.svc.SetLimits(ctx, f.cashier, "kl0", pos.Limits{Rail: pos.RailWallet}); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Fatalf("cashier sets limits: %v", err)
	}
	if _, _, err := f.svc.SetLimits(ctx, f.manager, "kl1", pos.Limits{Rail: pos.RailWallet, SingleMax: 10000, DailyMax: 12000, PasswordFree: 5000}); err != nil {
		t.Fatal(err)
	}
	p := f.wallet(t, 100000)
	f.ticket(t, "o1") // 75.00: above password-free 50.00
	in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", f.code(t, p), "counter")
	if err != nil || in.Status != pos.IntentPending || in.Deadline.IsZero() {
		t.Fatalf("over password-free: %+v, %v", in, err)
	}
	// While the payer decides, the order cannot be paid another way.
	_, _, err = f.svc.CreateQRIntent(ctx, f.cashier, "k2", "o1", "i2", "t")
	wantCode(t, err, pos.CodePaymentActive)
	v, _ := f.svc.Wallet(ctx, p.cred)
	if len(v.Pending) != 1 || v.Pending[0].ID != "i1" {
		t.Fatalf("wallet shows pending %+v", v.Pending)
	}
	// Someone else cannot confirm it.
	other := f.wallet(t, 0)
	_, err = f.svc.ConfirmPayment(ctx, other.cred, "i1", true)
	wantCode(t, err, pos.CodeNotFound)
	got, err := f.svc.ConfirmPayment(ctx, p.cred, "i1", true)
	if err != nil || got.Status != pos.IntentSucceeded {
		t.Fatalf("confirm: %+v, %v", got, err)
	}
	// Daily cap: 75.00 paid, 12.00 cap... the next 75.00 is refused.
	f.clock.Advance(30 * time.Second)
	f.ticket(t, "o2")
	in, _, err = f.svc.ChargeCode(ctx, f.cashier, "k3", "o2", "i3", f.code(t, p), "counter")
	if err != nil || in.Status != pos.IntentFailed || in.Reason == "" {
		t.Fatalf("over daily cap: %+v, %v", in, err)
	}
	// Declined and timed-out confirmations move no money.
	q := f.wallet(t, 100000)
	f.ticket(t, "o3")
	in, _, _ = f.svc.ChargeCode(ctx, f.cashier, "k4", "o3", "i4", f.code(t, q), "counter")
	if got, err := f.svc.ConfirmPayment(ctx, q.cred, in.ID, false); err != nil || got.Status != pos.IntentCancelled {
		t.Fatalf("decline: %+v, %v", got, err)
	}
	f.clock.Advance(30 * time.Second)
	in, _, _ = f.svc.ChargeCode(ctx, f.cashier, "k5", "o3", "i5", f.code(t, q), "counter")
	f.clock.Advance(pos.PendingWindow + time.Second)
	if err := f.svc.ResolvePending(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Intent(ctx, f.cashier, in.ID); got.Status != pos.IntentExpired {
		t.Fatalf("unconfirmed after deadline: %s, want expired", got.Status)
	}
	_, err = f.svc.ConfirmPayment(ctx, q.cred, in.ID, true)
	wantCode(t, err, pos.CodeNotFound)
	if b := f.balance(t, q); b != 100000 {
		t.Errorf("balance %d after declined and expired payments, want 100000", b)
	}
	// Single-payment cap.
	f.svc.SetLimits(ctx, f.manager, "kl2", pos.Limits{Rail: pos.RailWallet, SingleMax: 5000})
	in, _, err = f.svc.ChargeCode(ctx, f.cashier, "k6", "o3", "i6", f.code(t, q), "counter")
	if err != nil || in.Status != pos.IntentFailed {
		t.Fatalf("over single cap: %+v, %v", in, err)
	}
}

func TestInsufficientBalance(t *testing.T) {
	f := newPayFixture(t)
	p := f.wallet(t, 1000)
	f.ticket(t, "o1")
	in, _, err := f.svc.ChargeCode(t.Context(), f.cashier, "k1", "o1", "i1", f.code(t, p), "counter")
	if err != nil || in.Status != pos.IntentFailed || in.Reason == "" {
		t.Fatalf("insufficient: %+v, %v", in, err)
	}
	if f.balance(t, p) != 1000 {
		t.Error("balance changed")
	}
	o, _ := f.svc.Order(t.Context(), f.cashier, "o1")
	if !o.Status.Active() || len(o.Tenders) != 0 {
		t.Errorf("order after failed payment: %s with %d tenders", o.Status, len(o.Tenders))
	}
}

func TestRefundsAndVoids(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", f.code(t, p), "counter")
	if err != nil || in.Status != pos.IntentSucceeded {
		t.Fatal(in, err)
	}
	// A cashier alone cannot; a wrong manager PIN cannot; a cashier's PIN cannot.
	_, _, err = f.svc.Refund(ctx, f.cashier, "r0", "i1", "rf0", 1000, "cold soup", nil)
	wantCode(t, err, pos.CodeForbidden)
	_, _, err = f.svc.Refund(ctx, f.cashier, "r1", "i1", "rf1", 1000, "cold soup", &pos.Approval{StaffID: demo.ManagerID, PIN: "0000"})
	wantCode(t, err, pos.CodeWrongPIN)
	_, _, err = f.svc.Refund(ctx, f.cashier, "r2", "i1", "rf2", 1000, "cold soup", &pos.Approval{StaffID: demo.CashierID, PIN: "1357"})
	wantCode(t, err, pos.CodeForbidden)
	// With a manager's PIN: partial.
	got, _, err := f.svc.Refund(ctx, f.cashier, "r3", "i1", "rf3", 1000, "cold soup", &pos.Approval{StaffID: demo.ManagerID, PIN: "2468"})
	if err != nil || got.Status != pos.IntentPartiallyRefunded || got.Refunded != 1000 {
		t.Fatalf("partial refund: %+v, %v", got, err)
	}
	if b := f.balance(t, p); b != 50000-7500+1000 {
		t.Errorf("balance %d, want %d", b, 50000-7500+1000)
	}
	// Never more than was captured.
	_, _, err = f.svc.Refund(ctx, f.manager, "r4", "i1", "rf4", 6501, "too much", nil)
	wantCode(t, err, pos.CodeRefundTooMuch)
	// A void needs a payment with no refunds.
	_, _, err = f.svc.VoidPayment(ctx, f.manager, "v1", "i1", "wrong order", nil)
	wantCode(t, err, pos.CodeConflict)
	got, _, err = f.svc.Refund(ctx, f.manager, "r5", "i1", "rf5", 6500, "rest", nil)
	if err != nil || got.Status != pos.IntentRefunded {
		t.Fatalf("full refund: %+v, %v", got, err)
	}
	if f.balance(t, p) != 50000 {
		t.Errorf("balance %d after full refund, want 50000", f.balance(t, p))
	}

	// Void: the money goes back and the order owes it again.
	f.clock.Advance(30 * time.Second)
	f.ticket(t, "o2")
	in, _, _ = f.svc.ChargeCode(ctx, f.cashier, "k2", "o2", "i2", f.code(t, p), "counter")
	_, _, err = f.svc.VoidPayment(ctx, f.cashier, "v2", "i2", "wrong table", nil)
	wantCode(t, err, pos.CodeForbidden)
	got, _, err = f.svc.VoidPayment(ctx, f.manager, "v3", "i2", "wrong table", nil)
	if err != nil || got.Status != pos.IntentReversed {
		t.Fatalf("void: %+v, %v", got, err)
	}
	o, _ := f.svc.Order(ctx, f.cashier, "o2")
	if !o.Status.Active() || pos.ComputeTotals(o, true).Due != 7500 {
		t.Errorf("order after void: %s due %d", o.Status, pos.ComputeTotals(o, true).Due)
	}
	if f.balance(t, p) != 50000 {
		t.Errorf("balance %d after void, want 50000", f.balance(t, p))
	}
	// The void is idempotent and the order can be paid again.
	if _, replay, err := f.svc.VoidPayment(ctx, f.manager, "v3", "i2", "wrong table", nil); err != nil || !replay {
		t.Fatalf("void retry: replay %v, %v", replay, err)
	}
	if in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k3", "o2", "i3", f.code(t, f.wallet(t, 10000)), "counter"); err != nil || in.Status != pos.IntentSucceeded {
		t.Fatalf("pay after void: %+v, %v", in, err)
	}
}

// The unknown-outcome path of an external rail: answer now, answer later,
// fail, or never answer; never charged twice, always ending final.
func TestExternalRailOutcomes(t *testing.T) {
	const wechat = "134570030591530831"
	tests := []struct {
		name        string
		answer      pos.RailStatus
		takeOnError bool
		settleAfter int
		final       pos.RailStatus
		unreachable bool
		// after ChargeCode, and after the deadline sweep
		wantNow, wantEnd pos.IntentStatus
		wantTaken        bool
	}{
		{name: "paid at once", answer: pos.RailPaid, wantNow: pos.IntentSucceeded, wantEnd: pos.IntentSucceeded, wantTaken: true},
		{name: "declined", answer: pos.RailFailed, wantNow: pos.IntentFailed, wantEnd: pos.IntentFailed},
		{name: "payer confirming, then paid", answer: pos.RailPaying, settleAfter: 2, final: pos.RailPaid, wantNow: pos.IntentPending, wantEnd: pos.IntentSucceeded, wantTaken: true},
		{name: "payer confirming, then failed", answer: pos.RailPaying, settleAfter: 1, final: pos.RailFailed, wantNow: pos.IntentPending, wantEnd: pos.IntentFailed},
		{name: "payer never confirms: reversed", answer: pos.RailPaying, wantNow: pos.IntentPending, wantEnd: pos.IntentCancelled},
		{name: "timeout, money not taken", answer: "", wantNow: pos.IntentPending, wantEnd: pos.IntentCancelled},
		{name: "timeout, money taken: query finds it", answer: "", takeOnError: true, wantNow: pos.IntentPending, wantEnd: pos.IntentSucceeded, wantTaken: true},
		{name: "timeout, taken, still paying at deadline: reversed", answer: "", takeOnError: true, final: pos.RailPaying, settleAfter: 99, wantNow: pos.IntentPending, wantEnd: pos.IntentReversed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPayFixture(t)
			ctx := t.Context()
			f.rail.answer, f.rail.takeOnError, f.rail.settleAfter, f.rail.final = tt.answer, tt.takeOnError, tt.settleAfter, tt.final
			f.ticket(t, "o1")
			in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", wechat, "counter")
			if err != nil {
				t.Fatal(err)
			}
			if in.Status != tt.wantNow {
				t.Fatalf("after charge: %s, want %s", in.Status, tt.wantNow)
			}
			// Sweeps before the deadline query; the one after reverses.
			for range 3 {
				f.clock.Advance(5 * time.Second)
				if err := f.svc.ResolvePending(ctx); err != nil {
					t.Fatal(err)
				}
			}
			f.clock.Advance(pos.PendingWindow)
			if err := f.svc.ResolvePending(ctx); err != nil {
				t.Fatal(err)
			}
			got, _ := f.svc.Intent(ctx, f.cashier, "i1")
			if got.Status != tt.wantEnd {
				t.Fatalf("in the end: %s (%s), want %s", got.Status, got.Reason, tt.wantEnd)
			}
			if taken := f.rail.taken("i1"); taken != tt.wantTaken {
				t.Errorf("money held by the rail = %v, want %v", taken, tt.wantTaken)
			}
			if f.rail.charges != 1 {
				t.Errorf("rail charged %d times, want 1", f.rail.charges)
			}
			o, _ := f.svc.Order(ctx, f.cashier, "o1")
			if paid := o.Status == pos.StatusClosed; paid != (tt.wantEnd == pos.IntentSucceeded) {
				t.Errorf("order %s with intent %s", o.Status, got.Status)
			}
		})
	}
}

func TestCashWhilePaymentInFlight(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	f.svc.SetLimits(ctx, f.manager, "kl", pos.Limits{Rail: pos.RailWallet, PasswordFree: 1000})
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", f.code(t, p), "counter")
	if err != nil || in.Status != pos.IntentPending {
		t.Fatal(in, err)
	}
	cash := pos.CashRequest{TenderID: "c1", Tendered: 10000, Currency: "CNY"}
	_, _, err = f.svc.TenderCash(ctx, f.cashier, "kc1", "o1", cash)
	wantCode(t, err, pos.CodePaymentActive)
	// The payer declines; cash then pays, and kills an unpaid QR on the way.
	f.svc.ConfirmPayment(ctx, p.cred, "i1", false)
	qr, _ := f.qr(t, "o1")
	o, _, err := f.svc.TenderCash(ctx, f.cashier, "kc2", "o1", cash)
	if err != nil || o.Status != pos.StatusClosed {
		t.Fatalf("cash: %s, %v", o.Status, err)
	}
	if got, _ := f.svc.Intent(ctx, f.cashier, qr.ID); got.Status != pos.IntentCancelled {
		t.Errorf("QR after cash: %s, want cancelled", got.Status)
	}
}

// The ledger check is not a formality: tampering shows up.
func TestLedgerCheckFindsTampering(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", f.code(t, p), "counter")
	rep, err := f.svc.CheckLedger(ctx, f.manager)
	if err != nil || len(rep.Differences) != 0 || rep.Entries != 2 {
		t.Fatalf("clean books: %+v, %v", rep, err)
	}
	// A balance changed behind the ledger's back.
	err = f.store.Write(ctx, func(tx pos.Tx) error {
		m, err := tx.MemberByID(ctx, p.member.ID)
		if err != nil {
			return err
		}
		m.Balance += 100
		m.Version++
		return tx.UpdateMember(ctx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ = f.svc.CheckLedger(ctx, f.manager)
	if len(rep.Differences) != 1 {
		t.Fatalf("differences after tampering: %q, want 1", rep.Differences)
	}
	// Put it back so the cleanup check passes.
	f.store.Write(ctx, func(tx pos.Tx) error {
		m, _ := tx.MemberByID(ctx, p.member.ID)
		m.Balance -= 100
		m.Version++
		return tx.UpdateMember(ctx, m)
	})
	if _, err := f.svc.CheckLedger(ctx, f.cashier); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Errorf("cashier ledger check: %v, want forbidden", err)
	}
}

// Refunds and voids of an external payment go to the rail first; a rail
// that cannot be reached leaves nothing recorded.
func TestExternalRefundAndVoid(t *testing.T) {
	const wechat = "134570030591530831"
	f := newPayFixture(t)
	ctx := t.Context()
	f.ticket(t, "o1")
	if in, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", wechat, "counter"); err != nil || in.Status != pos.IntentSucceeded {
		t.Fatal(in, err)
	}
	f.rail.unreachable = true
	_, _, err := f.svc.Refund(ctx, f.manager, "r1", "i1", "rf1", 1000, "cold", nil)
	if err == nil {
		t.Fatal("refund with the rail down: got nil error")
	}
	if in, _ := f.svc.Intent(ctx, f.cashier, "i1"); in.Refunded != 0 {
		t.Fatalf("refund recorded although the rail was down: %+v", in)
	}
	f.rail.unreachable = false
	in, _, err := f.svc.Refund(ctx, f.manager, "r2", "i1", "rf1", 1000, "cold", nil)
	if err != nil || in.Status != pos.IntentPartiallyRefunded || f.rail.refunds["rf1"] != 1000 {
		t.Fatalf("refund: %+v, %v, rail refunds %v", in, err, f.rail.refunds)
	}

	f.ticket(t, "o2")
	f.svc.ChargeCode(ctx, f.cashier, "k2", "o2", "i2", wechat, "counter")
	in, _, err = f.svc.VoidPayment(ctx, f.manager, "v1", "i2", "wrong table", nil)
	if err != nil || in.Status != pos.IntentReversed || f.rail.taken("i2") {
		t.Fatalf("void: %+v, %v, money still at the rail: %v", in, err, f.rail.taken("i2"))
	}
}

// TestDailyLimitBusinessDay: a payer's daily limit counts the store's
// business day (from 04:00 in Shanghai by default), not the server's
// calendar day: a payment at 03:30 is still the evening's, one at 04:30
// starts a new day.
func TestDailyLimitBusinessDay(t *testing.T) {
	f := newPayFixture(t) // 12:00 UTC: 20:00 in Shanghai
	ctx := t.Context()
	if _, _, err := f.svc.SetLimits(ctx, f.manager, "kl1", pos.Limits{Rail: pos.RailWallet, SingleMax: 10000, DailyMax: 12000, PasswordFree: 10000}); err != nil {
		t.Fatal(err)
	}
	p := f.wallet(t, 100000)
	pay := func(order, key string) pos.Intent {
		t.Helper()
		f.ticket(t, order) // 75.00
		in, _, err := f.svc.ChargeCode(ctx, f.cashier, key, order, "i-"+key, f.code(t, p), "counter")
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	if in := pay("o1", "k1"); in.Status != pos.IntentSucceeded {
		t.Fatalf("first payment: %s %s", in.Status, in.Reason)
	}
	f.clock.Advance(7*time.Hour + 30*time.Minute) // 03:30 in Shanghai: the same business day
	if in := pay("o2", "k2"); in.Status != pos.IntentFailed {
		t.Errorf("at 03:30: %s, want refused over the daily limit", in.Status)
	}
	f.clock.Advance(time.Hour) // 04:30: a new business day (still the same UTC date)
	if in := pay("o3", "k3"); in.Status != pos.IntentSucceeded {
		t.Errorf("at 04:30: %s %s, want paid (a new day)", in.Status, in.Reason)
	}
}
