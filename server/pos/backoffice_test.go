package pos_test

import (
	"testing"
	"time"

	"qrpos/server/demo"
	"qrpos/server/pos"
)

// item returns the demo item id's current state.
func (f *fixture) item(t *testing.T, id string) pos.Item {
	t.Helper()
	m, err := f.svc.Menu(t.Context(), f.manager)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range m.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return pos.Item{}
}

func editOf(it pos.Item) pos.ItemEdit {
	return pos.ItemEdit{ID: it.ID, CategoryID: it.CategoryID, Name: it.Name, Price: it.Price, TaxRateBP: it.TaxRateBP,
		Available: it.Available, Position: it.Position, ModifierGroupIDs: it.ModifierGroupIDs, Photo: it.Photo}
}

func (f *fixture) setPrice(t *testing.T, key, id string, price int64) {
	t.Helper()
	e := editOf(f.item(t, id))
	e.Price = price
	if _, _, err := f.svc.SaveItem(t.Context(), f.manager, key, e, false); err != nil {
		t.Fatalf("SaveItem(%s, %d): %v", id, price, err)
	}
}

func (f *fixture) setModifierPrice(t *testing.T, key, groupID, modID string, price int64) {
	t.Helper()
	m, err := f.svc.Menu(t.Context(), f.manager)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range m.ModifierGroups {
		if g.ID != groupID {
			continue
		}
		for i := range g.Modifiers {
			if g.Modifiers[i].ID == modID {
				g.Modifiers[i].Price = price
			}
		}
		if _, _, err := f.svc.SaveModifierGroup(t.Context(), f.manager, key, g, false); err != nil {
			t.Fatalf("SaveModifierGroup: %v", err)
		}
		return
	}
	t.Fatalf("no group %s", groupID)
}

func (f *fixture) version(t *testing.T) int64 {
	t.Helper()
	m, err := f.svc.Menu(t.Context(), f.cashier)
	if err != nil {
		t.Fatal(err)
	}
	return m.Version
}

// TestPriceAt: a cart built on a menu version is charged that version's
// prices, for the item and its options, whatever changed since.
func TestPriceAt(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	const rice, extras, egg = "egg-fried-rice", "extras", "extra-egg"
	v0 := f.version(t)
	if v0 != 0 {
		t.Fatalf("seeded menu version = %d, want 0", v0)
	}
	f.setPrice(t, "p1", rice, 2500) // v1: 22.00 -> 25.00
	v1 := f.version(t)
	f.setModifierPrice(t, "p2", extras, egg, 400) // v2: egg 3.00 -> 4.00
	v2 := f.version(t)
	if _, _, err := f.svc.SetSoldOut(ctx, f.manager, "p3", "tsingtao", true); err != nil { // v3: not a price
		t.Fatal(err)
	}
	f.setPrice(t, "p4", rice, 2700) // v4
	v4 := f.version(t)
	if v1 != 1 || v2 != 2 || v4 != 4 {
		t.Fatalf("versions %d, %d, %d; want 1, 2, 4", v1, v2, v4)
	}
	for _, tt := range []struct {
		name       string
		version    int64
		price, egg int64
	}{
		{"before any change", v0, 2200, 300},
		{"after the price change", v1, 2500, 300},
		{"after the option change", v2, 2500, 400},
		{"a version without price changes", 3, 2500, 400},
		{"now", v4, 2700, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.svc.PriceAt(ctx, demo.StoreID, rice, tt.version)
			if err != nil {
				t.Fatalf("PriceAt(%d): %v", tt.version, err)
			}
			if p.Price != tt.price || p.Modifiers[egg] != tt.egg {
				t.Errorf("PriceAt(%d) = %d, egg %d; want %d, egg %d", tt.version, p.Price, p.Modifiers[egg], tt.price, tt.egg)
			}
			if p.Modifiers["size-large"] != 600 {
				t.Errorf("PriceAt(%d): large = %d, want 600 (never changed)", tt.version, p.Modifiers["size-large"])
			}
		})
	}
	// An item that never changed costs its price at every version.
	if p, err := f.svc.PriceAt(ctx, demo.StoreID, "mapo-tofu", 0); err != nil || p.Price != 3200 {
		t.Errorf("PriceAt(mapo tofu, 0) = %+v, %v; want 3200", p, err)
	}
	_, err := f.svc.PriceAt(ctx, demo.StoreID, rice, v4+1)
	wantCode(t, err, pos.CodeInvalid)
	_, err = f.svc.PriceAt(ctx, demo.StoreID, "no-such-item", 0)
	wantCode(t, err, pos.CodeNotFound)
	_, err = f.svc.PriceAt(ctx, demo.StoreID, rice, -1)
	wantCode(t, err, pos.CodeInvalid)

	// A line added before the change keeps its price; one added after
	// costs the new one.
	f.order(t, "o1", "t1")
	o := f.add(t, "o1", "l1", "mapo-tofu", 1, "spice-mild")
	f.setPrice(t, "p5", "mapo-tofu", 3600)
	o = f.add(t, "o1", "l2", "mapo-tofu", 1, "spice-mild")
	if o.Lines[0].BasePrice != 3200 || o.Lines[1].BasePrice != 3600 {
		t.Errorf("lines at %d and %d, want 3200 then 3600", o.Lines[0].BasePrice, o.Lines[1].BasePrice)
	}
}

