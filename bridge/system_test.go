//go:build !windows

package main

// System tests: the real server (daemon.New, in-process on 127.0.0.1:0),
// the bridge as `bridge pair` and `bridge run` run it, real WebSocket
// connections, and pseudo-terminals standing in for the scanner and the
// printer. Only these tests import the server; the bridge binary never
// does (internal/layout checks the build graph).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/creack/pty"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/daemon"
	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/token"
)

// testServer is a running daemon.
type testServer struct {
	url string
	d   *daemon.Daemon
}

func startServer(tb testing.TB) *testServer {
	tb.Helper()
	web := tb.TempDir()
	if err := os.WriteFile(filepath.Join(web, "app.wasm"), []byte("\x00asm"), 0o644); err != nil {
		tb.Fatal(err)
	}
	cheap := pos.PINParams{Time: 1, Memory: 64, Threads: 1}
	d, err := daemon.New(context.Background(), daemon.Config{DataDir: tb.TempDir(), WebDir: web, PIN: &cheap,
		DemoPINs: map[string]string{"manager": "2468", "cashier": "1357"},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("daemon.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("Serve: %v", err)
		}
		d.Close()
	})
	return &testServer{url: "http://" + ln.Addr().String(), d: d}
}

// staff is a logged-in terminal.
type staff struct {
	tb     testing.TB
	srv    *testServer
	client *http.Client
	cookie string
	n      atomic.Int64
}

