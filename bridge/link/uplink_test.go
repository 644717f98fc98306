package link

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
)

// TestUplinkReconnectsAndAnswersPings: the uplink authenticates with the
// credential, says hello, answers the server's application pings, and
// comes back after the server drops it.
func TestUplinkReconnectsAndAnswersPings(t *testing.T) {
	var dials atomic.Int32
	hellos := make(chan wire.Hello, 4)
	pongs := make(chan uint64, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ws/bridge" || r.Header.Get("Authorization") != "Bearer cred-1" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		n := dials.Add(1)
		ctx := r.Context()
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		m, err := wire.DecodeBridge(b)
		if err != nil || m.Type != wire.BridgeHello {
			t.Errorf("first message: got %s, %v, want hello", b, err)
			return
		}
		hellos <- *m.Hello
		if n == 1 {
			c.Close(websocket.StatusGoingAway, "server restarting")
			return
		}
		ping, _ := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePing, Seq: 42})
		c.Write(ctx, websocket.MessageText, ping)
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			if m, err := wire.DecodeBridge(b); err == nil && m.Type == wire.BridgePong {
				pongs <- m.Seq
			}
		}
	}))
	defer srv.Close()

	l := New(Config{BridgeID: "bridge-1", StoreID: "store-1", ServerURL: srv.URL, Credential: "cred-1",
		MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, AutoPrint: true})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- l.RunUplink(ctx) }()
	for i := range 2 {
		select {
		case h := <-hellos:
			if h.BridgeID != "bridge-1" || !h.AutoPrint {
				t.Errorf("hello %d: got %+v, want bridge-1 asking for auto-print", i, h)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("got %d hellos, want 2 (a reconnect)", i)
		}
	}
	select {
	case seq := <-pongs:
		if seq != 42 {
			t.Errorf("got pong %d, want 42", seq)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pong to the server's ping")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunUplink after cancel: got %v, want nil", err)
	}
}

func TestUplinkRevoked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "revoked", http.StatusUnauthorized)
	}))
	defer srv.Close()
	l := New(Config{BridgeID: "b", ServerURL: srv.URL, Credential: "old", MinBackoff: time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := l.RunUplink(ctx); !errors.Is(err, ErrRevoked) {
		t.Errorf("got %v, want ErrRevoked", err)
	}
}

func TestUplinkURL(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"http://localhost:8080", "ws://localhost:8080/ws/bridge", ""},
		{"https://pos.example.com/", "wss://pos.example.com/ws/bridge", ""},
		{"ftp://x", "", "not http"},
	}
	for _, tt := range tests {
		got, err := uplinkURL(tt.in)
		if got != tt.want || (err == nil) != (tt.wantErr == "") {
			t.Errorf("uplinkURL(%q): got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}