func TestSoldOutToday(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "t1")
	it, replay, err := f.svc.SetSoldOut(ctx, f.manager, "s1", "tsingtao", true)
	if err != nil || replay || it.SoldOutUntil == nil {
		t.Fatalf("SetSoldOut = %+v, %v, %v", it, replay, err)
	}
	// Until the business day ends: 04:00 in Shanghai (the default cut-off
	// and zone), 20:00 UTC; the clock says 20:00 in Shanghai.
	if want := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC); !it.SoldOutUntil.Equal(want) {
		t.Errorf("sold out until %v, want %v", it.SoldOutUntil, want)
	}
	_, _, err = f.svc.AddLine(ctx, f.cashier, "a1", "o1", pos.AddLineRequest{LineID: "l1", ItemID: "tsingtao", Qty: 1})
	wantCode(t, err, pos.CodeUnavailable)
	if _, replay, err := f.svc.SetSoldOut(ctx, f.manager, "s1", "tsingtao", true); err != nil || !replay {
		t.Errorf("retry: replay %v, %v; want a replay", replay, err)
	}
	_, _, err = f.svc.SetSoldOut(ctx, f.cashier, "s2", "tsingtao", false)
	wantCode(t, err, pos.CodeForbidden)
	// The next day it is back by itself.
	f.clock.Advance(12 * time.Hour)
	f.add(t, "o1", "l2", "tsingtao", 1)
	// A manager can also clear it at once.
	f.clock.Advance(-12 * time.Hour)
	if _, _, err := f.svc.SetSoldOut(ctx, f.manager, "s3", "jasmine-tea", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SetSoldOut(ctx, f.manager, "s4", "jasmine-tea", false); err != nil {
		t.Fatal(err)
	}
	f.add(t, "o1", "l3", "jasmine-tea", 1)

	// A store whose day ends at 02:00 in London: sold out at 23:30 there,
	// a dish stays sold out past midnight until 02:00.
	if _, _, err := f.svc.SetDaySettings(ctx, f.manager, "d1", 2*60, "Europe/London"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(11*time.Hour + 30*time.Minute) // 23:30 UTC, 23:30 in London in November
	it, _, err = f.svc.SetSoldOut(ctx, f.manager, "s5", "longjing-tea", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC); !it.SoldOutUntil.Equal(want) {
		t.Errorf("sold out at 23:30 until %v, want 02:00 the next morning", it.SoldOutUntil)
	}
	f.clock.Advance(time.Hour) // 00:30: still the same business day
	_, _, err = f.svc.AddLine(ctx, f.cashier, "a2", "o1", pos.AddLineRequest{LineID: "l4", ItemID: "longjing-tea", Qty: 1})
	wantCode(t, err, pos.CodeUnavailable)
	f.clock.Advance(2 * time.Hour) // 02:30: a new day
	f.add(t, "o1", "l5", "longjing-tea", 1)
}

func TestSaveItemChecks(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	base := editOf(f.item(t, "mapo-tofu"))
	for _, tt := range []struct {
		name   string
		actor  pos.Actor
		edit   func(*pos.ItemEdit)
		create bool
		want   pos.Code
	}{
		{"cashier", f.cashier, func(*pos.ItemEdit) {}, false, pos.CodeForbidden},
		{"no name", f.manager, func(e *pos.ItemEdit) { e.Name = "  " }, false, pos.CodeInvalid},
		{"negative price", f.manager, func(e *pos.ItemEdit) { e.Price = -1 }, false, pos.CodeInvalid},
		{"huge price", f.manager, func(e *pos.ItemEdit) { e.Price = pos.MaxAmount + 1 }, false, pos.CodeInvalid},
		{"tax over 100%", f.manager, func(e *pos.ItemEdit) { e.TaxRateBP = 10001 }, false, pos.CodeInvalid},
		{"unknown category", f.manager, func(e *pos.ItemEdit) { e.CategoryID = "nope" }, false, pos.CodeNotFound},
		{"unknown group", f.manager, func(e *pos.ItemEdit) { e.ModifierGroupIDs = []string{"nope"} }, false, pos.CodeNotFound},
		{"group twice", f.manager, func(e *pos.ItemEdit) { e.ModifierGroupIDs = []string{"spice", "spice"} }, false, pos.CodeInvalid},
		{"photo not uploaded", f.manager, func(e *pos.ItemEdit) { e.Photo = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }, false, pos.CodeNotFound},
		{"bad photo", f.manager, func(e *pos.ItemEdit) { e.Photo = "../etc" }, false, pos.CodeInvalid},
		{"missing item", f.manager, func(e *pos.ItemEdit) { e.ID = "nope" }, false, pos.CodeNotFound},
		{"duplicate id", f.manager, func(*pos.ItemEdit) {}, true, pos.CodeConflict},
		{"bad id", f.manager, func(e *pos.ItemEdit) { e.ID = "a b" }, true, pos.CodeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			tt.edit(&e)
			_, _, err := f.svc.SaveItem(ctx, tt.actor, "k-"+tt.name, e, tt.create)
			wantCode(t, err, tt.want)
		})
	}
	if v := f.version(t); v != 0 {
		t.Errorf("refused edits moved the menu to version %d, want 0", v)
	}
	// A new item, then the same request again: a replay.
	e := pos.ItemEdit{ID: "spring-rolls", CategoryID: "cold", Name: "Spring Rolls", Price: 1600, TaxRateBP: 600, Available: true}
	it, replay, err := f.svc.SaveItem(ctx, f.manager, "new-1", e, true)
	if err != nil || replay || it.Price != 1600 {
		t.Fatalf("create = %+v, %v, %v", it, replay, err)
	}
	if _, replay, err := f.svc.SaveItem(ctx, f.manager, "new-1", e, true); err != nil || !replay {
		t.Errorf("retry = replay %v, %v; want replay", replay, err)
	}
	e.Price = 1700
	_, _, err = f.svc.SaveItem(ctx, f.manager, "new-1", e, true)
	wantCode(t, err, pos.CodeIdempotency)
	if p, err := f.svc.PriceAt(ctx, demo.StoreID, "spring-rolls", f.version(t)); err != nil || p.Price != 1600 {
		t.Errorf("PriceAt(new item) = %+v, %v", p, err)
	}
}

