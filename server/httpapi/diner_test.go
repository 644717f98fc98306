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

func TestDinerSubmissionsOverHTTP(t *testing.T) {
	e := newEnv(t)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")
	phone, neighbour := e.terminal(t), e.terminal(t)
	phone.joinTable(stickerLink(t, mgr, "t5"))
	neighbour.joinTable(stickerLink(t, mgr, "t3"))

	resp, body := phone.do("GET", "/api/diner/menu", nil, nil)
	var m wire.DinerMenu
	if resp.StatusCode != 200 || json.Unmarshal(body, &m) != nil || m.Currency != "CNY" || len(m.Items) == 0 || len(m.Categories) == 0 {
		t.Fatalf("diner menu: %d %s", resp.StatusCode, body)
	}

	// The tablets hear of the submission at once.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws", &websocket.DialOptions{HTTPClient: cashier.client})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Read(ctx) // hello

	sub := wire.SubmitRequest{ID: "sub-a", Lines: []wire.SubmitLine{{ItemID: "jasmine-tea", Qty: 2}}}
	resp, body = phone.do("POST", "/api/diner/submissions", sub, nil)
	var ans wire.SubmitAnswer
	if resp.StatusCode != 200 || json.Unmarshal(body, &ans) != nil || ans.Submission.State != wire.SubmissionPending ||
		!ans.Order.OpenedByDiner || len(ans.Order.Lines) != 1 || !ans.Order.Lines[0].Pending || ans.Order.Totals.Total.Minor != 0 {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	sawSubmission := false
	for !sawSubmission {
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ev wire.Event
		json.Unmarshal(msg, &ev)
		sawSubmission = ev.Type == wire.EventSubmission && ev.Submission.ID == "sub-a" && ev.Submission.TableName == "Table 5"
	}
	resp, _ = phone.do("POST", "/api/diner/submissions", sub, nil)
	if resp.StatusCode != 200 || resp.Header.Get(wire.HeaderReplayed) != "true" {
		t.Errorf("resubmit: %d replayed=%q; want 200, replayed", resp.StatusCode, resp.Header.Get(wire.HeaderReplayed))
	}

	// Scope: a diner cannot decide, nor reach staff endpoints or another
	// table's order; the neighbour sees only its own table.
	for _, p := range []string{"/api/submissions/sub-a/accept", "/api/orders/" + ans.Order.ID + "/lines", "/api/tables/t5/clear"} {
		if resp, _ := phone.do("POST", p, map[string]any{}, nil); resp.StatusCode != 401 {
			t.Errorf("diner POST %s: %d, want 401", p, resp.StatusCode)
		}
	}
	if resp, _ := phone.do("GET", "/api/orders/"+ans.Order.ID, nil, nil); resp.StatusCode != 401 {
		t.Errorf("diner GET order: %d, want 401", resp.StatusCode)
	}
	resp, body = neighbour.do("GET", "/api/diner/table", nil, nil)
	var dt wire.DinerTable
	if json.Unmarshal(body, &dt) != nil || dt.Order != nil || len(dt.Submissions) != 0 || dt.Table.ID != "t3" {
		t.Errorf("neighbour's table: %s; want t3 with nothing of t5", body)
	}
	resp, body = neighbour.do("POST", "/api/diner/submissions", sub, nil)
	if resp.StatusCode != 409 || errCode(t, body).Code != wire.CodeIdempotency {
		t.Errorf("neighbour replaying t5's submission: %d %s, want 409", resp.StatusCode, body)
	}

	// The cashier sees it in the inbox and accepts it.
	resp, body = cashier.do("GET", "/api/submissions", nil, nil)
	var in wire.TableInbox
	if json.Unmarshal(body, &in) != nil || len(in.Submissions) != 1 || in.Submissions[0].ID != "sub-a" {
		t.Fatalf("inbox: %s", body)
	}
	if len(in.Seated) != 2 || in.Seated[0].ID != "t5" || in.Seated[0].Name != "Table 5" || in.Seated[1].ID != "t3" {
		t.Errorf("seated tables = %+v; want tables 5 and 3, in the order they were joined", in.Seated)
	}
	resp, body = cashier.do("POST", "/api/submissions/sub-a/accept", nil, nil)
	var dec wire.DecisionAnswer
	if resp.StatusCode != 200 || json.Unmarshal(body, &dec) != nil || dec.Submission.State != wire.SubmissionAccepted || dec.Order.Totals.Total.Minor != 3000 {
		t.Fatalf("accept: %d %s", resp.StatusCode, body)
	}
	resp, body = phone.do("GET", "/api/diner/table", nil, nil)
	json.Unmarshal(body, &dt)
	if len(dt.Submissions) != 1 || dt.Submissions[0].State != wire.SubmissionAccepted {
		t.Errorf("diner's view after accept: %s", body)
	}

	// Rate limit: 10 submissions a minute per table session (two spent).
	var last *http.Response
	for i := range 9 {
		last, body = phone.do("POST", "/api/diner/submissions", wire.SubmitRequest{ID: "sub-r" + string(rune('a'+i)), Lines: sub.Lines}, nil)
	}
	if last.StatusCode != 429 || errCode(t, body).Code != wire.CodeThrottled || last.Header.Get("Retry-After") == "" {
		t.Errorf("11th submission in a minute: %d %s; want 429 throttled with Retry-After", last.StatusCode, body)
	}
	resp, body = phone.do("POST", "/api/diner/services", wire.ServiceRequestBody{Kind: wire.ServiceWaiter}, nil)
	if resp.StatusCode != 200 {
		t.Errorf("call waiter: %d %s", resp.StatusCode, body)
	}
}

// TestAcceptAutoSendPrintsKitchenTicket: with auto-send to kitchen on,
// accepting a table's submission prints its kitchen ticket through the
// usual path (the store's auto-printing bridge); a pending submission
// prints nothing.
func TestAcceptAutoSendPrintsKitchenTicket(t *testing.T) {
	e := newBridgeEnv(t)
	p := pairOverHTTP(t, e)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")
	c, _, err := dialUplink(t, e, p.Credential)
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBridge{t: t, c: c}
	b.send(wire.BridgeMessage{Type: wire.BridgeHello, Hello: &wire.Hello{Version: "test", BridgeID: p.BridgeID, AutoPrint: true,
		Capabilities: []string{wire.CapPrint}}})
	b.send(wire.BridgeMessage{Type: wire.BridgePing, Seq: 1})
	b.next(wire.BridgePong)

	if resp, body := cashier.do("PUT", "/api/table-ordering", wire.TableOrderSettings{AutoSendToKitchen: true}, nil); resp.StatusCode != 403 {
		t.Errorf("cashier changing the setting: %d %s, want 403", resp.StatusCode, body)
	}
	if resp, body := mgr.do("PUT", "/api/table-ordering", wire.TableOrderSettings{AutoSendToKitchen: true}, nil); resp.StatusCode != 200 {
		t.Fatalf("setting: %d %s", resp.StatusCode, body)
	}
	phone := e.terminal(t)
	resp, body := phone.do("POST", "/api/t/"+stickerLink(t, mgr, "t4")+"/join?with=menu", nil, nil)
	var dt wire.DinerTable
	if resp.StatusCode != 200 || json.Unmarshal(body, &dt) != nil || dt.Menu == nil || len(dt.Menu.Items) == 0 {
		t.Errorf("join ?with=menu: %d, menu %v; want the menu", resp.StatusCode, dt.Menu)
	}
	resp, body = phone.do("POST", "/api/diner/submissions", wire.SubmitRequest{ID: "sub-k", Lines: []wire.SubmitLine{
		{ItemID: "mapo-tofu", Qty: 2, ModifierIDs: []string{"spice-hot"}, Note: "no MSG"}}}, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	resp, body = cashier.do("POST", "/api/submissions/sub-k/accept", nil, nil)
	var dec wire.DecisionAnswer
	if resp.StatusCode != 200 || json.Unmarshal(body, &dec) != nil || dec.Order.Status != wire.OrderSent || !dec.Submission.Sent {
		t.Fatalf("accept with auto-send: %d %s; want the order sent", resp.StatusCode, body)
	}
	m := b.next(wire.BridgePrint)
	if m.Print.Kind != wire.PrintKindKitchen || m.Print.Kitchen == nil || len(m.Print.Kitchen.Lines) != 1 ||
		m.Print.Kitchen.Lines[0].Name == "" || m.Print.Kitchen.Lines[0].Qty != 2 || m.Print.Kitchen.Table != "Table 4" {
		t.Fatalf("bridge got %+v; want a kitchen ticket of 2 mapo tofu for Table 4", m.Print)
	}
}
