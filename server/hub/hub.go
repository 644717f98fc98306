// Package hub fans events out to the WebSocket connections of a store's
// terminals. Publishing never blocks: a subscriber that cannot keep up is
// dropped, and its terminal reconnects and reloads what it shows.
package hub

import "sync"

// Hub routes messages to subscribers by store.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[*Subscription]struct{}
}

// New returns an empty Hub.
func New() *Hub { return &Hub{subs: map[string]map[*Subscription]struct{}{}} }

// Subscription receives the messages of one store until it is closed.
type Subscription struct {
	h     *Hub
	store string
	c     chan []byte
	// Dropped is closed when the hub gave up on this subscriber (too slow)
	// or the subscription was closed.
	dropped chan struct{}
	once    sync.Once
}

// Subscribe registers a subscriber for store's messages, buffering up to
// buffer of them.
func (h *Hub) Subscribe(store string, buffer int) *Subscription {
	s := &Subscription{h: h, store: store, c: make(chan []byte, buffer), dropped: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[store] == nil {
		h.subs[store] = map[*Subscription]struct{}{}
	}
	h.subs[store][s] = struct{}{}
	return s
}

// C delivers messages.
func (s *Subscription) C() <-chan []byte { return s.c }

// Done is closed when the subscription ended (closed, or dropped for being
// too slow).
func (s *Subscription) Done() <-chan struct{} { return s.dropped }

// Close ends the subscription. It is safe to call more than once.
func (s *Subscription) Close() {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	s.h.remove(s)
}

// remove must be called with h.mu held.
func (h *Hub) remove(s *Subscription) {
	if m := h.subs[s.store]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.subs, s.store)
		}
	}
	s.once.Do(func() { close(s.dropped) })
}

// Publish sends msg to every subscriber of store. A subscriber whose buffer
// is full is dropped rather than slowing everyone down.
func (h *Hub) Publish(store string, msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[store] {
		select {
		case s.c <- msg:
		default:
			h.remove(s)
		}
	}
}

// Count returns the number of subscribers of store.
func (h *Hub) Count(store string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[store])
}
