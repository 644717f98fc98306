// Package e2e drives the cashier PWA in headless Chromium against a real
// server started in-process: the WebAssembly app is built from source, the
// server is qrpos/server/daemon on a random port with the demo restaurant.
//
// Environment:
//
//	QRPOS_SKIP_BROWSER=1      skip (instead of fail) when chromium is missing
//	QRPOS_SCREENSHOT=path     write a PNG of the order editor to path
//	                          (relative to e2e/, e.g. testdata/order.png)
//	QRPOS_SCREENSHOTS=dir     write a PNG of every page to dir, for review
//	QRPOS_E2E_LOG=1           show the server's log
//
// Run: go test ./e2e/ -run . -v; go test ./e2e/ -run '^$' -bench . -benchtime 3x
// (BenchmarkConfirmToPaid: -bench ConfirmToPaid -benchtime 20x for p50/p99 over 20 payments)
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/daemon"
)

const (
	// Demo PINs fixed for the test.
	managerPIN = "2468"
	cashierPIN = "1357"

	stepTimeout = 60 * time.Second
	cashierName = "Wang Wei"
	managerName = "Li Na"
)

// goTool returns the go command of the toolchain running the test, so the
// wasm and the server come from the same Go (wasm_exec.js must match).
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// moduleRoot is the directory holding go.mod (the test runs in e2e/).
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		tb.Fatalf("no go.mod in %s: %v", dir, err)
	}
	return dir
}

// buildWasm compiles ./app (app.wasm, staff) and ./app/dinerapp
// (diner.wasm, the diner's pages) for js/wasm into a new directory, as
// released (stripped, trimmed paths), with the toolchain's wasm_exec.js
// next to them.
func buildWasm(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, pkg := range map[string]string{"app.wasm": "./app", "diner.wasm": "./app/dinerapp"} {
		cmd := exec.Command(goTool(), "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, name), pkg)
		cmd.Dir = moduleRoot(tb)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	for _, rel := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if b, err := os.ReadFile(filepath.Join(runtime.GOROOT(), rel)); err == nil {
			if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), b, 0o644); err != nil {
				tb.Fatal(err)
			}
			break
		}
	}
	return dir
}

// startServer runs a daemon with the demo restaurant over webDir.
func startServer(tb testing.TB, webDir string) string {
	tb.Helper()
	return startServerBridges(tb, webDir, nil)
}

// startServerBridges is startServer with bridgeLocal as the counter-PC
// bridge endpoints the pages may connect to (nil: the default).
func startServerBridges(tb testing.TB, webDir string, bridgeLocal []string) string {
	tb.Helper()
	return startServerWith(tb, webDir, bridgeLocal, nil)
}

// startServerWith runs the daemon; down, if not nil, cuts it off while set.
func startServerWith(tb testing.TB, webDir string, bridgeLocal []string, down *atomic.Bool) string {
	tb.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("QRPOS_E2E_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	d, err := daemon.New(context.Background(), daemon.Config{
		DataDir:     tb.TempDir(),
		WebDir:      webDir,
		DemoPINs:    map[string]string{"manager": managerPIN, "cashier": cashierPIN},
		BridgeLocal: bridgeLocal,
		Logger:      logger,
	})
	if err != nil {
		tb.Fatalf("daemon.New: %v", err)
	}
	h := d.Handler()
	if down != nil {
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
				// The network is gone: the connection drops unanswered.
				if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
					c.Close()
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(func() {
		srv.Close()
		d.Close()
	})
	return srv.URL
}

// startServerDown is startServer with a switch: while down is set, every
// request's connection is dropped unanswered, as when the phone has lost
// its connection.
func startServerDown(tb testing.TB, webDir string) (string, *atomic.Bool) {
	tb.Helper()
	down := new(atomic.Bool)
	return startServerWith(tb, webDir, nil, down), down
}

