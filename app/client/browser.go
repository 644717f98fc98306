//go:build js && wasm

package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/wire"
)

// requestTimeout bounds one fetch, so a hung connection becomes a retry.
const requestTimeout = 20 * time.Second

// New returns a client for the page's origin: fetch for HTTP, WebSocket for
// events, localStorage for the outbox.
func New() *Client {
	c := newClient(fetch, localStorage{}, rand.Reader, time.Now)
	c.dial = dialWS
	return c
}

// localStorage is the browser's window.localStorage.
type localStorage struct{}

func (localStorage) GetItem(key string) (string, bool) {
	v := app.Window().Get("localStorage").Call("getItem", key)
	if v.IsNull() || v.IsUndefined() {
		return "", false
	}
	return v.String(), true
}

func (localStorage) SetItem(key, value string) (err error) {
	// setItem throws (QuotaExceededError) when storage is full.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("localStorage: %v", r)
		}
	}()
	app.Window().Get("localStorage").Call("setItem", key, value)
	return nil
}

// await waits for a JavaScript promise to settle.
func await(ctx context.Context, p app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr app.Func
	release := func() {
		onOK.Release()
		onErr.Release()
	}
	onOK = app.FuncOf(func(this app.Value, args []app.Value) any {
		var v app.Value
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		release()
		return nil
	})
	onErr = app.FuncOf(func(this app.Value, args []app.Value) any {
		msg := "request failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		release()
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetch performs r with window.fetch. Any HTTP status is an answer; only a
// network failure or an abort is an error.
func fetch(ctx context.Context, r Request) (Response, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()

	win := app.Window()
	ctrl := win.Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { ctrl.Call("abort") })
	defer stop()

	headers := win.Get("Headers").New()
	headers.Call("set", "Accept", "application/json")
	if r.Body != nil {
		headers.Call("set", "Content-Type", "application/json")
	}
	if r.Mutation {
		headers.Call("set", wire.HeaderCSRF, "1")
	}
	if r.Key != "" {
		headers.Call("set", wire.HeaderIdempotencyKey, r.Key)
	}
	if r.Wallet != "" {
		headers.Call("set", wire.HeaderWallet, r.Wallet)
	}
	opts := win.Get("Object").New()
	opts.Set("method", r.Method)
	opts.Set("headers", headers)
	opts.Set("credentials", "same-origin")
	opts.Set("cache", "no-store")
	opts.Set("signal", ctrl.Get("signal"))
	if r.Body != nil {
		opts.Set("body", string(r.Body))
	}

	res, err := await(ctx, win.Call("fetch", r.Path, opts))
	if err != nil {
		return Response{}, fmt.Errorf("%w (%s %s: %v)", ErrNetwork, r.Method, r.Path, err)
	}
	out := Response{Status: res.Get("status").Int()}
	if rep := res.Get("headers").Call("get", wire.HeaderReplayed); rep.Truthy() {
		out.Replayed = rep.String() == "true"
	}
	text, err := await(ctx, res.Call("text"))
	if err != nil {
		return Response{}, fmt.Errorf("%w (%s %s: reading answer: %v)", ErrNetwork, r.Method, r.Path, err)
	}
	out.Body = []byte(text.String())
	return out, nil
}

// dialWS opens a WebSocket to path on the page's origin (the session cookie
// goes with it).
func dialWS(ctx context.Context, path string) (*socket, error) {
	win := app.Window()
	loc := win.Get("location")
	scheme := "ws:"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss:"
	}
	ws := win.Get("WebSocket").New(scheme + "//" + loc.Get("host").String() + path)

	msgs := make(chan string, 256)
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
			return
		}
		select {
		case msgs <- data.String():
		default:
			// The reader fell behind: drop the connection so the next one
			// starts from a full refresh instead of missing an event.
			ws.Call("close")
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
		for _, name := range []string{"onopen", "onmessage", "onclose"} {
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
	case err := <-opened:
		if err != nil {
			closeWS()
			return nil, fmt.Errorf("%w (websocket: %v)", ErrNetwork, err)
		}
	case <-t.C:
		closeWS()
		return nil, fmt.Errorf("%w (websocket: no answer)", ErrNetwork)
	case <-ctx.Done():
		closeWS()
		return nil, ctx.Err()
	}
	var closeOnce sync.Once
	return &socket{msgs: msgs, close: func() { closeOnce.Do(closeWS) }}, nil
}
