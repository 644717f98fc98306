package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// events streams the store's events to one terminal. Browsers cannot see
// WebSocket pings, so the server also sends application "ping" events; a
// terminal that hears nothing for a while reconnects and reloads.
func (s *Server) events(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	return s.stream(w, r, storeTopic(a.StoreID))
}

// Hub topics: a store's terminals, one payment's pay page, one wallet.
func storeTopic(id string) string  { return "store:" + id }
func intentTopic(id string) string { return "intent:" + id }
func memberTopic(id string) string { return "member:" + id }

// stream sends a topic's events to one WebSocket client until it leaves,
// falls behind, or the server shuts down.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, topic string) error {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if err != nil {
		// Accept has answered the client already (e.g. 403 for a foreign Origin).
		s.log.Info("websocket refused", "err", err, "origin", r.Header.Get("Origin"))
		return nil
	}
	defer c.CloseNow()
	c.SetReadLimit(4 << 10)
	sub := s.hub.Subscribe(topic, 64)
	defer sub.Close()

	// Terminals send nothing we need; CloseRead answers control frames and
	// ends ctx when the client goes away.
	ctx := c.CloseRead(r.Context())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	send := func(b []byte) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return c.Write(wctx, websocket.MessageText, b)
	}
	event := func(typ string) []byte {
		b, _ := json.Marshal(wire.Event{Type: typ, At: s.now().UTC()})
		return b
	}
	if err := send(event(wire.EventHello)); err != nil {
		return nil
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			c.Close(websocket.StatusGoingAway, "server shutting down")
			return nil
		case <-sub.Done():
			c.Close(websocket.StatusTryAgainLater, "too slow; reconnect and reload")
			return nil
		case b := <-sub.C():
			if err := send(b); err != nil {
				return nil
			}
		case <-tick.C:
			if err := send(event(wire.EventPing)); err != nil {
				return nil
			}
		}
	}
}
