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
	loc := app.Window().Get("location")
	scheme := "ws:"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss:"
	}
	_, msgs, closeWS, err := openWS(ctx, scheme+"//"+loc.Get("host").String()+path, 256, nil)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (%v)", ErrNetwork, err)
	}
	return &socket{msgs: msgs, close: closeWS}, nil
}

// openWS opens a browser WebSocket at url and waits (10 s at most) until
// it is open. Text messages arrive on msgs, which is closed when the
// socket closes; a reader that falls behind by buffer messages, or a
// binary message, closes the socket, so that the next connection starts
// from a full refresh instead of missing something. If blocked fires
// (the page's Content-Security-Policy refused url), it answers
// ErrBlockedByPolicy. closeWS is safe to call more than once.
func openWS(ctx context.Context, url string, buffer int, blocked <-chan struct{}) (ws app.Value, msgs chan string, closeWS func(), err error) {
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
		return nil, nil, nil, err
	}

	msgs = make(chan string, buffer)
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
	report := func(err error) {
		select {
		case opened <- err:
		default:
		}
	}
	on("onopen", func([]app.Value) { report(nil) })
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
			ws.Call("close")
		}
	})
	on("onerror", func([]app.Value) { report(errors.New("websocket error")) })
	on("onclose", func([]app.Value) {
		report(errors.New("websocket closed"))
		end()
	})

	var closeOnce sync.Once
	closeWS = func() {
		closeOnce.Do(func() {
			for _, name := range []string{"onopen", "onmessage", "onerror", "onclose"} {
				ws.Set(name, nil)
			}
			ws.Call("close")
			end()
			for _, fn := range funcs {
				fn.Release()
			}
		})
	}

	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-blocked:
		closeWS()
		return nil, nil, nil, ErrBlockedByPolicy
	case err := <-opened:
		if err != nil {
			closeWS()
			if blocked != nil {
				// The violation event may come just after the failure.
				select {
				case <-blocked:
					return nil, nil, nil, ErrBlockedByPolicy
				case <-time.After(100 * time.Millisecond):
				}
			}
			return nil, nil, nil, err
		}
	case <-t.C:
		closeWS()
		return nil, nil, nil, errors.New("websocket: no answer")
	case <-ctx.Done():
		closeWS()
		return nil, nil, nil, ctx.Err()
	}
	return ws, msgs, closeWS, nil
}