func (s *testServer) login(tb testing.TB, staffID, pin string) *staff {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	st := &staff{tb: tb, srv: s, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	res, body := st.do(http.MethodPost, "/api/login", wire.LoginRequest{StoreID: demo.StoreID, StaffID: staffID, PIN: pin})
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("login %s: got %s %s, want 200", staffID, res.Status, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == wire.SessionCookie {
			st.cookie = c.Value
		}
	}
	return st
}

// sessionFor opens a session directly in the store, for a store the demo
// does not have.
func (s *testServer) sessionFor(tb testing.TB, storeID, staffID string) *staff {
	tb.Helper()
	tok, hash := token.NewSession()
	now := time.Now().UTC()
	err := s.d.Store().Write(tb.Context(), func(tx pos.Tx) error {
		if err := tx.CreateRestaurant(tb.Context(), pos.Restaurant{ID: storeID, Name: "Other " + storeID, Currency: "CNY", CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateStaff(tb.Context(), pos.Staff{ID: staffID, StoreID: storeID, Name: "Other", Role: pos.RoleManager, PINHash: "x", Active: true, CreatedAt: now}); err != nil {
			return err
		}
		return tx.CreateSession(tb.Context(), pos.Session{TokenHash: hash, StaffID: staffID, StoreID: storeID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
	})
	if err != nil {
		tb.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	st := &staff{tb: tb, srv: s, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}, cookie: tok}
	u, _ := http.NewRequest(http.MethodGet, s.url, nil)
	jar.SetCookies(u.URL, []*http.Cookie{{Name: wire.SessionCookie, Value: tok, Path: "/"}})
	return st
}

func (st *staff) do(method, path string, body any) (*http.Response, []byte) {
	st.tb.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, st.srv.url+path, rd)
	if err != nil {
		st.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.HeaderCSRF, "1")
	req.Header.Set(wire.HeaderIdempotencyKey, fmt.Sprintf("k-%d-%d", time.Now().UnixNano(), st.n.Add(1)))
	res, err := st.client.Do(req)
	if err != nil {
		st.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// must does a request and decodes its answer, failing unless the status is
// want.
func (st *staff) must(want int, method, path string, body, out any) {
	st.tb.Helper()
	res, b := st.do(method, path, body)
	if res.StatusCode != want {
		st.tb.Fatalf("%s %s: got %s %s, want %d", method, path, res.Status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			st.tb.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// events is a staff /ws connection.
type events struct {
	tb testing.TB
	c  *websocket.Conn
}

func (st *staff) events() *events {
	st.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(st.srv.url, "http")+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Cookie": {wire.SessionCookie + "=" + st.cookie}}})
	if err != nil {
		st.tb.Fatalf("dial /ws: %v", err)
	}
	st.tb.Cleanup(func() { c.CloseNow() })
	e := &events{tb: st.tb, c: c}
	e.next(func(ev wire.Event) bool { return ev.Type == wire.EventHello })
	return e
}

// next reads events until match accepts one, and returns the events read
// before it.
func (e *events) next(match func(wire.Event) bool) (wire.Event, []wire.Event) {
	e.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var skipped []wire.Event
	for {
		_, b, err := e.c.Read(ctx)
		if err != nil {
			e.tb.Fatalf("read event: %v (skipped %+v)", err, skipped)
		}
		var ev wire.Event
		if err := json.Unmarshal(b, &ev); err != nil {
			e.tb.Fatal(err)
		}
		if match(ev) {
			return ev, skipped
		}
		skipped = append(skipped, ev)
	}
}

func connected(id string) func(wire.Event) bool {
	return func(ev wire.Event) bool {
		return ev.Type == wire.EventBridgeStatus && ev.Bridge.ID == id && ev.Bridge.Connected
	}
}

// ---- devices ----

// ptyScanner is a pseudo-terminal standing in for a serial scanner at
// path.
type ptyScanner struct {
	master *os.File
	path   string
}

func newPTY(tb testing.TB, path string) (master, tty *os.File) {
	tb.Helper()
	m, s, err := pty.Open()
	if err != nil {
		tb.Skipf("no pseudo-terminals here: %v", err)
	}
	tb.Cleanup(func() { m.Close(); s.Close() })
	tmp := path + ".new"
	os.Remove(tmp)
	if err := os.Symlink(s.Name(), tmp); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	return m, s
}

func newScanner(tb testing.TB, path string) *ptyScanner {
	m, _ := newPTY(tb, path)
	return &ptyScanner{master: m, path: path}
}

func (p *ptyScanner) scan(tb testing.TB, code string) {
	tb.Helper()
	if _, err := p.master.Write([]byte(code + "\r\n")); err != nil {
		tb.Fatal(err)
	}
}

// ptyPrinter plays an ESC/POS printer on a pseudo-terminal: it answers
// DLE EOT n with "ready" and GS r 1 with "done", and hands over each job's
// bytes without those requests.
type ptyPrinter struct {
	rw   *os.File
	jobs chan []byte
	done chan struct{}
}

func newPrinter(tb testing.TB, path string) *ptyPrinter {
	tb.Helper()
	m, _ := newPTY(tb, path)
	// Non-blocking, so that Close interrupts a read in progress.
	fd, err := syscall.Dup(int(m.Fd()))
	if err != nil {
		tb.Fatal(err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		tb.Fatal(err)
	}
	p := &ptyPrinter{rw: os.NewFile(uintptr(fd), "ptmx"), jobs: make(chan []byte, 64), done: make(chan struct{})}
	go p.run()
	tb.Cleanup(func() {
		p.rw.Close()
		<-p.done
	})
	return p
}

func (p *ptyPrinter) run() {
	defer close(p.done)
	var out, pend []byte
	buf := make([]byte, 4096)
	for {
		n, err := p.rw.Read(buf)
		pend = append(pend, buf[:n]...)
		for len(pend) > 0 {
			switch {
			case pend[0] == 0x10 || pend[0] == 0x1d:
				if len(pend) < 3 {
					goto more
				}
				switch {
				case pend[0] == 0x10 && pend[1] == 0x04:
					p.rw.Write([]byte{0x12})
					pend = pend[3:]
					continue
				case pend[0] == 0x1d && pend[1] == 'r' && pend[2] == '1':
					p.jobs <- bytes.Clone(out)
					out = out[:0]
					p.rw.Write([]byte{0x00})
					pend = pend[3:]
					continue
				}
				out = append(out, pend[0])
				pend = pend[1:]
			default:
				out = append(out, pend[0])
				pend = pend[1:]
			}
		}
	more:
		if err != nil {
			return
		}
	}
}

func (p *ptyPrinter) nextJob(tb testing.TB) []byte {
	tb.Helper()
	select {
	case j := <-p.jobs:
		return j
	case <-time.After(10 * time.Second):
		tb.Fatal("got no job on the printer, want one")
		return nil
	}
}

// ---- the bridge ----

// testBridge is a paired bridge's data directory.
type testBridge struct {
	dir, id string
	local   string // the local endpoint's address
}

// pairBridge pairs a bridge through `bridge pair` with a code a manager
// asked for, then points its config at the test devices.
func pairBridge(tb testing.TB, manager *staff, edit func(c *Config)) *testBridge {
	tb.Helper()
	var code wire.PairingCode
	manager.must(http.StatusCreated, http.MethodPost, "/api/bridges/pairing", nil, &code)
	dir := tb.TempDir()
	var out bytes.Buffer
	if err := run(tb.Context(), []string{"pair", code.Code, "-server", manager.srv.url, "-data", dir, "-name", "Test counter"}, noenv, &out); err != nil {
		tb.Fatalf("bridge pair: %v", err)
	}
	path := filepath.Join(dir, "bridge.json")
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		tb.Errorf("config permissions: got %v, want 0600", st.Mode().Perm())
	}
	cfg, err := loadConfig(path)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Listen = freeAddr(tb)
	cfg.Printer = PrinterConfig{Virtual: filepath.Join(dir, "virtual"), PaperMM: 80}
	if edit != nil {
		edit(cfg)
	}
	if err := saveConfig(path, cfg); err != nil {
		tb.Fatal(err)
	}
	return &testBridge{dir: dir, id: cfg.BridgeID, local: cfg.Listen}
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// running is a `bridge run` in progress.
type running struct {
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// start runs `bridge run` until stop is called or the test ends.
func (b *testBridge) start(tb testing.TB) *running {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx, []string{"run", "-data", b.dir, "-log-level", "error"}, noenv, io.Discard) }()
	tb.Cleanup(func() { r.stop() })
	return r
}

// wait waits for run to end on its own, at most 10 s.
func (r *running) wait() error {
	r.once.Do(func() {
		select {
		case r.err = <-r.done:
		case <-time.After(10 * time.Second):
			r.err = errors.New("bridge run did not end within 10 s")
		}
		r.cancel()
	})
	return r.err
}

// stop cancels run and returns its error.
func (r *running) stop() error {
	r.cancel()
	return r.wait()
}

// englishReceipt is the document of bridge/receipt's receipt_en_48 golden
// file.
func englishReceipt(id string) wire.PrintJob {
	cny := func(m int64) money.Amount { return money.New(m, "CNY") }
	return wire.PrintJob{ID: id, Kind: wire.PrintKindReceipt, OpenDrawer: true, Receipt: &wire.ReceiptDoc{
		StoreName: "Golden Dragon Noodle House", StoreAddress: "12 Harbour Road, Kowloon", OrderNumber: 1042,
		Table: "A3", Cashier: "Mei", Time: time.Date(2026, 11, 23, 19, 5, 0, 0, time.FixedZone("CST", 8*3600)),
		Lines: []wire.PrintLine{
			{Name: "Kung Pao Chicken", Qty: 2, UnitPrice: cny(3800), Total: cny(7600), Modifiers: []string{"Extra spicy"}},
			{Name: "Hand-pulled beef noodle soup with braised brisket and pickled greens", Qty: 1, UnitPrice: cny(4250), Total: cny(4250), Note: "No coriander, please, and broth on the side"},
			{Name: "Jasmine tea", Qty: 3, UnitPrice: cny(600), Total: cny(1800)},
		},
		Subtotal: cny(13650), Tax: cny(819), Total: cny(14469), Paid: cny(15000), Change: cny(531),
		Rail: "cash", ReceiptURL: "https://pos.example.test/r/7Hq2xK",
	}}
}

func golden(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("receipt", "testdata", "receipt_en_48.bin.golden"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func newJar() (http.CookieJar, error) { return cookiejar.New(nil) }