// chromium finds the browser, or fails (skips with QRPOS_SKIP_BROWSER=1).
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if os.Getenv("QRPOS_SKIP_BROWSER") == "1" {
		tb.Skip("chromium is not installed (QRPOS_SKIP_BROWSER=1)")
	}
	tb.Fatalf("chromium is not installed: install the Debian package 'chromium', or set QRPOS_SKIP_BROWSER=1 to skip the browser tests")
	return ""
}

// newBrowser starts headless Chromium with a fresh profile and returns the
// context of its first tab.
func newBrowser(tb testing.TB, exe string) context.Context {
	tb.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser now, without a timeout (a timeout on the first
	// run would stop the whole browser).
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab driven by the test, with its console kept for
// failure reports.
type tab struct {
	tb   testing.TB
	name string
	ctx  context.Context

	mu      sync.Mutex
	console []string
	paused  chan *fetch.EventRequestPaused // requests held by cut
}

func newTab(tb testing.TB, name string, ctx context.Context) *tab {
	tb.Helper()
	tb2 := &tab{tb: tb, name: name, ctx: ctx, paused: make(chan *fetch.EventRequestPaused, 64)}
	if err := chromedp.Listen(ctx, func(ev any) {
		var line string
		switch ev := ev.(type) {
		case *cdpruntime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			line = string(ev.Type) + ": " + strings.Join(parts, " ")
		case *fetch.EventRequestPaused:
			select {
			case tb2.paused <- ev:
			default:
			}
			return
		case *cdpruntime.EventExceptionThrown:
			line = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				line += " " + ev.ExceptionDetails.Exception.Description
			}
		default:
			return
		}
		tb2.mu.Lock()
		tb2.console = append(tb2.console, line)
		tb2.mu.Unlock()
	}); err != nil {
		tb.Fatalf("%s: listen: %v", name, err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		tb.Fatalf("%s: viewport: %v", name, err)
	}
	return tb2
}

// do runs a step with its own deadline and fails the test with the page's
// state when it does not complete.
func (t *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.fatal(step, err)
	}
}

func (t *tab) fatal(step string, err error) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if dir := os.Getenv("QRPOS_SCREENSHOTS"); dir != "" {
		if b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(dir, "failure-"+strings.ReplaceAll(t.name, " ", "")+".png"), b, 0o644)
		}
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	t.mu.Lock()
	console := strings.Join(t.console, "\n")
	t.mu.Unlock()
	t.tb.Fatalf("%s: %s: %v\nurl: %s\npage text:\n%s\nconsole:\n%s", t.name, step, err, url, text, console)
}

// waitJS waits until the JavaScript expression is truthy.
func (t *tab) waitJS(step, expr string) {
	t.tb.Helper()
	t.do(step, chromedp.Steps(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(stepTimeout-time.Second), chromedp.WithPollingInterval(50*time.Millisecond))(ctx, tg)
		return chromedp.Void{}, err
	}))
}

// str evaluates a JavaScript expression to a string.
func (t *tab) str(step, expr string) string {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.fatal(step, err)
	}
	return v
}

// minor reads the data-minor attribute of the element matching css.
func (t *tab) minor(step, css string) int64 {
	t.tb.Helper()
	s := t.str(step, fmt.Sprintf(`document.querySelector(%q).dataset.minor`, css))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.fatal(step, fmt.Errorf("data-minor of %s is %q", css, s))
	}
	return n
}

// screenshot writes a PNG of the viewport to path.
func (t *tab) screenshot(path string) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.fatal("screenshot", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.tb.Fatal(err)
	}
}

// tid builds a CSS selector for a data-testid and optional attribute
// conditions written as "attr=value" (exact) or "attr^=value" (prefix).
func tid(id string, conds ...string) string {
	s := fmt.Sprintf(`[data-testid=%q]`, id)
	for _, c := range conds {
		op := "="
		k, v, ok := strings.Cut(c, "^=")
		if ok {
			op = "^="
		} else {
			k, v, _ = strings.Cut(c, "=")
		}
		s += fmt.Sprintf(`[%s%s%q]`, k, op, v)
	}
	return s
}

