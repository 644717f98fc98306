package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/demo"
)

// sell rings up an order of two Mapo Tofu (麻婆豆腐) and pays it in cash.
func sell(t *testing.T, tm *terminal, id string) {
	t.Helper()
	for _, step := range []struct {
		path string
		body any
	}{
		{"/api/orders", wire.CreateOrderRequest{ID: id}},
		{"/api/orders/" + id + "/lines", wire.AddLineRequest{LineID: id + "-l", ItemID: "mapo-tofu", Qty: 2, ModifierIDs: []string{"spice-hot"}}},
		{"/api/orders/" + id + "/cash", wire.CashRequest{TenderID: id + "-cash", Tendered: money.New(10000, "CNY")}},
	} {
		if resp, body := tm.do("POST", step.path, step.body, nil); resp.StatusCode >= 300 {
			t.Fatalf("%s: %d %s", step.path, resp.StatusCode, body)
		}
	}
}

func TestBackOfficeRoles(t *testing.T) {
	e := newEnv(t)
	anon := e.terminal(t)
	cashier := e.terminal(t)
	cashier.login(demo.CashierID, "1357")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/business-day"},
		{"PUT", "/api/business-day"},
		{"GET", "/api/reports/day"},
		{"POST", "/api/reports/z"},
		{"GET", "/api/reports/z/2026-01-01"},
		{"GET", "/api/reports/reconcile"},
		{"GET", "/api/ledger/entries/x"},
		{"GET", "/api/ledger/accounts/wallet:1"},
		{"GET", "/api/exports/orders.csv"},
		{"GET", "/api/exports/payments.csv"},
		{"GET", "/api/exports/ledger.csv"},
		{"GET", "/reports/day/2026-01-01"},
	} {
		var body any
		switch c.path {
		case "/api/business-day":
			body = wire.DaySettings{Cutoff: "04:00", TimeZone: "Asia/Shanghai"}
		case "/api/reports/z":
			body = wire.CloseDayRequest{}
		}
		if resp, out := cashier.do(c.method, c.path, body, nil); resp.StatusCode != http.StatusForbidden || errCode(t, out).Code != wire.CodeForbidden {
			t.Errorf("cashier %s %s: got %d %s, want 403 forbidden", c.method, c.path, resp.StatusCode, out)
		}
		if resp, out := anon.do(c.method, c.path, body, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no session %s %s: got %d %s, want 401", c.method, c.path, resp.StatusCode, out)
		}
	}
	for _, path := range []string{"/api/shifts/current", "/api/shifts/x"} {
		if resp, _ := anon.do("GET", path, nil, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no session GET %s: got %d, want 401", path, resp.StatusCode)
		}
	}
}

