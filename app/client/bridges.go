package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"qrpos/internal/wire"
)

// The counter bridge, seen from the app.
//
// Every tablet knows the store's bridges from GET /api/bridges, kept
// current by the bridge.status events of /ws. The app on the counter PC
// also talks to its bridge directly, on the bridge's local endpoint
// (ws://127.0.0.1:9180/ws?token=...): scans arrive there without going
// through the server, and prints go there first. Which bridge is local,
// and where it listens, is a setting of this device (localStorage), made
// on the Devices page. When the local endpoint cannot be reached the app
// uses the server's relay: /ws scan events and POST /api/bridges/{id}/print.

// LocalKey is the storage key of this device's local-bridge setting.
const LocalKey = "qrpos.counter.v1"

// DefaultLocalAddr is where a bridge's local endpoint listens unless its
// config says otherwise.
const DefaultLocalAddr = "127.0.0.1:9180"

// LocalSilence is how long the local endpoint may stay silent (the bridge
// pings every 15 s) before the app drops the connection and reconnects
// with a fresh token.
const LocalSilence = 45 * time.Second

// localPrintWait bounds how long a print sent on the local endpoint waits
// for the bridge's first job.status.
const localPrintWait = 5 * time.Second

// ErrLocalOffline is returned when a print cannot go over the local
// endpoint (not configured, or not connected).
var ErrLocalOffline = errors.New("client: the counter bridge is not connected on this PC")

// ErrBlockedByPolicy is returned when the page's Content-Security-Policy
// does not allow a WebSocket to the bridge's local endpoint: the server
// has to list it in connect-src.
var ErrBlockedByPolicy = errors.New("client: the page's security policy does not allow this address")

// LocalConfig is this device's local-bridge setting.
type LocalConfig struct {
	BridgeID string `json:"bridge_id"`
	Addr     string `json:"addr"` // host:port of the local endpoint
}

// LocalState is the state of the connection to the local endpoint.
type LocalState struct {
	Config    LocalConfig
	Enabled   bool
	Connected bool
	Hello     *wire.Hello
	Device    *wire.DeviceStatus
	// Problem says, in words, why the last attempt failed.
	Problem string
}

// BridgeNews is what a watcher of the bridges is told: something changed
// (re-read List and Local), a code was scanned on the local endpoint, or a
// print job's state.
type BridgeNews struct {
	Scan string
	Job  *wire.JobStatus
}

// duplex is an open WebSocket that can send: msgs carries text frames and
// is closed when the connection ends.
type duplex struct {
	msgs  <-chan string
	send  func(string) error
	close func()
}

// urlDialer opens a WebSocket at an absolute URL.
type urlDialer func(ctx context.Context, url string) (*duplex, error)

// Bridges holds what the app knows of the store's bridges and runs the
// connection to the local endpoint. Get it with Client.Bridges; it is safe
// for concurrent use.
type Bridges struct {
	api   *Client
	store Storage
	dial  urlDialer
	now   func() time.Time

	mu       sync.Mutex
	list     []wire.BridgeInfo
	loaded   bool
	local    LocalState
	gen      int // incremented by every start and stop of the local loop
	cancel   context.CancelFunc
	send     func(string) error // the local connection's, when connected
	waiters  map[string]chan wire.JobStatus
	watchers map[int]func(BridgeNews)
	nextID   int
}

func newBridges(c *Client, store Storage, dial urlDialer) *Bridges {
	b := &Bridges{api: c, store: store, dial: dial, now: c.now,
		waiters: map[string]chan wire.JobStatus{}, watchers: map[int]func(BridgeNews){}}
	if cfg, ok := b.Config(); ok {
		b.local = LocalState{Config: cfg, Enabled: true}
	}
	return b
}

// Watch calls fn with every piece of news until stop is called. fn runs on
// whatever goroutine made the news: a page dispatches from it.
func (b *Bridges) Watch(fn func(BridgeNews)) (stop func()) {
	b.mu.Lock()
	id := b.nextID
	b.nextID++
	b.watchers[id] = fn
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.watchers, id)
		b.mu.Unlock()
	}
}

func (b *Bridges) tell(n BridgeNews) {
	b.mu.Lock()
	fns := make([]func(BridgeNews), 0, len(b.watchers))
	for _, fn := range b.watchers {
		fns = append(fns, fn)
	}
	b.mu.Unlock()
	for _, fn := range fns {
		fn(n)
	}
}

