package client

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"qrpos/internal/wire"
)

// TestLiveReconnectsAfterSilence checks the application heartbeat: a
// connection on which nothing arrives for Silence is dropped and dialled
// again, while one that keeps receiving pings stays.
func TestLiveReconnectsAfterSilence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c := newTestClient(&script{store: &MemoryStorage{}})
		// Counters are atomic: fake time gives no happens-before edges.
		var dials, closes atomic.Int32
		c.dial = func(ctx context.Context, path string) (*socket, error) {
			n := dials.Add(1)
			ch := make(chan string, 1)
			ch <- `{"type":"hello"}`
			if n == 1 {
				// The first connection pings every 20 s for a minute, then
				// falls silent without closing.
				go func() {
					for range 3 {
						time.Sleep(20 * time.Second)
						ch <- `{"type":"ping"}`
					}
				}()
			}
			return &socket{msgs: ch, close: func() { closes.Add(1) }}, nil
		}
		go c.Live(ctx, func(wire.Event) {}, func(bool) {})

		time.Sleep(60*time.Second + Silence - time.Second)
		synctest.Wait()
		if n := dials.Load(); n != 1 {
			t.Fatalf("got %d dials while pings arrive, want 1", n)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if d, c := dials.Load(), closes.Load(); d != 2 || c != 1 {
			t.Errorf("after %v of silence got %d dials and %d closes, want 2 and 1", Silence, d, c)
		}
		cancel()
		synctest.Wait()
	})
}

// FuzzParseEvent feeds arbitrary WebSocket messages to the event decoder: it
// must not panic, and what it accepts must encode back to an event that
// decodes the same.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","at":"2026-11-23T12:00:00Z"}`,
		`{"type":"ping"}`,
		`{"type":"order.updated","order":{"id":"o1","number":3,"status":"open","lines":[{"id":"l1","qty":2,"unit_price":{"minor":4200,"currency":"CNY"}}],"totals":{"total":{"minor":8400,"currency":"CNY"}}}}`,
		`{"type":"order.updated","order":null}`,
		`[]`, `null`, `{"type":1}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ParseEvent(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("encode %+v: %v", ev, err)
		}
		again, err := ParseEvent(out)
		if err != nil {
			t.Fatalf("decode %s: %v", out, err)
		}
		if again.Type != ev.Type || (again.Order == nil) != (ev.Order == nil) {
			t.Errorf("round trip changed the event: %+v then %+v", ev, again)
		}
	})
}
