package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// menuPrice returns the price of the menu item id.
func menuPrice(tb testing.TB, m wire.Menu, id string) int64 {
	tb.Helper()
	for _, it := range m.Items {
		if it.ID == id {
			return it.Price.Minor
		}
	}
	tb.Fatalf("no item %q on the menu", id)
	return 0
}

// itemID returns the id of the menu item whose name starts with prefix.
func itemID(tb testing.TB, m wire.Menu, prefix string) string {
	tb.Helper()
	for _, it := range m.Items {
		if strings.HasPrefix(it.Name, prefix) {
			return it.ID
		}
	}
	tb.Fatalf("no item %q on the menu", prefix)
	return ""
}

// toBill opens the table's page of a sticker link on the phone (which
// joins the table) and goes from the table's order to its bill page.
func toBill(ph *tab, base, link string) {
	ph.tb.Helper()
	ph.do("scan the table's sticker", chromedp.Navigate(base+"/t/"+link), chromedp.WaitVisible(chromedp.CSS(tid("diner-tab-status"))))
	ph.do("the table's order", click(tid("diner-tab-status")), chromedp.WaitVisible(chromedp.CSS(tid("diner-pay-bill"))))
	ph.do("pay from the phone", click(tid("diner-pay-bill")), chromedp.WaitVisible(chromedp.CSS(tid("page-bill")+" "+tid("bill-lines"))))
}

