package client

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// OutboxKey is the storage key under which the outbox is persisted.
const OutboxKey = "qrpos.outbox.v1"

// Storage is a string key-value store: the browser's localStorage, or memory.
type Storage interface {
	GetItem(key string) (string, bool)
	SetItem(key, value string) error
}

// Pending is a state-changing request waiting for an HTTP answer. It is
// persisted with its idempotency key before the first send.
type Pending struct {
	Key     string    `json:"key"`
	Method  string    `json:"method"`
	Path    string    `json:"path"`
	Body    string    `json:"body,omitempty"`
	Created time.Time `json:"created"`
}

// Outbox is the persisted list of pending requests, oldest first.
type Outbox struct {
	mu    sync.Mutex
	store Storage
	key   string
}

// NewOutbox returns an outbox persisted in store under key.
func NewOutbox(store Storage, key string) *Outbox {
	return &Outbox{store: store, key: key}
}

func (o *Outbox) load() ([]Pending, error) {
	s, ok := o.store.GetItem(o.key)
	if !ok || s == "" {
		return nil, nil
	}
	var list []Pending
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("client: outbox: decode: %w", err)
	}
	return list, nil
}

func (o *Outbox) save(list []Pending) error {
	b, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("client: outbox: encode: %w", err)
	}
	if err := o.store.SetItem(o.key, string(b)); err != nil {
		return fmt.Errorf("client: outbox: save: %w", err)
	}
	return nil
}

// Add appends p, or replaces the pending request with the same key.
func (o *Outbox) Add(p Pending) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	list, err := o.load()
	if err != nil {
		// A corrupt outbox must not block the till: start again.
		list = nil
	}
	for i := range list {
		if list[i].Key == p.Key {
			list[i] = p
			return o.save(list)
		}
	}
	return o.save(append(list, p))
}

// Remove drops the pending request with key (no error if absent).
func (o *Outbox) Remove(key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	list, err := o.load()
	if err != nil {
		return o.save(nil)
	}
	out := list[:0]
	for _, p := range list {
		if p.Key != key {
			out = append(out, p)
		}
	}
	return o.save(out)
}

// List returns the pending requests, oldest first.
func (o *Outbox) List() ([]Pending, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.load()
}

// MemoryStorage is a Storage in memory, for the native build and tests.
type MemoryStorage struct {
	mu sync.Mutex
	m  map[string]string
}

// GetItem implements Storage.
func (s *MemoryStorage) GetItem(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

// SetItem implements Storage.
func (s *MemoryStorage) SetItem(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]string)
	}
	s.m[key] = value
	return nil
}

// NewUUID returns a random RFC 4122 version 4 UUID read from random
// (crypto/rand.Reader in production; it works in WebAssembly).
func NewUUID(random io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("client: uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&0x0f])
	}
	return string(out), nil
}
