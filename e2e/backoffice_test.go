package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"qrpos/internal/wire"
)

// TestBackofficeLiveMenu: a manager changes an item's price and marks
// another sold out in the back office; a cashier's tablet (its own browser
// context, already open on an order) sees both at once without reloading,
// and the line added before the change keeps its price.
func TestBackofficeLiveMenu(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgrAPI := newAPI(t, base, managerName, managerPIN)
	var menu wire.Menu
	mgrAPI.call("GET", "/api/menu", nil, &menu)
	teaCat, teaName := categoryOf(t, menu, "Jasmine Tea")
	_, beerName := categoryOf(t, menu, "Tsingtao Beer")
	var teaPrice int64
	for _, it := range menu.Items {
		if it.Name == teaName {
			teaPrice = it.Price.Minor
		}
	}
	newPrice := teaPrice + 300

	browser := newBrowser(t, exe)
	cashier := newPhone(t, browser, "cashier tablet")
	cashier.do("tablet viewport", chromedp.EmulateViewport(1280, 800))
	manager := newPhone(t, browser, "manager tablet")
	manager.do("tablet viewport", chromedp.EmulateViewport(1280, 800))

	// The cashier opens table 2 and adds a jasmine tea at today's price.
	cashier.login(base, cashierName, cashierPIN, false)
	if n := cashier.str("back office link", fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, tid("nav-backoffice"))); n != "0" {
		t.Errorf("a cashier sees %s back-office links, want none", n)
	}
	table2 := tid("board-table", "data-table-name=Table 2")
	cashier.do("open table 2", click(table2), chromedp.WaitVisible(chromedp.CSS(tid("page-order")+" "+tid("order-ticket"))))
	orderID := strings.TrimPrefix(cashier.str("order id", `location.pathname`), "/orders/")
	teaItem := tid("menu-item", "data-item-name="+teaName)
	beerItem := tid("menu-item", "data-item-name="+beerName)
	cashier.do("add tea", click(tid("menu-category", "data-category-name="+teaCat)), click(teaItem))
	teaLine := tid("order-line", "data-line-name="+teaName)
	cashier.waitJS("tea line", fmt.Sprintf(`!!document.querySelector(%q)`, teaLine+" "+tid("line-total")))
	if got := cashier.minor("tea line total", teaLine+" "+tid("line-total")); got != teaPrice {
		t.Fatalf("got tea line %d, want %d", got, teaPrice)
	}
	// A mark on the page: it is gone if the page reloads.
	cashier.str("mark page", `String(window.__noReload = 42)`)

	// The manager opens the back office from the board's navigation.
	manager.login(base, managerName, managerPIN, false)
	manager.do("open back office", click(tid("nav-backoffice")), chromedp.WaitVisible(chromedp.CSS(tid("page-bo-menu")+" "+tid("bo-items"))))
	manager.screens("backoffice-menu")
	teaRow := tid("bo-item-row", "data-item-name="+teaName)
	priceInput := teaRow + " " + tid("bo-item-price")
	manager.do("new tea price",
		chromedp.WaitVisible(chromedp.CSS(priceInput)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, priceInput)),
		chromedp.SendKeys(chromedp.CSS(priceInput), fmt.Sprintf("%d.%02d", newPrice/100, newPrice%100)),
		click(teaRow+" "+tid("bo-item-save")),
	)
	// A bad price is refused with a message next to the row.
	beerRow := tid("bo-item-row", "data-item-name="+beerName)
	manager.do("bad tax",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, beerRow+" "+tid("bo-item-tax"))),
		chromedp.SendKeys(chromedp.CSS(beerRow+" "+tid("bo-item-tax")), "250"),
		click(beerRow+" "+tid("bo-item-save")),
	)
	manager.waitJS("tax refused", fmt.Sprintf(`!!document.querySelector(%q)`, beerRow+" "+tid("bo-form-error", "data-field=tax_rate_bp")))
	manager.do("sold out beer", click(beerRow+" "+tid("bo-item-sold-out")))
	manager.waitJS("beer shows sold out", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bo-item-row", "data-item-name="+beerName, "data-state=sold-out")))

	// The cashier's tablet follows without a reload.
	cashier.waitJS("tea has its new price", fmt.Sprintf(`document.querySelector(%q)?.dataset.minor === "%d"`, teaItem+" "+tid("menu-item-price"), newPrice))
	cashier.waitJS("beer is sold out", fmt.Sprintf(`(e => !!e && e.disabled && e.dataset.soldOut === "true")(document.querySelector(%q))`, beerItem))
	if got := cashier.str("no reload", `String(window.__noReload)`); got != "42" {
		t.Errorf("the cashier's page reloaded (mark = %q)", got)
	}
	cashier.screens("order-after-menu-change")
	if got := cashier.minor("tea line keeps its price", teaLine+" "+tid("line-total")); got != teaPrice {
		t.Errorf("got the tea line at %d after the change, want %d (its price when added)", got, teaPrice)
	}
	o := mgrAPI.order(orderID)
	if len(o.Lines) != 1 || o.Lines[0].UnitPrice.Minor != teaPrice {
		t.Errorf("server has lines %+v, want one tea at %d", o.Lines, teaPrice)
	}
	// A tea added now costs the new price.
	cashier.do("add another tea", click(teaItem))
	cashier.waitJS("two lines", fmt.Sprintf(`document.querySelectorAll(%q).length === 2`, teaLine))
	o = mgrAPI.order(orderID)
	if len(o.Lines) != 2 || o.Lines[1].UnitPrice.Minor != newPrice {
		t.Errorf("server has lines %+v, want the second tea at %d", o.Lines, newPrice)
	}

	// The price change is in the audit log, with who made it.
	manager.do("audit log", click(tid("bo-tab", "data-tab=audit")), chromedp.WaitVisible(chromedp.CSS(tid("page-bo-audit"))))
	manager.waitJS("price change logged", fmt.Sprintf(`!!document.querySelector(%q)`, tid("bo-audit-row", "data-action=price.change")))
	manager.screens("backoffice-audit")

	// A photo uploaded from the tablet: re-encoded by the server, shown in
	// the editor, on the menu for every client.
	_, tofuName := categoryOf(t, menu, "Mapo Tofu")
	file := filepath.Join(t.TempDir(), "tofu.png")
	writePNG(t, file, 900, 600)
	tofuRow := tid("bo-item-row", "data-item-name="+tofuName)
	manager.do("upload photo",
		click(tid("bo-tab", "data-tab=menu")),
		chromedp.WaitVisible(chromedp.CSS(tofuRow)),
		chromedp.SetUploadFiles(chromedp.CSS(tofuRow+" "+tid("bo-item-photo-input")), []string{file}),
	)
	// The browser picks the 320 px variant for the 64 px thumbnail (srcset).
	manager.waitJS("photo shown", fmt.Sprintf(`(e => !!e && e.complete && e.naturalWidth > 0 && /\/media\/[0-9a-f]{64}-320\.jpg$/.test(e.currentSrc))(document.querySelector(%q))`, tofuRow+" "+tid("bo-item-photo")))
	mgrAPI.call("GET", "/api/menu", nil, &menu)
	for _, it := range menu.Items {
		if it.Name == tofuName && (!strings.HasPrefix(it.Photo, "/media/") || !strings.HasSuffix(it.Photo, "-640.jpg")) {
			t.Errorf("tofu photo %q, want a /media/…-640.jpg path", it.Photo)
		}
	}
	manager.screens("backoffice-photo")
}

