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
	return s.streamUntil(w, r, []string{topic}, nil)
}

// streamUntil sends the events of one or two topics to one WebSocket
// client, like stream, and also ends after sending an event for which last
// (if set) reports true.
func (s *Server) streamUntil(w http.ResponseWriter, r *http.Request, topics []string, last func([]byte) bool) error {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if err != nil {
		// Accept has answered the client already (e.g. 403 for a foreign Origin).
		s.log.Info("websocket refused", "err", err, "origin", r.Header.Get("Origin"))
		return nil
	}
	defer c.CloseNow()
	c.SetReadLimit(4 << 10)
	sub := s.hub.Subscribe(topics[0], 64)
	defer sub.Close()
	var more <-chan []byte // a nil channel (no second topic) never delivers
	var moreDone <-chan struct{}
	if len(topics) > 1 {
		sub2 := s.hub.Subscribe(topics[1], 64)
		defer sub2.Close()
		more, moreDone = sub2.C(), sub2.Done()
	}

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
		case <-moreDone:
			c.Close(websocket.StatusTryAgainLater, "too slow; reconnect and reload")
			return nil
		case b := <-sub.C():
			if err := send(b); err != nil {
				return nil
			}
			if last != nil && last(b) {
				c.Close(websocket.StatusNormalClosure, "done")
				return nil
			}
		case b := <-more:
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
