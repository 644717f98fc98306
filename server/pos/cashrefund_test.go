package pos_test

import (
	"testing"
	"time"

	"qrpos/server/demo"
	"qrpos/server/pos"
)

// TestRefundCash gives cash back from a cash payment: refused in every
// bad way with no money moved, then in two parts (a cashier with a
// manager's PIN, then a manager); each drawer's shift expects what left
// it, the day report counts the refunds under cash, and the books and the
// day reconcile.
func TestRefundCash(t *testing.T) {
	f := newDayFixture(t)
	ctx := t.Context()
	f.clock.t = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	cashierShift, _, err := f.svc.OpenShift(ctx, f.cashier, "s1", "shift-c", 20000)
	if err != nil {
		t.Fatal(err)
	}
	managerShift, _, err := f.svc.OpenShift(ctx, f.manager, "s2", "shift-m", 10000)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	f.order(t, "o1", "")
	f.add(t, "o1", "l1", "mapo-tofu", 2, "spice-mild") // 6400
	paid := f.cash(t, f.cashier, "o1", 10000)
	if paid.Status != pos.StatusClosed || len(paid.Tenders) != 1 {
		t.Fatalf("paid order: %+v", paid)
	}
	tender := paid.Tenders[0].ID
	f.order(t, "o2", "")
	f.add(t, "o2", "l2", "tsingtao", 1)
	p := f.wallet(t, 10000) // topped up against cash by the cashier

	byWallet := f.walletQR(t, p, "o2", 0)

	f.order(t, "o3", "")
	f.add(t, "o3", "l3", "mapo-tofu", 1, "spice-mild")
	f.cash(t, f.cashier, "o3", 1000) // part of 32.00
	manager := &pos.Approval{StaffID: demo.ManagerID, PIN: "2468"}
	for _, c := range []struct {
		name               string
		a                  pos.Actor
		key, order, tender string
		refund, reason     string
		amount             int64
		ap                 *pos.Approval
		want               pos.Code
	}{
		{"a cashier alone", f.cashier, "r", "o1", tender, "rf", "cold", 1000, nil, pos.CodeForbidden},
		{"a wrong manager PIN", f.cashier, "r", "o1", tender, "rf", "cold", 1000, &pos.Approval{StaffID: demo.ManagerID, PIN: "0000"}, pos.CodeWrongPIN},
		{"a cashier approving", f.cashier, "r", "o1", tender, "rf", "cold", 1000, &pos.Approval{StaffID: demo.CashierID, PIN: "1357"}, pos.CodeForbidden},
		{"no reason", f.manager, "r", "o1", tender, "rf", " ", 1000, nil, pos.CodeInvalid},
		{"no key", f.manager, "", "o1", tender, "rf", "cold", 1000, nil, pos.CodeNeedKey},
		{"nothing", f.manager, "r", "o1", tender, "rf", "cold", 0, nil, pos.CodeInvalid},
		{"negative", f.manager, "r", "o1", tender, "rf", "cold", -100, nil, pos.CodeInvalid},
		{"more than paid", f.manager, "r", "o1", tender, "rf", "cold", 6401, nil, pos.CodeRefundTooMuch},
		{"the change too", f.manager, "r", "o1", tender, "rf", "cold", 10000, nil, pos.CodeRefundTooMuch},
		{"no such payment", f.manager, "r", "o1", "cash-nope", "rf", "cold", 100, nil, pos.CodeNotFound},
		{"no such order", f.manager, "r", "o-nope", tender, "rf", "cold", 100, nil, pos.CodeNotFound},
		{"another order's payment", f.manager, "r", "o2", tender, "rf", "cold", 100, nil, pos.CodeNotFound},
		{"a wallet payment", f.manager, "r", "o2", byWallet.ID, "rf", "cold", 100, nil, pos.CodeConflict},
		{"no refund id", f.manager, "r", "o1", tender, "", "cold", 100, nil, pos.CodeInvalid},
		{"an order still owing", f.manager, "r", "o3", "cash-o3", "rf", "cold", 100, nil, pos.CodeConflict},
	} {
		_, _, err := f.svc.RefundCash(ctx, c.a, c.key, c.order, c.tender, c.refund, c.amount, c.reason, c.ap)
		if got := pos.ErrorCode(err); got != c.want {
			t.Errorf("%s: got %v (code %q), want %q", c.name, err, got, c.want)
		}
	}
	if sh, err := f.svc.CurrentShift(ctx, f.cashier); err != nil || sh.CashRefunds != 0 || sh.Expected != 37400 {
		t.Fatalf("after the refusals: shift %+v, %v, want nothing given back (expected 374.00)", sh, err)
	}
	f.checkLedger(t)

	// A cashier, with the manager's PIN, gives 10.00 back.
	o, replay, err := f.svc.RefundCash(ctx, f.cashier, "r1", "o1", tender, "rf1", 1000, "cold dish", manager)
	if err != nil || replay {
		t.Fatalf("refund: %v (replay %v)", err, replay)
	}
	if o.Tenders[0].Refunded != 1000 || o.Version != paid.Version+1 || o.Status != pos.StatusClosed {
		t.Errorf("after the refund: tender %+v, version %d (was %d), status %s", o.Tenders[0], o.Version, paid.Version, o.Status)
	}
	again, replay, err := f.svc.RefundCash(ctx, f.cashier, "r1", "o1", tender, "rf1", 1000, "cold dish", manager)
	if err != nil || !replay || again.Tenders[0].Refunded != 1000 {
		t.Errorf("retried: %v (replay %v), refunded %d, want the first answer", err, replay, again.Tenders[0].Refunded)
	}
	_, _, err = f.svc.RefundCash(ctx, f.cashier, "r1", "o1", tender, "rf1", 2000, "cold dish", manager)
	wantCode(t, err, pos.CodeIdempotency)
	_, _, err = f.svc.RefundCash(ctx, f.cashier, "r1b", "o1", tender, "rf1", 1000, "cold dish", manager)
	wantCode(t, err, pos.CodeConflict)
	// What is left, less one fen, is too much after the first refund...
	_, _, err = f.svc.RefundCash(ctx, f.manager, "r2", "o1", tender, "rf2", 5401, "all of it", nil)
	wantCode(t, err, pos.CodeRefundTooMuch)
	// ... and exactly what is left is not.
	o, _, err = f.svc.RefundCash(ctx, f.manager, "r3", "o1", tender, "rf3", 5400, "all of it", nil)
	if err != nil || o.Tenders[0].Refunded != 6400 {
		t.Fatalf("refund the rest: %v, tender %+v", err, o.Tenders)
	}
	_, _, err = f.svc.RefundCash(ctx, f.manager, "r4", "o1", tender, "rf4", 1, "more", nil)
	wantCode(t, err, pos.CodeRefundTooMuch)
	if got, err := f.svc.Order(ctx, f.cashier, "o1"); err != nil || got.Tenders[0].Refunded != 6400 {
		t.Errorf("order read back: %+v, %v", got.Tenders, err)
	}

	// Each drawer gave back its own part.
	sh, err := f.svc.CurrentShift(ctx, f.cashier)
	if err != nil || sh.ID != cashierShift.ID || sh.CashRefunds != 1000 || sh.Expected != 20000+6400+10000+1000-1000 {
		t.Errorf("cashier's shift: %+v, %v, want 10.00 given back and 364.00 expected", sh, err)
	}
	msh, err := f.svc.CurrentShift(ctx, f.manager)
	if err != nil || msh.ID != managerShift.ID || msh.CashRefunds != 5400 || msh.Expected != 10000-5400 {
		t.Errorf("manager's shift: %+v, %v, want 54.00 given back and 46.00 expected", msh, err)
	}
	closed, _, err := f.svc.CloseShift(ctx, f.cashier, "c1", sh.ID, 36400)
	if err != nil || closed.CashRefunds != 1000 || closed.Difference() != 0 {
		t.Errorf("closed shift: %+v, %v, want 10.00 given back and no difference", closed, err)
	}
	if got, err := f.svc.Shift(ctx, f.manager, sh.ID); err != nil || got.CashRefunds != 1000 {
		t.Errorf("closed shift read back: %+v, %v", got, err)
	}

	rep, err := f.svc.XReport(ctx, f.manager, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refunds != 6400 || rep.RefundCount != 2 {
		t.Errorf("day report: refunds %d in %d, want 6400 in 2", rep.Refunds, rep.RefundCount)
	}
	for _, rt := range rep.Rails {
		if rt.Rail == pos.RailCash && (rt.Refunds != 6400 || rt.Net != 1000) {
			t.Errorf("cash in the day report: %+v, want 64.00 refunded and the 10.00 of o3 net", rt)
		}
	}
	rec, err := f.svc.Reconcile(ctx, f.manager, "")
	if err != nil || !rec.Clean() {
		t.Errorf("reconcile: %+v, %v", rec.Differences, err)
	}
	f.checkLedger(t)

	// A tender's refunded amount that its entries do not explain is found.
	f.exec(t, `UPDATE tenders SET refunded_minor = 6000 WHERE id = ?`, tender)
	rec, err = f.svc.Reconcile(ctx, f.manager, "")
	if err != nil || len(rec.Differences) != 1 || rec.Differences[0].Kind != pos.DiffRefundMismatch {
		t.Errorf("reconcile after tampering: %+v, %v, want one refund mismatch", rec.Differences, err)
	}
}
