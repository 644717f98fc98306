//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// dialURL opens a WebSocket at an absolute URL (the bridge's local
// endpoint) with the browser's WebSocket. The browser sends the page's
// Origin, which the bridge checks.
func dialURL(ctx context.Context, url string) (*duplex, error) {
	// A Content-Security-Policy that does not allow url fails the
	// connection like a bridge that is not there; the violation event
	// tells the two apart.
	target := url
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.IndexByte(url[i+3:], '/'); j >= 0 {
			target = url[:i+3+j]
		}
	}
	blocked := make(chan struct{}, 1)
	doc := app.Window().Get("document")
	onViolation := app.FuncOf(func(this app.Value, args []app.Value) any {
		if len(args) > 0 && strings.HasPrefix(args[0].Get("blockedURI").String(), target) {
			select {
			case blocked <- struct{}{}:
			default:
			}
		}
		return nil
	})
	doc.Call("addEventListener", "securitypolicyviolation", onViolation)
	defer func() {
		doc.Call("removeEventListener", "securitypolicyviolation", onViolation)
		onViolation.Release()
	}()

	ws, msgs, closeWS, err := openWS(ctx, url, 64, blocked)
	if err != nil {
		return nil, err
	}
	send := func(s string) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("websocket send: %v", r)
			}
		}()
		if ws.Get("readyState").Int() != 1 {
			return errors.New("websocket not open")
		}
		ws.Call("send", s)
		return nil
	}
	return &duplex{msgs: msgs, send: send, close: closeWS}, nil
}
