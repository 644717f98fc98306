// Package relay holds the bridges connected to the server over their
// uplink WebSocket, so the server can hand them print jobs (from tablets
// that cannot reach the counter PC, and receipts it prints on its own) and
// keep their last device status for the PWA. It does no I/O itself: the
// HTTP layer owns each connection and moves the messages.
package relay

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"qrpos/internal/wire"
)

// Errors of Print.
var (
	ErrOffline = errors.New("relay: bridge not connected")
	ErrTimeout = errors.New("relay: bridge did not answer in time")
	ErrBusy    = errors.New("relay: bridge is not keeping up")
)

// Relay is the set of connected bridges. It is safe for concurrent use.
type Relay struct {
	mu    sync.Mutex
	conns map[string]*Conn // by bridge id
}

// New returns an empty Relay.
func New() *Relay { return &Relay{conns: map[string]*Conn{}} }

// Conn is one connected bridge. Messages for it wait in Out, which the
// connection's writer drains; Gone is closed when it was replaced or
// disconnected.
type Conn struct {
	BridgeID string
	StoreID  string
	Hello    wire.Hello
	// BaseURL is the address the bridge reached the server at, for links
	// printed on receipts when the server has no public URL.
	BaseURL string

	out  chan []byte
	gone chan struct{}
	once sync.Once

	mu      sync.Mutex
	status  *wire.DeviceStatus
	waiters map[string][]chan wire.JobStatus
	after   map[string]func(wire.JobStatus)
}

// Out delivers encoded messages for the bridge.
func (c *Conn) Out() <-chan []byte { return c.out }

// Gone is closed when the connection should end: the bridge was revoked,
// or connected again elsewhere.
func (c *Conn) Gone() <-chan struct{} { return c.gone }

func (c *Conn) close() { c.once.Do(func() { close(c.gone) }) }

// Attach registers a bridge that said hello; an older connection of the
// same bridge is told to go.
func (r *Relay) Attach(storeID string, h wire.Hello, baseURL string) *Conn {
	c := &Conn{BridgeID: h.BridgeID, StoreID: storeID, Hello: h, BaseURL: baseURL,
		out: make(chan []byte, 64), gone: make(chan struct{}),
		waiters: map[string][]chan wire.JobStatus{}, after: map[string]func(wire.JobStatus){}}
	r.mu.Lock()
	old := r.conns[h.BridgeID]
	r.conns[h.BridgeID] = c
	r.mu.Unlock()
	if old != nil {
		old.close()
	}
	return c
}

// Detach removes c if it is still the bridge's connection.
func (r *Relay) Detach(c *Conn) {
	r.mu.Lock()
	if r.conns[c.BridgeID] == c {
		delete(r.conns, c.BridgeID)
	}
	r.mu.Unlock()
	c.close()
}

// Disconnect tells a bridge's connection to end (after a revocation).
func (r *Relay) Disconnect(bridgeID string) {
	r.mu.Lock()
	c := r.conns[bridgeID]
	r.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// Conn returns the connection of a bridge of storeID, if it is connected.
func (r *Relay) Conn(storeID, bridgeID string) (*Conn, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[bridgeID]
	if !ok || c.StoreID != storeID {
		return nil, false
	}
	return c, true
}

// AutoPrinters returns the connected bridges of a store that asked for
// receipts and kitchen tickets to be sent on their own.
func (r *Relay) AutoPrinters(storeID string) []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Conn
	for _, c := range r.conns {
		if c.StoreID == storeID && c.Hello.AutoPrint {
			out = append(out, c)
		}
	}
	return out
}

// Conns returns every connected bridge of a store.
func (r *Relay) Conns(storeID string) []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Conn
	for _, c := range r.conns {
		if c.StoreID == storeID {
			out = append(out, c)
		}
	}
	return out
}

// SetStatus keeps the bridge's last device status.
func (c *Conn) SetStatus(s wire.DeviceStatus) {
	c.mu.Lock()
	c.status = &s
	c.mu.Unlock()
}

// Status returns the last device status, if any.
func (c *Conn) Status() *wire.DeviceStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == nil {
		return nil
	}
	s := *c.status
	return &s
}

// Send queues a print job for the bridge without waiting. after, if not
// nil, is called with the first status the bridge reports for the job,
// from the connection's reader.
func (c *Conn) Send(job wire.PrintJob, after func(wire.JobStatus)) error {
	b, err := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePrint, Print: &job})
	if err != nil {
		return err
	}
	if after != nil {
		c.mu.Lock()
		c.after[job.ID] = after
		c.mu.Unlock()
	}
	if err := c.push(b); err != nil {
		c.mu.Lock()
		delete(c.after, job.ID)
		c.mu.Unlock()
		return err
	}
	return nil
}

// push queues an encoded message; it never blocks.
func (c *Conn) push(b []byte) error {
	select {
	case <-c.gone:
		return ErrOffline
	default:
	}
	select {
	case c.out <- b:
		return nil
	default:
		return ErrBusy
	}
}

// Print sends a job and waits for the bridge's first answer about it
// (queued, duplicate or failed) until ctx ends.
func (c *Conn) Print(ctx context.Context, job wire.PrintJob) (wire.JobStatus, error) {
	ch := make(chan wire.JobStatus, 1)
	c.mu.Lock()
	c.waiters[job.ID] = append(c.waiters[job.ID], ch)
	c.mu.Unlock()
	defer c.unwait(job.ID, ch)
	if err := c.Send(job, nil); err != nil {
		return wire.JobStatus{}, err
	}
	select {
	case st := <-ch:
		return st, nil
	case <-c.gone:
		return wire.JobStatus{}, fmt.Errorf("%w: it went away before answering", ErrOffline)
	case <-ctx.Done():
		return wire.JobStatus{}, ErrTimeout
	}
}

func (c *Conn) unwait(id string, ch chan wire.JobStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ws := c.waiters[id]
	for i, w := range ws {
		if w == ch {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(c.waiters, id)
	} else {
		c.waiters[id] = ws
	}
}

// JobStatus delivers a job.status from the bridge to whoever waits for it.
func (c *Conn) JobStatus(st wire.JobStatus) {
	c.mu.Lock()
	ws := c.waiters[st.ID]
	delete(c.waiters, st.ID)
	after := c.after[st.ID]
	delete(c.after, st.ID)
	c.mu.Unlock()
	for _, w := range ws {
		select {
		case w <- st:
		default:
		}
	}
	if after != nil {
		after(st)
	}
}

// Pong queues the answer to a bridge's ping.
func (c *Conn) Pong(seq uint64) error {
	b, err := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePong, Seq: seq})
	if err != nil {
		return err
	}
	return c.push(b)
}
