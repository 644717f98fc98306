package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/demo"
	"qrpos/server/httpapi"
	"qrpos/server/hub"
	"qrpos/server/pos"
	"qrpos/server/relay"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

// newHubEnv is newEnv with the hub at hand, to watch the diners' topic,
// and a bridge relay.
func newHubEnv(t *testing.T) (*env, *hub.Hub) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir()+"/qrpos.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cheap := pos.PINParams{Time: 1, Memory: 64, Threads: 1}
	if _, _, err := demo.Seed(ctx, db, time.Now(), cheap, map[string]string{"manager": "2468", "cashier": "1357"}); err != nil {
		t.Fatal(err)
	}
	cfg := pos.DefaultConfig
	cfg.PIN = cheap
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := pos.NewService(db, cfg, pos.Deps{Now: time.Now, Log: log})
	life, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bs, err := token.NewBridgeSigner(token.GenerateKey(), time.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New()
	api := httpapi.New(life, svc, h, httpapi.Config{LoginRate: 50, Heartbeat: time.Second, Relay: relay.New(), BridgeSigner: bs,
		PublicURL: "https://flag.example.com"}, log, time.Now)
	mux := http.NewServeMux()
	api.Register(mux)
	srv := httptest.NewServer(httpapi.SecurityHeaders(mux, nil))
	t.Cleanup(srv.Close)
	return &env{srv: srv, svc: svc}, h
}

// keyed sends a request with a chosen idempotency key.
func (tm *terminal) keyed(method, path, key string, body any) (*http.Response, []byte) {
	tm.t.Helper()
	return tm.do(method, path, body, map[string]string{wire.HeaderIdempotencyKey: key})
}

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

func TestBackofficeRoles(t *testing.T) {
	e, _ := newHubEnv(t)
	cashier := e.terminal(t)
	cashier.login(demo.CashierID, "1357")
	anon := e.terminal(t)
	item := wire.ItemRequest{ID: "jasmine-tea", CategoryID: "drinks", Name: "Tea", Price: cny(100), Available: true}
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/menu/categories", wire.CategoryRequest{ID: "c1", Name: "C"}},
		{"PUT", "/api/menu/categories/cold", wire.CategoryRequest{ID: "cold", Name: "C"}},
		{"POST", "/api/menu/categories/order", wire.ReorderRequest{IDs: []string{"cold"}}},
		{"POST", "/api/menu/items", item},
		{"PUT", "/api/menu/items/jasmine-tea", item},
		{"POST", "/api/menu/items/order", wire.ReorderRequest{IDs: []string{"jasmine-tea"}}},
		{"POST", "/api/menu/items/jasmine-tea/sold-out", wire.SoldOutRequest{SoldOut: true}},
		{"POST", "/api/menu/modifier-groups", wire.ModifierGroupRequest{ID: "g", Name: "G"}},
		{"PUT", "/api/menu/modifier-groups/spice", wire.ModifierGroupRequest{ID: "spice", Name: "G"}},
		{"POST", "/api/media", wire.PhotoUpload{Data: []byte("x")}},
		{"POST", "/api/staff", wire.AddStaffRequest{ID: "s", Name: "S", Role: "cashier", PIN: "1234"}},
		{"PATCH", "/api/staff/wang-wei", wire.ChangeStaffRequest{Name: ptr("W")}},
		{"POST", "/api/tables", wire.TableRequest{ID: "t9", Name: "T9"}},
		{"PUT", "/api/tables/t1", wire.TableRequest{ID: "t1", Name: "T1"}},
		{"POST", "/api/tables/order", wire.ReorderRequest{IDs: []string{"t1"}}},
		{"POST", "/api/areas", wire.Area{ID: "a", Name: "A"}},
		{"PUT", "/api/areas/a", wire.Area{ID: "a", Name: "A"}},
		{"GET", "/api/settings", nil},
		{"PUT", "/api/settings", wire.Settings{Name: "X", Currency: "CNY"}},
		{"GET", "/api/audit", nil},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := cashier.do(tt.method, tt.path, tt.body, nil)
			if resp.StatusCode != http.StatusForbidden || errCode(t, body).Code != wire.CodeForbidden {
				t.Errorf("cashier: got %s %s, want 403 forbidden", resp.Status, body)
			}
			resp, body = anon.do(tt.method, tt.path, tt.body, nil)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("no session: got %s %s, want 401", resp.Status, body)
			}
		})
	}
	// Reading what a terminal needs stays open to cashiers.
	for _, path := range []string{"/api/areas", "/api/menu/items/jasmine-tea/price?version=0"} {
		if resp, body := cashier.do("GET", path, nil, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("cashier GET %s: got %s %s, want 200", path, resp.Status, body)
		}
	}
}

