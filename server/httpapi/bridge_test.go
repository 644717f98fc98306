package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
	"qrpos/server/demo"
	"qrpos/server/httpapi"
	"qrpos/server/relay"
	"qrpos/server/token"
)

// newBridgeEnv is newEnv with bridges enabled.
func newBridgeEnv(t *testing.T) *env {
	t.Helper()
	signer, err := token.NewBridgeSigner(token.GenerateKey(), time.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, func(c *httpapi.Config) {
		c.Heartbeat, c.Relay, c.BridgeSigner = time.Second, relay.New(), signer
	})
}

// pairOverHTTP pairs a bridge as `bridge pair` does.
func pairOverHTTP(t *testing.T, e *env) wire.PairResponse {
	t.Helper()
	manager := e.terminal(t)
	manager.login(demo.ManagerID, "2468")
	resp, body := manager.do(http.MethodPost, "/api/bridges/pairing", nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("pairing code: %s %s", resp.Status, body)
	}
	var code wire.PairingCode
	json.Unmarshal(body, &code)
	bridge := &terminal{t: t, e: e, client: &http.Client{}}
	resp, body = bridge.do(http.MethodPost, "/api/bridges/pair", wire.PairRequest{Code: code.Code}, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("pair: %s %s", resp.Status, body)
	}
	var out wire.PairResponse
	json.Unmarshal(body, &out)
	return out
}

// fakeBridge is the bridge's side of the uplink, played by the test.
type fakeBridge struct {
	t *testing.T
	c *websocket.Conn
}

func dialUplink(t *testing.T, e *env, credential string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws/bridge",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + credential}}})
	if c != nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, res, err
}

func connectBridge(t *testing.T, e *env, p wire.PairResponse) *fakeBridge {
	t.Helper()
	c, _, err := dialUplink(t, e, p.Credential)
	if err != nil {
		t.Fatalf("dial uplink: %v", err)
	}
	b := &fakeBridge{t: t, c: c}
	b.send(wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{Version: "test", BridgeID: p.BridgeID, Capabilities: []string{wire.CapPrint}}})
	return b
}

func (b *fakeBridge) send(m wire.BridgeMessage) {
	b.t.Helper()
	p, err := wire.EncodeBridge(m)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := b.c.Write(b.t.Context(), websocket.MessageText, p); err != nil {
		b.t.Fatalf("bridge write: %v", err)
	}
}

// next reads until a message of type typ.
func (b *fakeBridge) next(typ string) wire.BridgeMessage {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.t.Context(), 5*time.Second)
	defer cancel()
	for {
		_, p, err := b.c.Read(ctx)
		if err != nil {
			b.t.Fatalf("bridge read: %v", err)
		}
		m, err := wire.DecodeBridge(p)
		if err != nil {
			b.t.Fatalf("server sent a bad message %s: %v", p, err)
		}
		if m.Type == typ {
			return m
		}
	}
}

