package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"qrpos/internal/money"
	"qrpos/internal/paycode"
	"qrpos/internal/wire"
	"qrpos/server/demo"
)

// decodeQR reads the text of a QR code from a data:image/png URL, as a
// phone camera would.
func decodeQR(t *testing.T, dataURL string) string {
	t.Helper()
	b64, ok := strings.CutPrefix(dataURL, "data:image/png;base64,")
	if !ok {
		t.Fatalf("QR is not a PNG data URL: %.40s", dataURL)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

// phoneWallet opens a wallet the way the wallet page does and returns the
// browser (cookie jar) and the device.
func (e *env) phoneWallet(t *testing.T) (*terminal, wire.WalletDevice) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	ph := &terminal{t: t, e: e, client: &http.Client{Jar: jar}}
	resp, body := ph.do("POST", "/api/wallet/devices", wire.NewWalletRequest{Name: "Diner"}, nil)
	var dev wire.WalletDevice
	if resp.StatusCode != 201 || json.Unmarshal(body, &dev) != nil || dev.Credential == "" || dev.Device == 0 {
		t.Fatalf("new wallet: %d %s", resp.StatusCode, body)
	}
	return ph, dev
}

func TestQRPaymentOverHTTP(t *testing.T) {
	e := newEnv(t)
	till := e.terminal(t)
	till.login(demo.CashierID, "1357")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	// The tablet listens for events.
	wsURL := "ws" + strings.TrimPrefix(e.srv.URL, "http")
	tablet, _, err := websocket.Dial(ctx, wsURL+"/ws", &websocket.DialOptions{HTTPClient: till.client})
	if err != nil {
		t.Fatal(err)
	}
	defer tablet.CloseNow()

	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1", TableID: "t2"}, nil)
	till.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "dongpo-pork", Qty: 1}, nil)
	resp, body := till.do("POST", "/api/orders/o1/intents", wire.CreateIntentRequest{IntentID: "pi1", TerminalID: "tablet-1"}, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("create intent: %d %s", resp.StatusCode, body)
	}
	resp, body = till.do("POST", "/api/intents/pi1/token", nil, nil)
	var pt wire.PaymentToken
	if resp.StatusCode != 200 || json.Unmarshal(body, &pt) != nil {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	link := decodeQR(t, pt.QRPNG)
	if link != pt.URL || !strings.HasPrefix(link, e.srv.URL+"/p/") {
		t.Fatalf("QR says %q, want the pay link %q", link, pt.URL)
	}
	tok := strings.TrimPrefix(link, e.srv.URL+"/p/")

	// The diner's phone: a wallet topped up at the counter, then the pay page.
	ph, dev := e.phoneWallet(t)
	resp, body = till.do("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "tu1", MemberID: dev.MemberID, Amount: money.New(20000, "CNY")}, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("top-up: %d %s", resp.StatusCode, body)
	}
	resp, body = ph.do("GET", "/api/pay/"+tok, nil, nil)
	var page wire.PayPage
	if resp.StatusCode != 200 || json.Unmarshal(body, &page) != nil || page.Totals.Due != money.New(6800, "CNY") || page.TableName != "Table 2" {
		t.Fatalf("pay page: %d %s", resp.StatusCode, body)
	}
	follow, _, err := websocket.Dial(ctx, wsURL+"/ws/pay/"+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer follow.CloseNow()
	resp, body = ph.do("POST", "/api/pay/"+tok+"/wallet", wire.PayWalletRequest{Tip: money.New(0, "CNY")}, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"succeeded"`) {
		t.Fatalf("pay: %d %s", resp.StatusCode, body)
	}
	waitFor := func(c *websocket.Conn, typ string) wire.Event {
		t.Helper()
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", typ, err)
			}
			var ev wire.Event
			json.Unmarshal(msg, &ev)
			if ev.Type == typ {
				return ev
			}
		}
	}
	if ev := waitFor(tablet, wire.EventPaymentSucceeded); ev.Intent.ID != "pi1" || ev.Intent.PayerRef == "" {
		t.Errorf("tablet event: %+v", ev.Intent)
	}
	if ev := waitFor(follow, wire.EventPaymentSucceeded); ev.Intent.ID != "pi1" {
		t.Errorf("pay page event: %+v", ev.Intent)
	}
	// A copy of the code no longer pays; the wallet shows what happened.
	ph2, _ := e.phoneWallet(t)
	resp, body = ph2.do("POST", "/api/pay/"+tok+"/wallet", wire.PayWalletRequest{}, nil)
	if resp.StatusCode != 409 || errCode(t, body).Code != wire.CodeAlreadyPaid {
		t.Errorf("second phone: %d %s", resp.StatusCode, body)
	}
	resp, body = ph.do("GET", "/api/wallet", nil, nil)
	var w wire.Wallet
	if resp.StatusCode != 200 || json.Unmarshal(body, &w) != nil || w.Balance != money.New(13200, "CNY") || len(w.Recent) != 2 {
		t.Errorf("wallet: %d %s", resp.StatusCode, body)
	}
	// A tampered token: a clear refusal.
	bad := tok[:10] + string("AB"[tok[10]%2]) + tok[11:]
	resp, body = ph.do("GET", "/api/pay/"+bad, nil, nil)
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeTokenInvalid {
		t.Errorf("tampered token: %d %s", resp.StatusCode, body)
	}
	// The manager's books are clean.
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	_, body = mgr.do("GET", "/api/ledger/check", nil, nil)
	if !strings.Contains(string(body), `"clean":true`) {
		t.Errorf("ledger check: %s", body)
	}
}

func TestPaymentCodeOverHTTP(t *testing.T) {
	e := newEnv(t)
	till := e.terminal(t)
	till.login(demo.CashierID, "1357")
	_, dev := e.phoneWallet(t)
	till.do("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "tu1", MemberID: dev.MemberID, Amount: money.New(10000, "CNY")}, nil)
	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1"}, nil)
	till.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 2}, nil)
	secret, _ := base64.StdEncoding.DecodeString(dev.Secret)
	code, err := paycode.WalletCode(dev.Device, secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, body := till.do("POST", "/api/orders/o1/charge-code", wire.ChargeCodeRequest{IntentID: "pi1", Code: code}, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"succeeded"`) {
		t.Fatalf("charge: %d %s", resp.StatusCode, body)
	}
	tests := []struct {
		name   string
		code   string
		status int
		want   string
	}{
		{"used", code, 409, wire.CodeCodeUsed},
		{"not a code", "hello", 422, wire.CodeNotPaymentCode},
		{"wechat not accepted", "134570030591530831", 422, wire.CodeNotAccepted},
	}
	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o2"}, nil)
	till.do("POST", "/api/orders/o2/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			till.t = t
			resp, body := till.do("POST", "/api/orders/o2/charge-code", wire.ChargeCodeRequest{IntentID: "x" + string(rune('a'+i)), Code: tt.code}, nil)
			if resp.StatusCode != tt.status || errCode(t, body).Code != tt.want {
				t.Errorf("%d %s, want %d %s", resp.StatusCode, body, tt.status, tt.want)
			}
		})
	}
	till.t = t
	// A cashier cannot refund; with a manager's PIN they can.
	resp, body = till.do("POST", "/api/intents/pi1/refund", wire.RefundRequest{RefundID: "r1", Amount: money.New(1500, "CNY"), Reason: "spilled"}, nil)
	if resp.StatusCode != 403 {
		t.Fatalf("cashier refund: %d %s", resp.StatusCode, body)
	}
	resp, body = till.do("POST", "/api/intents/pi1/refund", wire.RefundRequest{RefundID: "r1", Amount: money.New(1500, "CNY"), Reason: "spilled",
		Approval: &wire.Approval{StaffID: demo.ManagerID, PIN: "2468"}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"partially_refunded"`) {
		t.Fatalf("approved refund: %d %s", resp.StatusCode, body)
	}
	resp, body = till.do("POST", "/api/intents/pi1/refund", wire.RefundRequest{RefundID: "r2", Amount: money.New(1501, "CNY"), Reason: "again",
		Approval: &wire.Approval{StaffID: demo.ManagerID, PIN: "2468"}}, nil)
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeRefundTooMuch {
		t.Fatalf("refund over captured: %d %s", resp.StatusCode, body)
	}
	_, body = till.do("GET", "/api/orders/o1/intents", nil, nil)
	var list wire.IntentList
	if json.Unmarshal(body, &list) != nil || len(list.Intents) != 1 || len(list.Intents[0].Refunds) != 1 {
		t.Errorf("order intents: %s", body)
	}
}

// A top-up at the counter reaches the wallet pages of that member at once.
func TestTopUpEventReachesWallet(t *testing.T) {
	e := newEnv(t)
	till := e.terminal(t)
	till.login(demo.CashierID, "1357")
	ph, dev := e.phoneWallet(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/wallet"
	c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: ph.client})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if _, _, err := websocket.Dial(ctx, wsURL, nil); err == nil {
		t.Error("/ws/wallet without a wallet credential was accepted")
	}
	till.do("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "tu1", MemberID: dev.MemberID, Amount: money.New(5000, "CNY")}, nil)
	for {
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for wallet.updated: %v", err)
		}
		var ev wire.Event
		json.Unmarshal(msg, &ev)
		if ev.Type == wire.EventWalletUpdated {
			break
		}
	}
}

// The e-receipt link printed on a receipt opens without logging in; an
// order id alone, or an altered link, opens nothing.
func TestReceiptPage(t *testing.T) {
	e := newEnv(t)
	till := e.terminal(t)
	till.login(demo.CashierID, "1357")
	till.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1", TableID: "t4"}, nil)
	till.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "mapo-tofu", Qty: 1, ModifierIDs: []string{"spice-hot"}, Note: "少油"}, nil)
	_, body := till.do("POST", "/api/orders/o1/cash", wire.CashRequest{TenderID: "c1", Tendered: money.New(5000, "CNY")}, nil)
	var o wire.Order
	if err := json.Unmarshal(body, &o); err != nil || o.Status != wire.OrderClosed || !strings.HasPrefix(o.ReceiptPath, "/r/") {
		t.Fatalf("closed order: %s", body)
	}
	diner := &http.Client{} // no cookies: anyone holding the printed receipt
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := diner.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get(o.ReceiptPath)
	for _, want := range []string{"Lotus Garden", "Mapo Tofu", "Hot", "少油", "Table 4", "¥32.00", "Cash", `data-minor="3200"`} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("receipt page (%d) lacks %q", code, want)
		}
	}
	// Cash given back: a cashier needs a manager's PIN; the order and the
	// receipt then say how much.
	refund := wire.RefundRequest{RefundID: "rc1", Amount: money.New(500, "CNY"), Reason: "cold"}
	if resp, body := till.do("POST", "/api/orders/o1/tenders/c1/refund", refund, nil); resp.StatusCode != 403 {
		t.Errorf("cashier's cash refund: %d %s, want 403", resp.StatusCode, body)
	}
	refund.Approval = &wire.Approval{StaffID: demo.ManagerID, PIN: "2468"}
	resp, body := till.do("POST", "/api/orders/o1/tenders/c1/refund", refund, nil)
	if err := json.Unmarshal(body, &o); resp.StatusCode != 200 || err != nil || o.Tenders[0].Refunded != money.New(500, "CNY") {
		t.Fatalf("approved cash refund: %d %s", resp.StatusCode, body)
	}
	refund.RefundID = "rc2"
	refund.Amount = money.New(2701, "CNY")
	if resp, body := till.do("POST", "/api/orders/o1/tenders/c1/refund", refund, nil); resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeRefundTooMuch {
		t.Errorf("cash refund past the payment: %d %s, want 422 %s", resp.StatusCode, body, wire.CodeRefundTooMuch)
	}
	if code, page := get(o.ReceiptPath); code != 200 || !strings.Contains(page, "refunded ¥5.00") {
		t.Errorf("receipt page after a cash refund (%d) does not say it", code)
	}
	altered := o.ReceiptPath[:len(o.ReceiptPath)-1] + string("AB"[o.ReceiptPath[len(o.ReceiptPath)-1]%2])
	for _, path := range []string{"/r/o1", altered, "/r/"} {
		if code, page := get(path); code != 404 || strings.Contains(page, "Mapo Tofu") {
			t.Errorf("GET %s: %d, want 404 without the order", path, code)
		}
	}
}