func TestBackofficeBadInput(t *testing.T) {
	e, _ := newHubEnv(t)
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	item := func(f func(*wire.ItemRequest)) wire.ItemRequest {
		r := wire.ItemRequest{ID: "jasmine-tea", CategoryID: "drinks", Name: "Jasmine Tea", Price: cny(1500), TaxRateBP: 600, Available: true}
		f(&r)
		return r
	}
	for _, tt := range []struct {
		name         string
		method, path string
		body         any
		status       int
		code, field  string
	}{
		{"not JSON", "PUT", "/api/menu/items/jasmine-tea", "{", 400, wire.CodeBadRequest, ""},
		{"unknown field", "PUT", "/api/menu/items/jasmine-tea", `{"id":"jasmine-tea","colour":"red"}`, 400, wire.CodeBadRequest, "colour"},
		{"id mismatch", "PUT", "/api/menu/items/mapo-tofu", item(func(*wire.ItemRequest) {}), 422, wire.CodeInvalid, "id"},
		{"wrong currency", "PUT", "/api/menu/items/jasmine-tea", item(func(r *wire.ItemRequest) { r.Price = money.New(100, "USD") }), 422, wire.CodeInvalid, "price"},
		{"negative price", "PUT", "/api/menu/items/jasmine-tea", item(func(r *wire.ItemRequest) { r.Price = cny(-1) }), 422, wire.CodeInvalid, "price"},
		{"tax over 100%", "PUT", "/api/menu/items/jasmine-tea", item(func(r *wire.ItemRequest) { r.TaxRateBP = 25000 }), 422, wire.CodeInvalid, "tax_rate_bp"},
		{"empty name", "PUT", "/api/menu/items/jasmine-tea", item(func(r *wire.ItemRequest) { r.Name = "" }), 422, wire.CodeInvalid, "name"},
		{"unknown category", "PUT", "/api/menu/items/jasmine-tea", item(func(r *wire.ItemRequest) { r.CategoryID = "x" }), 404, wire.CodeNotFound, "category_id"},
		{"unknown item", "PUT", "/api/menu/items/nope", item(func(r *wire.ItemRequest) { r.ID = "nope" }), 404, wire.CodeNotFound, ""},
		{"sold out of unknown item", "POST", "/api/menu/items/nope/sold-out", wire.SoldOutRequest{SoldOut: true}, 404, wire.CodeNotFound, ""},
		{"group min over max", "PUT", "/api/menu/modifier-groups/spice", wire.ModifierGroupRequest{ID: "spice", Name: "Spice", Min: 2, Max: 1,
			Modifiers: []wire.Modifier{{ID: "a", Name: "A", Price: cny(0)}, {ID: "b", Name: "B", Price: cny(0)}}}, 422, wire.CodeInvalid, "min"},
		{"option in another currency", "PUT", "/api/menu/modifier-groups/spice", wire.ModifierGroupRequest{ID: "spice", Name: "Spice",
			Modifiers: []wire.Modifier{{ID: "a", Name: "A", Price: money.New(1, "USD")}}}, 422, wire.CodeInvalid, "modifiers"},
		{"reorder twice", "POST", "/api/menu/categories/order", wire.ReorderRequest{IDs: []string{"cold", "cold"}}, 422, wire.CodeInvalid, "ids"},
		{"reorder not all", "POST", "/api/menu/categories/order", wire.ReorderRequest{IDs: []string{"cold"}}, 422, wire.CodeInvalid, "ids"},
		{"staff short PIN", "POST", "/api/staff", wire.AddStaffRequest{ID: "s1", Name: "S", Role: "cashier", PIN: "12"}, 422, wire.CodeInvalid, "pin"},
		{"staff owner by manager", "POST", "/api/staff", wire.AddStaffRequest{ID: "s1", Name: "S", Role: "owner", PIN: "1234"}, 403, wire.CodeForbidden, "role"},
		{"promote to owner", "PATCH", "/api/staff/wang-wei", wire.ChangeStaffRequest{Role: ptr("owner")}, 403, wire.CodeForbidden, "role"},
		{"deactivate yourself", "PATCH", "/api/staff/li-na", wire.ChangeStaffRequest{Active: ptr(false)}, 403, wire.CodeForbidden, ""},
		{"table seats", "POST", "/api/tables", wire.TableRequest{ID: "t9", Name: "T9", Seats: -1}, 422, wire.CodeInvalid, "seats"},
		{"table unknown area", "POST", "/api/tables", wire.TableRequest{ID: "t9", Name: "T9", AreaID: "x"}, 404, wire.CodeNotFound, "area_id"},
		{"settings currency", "PUT", "/api/settings", wire.Settings{Name: "X", Currency: "cny"}, 422, wire.CodeInvalid, "currency"},
		{"settings url", "PUT", "/api/settings", wire.Settings{Name: "X", Currency: "CNY", PublicURL: "javascript:alert(1)"}, 422, wire.CodeInvalid, "public_url"},
		{"photo not an image", "POST", "/api/media", wire.PhotoUpload{Data: []byte("GIF89a.....")}, 422, wire.CodeInvalid, "data"},
		{"audit bad date", "GET", "/api/audit?from=yesterday", nil, 422, wire.CodeInvalid, "from"},
		{"audit bad action", "GET", "/api/audit?action=nap", nil, 422, wire.CodeInvalid, "action"},
		{"price bad version", "GET", "/api/menu/items/jasmine-tea/price?version=x", nil, 422, wire.CodeInvalid, "version"},
		{"price future version", "GET", "/api/menu/items/jasmine-tea/price?version=99", nil, 422, wire.CodeInvalid, "version"},
		{"drawer unknown bridge", "POST", "/api/drawer/open", wire.OpenDrawerRequest{BridgeID: "nope", Reason: "change"}, 404, wire.CodeNotFound, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := mgr.do(tt.method, tt.path, tt.body, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("got %s %s, want %d", resp.Status, body, tt.status)
			}
			if eb := errCode(t, body); eb.Code != tt.code || eb.Field != tt.field {
				t.Errorf("got code %q field %q (%s), want %q %q", eb.Code, eb.Field, eb.Message, tt.code, tt.field)
			}
		})
	}
	// No key: refused before anything happens.
	resp, body := mgr.do("PUT", "/api/menu/items/jasmine-tea", item(func(*wire.ItemRequest) {}), map[string]string{wire.HeaderIdempotencyKey: ""})
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeNeedKey {
		t.Errorf("without a key: got %s %s, want 422 %s", resp.Status, body, wire.CodeNeedKey)
	}
	var m wire.Menu
	_, body = mgr.do("GET", "/api/menu", nil, nil)
	json.Unmarshal(body, &m)
	if m.Version != 0 {
		t.Errorf("refused requests moved the menu to version %d", m.Version)
	}
}

