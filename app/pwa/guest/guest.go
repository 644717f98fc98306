// Package guest declares the routes of the diner's app, web/diner.wasm: the
// table page, the pay page, the bill and the wallet. It never imports the
// cashier's packages, so a phone opening a table link downloads a small
// build. The staff app (app/pwa) declares these routes too, through
// Register, so they are written in one place.
package guest

import (
	"regexp"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/diner"
	"qrpos/app/wallet"
)

// Patterns are the paths of the diner's pages, as regular expressions that
// Go and JavaScript read alike: the server's loader picks diner.wasm for
// them and app.wasm for every other page.
var Patterns = []string{
	diner.PayPattern,
	"^" + regexp.QuoteMeta(diner.BillPath) + "$",
	diner.TablePattern,
	"^" + regexp.QuoteMeta(wallet.Path) + "$",
}

// Register declares the diner's routes, served by api.
func Register(api *client.Client) {
	app.RouteWithRegexp(diner.PayPattern, func() app.Composer { return diner.NewPay(api) })
	app.Route(diner.BillPath, func() app.Composer { return diner.NewBill(api) })
	app.RouteWithRegexp(diner.TablePattern, func() app.Composer { return diner.NewTable(api) })
	app.Route(wallet.Path, func() app.Composer { return wallet.NewPage(api) })
}
