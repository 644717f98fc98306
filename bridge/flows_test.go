//go:build !windows

package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/demo"
)

// TestPairing: a code pairs one bridge once; a revoked bridge is
// disconnected and its run stops, asking to pair again.
func TestPairing(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	cashier := srv.login(t, demo.CashierID, "1357")

	if res, body := cashier.do(http.MethodPost, "/api/bridges/pairing", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("cashier asks for a pairing code: got %s %s, want 403", res.Status, body)
	}
	var code wire.PairingCode
	manager.must(http.StatusCreated, http.MethodPost, "/api/bridges/pairing", nil, &code)
	if len(code.Code) != 8 || code.ExpiresAt.Sub(time.Now()) > 10*time.Minute {
		t.Errorf("got code %+v, want 8 characters valid at most 10 minutes", code)
	}
	var out bytes.Buffer
	dir := t.TempDir()
	if err := run(t.Context(), []string{"pair", code.Code, "-server", srv.url, "-data", dir}, noenv, &out); err != nil {
		t.Fatalf("first pair: %v", err)
	}
	err := run(t.Context(), []string{"pair", "-server", srv.url, "-data", t.TempDir(), code.Code}, noenv, &out)
	if err == nil || !strings.Contains(err.Error(), "used already") {
		t.Errorf("second pair with the same code: got %v, want 'used already'", err)
	}
	err = run(t.Context(), []string{"pair", "ABCD-EFGH", "-server", srv.url, "-data", t.TempDir()}, noenv, &out)
	if err == nil || !strings.Contains(err.Error(), "not known") {
		t.Errorf("pair with an unknown code: got %v, want 'not known'", err)
	}

	cfg, err := loadConfig(filepath.Join(dir, "bridge.json"))
	if err != nil {
		t.Fatal(err)
	}
	b := &testBridge{dir: dir, id: cfg.BridgeID}
	cfg.Listen = freeAddr(t)
	cfg.Printer = PrinterConfig{Virtual: filepath.Join(dir, "virtual")}
	if err := saveConfig(filepath.Join(dir, "bridge.json"), cfg); err != nil {
		t.Fatal(err)
	}
	ev := cashier.events()
	r := b.start(t)
	// The bridge connects, then reports its devices: wait for the status.
	ev.next(func(e wire.Event) bool { return connected(b.id)(e) && e.Bridge.Status != nil })
	var list wire.BridgeList
	cashier.must(http.StatusOK, http.MethodGet, "/api/bridges", nil, &list)
	if len(list.Bridges) != 1 || !list.Bridges[0].Connected || list.Bridges[0].Status == nil {
		t.Fatalf("GET /api/bridges: got %+v, want one connected bridge with its status", list)
	}

	if res, _ := cashier.do(http.MethodDelete, "/api/bridges/"+b.id, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("cashier revokes: got %s, want 403", res.Status)
	}
	manager.must(http.StatusNoContent, http.MethodDelete, "/api/bridges/"+b.id, nil, nil)
	ev.next(func(e wire.Event) bool { return e.Type == wire.EventBridgeStatus && !e.Bridge.Connected })
	if err := r.wait(); err == nil || !strings.Contains(err.Error(), "pair it again") {
		t.Errorf("revoked bridge's run: got %v, want it to stop asking to pair again", err)
	}
	cashier.must(http.StatusOK, http.MethodGet, "/api/bridges", nil, &list)
	if len(list.Bridges) != 0 {
		t.Errorf("GET /api/bridges after revoking: got %+v, want none", list)
	}
}

