package client

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"qrpos/internal/wire"
)

// Silence is how long the event stream may stay silent (the server pings
// every ~20 s) before the client gives up on the connection and reconnects.
const Silence = 45 * time.Second

// socket is an open WebSocket: msgs carries text frames and is closed when
// the connection ends; close ends it.
type socket struct {
	msgs  <-chan string
	close func()
}

// dialer opens the WebSocket at path on the page's origin.
type dialer func(ctx context.Context, path string) (*socket, error)

// Live keeps the event stream of /ws open until ctx is done. It calls on for
// every event and connected when the connection comes up (true, on hello) or
// goes down (false). It reconnects with backoff after a close, a failure, or
// Silence without any message. Both callbacks run on Live's goroutine.
func (c *Client) Live(ctx context.Context, on func(wire.Event), connected func(bool)) {
	c.LiveAt(ctx, "/ws", on, connected)
}

// LiveAt is Live for another event stream of the server: /ws/pay/{token}
// (the pay page) or /ws/wallet (the wallet page).
func (c *Client) LiveAt(ctx context.Context, path string, on func(wire.Event), connected func(bool)) {
	attempt := 0
	for ctx.Err() == nil {
		s, err := c.dial(ctx, path)
		if err == nil {
			if c.read(ctx, s, on, connected) {
				attempt = 0
			}
			s.close()
			connected(false)
		}
		if errors.Is(err, ErrNoBrowser) {
			return
		}
		t := time.NewTimer(c.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		attempt++
	}
}

// read consumes s until it ends, goes silent or ctx is done. It reports
// whether a hello arrived (the connection was good).
func (c *Client) read(ctx context.Context, s *socket, on func(wire.Event), connected func(bool)) bool {
	hello := false
	t := time.NewTimer(Silence)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return hello
		case <-t.C:
			return hello
		case m, ok := <-s.msgs:
			if !ok {
				return hello
			}
			if !t.Stop() {
				<-t.C
			}
			t.Reset(Silence)
			ev, err := ParseEvent([]byte(m))
			if err != nil {
				continue
			}
			if ev.Type == wire.EventHello {
				hello = true
				connected(true)
			}
			on(ev)
		}
	}
}

// ParseEvent decodes one WebSocket message.
func ParseEvent(b []byte) (wire.Event, error) {
	var ev wire.Event
	err := json.Unmarshal(b, &ev)
	return ev, err
}
