package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// BenchmarkConfirmToPaid measures, in the browsers, the time from the
// diner's Pay click on the phone to "Paid" on the tablet's charge screen:
// the phone stamps the click (capture listener), the tablet stamps the
// Paid panel's appearance (MutationObserver), both on the machine's clock
// (performance.timeOrigin + now). Each run rings up a new order through
// the API, opens its QR on the tablet, reads the link from the picture and
// opens it on the phone; only the click-to-Paid interval is measured.
// Reports p50 and p99 over the runs (-benchtime 20x for 20).
func BenchmarkConfirmToPaid(b *testing.B) {
	exe := chromium(b)
	base := startServer(b, buildWasm(b))
	till := newAPI(b, base, cashierName, cashierPIN)
	browser := newBrowser(b, exe)
	tablet := newTab(b, "tablet", browser)
	tablet.login(base, cashierName, cashierPIN, false)
	phone := newPhone(b, browser, "phone")
	member := openWallet(phone, base)
	till.callKey("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "bench-topup", MemberID: member, Amount: money.New(400000, "CNY")}, nil)

	const stamps = `window.__paidAt = 0; (() => {
		const check = () => { if (!window.__paidAt && document.querySelector('[data-testid="charge-paid"]')) window.__paidAt = performance.timeOrigin + performance.now(); };
		new MutationObserver(check).observe(document.body, {childList: true, subtree: true, attributes: true}); check();
	})(); "ok"`
	clickStamp := fmt.Sprintf(`window.__clickAt = 0; document.querySelector(%q).addEventListener("click", () => { window.__clickAt = performance.timeOrigin + performance.now(); }, {capture: true, once: true}); "ok"`, tid("pay-wallet"))

	var took []time.Duration
	for b.Loop() {
		b.StopTimer()
		id := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), len(took))
		till.callKey("POST", "/api/orders", wire.CreateOrderRequest{ID: id}, nil)
		till.callKey("POST", "/api/orders/"+id+"/lines", wire.AddLineRequest{LineID: id + "-l", ItemID: "jasmine-tea", Qty: 1}, nil)
		tablet.do("charge screen", chromedp.Navigate(base+"/orders/"+id+"/charge"), click(tid("charge-method-qr")), chromedp.WaitVisible(chromedp.CSS(tid("charge-qr"))))
		link := tablet.qrText(tid("charge-qr"))
		if !strings.Contains(link, "/p/") {
			b.Fatalf("QR says %q, want a pay link", link)
		}
		phone.do("pay page", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(tid("pay-wallet"))))
		tablet.str("paid stamp", stamps)
		phone.str("click stamp", clickStamp)
		b.StartTimer()
		phone.do("pay", click(tid("pay-wallet")))
		tablet.waitJS("tablet shows paid", `window.__paidAt > 0`)
		b.StopTimer()
		clicked := phone.str("click time", `String(window.__clickAt)`)
		paid := tablet.str("paid time", `String(window.__paidAt)`)
		var c, p float64
		fmt.Sscan(clicked, &c)
		fmt.Sscan(paid, &p)
		if c <= 0 || p < c {
			b.Fatalf("got click at %s and paid at %s, want a click before Paid", clicked, paid)
		}
		took = append(took, time.Duration((p-c)*float64(time.Millisecond)))
		b.StartTimer()
	}
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	q := func(f float64) time.Duration { return took[min(len(took)-1, int(f*float64(len(took))))] }
	b.ReportMetric(float64(q(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(q(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
	b.Logf("confirm to Paid over %d runs: p50 %v, p99 %v, min %v, max %v", len(took), q(0.5), q(0.99), took[0], took[len(took)-1])
}