// TestTablePay drives a table from two phones: both order at table 5 and
// see each other's dishes live, the tablet accepts them; then phone A pays
// half (an equal split in two) from its wallet, phone B pays the rest with
// a 10 % tip, the tablet's board shows the table settled, the books
// balance, and a phone trying a paid share again is told so.
func TestTablePay(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgr := newAPI(t, base, managerName, managerPIN)
	var menu wire.Menu
	mgr.call("GET", "/api/menu", nil, &menu)

	var link wire.TableLink
	mgr.call("GET", "/api/tables/t5/link", nil, &link)

	browser := newBrowser(t, exe)
	tablet := newTab(t, "tablet", browser)
	tablet.login(base, cashierName, cashierPIN, false)
	table5 := tid("board-table", "data-table-id=t5")
	tablet.waitJS("board live", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))

	// Two phones at table 5, each with a wallet topped up at the counter.
	a, b := newPhone(t, browser, "phone A"), newPhone(t, browser, "phone B")
	for i, ph := range []*tab{a, b} {
		member := openWallet(ph, base)
		mgr.callKey("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: fmt.Sprint("e2e-tablepay-", i), MemberID: member, Amount: money.New(50000, "CNY")}, nil)
	}

	// Both phones scan table 5's sticker and order a dish each; each sees
	// the other's dish appear, the tablet sees both live and accepts them.
	cucumber, tea := itemID(t, menu, "Smashed Cucumber"), itemID(t, menu, "Jasmine Tea")
	for _, ph := range []*tab{a, b} {
		ph.openTable(link.URL)
	}
	a.do("A orders a cucumber salad", click(tid("diner-add", "data-item-id="+cucumber)), click(tid("diner-cart-open")),
		chromedp.WaitVisible(chromedp.CSS(tid("diner-cart-line", "data-item-id="+cucumber))), click(tid("diner-send")),
		chromedp.WaitVisible(chromedp.CSS(tid("diner-order-line", "data-item-id="+cucumber))))
	b.do("B orders a jasmine tea", click(tid("diner-category", "data-category-id=drinks")), click(tid("diner-add", "data-item-id="+tea)),
		click(tid("diner-cart-open")), chromedp.WaitVisible(chromedp.CSS(tid("diner-cart-line", "data-item-id="+tea))), click(tid("diner-send")),
		chromedp.WaitVisible(chromedp.CSS(tid("diner-order-line", "data-item-id="+tea))))
	a.present("A sees B's tea live", tid("diner-order-line", "data-item-id="+tea))
	b.present("B sees A's salad live", tid("diner-order-line", "data-item-id="+cucumber))
	pending := tid("board-submission", "data-table-id=t5", "data-state=pending")
	tablet.waitJS("two submissions live", fmt.Sprintf(`document.querySelectorAll(%q).length === 2`, pending))
	for left := 1; left >= 0; left-- {
		tablet.do("accept", click(pending+" "+tid("board-submission-accept")))
		tablet.waitJS("accepted", fmt.Sprintf(`document.querySelectorAll(%q).length === %d`, pending, left))
	}
	tablet.do("table 5 busy", chromedp.WaitVisible(chromedp.CSS(table5+`[data-state="busy"]`)))
	var open wire.OrderList
	mgr.call("GET", "/api/orders?status=open", nil, &open)
	orderID := ""
	for _, o := range open.Orders {
		if o.TableID == "t5" {
			orderID = o.ID
		}
	}
	if orderID == "" {
		t.Fatal("table 5 has no open order after the phones ordered")
	}
	total := mgr.order(orderID).Totals.Total.Minor
	if want := menuPrice(t, menu, cucumber) + menuPrice(t, menu, tea); total != want {
		t.Fatalf("table 5's order totals %d, want %d (the two accepted dishes)", total, want)
	}

	// Phone A scans the table's sticker and splits the bill in two.
	toBill(a, base, link.Link)
	a.waitJS("two lines", fmt.Sprintf(`document.querySelectorAll(%q).length === 2`, tid("bill-line")))
	if got := a.minor("due", tid("bill-due")); got != total {
		t.Fatalf("bill shows due %d, want the total %d", got, total)
	}
	a.do("equal split", click(tid("bill-mode", "data-mode=equal")))
	a.waitJS("2 people", fmt.Sprintf(`document.querySelector(%q)?.dataset.parts === "2"`, tid("bill-parts")))
	a.screens("bill")
	a.do("split", click(tid("bill-split")))
	a.waitJS("two shares", fmt.Sprintf(`document.querySelectorAll(%q).length === 2`, tid("bill-share")))
	half := total - total/2 // the first share takes the odd fen
	first := tid("bill-share") + `[data-share-id$="-1"]`
	second := tid("bill-share") + `[data-share-id$="-2"]`
	if got := a.minor("share 1", first+" "+tid("bill-share-amount")); got != half {
		t.Errorf("share 1 is %d, want %d", got, half)
	}
	a.screens("bill-split")
	a.do("pay share 1", click(first+" "+tid("bill-share-pay")), chromedp.WaitVisible(chromedp.CSS(tid("page-pay")+" "+tid("pay-share"))))
	if !strings.HasPrefix(a.str("pay url", `location.pathname`), "/p/") {
		t.Fatalf("phone A is at %s, want the pay page /p/<token>", a.str("pay url", `location.href`))
	}
	if got := a.minor("pay share", tid("pay-share-amount")); got != half {
		t.Errorf("pay page share %d, want %d", got, half)
	}
	if got := a.minor("pay tip", tid("pay-share-tip")); got != 0 {
		t.Errorf("pay page tip %d, want 0", got)
	}
	a.screens("pay-share")
	// Meanwhile the cashier has the order's charge screen open.
	tablet.do("charge screen", chromedp.Navigate(base+"/orders/"+orderID+"/charge"), chromedp.WaitVisible(chromedp.CSS(tid("page-charge")+" "+tid("charge-due"))))
	tablet.waitJS("charge screen live", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))
	a.do("A pays", click(tid("pay-wallet")), chromedp.WaitVisible(chromedp.CSS(tid("pay-paid"))))
	if got := a.minor("paid", tid("pay-paid-amount")); got != half {
		t.Errorf("A paid %d, want %d", got, half)
	}

	// The charge screen now charges what is left, and does not call the
	// order paid.
	rest := total - half
	tablet.waitJS("charge screen shows the rest", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, tid("charge-due"), rest))
	if n := tablet.str("paid panel", fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, tid("charge-paid"))); n != "0" {
		t.Errorf("the charge screen shows the order paid after half of it was")
	}
	tablet.screens("charge-after-share")
	tablet.do("back to the board", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(table5+`[data-state="busy"]`)))
	tablet.waitJS("board live", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))

	// Phone B: sees share 1 paid, pays share 2 with 10 %.
	tip := (rest*1000 + 5000) / 10000
	toBill(b, base, link.Link)
	b.do("shares", chromedp.WaitVisible(chromedp.CSS(tid("bill-shares"))))
	b.waitJS("share 1 paid", fmt.Sprintf(`!!document.querySelector(%q)`, first+`[data-status="paid"]`))
	if got := b.minor("paid", tid("bill-paid")); got != half {
		t.Errorf("B's bill shows paid %d, want %d", got, half)
	}
	// Phone B reads Chinese.
	b.do("中文", click(tid("bill-lang", "data-lang=zh")))
	b.waitJS("bill in Chinese", fmt.Sprintf(`document.querySelector(%q)?.textContent === "第 2 份，共 2 份"`, second+" "+tid("bill-share-label")))
	b.do("tip 10%", click(tid("bill-tip", "data-tip=1000")))
	b.waitJS("pay button with tip", fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").includes(%q)`,
		second+" "+tid("bill-share-pay"), money.New(rest+tip, "CNY").String()))
	b.screens("bill-tip")
	b.do("pay share 2", click(second+" "+tid("bill-share-pay")), chromedp.WaitVisible(chromedp.CSS(tid("pay-share"))))
	if got := b.text("share label", tid("pay-share-label")); got != "第 2 份，共 2 份" {
		t.Errorf("pay page names the share %q, want 第 2 份，共 2 份", got)
	}
	if got := b.minor("pay tip", tid("pay-share-tip")); got != tip {
		t.Errorf("pay page tip %d, want %d", got, tip)
	}
	if got := b.minor("pay total", tid("pay-grand-total")); got != rest+tip {
		t.Errorf("pay page total %d, want %d", got, rest+tip)
	}
	payLinkB := b.str("B's pay link", `location.href`)
	b.do("B pays", click(tid("pay-wallet")), chromedp.WaitVisible(chromedp.CSS(tid("pay-paid"))))
	if got := b.minor("tip paid", tid("pay-paid-tip")); got != tip {
		t.Errorf("B paid a tip of %d, want %d", got, tip)
	}

	// The tablet shows table 5 settled; the phones see the bill paid.
	tablet.do("table 5 settled", chromedp.WaitVisible(chromedp.CSS(table5+`[data-state="settled"]`)))
	tablet.screens("board-settled")
	a.do("bill settled", chromedp.Navigate(base+"/bill"), chromedp.WaitVisible(chromedp.CSS(tid("bill-settled"))))
	if got := a.minor("tips", tid("bill-tips")); got != tip {
		t.Errorf("bill shows tips %d, want %d", got, tip)
	}
	a.screens("bill-settled")
	o := mgr.order(orderID)
	if o.Status != wire.OrderClosed || o.Totals.Paid.Minor != total || o.Totals.Tips.Minor != tip {
		t.Errorf("order after both shares: %s, paid %d, tips %d; want closed, %d, %d", o.Status, o.Totals.Paid.Minor, o.Totals.Tips.Minor, total, tip)
	}

	// Phone A tries the paid share 2 again: its pay link, and the bill's
	// endpoint. Both refuse in words.
	a.do("A opens B's pay link", chromedp.Navigate(payLinkB), chromedp.WaitVisible(chromedp.CSS(tid("pay-already-paid"))))
	if got := a.text("refusal", tid("pay-already-paid")); !strings.Contains(got, "share is already paid") {
		t.Errorf("A sees %q, want that the share is already paid", got)
	}
	a.screens("pay-share-already-paid")
	a.do("bill again", chromedp.Navigate(base+"/bill"), chromedp.WaitVisible(chromedp.CSS(second)))
	id2 := a.str("share 2 id", fmt.Sprintf(`document.querySelector(%q).dataset.shareId`, second))
	a.str("pay share 2 again", fmt.Sprintf(`(() => {
		window.__again = null;
		fetch(%q, {method: "POST", headers: {%q: "1", %q: "e2e-again", "Content-Type": "application/json"}, body: JSON.stringify({intent_id: "e2e-again"})})
			.then(r => r.json().then(j => { window.__again = r.status + " " + j.error.code + " " + j.error.message; }));
		return "";
	})()`, "/api/diner/shares/"+id2+"/pay", wire.HeaderCSRF, wire.HeaderIdempotencyKey))
	a.waitJS("refused", `window.__again !== null`)
	if got := a.str("refusal", `window.__again`); !strings.HasPrefix(got, "409 already_paid") {
		t.Errorf("paying share 2 again: %q, want 409 already_paid", got)
	} else {
		t.Logf("paying a paid share again: %s", got)
	}

	// The board says settled after a reload too, until the table is cleared.
	tablet.do("reload board", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(table5+`[data-state="settled"]`)))
	tablet.waitJS("board live again", fmt.Sprintf(`!!document.querySelector(%q)`, tid("live-status", "data-live=on")))
	mgr.callKey("POST", "/api/tables/t5/clear", nil, nil)
	tablet.do("table 5 free", chromedp.WaitVisible(chromedp.CSS(table5+`[data-state="free"]`)))

	var check struct {
		Clean       bool     `json:"clean"`
		Differences []string `json:"differences"`
		Entries     int      `json:"entries"`
	}
	mgr.call("GET", "/api/ledger/check", nil, &check)
	if !check.Clean || check.Entries == 0 {
		t.Errorf("ledger check: clean %v with %d entries, differences %v", check.Clean, check.Entries, check.Differences)
	}
}
