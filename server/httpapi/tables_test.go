package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"qrpos/internal/wire"
	"qrpos/server/demo"
)

func TestTableLinkOverHTTP(t *testing.T) {
	e := newEnv(t)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")

	resp, body := mgr.do("GET", "/api/tables/t5/link", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("link: %d %s", resp.StatusCode, body)
	}
	var l wire.TableLink
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	if l.TableID != "t5" || l.Gen != 1 || !strings.HasSuffix(l.URL, wire.TableLinkPath+l.Link) || !strings.HasPrefix(l.URL, "http") {
		t.Errorf("link = %+v; want t5, gen 1, an absolute URL ending /t/<link>", l)
	}

	resp, body = cashier.do("GET", "/api/tables/t5/link", nil, nil)
	if resp.StatusCode != 403 || errCode(t, body).Code != "forbidden" {
		t.Errorf("cashier link: %d %s, want 403 forbidden", resp.StatusCode, body)
	}
	resp, body = cashier.do("POST", "/api/tables/t5/revoke-link", nil, nil)
	if resp.StatusCode != 403 {
		t.Errorf("cashier revoke: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = mgr.do("GET", "/api/tables/nope/link", nil, nil)
	if resp.StatusCode != 404 {
		t.Errorf("missing table: %d %s, want 404", resp.StatusCode, body)
	}

	key := map[string]string{wire.HeaderIdempotencyKey: "revoke-t5-1"}
	resp, body = mgr.do("POST", "/api/tables/t5/revoke-link", nil, key)
	var l2 wire.TableLink
	if resp.StatusCode != 200 || json.Unmarshal(body, &l2) != nil || l2.Gen != 2 || l2.Link == l.Link {
		t.Fatalf("revoke: %d %s; want gen 2 and a new link", resp.StatusCode, body)
	}
	resp, body = mgr.do("POST", "/api/tables/t5/revoke-link", nil, key)
	if resp.StatusCode != 200 || resp.Header.Get(wire.HeaderReplayed) != "true" || !strings.Contains(string(body), l2.Link) {
		t.Errorf("replayed revoke: %d %s replayed=%q; want the same answer", resp.StatusCode, body, resp.Header.Get(wire.HeaderReplayed))
	}
}