// writePNG writes a w×h PNG picture to path.
func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 4), 120, uint8(y / 3), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestBackofficeSettingsAndTables: a manager saves the store's address
// and renames a table in the back office; each page shows it saved (or the
// server's refusal next to the form), and the server has the change.
func TestBackofficeSettingsAndTables(t *testing.T) {
	exe := chromium(t)
	base := startServer(t, buildWasm(t))
	mgrAPI := newAPI(t, base, managerName, managerPIN)
	manager := newPhone(t, newBrowser(t, exe), "manager tablet")
	manager.do("tablet viewport", chromedp.EmulateViewport(1280, 800))
	manager.login(base, managerName, managerPIN, false)

	manager.do("open settings", chromedp.Navigate(base+"/backoffice/settings"), chromedp.WaitVisible(chromedp.CSS(tid("bo-settings-form"))))
	address := tid("bo-settings-address")
	manager.do("new address", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, address)), chromedp.SendKeys(chromedp.CSS(address), "88 Lake Road"),
		click(tid("bo-settings-save")))
	manager.present("settings saved", tid("bo-settings-saved"))
	var st wire.Settings
	mgrAPI.call("GET", "/api/settings", nil, &st)
	if st.Address != "88 Lake Road" {
		t.Errorf("server's address = %q, want the one saved", st.Address)
	}
	if n := manager.str("limits hint", fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, tid("bo-limits-saved"))); n != "0" {
		t.Error("the limits form says saved; only the settings were")
	}
	single := tid("bo-limits-single")
	manager.do("an impossible limit", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, single)), chromedp.SendKeys(chromedp.CSS(single), "-5"),
		click(tid("bo-limits-save")))
	manager.present("refused next to the form", tid("bo-form-error", "data-form=limits"))
	if n := manager.str("no saved hint", fmt.Sprintf(`String(document.querySelectorAll(%q).length)`, tid("bo-settings-saved")+","+tid("bo-limits-saved"))); n != "0" {
		t.Error("a saved hint stays after a refusal")
	}

	manager.do("open tables", chromedp.Navigate(base+"/backoffice/tables"), chromedp.WaitVisible(chromedp.CSS(tid("bo-tables-table"))))
	row := tid("bo-table-row", "data-table-name=Table 7")
	name := row + " " + tid("bo-table-name")
	manager.do("rename table 7", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, name)), chromedp.SendKeys(chromedp.CSS(name), "Window 7"),
		click(row+" "+tid("bo-table-save")))
	manager.present("renamed in the page", tid("bo-table-row", "data-table-name=Window 7"))
	var tables wire.TableList
	mgrAPI.call("GET", "/api/tables", nil, &tables)
	if !slices.ContainsFunc(tables.Tables, func(tb wire.Table) bool { return tb.Name == "Window 7" }) {
		t.Errorf("server's tables %+v lack Window 7", tables.Tables)
	}
}
