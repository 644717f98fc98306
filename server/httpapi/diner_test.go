package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/wire"
	"qrpos/server/demo"
)

// stickerLink returns the link of a table's sticker, as a manager sees it.
func stickerLink(t *testing.T, mgr *terminal, table string) string {
	t.Helper()
	resp, body := mgr.do("GET", "/api/tables/"+table+"/link", nil, nil)
	var l wire.TableLink
	if resp.StatusCode != 200 || json.Unmarshal(body, &l) != nil {
		t.Fatalf("link of %s: %d %s", table, resp.StatusCode, body)
	}
	return l.Link
}

func (tm *terminal) joinTable(link string) wire.DinerTable {
	tm.t.Helper()
	resp, body := tm.do("POST", "/api/t/"+link+"/join", nil, nil)
	var dt wire.DinerTable
	if resp.StatusCode != 200 || json.Unmarshal(body, &dt) != nil {
		tm.t.Fatalf("join: %d %s", resp.StatusCode, body)
	}
	return dt
}

// dinerStream opens /ws/diner with the phone's cookie and returns a
// function reading the next event that is not a ping.
func dinerStream(t *testing.T, ctx context.Context, e *env, phone *terminal) (func() (wire.Event, error), *websocket.Conn) {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws/diner", &websocket.DialOptions{HTTPClient: phone.client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return func() (wire.Event, error) {
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				return wire.Event{}, err
			}
			var ev wire.Event
			if err := json.Unmarshal(msg, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Type != wire.EventPing {
				return ev, nil
			}
		}
	}, c
}

func TestDinerJoinAndScope(t *testing.T) {
	e := newEnv(t)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")
	link5, link3 := stickerLink(t, mgr, "t5"), stickerLink(t, mgr, "t3")
	phone, other := e.terminal(t), e.terminal(t)

	// Without the CSRF header a join is refused; a tampered link opens nothing.
	resp, body := phone.do("POST", "/api/t/"+link5+"/join", nil, map[string]string{wire.HeaderCSRF: ""})
	if resp.StatusCode != 403 {
		t.Errorf("join without CSRF header: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = phone.do("POST", "/api/t/"+link5[:len(link5)-2]+"xx/join", nil, nil)
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeBadTableLink {
		t.Errorf("tampered link: %d %s, want 422 bad_table_link", resp.StatusCode, body)
	}
	resp, body = phone.do("GET", "/api/diner/table", nil, nil)
	if resp.StatusCode != 401 {
		t.Errorf("diner table before joining: %d %s, want 401", resp.StatusCode, body)
	}

	resp, body = phone.do("POST", "/api/t/"+link5+"/join", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("join: %d %s", resp.StatusCode, body)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == wire.DinerCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Value == "" {
		t.Fatalf("diner cookie = %+v; want HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	var dt wire.DinerTable
	json.Unmarshal(body, &dt)
	if dt.Table.ID != "t5" || dt.Table.Name != "Table 5" || dt.Store.Name == "" || dt.Store.Currency != "CNY" || dt.TableSessionID == "" || dt.Order != nil {
		t.Errorf("join answer = %+v; want table 5 of the demo store, a session, no order", dt)
	}
	// The staff session cookie means nothing to diner endpoints, and a
	// diner cookie nothing to staff ones.
	if resp, _ := cashier.do("GET", "/api/diner/table", nil, nil); resp.StatusCode != 401 {
		t.Errorf("staff cookie on a diner endpoint: %d, want 401", resp.StatusCode)
	}
	for _, p := range []string{"/api/orders", "/api/menu", "/api/tables", "/api/tables/t5/link"} {
		if resp, _ := phone.do("GET", p, nil, nil); resp.StatusCode != 401 {
			t.Errorf("diner cookie on %s: %d, want 401", p, resp.StatusCode)
		}
	}
	other.joinTable(link3)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	next, _ := dinerStream(t, ctx, e, phone)
	if ev, err := next(); err != nil || ev.Type != wire.EventHello {
		t.Fatalf("first event %+v, %v; want hello", ev, err)
	}
	// Table 3's order is not table 5's business; table 5's is.
	cashier.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o3", TableID: "t3"}, nil)
	cashier.do("POST", "/api/orders", wire.CreateOrderRequest{ID: "o5", TableID: "t5"}, nil)
	ev, err := next()
	if err != nil || ev.Type != wire.EventOrderUpdated || ev.Order.ID != "o5" {
		t.Fatalf("event = %+v, %v; want order.updated of o5 only", ev, err)
	}
	resp, body = phone.do("GET", "/api/diner/table", nil, nil)
	json.Unmarshal(body, &dt)
	if resp.StatusCode != 200 || dt.Order == nil || dt.Order.ID != "o5" {
		t.Errorf("diner table: %d %s; want o5 as the order", resp.StatusCode, body)
	}

	// Clearing the table ends the stream and the diner.
	resp, body = cashier.do("POST", "/api/tables/t5/clear", nil, nil)
	if resp.StatusCode != 204 {
		t.Fatalf("clear: %d %s", resp.StatusCode, body)
	}
	for {
		ev, err := next()
		if err != nil {
			t.Fatalf("stream ended without table.cleared: %v", err)
		}
		if ev.Type == wire.EventTableCleared {
			break
		}
	}
	if _, err := next(); err == nil {
		t.Error("stream still open after table.cleared")
	}
	resp, body = phone.do("GET", "/api/diner/table", nil, nil)
	if resp.StatusCode != 410 || errCode(t, body).Code != wire.CodeTableSessionEnded {
		t.Errorf("diner after clearing: %d %s; want 410 table_session_ended", resp.StatusCode, body)
	}
	if resp, _ := other.do("GET", "/api/diner/table", nil, nil); resp.StatusCode != 200 {
		t.Errorf("table 3's diner after clearing table 5: %d, want 200", resp.StatusCode)
	}
	// Scanning again seats the phone in a new session.
	if dt2 := phone.joinTable(link5); dt2.TableSessionID == dt.TableSessionID {
		t.Errorf("join after clearing kept session %s", dt.TableSessionID)
	}
}
