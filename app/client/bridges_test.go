package client

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"qrpos/internal/wire"
)

// fakeBridge is a local endpoint played by the test: every dial gets a
// new connection whose sent messages are recorded.
type fakeBridge struct {
	mu    sync.Mutex
	urls  []string
	conns []chan string
	sent  []string
}

func (f *fakeBridge) dial(ctx context.Context, url string) (*duplex, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan string, 16)
	f.urls = append(f.urls, url)
	f.conns = append(f.conns, ch)
	return &duplex{msgs: ch, close: func() {},
		send: func(s string) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sent = append(f.sent, s)
			return nil
		}}, nil
}

func (f *fakeBridge) say(t *testing.T, m wire.BridgeMessage) {
	t.Helper()
	b, err := wire.EncodeBridge(m)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	ch := f.conns[len(f.conns)-1]
	f.mu.Unlock()
	ch <- string(b)
}

func TestLocalBridge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tokens := 0
		s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){func(r Request) (Response, error) {
			tokens++
			b, _ := json.Marshal(wire.BridgeToken{Token: "qb1.tok+" + string(rune('0'+tokens))})
			return Response{Status: 200, Body: b}, nil
		}}}
		c := newTestClient(s)
		f := &fakeBridge{}
		c.bridgesOnce.Do(func() { c.bridges = newBridges(c, s.store, f.dial) })
		b := c.Bridges()
		var mu sync.Mutex
		var scans []string
		stop := b.Watch(func(n BridgeNews) {
			mu.Lock()
			defer mu.Unlock()
			if n.Scan != "" {
				scans = append(scans, n.Scan)
			}
		})
		defer stop()

		if err := b.UseLocal(LocalConfig{BridgeID: "br1", Addr: "10.0.0.5:9180"}); err == nil {
			t.Errorf("UseLocal with a LAN address: got nil error, want a refusal")
		}
		if err := b.UseLocal(LocalConfig{BridgeID: "br1", Addr: "127.0.0.1:9333"}); err != nil {
			t.Fatalf("UseLocal: %v", err)
		}
		synctest.Wait()
		if len(f.urls) != 1 || f.urls[0] != "ws://127.0.0.1:9333/ws?token=qb1.tok%2B1" {
			t.Fatalf("got dials %q, want one to the local endpoint with the escaped token", f.urls)
		}
		if got := s.sent[0].Path; got != "/api/bridges/br1/token" {
			t.Errorf("got token request %s, want /api/bridges/br1/token", got)
		}
		if b.Event(wire.Event{Type: wire.EventScan, Code: "1"}) {
			t.Errorf("relayed scan dropped before the bridge said hello, want it kept")
		}

		f.say(t, wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{BridgeID: "br1", Version: "1.0"}})
		f.say(t, wire.BridgeMessage{Type: wire.BridgeDeviceStatus, Device: &wire.DeviceStatus{PrinterOnline: true, ScannerConnected: true}})
		f.say(t, wire.BridgeMessage{Type: wire.BridgePing, Seq: 7})
		f.say(t, wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: "881234"}})
		synctest.Wait()
		st := b.Local()
		if !st.Connected || st.Device == nil || !st.Device.ScannerConnected {
			t.Errorf("got local state %+v, want connected with the scanner", st)
		}
		f.mu.Lock()
		sent := strings.Join(f.sent, "\n")
		f.mu.Unlock()
		if sent != `{"v":1,"type":"pong","seq":7}` {
			t.Errorf("got sent %s, want one pong with seq 7", sent)
		}
		mu.Lock()
		if len(scans) != 1 || scans[0] != "881234" {
			t.Errorf("got scans %q, want [881234]", scans)
		}
		mu.Unlock()
		if !b.Event(wire.Event{Type: wire.EventScan, Code: "881234"}) {
			t.Errorf("relayed scan kept while the local endpoint is connected, want it dropped")
		}

		// A print over the local endpoint is answered by its job.status.
		b.Event(wire.Event{Type: wire.EventBridgeStatus, Bridge: &wire.BridgeInfo{ID: "br1", Connected: true}})
		done := make(chan wire.JobStatus, 1)
		go func() {
			st, err := b.Print(t.Context(), "br1", wire.PrintJob{ID: "job-1", Kind: wire.PrintKindTest})
			if err != nil {
				t.Errorf("Print: %v", err)
			}
			done <- st
		}()
		synctest.Wait()
		f.say(t, wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &wire.JobStatus{ID: "job-1", State: wire.JobQueued}})
		if got := <-done; got.State != wire.JobQueued {
			t.Errorf("got job status %+v, want queued", got)
		}

		// Silent for LocalSilence: a new connection with a fresh token.
		time.Sleep(LocalSilence + time.Second)
		synctest.Wait()
		if len(f.urls) != 2 || !strings.HasSuffix(f.urls[1], "tok%2B2") {
			t.Errorf("after silence got dials %q, want a second one with a new token", f.urls)
		}
		if b.Local().Connected {
			t.Errorf("got connected before the new hello, want not")
		}
		if err := b.StopLocal(); err != nil {
			t.Fatal(err)
		}
		if _, ok := b.Config(); ok {
			t.Errorf("got a local config after StopLocal, want none")
		}
		synctest.Wait()
	})
}

func TestPickTarget(t *testing.T) {
	a := wire.BridgeInfo{ID: "a"}
	b := wire.BridgeInfo{ID: "b", Connected: true}
	tests := []struct {
		name  string
		list  []wire.BridgeInfo
		local LocalState
		want  string
	}{
		{name: "none", want: ""},
		{name: "first connected", list: []wire.BridgeInfo{a, b}, want: "b"},
		{name: "local first", list: []wire.BridgeInfo{a, b}, local: LocalState{Enabled: true, Config: LocalConfig{BridgeID: "a"}}, want: "a"},
		{name: "none connected", list: []wire.BridgeInfo{a}, want: "a"},
	}
	for _, tt := range tests {
		got, _ := pickTarget(tt.list, tt.local)
		if got.ID != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got.ID, tt.want)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:9180", true},
		{"localhost:1", true},
		{"[::1]:9180", true},
		{"192.168.1.2:9180", false},
		{"127.0.0.1", false},
		{"127.0.0.1:x", false},
		{"evil.example:9180", false},
	}
	for _, tt := range tests {
		if err := CheckAddr(tt.addr); (err == nil) != tt.ok {
			t.Errorf("CheckAddr(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}
