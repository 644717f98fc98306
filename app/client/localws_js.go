//go:build js && wasm

package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

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

	var ws app.Value
	if err := func() (err error) {
		// The constructor throws on a malformed URL.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("websocket: %v", r)
			}
		}()
		ws = app.Window().Get("WebSocket").New(url)
		return nil
	}(); err != nil {
		return nil, err
	}

	msgs := make(chan string, 64)
	opened := make(chan error, 1)
	var once sync.Once
	end := func() { once.Do(func() { close(msgs) }) }

	var funcs []app.Func
	on := func(event string, f func(args []app.Value)) {
		fn := app.FuncOf(func(this app.Value, args []app.Value) any {
			f(args)
			return nil
		})
		funcs = append(funcs, fn)
		ws.Set(event, fn)
	}
	on("onopen", func([]app.Value) {
		select {
		case opened <- nil:
		default:
		}
	})
	on("onmessage", func(args []app.Value) {
		if len(args) == 0 {
			return
		}
		data := args[0].Get("data")
		if data.Type() != app.TypeString {
			ws.Call("close")
			return
		}
		select {
		case msgs <- data.String():
		default:
			ws.Call("close") // fell behind: reconnect rather than miss a message
		}
	})
	on("onerror", func([]app.Value) {
		select {
		case opened <- errors.New("websocket error"):
		default:
		}
	})
	on("onclose", func([]app.Value) {
		select {
		case opened <- errors.New("websocket closed"):
		default:
		}
		end()
	})

	closeWS := func() {
		for _, name := range []string{"onopen", "onmessage", "onerror", "onclose"} {
			ws.Set(name, nil)
		}
		ws.Call("close")
		end()
		for _, fn := range funcs {
			fn.Release()
		}
	}

	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-blocked:
		closeWS()
		return nil, ErrBlockedByPolicy
	case err := <-opened:
		if err != nil {
			closeWS()
			select {
			case <-blocked:
				return nil, ErrBlockedByPolicy
			case <-time.After(100 * time.Millisecond):
			}
			return nil, err
		}
	case <-t.C:
		closeWS()
		return nil, errors.New("websocket: no answer")
	case <-ctx.Done():
		closeWS()
		return nil, ctx.Err()
	}
	var closeOnce sync.Once
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
	return &duplex{msgs: msgs, send: send, close: func() { closeOnce.Do(closeWS) }}, nil
}
