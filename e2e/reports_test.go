package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// cashSale rings up two Mapo Tofu (64.00) as who and pays 100.00 in cash.
func cashSale(a *api, id string) {
	a.callKey("POST", "/api/orders", wire.CreateOrderRequest{ID: id}, nil)
	a.callKey("POST", "/api/orders/"+id+"/lines", wire.AddLineRequest{LineID: id + "-l", ItemID: "mapo-tofu", Qty: 2, ModifierIDs: []string{"spice-mild"}}, nil)
	a.callKey("POST", "/api/orders/"+id+"/cash", wire.CashRequest{TenderID: id + "-cash", Tendered: money.New(10000, "CNY")}, nil)
}

// TestBackOffice drives the money side of the back office in Chromium: a
// cashier's shift from float to a short cash count, then the manager's X
// report checked figure by figure against the API, reconciliation and the
// close of the day.
func TestBackOffice(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	cashier := newAPI(t, base, cashierName, cashierPIN)
	mgr := newAPI(t, base, managerName, managerPIN)
	browser := newBrowser(t, exe)
	tb := newTab(t, "back office", browser)

	t.Run("shift", func(t *testing.T) {
		tb.tb, cashier.tb, mgr.tb = t, t, t
		tb.login(base, cashierName, cashierPIN, true)
		if n := tb.str("nav", fmt.Sprintf(`String(!!document.querySelector(%q)) + String(!!document.querySelector(%q))`, tid("nav-shift"), tid("nav-reports"))); n != "truefalse" {
			t.Errorf("cashier's navigation: got shift,reports present = %s, want the shift only", n)
		}
		tb.do("open shift page", click(tid("nav-shift")), chromedp.WaitVisible(chromedp.CSS(tid("shift-none"))))
		tb.do("open with a float of 200", chromedp.SendKeys(chromedp.CSS(tid("shift-float")), "200"), click(tid("shift-open-submit")),
			chromedp.WaitVisible(chromedp.CSS(tid("shift-open"))))
		if got := tb.minor("expected at open", tid("shift-expected")); got != 20000 {
			t.Errorf("expected at open: got %d, want 20000", got)
		}
		tb.screens("shift-open")

		cashSale(cashier, "e2e-shift-1") // 64.00 applied, 36.00 change
		// A diner's wallet topped up with 50.00 in cash: in the drawer too.
		var dev wire.WalletDevice
		cashier.call("POST", "/api/wallet/devices", wire.NewWalletRequest{Name: "Shift diner"}, &dev)
		cashier.callKey("POST", "/api/wallet/topup", wire.TopUpRequest{TopUpID: "e2e-shift-topup", MemberID: dev.MemberID, Amount: money.New(5000, "CNY")}, nil)
		// 4.00 of the cash sale given back from the history, with the
		// manager's PIN: out of this drawer.
		tb.do("history", click(tid("nav-history")), chromedp.WaitVisible(chromedp.CSS(tid("history-row", "data-order-id=e2e-shift-1"))))
		tb.do("payments", click(tid("history-row", "data-order-id=e2e-shift-1")+" "+tid("history-payments")),
			chromedp.WaitVisible(chromedp.CSS(tid("history-cash", "data-status=succeeded"))))
		if got := tb.minor("cash paid", tid("history-cash-amount")); got != 6400 {
			t.Errorf("history shows cash of %d, want 6400", got)
		}
		tb.do("refund dialog", click(tid("history-cash-refund")), chromedp.WaitVisible(chromedp.CSS(tid("refund-dialog"))))
		tb.do("clear amount", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, tid("reverse-amount"))))
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(tid("reverse-amount")), "4"),
			chromedp.SendKeys(chromedp.CSS(tid("reverse-reason")), "one dish cold"),
			click(tid("reverse-manager", "data-staff-name="+managerName)),
		}
		for _, d := range managerPIN {
			steps = append(steps, click(tid("approve-key-"+string(d))))
		}
		tb.do("fill the cash refund", steps...)
		tb.screens("cash-refund")
		tb.do("refund", click(tid("reverse-confirm")), chromedp.WaitNotPresent(chromedp.CSS(tid("refund-dialog"))))
		tb.do("refund shown", chromedp.WaitVisible(chromedp.CSS(tid("history-cash", "data-status=partially_refunded"))))
		if got := tb.minor("refunded", tid("history-cash-refunded")); got != 400 {
			t.Errorf("history shows %d given back, want 400", got)
		}
		var cur wire.Shift
		cashier.call("GET", "/api/shifts/current", nil, &cur)
		tb.do("reload shift", chromedp.Navigate(base+"/shift"), chromedp.WaitVisible(chromedp.CSS(tid("shift-open"))))
		tb.waitJS("cash sale shows", fmt.Sprintf(`document.querySelector(%q).dataset.minor === "6400"`, tid("shift-cash-sales")))
		if got := tb.minor("top-ups", tid("shift-cash-topups")); got != 5000 {
			t.Errorf("wallet top-ups in cash: page %d, want 5000", got)
		}
		if got := tb.minor("cash refunds", tid("shift-cash-refunds")); got != 400 {
			t.Errorf("cash refunds: page %d, want 400", got)
		}
		if got := tb.minor("expected", tid("shift-expected")); got != cur.Expected.Minor || got != 31000 {
			t.Errorf("expected in the drawer: page %d, API %d, want 31000 (float, cash sale and top-up, less the refund)", got, cur.Expected.Minor)
		}

		tb.do("count 306 and close", chromedp.SendKeys(chromedp.CSS(tid("shift-counted")), "306"), click(tid("shift-close")),
			chromedp.WaitVisible(chromedp.CSS(tid("shift-closed"))))
		tb.screens("shift-closed")
		if got := tb.minor("difference", tid("shift-difference")); got != -400 {
			t.Errorf("difference: got %d, want -400", got)
		}
		if got := tb.str("result", fmt.Sprintf(`document.querySelector(%q).dataset.state`, tid("shift-result"))); got != "short" {
			t.Errorf("result: got %q, want short", got)
		}
		var closed wire.Shift
		mgr.call("GET", "/api/shifts/"+cur.ID, nil, &closed)
		if closed.Open || closed.Difference.Minor != -400 || closed.Counted.Minor != 30600 || closed.CashTopUps.Minor != 5000 || closed.CashRefunds.Minor != 400 {
			t.Errorf("the server's shift: got %+v, want closed with top-ups 50.00, refunds 4.00, counted 306.00 and difference -4.00", closed)
		}
		tb.do("cashier opens the reports", chromedp.Navigate(base+"/reports"), chromedp.WaitVisible(chromedp.CSS(tid("reports-forbidden"))))
	})

	t.Run("x report", func(t *testing.T) {
		tb.tb, cashier.tb, mgr.tb = t, t, t
		cashSale(mgr, "e2e-x-1")
		mgr.callKey("POST", "/api/orders", wire.CreateOrderRequest{ID: "e2e-x-void"}, nil)
		mgr.callKey("POST", "/api/orders/e2e-x-void/void", wire.VoidRequest{Reason: "guest left"}, nil)

		tb.do("log out", click(tid("nav-logout")), chromedp.WaitVisible(chromedp.CSS(tid("page-login"))))
		tb.login(base, managerName, managerPIN, true)
		tb.do("open reports", click(tid("nav-reports")), chromedp.WaitVisible(chromedp.CSS(tid("report-net"))))
		tb.screens("reports")
		var x wire.DayReport
		mgr.call("GET", "/api/reports/day", nil, &x)
		for _, f := range []struct {
			id   string
			want money.Amount
		}{
			{"report-gross", x.GrossSales}, {"report-voids", x.Voids}, {"report-refunds", x.Refunds}, {"report-discounts", x.Discounts},
			{"report-net", x.NetSales}, {"report-tips", x.Tips}, {"report-tax", x.Tax}, {"report-average", x.AverageTicket},
		} {
			if got := tb.minor(f.id, tid(f.id)); got != f.want.Minor {
				t.Errorf("%s: page %d, API %d", f.id, got, f.want.Minor)
			}
		}
		if x.GrossSales.Minor != 12800 || x.Orders != 2 || x.VoidedOrders != 1 {
			t.Errorf("API X: gross %d orders %d voided %d, want 12800, 2, 1", x.GrossSales.Minor, x.Orders, x.VoidedOrders)
		}
		for id, want := range map[string]int{"report-orders": x.Orders, "report-voided-orders": x.VoidedOrders} {
			if got := tb.str(id, fmt.Sprintf(`document.querySelector(%q).dataset.count`, tid(id))); got != fmt.Sprint(want) {
				t.Errorf("%s: page %s, API %d", id, got, want)
			}
		}
		if got := tb.minor("cash net", tid("report-rail", "data-rail=cash")+" "+tid("report-rail-net")); got != x.Rails[0].Net.Minor || x.Rails[0].Rail != "cash" {
			t.Errorf("cash row: page %d, API %+v", got, x.Rails)
		}
		// The chart: one bar per hour, summing to the gross sales.
		got := tb.str("chart", fmt.Sprintf(`(() => { const r = [...document.querySelectorAll(%q)]; return r.length + "/" + r.reduce((s, e) => s + Number(e.dataset.value), 0); })()`,
			tid("report-chart")+" rect"))
		if want := fmt.Sprintf("%d/%d", len(x.Hours), x.GrossSales.Minor); got != want {
			t.Errorf("chart bars/sum: page %s, API %s", got, want)
		}
		if n := tb.str("item", fmt.Sprintf(`document.querySelector(%q).dataset.minor`, tid("report-item", "data-item-id=mapo-tofu")+" "+tid("report-item-sales"))); n != "12800" {
			t.Errorf("mapo tofu sales: got %s, want 12800", n)
		}

		tb.do("reconcile", click(tid("nav-reconcile")), chromedp.WaitVisible(chromedp.CSS(tid("reconcile-clean"))))
		tb.do("back to reports", click(tid("nav-reports")), chromedp.WaitVisible(chromedp.CSS(tid("report-close-day"))))
		tb.do("close the day", click(tid("report-close-day")), click(tid("report-close-confirm")),
			chromedp.WaitVisible(chromedp.CSS(tid("report-title", "data-final=true"))))
		var z wire.DayReport
		mgr.call("GET", "/api/reports/z/"+x.Day, nil, &z)
		if !z.Final || z.NetSales != x.NetSales {
			t.Errorf("stored Z: got %+v, want final with net %v", z, x.NetSales)
		}
	})
}