// TestScanReachesItsStoreOnly: a code written into the scanner's pty
// arrives as a scan event on a staff /ws of the bridge's store and not on
// another store's.
func TestScanReachesItsStoreOnly(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	scanPath := filepath.Join(t.TempDir(), "scanner")
	sc := newScanner(t, scanPath)
	b := pairBridge(t, manager, func(c *Config) { c.Scanner = ScannerConfig{Port: scanPath, Baud: 9600} })

	cashier := srv.login(t, demo.CashierID, "1357")
	mine := cashier.events()
	other := srv.sessionFor(t, "store-2", "other-manager")
	theirs := other.events()
	b.start(t)
	mine.next(connected(b.id))
	mine.next(func(e wire.Event) bool {
		return e.Type == wire.EventBridgeStatus && e.Bridge.Status != nil && e.Bridge.Status.ScannerConnected
	})

	sc.scan(t, "134567890123456789")
	got, _ := mine.next(func(e wire.Event) bool { return e.Type == wire.EventScan })
	if got.Code != "134567890123456789" {
		t.Errorf("got scanned code %q, want 134567890123456789", got.Code)
	}
	// The other store's stream: an order event of its own comes through,
	// and nothing of ours came before it.
	other.must(http.StatusCreated, http.MethodPost, "/api/orders", wire.CreateOrderRequest{ID: "o-other"}, nil)
	_, before := theirs.next(func(e wire.Event) bool { return e.Type == wire.EventOrderUpdated })
	for _, e := range before {
		if e.Type == wire.EventScan || e.Type == wire.EventBridgeStatus {
			t.Errorf("another store received %s %+v", e.Type, e)
		}
	}
}

// TestRelayedPrint: a print job posted by a tablet reaches the printer's
// pty through the server and the bridge, byte for byte as the receipt
// golden file; a retry is a duplicate; with the bridge gone the answer
// is 503 bridge_offline.
func TestRelayedPrint(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	printerPath := filepath.Join(t.TempDir(), "printer")
	p := newPrinter(t, printerPath)
	b := pairBridge(t, manager, func(c *Config) { c.Printer = PrinterConfig{Port: printerPath, Baud: 115200, PaperMM: 80} })
	cashier := srv.login(t, demo.CashierID, "1357")
	ev := cashier.events()
	r := b.start(t)
	ev.next(connected(b.id))

	job := englishReceipt("relay-1")
	var st wire.JobStatus
	cashier.must(http.StatusOK, http.MethodPost, "/api/bridges/"+b.id+"/print", job, &st)
	if st != (wire.JobStatus{ID: job.ID, State: wire.JobQueued}) {
		t.Errorf("got %+v, want queued", st)
	}
	if got, want := p.nextJob(t), golden(t); !bytes.Equal(got, want) {
		t.Errorf("printer got % x\nwant the receipt_en_48 golden bytes % x", got, want)
	}
	done, _ := ev.next(func(e wire.Event) bool { return e.Type == wire.EventPrintStatus && e.Job.State == wire.JobPrinted })
	if done.Job.ID != job.ID {
		t.Errorf("got print.status for %s, want %s", done.Job.ID, job.ID)
	}
	cashier.must(http.StatusOK, http.MethodPost, "/api/bridges/"+b.id+"/print", job, &st)
	if st.State != wire.JobDuplicate {
		t.Errorf("retried job: got %+v, want duplicate", st)
	}

	r.stop()
	ev.next(func(e wire.Event) bool { return e.Type == wire.EventBridgeStatus && !e.Bridge.Connected })
	res, body := cashier.do(http.MethodPost, "/api/bridges/"+b.id+"/print", englishReceipt("relay-2"))
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), wire.CodeBridgeOffline) {
		t.Errorf("bridge offline: got %s %s, want 503 %s", res.Status, body, wire.CodeBridgeOffline)
	}
}

// TestQueuedJobsSurviveRestart: jobs accepted while the printer is off stay
// queued when the bridge is stopped and print after it starts again.
func TestQueuedJobsSurviveRestart(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	printerPath := filepath.Join(t.TempDir(), "printer") // nothing there yet: the printer is off
	b := pairBridge(t, manager, func(c *Config) { c.Printer = PrinterConfig{Port: printerPath, Baud: 115200, PaperMM: 80} })
	cashier := srv.login(t, demo.CashierID, "1357")
	ev := cashier.events()
	r := b.start(t)
	ev.next(connected(b.id))
	for _, id := range []string{"restart-1", "restart-2"} {
		var st wire.JobStatus
		cashier.must(http.StatusOK, http.MethodPost, "/api/bridges/"+b.id+"/print", englishReceipt(id), &st)
		if st.State != wire.JobQueued {
			t.Fatalf("job %s: got %+v, want queued", id, st)
		}
	}
	if err := r.stop(); err != nil {
		t.Fatalf("bridge run: %v", err)
	}
	ev.next(func(e wire.Event) bool { return e.Type == wire.EventBridgeStatus && !e.Bridge.Connected })

	p := newPrinter(t, printerPath) // the printer is switched on
	b.start(t)
	want := golden(t)
	for i := range 2 {
		if got := p.nextJob(t); !bytes.Equal(got, want) {
			t.Errorf("job %d after restart: got % x, want the golden bytes", i, got)
		}
	}
	select {
	case j := <-p.jobs:
		t.Errorf("got a third job % x, want each queued job printed once", j)
	default:
	}
}

