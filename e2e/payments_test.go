package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// newPhone opens a phone-sized tab in a browser context of its own: its
// own cookies and localStorage, as a diner's phone has.
func newPhone(tb testing.TB, browser context.Context, name string) *tab {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	ph := newTab(tb, name, ctx)
	ph.do("phone viewport", chromedp.EmulateViewport(390, 844))
	return ph
}

// qrText screenshots the element matching css and decodes the QR code in
// the picture, as a phone camera would: the text comes from the pixels,
// not from the page.
func (t *tab) qrText(css string) string {
	t.tb.Helper()
	t.waitJS("QR image loaded", fmt.Sprintf(`(e => !!e && e.complete && e.naturalWidth > 0)(document.querySelector(%q))`, css))
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(css)))
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

// text returns the text content of the element matching css.
func (t *tab) text(step, css string) string {
	t.tb.Helper()
	return t.str(step, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, css))
}

// callKey is call for state-changing requests, with a fresh idempotency key.
func (a *api) callKey(method, path string, in, out any) {
	a.tb.Helper()
	var b [16]byte
	rand.Read(b[:])
	a.callHeaders(method, path, in, out, map[string]string{wire.HeaderIdempotencyKey: fmt.Sprintf("%x", b)})
}

func (a *api) callHeaders(method, path string, in, out any, hdr map[string]string) {
	a.tb.Helper()
	c := *a
	c.c = &http.Client{Jar: a.c.Jar, Timeout: a.c.Timeout, Transport: headerTransport(hdr)}
	c.call(method, path, in, out)
}

type headerTransport map[string]string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// openWallet opens a wallet on the phone's wallet page and returns its
// member number, read from the page.
func openWallet(ph *tab, base string) string {
	ph.tb.Helper()
	ph.do("wallet page", chromedp.Navigate(base+"/wallet"), click(tid("wallet-create")), chromedp.WaitVisible(chromedp.CSS(tid("wallet-member"))))
	ph.waitJS("wallet loaded", fmt.Sprintf(`!!document.querySelector(%q)`, tid("wallet-balance-box", "data-loaded=true")))
	return ph.str("member", fmt.Sprintf(`document.querySelector(%q).dataset.member`, tid("wallet-member")))
}

// ringUp opens a quick sale on the tablet with one item and goes to its
// charge screen; it returns the order id and the amount due.
func ringUp(tablet *tab, base, category, item string) (string, int64) {
	tablet.tb.Helper()
	tablet.do("board", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(tid("board-quick-sale"))))
	tablet.do("quick sale", click(tid("board-quick-sale")), chromedp.WaitVisible(chromedp.CSS(tid("page-order")+" "+tid("order-ticket"))))
	id := strings.TrimPrefix(tablet.str("order id", `location.pathname`), "/orders/")
	tablet.do("add "+item,
		click(tid("menu-category", "data-category-name="+category)),
		click(tid("menu-item", "data-item-name="+item)),
		chromedp.WaitVisible(chromedp.CSS(tid("order-line", "data-line-name="+item))),
	)
	tablet.do("charge", click(tid("order-charge")), chromedp.WaitVisible(chromedp.CSS(tid("page-charge")+" "+tid("charge-due"))))
	return id, tablet.minor("due", tid("charge-due"))
}