// List returns the bridges last heard of, and whether the list was loaded.
func (b *Bridges) List() ([]wire.BridgeInfo, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.list), b.loaded
}

// Refresh loads the list from the server.
func (b *Bridges) Refresh(ctx context.Context) error {
	var v wire.BridgeList
	if err := b.api.get(ctx, "/api/bridges", &v); err != nil {
		return err
	}
	b.mu.Lock()
	b.list, b.loaded = v.Bridges, true
	b.mu.Unlock()
	b.tell(BridgeNews{})
	return nil
}

// Event takes in an event of /ws. It reports whether the page should
// ignore it: a scan relayed by the server while the local endpoint is
// connected arrives on the local endpoint too, and must not charge twice.
func (b *Bridges) Event(ev wire.Event) (drop bool) {
	switch ev.Type {
	case wire.EventBridgeStatus:
		if ev.Bridge == nil {
			return false
		}
		b.mu.Lock()
		b.list = mergeBridge(b.list, *ev.Bridge)
		b.mu.Unlock()
		b.tell(BridgeNews{})
	case wire.EventPrintStatus:
		if ev.Job != nil {
			j := *ev.Job
			b.tell(BridgeNews{Job: &j})
		}
	case wire.EventScan:
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.local.Connected
	}
	return false
}

// mergeBridge replaces the bridge of the same id in list with info, or
// adds it.
func mergeBridge(list []wire.BridgeInfo, info wire.BridgeInfo) []wire.BridgeInfo {
	out := slices.Clone(list)
	for i := range out {
		if out[i].ID == info.ID {
			out[i] = info
			return out
		}
	}
	return append(out, info)
}

// Remove forgets a bridge (after it was revoked).
func (b *Bridges) Remove(id string) {
	b.mu.Lock()
	b.list = slices.DeleteFunc(slices.Clone(b.list), func(i wire.BridgeInfo) bool { return i.ID == id })
	b.mu.Unlock()
	b.tell(BridgeNews{})
}

// ---- this device's local bridge ----

// Config returns this device's local-bridge setting, if any.
func (b *Bridges) Config() (LocalConfig, bool) {
	s, ok := b.store.GetItem(LocalKey)
	if !ok || s == "" {
		return LocalConfig{}, false
	}
	var cfg LocalConfig
	if err := json.Unmarshal([]byte(s), &cfg); err != nil || cfg.BridgeID == "" {
		return LocalConfig{}, false
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultLocalAddr
	}
	return cfg, true
}

// CheckAddr reports whether addr is a loopback host:port the app may
// open: the bridge's local endpoint never listens elsewhere by default,
// and the app must not be pointed at other machines.
func CheckAddr(addr string) error {
	host, port, ok := strings.Cut(addr, ":")
	if strings.HasPrefix(addr, "[::1]:") {
		host, port, ok = "[::1]", strings.TrimPrefix(addr, "[::1]:"), true
	}
	if !ok || port == "" || strings.Trim(port, "0123456789") != "" || len(port) > 5 {
		return fmt.Errorf("%q is not host:port, e.g. %s", addr, DefaultLocalAddr)
	}
	switch host {
	case "127.0.0.1", "localhost", "[::1]":
		return nil
	}
	return fmt.Errorf("%q is not on this PC: use 127.0.0.1, localhost or [::1]", host)
}

// UseLocal makes bridge cfg.BridgeID this device's local bridge and
// connects to it.
func (b *Bridges) UseLocal(cfg LocalConfig) error {
	if cfg.Addr == "" {
		cfg.Addr = DefaultLocalAddr
	}
	if err := CheckAddr(cfg.Addr); err != nil {
		return err
	}
	s, _ := json.Marshal(cfg)
	if err := b.store.SetItem(LocalKey, string(s)); err != nil {
		return err
	}
	b.stop()
	b.mu.Lock()
	b.local = LocalState{Config: cfg, Enabled: true}
	b.mu.Unlock()
	b.Start()
	return nil
}

// StopLocal forgets this device's local bridge and disconnects.
func (b *Bridges) StopLocal() error {
	err := b.store.SetItem(LocalKey, "")
	b.stop()
	b.mu.Lock()
	b.local = LocalState{}
	b.mu.Unlock()
	b.tell(BridgeNews{})
	return err
}