// TestServerPrintsOnItsOwn: with auto-print on, sending to the kitchen
// prints a ticket with only the new lines, and cash that closes the order
// prints the receipt and opens the drawer.
func TestServerPrintsOnItsOwn(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	printerPath := filepath.Join(t.TempDir(), "printer")
	p := newPrinter(t, printerPath)
	b := pairBridge(t, manager, func(c *Config) {
		c.Printer = PrinterConfig{Port: printerPath, Baud: 115200, PaperMM: 80}
		c.AutoPrint = true
	})
	cashier := srv.login(t, demo.CashierID, "1357")
	ev := cashier.events()
	b.start(t)
	ev.next(connected(b.id))

	var menu wire.Menu
	cashier.must(http.StatusOK, http.MethodGet, "/api/menu", nil, &menu)
	var items []wire.Item
	for _, it := range menu.Items {
		if it.Available && len(it.ModifierGroups) == 0 {
			items = append(items, it)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	cashier.must(http.StatusCreated, http.MethodPost, "/api/orders", wire.CreateOrderRequest{ID: "o-auto"}, nil)
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-auto/lines", wire.AddLineRequest{LineID: "l1", ItemID: items[0].ID, Qty: 1}, nil)
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-auto/send", nil, nil)
	first := p.nextJob(t)
	if !bytes.Contains(first, []byte(firstWord(items[0].Name))) {
		t.Errorf("first kitchen ticket % q lacks %q", first, items[0].Name)
	}
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-auto/lines", wire.AddLineRequest{LineID: "l2", ItemID: items[1].ID, Qty: 2}, nil)
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-auto/send", nil, nil)
	second := p.nextJob(t)
	if !bytes.Contains(second, []byte(firstWord(items[1].Name))) || bytes.Contains(second, []byte(firstWord(items[0].Name))) {
		t.Errorf("second kitchen ticket % q: want only %q", second, items[1].Name)
	}

	var o wire.Order
	cashier.must(http.StatusOK, http.MethodGet, "/api/orders/o-auto", nil, &o)
	tendered := money.New(o.Totals.Due.Minor+1000, o.Totals.Due.Currency)
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-auto/cash", wire.CashRequest{TenderID: "t1", Tendered: tendered}, nil)
	rcpt := p.nextJob(t)
	// The receipt's QR holds the order's signed e-receipt link.
	if o.ReceiptPath == "" {
		t.Fatal("order has no receipt link")
	}
	for _, want := range [][]byte{[]byte("Lotus Garden"), []byte(o.ReceiptPath), {0x1b, 'p'}} {
		if !bytes.Contains(rcpt, want) {
			t.Errorf("cash receipt lacks % q", want)
		}
	}
}

func firstWord(s string) string { return strings.Fields(s)[0] }

// TestServerTokenOpensLocalEndpoint: a token the server issues to staff
// opens the bridge's local endpoint from the server's origin; the
// bridge's scans reach the page.
func TestServerTokenOpensLocalEndpoint(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	scanPath := filepath.Join(t.TempDir(), "scanner")
	sc := newScanner(t, scanPath)
	b := pairBridge(t, manager, func(c *Config) { c.Scanner = ScannerConfig{Port: scanPath} })
	cashier := srv.login(t, demo.CashierID, "1357")
	ev := cashier.events()
	b.start(t)
	ev.next(connected(b.id))

	var tok wire.BridgeToken
	cashier.must(http.StatusOK, http.MethodGet, "/api/bridges/"+b.id+"/token", nil, &tok)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+b.local+"/ws?token="+tok.Token,
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {srv.url}}})
	if err != nil {
		t.Fatalf("dial the local endpoint with the server's token: %v", err)
	}
	defer c.CloseNow()
	var types []string
	for !slices.Contains(types, wire.BridgeScan) {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (got %v)", err, types)
		}
		m, err := wire.DecodeBridge(data)
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, m.Type)
		if m.Type == wire.BridgeDeviceStatus && m.Device.ScannerConnected && !slices.Contains(types, "scanned") {
			types = append(types, "scanned")
			sc.scan(t, "CODE-LOCAL-1")
		}
		if m.Type == wire.BridgeScan && m.Scan.Code != "CODE-LOCAL-1" {
			t.Errorf("got scan %q, want CODE-LOCAL-1", m.Scan.Code)
		}
	}
	if types[0] != wire.BridgeHello {
		t.Errorf("got first message %s, want hello", types[0])
	}
}

