//go:build !windows

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/creack/pty"

	"qrpos/internal/money"
	"qrpos/internal/paycode"
	"qrpos/internal/wire"
)

// TestBridge drives the counter: the real bridge binary, paired from the
// Devices page, with pseudo-terminals standing in for its serial scanner
// and receipt printer. The browser talks to the bridge's local endpoint
// directly, as the app on the counter PC does. A wallet code typed into the
// scanner pays the open charge screen, the receipt's ESC/POS bytes reach
// the printer, and a reprint from the history prints again.
func TestBridge(t *testing.T) {
	exe := chromium(t)
	local := freeLoopback(t) // the bridge's local endpoint
	base := startServerConnect(t, buildWasm(t), "ws://"+local)
	bridgeExe := buildBridge(t)
	mgr := newAPI(t, base, managerName, managerPIN)
	var menu wire.Menu
	mgr.call("GET", "/api/menu", nil, &menu)
	teaCat, teaName := categoryOf(t, menu, "Jasmine Tea")

	dir := t.TempDir()
	scanPath, printPath := filepath.Join(dir, "scanner"), filepath.Join(dir, "printer")
	scanner := newScannerPTY(t, scanPath)
	printer := newPrinterPTY(t, printPath)

	browser := newBrowser(t, exe)
	tab := newTab(t, "counter PC", browser)

	// The manager pairs a bridge from the Devices page: the code and the
	// command line to run on the counter PC.
	tab.login(base, managerName, managerPIN, true)
	tab.do("devices page", click(tid("nav-devices")), chromedp.WaitVisible(chromedp.CSS(tid("page-devices")+" "+tid("pair-new"))))
	tab.waitJS("no bridge yet", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bridge-badge", "data-state=none")))
	tab.do("pair", click(tid("pair-new")), chromedp.WaitVisible(chromedp.CSS(tid("pair-code"))))
	code := tab.text("code", tid("pair-code"))
	if got, want := tab.text("command", tid("pair-command")), "bridge pair "+code+" -server "+base; got != want {
		t.Errorf("got command %q, want %q", got, want)
	}
	tab.screens("devices-pairing")
	bridgeDir := filepath.Join(dir, "bridge")
	runBridgeCmd(t, bridgeExe, "pair", code, "-server", base, "-data", bridgeDir, "-name", "Counter PC",
		"-scanner-port", scanPath, "-printer-port", printPath, "-paper", "80")
	setBridgeListen(t, bridgeDir, local)
	stopBridge := startBridge(t, bridgeExe, bridgeDir)

	// The bridge shows up connected, with its scanner and printer.
	card := tid("bridge-card", "data-connected=true")
	tab.do("bridge connected", chromedp.WaitVisible(chromedp.CSS(card)))
	tab.waitJS("scanner and printer", fmt.Sprintf(`document.querySelector(%q)?.textContent === "Connected" && document.querySelector(%q)?.textContent === "Online"`,
		card+" "+tid("bridge-scanner"), card+" "+tid("bridge-printer")))
	tab.waitJS("badge ok", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bridge-badge", "data-state=ok")))

	// This PC runs the bridge: the app talks to its local endpoint.
	tab.do("use the local endpoint",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, tid("bridge-local-addr"))),
		chromedp.SendKeys(chromedp.CSS(tid("bridge-local-addr")), local),
		click(tid("bridge-local-on")),
		chromedp.WaitVisible(chromedp.CSS(tid("bridge-local-status", "data-local=on"))),
	)
	tab.screens("devices")

	// A test print goes to the printer.
	tab.do("test print", click(tid("bridge-test-print")), chromedp.WaitVisible(chromedp.CSS(tid("bridge-print-result"))))
	tab.waitJS("test print sent", fmt.Sprintf(`["queued","printed"].includes(document.querySelector(%q)?.dataset.state)`, tid("bridge-print-result")))
	if job := printer.next(t); !bytes.HasPrefix(job, []byte{0x1b, '@'}) {
		t.Errorf("test page starts % x, want ESC @", job[:min(len(job), 4)])
	}

	// A diner's wallet, topped up at the counter.
	var dev wire.WalletDevice
	mgr.call("POST", "/api/wallet/devices", wire.NewWalletRequest{Name: "Bridge diner"}, &dev)
	mgr.callKey("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "e2e-bridge-topup", MemberID: dev.MemberID, Amount: money.New(20000, "CNY")}, nil)
	secret, err := base64.StdEncoding.DecodeString(dev.Secret)
	if err != nil {
		t.Fatal(err)
	}

	// The cashier rings up an order and opens the charge screen; the code
	// scanned at the counter pays it.
	tab.do("log out", click(tid("nav-logout")), chromedp.WaitVisible(chromedp.CSS(tid("page-login"))))
	tab.login(base, cashierName, cashierPIN, true)
	orderID, due := ringUp(tab, base, teaCat, teaName)
	tab.waitJS("local bridge connected", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bridge-badge", "data-local=true")))
	payCode, err := paycode.WalletCode(dev.Device, secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	scanner.scan(t, payCode)
	tab.do("paid", chromedp.WaitVisible(chromedp.CSS(tid("charge-paid"))))
	if got := tab.text("rail", tid("charge-paid-rail")); got != "QRPOS wallet" {
		t.Errorf("got rail %q, want QRPOS wallet", got)
	}
	if got := tab.minor("paid amount", tid("charge-paid-amount")); got != due {
		t.Errorf("got paid %d, want %d", got, due)
	}
	tab.screens("bridge-charge-paid")
	o := mgr.order(orderID)
	if o.Status != wire.OrderClosed {
		t.Errorf("got order %s, want closed", o.Status)
	}
	var intents wire.IntentList
	mgr.call("GET", "/api/orders/"+orderID+"/intents", nil, &intents)
	succeeded := 0
	for _, in := range intents.Intents {
		if in.Status == wire.IntentSucceeded {
			succeeded++
		}
	}
	if succeeded != 1 {
		t.Errorf("got %d succeeded payments, want 1 (one scan, one charge): %+v", succeeded, intents.Intents)
	}

	// The server prints the receipt on the counter printer.
	total := []byte(o.Totals.Total.Decimal())
	receipt := printer.next(t)
	if !bytes.HasPrefix(receipt, []byte{0x1b, '@'}) || !bytes.Contains(receipt, total) || !bytes.Contains(receipt, []byte(fmt.Sprint(o.Number))) {
		t.Errorf("receipt: got %q, want ESC @ first, the total %s and order #%d", receipt, total, o.Number)
	}

	// A reprint from the history, through the local endpoint.
	tab.do("history", click(tid("charge-done-history")), chromedp.WaitVisible(chromedp.CSS(tid("history-row", "data-order-id="+orderID))))
	row := tid("history-row", "data-order-id="+orderID)
	tab.do("reprint", click(row+" "+tid("history-reprint")), chromedp.WaitVisible(chromedp.CSS(row+" "+tid("history-reprint-status"))))
	tab.waitJS("reprint sent", fmt.Sprintf(`["queued","printed"].includes(document.querySelector(%q)?.dataset.state)`, row+" "+tid("history-reprint-status")))
	tab.screens("history-reprint")
	again := printer.next(t)
	if !bytes.HasPrefix(again, []byte{0x1b, '@'}) || !bytes.Contains(again, total) || !bytes.Contains(again, []byte("Reprint")) {
		t.Errorf("reprint: got %q, want ESC @ first, the total %s and Reprint", again, total)
	}

	// A tablet elsewhere prints through the server's relay.
	tab.do("devices again", click(tid("nav-devices")), chromedp.WaitVisible(chromedp.CSS(tid("bridge-local-off"))))
	tab.do("not this PC", click(tid("bridge-local-off")), chromedp.WaitVisible(chromedp.CSS(tid("bridge-local-on"))))
	tab.waitJS("badge not local", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bridge-badge", "data-local=false", "data-state=ok")))
	tab.do("relayed test print", click(tid("bridge-test-print")))
	tab.waitJS("relayed test print sent", fmt.Sprintf(`["queued","printed"].includes(document.querySelector(%q)?.dataset.state)`, tid("bridge-print-result")))
	if job := printer.next(t); !bytes.HasPrefix(job, []byte{0x1b, '@'}) {
		t.Errorf("relayed test page starts % x, want ESC @", job[:min(len(job), 4)])
	}

	// The bridge stops: the badge says so, and a print says why it failed.
	stopBridge()
	tab.waitJS("badge offline", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bridge-badge", "data-state=offline")))
	tab.do("bridge offline", chromedp.WaitVisible(chromedp.CSS(tid("bridge-card", "data-connected=false"))))
	tab.do("test print offline", click(tid("bridge-test-print")))
	tab.waitJS("offline shown", fmt.Sprintf(`document.querySelector(%q)?.dataset.state === "error"`, tid("bridge-print-result")))
	if got := tab.text("offline message", tid("bridge-print-result")); !strings.Contains(got, "offline") {
		t.Errorf("got %q after printing to a stopped bridge, want it to say the bridge is offline", got)
	}
	if got := tab.text("retry label", tid("bridge-test-print")); got != "Retry test print" {
		t.Errorf("got button %q after a failed print, want Retry test print", got)
	}
	tab.screens("devices-offline")
}

// buildBridge compiles the bridge command into a temporary directory.
func buildBridge(tb testing.TB) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "bridge")
	cmd := exec.Command(goTool(), "build", "-o", out, "./bridge")
	cmd.Dir = moduleRoot(tb)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build bridge: %v\n%s", err, b)
	}
	return out
}

// runBridgeCmd runs a bridge command to its end.
func runBridgeCmd(tb testing.TB, exe string, args ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if b, err := exec.CommandContext(ctx, exe, args...).CombinedOutput(); err != nil {
		tb.Fatalf("bridge %s: %v\n%s", args[0], err, b)
	}
}

// freeLoopback returns a free loopback address for the bridge's local
// endpoint (9180 may be taken on this machine).
func freeLoopback(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// setBridgeListen points the paired bridge's local endpoint at addr.
func setBridgeListen(tb testing.TB, dir, addr string) {
	tb.Helper()
	path := filepath.Join(dir, "bridge.json")
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		tb.Fatal(err)
	}
	cfg["listen"] = addr
	if b, err = json.MarshalIndent(cfg, "", "  "); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// startServerConnect is startServer with the test bridge's local endpoint
// (on a random port) allowed in the pages' Content-Security-Policy, as
// the daemon's BridgeLocal setting does for a real counter PC.
func startServerConnect(tb testing.TB, webDir, connect string) string {
	tb.Helper()
	return startServerBridges(tb, webDir, strings.Fields(connect))
}

// startBridge runs `bridge run` until stop is called or the test ends;
// its log goes to the test's log when the test fails.
func startBridge(tb testing.TB, exe, dir string) (stop func()) {
	tb.Helper()
	var log syncBuffer
	cmd := exec.Command(exe, "run", "-data", dir, "-log-level", "info")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		tb.Fatalf("bridge run: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
	}
	tb.Cleanup(func() {
		stop()
		if tb.Failed() {
			tb.Logf("bridge log:\n%s", log.String())
		}
	})
	return stop
}

// syncBuffer is a bytes.Buffer for a process's output, read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openPTY opens a pseudo-terminal and links its device at path, where the
// bridge's config points. The test keeps the device side open too, so the
// terminal does not hang up between the bridge's opens.
func openPTY(tb testing.TB, path string) *os.File {
	tb.Helper()
	m, s, err := pty.Open()
	if err != nil {
		tb.Skipf("no pseudo-terminals here: %v", err)
	}
	tb.Cleanup(func() { m.Close(); s.Close() })
	if err := os.Symlink(s.Name(), path); err != nil {
		tb.Fatal(err)
	}
	return m
}

// scannerPTY is the scanner: what the test writes comes out of the serial
// port the bridge reads.
type scannerPTY struct{ master *os.File }

func newScannerPTY(tb testing.TB, path string) *scannerPTY {
	return &scannerPTY{master: openPTY(tb, path)}
}

// scan types code and the CR a scanner ends it with.
func (s *scannerPTY) scan(tb testing.TB, code string) {
	tb.Helper()
	if _, err := s.master.Write([]byte(code + "\r")); err != nil {
		tb.Fatal(err)
	}
}

// printerPTY plays an ESC/POS printer: it answers DLE EOT n (status) with
// "ready" and GS r 1 (sent after the cut) with "done", and hands over each
// job's bytes without those requests.
type printerPTY struct {
	rw   *os.File
	jobs chan []byte
	done chan struct{}
}

func newPrinterPTY(tb testing.TB, path string) *printerPTY {
	tb.Helper()
	m := openPTY(tb, path)
	// Non-blocking, so that Close interrupts a read in progress.
	fd, err := syscall.Dup(int(m.Fd()))
	if err != nil {
		tb.Fatal(err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		tb.Fatal(err)
	}
	p := &printerPTY{rw: os.NewFile(uintptr(fd), "ptmx"), jobs: make(chan []byte, 16), done: make(chan struct{})}
	go p.run()
	tb.Cleanup(func() {
		p.rw.Close()
		<-p.done
	})
	return p
}

func (p *printerPTY) run() {
	defer close(p.done)
	var job, pend []byte
	buf := make([]byte, 4096)
	for {
		n, err := p.rw.Read(buf)
		pend = append(pend, buf[:n]...)
		for len(pend) > 0 {
			if pend[0] == 0x10 || pend[0] == 0x1d {
				if len(pend) < 3 {
					break
				}
				if pend[0] == 0x10 && pend[1] == 0x04 {
					p.rw.Write([]byte{0x12})
					pend = pend[3:]
					continue
				}
				if pend[0] == 0x1d && pend[1] == 'r' && pend[2] == '1' {
					select {
					case p.jobs <- bytes.Clone(job):
					default:
					}
					job = job[:0]
					p.rw.Write([]byte{0x00})
					pend = pend[3:]
					continue
				}
			}
			job = append(job, pend[0])
			pend = pend[1:]
		}
		if err != nil {
			return
		}
	}
}

// next returns the next job printed, waiting at most 20 s.
func (p *printerPTY) next(tb testing.TB) []byte {
	tb.Helper()
	select {
	case j := <-p.jobs:
		return j
	case <-time.After(20 * time.Second):
		tb.Fatal("got no job on the printer, want one")
		return nil
	}
}
