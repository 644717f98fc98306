package e2e

import (
	"fmt"
	"testing"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// TestMenuEditReachesDiner: a diner has table 6's menu open with a jasmine
// tea in the cart; the manager raises the tea's price and marks the cucumber
// salad sold out. The phone's menu follows at once without a reload, the
// cart keeps the price the diner saw, and the tea is charged that price
// when the cart is sent; a tea added after the change costs the new price.
func TestMenuEditReachesDiner(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgr := newAPI(t, base, managerName, managerPIN)
	link := tableLink(mgr, "t6")
	var menu wire.Menu
	mgr.call("GET", "/api/menu", nil, &menu)
	var tea wire.Item
	for _, it := range menu.Items {
		if it.ID == "jasmine-tea" {
			tea = it
		}
	}
	if tea.ID == "" {
		t.Fatal("the demo menu has no jasmine-tea")
	}
	oldPrice, newPrice := tea.Price.Minor, tea.Price.Minor+500

	browser := newBrowser(t, exe)
	p := phone(t, "phone", browser)
	teaAdd := tid("diner-add", "data-item-id=jasmine-tea")
	teaPrice := tid("diner-item", "data-item-id=jasmine-tea") + " " + tid("diner-item-price")
	cucumberAdd := tid("diner-add", "data-item-id=smashed-cucumber")
	p.openTable(link)
	p.do("drinks", click(tid("diner-category", "data-category-id=drinks")), click(teaAdd))
	p.present("tea in the cart", tid("diner-cart-open"))
	if got := p.minor("menu price", teaPrice); got != oldPrice {
		t.Fatalf("phone shows tea at %d, want %d", got, oldPrice)
	}
	p.str("mark the page", `String(window.__noReload = 7)`)

	// The manager edits the menu (as the back office's editor does).
	edit := wire.ItemRequest{ID: tea.ID, CategoryID: tea.CategoryID, Name: tea.Name, Price: money.New(newPrice, tea.Price.Currency),
		TaxRateBP: tea.TaxRateBP, Available: true, Position: tea.Position, ModifierGroups: tea.ModifierGroups}
	mgr.callKey("PUT", "/api/menu/items/"+tea.ID, edit, nil)
	mgr.callKey("POST", "/api/menu/items/smashed-cucumber/sold-out", wire.SoldOutRequest{SoldOut: true}, nil)

	// The phone follows live.
	p.waitJS("new price on the menu", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, teaPrice, newPrice))
	p.do("cold dishes", click(tid("diner-category", "data-category-id=cold")))
	p.waitJS("cucumber sold out", fmt.Sprintf(`(e => !!e && e.disabled)(document.querySelector(%q))`, cucumberAdd))
	if got := p.str("no reload", `String(window.__noReload)`); got != "7" {
		t.Errorf("the diner's page reloaded (mark = %q)", got)
	}
	p.screens("diner-menu-after-edit")

	// The cart keeps the price the diner saw; a second tea, added now,
	// costs the new one. Both are charged as shown.
	p.do("add another tea", click(tid("diner-category", "data-category-id=drinks")), click(teaAdd))
	p.do("open the cart", click(tid("diner-cart-open")))
	p.waitJS("two tea lines", fmt.Sprintf(`document.querySelectorAll(%q).length === 2`, tid("diner-cart-line", "data-item-id=jasmine-tea")))
	if got := p.minor("cart total", tid("diner-cart-total")); got != oldPrice+newPrice {
		t.Errorf("cart total %d, want %d (old price + new price)", got, oldPrice+newPrice)
	}
	p.do("send", click(tid("diner-send")))
	p.present("sent", tid("diner-order-line", "data-item-id=jasmine-tea"))

	var open wire.OrderList
	mgr.call("GET", "/api/orders?status=open", nil, &open)
	var prices []int64
	for _, o := range open.Orders {
		if o.TableID == "t6" {
			for _, l := range o.Lines {
				prices = append(prices, l.UnitPrice.Minor)
			}
		}
	}
	if len(prices) != 2 || prices[0] != oldPrice || prices[1] != newPrice {
		t.Errorf("table 6's order has tea lines at %v, want [%d %d] (the prices the diner saw)", prices, oldPrice, newPrice)
	}
}
