// Package link is the WebSocket side of the bridge: a local endpoint for
// the PWA on the counter PC, and an uplink to the server that relays print
// jobs from tablets elsewhere and carries scans and device status up. Both
// speak the protocol of internal/wire (bridge.go): typed JSON messages,
// versioned, bounded in size, with application heartbeats. Neither ever
// passes raw serial data or raw printer bytes: print jobs are structured
// documents laid out by the bridge.
package link

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
)

// Config of a Link.
type Config struct {
	BridgeID     string
	StoreID      string
	Version      string   // bridge software version, for hello
	Capabilities []string // for hello
	// AutoPrint asks the server to send receipts and kitchen tickets on
	// its own.
	AutoPrint bool

	// Origins are the exact origins (scheme://host[:port]) whose pages may
	// open the local endpoint; the server's own origin is always allowed.
	Origins []string
	// Hosts are extra Host header values the local endpoint answers to,
	// besides 127.0.0.1, localhost and [::1] with its port (a guard
	// against DNS rebinding).
	Hosts []string
	// ServerKey checks the tokens of the local endpoint.
	ServerKey ed25519.PublicKey

	// ServerURL is the server's base URL (http or https); Credential is
	// the device credential from pairing.
	ServerURL  string
	Credential string

	// Heartbeat is the interval of application pings; a peer silent for
	// three of them is dropped. 0 means 15 s.
	Heartbeat time.Duration
	// MinBackoff and MaxBackoff bound the uplink's reconnect waits
	// (jittered). 0 means 500 ms and 30 s.
	MinBackoff, MaxBackoff time.Duration

	// Print queues a job on the printers and returns its first status
	// (queued, duplicate or failed). Later states reach Link.JobStatus.
	Print func(job wire.PrintJob) wire.JobStatus

	Logger *slog.Logger
	Now    func() time.Time
}

// Link connects the bridge's devices to the PWA and the server.
type Link struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	peers   map[*peer]struct{}
	status  wire.DeviceStatus
	uplinkC bool // the uplink is connected
}

// New returns a Link.
func New(cfg Config) *Link {
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.MinBackoff)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Print == nil {
		cfg.Print = func(job wire.PrintJob) wire.JobStatus {
			return wire.JobStatus{ID: job.ID, State: wire.JobFailed, Error: "this bridge has no printer"}
		}
	}
	return &Link{cfg: cfg, log: cfg.Logger, peers: map[*peer]struct{}{}}
}

// peer is one connection: a PWA on the local endpoint or the server.
type peer struct {
	name string // "local" or "uplink", for logs
	out  chan []byte
	gone chan struct{}
	once sync.Once
}

func (p *peer) drop() { p.once.Do(func() { close(p.gone) }) }

func (l *Link) add(p *peer) {
	l.mu.Lock()
	l.peers[p] = struct{}{}
	l.mu.Unlock()
}

func (l *Link) remove(p *peer) {
	l.mu.Lock()
	delete(l.peers, p)
	l.mu.Unlock()
	p.drop()
}

// broadcast sends m to every connected peer. A peer that cannot keep up
// is dropped (it reconnects) rather than slowing the others.
func (l *Link) broadcast(m wire.BridgeMessage) {
	b, err := wire.EncodeBridge(m)
	if err != nil {
		l.log.Error("link: encode message", "type", m.Type, "err", err)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for p := range l.peers {
		select {
		case p.out <- b:
		default:
			l.log.Warn("link: peer too slow, dropping it", "peer", p.name)
			p.drop()
		}
	}
}

// Scan hands a scanned code to whoever is connected now: the PWAs on the
// local endpoint and the server. With nobody connected it goes nowhere.
func (l *Link) Scan(code string) {
	l.broadcast(wire.BridgeMessage{Type: wire.BridgeScan, Scan: &wire.Scan{Code: code, At: l.cfg.Now().UTC()}})
}

// SetStatus records the devices' state and tells every peer.
func (l *Link) SetStatus(s wire.DeviceStatus) {
	l.mu.Lock()
	l.status = s
	l.mu.Unlock()
	l.broadcast(wire.BridgeMessage{Type: wire.BridgeDeviceStatus, Device: &s})
}

// Status returns the devices' state last recorded.
func (l *Link) Status() wire.DeviceStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// JobStatus tells every peer what became of a print job (printed, failed).
func (l *Link) JobStatus(s wire.JobStatus) {
	l.broadcast(wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &s})
}

