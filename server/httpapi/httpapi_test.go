package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/demo"
	"qrpos/server/httpapi"
	"qrpos/server/hub"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

type env struct {
	srv *httptest.Server
	svc *pos.Service
	api *httpapi.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, func(*httpapi.Config) {})
}

// newEnvWith is newEnv with the API's configuration adjusted by set.
func newEnvWith(t *testing.T, set func(*httpapi.Config)) *env {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir()+"/qrpos.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cheap := pos.PINParams{Time: 1, Memory: 64, Threads: 1}
	if _, _, err := demo.Seed(ctx, db, time.Now(), cheap, map[string]string{"manager": "2468", "cashier": "1357"}); err != nil {
		t.Fatal(err)
	}
	cfg := pos.DefaultConfig
	cfg.PIN = cheap
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	signer, err := token.NewSigner(token.SignerConfig{Keys: [][]byte{token.GenerateKey()}, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	var api *httpapi.Server
	linkKey := token.GenerateKey()
	svc := pos.NewService(db, cfg, pos.Deps{Now: time.Now, Log: log, Signer: signer, LinkKey: linkKey,
		OnOrder: func(o pos.Order) { api.OrderEvent(o); api.BridgeOrder(o) }, OnPayment: func(in pos.Intent) { api.PaymentEvent(in) },
		OnWallet: func(m pos.Member) { api.WalletEvent(m) }, OnDiner: func(ev pos.DinerEvent) { api.DinerEvent(ev) },
		OnShares: func(storeID, orderID string) { api.SharesEvent(storeID, orderID) }})
	life, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	acfg := httpapi.Config{LoginRate: 20, Heartbeat: 50 * time.Millisecond, ReceiptKey: token.GenerateKey()}
	set(&acfg)
	api = httpapi.New(life, svc, hub.New(), acfg, log, time.Now)
	mux := http.NewServeMux()
	api.Register(mux)
	srv := httptest.NewServer(httpapi.SecurityHeaders(mux, nil))
	t.Cleanup(srv.Close)
	return &env{srv: srv, svc: svc, api: api}
}

// terminal is one browser: a cookie jar and helpers.
type terminal struct {
	t      *testing.T
	e      *env
	client *http.Client
	n      int
}

func (e *env) terminal(t *testing.T) *terminal {
	jar, _ := cookiejar.New(nil)
	return &terminal{t: t, e: e, client: &http.Client{Jar: jar}}
}

func (tm *terminal) do(method, path string, body any, hdr map[string]string) (*http.Response, []byte) {
	tm.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, tm.e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if method != http.MethodGet {
		req.Header.Set(wire.HeaderCSRF, "1")
		tm.n++
		req.Header.Set(wire.HeaderIdempotencyKey, tm.t.Name()+"-"+string(rune('a'+tm.n)))
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := tm.client.Do(req)
	if err != nil {
		tm.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

func (tm *terminal) login(staff, pin string) {
	tm.t.Helper()
	resp, body := tm.do("POST", "/api/login", wire.LoginRequest{StoreID: demo.StoreID, StaffID: staff, PIN: pin}, nil)
	if resp.StatusCode != 200 {
		tm.t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
}

func errCode(t *testing.T, body []byte) wire.ErrorBody {
	t.Helper()
	var e wire.Error
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body %s is not {error:{code,message}}", body)
	}
	return e.Error
}

func TestLoginCookieAndSession(t *testing.T) {
	e := newEnv(t)
	tm := e.terminal(t)
	resp, body := tm.do("GET", "/api/login/staff", nil, nil)
	var ls wire.LoginStaff
	if resp.StatusCode != 200 || json.Unmarshal(body, &ls) != nil || len(ls.Staff) != 2 || ls.Store.Currency != "CNY" {
		t.Fatalf("login staff: %d %s", resp.StatusCode, body)
	}
	resp, body = tm.do("GET", "/api/session", nil, nil)
	if resp.StatusCode != 401 || errCode(t, body).Code != wire.CodeUnauthorized {
		t.Fatalf("session before login: %d %s", resp.StatusCode, body)
	}
	resp, body = tm.do("POST", "/api/login", wire.LoginRequest{StoreID: demo.StoreID, StaffID: demo.CashierID, PIN: "1357"}, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	var c *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == wire.SessionCookie {
			c = ck
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Strict, not Secure over plain HTTP", c)
	}
	if strings.Contains(string(body), c.Value) {
		t.Error("the session token leaks into the response body")
	}
	resp, body = tm.do("GET", "/api/session", nil, nil)
	var s wire.Session
	if resp.StatusCode != 200 || json.Unmarshal(body, &s) != nil || s.Staff.ID != demo.CashierID || s.Staff.Role != wire.RoleCashier {
		t.Fatalf("session: %d %s", resp.StatusCode, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	tm.do("POST", "/api/logout", nil, nil)
	resp, _ = tm.do("GET", "/api/session", nil, nil)
	if resp.StatusCode != 401 {
		t.Fatalf("session after logout: %d, want 401", resp.StatusCode)
	}
}

func TestWrongPINAndLockoutOverHTTP(t *testing.T) {
	e := newEnv(t)
	tm := e.terminal(t)
	var last *http.Response
	var body []byte
	for range 5 {
		last, body = tm.do("POST", "/api/login", wire.LoginRequest{StoreID: demo.StoreID, StaffID: demo.CashierID, PIN: "0000"}, nil)
	}
	if last.StatusCode != http.StatusLocked || errCode(t, body).Code != wire.CodeLocked {
		t.Fatalf("5th wrong PIN: %d %s; want 423 locked", last.StatusCode, body)
	}
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	resp, body := mgr.do("GET", "/api/staff", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"locked":true`) {
		t.Fatalf("staff list: %d %s", resp.StatusCode, body)
	}
	resp, body = mgr.do("POST", "/api/staff/"+demo.CashierID+"/unlock", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("unlock: %d %s", resp.StatusCode, body)
	}
	tm.login(demo.CashierID, "1357")
	resp, body = tm.do("GET", "/api/staff", nil, nil)
	if resp.StatusCode != 403 || errCode(t, body).Code != wire.CodeForbidden {
		t.Fatalf("cashier staff list: %d %s; want 403", resp.StatusCode, body)
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	tm := e.terminal(t)
	var resp *http.Response
	var body []byte
	for i := 0; i < 21; i++ {
		// Different (unknown) staff so lockout is not what stops us.
		resp, body = tm.do("POST", "/api/login", wire.LoginRequest{StoreID: demo.StoreID, StaffID: "ghost", PIN: "0000"}, nil)
	}
	if resp.StatusCode != http.StatusTooManyRequests || errCode(t, body).Code != wire.CodeThrottled || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("21st attempt in a minute: %d %s; want 429 throttled", resp.StatusCode, body)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	tm := e.terminal(t)
	tm.login(demo.CashierID, "1357")
	resp, body := tm.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1", TableID: "t1"}, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		hdr    map[string]string
		status int
		code   string
	}{
		{"unknown field", "POST", "/api/orders/o1/lines", `{"line_id":"l1","item_id":"jasmine-tea","qty":1,"price":1}`, nil, 400, wire.CodeBadRequest},
		{"wrong type", "POST", "/api/orders/o1/lines", `{"line_id":"l1","item_id":"jasmine-tea","qty":"one"}`, nil, 400, wire.CodeBadRequest},
		{"not json", "POST", "/api/orders/o1/lines", `line_id=l1`, nil, 400, wire.CodeBadRequest},
		{"two values", "POST", "/api/orders/o1/lines", `{"line_id":"l1","item_id":"jasmine-tea","qty":1}{}`, nil, 400, wire.CodeBadRequest},
		{"empty body", "POST", "/api/orders/o1/lines", ``, nil, 400, wire.CodeBadRequest},
		{"too large", "POST", "/api/orders/o1/lines", `{"note":"` + strings.Repeat("x", 70<<10) + `"}`, nil, 413, wire.CodeTooLarge},
		{"negative qty", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: -2}, nil, 422, wire.CodeInvalid},
		{"absurd qty", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1e6}, nil, 422, wire.CodeInvalid},
		{"unknown item", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "nope", Qty: 1}, nil, 404, wire.CodeNotFound},
		{"unknown order", "POST", "/api/orders/zz/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}, nil, 404, wire.CodeNotFound},
		{"negative cash", "POST", "/api/orders/o1/cash", wire.CashRequest{TenderID: "c1", Tendered: money.New(-100, "CNY")}, nil, 422, wire.CodeInvalid},
		{"no idempotency key", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}, map[string]string{wire.HeaderIdempotencyKey: ""}, 422, wire.CodeNeedKey},
		{"no csrf header", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}, map[string]string{wire.HeaderCSRF: ""}, 403, wire.CodeCSRF},
		{"foreign origin", "POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}, map[string]string{"Origin": "https://evil.example"}, 403, wire.CodeCSRF},
		{"table busy", "POST", "/api/orders", wire.CreateOrderRequest{ID: "o2", TableID: "t1"}, nil, 409, wire.CodeTableBusy},
		{"unknown endpoint", "GET", "/api/nope", nil, nil, 404, wire.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm.t = t
			resp, body := tm.do(tt.method, tt.path, tt.body, tt.hdr)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tt.status)
			}
			if got := errCode(t, body); got.Code != tt.code {
				t.Fatalf("code %q (%s), want %q", got.Code, got.Message, tt.code)
			}
		})
	}
	tm.t = t
	_, body = tm.do("GET", "/api/orders/o1", nil, nil)
	var o wire.Order
	if json.Unmarshal(body, &o) != nil || len(o.Lines) != 0 || o.Version != 1 {
		t.Fatalf("order after refused requests: %s; want untouched", body)
	}
	// A busy table names its order so the app can open it.
	_, body = tm.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o3", TableID: "t1"}, nil)
	if got := errCode(t, body); got.OrderID != "o1" {
		t.Errorf("table_busy order_id = %q, want o1", got.OrderID)
	}
}

func TestReplayHeader(t *testing.T) {
	e := newEnv(t)
	tm := e.terminal(t)
	tm.login(demo.CashierID, "1357")
	h := map[string]string{wire.HeaderIdempotencyKey: "fixed-key"}
	r1, b1 := tm.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1"}, h)
	r2, b2 := tm.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1"}, h)
	if r1.StatusCode != 201 || r2.StatusCode != 201 || !bytes.Equal(b1, b2) {
		t.Fatalf("retry answered %d %s, first %d %s", r2.StatusCode, b2, r1.StatusCode, b1)
	}
	if r1.Header.Get(wire.HeaderReplayed) != "" || r2.Header.Get(wire.HeaderReplayed) != "true" {
		t.Errorf("replay header: first %q, retry %q", r1.Header.Get(wire.HeaderReplayed), r2.Header.Get(wire.HeaderReplayed))
	}
}

func TestEventsReachOtherTerminals(t *testing.T) {
	e := newEnv(t)
	a, b := e.terminal(t), e.terminal(t)
	a.login(demo.CashierID, "1357")
	b.login(demo.ManagerID, "2468")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws"

	// Without a session: refused.
	if _, resp, err := websocket.Dial(ctx, wsURL, nil); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("dial without session: %v, %v; want 401", resp, err)
	}
	// From a foreign origin: refused.
	if _, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: b.client, HTTPHeader: http.Header{"Origin": {"https://evil.example"}}}); err == nil {
		t.Fatal("dial from a foreign origin succeeded")
	}
	c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: b.client})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	next := func() wire.Event {
		t.Helper()
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ev wire.Event
			if err := json.Unmarshal(msg, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Type != wire.EventPing {
				return ev
			}
		}
	}
	if ev := next(); ev.Type != wire.EventHello {
		t.Fatalf("first event %q, want hello", ev.Type)
	}
	a.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o1", TableID: "t3"}, nil)
	a.do("POST", "/api/orders/o1/lines", wire.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 2}, nil)
	ev := next()
	if ev.Type != wire.EventOrderUpdated || ev.Order.ID != "o1" || ev.Order.TableName != "Table 3" {
		t.Fatalf("event %+v, want order.updated for o1 at Table 3", ev)
	}
	ev = next()
	if len(ev.Order.Lines) != 1 || ev.Order.Totals.Total != money.New(3000, "CNY") {
		t.Fatalf("second event: %+v", ev.Order)
	}
	// Heartbeats flow while idle.
	_, msg, err := c.Read(ctx)
	if err != nil || !strings.Contains(string(msg), wire.EventPing) {
		t.Fatalf("heartbeat: %s, %v", msg, err)
	}
}
