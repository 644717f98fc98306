// Package client is the browser-side client of the QRPOS HTTP API and of its
// WebSocket event stream. In the browser it uses fetch and WebSocket through
// go-app's JavaScript bridge, never net/http. Every state-changing request gets
// a device-generated idempotency key and is written to a small persisted
// outbox before it is first sent, so a retry (after a network failure or a
// restart of the app) names the same key and the server answers it once.
//
// The native build (used when the server prerenders pages) compiles to a
// transport whose calls fail with ErrNoBrowser.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"sync"
	"time"

	"qrpos/internal/wire"
)

// ErrNoBrowser is returned by the native build, which has no fetch.
var ErrNoBrowser = errors.New("client: not running in a browser")

// ErrNetwork wraps failures where no HTTP answer arrived.
var ErrNetwork = errors.New("no connection to the server")

// Error is an answer of the API with a 4xx or 5xx status.
type Error struct {
	Status int
	wire.ErrorBody
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	if e.Code != "" {
		return e.Code
	}
	return "server answered " + strconv.Itoa(e.Status)
}

// AsError returns the API error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsUnauthorized reports whether err means the session is missing or over.
func IsUnauthorized(err error) bool {
	e, ok := AsError(err)
	return ok && (e.Status == 401 && e.Code != wire.CodeWrongPIN)
}

// Request is one HTTP request for a transport.
type Request struct {
	Method string
	Path   string
	Body   []byte // JSON, nil for none
	Key    string // idempotency key, empty for none
	// Mutation asks for the CSRF header.
	Mutation bool
	// Wallet is a wallet device's credential, sent in wire.HeaderWallet
	// (the wallet's cookie carries it too; the header survives a cleared
	// cookie).
	Wallet string
}

// Response is what a transport got back: any HTTP status counts.
type Response struct {
	Status   int
	Body     []byte
	Replayed bool
}

// transport performs a request. It returns an error only when no HTTP answer
// arrived (network failure, abort).
type transport func(ctx context.Context, r Request) (Response, error)

// Client calls the QRPOS API. Create it with New; it is safe for concurrent use.
type Client struct {
	do     transport
	dial   dialer
	outbox *Outbox
	rand   io.Reader
	now    func() time.Time
	// attempts is how many sends a foreground mutation makes before it gives
	// up and leaves the request in the outbox for a later Flush.
	attempts int
	backoff  func(attempt int) time.Duration

	mu       sync.Mutex
	inflight map[string]bool

	bridgesOnce sync.Once
	bridges     *Bridges // see Bridges
}

func newClient(do transport, store Storage, random io.Reader, now func() time.Time) *Client {
	return &Client{
		do:       do,
		outbox:   NewOutbox(store, OutboxKey),
		rand:     random,
		now:      now,
		attempts: 4,
		backoff:  Backoff,
		inflight: make(map[string]bool),
	}
}

// Outbox returns the client's persisted outbox.
func (c *Client) Outbox() *Outbox { return c.outbox }

// NewID returns a random UUIDv4 for an order, line or tender.
func (c *Client) NewID() string {
	id, err := NewUUID(c.rand)
	if err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(err)
	}
	return id
}

// Backoff is the wait before retry number attempt+1: 0.5 s, 1 s, 2 s, ...
// capped at 15 s.
func Backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond
	for i := 0; i < attempt && d < 15*time.Second; i++ {
		d *= 2
	}
	return min(d, 15*time.Second)
}