// TestBackofficeReplayAndEvents: every edit is idempotent, and announces
// itself to the store's terminals and to its diners' pages.
func TestBackofficeReplayAndEvents(t *testing.T) {
	e, h := newHubEnv(t)
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	terminals := h.Subscribe("store:"+demo.StoreID, 64)
	defer terminals.Close()
	diners := h.Subscribe("diners:"+demo.StoreID, 64)
	defer diners.Close()
	expect := func(t *testing.T, typ string) {
		t.Helper()
		for _, sub := range []*hub.Subscription{terminals, diners} {
			select {
			case b := <-sub.C():
				var ev wire.Event
				if err := json.Unmarshal(b, &ev); err != nil || ev.Type != typ {
					t.Errorf("event %s, want %s", b, typ)
				}
			case <-time.After(5 * time.Second):
				t.Errorf("no %s event", typ)
			}
		}
	}
	for _, tt := range []struct {
		name, method, path string
		body, other        any
		status             int
		event              string
	}{
		{"category", "POST", "/api/menu/categories", wire.CategoryRequest{ID: "soups", Name: "Soups", Position: 4},
			wire.CategoryRequest{ID: "soups", Name: "Broths", Position: 4}, 201, wire.EventMenuUpdated},
		{"item", "POST", "/api/menu/items", wire.ItemRequest{ID: "hot-sour", CategoryID: "soups", Name: "Hot and Sour Soup", Price: cny(2600), TaxRateBP: 600, Available: true},
			wire.ItemRequest{ID: "hot-sour", CategoryID: "soups", Name: "Hot and Sour Soup", Price: cny(2700), TaxRateBP: 600, Available: true}, 201, wire.EventMenuUpdated},
		{"price", "PUT", "/api/menu/items/jasmine-tea", wire.ItemRequest{ID: "jasmine-tea", CategoryID: "drinks", Name: "Jasmine Tea 茉莉花茶", Price: cny(1800), TaxRateBP: 600, Available: true, Position: 0},
			wire.ItemRequest{ID: "jasmine-tea", CategoryID: "drinks", Name: "Jasmine Tea 茉莉花茶", Price: cny(1900), TaxRateBP: 600, Available: true}, 200, wire.EventMenuUpdated},
		{"sold out", "POST", "/api/menu/items/tsingtao/sold-out", wire.SoldOutRequest{SoldOut: true}, wire.SoldOutRequest{SoldOut: false}, 200, wire.EventMenuUpdated},
		{"group", "POST", "/api/menu/modifier-groups", wire.ModifierGroupRequest{ID: "sauce", Name: "Sauce", Max: 1, Modifiers: []wire.Modifier{{ID: "chili-oil", Name: "Chili oil", Price: cny(100)}}},
			wire.ModifierGroupRequest{ID: "sauce", Name: "Sauces", Max: 1}, 201, wire.EventMenuUpdated},
		{"reorder", "POST", "/api/menu/categories/order", wire.ReorderRequest{IDs: []string{"soups", "cold", "hot", "staples", "drinks"}},
			wire.ReorderRequest{IDs: []string{"cold", "soups", "hot", "staples", "drinks"}}, 200, wire.EventMenuUpdated},
		{"staff", "POST", "/api/staff", wire.AddStaffRequest{ID: "zoe", Name: "Zoe", Role: "cashier", PIN: "4321"},
			wire.AddStaffRequest{ID: "zoe", Name: "Zoey", Role: "cashier", PIN: "4321"}, 201, wire.EventStaffUpdated},
		{"staff role", "PATCH", "/api/staff/zoe", wire.ChangeStaffRequest{Role: ptr("manager")}, wire.ChangeStaffRequest{Role: ptr("cashier")}, 200, wire.EventStaffUpdated},
		{"area", "POST", "/api/areas", wire.Area{ID: "terrace", Name: "Terrace"}, wire.Area{ID: "terrace", Name: "Patio"}, 201, wire.EventTablesUpdated},
		{"table", "POST", "/api/tables", wire.TableRequest{ID: "t9", Name: "Table 9", Seats: 2, Position: 9, AreaID: "terrace"},
			wire.TableRequest{ID: "t9", Name: "Table 9", Seats: 3}, 201, wire.EventTablesUpdated},
		{"category rename", "PUT", "/api/menu/categories/soups", wire.CategoryRequest{ID: "soups", Name: "Soups and broths", Position: 0},
			wire.CategoryRequest{ID: "soups", Name: "Broths", Position: 0}, 200, wire.EventMenuUpdated},
		{"item order", "POST", "/api/menu/items/order", wire.ReorderRequest{IDs: []string{"plum-juice", "jasmine-tea"}},
			wire.ReorderRequest{IDs: []string{"jasmine-tea", "plum-juice"}}, 200, wire.EventMenuUpdated},
		{"group update", "PUT", "/api/menu/modifier-groups/sauce", wire.ModifierGroupRequest{ID: "sauce", Name: "Sauce", Max: 2,
			Modifiers: []wire.Modifier{{ID: "chili-oil", Name: "Chili oil", Price: cny(150)}, {ID: "vinegar", Name: "Black vinegar", Price: cny(0)}}},
			wire.ModifierGroupRequest{ID: "sauce", Name: "Sauce", Max: 2}, 200, wire.EventMenuUpdated},
		{"area rename", "PUT", "/api/areas/terrace", wire.Area{ID: "terrace", Name: "Garden"}, wire.Area{ID: "terrace", Name: "Yard"}, 200, wire.EventTablesUpdated},
		{"table update", "PUT", "/api/tables/t9", wire.TableRequest{ID: "t9", Name: "Garden 9", Seats: 4, Position: 9, AreaID: "terrace"},
			wire.TableRequest{ID: "t9", Name: "Garden 9", Seats: 5}, 200, wire.EventTablesUpdated},
		{"table order", "POST", "/api/tables/order", wire.ReorderRequest{IDs: []string{"t9", "t1"}}, wire.ReorderRequest{IDs: []string{"t1", "t9"}}, 200, wire.EventTablesUpdated},
		{"staff deactivate", "PATCH", "/api/staff/zoe", wire.ChangeStaffRequest{Active: ptr(false)}, wire.ChangeStaffRequest{Active: ptr(true)}, 200, wire.EventStaffUpdated},
		{"settings", "PUT", "/api/settings", wire.Settings{Name: "Lotus", Address: "88 Road", Currency: "CNY", PublicURL: "https://pos.example.com/", AutoSend: true},
			wire.Settings{Name: "Lotus", Currency: "CNY"}, 200, wire.EventSettingsUpdated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := "k-" + tt.name
			resp, body := mgr.keyed(tt.method, tt.path, key, tt.body)
			if resp.StatusCode != tt.status || resp.Header.Get(wire.HeaderReplayed) != "" {
				t.Fatalf("first: got %s %s, want %d, not a replay", resp.Status, body, tt.status)
			}
			expect(t, tt.event)
			resp, body2 := mgr.keyed(tt.method, tt.path, key, tt.body)
			if resp.StatusCode != http.StatusOK || resp.Header.Get(wire.HeaderReplayed) != "true" || !bytes.Equal(body, body2) {
				t.Errorf("replay: got %s %s (replayed %q), want 200 and the first answer %s", resp.Status, body2, resp.Header.Get(wire.HeaderReplayed), body)
			}
			expect(t, tt.event)
			resp, body = mgr.keyed(tt.method, tt.path, key, tt.other)
			if resp.StatusCode != http.StatusConflict || errCode(t, body).Code != wire.CodeIdempotency {
				t.Errorf("same key, other request: got %s %s, want 409 %s", resp.Status, body, wire.CodeIdempotency)
			}
		})
	}

	// What the edits did.
	var m wire.Menu
	_, body := mgr.do("GET", "/api/menu", nil, nil)
	json.Unmarshal(body, &m)
	if m.Version != 9 || !m.AutoSend {
		t.Errorf("menu version %d auto_send %t, want 9 and true", m.Version, m.AutoSend)
	}
	for _, it := range m.Items {
		switch it.ID {
		case "jasmine-tea":
			if it.Price.Minor != 1800 {
				t.Errorf("tea at %d, want 1800", it.Price.Minor)
			}
		case "tsingtao":
			if !it.SoldOut || it.SoldOutUntil == nil {
				t.Errorf("beer %+v, want sold out with its end", it)
			}
		}
	}
	if m.Categories[0].ID != "soups" {
		t.Errorf("first category %s, want soups", m.Categories[0].ID)
	}
	// The price at version 0 is the old one.
	var p wire.PriceAt
	_, body = mgr.do("GET", "/api/menu/items/jasmine-tea/price?version=0", nil, nil)
	json.Unmarshal(body, &p)
	if p.Price != cny(1500) {
		t.Errorf("price at version 0: %s, want 15.00", body)
	}
	var st wire.Settings
	_, body = mgr.do("GET", "/api/settings", nil, nil)
	json.Unmarshal(body, &st)
	if st.PublicURL != "https://pos.example.com" || st.EffectivePublicURL != st.PublicURL || st.Address != "88 Road" {
		t.Errorf("settings %s, want the stored URL (trimmed) in use", body)
	}
	// The new staff member logs in; after a PIN reset the old session ends.
	if resp, body := mgr.do("PATCH", "/api/staff/zoe", wire.ChangeStaffRequest{Active: ptr(true)}, nil); resp.StatusCode != 200 {
		t.Fatalf("reactivate: %s %s", resp.Status, body)
	}
	zoe := e.terminal(t)
	zoe.login("zoe", "4321")
	if resp, body := mgr.do("PATCH", "/api/staff/zoe", wire.ChangeStaffRequest{PIN: ptr("8765")}, nil); resp.StatusCode != 200 {
		t.Fatalf("reset PIN: %s %s", resp.Status, body)
	}
	if resp, _ := zoe.do("GET", "/api/session", nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("session after a PIN reset: %s, want 401", resp.Status)
	}

	// The audit log has the price change, the staff changes and the
	// settings, and filters by action.
	var log wire.AuditLog
	_, body = mgr.do("GET", "/api/audit", nil, nil)
	json.Unmarshal(body, &log)
	got := map[string]int{}
	for _, e := range log.Entries {
		got[e.Action]++
		if e.StaffID != demo.ManagerID || e.StaffName != demo.ManagerName {
			t.Errorf("entry %+v, want by the manager", e)
		}
	}
	for action, n := range map[string]int{"price.change": 2, "staff.add": 1, "staff.role": 1, "staff.pin_reset": 1, "staff.deactivate": 1, "staff.activate": 1, "settings.change": 1} {
		if got[action] != n {
			t.Errorf("audit has %d %s, want %d (all: %v)", got[action], action, n, got)
		}
	}
	today := time.Now().Format(time.DateOnly)
	_, body = mgr.do("GET", "/api/audit?action=price.change&staff=li-na&from="+today+"&to="+today, nil, nil)
	json.Unmarshal(body, &log)
	if len(log.Entries) != 2 || log.Entries[1].Target != "item jasmine-tea" || !strings.HasSuffix(log.Entries[1].Detail, "¥15.00 -> ¥18.00") {
		t.Errorf("filtered audit: %s, want the two price changes, the tea's from ¥15.00 to ¥18.00", body)
	}
	_, body = mgr.do("GET", "/api/audit?from=2000-01-01&to=2000-01-02", nil, nil)
	json.Unmarshal(body, &log)
	if len(log.Entries) != 0 {
		t.Errorf("audit of 2000: %s, want nothing", body)
	}
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPhotos(t *testing.T) {
	e, _ := newHubEnv(t)
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	resp, body := mgr.keyed("POST", "/api/media", "ph-1", wire.PhotoUpload{Data: testPNG(t, 800, 600)})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %s %s", resp.Status, body)
	}
	var ph wire.Photo
	json.Unmarshal(body, &ph)
	if ph.Path != "/media/"+ph.SHA256+"-640.jpg" || ph.Paths[320] != "/media/"+ph.SHA256+"-320.jpg" {
		t.Fatalf("photo answer %s", body)
	}
	if resp, _ := mgr.keyed("POST", "/api/media", "ph-1", wire.PhotoUpload{Data: testPNG(t, 800, 600)}); resp.Header.Get(wire.HeaderReplayed) != "true" {
		t.Errorf("upload retry: not a replay")
	}
	// Served without a session (diners' menus), immutable.
	for w, path := range map[int]string{640: ph.Path, 320: ph.Paths[320]} {
		res, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := image.Decode(res.Body)
		res.Body.Close()
		if err != nil || format != "jpeg" || img.Bounds().Dx() != w || img.Bounds().Dy() != w*3/4 {
			t.Errorf("GET %s: %v %s %v, want a %d px wide JPEG", path, err, format, img.Bounds(), w)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || res.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET %s: Cache-Control %q, Content-Type %q", path, cc, res.Header.Get("Content-Type"))
		}
	}
	for _, path := range []string{"/media/" + ph.SHA256 + "-100.jpg", "/media/nothing.jpg", "/media/" + strings.Repeat("0", 64) + "-640.jpg"} {
		if res, err := http.Get(e.srv.URL + path); err != nil || res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %v, want 404", path, res.Status)
		}
	}
	// The item shows it.
	item := wire.ItemRequest{ID: "mapo-tofu", CategoryID: "hot", Name: "Mapo Tofu 麻婆豆腐", Price: cny(3200), TaxRateBP: 600, Available: true, Position: 1,
		ModifierGroups: []string{"spice", "extras"}, Photo: ph.SHA256}
	if resp, body := mgr.do("PUT", "/api/menu/items/mapo-tofu", item, nil); resp.StatusCode != 200 {
		t.Fatalf("set photo: %s %s", resp.Status, body)
	}
	var m wire.Menu
	_, body = mgr.do("GET", "/api/menu", nil, nil)
	json.Unmarshal(body, &m)
	for _, it := range m.Items {
		if it.ID == "mapo-tofu" && (it.Photo != ph.Path || it.PhotoSmall != ph.Paths[320]) {
			t.Errorf("item photo %q %q, want %q", it.Photo, it.PhotoSmall, ph.Path)
		}
	}
	// Too large.
	resp, body = mgr.do("POST", "/api/media", wire.PhotoUpload{Data: make([]byte, 9<<20)}, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || errCode(t, body).Code != wire.CodeTooLarge {
		t.Errorf("9 MiB: got %s %s, want 413", resp.Status, body)
	}
}