// TestPayments drives the QR and payment-code flows, a wallet top-up at the
// counter, a refund approved by a manager's PIN, with a tablet and phones
// in separate browser contexts, and checks the books at the end.
func TestPayments(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgr := newAPI(t, base, managerName, managerPIN)
	var menu wire.Menu
	mgr.call("GET", "/api/menu", nil, &menu)
	teaCat, teaName := categoryOf(t, menu, "Jasmine Tea")

	browser := newBrowser(t, exe)
	tablet := newTab(t, "tablet", browser)
	tablet.login(base, cashierName, cashierPIN, false)

	// A diner opens a wallet on their phone; the cashier tops it up with
	// the member number shown on the phone.
	phone := newPhone(t, browser, "phone")
	member := openWallet(phone, base)
	if len(member) != 10 {
		t.Fatalf("got member number %q, want 10 digits", member)
	}
	phone.screens("wallet-new")
	const topUp = 50000
	tablet.do("top-up page", click(tid("nav-topup")), chromedp.WaitVisible(chromedp.CSS(tid("page-topup")+" "+tid("topup-member"))))
	tablet.do("type member", chromedp.SendKeys(chromedp.CSS(tid("topup-member")), widgetGroup(member)))
	tablet.do("type amount", click(tid("topup-key-5")), click(tid("topup-key-0")), click(tid("topup-key-0")))
	tablet.waitJS("amount typed", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("topup-entry"), topUp))
	tablet.screens("topup")
	tablet.do("top up", click(tid("topup-submit")), chromedp.WaitVisible(chromedp.CSS(tid("topup-done"))))
	if got := tablet.minor("balance", tid("topup-balance")); got != topUp {
		t.Errorf("got balance %d after the top-up, want %d", got, topUp)
	}
	phone.waitJS("phone sees the top-up", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("wallet-balance"), topUp))
	balance := int64(topUp)

	// (a) QR: the tablet shows the jumping QR; the phone pays the link read
	// from the picture of it.
	qrOrder, due := ringUp(tablet, base, teaCat, teaName)
	tablet.do("QR", click(tid("charge-method-qr")), chromedp.WaitVisible(chromedp.CSS(tid("charge-qr"))))
	if got := tablet.minor("qr amount", tid("charge-qr-amount")); got != due {
		t.Errorf("QR shows amount %d, want the due %d", got, due)
	}
	if s := tablet.str("countdown", fmt.Sprintf(`document.querySelector(%q).dataset.seconds`, tid("charge-qr-countdown"))); s == "" || s == "0" {
		t.Errorf("got countdown %q, want seconds to the next code", s)
	}
	tablet.screens("charge-qr")
	link := tablet.qrText(tid("charge-qr"))
	if !strings.HasPrefix(link, base+"/p/") {
		t.Fatalf("the QR says %q, want a pay link under %s/p/", link, base)
	}
	phone.do("open the pay link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(tid("pay-wallet"))))
	if got := phone.minor("pay amount", tid("pay-amount")); got != due {
		t.Errorf("pay page amount %d, want %d", got, due)
	}
	if got := phone.text("lines", tid("pay-line")); !strings.Contains(got, teaName) {
		t.Errorf("pay page line %q, want %s", got, teaName)
	}
	phone.screens("pay")
	phone.do("pay", click(tid("pay-wallet")), chromedp.WaitVisible(chromedp.CSS(tid("pay-paid"))))
	phone.screens("pay-paid")
	tablet.do("tablet shows paid", chromedp.WaitVisible(chromedp.CSS(tid("charge-paid"))))
	tablet.waitJS("payment details", fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").includes("****")`, tid("charge-paid-payer")))
	if got, want := tablet.text("rail", tid("charge-paid-rail")), "QRPOS wallet"; got != want {
		t.Errorf("got rail %q, want %q", got, want)
	}
	if got, want := tablet.text("payer", tid("charge-paid-payer")), "wallet ****"+member[len(member)-4:]; got != want {
		t.Errorf("got payer %q, want %q", got, want)
	}
	if got := tablet.minor("paid amount", tid("charge-paid-amount")); got != due {
		t.Errorf("got paid amount %d, want %d", got, due)
	}
	tablet.screens("charge-paid")
	balance -= due
	if o := mgr.order(qrOrder); o.Status != wire.OrderClosed {
		t.Errorf("got order %s after the QR payment, want closed", o.Status)
	}

	// A second phone opening the same link sees the bill is already paid.
	phone2 := newPhone(t, browser, "phone 2")
	phone2.do("second phone opens the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(tid("pay-already-paid"))))

	// (b) Code: the wallet page's code, typed on the tablet, pays an order.
	phone.do("wallet again", chromedp.Navigate(base+"/wallet"), chromedp.WaitVisible(chromedp.CSS(tid("wallet-code-qr")+" svg")))
	phone.waitJS("balance after the QR payment", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("wallet-balance"), balance))
	phone.screens("wallet")
	codeOrder, due2 := ringUp(tablet, base, teaCat, teaName)
	tablet.do("code", click(tid("charge-method-code")), chromedp.WaitVisible(chromedp.CSS(tid("charge-code-input"))))
	tablet.do("a WeChat Pay code", chromedp.SendKeys(chromedp.CSS(tid("charge-code-input")), "134570030591530831"), click(tid("charge-code-submit")))
	tablet.waitJS("refused by name", fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").includes("not accepted")`, tid("charge-code-error")))
	t.Logf("a WeChat Pay code shows: %q", tablet.text("refusal", tid("charge-code-error")))
	tablet.do("clear the code", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, tid("charge-code-input"))))
	code := phone.text("code digits", tid("wallet-code-digits"))
	if digits := strings.ReplaceAll(code, " ", ""); len(digits) != 18 || !strings.HasPrefix(digits, "88") {
		t.Fatalf("wallet page shows code %q, want 18 digits starting 88", code)
	}
	tablet.do("type the code", chromedp.SendKeys(chromedp.CSS(tid("charge-code-input")), code), click(tid("charge-code-submit")))
	tablet.do("code paid", chromedp.WaitVisible(chromedp.CSS(tid("charge-paid"))))
	if got := tablet.minor("code paid amount", tid("charge-paid-amount")); got != due2 {
		t.Errorf("got paid amount %d, want %d", got, due2)
	}
	balance -= due2
	phone.waitJS("balance after the code payment", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("wallet-balance"), balance))
	if o := mgr.order(codeOrder); o.Status != wire.OrderClosed {
		t.Errorf("got order %s after the code payment, want closed", o.Status)
	}

	// Above the password-free limit the payer confirms on the phone. The
	// first phone's next code comes with the next step: the second phone
	// opens a wallet of its own.
	mgr.callKey("PUT", "/api/limits/wallet", map[string]money.Amount{
		"single_max": money.New(500000, "CNY"), "daily_max": money.New(500000, "CNY"), "password_free": money.New(100, "CNY"),
	}, nil)
	member2 := openWallet(phone2, base)
	mgr.callKey("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "e2e-topup-2", MemberID: member2, Amount: money.New(20000, "CNY")}, nil)
	phone2.waitJS("phone 2 topped up", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "20000"`, tid("wallet-balance")))
	// This time the counter scanner (through a paired bridge) reads the
	// code: the open charge screen charges it.
	scanner := pairScanner(t, base, mgr)
	_, due3 := ringUp(tablet, base, teaCat, teaName)
	tablet.waitJS("charge screen live", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))
	code2 := phone2.text("code digits", tid("wallet-code-digits"))
	scanner.scan(strings.ReplaceAll(code2, " ", ""))
	tablet.do("waiting for the payer", chromedp.WaitVisible(chromedp.CSS(tid("charge-pending"))))
	tablet.screens("charge-pending")
	phone2.do("phone asks", chromedp.WaitVisible(chromedp.CSS(tid("wallet-pending"))))
	if got := phone2.minor("pending amount", tid("wallet-pending-amount")); got != due3 {
		t.Errorf("phone asks to confirm %d, want %d", got, due3)
	}
	phone2.screens("wallet-confirm")
	phone2.do("approve", click(tid("wallet-approve")))
	tablet.do("paid after approval", chromedp.WaitVisible(chromedp.CSS(tid("charge-paid"))))
	phone2.waitJS("phone 2 charged", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("wallet-balance"), 20000-due3))

	// (c) A cashier refunds part of the QR payment with the manager's PIN.
	const refund = 500
	tablet.do("history", click(tid("nav-history")), chromedp.WaitVisible(chromedp.CSS(tid("history-row", "data-order-id="+qrOrder))))
	row := tid("history-row", "data-order-id="+qrOrder)
	tablet.do("payments", click(row+" "+tid("history-payments")), chromedp.WaitVisible(chromedp.CSS(tid("history-payment"))))
	if got := tablet.text("history rail", tid("history-payment-rail")); got != "QRPOS wallet" {
		t.Errorf("history shows rail %q, want QRPOS wallet", got)
	}
	tablet.do("refund dialog", click(tid("history-payment-refund")), chromedp.WaitVisible(chromedp.CSS(tid("refund-dialog"))))
	tablet.do("clear amount", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, tid("reverse-amount"))))
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(tid("reverse-amount")), "5"),
		chromedp.SendKeys(chromedp.CSS(tid("reverse-reason")), "cold tea"),
		click(tid("reverse-manager", "data-staff-name="+managerName)),
	}
	for _, d := range managerPIN {
		steps = append(steps, click(tid("approve-key-"+string(d))))
	}
	tablet.do("fill the refund", steps...)
	tablet.screens("refund")
	tablet.do("refund", click(tid("reverse-confirm")), chromedp.WaitNotPresent(chromedp.CSS(tid("refund-dialog"))))
	tablet.do("refund listed", chromedp.WaitVisible(chromedp.CSS(tid("history-refund"))))
	if got := tablet.minor("refund amount", tid("history-refund-amount")); got != refund {
		t.Errorf("history shows a refund of %d, want %d", got, refund)
	}
	tablet.screens("history-payments")
	balance += refund
	phone.waitJS("the refund is back in the wallet", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("wallet-balance"), balance))

	var check struct {
		Clean       bool     `json:"clean"`
		Differences []string `json:"differences"`
		Entries     int      `json:"entries"`
	}
	mgr.call("GET", "/api/ledger/check", nil, &check)
	if !check.Clean || check.Entries == 0 {
		t.Errorf("ledger check: clean %v with %d entries, differences %v", check.Clean, check.Entries, check.Differences)
	}
	t.Logf("ledger: %d entries, clean; wallet balance %s", check.Entries, money.New(balance, "CNY"))
}

// widgetGroup writes a member number with spaces, as people read it.
func widgetGroup(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