// get performs a read and decodes the answer into out.
func (c *Client) get(ctx context.Context, path string, out any) error {
	resp, err := c.do(ctx, Request{Method: "GET", Path: path})
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// direct performs a mutation that must not be stored or retried (login and
// logout: a PIN never goes to storage).
func (c *Client) direct(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
		body = b
	}
	resp, err := c.do(ctx, Request{Method: method, Path: path, Body: body, Mutation: true})
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// keyed performs a mutation with a fresh idempotency key, retried like
// mutate, but never written to storage: its body may hold a PIN.
func (c *Client) keyed(ctx context.Context, method, path string, in, out any) error {
	key, err := NewUUID(c.rand)
	if err != nil {
		return err
	}
	return c.keyedWith(ctx, key, method, path, in, out)
}

// keyedWith is keyed under the caller's idempotency key: the caller keeps
// the key until an answer arrives, so that trying again after a network
// failure names the same request.
func (c *Client) keyedWith(ctx context.Context, key, method, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("client: encode %s %s: %w", method, path, err)
	}
	err = c.deliver(ctx, Pending{Key: key, Method: method, Path: path, Body: string(b), Created: c.now()}, out, c.attempts)
	if err != nil && !isAPIError(err) && !errors.Is(err, ErrNoBrowser) && errors.Unwrap(err) != nil {
		return fmt.Errorf("%w: nothing is kept on this device; try again", errors.Unwrap(err))
	}
	return err
}

// walletCall performs a wallet page's request with its device credential.
func (c *Client) walletCall(ctx context.Context, method, path, credential string, in, out any) error {
	r := Request{Method: method, Path: path, Wallet: credential, Mutation: method != "GET"}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
		r.Body = b
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// mutate persists a state-changing request with a fresh idempotency key in
// the outbox, then delivers it.
func (c *Client) mutate(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
		body = b
	}
	key, err := NewUUID(c.rand)
	if err != nil {
		return err
	}
	p := Pending{Key: key, Method: method, Path: path, Body: string(body), Created: c.now()}
	if err := c.outbox.Add(p); err != nil {
		return err
	}
	return c.deliver(ctx, p, out, c.attempts)
}

// deliver sends p until an HTTP answer arrives (then removes it from the
// outbox) or attempts run out (then leaves it there).
func (c *Client) deliver(ctx context.Context, p Pending, out any, attempts int) error {
	c.mu.Lock()
	c.inflight[p.Key] = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inflight, p.Key)
		c.mu.Unlock()
	}()

	req := Request{Method: p.Method, Path: p.Path, Key: p.Key, Mutation: true}
	if p.Body != "" {
		req.Body = []byte(p.Body)
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.do(ctx, req)
		if err == nil {
			if err := c.outbox.Remove(p.Key); err != nil {
				return err
			}
			return decode(resp, out)
		}
		if errors.Is(err, ErrNoBrowser) {
			return err
		}
		if attempt+1 >= attempts || ctx.Err() != nil {
			return fmt.Errorf("%w: the request is kept and will be sent again", err)
		}
		t := time.NewTimer(c.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w: the request is kept and will be sent again", err)
		case <-t.C:
		}
	}
}

// Flush sends again every request left in the outbox (from an earlier run of
// the app or after a network failure), oldest first, once each. It returns
// how many got an answer.
func (c *Client) Flush(ctx context.Context) (int, error) {
	list, err := c.outbox.List()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range list {
		c.mu.Lock()
		busy := c.inflight[p.Key]
		c.mu.Unlock()
		if busy {
			continue
		}
		err := c.deliver(ctx, p, nil, 1)
		if err != nil && !isAPIError(err) {
			return n, err
		}
		n++
	}
	return n, nil
}

func isAPIError(err error) bool {
	_, ok := AsError(err)
	return ok
}

// decode turns an HTTP answer into out or an *Error.
func decode(resp Response, out any) error {
	if resp.Status >= 400 {
		e := &Error{Status: resp.Status}
		var body wire.Error
		if err := json.Unmarshal(resp.Body, &body); err == nil && body.Error.Code != "" {
			e.ErrorBody = body.Error
		} else {
			e.Code = "http_" + strconv.Itoa(resp.Status)
			e.Message = "The server answered with an error (" + strconv.Itoa(resp.Status) + "). Try again."
		}
		return e
	}
	if out == nil || len(resp.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return fmt.Errorf("client: decode answer: %w", err)
	}
	return nil
}

// ---- API calls ----