// TestWalletPaymentPrintsReceipt: with auto-print on, a QR payment from
// the built-in wallet prints the receipt with the rail and the payer's
// masked reference, without opening the drawer.
func TestWalletPaymentPrintsReceipt(t *testing.T) {
	srv := startServer(t)
	manager := srv.login(t, demo.ManagerID, "2468")
	printerPath := filepath.Join(t.TempDir(), "printer")
	p := newPrinter(t, printerPath)
	b := pairBridge(t, manager, func(c *Config) {
		c.Printer = PrinterConfig{Port: printerPath, Baud: 115200, PaperMM: 58}
		c.AutoPrint = true
	})
	cashier := srv.login(t, demo.CashierID, "1357")
	ev := cashier.events()
	b.start(t)
	ev.next(connected(b.id))

	cashier.must(http.StatusCreated, http.MethodPost, "/api/orders", wire.CreateOrderRequest{ID: "o-qr", TableID: "t2"}, nil)
	cashier.must(http.StatusOK, http.MethodPost, "/api/orders/o-qr/lines", wire.AddLineRequest{LineID: "l1", ItemID: "dongpo-pork", Qty: 1}, nil)
	cashier.must(http.StatusCreated, http.MethodPost, "/api/orders/o-qr/intents", wire.CreateIntentRequest{IntentID: "pi-qr", TerminalID: "till"}, nil)
	var pt wire.PaymentToken
	cashier.must(http.StatusOK, http.MethodPost, "/api/intents/pi-qr/token", nil, &pt)
	tok := pt.URL[strings.LastIndex(pt.URL, "/p/")+3:]

	phone := &staff{tb: t, srv: srv, client: &http.Client{Timeout: 10 * time.Second}}
	phone.client.Jar, _ = newJar()
	var dev wire.WalletDevice
	phone.must(http.StatusCreated, http.MethodPost, "/api/wallet/devices", wire.NewWalletRequest{Name: "Diner"}, &dev)
	cashier.must(http.StatusOK, http.MethodPost, "/api/wallet/topup", wire.TopUpRequest{TopUpID: "tu1", MemberID: dev.MemberID, Amount: money.New(20000, "CNY")}, nil)
	phone.must(http.StatusOK, http.MethodPost, "/api/pay/"+tok+"/wallet", wire.PayWalletRequest{Tip: money.New(0, "CNY")}, nil)
	paid, _ := ev.next(func(e wire.Event) bool { return e.Type == wire.EventPaymentSucceeded })

	rcpt := p.nextJob(t)
	var qrOrder wire.Order
	cashier.must(http.StatusOK, http.MethodGet, "/api/orders/o-qr", nil, &qrOrder)
	for _, want := range []string{"wallet", qrOrder.ReceiptPath, paid.Intent.PayerRef[len(paid.Intent.PayerRef)-4:]} {
		if !bytes.Contains(rcpt, []byte(want)) {
			t.Errorf("wallet receipt lacks %q", want)
		}
	}
	if bytes.Contains(rcpt, []byte{0x1b, 'p'}) {
		t.Error("a wallet payment opened the cash drawer")
	}
}
