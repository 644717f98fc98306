package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
)

// counterScanner is a bridge paired with the store whose scanner the test
// drives: it speaks the bridge protocol on the uplink WebSocket as the
// bridge does, and sends the codes the test gives it.
type counterScanner struct {
	tb testing.TB
	ws *websocket.Conn
}

// pairScanner pairs a bridge with the manager's store and connects its
// uplink.
func pairScanner(tb testing.TB, base string, mgr *api) *counterScanner {
	tb.Helper()
	var code wire.PairingCode
	mgr.callKey("POST", "/api/bridges/pairing", struct{}{}, &code)
	var paired wire.PairResponse
	mgr.callKey("POST", "/api/bridges/pair", wire.PairRequest{Code: code.Code, Name: "e2e counter"}, &paired)
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/bridge", &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + paired.Credential}},
	})
	if err != nil {
		tb.Fatalf("bridge uplink: %v", err)
	}
	tb.Cleanup(func() { ws.CloseNow() })
	// Read (and drop) what the server sends, answering pings as the bridge
	// does, so the connection stays up.
	go func() {
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			if m, err := wire.DecodeBridge(data); err == nil && m.Type == wire.BridgePing {
				if p, err := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePong, Seq: m.Seq}); err == nil {
					ws.Write(context.Background(), websocket.MessageText, p)
				}
			}
		}
	}()
	s := &counterScanner{tb: tb, ws: ws}
	s.send(wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{Version: "e2e", BridgeID: paired.BridgeID, StoreID: paired.StoreID, Capabilities: []string{wire.CapScan}}})
	return s
}

func (s *counterScanner) send(m wire.BridgeMessage) {
	s.tb.Helper()
	b, err := wire.EncodeBridge(m)
	if err != nil {
		s.tb.Fatalf("encode %s: %v", m.Type, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.ws.Write(ctx, websocket.MessageText, b); err != nil {
		s.tb.Fatalf("send %s: %v", m.Type, err)
	}
}

// scan sends a code as the counter scanner read it.
func (s *counterScanner) scan(code string) {
	s.tb.Helper()
	s.send(wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: code, At: time.Now().UTC()}})
}