// LoginStaff lists the staff who may log in (default store when storeID is empty).
func (c *Client) LoginStaff(ctx context.Context, storeID string) (wire.LoginStaff, error) {
	var v wire.LoginStaff
	p := "/api/login/staff"
	if storeID != "" {
		p += "?store=" + url.QueryEscape(storeID)
	}
	err := c.get(ctx, p, &v)
	return v, err
}

// Login checks a PIN and starts a session (the cookie is set by the server).
func (c *Client) Login(ctx context.Context, r wire.LoginRequest) (wire.Session, error) {
	var v wire.Session
	err := c.direct(ctx, "POST", "/api/login", r, &v)
	return v, err
}

// Logout ends the session.
func (c *Client) Logout(ctx context.Context) error {
	return c.direct(ctx, "POST", "/api/logout", nil, nil)
}

// Session returns the current session; a 401 *Error means none.
func (c *Client) Session(ctx context.Context) (wire.Session, error) {
	var v wire.Session
	err := c.get(ctx, "/api/session", &v)
	return v, err
}

// Menu returns the store's menu.
func (c *Client) Menu(ctx context.Context) (wire.Menu, error) {
	var v wire.Menu
	err := c.get(ctx, "/api/menu", &v)
	return v, err
}

// Tables returns the tables with their active order ids.
func (c *Client) Tables(ctx context.Context) ([]wire.Table, error) {
	var v wire.TableList
	err := c.get(ctx, "/api/tables", &v)
	return v.Tables, err
}

// Orders lists orders: status "open" for active ones, "closed" for today's
// closed and void ones.
func (c *Client) Orders(ctx context.Context, status string) ([]wire.Order, error) {
	var v wire.OrderList
	err := c.get(ctx, "/api/orders?status="+url.QueryEscape(status), &v)
	return v.Orders, err
}

// Order returns one order.
func (c *Client) Order(ctx context.Context, id string) (wire.Order, error) {
	var v wire.Order
	err := c.get(ctx, "/api/orders/"+url.PathEscape(id), &v)
	return v, err
}

// CreateOrder opens an order for a table ("" for a quick sale).
func (c *Client) CreateOrder(ctx context.Context, r wire.CreateOrderRequest) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "POST", "/api/orders", r, &v)
	return v, err
}

// AddLine adds an item to an order.
func (c *Client) AddLine(ctx context.Context, orderID string, r wire.AddLineRequest) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/lines", r, &v)
	return v, err
}

// UpdateLine changes a line's quantity or note.
func (c *Client) UpdateLine(ctx context.Context, orderID, lineID string, r wire.UpdateLineRequest) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "PATCH", "/api/orders/"+url.PathEscape(orderID)+"/lines/"+url.PathEscape(lineID), r, &v)
	return v, err
}

// DeleteLine removes a line.
func (c *Client) DeleteLine(ctx context.Context, orderID, lineID string) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "DELETE", "/api/orders/"+url.PathEscape(orderID)+"/lines/"+url.PathEscape(lineID), nil, &v)
	return v, err
}

// Send sends the order's new lines to the kitchen.
func (c *Client) Send(ctx context.Context, orderID string) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/send", nil, &v)
	return v, err
}

// Cash applies a cash tender.
func (c *Client) Cash(ctx context.Context, orderID string, r wire.CashRequest) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/cash", r, &v)
	return v, err
}

// Void cancels an unpaid order.
func (c *Client) Void(ctx context.Context, orderID string, r wire.VoidRequest) (wire.Order, error) {
	var v wire.Order
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/void", r, &v)
	return v, err
}

// Staff lists the store's staff (manager and above).
func (c *Client) Staff(ctx context.Context) ([]wire.StaffInfo, error) {
	var v wire.StaffList
	err := c.get(ctx, "/api/staff", &v)
	return v.Staff, err
}

// Unlock clears a member of staff's PIN lock (manager and above).
func (c *Client) Unlock(ctx context.Context, staffID string) (wire.StaffInfo, error) {
	var v wire.StaffInfo
	err := c.mutate(ctx, "POST", "/api/staff/"+url.PathEscape(staffID)+"/unlock", nil, &v)
	return v, err
}
