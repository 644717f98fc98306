package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"qrpos/internal/wire"
	"qrpos/server/daemon"
	"qrpos/server/pos"
)

// startDaemon is startServer that also returns the daemon, for checks
// through its service that no HTTP endpoint offers yet.
func startDaemon(tb testing.TB, webDir string) (string, *daemon.Daemon) {
	tb.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("QRPOS_E2E_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	d, err := daemon.New(context.Background(), daemon.Config{
		DataDir:  tb.TempDir(),
		WebDir:   webDir,
		DemoPINs: map[string]string{"manager": managerPIN, "cashier": cashierPIN},
		Logger:   logger,
	})
	if err != nil {
		tb.Fatalf("daemon.New: %v", err)
	}
	srv := httptest.NewServer(d.Handler())
	tb.Cleanup(func() {
		srv.Close()
		d.Close()
	})
	return srv.URL, d
}

// svgQRText screenshots the QR code drawn (as SVG) in the element matching
// css and decodes it from the pixels, as a phone camera would.
func (t *tab) svgQRText(css string) string {
	t.tb.Helper()
	t.do("QR drawn", chromedp.WaitVisible(chromedp.CSS(css+" svg")))
	// In the middle of the window, clear of the sticky top bar.
	t.str("scroll to the QR", fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "center"}), "")`, css))
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.ScreenshotScale(chromedp.CSS(css), 2))
	if err != nil {
		t.fatal("screenshot the QR", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.fatal("decode the screenshot", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.fatal("binarize the screenshot", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.fatal("read the QR code in the screenshot", err)
	}
	return res.GetText()
}

// TestStickers: the manager opens Tables, reads table 5's sticker QR off
// the screen, revokes and reprints it; the new QR is another link, the one
// the server now gives for table 5, and the old link no longer opens the
// table. The A4 sheet downloads as a PDF with the session cookie.
func TestStickers(t *testing.T) {
	exe := chromium(t)
	base, d := startDaemon(t, buildWasm(t))
	mgr := newAPI(t, base, managerName, managerPIN)
	svc := d.Service()

	browser := newBrowser(t, exe)
	tab := newTab(t, "manager", browser)
	tab.login(base, managerName, managerPIN, false)

	t5 := tid("table-sticker", "data-table-id=t5")
	tab.do("tables page", click(tid("nav-tables")), chromedp.WaitVisible(chromedp.CSS(tid("page-tables")+" "+t5)))
	tab.screens("tables")
	// A first visit: the service worker installs and takes the page over,
	// which is no update of the app.
	tab.waitJS("worker in control", `!!(navigator.serviceWorker && navigator.serviceWorker.controller)`)
	if n := tab.str("update banner", fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, tid("update-banner"))); n != "0" {
		t.Error("a first visit says an update of the app is available")
	}
	var before wire.TableLink
	mgr.call("GET", "/api/tables/t5/link", nil, &before)
	oldURL := tab.svgQRText(t5 + " " + tid("table-sticker-qr"))
	if oldURL != before.URL || !strings.HasPrefix(oldURL, base+wire.TableLinkPath) {
		t.Fatalf("table 5's sticker QR says %q, want its link %q", oldURL, before.URL)
	}
	if got := tab.text("name", t5+" "+tid("table-sticker-name")); got != "Table 5" {
		t.Errorf("sticker shows table %q, want Table 5", got)
	}

	// The A4 sheet is a PDF the page's session may download.
	href := tab.str("pdf link", fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, tid("tables-download-pdf")))
	ctx, cancel := context.WithTimeout(tab.ctx, stepTimeout)
	head, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`fetch(%q).then(r => r.arrayBuffer().then(b => r.status + " " + r.headers.get("content-type") + " " + new TextDecoder().decode(b.slice(0, 8))))`, href),
		chromedp.EvalAwaitPromise))
	cancel()
	if err != nil || head != "200 application/pdf %PDF-1.4" {
		t.Errorf("download %s: got %q, %v; want 200 application/pdf %%PDF-1.4", href, head, err)
	}

	// Revoke and reprint, after a confirmation that says what happens.
	tab.do("ask to revoke", click(t5+" "+tid("table-revoke")), chromedp.WaitVisible(chromedp.CSS(tid("revoke-sticker-dialog"))))
	if msg := tab.text("dialog", tid("revoke-sticker-dialog")); !strings.Contains(msg, "stops working") {
		t.Errorf("confirmation says %q, want it to say the old sticker stops working", msg)
	}
	tab.screens("tables-revoke")
	tab.do("revoke", click(tid("revoke-sticker-confirm")),
		chromedp.WaitVisible(chromedp.CSS(tid("table-sticker", "data-table-id=t5", "data-gen=2")+" "+tid("table-sticker-renewed"))))
	tab.waitJS("dialog closed", fmt.Sprintf(`!document.querySelector(%q)`, tid("revoke-sticker-dialog")))
	// No counter bridge is paired: the reprint says so and offers the PDF.
	status := t5 + " " + tid("table-print-status", "data-state=error")
	tab.do("reprint answered", chromedp.WaitVisible(chromedp.CSS(status)))
	if msg := tab.text("print status", status); !strings.Contains(msg, "download") {
		t.Errorf("print without a bridge says %q, want it to offer the A4 download", msg)
	}
	tab.screens("tables-revoked")

	newURL := tab.svgQRText(t5 + " " + tid("table-sticker-qr"))
	var after wire.TableLink
	mgr.call("GET", "/api/tables/t5/link", nil, &after)
	if newURL == oldURL || newURL != after.URL || after.Gen != 2 {
		t.Fatalf("after revoking, the QR says %q (was %q); want the server's new link %q (gen %d)", newURL, oldURL, after.URL, after.Gen)
	}
	if _, tb, err := svc.TableByLink(t.Context(), strings.TrimPrefix(newURL, base+wire.TableLinkPath)); err != nil || tb.ID != "t5" {
		t.Errorf("the new sticker opens %q, %v; want table t5", tb.ID, err)
	}
	if _, _, err := svc.TableByLink(t.Context(), strings.TrimPrefix(oldURL, base+wire.TableLinkPath)); pos.ErrorCode(err) != pos.CodeBadTableLink {
		t.Errorf("the old sticker: got %v, want %s", err, pos.CodeBadTableLink)
	}
	// Other tables keep their stickers.
	var t3 wire.TableLink
	mgr.call("GET", "/api/tables/t3/link", nil, &t3)
	if got := tab.svgQRText(tid("table-sticker", "data-table-id=t3") + " " + tid("table-sticker-qr")); got != t3.URL || t3.Gen != 1 {
		t.Errorf("table 3's sticker QR says %q (gen %d), want its unchanged link %q", got, t3.Gen, t3.URL)
	}
}