func TestStaffChanges(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	owner := pos.Actor{StoreID: demo.StoreID, StaffID: "boss", Name: "Boss", Role: pos.RoleOwner}
	if _, _, err := f.svc.AddStaff(ctx, owner, "add-boss", pos.StaffEdit{ID: "boss", Name: "Boss", Role: pos.RoleOwner, PIN: "9999"}); err != nil {
		t.Fatalf("owner adds an owner: %v", err)
	}
	for _, tt := range []struct {
		name  string
		actor pos.Actor
		edit  pos.StaffEdit
		want  pos.Code
	}{
		{"cashier adds", f.cashier, pos.StaffEdit{ID: "x1", Name: "X", Role: pos.RoleCashier, PIN: "1234"}, pos.CodeForbidden},
		{"manager adds an owner", f.manager, pos.StaffEdit{ID: "x2", Name: "X", Role: pos.RoleOwner, PIN: "1234"}, pos.CodeForbidden},
		{"bad PIN", f.manager, pos.StaffEdit{ID: "x3", Name: "X", Role: pos.RoleCashier, PIN: "12"}, pos.CodeInvalid},
		{"bad role", f.manager, pos.StaffEdit{ID: "x4", Name: "X", Role: "chef", PIN: "1234"}, pos.CodeInvalid},
		{"no name", f.manager, pos.StaffEdit{ID: "x5", Role: pos.RoleCashier, PIN: "1234"}, pos.CodeInvalid},
		{"duplicate", f.manager, pos.StaffEdit{ID: demo.CashierID, Name: "X", Role: pos.RoleCashier, PIN: "1234"}, pos.CodeConflict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.AddStaff(ctx, tt.actor, "k-"+tt.name, tt.edit)
			wantCode(t, err, tt.want)
		})
	}
	st, _, err := f.svc.AddStaff(ctx, f.manager, "add-zoe", pos.StaffEdit{ID: "zoe", Name: "Zoe", Role: pos.RoleCashier, PIN: "4321"})
	if err != nil || !st.Active || st.Role != pos.RoleCashier {
		t.Fatalf("AddStaff = %+v, %v", st, err)
	}
	// The retry with the same key is a replay, whatever PIN it carries.
	if _, replay, err := f.svc.AddStaff(ctx, f.manager, "add-zoe", pos.StaffEdit{ID: "zoe", Name: "Zoe", Role: pos.RoleCashier, PIN: "4321"}); err != nil || !replay {
		t.Errorf("AddStaff retry = replay %v, %v", replay, err)
	}
	tok, _, _, err := f.svc.Login(ctx, demo.StoreID, "zoe", "4321")
	if err != nil {
		t.Fatalf("new staff logs in: %v", err)
	}

	role, mgr, own := pos.RoleManager, pos.RoleManager, pos.RoleOwner
	pin, off := "5555", false
	for _, tt := range []struct {
		name  string
		actor pos.Actor
		id    string
		c     pos.StaffChange
		want  pos.Code
	}{
		{"cashier changes", f.cashier, "zoe", pos.StaffChange{Role: &role}, pos.CodeForbidden},
		{"manager promotes to owner", f.manager, "zoe", pos.StaffChange{Role: &own}, pos.CodeForbidden},
		{"manager edits an owner", f.manager, "boss", pos.StaffChange{PIN: &pin}, pos.CodeForbidden},
		{"manager deactivates an owner", f.manager, "boss", pos.StaffChange{Active: &off}, pos.CodeForbidden},
		{"deactivate yourself", f.manager, demo.ManagerID, pos.StaffChange{Active: &off}, pos.CodeForbidden},
		{"nothing", f.manager, "zoe", pos.StaffChange{}, pos.CodeInvalid},
		{"missing", f.manager, "nobody", pos.StaffChange{Role: &mgr}, pos.CodeNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.ChangeStaff(ctx, tt.actor, "k-"+tt.name, tt.id, tt.c)
			wantCode(t, err, tt.want)
		})
	}
	if st, _, err := f.svc.ChangeStaff(ctx, f.manager, "promote", "zoe", pos.StaffChange{Role: &mgr}); err != nil || st.Role != pos.RoleManager {
		t.Fatalf("promote = %+v, %v", st, err)
	}
	// A new PIN ends Zoe's sessions.
	if _, _, err := f.svc.ChangeStaff(ctx, f.manager, "pin", "zoe", pos.StaffChange{PIN: &pin}); err != nil {
		t.Fatalf("reset PIN: %v", err)
	}
	_, _, err = f.svc.Authenticate(ctx, tok)
	wantCode(t, err, pos.CodeUnauthorized)
	if _, _, _, err := f.svc.Login(ctx, demo.StoreID, "zoe", "5555"); err != nil {
		t.Errorf("login with the new PIN: %v", err)
	}
	if _, _, err := f.svc.ChangeStaff(ctx, f.manager, "off", "zoe", pos.StaffChange{Active: &off}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = f.svc.Login(ctx, demo.StoreID, "zoe", "5555")
	wantCode(t, err, pos.CodeNotFound)

	// Every change is in the audit log, newest first, with who did it.
	log, err := f.svc.Audit(ctx, f.manager, pos.AuditFilter{StaffID: demo.ManagerID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
		if e.StaffName != demo.ManagerName {
			t.Errorf("entry %s by %q, want %q", e.Action, e.StaffName, demo.ManagerName)
		}
	}
	want := []string{pos.AuditStaffDeactivate, pos.AuditStaffPINReset, pos.AuditStaffRole, pos.AuditStaffAdd}
	if len(actions) != len(want) {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("audit actions %v, want %v", actions, want)
			break
		}
	}
	_, err = f.svc.Audit(ctx, f.cashier, pos.AuditFilter{})
	wantCode(t, err, pos.CodeForbidden)
}