func TestShiftAPI(t *testing.T) {
	e := newEnv(t)
	cashier := e.terminal(t)
	cashier.login(demo.CashierID, "1357")
	manager := e.terminal(t)
	manager.login(demo.ManagerID, "2468")

	resp, body := cashier.do("GET", "/api/shifts/current", nil, nil)
	if resp.StatusCode != 404 {
		t.Fatalf("no shift: got %d %s, want 404", resp.StatusCode, body)
	}
	resp, body = cashier.do("POST", "/api/shifts", wire.OpenShiftRequest{ShiftID: "sh-1", Float: money.New(20000, "USD")}, nil)
	if resp.StatusCode != 422 || errCode(t, body).Field != "float" {
		t.Errorf("float in another currency: got %d %s, want 422 on float", resp.StatusCode, body)
	}
	resp, body = cashier.do("POST", "/api/shifts", wire.OpenShiftRequest{ShiftID: "sh-1", Float: money.New(20000, "CNY")}, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("open: %d %s", resp.StatusCode, body)
	}
	mk := func(k string) map[string]string { return map[string]string{wire.HeaderIdempotencyKey: k} }
	resp, body = manager.do("POST", "/api/shifts/sh-1/close", wire.CloseShiftRequest{Counted: money.New(20000, "CNY")}, mk("m1"))
	if resp.StatusCode != 200 {
		t.Errorf("a manager closes a cashier's shift: got %d %s, want 200", resp.StatusCode, body)
	}
	// A fresh shift for the rest of the test.
	resp, body = cashier.do("POST", "/api/shifts", wire.OpenShiftRequest{ShiftID: "sh-2", Float: money.New(20000, "CNY")}, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("open again: %d %s", resp.StatusCode, body)
	}
	resp, body = manager.do("POST", "/api/shifts", wire.OpenShiftRequest{ShiftID: "sh-m", Float: money.New(0, "CNY")}, mk("m2"))
	if resp.StatusCode != 201 {
		t.Fatalf("manager opens: %d %s", resp.StatusCode, body)
	}
	if resp, body := cashier.do("POST", "/api/shifts/sh-m/close", wire.CloseShiftRequest{Counted: money.New(0, "CNY")}, nil); resp.StatusCode != 403 {
		t.Errorf("cashier closes the manager's shift: got %d %s, want 403", resp.StatusCode, body)
	}
	sell(t, cashier, "o-1")
	var sh wire.Shift
	resp, body = cashier.do("GET", "/api/shifts/current", nil, nil)
	if resp.StatusCode != 200 || json.Unmarshal(body, &sh) != nil || sh.ID != "sh-2" || sh.Expected.Minor != 20000+6400 || sh.StaffName != demo.CashierName {
		t.Fatalf("current: %d %s, want sh-2 expecting 264.00", resp.StatusCode, body)
	}
	hdr := map[string]string{wire.HeaderIdempotencyKey: "close-sh-2"}
	resp, body = cashier.do("POST", "/api/shifts/sh-2/close", wire.CloseShiftRequest{Counted: money.New(26500, "CNY")}, hdr)
	if resp.StatusCode != 200 || json.Unmarshal(body, &sh) != nil || sh.Open || sh.Difference.Minor != 100 || sh.Counted.Minor != 26500 {
		t.Fatalf("close: %d %s, want difference +1.00", resp.StatusCode, body)
	}
	resp, _ = cashier.do("POST", "/api/shifts/sh-2/close", wire.CloseShiftRequest{Counted: money.New(26500, "CNY")}, hdr)
	if resp.StatusCode != 200 || resp.Header.Get(wire.HeaderReplayed) != "true" {
		t.Errorf("close retried: got %d replayed=%q", resp.StatusCode, resp.Header.Get(wire.HeaderReplayed))
	}
	if resp, body := cashier.do("POST", "/api/shifts/sh-2/close", wire.CloseShiftRequest{Counted: money.New(1, "CNY")}, nil); resp.StatusCode != 409 {
		t.Errorf("close twice: got %d %s, want 409", resp.StatusCode, body)
	}
}

