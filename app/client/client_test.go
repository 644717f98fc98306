package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/wire"
)

func TestNewUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id, err := NewUUID(rand.Reader)
		if err != nil {
			t.Fatalf("NewUUID: %v", err)
		}
		if !re.MatchString(id) {
			t.Fatalf("got %q, want a UUIDv4", id)
		}
		if seen[id] {
			t.Fatalf("got %q twice", id)
		}
		seen[id] = true
	}
	if _, err := NewUUID(bytes.NewReader(nil)); err == nil {
		t.Errorf("got nil error from an empty reader, want one")
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 500 * time.Millisecond},
		{1, time.Second},
		{2, 2 * time.Second},
		{5, 15 * time.Second},
		{50, 15 * time.Second},
	}
	for _, tt := range tests {
		if got := Backoff(tt.attempt); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestOutboxPersists(t *testing.T) {
	store := &MemoryStorage{}
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	a := Pending{Key: "k1", Method: "POST", Path: "/api/orders", Body: `{"id":"o1"}`, Created: at}
	b := Pending{Key: "k2", Method: "DELETE", Path: "/api/orders/o1/lines/l1", Created: at}

	o := NewOutbox(store, OutboxKey)
	for _, p := range []Pending{a, b, a} {
		if err := o.Add(p); err != nil {
			t.Fatalf("Add(%s): %v", p.Key, err)
		}
	}
	// A second outbox over the same storage is the app started again.
	again := NewOutbox(store, OutboxKey)
	got, err := again.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if diff := cmp.Diff([]Pending{a, b}, got); diff != "" {
		t.Errorf("after restart (-want +got):\n%s", diff)
	}
	if err := again.Remove("k1"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if err := again.Remove("absent"); err != nil {
		t.Fatalf("Remove(absent): %v", err)
	}
	got, _ = o.List()
	if diff := cmp.Diff([]Pending{b}, got); diff != "" {
		t.Errorf("after Remove (-want +got):\n%s", diff)
	}
}

func TestOutboxCorruptStorage(t *testing.T) {
	store := &MemoryStorage{}
	store.SetItem(OutboxKey, "{not json")
	o := NewOutbox(store, OutboxKey)
	if _, err := o.List(); err == nil {
		t.Errorf("List of corrupt storage: got nil error, want one")
	}
	if err := o.Add(Pending{Key: "k"}); err != nil {
		t.Fatalf("Add over corrupt storage: %v", err)
	}
	got, err := o.List()
	if err != nil || len(got) != 1 {
		t.Errorf("got %d pending, err %v; want 1, nil", len(got), err)
	}
}

// script is a fake transport answering from a list of outcomes and
// recording what it was sent.
type script struct {
	outcomes []func(Request) (Response, error)
	sent     []Request
	store    *MemoryStorage
	// pendingAtSend records how many requests were in the outbox when each
	// request went out.
	pendingAtSend []int
}

func (s *script) do(ctx context.Context, r Request) (Response, error) {
	s.sent = append(s.sent, r)
	list, _ := NewOutbox(s.store, OutboxKey).List()
	s.pendingAtSend = append(s.pendingAtSend, len(list))
	f := s.outcomes[0]
	if len(s.outcomes) > 1 {
		s.outcomes = s.outcomes[1:]
	}
	return f(r)
}

func netErr(Request) (Response, error) { return Response{}, ErrNetwork }

func answer(status int, body any) func(Request) (Response, error) {
	return func(Request) (Response, error) {
		b, _ := json.Marshal(body)
		return Response{Status: status, Body: b}, nil
	}
}

func newTestClient(s *script) *Client {
	c := newClient(s.do, s.store, rand.Reader, func() time.Time { return time.Unix(0, 0) })
	c.backoff = func(int) time.Duration { return time.Millisecond }
	return c
}

func TestMutationRetriesWithSameKey(t *testing.T) {
	order := wire.Order{ID: "o1", Status: wire.OrderOpen}
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr, netErr, answer(201, order)}}
	c := newTestClient(s)

	got, err := c.CreateOrder(t.Context(), wire.CreateOrderRequest{ID: "o1", TableID: "t3"})
	if err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	if got.ID != "o1" {
		t.Errorf("got order %q, want o1", got.ID)
	}
	if len(s.sent) != 3 {
		t.Fatalf("got %d sends, want 3", len(s.sent))
	}
	key := s.sent[0].Key
	for i, r := range s.sent {
		if r.Key != key || key == "" {
			t.Errorf("send %d: got key %q, want %q (non-empty, same each time)", i, r.Key, key)
		}
		if !r.Mutation {
			t.Errorf("send %d: got Mutation false, want true (CSRF header)", i)
		}
		if s.pendingAtSend[i] != 1 {
			t.Errorf("send %d: got %d pending in outbox while sending, want 1", i, s.pendingAtSend[i])
		}
	}
	if list, _ := c.Outbox().List(); len(list) != 0 {
		t.Errorf("got %d pending after an answer, want 0", len(list))
	}
}