// Local returns the state of the local endpoint's connection.
func (b *Bridges) Local() LocalState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.local
}

// Start connects to the local bridge if this device has one and the
// connection is not running yet. It keeps reconnecting until StopLocal or
// UseLocal.
func (b *Bridges) Start() {
	cfg, ok := b.Config()
	b.mu.Lock()
	if !ok || b.cancel != nil {
		b.mu.Unlock()
		return
	}
	b.gen++
	gen := b.gen
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.local.Config, b.local.Enabled = cfg, true
	b.mu.Unlock()
	go b.runLocal(ctx, gen, cfg)
}

func (b *Bridges) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	b.gen++
	b.send = nil
	b.local.Connected = false
}

// update changes the local state if the loop of gen is still the current
// one, then tells the watchers.
func (b *Bridges) update(gen int, f func(s *LocalState)) {
	b.mu.Lock()
	if gen != b.gen {
		b.mu.Unlock()
		return
	}
	f(&b.local)
	b.mu.Unlock()
	b.tell(BridgeNews{})
}

// runLocal keeps a connection to the local endpoint until ctx ends: a fresh
// token before each attempt, backoff after a failure.
func (b *Bridges) runLocal(ctx context.Context, gen int, cfg LocalConfig) {
	attempt := 0
	for ctx.Err() == nil {
		if b.connectLocal(ctx, gen, cfg) {
			attempt = 0
		}
		t := time.NewTimer(b.api.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		attempt++
	}
}

// connectLocal runs one connection; it reports whether the bridge said
// hello.
func (b *Bridges) connectLocal(ctx context.Context, gen int, cfg LocalConfig) bool {
	var tok wire.BridgeToken
	if err := b.api.get(ctx, "/api/bridges/"+url.PathEscape(cfg.BridgeID)+"/token", &tok); err != nil {
		if ctx.Err() == nil {
			b.update(gen, func(s *LocalState) { s.Problem = "No token for the bridge: " + err.Error() })
		}
		return false
	}
	d, err := b.dial(ctx, "ws://"+cfg.Addr+"/ws?token="+url.QueryEscape(tok.Token))
	if err != nil {
		if ctx.Err() == nil {
			b.update(gen, func(s *LocalState) {
				s.Problem = "The bridge does not answer at " + cfg.Addr + " (is it running on this PC, and is this page's address one it allows?)"
				if errors.Is(err, ErrBlockedByPolicy) {
					s.Problem = "The server's security policy does not let this page reach ws://" + cfg.Addr + ": the server must allow it (Content-Security-Policy connect-src)."
				}
			})
		}
		return false
	}
	defer d.close()
	hello := b.readLocal(ctx, gen, d)
	b.mu.Lock()
	if gen == b.gen {
		b.send = nil
	}
	b.mu.Unlock()
	b.update(gen, func(s *LocalState) {
		s.Connected = false
		if hello && ctx.Err() == nil {
			s.Problem = "The connection to the bridge was lost; reconnecting."
		}
	})
	return hello
}

// readLocal handles the local endpoint's messages until the connection
// ends, stays silent for LocalSilence, breaks the protocol, or ctx ends.
func (b *Bridges) readLocal(ctx context.Context, gen int, d *duplex) (hello bool) {
	t := time.NewTimer(LocalSilence)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return hello
		case <-t.C:
			return hello
		case m, ok := <-d.msgs:
			if !ok {
				return hello
			}
			if !t.Stop() {
				<-t.C
			}
			t.Reset(LocalSilence)
			msg, err := wire.DecodeBridge([]byte(m))
			if err != nil {
				return hello // a bridge that breaks the protocol is not trusted
			}
			switch msg.Type {
			case wire.BridgeHello:
				hello = true
				b.mu.Lock()
				if gen == b.gen {
					b.send = d.send
				}
				b.mu.Unlock()
				h := *msg.Hello
				b.update(gen, func(s *LocalState) { s.Connected, s.Hello, s.Problem = true, &h, "" })
			case wire.BridgeDeviceStatus:
				dev := *msg.Device
				b.update(gen, func(s *LocalState) { s.Device = &dev })
				b.mu.Lock()
				for i := range b.list {
					if b.list[i].ID == b.local.Config.BridgeID && gen == b.gen {
						b.list[i].Status = &dev
					}
				}
				b.mu.Unlock()
			case wire.BridgeScan:
				if hello {
					b.tell(BridgeNews{Scan: msg.Scan.Code})
				}
			case wire.BridgeJobStatus:
				j := *msg.Job
				b.mu.Lock()
				w := b.waiters[j.ID]
				delete(b.waiters, j.ID)
				b.mu.Unlock()
				if w != nil {
					w <- j
				}
				b.tell(BridgeNews{Job: &j})
			case wire.BridgePing:
				p, _ := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePong, Seq: msg.Seq})
				if err := d.send(string(p)); err != nil {
					return hello
				}
			case wire.BridgePong:
			default:
				return hello
			}
		}
	}
}