// cut makes every request of the tab whose URL matches pattern fail as if
// the network were down, until restore is called. failed receives the
// idempotency key of each failed attempt.
func (t *tab) cut(pattern string) (failed <-chan string, restore func()) {
	t.tb.Helper()
	t.do("cut network", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// go-app's service worker would fetch on the page's behalf, out of
		// this tab's sight: go around it.
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	}))
	keys := make(chan string, 64)
	ctx, stop := context.WithCancel(t.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-t.paused:
				var key string
				for k, v := range ev.Request.Headers {
					if strings.EqualFold(k, wire.HeaderIdempotencyKey) {
						key, _ = v.(string)
					}
				}
				chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonInternetDisconnected})
					return err
				}))
				select {
				case keys <- key:
				default:
				}
			}
		}
	}()
	return keys, func() {
		stop()
		<-done
		t.do("restore network", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, fetch.Disable, cdp.Empty{})
			return err
		}))
	}
}

func click(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitEnabled(chromedp.CSS(css)), chromedp.Click(chromedp.CSS(css)))
}

// login picks a member of staff and types the PIN on the numpad, or on the
// keyboard (digits then Enter) when keyboard is true.
func (t *tab) login(base, name, pin string, keyboard bool) {
	t.tb.Helper()
	t.do("open login", chromedp.Navigate(base+"/login"))
	tile := tid("login-staff", "data-staff-name="+name)
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(tile)), click(tile), chromedp.WaitVisible(chromedp.CSS(tid("login-pin-panel")))}
	if keyboard {
		steps = append(steps, chromedp.KeyEvent(pin+"\r"))
	} else {
		for _, d := range pin {
			steps = append(steps, click(tid("pin-key-"+string(d))))
		}
		steps = append(steps, click(tid("login-submit")))
	}
	steps = append(steps, chromedp.WaitVisible(chromedp.CSS(tid("page-board")+" "+tid("board-tables"))))
	t.do("log in as "+name, steps...)
}

// screens writes a screenshot of the current page to the directory named by
// QRPOS_SCREENSHOTS (for reviewing the look of every page), if set.
func (t *tab) screens(name string) {
	if dir := os.Getenv("QRPOS_SCREENSHOTS"); dir != "" {
		t.screenshot(filepath.Join(dir, name+".png"))
	}
}

// api is a plain HTTP client of the server, logged in as the manager, used to
// check what the browser shows against what the server says.
type api struct {
	tb   testing.TB
	base string
	c    *http.Client
}