func TestMutationKeptWhenOffline(t *testing.T) {
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr}}
	c := newTestClient(s)
	_, err := c.Send(t.Context(), "o1")
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("got error %v, want ErrNetwork", err)
	}
	list, _ := c.Outbox().List()
	if len(list) != 1 || list[0].Path != "/api/orders/o1/send" {
		t.Fatalf("got outbox %+v, want the send request", list)
	}

	// The app starts again, the network is back: Flush sends the same key.
	s2 := &script{store: s.store, outcomes: []func(Request) (Response, error){answer(200, wire.Order{ID: "o1"})}}
	c2 := newTestClient(s2)
	n, err := c2.Flush(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("Flush = %d, %v; want 1, nil", n, err)
	}
	if got, want := s2.sent[0].Key, list[0].Key; got != want {
		t.Errorf("flushed key %q, want %q", got, want)
	}
	if list, _ := c2.Outbox().List(); len(list) != 0 {
		t.Errorf("got %d pending after flush, want 0", len(list))
	}
}

func TestAPIErrorIsDefinitive(t *testing.T) {
	body := wire.Error{Error: wire.ErrorBody{Code: wire.CodeTableBusy, Message: "Table 3 is busy", OrderID: "o9"}}
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(409, body)}}
	c := newTestClient(s)
	_, err := c.CreateOrder(t.Context(), wire.CreateOrderRequest{ID: "o1", TableID: "t3"})
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("got %v, want an *Error", err)
	}
	if e.Status != 409 || e.Code != wire.CodeTableBusy || e.OrderID != "o9" || e.Error() != "Table 3 is busy" {
		t.Errorf("got %+v, want 409 table_busy o9", e)
	}
	if len(s.sent) != 1 {
		t.Errorf("got %d sends, want 1 (an HTTP answer is final)", len(s.sent))
	}
	if list, _ := c.Outbox().List(); len(list) != 0 {
		t.Errorf("got %d pending after a 409, want 0", len(list))
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		resp     Response
		wantCode string
		wantMsg  string
	}{
		{"wrong pin", Response{Status: 401, Body: []byte(`{"error":{"code":"wrong_pin","message":"Wrong PIN, 3 tries left"}}`)}, wire.CodeWrongPIN, "Wrong PIN, 3 tries left"},
		{"html body", Response{Status: 502, Body: []byte(`<html>bad gateway</html>`)}, "http_502", "The server answered with an error (502). Try again."},
		{"ok", Response{Status: 200, Body: []byte(`{}`)}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out wire.Session
			err := decode(tt.resp, &out)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Code != tt.wantCode || e.Error() != tt.wantMsg {
				t.Errorf("got %q %q, want %q %q", e.Code, e.Error(), tt.wantCode, tt.wantMsg)
			}
		})
	}
}

func TestLoginIsNotStored(t *testing.T) {
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(200, wire.Session{})}}
	c := newTestClient(s)
	if _, err := c.Login(t.Context(), wire.LoginRequest{StaffID: "s1", PIN: "1357"}); err != nil {
		t.Fatalf("Login: %v", err)
	}
	if s.pendingAtSend[0] != 0 {
		t.Errorf("got %d pending while logging in, want 0 (a PIN never goes to storage)", s.pendingAtSend[0])
	}
	if s.sent[0].Key != "" {
		t.Errorf("got idempotency key %q on login, want none", s.sent[0].Key)
	}
}

func TestLiveReconnects(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	dials := 0
	c := newTestClient(&script{store: &MemoryStorage{}})
	c.dial = func(ctx context.Context, path string) (*socket, error) {
		dials++
		if dials == 1 {
			return nil, ErrNetwork
		}
		ch := make(chan string, 2)
		ch <- `{"type":"hello"}`
		ch <- `{"type":"order.updated","order":{"id":"o` + string(rune('0'+dials)) + `"}}`
		close(ch)
		return &socket{msgs: ch, close: func() {}}, nil
	}
	var got []string
	var states []bool
	c.Live(ctx, func(ev wire.Event) {
		if ev.Order != nil {
			got = append(got, ev.Order.ID)
		}
		if len(got) == 2 {
			cancel()
		}
	}, func(up bool) { states = append(states, up) })
	if diff := cmp.Diff([]string{"o2", "o3"}, got); diff != "" {
		t.Errorf("orders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{true, false, true, false}, states); diff != "" {
		t.Errorf("connection states (-want +got):\n%s", diff)
	}
}