// printLocal sends job on the local endpoint and waits for its first
// status.
func (b *Bridges) printLocal(ctx context.Context, job wire.PrintJob) (wire.JobStatus, error) {
	p, err := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePrint, Print: &job})
	if err != nil {
		return wire.JobStatus{}, err
	}
	w := make(chan wire.JobStatus, 1)
	b.mu.Lock()
	send := b.send
	if send != nil {
		b.waiters[job.ID] = w
	}
	b.mu.Unlock()
	if send == nil {
		return wire.JobStatus{}, ErrLocalOffline
	}
	defer func() {
		b.mu.Lock()
		if b.waiters[job.ID] == w {
			delete(b.waiters, job.ID)
		}
		b.mu.Unlock()
	}()
	if err := send(string(p)); err != nil {
		return wire.JobStatus{}, fmt.Errorf("%w: %v", ErrLocalOffline, err)
	}
	t := time.NewTimer(localPrintWait)
	defer t.Stop()
	select {
	case st := <-w:
		return st, nil
	case <-t.C:
		return wire.JobStatus{}, fmt.Errorf("%w: no answer", ErrLocalOffline)
	case <-ctx.Done():
		return wire.JobStatus{}, ctx.Err()
	}
}

// Print sends a print job to bridge id: over the local endpoint when
// this device is connected to that bridge, else through the server's
// relay. Retrying with the same job id never prints twice.
func (b *Bridges) Print(ctx context.Context, bridgeID string, job wire.PrintJob) (wire.JobStatus, error) {
	b.mu.Lock()
	local := b.local.Connected && b.local.Config.BridgeID == bridgeID
	b.mu.Unlock()
	if local {
		st, err := b.printLocal(ctx, job)
		if err == nil || ctx.Err() != nil {
			return st, err
		}
	}
	var st wire.JobStatus
	err := b.api.keyed(ctx, "POST", "/api/bridges/"+url.PathEscape(bridgeID)+"/print", job, &st)
	return st, err
}

// Target picks the bridge a print goes to: this device's local bridge,
// else the first connected one, else the first one. ok is false when the
// store has no bridge.
func (b *Bridges) Target() (wire.BridgeInfo, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return pickTarget(b.list, b.local)
}

func pickTarget(list []wire.BridgeInfo, local LocalState) (wire.BridgeInfo, bool) {
	if len(list) == 0 {
		return wire.BridgeInfo{}, false
	}
	if local.Enabled {
		for _, i := range list {
			if i.ID == local.Config.BridgeID {
				return i, true
			}
		}
	}
	for _, i := range list {
		if i.Connected {
			return i, true
		}
	}
	return list[0], true
}

// ---- API calls ----

// Bridges returns the app's view of the store's bridges.
func (c *Client) Bridges() *Bridges {
	c.bridgesOnce.Do(func() { c.bridges = newBridges(c, c.outbox.store, dialURL) })
	return c.bridges
}

// NewPairingCode asks for a one-time code for `bridge pair` (managers). It
// is not retried: each call makes a new code.
func (c *Client) NewPairingCode(ctx context.Context) (wire.PairingCode, error) {
	var v wire.PairingCode
	err := c.direct(ctx, "POST", "/api/bridges/pairing", nil, &v)
	return v, err
}

// RevokeBridge unpairs a bridge (managers).
func (c *Client) RevokeBridge(ctx context.Context, id string) error {
	return c.mutate(ctx, "DELETE", "/api/bridges/"+url.PathEscape(id), nil, nil)
}