func TestAuditOfVoidAndSettings(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "t1")
	f.add(t, "o1", "l1", "jasmine-tea", 1)
	if _, _, err := f.svc.Void(ctx, f.manager, "v1", "o1", "guest left"); err != nil {
		t.Fatal(err)
	}
	url := "https://pos.example.com"
	st, _, err := f.svc.UpdateSettings(ctx, f.manager, "set1", pos.StoreSettings{Name: "Lotus", Address: "88 Road", Currency: "CNY",
		Settings: pos.Settings{PublicURL: &url, AutoSend: true}})
	if err != nil || st.PublicURL == nil || *st.PublicURL != url {
		t.Fatalf("UpdateSettings = %+v, %v", st, err)
	}
	for _, tt := range []struct {
		name string
		in   pos.StoreSettings
		want pos.Code
	}{
		{"bad currency", pos.StoreSettings{Name: "L", Currency: "yuan"}, pos.CodeInvalid},
		{"bad url", pos.StoreSettings{Name: "L", Currency: "CNY", Settings: pos.Settings{PublicURL: ptr("ftp://x")}}, pos.CodeInvalid},
		{"no name", pos.StoreSettings{Currency: "CNY"}, pos.CodeInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.UpdateSettings(ctx, f.manager, "k-"+tt.name, tt.in)
			wantCode(t, err, tt.want)
		})
	}
	_, _, err = f.svc.UpdateSettings(ctx, f.cashier, "c", pos.StoreSettings{Name: "L", Currency: "CNY"})
	wantCode(t, err, pos.CodeForbidden)
	// The currency changes only without open orders.
	f.order(t, "o2", "t2")
	_, _, err = f.svc.UpdateSettings(ctx, f.manager, "cur", pos.StoreSettings{Name: "L", Currency: "USD"})
	wantCode(t, err, pos.CodeConflict)

	got := map[string]pos.AuditEntry{}
	log, err := f.svc.Audit(ctx, f.manager, pos.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		got[e.Action] = e
	}
	if e := got[pos.AuditOrderVoid]; e.Reason != "guest left" || e.Target != "order o1" {
		t.Errorf("void entry = %+v", e)
	}
	if _, ok := got[pos.AuditSettings]; !ok || len(log) != 2 {
		t.Errorf("audit log = %+v, want the void and one settings change", log)
	}
	_, err = f.svc.Audit(ctx, f.manager, pos.AuditFilter{Action: "nope"})
	wantCode(t, err, pos.CodeInvalid)
}

