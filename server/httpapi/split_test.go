package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/demo"
)

func (tm *terminal) bill(path string) wire.Bill {
	tm.t.Helper()
	resp, body := tm.do("GET", path, nil, nil)
	var b wire.Bill
	if resp.StatusCode != 200 || json.Unmarshal(body, &b) != nil {
		tm.t.Fatalf("bill %s: %d %s", path, resp.StatusCode, body)
	}
	return b
}

// ikey is a unique idempotency key: keys are the store's, whoever sends them.
func ikey(k string) map[string]string {
	return map[string]string{wire.HeaderIdempotencyKey: "split-test-" + k}
}

func (tm *terminal) payShare(path string, req wire.PayShareRequest) wire.SharePayment {
	tm.t.Helper()
	resp, body := tm.do("POST", path, req, ikey(req.IntentID))
	var sp wire.SharePayment
	if resp.StatusCode != 200 || json.Unmarshal(body, &sp) != nil || sp.Token == "" || sp.Path != "/p/"+sp.Token {
		tm.t.Fatalf("pay share %s: %d %s", path, resp.StatusCode, body)
	}
	return sp
}

// Two phones at table 5 split the bill in two and pay it, one with a tip.
func TestDinerSplitAndPay(t *testing.T) {
	e := newEnv(t)
	mgr, till := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	till.login(demo.CashierID, "1357")
	link5, link3 := stickerLink(t, mgr, "t5"), stickerLink(t, mgr, "t3")
	a, b, other := e.terminal(t), e.terminal(t), e.terminal(t)
	a.joinTable(link5)
	b.joinTable(link5)
	other.joinTable(link3)

	// Nothing ordered yet.
	if resp, body := a.do("GET", "/api/diner/bill", nil, nil); resp.StatusCode != 404 || errCode(t, body).Code != wire.CodeNotFound {
		t.Fatalf("bill before ordering: %d %s", resp.StatusCode, body)
	}
	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o5", TableID: "t5"}, nil)
	till.do("POST", "/api/orders/o5/lines", wire.AddLineRequest{LineID: "l1", ItemID: "dongpo-pork", Qty: 1}, nil)
	till.do("POST", "/api/orders/o5/lines", wire.AddLineRequest{LineID: "l2", ItemID: "jasmine-tea", Qty: 1}, nil)
	bill := a.bill("/api/diner/bill")
	total := bill.Totals.Total.Minor
	if bill.OrderID != "o5" || len(bill.Lines) != 2 || bill.Totals.Due.Minor != total || len(bill.Shares) != 0 || bill.TableName != "Table 5" {
		t.Fatalf("bill = %+v", bill)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	next, _ := dinerStream(t, ctx, e, b)
	if ev, err := next(); err != nil || ev.Type != wire.EventHello {
		t.Fatalf("first event %+v, %v", ev, err)
	}

	// Phone A splits in two; phone B hears of it.
	resp, body := a.do("POST", "/api/diner/bill/split", wire.SplitRequest{SplitID: "sp1", Parts: 2}, ikey("sp1"))
	if resp.StatusCode != 200 || json.Unmarshal(body, &bill) != nil || len(bill.Shares) != 2 {
		t.Fatalf("split: %d %s", resp.StatusCode, body)
	}
	half := total - total/2 // the first share takes the odd fen
	if bill.Shares[0].Amount.Minor != half || bill.Shares[0].Amount.Minor+bill.Shares[1].Amount.Minor != total {
		t.Fatalf("shares = %+v, total %d", bill.Shares, total)
	}
	if ev, err := next(); err != nil || ev.Type != wire.EventBillUpdated {
		t.Fatalf("event after split %+v, %v; want bill.updated", ev, err)
	}
	// A phone of another table sees nothing of table 5.
	if resp, body := other.do("POST", "/api/diner/shares/sp1-1/pay", wire.PayShareRequest{IntentID: "x"}, ikey("x1")); resp.StatusCode != 404 {
		t.Errorf("other table pays a share of table 5: %d %s, want 404", resp.StatusCode, body)
	}
	if resp, body := other.do("POST", "/api/diner/bill/split", wire.SplitRequest{SplitID: "x", Parts: 2}, ikey("x2")); resp.StatusCode != 404 {
		t.Errorf("other table splits: %d %s, want 404", resp.StatusCode, body)
	}
	// Staff endpoints are not for diners.
	if resp, _ := a.do("GET", "/api/orders/o5/bill", nil, nil); resp.StatusCode != 401 {
		t.Errorf("diner on the staff bill: %d, want 401", resp.StatusCode)
	}

	// Wallets, topped up at the counter.
	wa, da := e.phoneWallet(t)
	wb, db := e.phoneWallet(t)
	for i, d := range []wire.WalletDevice{da, db} {
		if resp, body := till.do("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "tu" + string(rune('a'+i)), MemberID: d.MemberID, Amount: money.New(50000, "CNY")}, nil); resp.StatusCode != 200 {
			t.Fatalf("top-up: %d %s", resp.StatusCode, body)
		}
	}

	// Phone A pays half on the pay page of the token.
	sp := a.payShare("/api/diner/shares/sp1-1/pay", wire.PayShareRequest{IntentID: "pa"})
	resp, body = wa.do("GET", "/api/pay/"+sp.Token, nil, nil)
	var page wire.PayPage
	if resp.StatusCode != 200 || json.Unmarshal(body, &page) != nil || page.Share == nil || page.Share.ID != "sp1-1" || page.Intent.Amount.Minor != half {
		t.Fatalf("pay page: %d %s", resp.StatusCode, body)
	}
	if resp, body := wa.do("POST", "/api/pay/"+sp.Token+"/wallet", wire.PayWalletRequest{}, nil); resp.StatusCode != 200 {
		t.Fatalf("A pays: %d %s", resp.StatusCode, body)
	}
	for {
		ev, err := next()
		if err != nil {
			t.Fatalf("waiting for payment.succeeded: %v", err)
		}
		if ev.Type == wire.EventPaymentSucceeded && ev.Intent != nil && ev.Intent.ShareID == "sp1-1" {
			break
		}
	}

	// Phone B pays the rest with 10 %.
	sp = b.payShare("/api/diner/shares/sp1-2/pay", wire.PayShareRequest{IntentID: "pb", TipBP: 1000})
	rest := total - half
	if sp.Intent.Amount.Minor != rest || sp.Intent.Tip.Minor != (rest*1000+5000)/10000 {
		t.Fatalf("B's payment = %+v", sp.Intent)
	}
	if resp, body := wb.do("POST", "/api/pay/"+sp.Token+"/wallet", wire.PayWalletRequest{}, nil); resp.StatusCode != 200 {
		t.Fatalf("B pays: %d %s", resp.StatusCode, body)
	}
	bill = b.bill("/api/diner/bill")
	if bill.Status != wire.OrderClosed || bill.Totals.Due.Minor != 0 || bill.Totals.Paid.Minor != total || bill.Totals.Tips != sp.Intent.Tip ||
		bill.Shares[0].Status != wire.SharePaid || bill.Shares[1].Status != wire.SharePaid {
		t.Fatalf("bill after paying = %+v", bill)
	}
	// The paid share again: a clear refusal.
	resp, body = a.do("POST", "/api/diner/shares/sp1-1/pay", wire.PayShareRequest{IntentID: "again"}, ikey("again"))
	if resp.StatusCode != 409 || errCode(t, body).Code != wire.CodeAlreadyPaid {
		t.Fatalf("paid share again: %d %s, want 409 already_paid", resp.StatusCode, body)
	}
	resp, body = mgr.do("GET", "/api/ledger/check", nil, nil)
	var rep struct{ Clean bool }
	if resp.StatusCode != 200 || json.Unmarshal(body, &rep) != nil || !rep.Clean {
		t.Fatalf("ledger check: %d %s", resp.StatusCode, body)
	}
}

func TestStaffSplit(t *testing.T) {
	e := newEnv(t)
	till := e.terminal(t)
	till.login(demo.CashierID, "1357")
	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1", TableID: "t2"}, nil)
	till.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "dongpo-pork", Qty: 1}, nil)
	till.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l2", ItemID: "jasmine-tea", Qty: 2}, nil)
	resp, body := till.do("POST", "/api/orders/o1/split", wire.SplitRequest{SplitID: "s1", LineIDs: []string{"l1"}}, nil)
	var bill wire.Bill
	if resp.StatusCode != 200 || json.Unmarshal(body, &bill) != nil || len(bill.Shares) != 2 || bill.Shares[0].Kind != wire.ShareItems || bill.Shares[1].Kind != wire.ShareRest {
		t.Fatalf("split by items: %d %s", resp.StatusCode, body)
	}
	// Bad input: a clear 4xx with a stable code.
	for _, tt := range []struct {
		req  any
		want int
	}{
		{wire.SplitRequest{SplitID: "s2", Parts: 0}, 422},
		{wire.SplitRequest{SplitID: "s2", Parts: 2, LineIDs: []string{"l1"}}, 422},
		{`{"split_id":"s2","parts":"two"}`, 400},
	} {
		if resp, body := till.do("POST", "/api/orders/o1/split", tt.req, nil); resp.StatusCode != tt.want {
			t.Errorf("split %v: %d %s, want %d", tt.req, resp.StatusCode, body, tt.want)
		}
	}
	resp, body = till.do("POST", "/api/shares/s1/pay", wire.PayShareRequest{IntentID: "p1", TipBP: 1000, Tip: &money.Amount{Minor: 5, Currency: "CNY"}}, nil)
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeInvalid {
		t.Errorf("both tips: %d %s, want 422", resp.StatusCode, body)
	}
	sp := till.payShare("/api/shares/s1/pay", wire.PayShareRequest{IntentID: "p1"})
	if sp.Intent.ShareID != "s1" || sp.Intent.Amount != bill.Shares[0].Amount {
		t.Errorf("share payment = %+v", sp.Intent)
	}
	if got := till.bill("/api/orders/o1/bill"); got.Shares[0].Status != wire.SharePaying {
		t.Errorf("share is %s, want paying", got.Shares[0].Status)
	}
}