func newAPI(tb testing.TB, base, name, pin string) *api {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	a := &api{tb: tb, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	var staff wire.LoginStaff
	a.call("GET", "/api/login/staff", nil, &staff)
	var id string
	for _, s := range staff.Staff {
		if s.Name == name {
			id = s.ID
		}
	}
	if id == "" {
		tb.Fatalf("no staff named %s in %+v", name, staff.Staff)
	}
	a.call("POST", "/api/login", wire.LoginRequest{StoreID: staff.Store.ID, StaffID: id, PIN: pin}, nil)
	return a
}

func (a *api) call(method, path string, in, out any) {
	a.tb.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.HeaderCSRF, "1")
	resp, err := a.c.Do(req)
	if err != nil {
		a.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		a.tb.Fatalf("%s %s: status %d: %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.tb.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
}

func (a *api) order(id string) wire.Order {
	var o wire.Order
	a.call("GET", "/api/orders/"+id, nil, &o)
	return o
}

// categoryOf returns the name of the category holding the item whose name
// starts with prefix.
func categoryOf(tb testing.TB, m wire.Menu, prefix string) (category, item string) {
	tb.Helper()
	for _, it := range m.Items {
		if strings.HasPrefix(it.Name, prefix) {
			for _, c := range m.Categories {
				if c.ID == it.CategoryID {
					return c.Name, it.Name
				}
			}
		}
	}
	tb.Fatalf("no item %q on the menu", prefix)
	return "", ""
}

// TestCashierFlow drives the whole cashier flow in one tab while a second tab
// watches the board.
func TestCashierFlow(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgr := newAPI(t, base, managerName, managerPIN)
	var menu wire.Menu
	mgr.call("GET", "/api/menu", nil, &menu)
	kpcCat, kpcName := categoryOf(t, menu, "Kung Pao Chicken")
	teaCat, teaName := categoryOf(t, menu, "Jasmine Tea")

	browser := newBrowser(t, exe)
	one := newTab(t, "tab 1", browser)

	// Log in as the cashier with the PIN numpad; a wrong PIN first.
	one.do("open login", chromedp.Navigate(base+"/"))
	one.do("login tiles", chromedp.WaitVisible(chromedp.CSS(tid("login-staff", "data-staff-name="+cashierName))))
	one.screens("login")
	one.do("wrong pin",
		click(tid("login-staff", "data-staff-name="+cashierName)),
		click(tid("pin-key-9")), click(tid("pin-key-9")), click(tid("pin-key-9")), click(tid("pin-key-9")),
		click(tid("login-submit")),
	)
	one.waitJS("wrong pin message", fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").length > 0`, tid("login-error")))
	one.screens("login-pin")
	t.Logf("wrong PIN shows: %q", one.str("read error", fmt.Sprintf(`document.querySelector(%q).textContent`, tid("login-error"))))
	one.login(base, cashierName, cashierPIN, false)

	// The board shows the 8 tables.
	one.waitJS("8 tables", fmt.Sprintf(`document.querySelectorAll(%q).length === 8`, tid("board-table")))
	table3 := tid("board-table", "data-table-name=Table 3")
	if got := one.str("table 3 state", fmt.Sprintf(`document.querySelector(%q).dataset.state`, table3)); got != "free" {
		t.Fatalf("got table 3 %s, want free", got)
	}

	// A second tab on the board, live.
	twoCtx, cancelTwo := chromedp.NewContext(browser)
	defer cancelTwo()
	two := newTab(t, "tab 2", twoCtx)
	two.do("open board", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(table3)))
	two.waitJS("live", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))

	// Open table 3: a new order.
	one.do("open table 3", click(table3), chromedp.WaitVisible(chromedp.CSS(tid("page-order")+" "+tid("order-ticket"))))
	orderID := strings.TrimPrefix(one.str("order id", `location.pathname`), "/orders/")
	if orderID == "" || strings.Contains(orderID, "/") {
		t.Fatalf("got order path id %q, want an id", orderID)
	}
	two.waitJS("tab 2 sees table 3 busy", fmt.Sprintf(`!!document.querySelector(%q)`, tid("board-table", "data-table-name=Table 3", "data-state=busy")))

	// Kung Pao Chicken: the modifier dialog insists on a spice level.
	one.do("add kung pao chicken",
		click(tid("menu-category", "data-category-name="+kpcCat)),
		click(tid("menu-item", "data-item-name="+kpcName)),
		chromedp.WaitVisible(chromedp.CSS(tid("modifier-dialog"))),
	)
	if dis := one.str("add disabled", fmt.Sprintf(`String(document.querySelector(%q).disabled)`, tid("modifier-add"))); dis != "true" {
		t.Errorf("got Add enabled before a spice level was chosen, want disabled")
	}
	spiceHot := tid("modifier-group", "data-group-name=Spice level") + " " + tid("modifier-option", "data-modifier-name=Hot")
	one.do("choose hot and a note",
		click(spiceHot),
		chromedp.SendKeys(chromedp.CSS(tid("modifier-note")), "no peanuts"),
	)
	one.screens("modifier")
	one.waitJS("hot pressed", fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-pressed") === "true"`, spiceHot))
	one.do("add line", click(tid("modifier-add")), chromedp.WaitNotPresent(chromedp.CSS(tid("modifier-dialog"))))
	kpcLine := tid("order-line", "data-line-name="+kpcName)
	one.do("kpc line", chromedp.WaitVisible(chromedp.CSS(kpcLine+" "+tid("line-modifiers"))))
	if got := one.str("mods", fmt.Sprintf(`document.querySelector(%q).textContent`, kpcLine+" "+tid("line-modifiers"))); got != "Hot" {
		t.Errorf("got modifiers %q, want Hot", got)
	}
	if got := one.str("note", fmt.Sprintf(`document.querySelector(%q).textContent`, kpcLine+" "+tid("line-note"))); !strings.Contains(got, "no peanuts") {
		t.Errorf("got note %q, want no peanuts", got)
	}

	// Jasmine Tea, no modifiers.
	teaLine := tid("order-line", "data-line-name="+teaName)
	one.do("add jasmine tea",
		click(tid("menu-category", "data-category-name="+teaCat)),
		click(tid("menu-item", "data-item-name="+teaName)),
		chromedp.WaitVisible(chromedp.CSS(teaLine)),
	)

	// Two Kung Pao Chicken, sent while the order API is unreachable: the
	// request waits in the outbox (localStorage) and goes out again with
	// the same key once the network is back.
	outbox := `JSON.parse(localStorage.getItem("qrpos.outbox.v1") || "[]")`
	failed, restore := one.cut("*/lines/*")
	one.do("more kpc", click(kpcLine+" "+tid("line-inc")))
	var keys []string
	for len(keys) < 2 {
		select {
		case k := <-failed:
			keys = append(keys, k)
		case <-time.After(stepTimeout):
			t.Fatalf("got %d failed attempts of the quantity change, want 2", len(keys))
		}
	}
	pending := one.str("outbox while offline", outbox+`.map(p => p.method + " " + p.key).join(",")`)
	if keys[0] == "" || keys[0] != keys[1] || pending != "PATCH "+keys[0] {
		t.Errorf("attempts sent keys %q with outbox %q, want one key, the same, kept in the outbox", keys, pending)
	}
	if got := one.str("qty while offline", fmt.Sprintf(`document.querySelector(%q).textContent`, kpcLine+" "+tid("line-qty"))); got != "1" {
		t.Errorf("while offline got quantity %q, want 1", got)
	}
	restore()
	one.waitJS("kpc qty 2", fmt.Sprintf(`document.querySelector(%q)?.textContent === "2"`, kpcLine+" "+tid("line-qty")))
	one.waitJS("outbox empty", outbox+`.length === 0`)
	if p := os.Getenv("QRPOS_SCREENSHOT"); p != "" {
		one.screenshot(p)
	}
	one.screens("order")

	// Remove the tea.
	one.do("remove tea", click(teaLine+" "+tid("line-remove")), chromedp.WaitNotPresent(chromedp.CSS(teaLine)))
	one.waitJS("one line", fmt.Sprintf(`document.querySelectorAll(%q).length === 1`, tid("order-line")))

	// The totals on screen are the server's.
	o := mgr.order(orderID)
	if len(o.Lines) != 1 || o.Lines[0].Qty != 2 || !strings.HasPrefix(o.Lines[0].Name, "Kung Pao Chicken") {
		t.Fatalf("got lines %+v, want 2 x Kung Pao Chicken", o.Lines)
	}
	if ms := o.Lines[0].Modifiers; len(ms) != 1 || ms[0].Name != "Hot" || o.Lines[0].Note != "no peanuts" {
		t.Errorf("got modifiers %+v note %q, want Hot and no peanuts", ms, o.Lines[0].Note)
	}
	for name, want := range map[string]money.Amount{"order-subtotal": o.Totals.Subtotal, "order-tax": o.Totals.Tax, "order-total": o.Totals.Total} {
		one.waitJS(name, fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === %q`, tid(name), strconv.FormatInt(want.Minor, 10)))
		if got := one.str(name, fmt.Sprintf(`document.querySelector(%q).textContent`, tid(name))); got != want.String() {
			t.Errorf("%s shows %q, want %q", name, got, want.String())
		}
	}
	two.waitJS("tab 2 shows the total", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === %q`,
		table3+" "+tid("board-table-total"), strconv.FormatInt(o.Totals.Total.Minor, 10)))

	two.screens("board-busy")

	// Send to the kitchen.
	one.do("send", click(tid("order-send")))
	one.waitJS("sent", fmt.Sprintf(`!!document.querySelector(%q)`, tid("order-status", "data-status="+wire.OrderSent)))

	// Cash: type an amount on the numpad, see the change, complete.
	due := o.Totals.Due
	unit := int64(100) // CNY has 2 digits
	tendered := (due.Minor/(100*unit) + 1) * 100 * unit
	one.do("cash page", click(tid("order-cash")), chromedp.WaitVisible(chromedp.CSS(tid("page-cash")+" "+tid("cash-due"))))
	if got := one.minor("due", tid("cash-due")); got != due.Minor {
		t.Errorf("cash page due %d, want %d", got, due.Minor)
	}
	var typing []chromedp.Action[chromedp.Void]
	for _, d := range strconv.FormatInt(tendered/unit, 10) {
		typing = append(typing, click(tid("cash-key-"+string(d))))
	}
	one.do("type tendered", typing...)
	wantChange := tendered - due.Minor
	one.waitJS("change shown", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === %q`, tid("cash-change"), strconv.FormatInt(wantChange, 10)))
	one.screens("cash")
	one.do("complete", click(tid("cash-complete")), chromedp.WaitVisible(chromedp.CSS(tid("cash-done"))))
	if got := one.minor("change", tid("cash-done-change")); got != wantChange {
		t.Errorf("done page change %d, want %d", got, wantChange)
	}
	one.screens("cash-done")

	// History lists the order as closed.
	one.do("history", click(tid("cash-done-history")), chromedp.WaitVisible(chromedp.CSS(tid("page-history"))))
	row := tid("history-row", "data-order-id="+orderID, "data-status="+wire.OrderClosed)
	one.do("closed row", chromedp.WaitVisible(chromedp.CSS(row)))
	if got := one.minor("history change", row+" "+tid("history-change")); got != wantChange {
		t.Errorf("history change %d, want %d", got, wantChange)
	}
	one.screens("history")

	// The second tab saw it all without reloading: table 3 is free again.
	two.waitJS("tab 2 sees table 3 free", fmt.Sprintf(`!!document.querySelector(%q)`, tid("board-table", "data-table-name=Table 3", "data-state=free")))
	two.screens("board")

	// The server agrees.
	o = mgr.order(orderID)
	if o.Status != wire.OrderClosed {
		t.Errorf("got order status %s, want closed", o.Status)
	}
	if len(o.Tenders) != 1 || o.Tenders[0].Kind != wire.TenderCash || o.Tenders[0].Tendered.Minor != tendered || o.Tenders[0].Change.Minor != wantChange {
		t.Errorf("got tenders %+v, want one cash tender of %d with change %d", o.Tenders, tendered, wantChange)
	}
	var closed wire.OrderList
	mgr.call("GET", "/api/orders?status=closed", nil, &closed)
	found := false
	for _, c := range closed.Orders {
		found = found || c.ID == orderID
	}
	if !found {
		t.Errorf("order %s not in today's closed orders", orderID)
	}
	var tables wire.TableList
	mgr.call("GET", "/api/tables", nil, &tables)
	for _, tb := range tables.Tables {
		if tb.Name == "Table 3" && tb.OrderID != "" {
			t.Errorf("table 3 still has order %s, want none", tb.OrderID)
		}
	}

	// On a phone: a quick sale, an item, a void refused to a cashier (the
	// error toast), then the line removed and the empty order voided.
	one.do("phone", chromedp.EmulateViewport(390, 844), click(tid("nav-board")), chromedp.WaitVisible(chromedp.CSS(table3)))
	one.screens("phone-board")
	one.do("quick sale", click(tid("board-quick-sale")), chromedp.WaitVisible(chromedp.CSS(tid("page-order")+" "+tid("order-ticket"))))
	quickID := strings.TrimPrefix(one.str("quick order id", `location.pathname`), "/orders/")
	one.do("add tea to quick sale",
		click(tid("menu-category", "data-category-name="+teaCat)),
		click(tid("menu-item", "data-item-name="+teaName)),
		chromedp.WaitVisible(chromedp.CSS(teaLine)),
	)
	one.screens("phone-order")
	voidIt := chromedp.Steps(
		click(tid("order-void")),
		chromedp.WaitVisible(chromedp.CSS(tid("void-dialog"))),
		chromedp.SendKeys(chromedp.CSS(tid("void-reason")), "test order"),
		click(tid("void-confirm")),
	)
	one.do("void refused", voidIt, chromedp.WaitVisible(chromedp.CSS(tid("error-toast"))))
	t.Logf("void with items as a cashier shows: %q", one.str("toast", fmt.Sprintf(`document.querySelector(%q).textContent`, tid("error-message"))))
	one.screens("phone-error")
	one.do("dismiss", click(tid("error-dismiss")), chromedp.WaitNotPresent(chromedp.CSS(tid("error-toast"))))
	one.do("remove tea from quick sale", click(teaLine+" "+tid("line-remove")), chromedp.WaitVisible(chromedp.CSS(tid("order-empty"))))
	one.do("void", voidIt)
	one.waitJS("void", fmt.Sprintf(`!!document.querySelector(%q)`, tid("order-status", "data-status="+wire.OrderVoid)))
	if o := mgr.order(quickID); o.Status != wire.OrderVoid || o.VoidReason != "test order" {
		t.Errorf("got quick sale %s (%q), want void (test order)", o.Status, o.VoidReason)
	}
	one.do("tablet", chromedp.EmulateViewport(1280, 800))

	// Tab 2: log out, log in as the manager, see the staff page.
	two.do("logout", click(tid("nav-logout")), chromedp.WaitVisible(chromedp.CSS(tid("page-login"))))
	two.login(base, managerName, managerPIN, true)
	two.do("staff page", click(tid("nav-staff")), chromedp.WaitVisible(chromedp.CSS(tid("staff-row", "data-staff-name="+cashierName))))
	if got := two.str("lock state", fmt.Sprintf(`document.querySelector(%q).textContent`, tid("staff-row", "data-staff-name="+cashierName)+" "+tid("staff-lock-state"))); got != "Active" {
		t.Errorf("got %s lock state %q, want Active", cashierName, got)
	}

	// The cashier gets locked out by wrong PINs; the manager unlocks them.
	lockOut(t, base, cashierName)
	cashierRow := tid("staff-row", "data-staff-name="+cashierName)
	two.do("staff page again", chromedp.Navigate(base+"/staff"), chromedp.WaitVisible(chromedp.CSS(cashierRow+" "+tid("staff-unlock"))))
	if got := two.str("locked", fmt.Sprintf(`document.querySelector(%q).textContent`, cashierRow+" "+tid("staff-lock-state"))); got != "Locked" {
		t.Errorf("got %s lock state %q, want Locked", cashierName, got)
	}
	two.screens("staff")
	two.do("unlock", click(cashierRow+" "+tid("staff-unlock")), chromedp.WaitNotPresent(chromedp.CSS(cashierRow+" "+tid("staff-unlock"))))
	two.waitJS("active again", fmt.Sprintf(`document.querySelector(%q)?.textContent === "Active"`, cashierRow+" "+tid("staff-lock-state")))
}

// lockOut types wrong PINs for name until the server locks the account.
func lockOut(t *testing.T, base, name string) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	var staff wire.LoginStaff
	resp, err := c.Get(base + "/api/login/staff")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&staff)
	resp.Body.Close()
	var id string
	for _, s := range staff.Staff {
		if s.Name == name {
			id = s.ID
		}
	}
	for i := range 10 {
		b, _ := json.Marshal(wire.LoginRequest{StoreID: staff.Store.ID, StaffID: id, PIN: "0000"})
		req, _ := http.NewRequest("POST", base+"/api/login", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(wire.HeaderCSRF, "1")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e wire.Error
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if e.Error.Code == wire.CodeLocked {
			return
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Logf("attempt %d throttled: %s", i, e.Error.Message)
		}
	}
	t.Fatalf("%s not locked after 10 wrong PINs", name)
}