func TestUplinkRefusals(t *testing.T) {
	e := newBridgeEnv(t)
	p := pairOverHTTP(t, e)
	for _, cred := range []string{"", "not-a-credential", strings.Repeat("A", 43)} {
		if _, res, err := dialUplink(t, e, cred); err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("credential %q: got %v, %v, want 401", cred, res, err)
		}
	}
	tests := []struct {
		name  string
		first []byte
	}{
		{"hello of another bridge", mustEncode(t, wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{BridgeID: "bridge-other"}})},
		{"no hello", mustEncode(t, wire.BridgeMessage{Type: wire.BridgePing})},
		{"malformed", []byte(`{"v":1,"type":"hello"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := dialUplink(t, e, p.Credential)
			if err != nil {
				t.Fatal(err)
			}
			c.Write(t.Context(), websocket.MessageText, tt.first)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			_, _, err = c.Read(ctx)
			if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
				t.Errorf("got %v, want the connection closed for a policy violation", err)
			}
		})
	}
	t.Run("bad message after hello", func(t *testing.T) {
		b := connectBridge(t, e, p)
		b.c.Write(t.Context(), websocket.MessageText, []byte(`{"v":1,"type":"print"}`))
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		for {
			if _, _, err := b.c.Read(ctx); err != nil {
				if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
					t.Errorf("got %v, want a policy violation close", err)
				}
				return
			}
		}
	})
}

func mustEncode(t *testing.T, m wire.BridgeMessage) []byte {
	t.Helper()
	m.V = wire.BridgeVersion
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPrintRelay: a tablet's print job reaches the connected bridge and
// the bridge's answer comes back; another store's staff cannot use it; a
// bridge that is not connected is a 503.
func TestPrintRelay(t *testing.T) {
	e := newBridgeEnv(t)
	p := pairOverHTTP(t, e)
	cashier := e.terminal(t)
	cashier.login(demo.CashierID, "1357")
	job := wire.PrintJob{ID: "job-1", Kind: wire.PrintKindKitchen, Kitchen: &wire.KitchenDoc{OrderNumber: 1, Time: time.Now()}}

	resp, body := cashier.do(http.MethodPost, "/api/bridges/"+p.BridgeID+"/print", job, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || errCode(t, body).Code != wire.CodeBridgeOffline {
		t.Fatalf("offline: got %s %s, want 503 %s", resp.Status, body, wire.CodeBridgeOffline)
	}

	b := connectBridge(t, e, p)
	// A pong proves the server attached the bridge (it answers pings
	// only after the hello).
	b.send(wire.BridgeMessage{Type: wire.BridgePing, Seq: 1})
	b.next(wire.BridgePong)
	var list wire.BridgeList
	_, body = cashier.do(http.MethodGet, "/api/bridges", nil, nil)
	json.Unmarshal(body, &list)
	if len(list.Bridges) != 1 || !list.Bridges[0].Connected || list.Bridges[0].Version != "test" {
		t.Fatalf("GET /api/bridges: got %s, want the bridge connected", body)
	}
	type answer struct {
		status int
		body   []byte
	}
	done := make(chan answer, 1)
	go func() {
		resp, body := cashier.do(http.MethodPost, "/api/bridges/"+p.BridgeID+"/print", job, nil)
		done <- answer{resp.StatusCode, body}
	}()
	m := b.next(wire.BridgePrint)
	if m.Print.ID != job.ID {
		t.Fatalf("bridge got job %s, want %s", m.Print.ID, job.ID)
	}
	b.send(wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &wire.JobStatus{ID: job.ID, State: wire.JobQueued}})
	a := <-done
	var st wire.JobStatus
	json.Unmarshal(a.body, &st)
	if a.status != http.StatusOK || st.State != wire.JobQueued {
		t.Errorf("relayed print: got %d %s, want 200 queued", a.status, a.body)
	}

	resp, body = cashier.do(http.MethodPost, "/api/bridges/"+p.BridgeID+"/print", wire.PrintJob{Kind: "receipt"}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("job without id: got %s %s, want 422", resp.Status, body)
	}
	resp, body = cashier.do(http.MethodPost, "/api/bridges/bridge-unknown/print", job, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown bridge: got %s %s, want 404", resp.Status, body)
	}
}

// TestScanGoesToListenersOnly: a scan with no terminal listening is not
// kept; a terminal that connects later sees only later scans.
func TestScanGoesToListenersOnly(t *testing.T) {
	e := newBridgeEnv(t)
	p := pairOverHTTP(t, e)
	b := connectBridge(t, e, p)
	at := time.Now()
	b.send(wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: "EARLY", At: at}})
	b.send(wire.BridgeMessage{Type: wire.BridgePing, Seq: 1})
	b.next(wire.BridgePong) // the server has handled the scan

	jar, _ := cookiejar.New(nil)
	cashier := &terminal{t: t, e: e, client: &http.Client{Jar: jar}}
	cashier.login(demo.CashierID, "1357")
	u, _ := http.NewRequest(http.MethodGet, e.srv.URL, nil)
	var cookie string
	for _, c := range jar.Cookies(u.URL) {
		if c.Name == wire.SessionCookie {
			cookie = c.Value
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Cookie": {wire.SessionCookie + "=" + cookie}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	_, _, err = ws.Read(ctx) // hello: subscribed
	if err != nil {
		t.Fatal(err)
	}
	b.send(wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: "LATE", At: at}})
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ev wire.Event
		json.Unmarshal(data, &ev)
		if ev.Type == wire.EventScan {
			if ev.Code != "LATE" {
				t.Errorf("got scan %q first, want LATE (EARLY had no listener)", ev.Code)
			}
			return
		}
	}
}

func TestPairThrottled(t *testing.T) {
	e := newBridgeEnv(t)
	bridge := &terminal{t: t, e: e, client: &http.Client{}}
	var last *http.Response
	for range 21 {
		last, _ = bridge.do(http.MethodPost, "/api/bridges/pair", wire.PairRequest{Code: "AAAAAAAA"}, nil)
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Errorf("21st attempt in a minute: got %s, want 429", last.Status)
	}
}