func TestOpenDrawer(t *testing.T) {
	e, _ := newHubEnv(t)
	p := pairOverHTTP(t, e)
	cashier := e.terminal(t)
	cashier.login(demo.CashierID, "1357")
	req := wire.OpenDrawerRequest{BridgeID: p.BridgeID, Reason: "change for the till"}
	if resp, body := cashier.do("POST", "/api/drawer/open", req, nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("bridge offline: got %s %s, want 503", resp.Status, body)
	}
	b := connectBridge(t, e, p)
	b.send(wire.BridgeMessage{Type: wire.BridgePing, Seq: 1})
	b.next(wire.BridgePong)
	if resp, body := cashier.do("POST", "/api/drawer/open", wire.OpenDrawerRequest{BridgeID: p.BridgeID}, nil); resp.StatusCode != 422 || errCode(t, body).Field != "reason" {
		t.Errorf("no reason: got %s %s, want 422 reason", resp.Status, body)
	}
	type answer struct {
		status   int
		replayed string
	}
	done := make(chan answer, 1)
	go func() {
		resp, _ := cashier.keyed("POST", "/api/drawer/open", "drawer-1", req)
		done <- answer{resp.StatusCode, resp.Header.Get(wire.HeaderReplayed)}
	}()
	m := b.next(wire.BridgePrint)
	if m.Print.Kind != wire.PrintKindDrawer || !m.Print.OpenDrawer || m.Print.Receipt != nil || m.Print.ID != "drawer-drawer-1" {
		t.Fatalf("bridge got %+v, want a drawer kick only", m.Print)
	}
	b.send(wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &wire.JobStatus{ID: m.Print.ID, State: wire.JobPrinted}})
	if a := <-done; a.status != 200 {
		t.Fatalf("open drawer: %d", a.status)
	}
	// The retry sends the same job id: the bridge answers it as a duplicate.
	go func() {
		resp, _ := cashier.keyed("POST", "/api/drawer/open", "drawer-1", req)
		done <- answer{resp.StatusCode, ""}
	}()
	if m := b.next(wire.BridgePrint); m.Print.ID != "drawer-drawer-1" {
		t.Errorf("retry sent job %s, want the same id", m.Print.ID)
	}
	b.send(wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &wire.JobStatus{ID: "drawer-drawer-1", State: wire.JobDuplicate}})
	<-done

	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	var log wire.AuditLog
	_, body := mgr.do("GET", "/api/audit?action=drawer.open", nil, nil)
	json.Unmarshal(body, &log)
	if len(log.Entries) != 1 || log.Entries[0].StaffID != demo.CashierID || log.Entries[0].Reason != "change for the till" {
		t.Errorf("audit: %s, want one opening by the cashier with the reason", body)
	}
}

func ptr[T any](v T) *T { return &v }
