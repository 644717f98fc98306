// Command dinerapp is the diner's PWA: built with GOOS=js GOARCH=wasm it is
// web/diner.wasm, which the server loads on the table, pay, bill and wallet
// pages instead of the staff's app.wasm. It holds only the diner's routes
// (app/pwa/guest), none of the cashier's code.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/pwa/guest"
)

func main() {
	guest.Register(client.New())
	app.RunWhenOnBrowser()
}