// Peers returns how many local clients and uplinks are connected.
func (l *Link) Peers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.peers)
}

func (l *Link) hello() wire.BridgeMessage {
	return wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{Version: l.cfg.Version, BridgeID: l.cfg.BridgeID,
		StoreID: l.cfg.StoreID, Capabilities: l.cfg.Capabilities, AutoPrint: l.cfg.AutoPrint}}
}

// errViolation ends a connection whose peer broke the protocol.
var errViolation = errors.New("link: protocol violation")

// serve runs one connection after its handshake: it says hello and the
// device status, then answers prints and pings and forwards broadcasts,
// until ctx ends, the peer goes or breaks the protocol, or it is silent
// for three heartbeats.
func (l *Link) serve(ctx context.Context, ws *websocket.Conn, p *peer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws.SetReadLimit(wire.MaxBridgeMessage)
	write := func(b []byte) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, b)
	}
	hello, _ := wire.EncodeBridge(l.hello())
	if err := write(hello); err != nil {
		return err
	}
	l.add(p)
	defer l.remove(p)
	st := l.Status()
	if b, err := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgeDeviceStatus, Device: &st}); err == nil {
		if err := write(b); err != nil {
			return err
		}
	}

	replies := make(chan []byte, 16)
	heard := make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() { errc <- l.read(ctx, ws, p, replies, heard) }()
	defer func() {
		cancel()
		<-errc
	}()

	tick := time.NewTicker(l.cfg.Heartbeat)
	defer tick.Stop()
	silent := 0
	var seq uint64
	for {
		select {
		case <-ctx.Done():
			ws.Close(websocket.StatusGoingAway, "bridge stopping")
			return nil
		case <-p.gone:
			ws.Close(websocket.StatusTryAgainLater, "too slow")
			return errors.New("link: peer too slow")
		case err := <-errc:
			errc <- err
			return err
		case <-heard:
			silent = 0
		case b := <-replies:
			if err := write(b); err != nil {
				return err
			}
		case b := <-p.out:
			if err := write(b); err != nil {
				return err
			}
		case <-tick.C:
			if silent++; silent > 3 {
				ws.Close(websocket.StatusGoingAway, "no heartbeat")
				return errors.New("link: peer silent")
			}
			seq++
			b, _ := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePing, Seq: seq})
			if err := write(b); err != nil {
				return err
			}
		}
	}
}

// read handles what the peer sends. A message that is too large, not
// text, malformed, or of a type a peer may not send closes the connection
// after it is logged.
func (l *Link) read(ctx context.Context, ws *websocket.Conn, p *peer, replies chan<- []byte, heard chan<- struct{}) error {
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) || websocket.CloseStatus(err) == websocket.StatusMessageTooBig {
				l.log.Warn("link: message too large, connection closed", "peer", p.name, "limit", wire.MaxBridgeMessage)
				return errViolation
			}
			return err
		}
		select {
		case heard <- struct{}{}:
		default:
		}
		if typ != websocket.MessageText {
			l.log.Warn("link: binary message refused, connection closed", "peer", p.name)
			ws.Close(websocket.StatusUnsupportedData, "text messages only")
			return errViolation
		}
		m, err := wire.DecodeBridge(data)
		if err != nil {
			l.log.Warn("link: malformed message, connection closed", "peer", p.name, "err", err)
			ws.Close(websocket.StatusPolicyViolation, "malformed message")
			return errViolation
		}
		var reply wire.BridgeMessage
		switch m.Type {
		case wire.BridgePrint:
			st := l.cfg.Print(*m.Print)
			l.log.Info("link: print job", "peer", p.name, "job", m.Print.ID, "state", st.State)
			reply = wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &st}
		case wire.BridgePing:
			reply = wire.BridgeMessage{Type: wire.BridgePong, Seq: m.Seq}
		case wire.BridgePong:
			continue
		default:
			l.log.Warn("link: message type not accepted from peer, connection closed", "peer", p.name, "type", m.Type)
			ws.Close(websocket.StatusPolicyViolation, m.Type+" is not accepted here")
			return errViolation
		}
		b, err := wire.EncodeBridge(reply)
		if err != nil {
			return err
		}
		select {
		case replies <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