func ptr[T any](v T) *T { return &v }

// TestAuditOfPayments: refunds, payment voids and limit changes are in the
// audit log, written with the change (a refused one leaves nothing).
func TestAuditOfPayments(t *testing.T) {
	f := newPayFixture(t)
	ctx := t.Context()
	p := f.wallet(t, 50000)
	f.ticket(t, "o1")
	if _, _, err := f.svc.ChargeCode(ctx, f.cashier, "k1", "o1", "i1", f.code(t, p), "counter"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Refund(ctx, f.cashier, "r1", "i1", "rf1", 1000, "cold soup", &pos.Approval{StaffID: demo.ManagerID, PIN: "2468"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.svc.Refund(ctx, f.manager, "r2", "i1", "rf2", 99999, "too much", nil)
	wantCode(t, err, pos.CodeRefundTooMuch)
	f.clock.Advance(30 * time.Second)
	f.ticket(t, "o2")
	if _, _, err := f.svc.ChargeCode(ctx, f.cashier, "k2", "o2", "i2", f.code(t, p), "counter"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.VoidPayment(ctx, f.manager, "v1", "i2", "wrong table", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SetLimits(ctx, f.manager, "l1", pos.Limits{Rail: pos.RailWallet, PasswordFree: 20000}); err != nil {
		t.Fatal(err)
	}
	log, err := f.svc.Audit(ctx, f.manager, pos.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("audit log %+v, want 3 entries", log)
	}
	limits, void, refund := log[0], log[1], log[2]
	if refund.Action != pos.AuditRefund || refund.StaffID != demo.CashierID || refund.Reason != "cold soup" ||
		refund.Target != "payment i1" || refund.Detail != "¥10.00, approved by "+demo.ManagerID {
		t.Errorf("refund entry %+v", refund)
	}
	if void.Action != pos.AuditPaymentVoid || void.StaffID != demo.ManagerID || void.Reason != "wrong table" || void.Target != "payment i2" {
		t.Errorf("void entry %+v", void)
	}
	if limits.Action != pos.AuditLimits || limits.Target != "rail wallet" {
		t.Errorf("limits entry %+v", limits)
	}
}
