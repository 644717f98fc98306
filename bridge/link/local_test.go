package link

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/bridgetoken"
	"qrpos/internal/wire"
)

// logBuffer collects log lines for assertions.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced on every write
}

func newLogBuffer() *logBuffer { return &logBuffer{written: make(chan struct{})} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.written)
	b.written = make(chan struct{})
	return b.buf.Write(p)
}

// waitFor waits until the log holds s, at most 5 s.
func (b *logBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		b.mu.Lock()
		has, ch := strings.Contains(b.buf.String(), s), b.written
		b.mu.Unlock()
		if has {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("got log %q, want it to mention %q", b.String(), s)
		}
	}
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// sign makes a token as the server does.
func sign(key ed25519.PrivateKey, store, bridge string, iat, exp time.Time) string {
	tok, err := bridgetoken.Sign(key, bridgetoken.Claims{StoreID: store, BridgeID: bridge, IssuedAt: iat, ExpiresAt: exp})
	if err != nil {
		panic(err)
	}
	return tok
}

type localEnv struct {
	link   *Link
	key    ed25519.PrivateKey
	addr   string // 127.0.0.1:port
	logs   *logBuffer
	prints chan wire.PrintJob
}

const serverOrigin = "https://pos.example.test"

func newLocal(t *testing.T) *localEnv {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &localEnv{key: key, logs: newLogBuffer(), prints: make(chan wire.PrintJob, 4)}
	e.link = New(Config{BridgeID: "bridge-1", StoreID: "store-1", Version: "test", ServerKey: pub,
		ServerURL: serverOrigin, Origins: []string{"http://localhost:8080"},
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Now: func() time.Time { return testNow },
		Print: func(job wire.PrintJob) wire.JobStatus {
			e.prints <- job
			return wire.JobStatus{ID: job.ID, State: wire.JobQueued}
		}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	srv := httptest.NewUnstartedServer(e.link.LocalHandler(t.Context(), port))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e.addr = ln.Addr().String()
	return e
}

func (e *localEnv) token(store, bridge string, ttl time.Duration) string {
	return sign(e.key, store, bridge, testNow.Add(-time.Minute), testNow.Add(ttl))
}

// dial opens the local endpoint with the given Host, Origin and token.
func (e *localEnv) dial(t *testing.T, host, origin, tok string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	h.Set("Host", host)
	c, res, err := websocket.Dial(t.Context(), "ws://"+e.addr+"/ws?token="+tok, &websocket.DialOptions{HTTPHeader: h, Host: host})
	if c != nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, res, err
}

func readMsg(t *testing.T, c *websocket.Conn) wire.BridgeMessage {
	t.Helper()
	ctx, cancel := contextTimeout(t)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	m, err := wire.DecodeBridge(b)
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

func TestLocalRefusesBeforeUpgrade(t *testing.T) {
	e := newLocal(t)
	_, port, _ := net.SplitHostPort(e.addr)
	good := e.token("store-1", "bridge-1", time.Minute)
	tests := []struct {
		name       string
		host       string
		origin     string
		token      string
		wantStatus int
		wantLog    string
	}{
		{"foreign origin", e.addr, "https://evil.example", good, http.StatusForbidden, "origin not allowed"},
		{"no origin", e.addr, "", good, http.StatusForbidden, "origin not allowed"},
		{"wrong host (DNS rebinding)", "evil.example:" + port, serverOrigin, good, http.StatusMisdirectedRequest, "unknown host"},
		{"missing token", e.addr, serverOrigin, "", http.StatusUnauthorized, "bad token"},
		{"expired token", e.addr, serverOrigin, e.token("store-1", "bridge-1", 0), http.StatusUnauthorized, "expired"},
		{"token for another store", e.addr, serverOrigin, e.token("store-2", "bridge-1", time.Minute), http.StatusForbidden, "another store"},
		{"token for another bridge", e.addr, serverOrigin, e.token("store-1", "bridge-2", time.Minute), http.StatusForbidden, "another store or bridge"},
		{"token of another server", e.addr, serverOrigin, otherServerToken(), http.StatusUnauthorized, "not signed by the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, res, err := e.dial(t, tt.host, tt.origin, tt.token)
			if err == nil {
				t.Fatal("got a connection, want a refusal")
			}
			if res == nil || res.StatusCode != tt.wantStatus {
				t.Fatalf("got response %v, want status %d", res, tt.wantStatus)
			}
			if !strings.Contains(e.logs.String(), tt.wantLog) {
				t.Errorf("got log %q, want it to mention %q", e.logs.String(), tt.wantLog)
			}
		})
	}
}

func otherServerToken() string {
	_, key, _ := ed25519.GenerateKey(nil)
	return sign(key, "store-1", "bridge-1", testNow, testNow.Add(time.Minute))
}

func TestLocalAcceptsAndPrints(t *testing.T) {
	e := newLocal(t)
	for _, origin := range []string{serverOrigin, "http://localhost:8080"} {
		c, _, err := e.dial(t, "localhost:"+portOf(e.addr), origin, e.token("store-1", "bridge-1", time.Minute))
		if err != nil {
			t.Fatalf("origin %s: %v", origin, err)
		}
		if m := readMsg(t, c); m.Type != wire.BridgeHello || m.Hello.BridgeID != "bridge-1" || m.Hello.StoreID != "store-1" {
			t.Fatalf("got first message %+v, want hello of bridge-1", m)
		}
		if m := readMsg(t, c); m.Type != wire.BridgeDeviceStatus {
			t.Fatalf("got second message %+v, want device.status", m)
		}
		job := wire.PrintJob{ID: "j-" + origin, Kind: wire.PrintKindKitchen, Kitchen: &wire.KitchenDoc{OrderNumber: 1, Time: testNow}}
		write(t, c, wire.BridgeMessage{Type: wire.BridgePrint, Print: &job})
		if m := readMsg(t, c); m.Type != wire.BridgeJobStatus || m.Job.ID != job.ID || m.Job.State != wire.JobQueued {
			t.Errorf("got %+v, want job.status queued for %s", m, job.ID)
		}
		if got := <-e.prints; got.ID != job.ID {
			t.Errorf("got job %s printed, want %s", got.ID, job.ID)
		}
		write(t, c, wire.BridgeMessage{Type: wire.BridgePing, Seq: 9})
		if m := readMsg(t, c); m.Type != wire.BridgePong || m.Seq != 9 {
			t.Errorf("got %+v, want pong 9", m)
		}
		// A scan goes to the connected page.
		e.link.Scan("134567890123456789")
		if m := readMsg(t, c); m.Type != wire.BridgeScan || m.Scan.Code != "134567890123456789" {
			t.Errorf("got %+v, want the scan", m)
		}
	}
}

func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

func write(t *testing.T, c *websocket.Conn, m wire.BridgeMessage) {
	t.Helper()
	b, err := wire.EncodeBridge(m)
	if err != nil {
		t.Fatal(err)
	}
	writeRaw(t, c, b)
}

func writeRaw(t *testing.T, c *websocket.Conn, b []byte) {
	t.Helper()
	ctx, cancel := contextTimeout(t)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// TestLocalClosesOnViolation: after the upgrade, a message that is too
// large, malformed, or not one a page may send closes the connection and
// is logged.
func TestLocalClosesOnViolation(t *testing.T) {
	tests := []struct {
		name    string
		msg     []byte
		wantLog string
	}{
		{"oversized", []byte(`{"v":1,"type":"ping","x":"` + strings.Repeat("a", wire.MaxBridgeMessage) + `"}`), "too large"},
		{"malformed", []byte(`{"v":1,"type":`), "malformed"},
		{"unknown type", []byte(`{"v":1,"type":"raw","data":"G0A="}`), "malformed"},
		{"future version", []byte(`{"v":2,"type":"ping"}`), "malformed"},
		{"scan from a page", mustEncode(t, wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: "1", At: testNow}}), "not accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLocal(t)
			c, _, err := e.dial(t, e.addr, serverOrigin, e.token("store-1", "bridge-1", time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			readMsg(t, c) // hello
			readMsg(t, c) // device.status
			writeRaw(t, c, tt.msg)
			ctx, cancel := contextTimeout(t)
			defer cancel()
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					if ctx.Err() != nil {
						t.Fatal("connection still open, want it closed")
					}
					var ce websocket.CloseError
					if !errors.As(err, &ce) {
						t.Logf("closed: %v", err)
					}
					break
				}
				t.Logf("message before close: %.80s", b)
			}
			e.logs.waitFor(t, tt.wantLog)
			e.logs.waitFor(t, "local client gone") // and the handler has finished
		})
	}
}

func mustEncode(t *testing.T, m wire.BridgeMessage) []byte {
	b, err := wire.EncodeBridge(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