func TestReportsAndExports(t *testing.T) {
	e := newEnv(t)
	manager := e.terminal(t)
	manager.login(demo.ManagerID, "2468")
	sell(t, manager, "o-1")

	if resp, body := manager.do("PUT", "/api/business-day", wire.DaySettings{Cutoff: "25:00", TimeZone: "Asia/Shanghai"}, nil); resp.StatusCode != 422 || errCode(t, body).Field != "cutoff" {
		t.Errorf("bad cut-off: got %d %s, want 422", resp.StatusCode, body)
	}
	if resp, body := manager.do("PUT", "/api/business-day", wire.DaySettings{Cutoff: "04:00", TimeZone: "Asia/Nowhere"}, nil); resp.StatusCode != 422 || errCode(t, body).Field != "time_zone" {
		t.Errorf("bad zone: got %d %s, want 422", resp.StatusCode, body)
	}
	var ds wire.DaySettings
	if resp, body := manager.do("PUT", "/api/business-day", wire.DaySettings{Cutoff: "4:30", TimeZone: "Asia/Shanghai"}, nil); resp.StatusCode != 200 || json.Unmarshal(body, &ds) != nil || ds.Cutoff != "04:30" {
		t.Errorf("set cut-off: got %d %s, want 04:30", resp.StatusCode, body)
	}

	var x wire.DayReport
	resp, body := manager.do("GET", "/api/reports/day", nil, nil)
	if resp.StatusCode != 200 || json.Unmarshal(body, &x) != nil || x.GrossSales.Minor != 6400 || x.Orders != 1 || len(x.Hours) < 23 || x.Final {
		t.Fatalf("X: %d %s", resp.StatusCode, body)
	}
	var rec wire.Reconciliation
	resp, body = manager.do("GET", "/api/reports/reconcile", nil, nil)
	if resp.StatusCode != 200 || json.Unmarshal(body, &rec) != nil || !rec.Clean || rec.Day != x.Day {
		t.Fatalf("reconcile: %d %s, want clean", resp.StatusCode, body)
	}

	// Exports: UTF-8 with a BOM; the Chinese names survive encoding/csv.
	for _, c := range []struct {
		file, header, want string
	}{
		{"orders.csv", "order_id", "Mapo Tofu 麻婆豆腐 x2"},
		{"payments.csv", "payment_id", "o-1-cash"},
		{"ledger.csv", "entry_id", "store:demo:revenue"},
	} {
		resp, body := manager.do("GET", "/api/exports/"+c.file+"?from="+x.Day+"&to="+x.Day, nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %s", c.file, resp.StatusCode, body)
		}
		rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
		if !ok {
			t.Fatalf("%s: no UTF-8 BOM at the start: % x", c.file, body[:min(8, len(body))])
		}
		rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
		if err != nil || len(rows) < 2 || rows[0][0] != c.header {
			t.Fatalf("%s: %v, rows %q", c.file, err, rows)
		}
		found := false
		for _, row := range rows[1:] {
			for _, cell := range row {
				found = found || cell == c.want
			}
		}
		if !found {
			t.Errorf("%s: no cell %q in %q", c.file, c.want, rows)
		}
	}
	if resp, body := manager.do("GET", "/api/exports/orders.csv?from=2026-02-30", nil, nil); resp.StatusCode != 422 || errCode(t, body).Field != "from" {
		t.Errorf("bad from: got %d %s, want 422", resp.StatusCode, body)
	}
	if resp, body := manager.do("GET", "/api/exports/orders.csv?from=2020-01-01&to=2026-01-01", nil, nil); resp.StatusCode != 422 {
		t.Errorf("six years: got %d %s, want 422", resp.StatusCode, body)
	}
	if resp, _ := manager.do("GET", "/api/exports/secrets.csv", nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown export: got %d, want 404", resp.StatusCode)
	}

	// Z: once; the same afterwards.
	var z wire.DayReport
	resp, body = manager.do("POST", "/api/reports/z", wire.CloseDayRequest{Day: x.Day}, nil)
	if resp.StatusCode != 201 || json.Unmarshal(body, &z) != nil || !z.Final || z.NetSales != x.NetSales {
		t.Fatalf("Z: %d %s", resp.StatusCode, body)
	}
	if resp, body := manager.do("POST", "/api/reports/z", wire.CloseDayRequest{Day: x.Day}, nil); resp.StatusCode != 409 {
		t.Errorf("second Z: got %d %s, want 409", resp.StatusCode, body)
	}
	var again wire.DayReport
	if resp, body := manager.do("GET", "/api/reports/z/"+x.Day, nil, nil); resp.StatusCode != 200 || json.Unmarshal(body, &again) != nil || !again.GeneratedAt.Equal(z.GeneratedAt) {
		t.Errorf("Z again: got %d %s, want the stored one", resp.StatusCode, body)
	}
	resp, body = manager.do("GET", "/reports/day/"+x.Day, nil, nil)
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, "<svg") || !strings.Contains(page, "@media print") || !strings.Contains(page, "Z report") || !strings.Contains(page, "麻婆豆腐") {
		t.Errorf("printable Z: %d %s", resp.StatusCode, page)
	}
}
