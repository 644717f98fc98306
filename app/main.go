// Command app is the QRPOS cashier PWA. Built with GOOS=js GOARCH=wasm it is
// web/app.wasm; built natively it only registers the routes (the server
// imports app/pwa for prerendering, this main does nothing else).
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/pwa"
)

func main() {
	pwa.Register()
	app.RunWhenOnBrowser()
}
