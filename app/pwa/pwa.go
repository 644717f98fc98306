// Package pwa wires the QRPOS progressive web app: Register declares every
// route in one place (the WebAssembly app and the server's prerendering both
// call it), and Handler returns the go-app handler with our own name, icons,
// colours and stylesheet, so nothing is loaded from the internet.
package pwa

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/cashier"
	"qrpos/app/client"
)

// Static resources, served by the server under /web/ from package assets.
const (
	IconPNG192 = "/web/icon-192.png"
	IconPNG512 = "/web/icon-512.png"
	IconSVG    = "/web/icon.svg"
	Stylesheet = "/web/app.css"
)

// Theme colours, also used by app.css.
const (
	ThemeColor      = "#0b4f6c"
	BackgroundColor = "#f3f5f7"
)

// Options are the per-build settings of the handler.
type Options struct {
	// Version identifies the build; tablets reload only when it changes.
	Version string
	// WasmContentLength is the uncompressed size of app.wasm in bytes, for
	// the loader's progress (the wasm is served compressed).
	WasmContentLength string
	// Cache lists more static files for the service worker to keep (e.g.
	// the table page's script, which the server adds to its pages).
	Cache []string
}

// Register declares the routes of the staff's app (app.wasm). The diner's
// pages are guest.Register's (diner.wasm, which the server loads on them);
// the server declares both for its prerendering. Calling it again is
// harmless.
func Register() {
	api := client.New()
	app.Route("/", func() app.Composer { return cashier.NewLogin(api) })
	app.Route(cashier.PathLogin, func() app.Composer { return cashier.NewLogin(api) })
	app.Route(cashier.PathBoard, func() app.Composer { return cashier.NewBoard(api) })
	app.Route(cashier.PathHistory, func() app.Composer { return cashier.NewHistory(api) })
	app.Route(cashier.PathStaff, func() app.Composer { return cashier.NewStaff(api) })
	app.Route(cashier.PathTopUp, func() app.Composer { return cashier.NewTopUp(api) })
	app.Route(cashier.PathDevices, func() app.Composer { return cashier.NewDevices(api) })
	app.Route(cashier.PathTables, func() app.Composer { return cashier.NewTables(api) })
	app.Route(cashier.PathBackoffice, func() app.Composer { return cashier.NewBOMenu(api) })
	app.Route(cashier.PathBOStaff, func() app.Composer { return cashier.NewBOStaff(api) })
	app.Route(cashier.PathBOTables, func() app.Composer { return cashier.NewBOTables(api) })
	app.Route(cashier.PathBOSettings, func() app.Composer { return cashier.NewBOSettings(api) })
	app.Route(cashier.PathBOAudit, func() app.Composer { return cashier.NewBOAudit(api) })
	app.Route(cashier.PathShift, func() app.Composer { return cashier.NewShift(api) })
	app.Route(cashier.PathReports, func() app.Composer { return cashier.NewReports(api) })
	app.Route(cashier.PathReconcile, func() app.Composer { return cashier.NewReconcile(api) })
	app.RouteWithRegexp(cashier.CashPattern, func() app.Composer { return cashier.NewCash(api) })
	app.RouteWithRegexp(cashier.ChargePattern, func() app.Composer { return cashier.NewCharge(api) })
	app.RouteWithRegexp(cashier.OrderPattern, func() app.Composer { return cashier.NewOrder(api) })
}

// Handler returns the go-app handler serving the pages, app.js, the service
// worker and the manifest. The server serves /web/ itself.
func Handler(o Options) *app.Handler {
	return &app.Handler{
		Name:        "QRPOS",
		ShortName:   "QRPOS",
		Title:       "QRPOS",
		Description: "QRPOS restaurant point of sale: orders, tables and payments.",
		Author:      "QRPOS",
		Lang:        "en",
		Icon: app.Icon{
			Default:  IconPNG192,
			Large:    IconPNG512,
			Maskable: IconPNG512,
			SVG:      IconSVG,
		},
		Image:                 IconPNG512,
		ThemeColor:            ThemeColor,
		BackgroundColor:       BackgroundColor,
		LoadingLabel:          "Loading QRPOS…", // no progress: the loader keeps the wasm's Response as fetched, so Chromium caches its compiled code
		ServiceWorkerTemplate: workerJS(),
		Styles:                []string{Stylesheet},
		Version:               o.Version,
		WasmContentLength:     o.WasmContentLength,
		CacheableResources:    o.Cache,
	}
}
