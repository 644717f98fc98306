package pos_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

var cheapPIN = pos.PINParams{Time: 1, Memory: 64, Threads: 1}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	svc     *pos.Service
	store   pos.Store
	clock   *clock
	cashier pos.Actor
	manager pos.Actor
	events  atomic.Int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir()+"/qrpos.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{store: db, clock: &clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}}
	if _, _, err := demo.Seed(ctx, db, f.clock.Now(), cheapPIN, map[string]string{"manager": "2468", "cashier": "1357"}); err != nil {
		t.Fatal(err)
	}
	cfg := pos.DefaultConfig
	cfg.PIN = cheapPIN
	f.svc = pos.NewService(db, cfg, pos.Deps{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), OnOrder: func(pos.Order) { f.events.Add(1) },
		LinkKey: token.GenerateKey()})
	f.cashier = pos.Actor{StoreID: demo.StoreID, StaffID: demo.CashierID, Name: demo.CashierName, Role: pos.RoleCashier}
	f.manager = pos.Actor{StoreID: demo.StoreID, StaffID: demo.ManagerID, Name: demo.ManagerName, Role: pos.RoleManager}
	return f
}

func wantCode(t *testing.T, err error, want pos.Code) {
	t.Helper()
	if got := pos.ErrorCode(err); got != want {
		t.Fatalf("got error %v (code %q), want code %q", err, got, want)
	}
}

func (f *fixture) order(t *testing.T, id, table string) pos.Order {
	t.Helper()
	o, _, err := f.svc.CreateOrder(t.Context(), f.cashier, "k-create-"+id, id, table)
	if err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	return o
}

func (f *fixture) add(t *testing.T, orderID, lineID, item string, qty int, mods ...string) pos.Order {
	t.Helper()
	o, _, err := f.svc.AddLine(t.Context(), f.cashier, "k-add-"+lineID, orderID, pos.AddLineRequest{LineID: lineID, ItemID: item, Qty: qty, ModifierIDs: mods})
	if err != nil {
		t.Fatalf("AddLine(%s): %v", item, err)
	}
	return o
}

func TestLoginLockoutAndUnlock(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for i := 1; i <= 4; i++ {
		_, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "0000")
		wantCode(t, err, pos.CodeWrongPIN)
		if want := fmt.Sprintf("wrong PIN, %d", 5-i); !strings.Contains(err.Error(), want) {
			t.Errorf("attempt %d: message %q does not say %q", i, err, want)
		}
	}
	_, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "0000")
	wantCode(t, err, pos.CodeLocked)
	// The right PIN no longer works.
	_, _, _, err = f.svc.Login(ctx, demo.StoreID, demo.CashierID, "1357")
	wantCode(t, err, pos.CodeLocked)

	// A cashier cannot unlock; a manager can, once (the retry is a replay).
	_, _, err = f.svc.Unlock(ctx, f.cashier, "u1", demo.CashierID)
	wantCode(t, err, pos.CodeForbidden)
	st, replay, err := f.svc.Unlock(ctx, f.manager, "u2", demo.CashierID)
	if err != nil || replay || st.Locked() || st.FailedPINs != 0 {
		t.Fatalf("Unlock = %+v, replay %v, %v; want unlocked, no replay", st, replay, err)
	}
	if _, replay, err := f.svc.Unlock(ctx, f.manager, "u2", demo.CashierID); err != nil || !replay {
		t.Fatalf("Unlock retry: replay %v, %v; want replay", replay, err)
	}
	tok, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "1357")
	if err != nil {
		t.Fatalf("Login after unlock: %v", err)
	}
	a, _, err := f.svc.Authenticate(ctx, tok)
	if err != nil || a != f.cashier {
		t.Fatalf("Authenticate = %+v, %v; want %+v", a, err, f.cashier)
	}
}

func TestLoginSuccessResetsFailures(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for range 4 {
		f.svc.Login(ctx, demo.StoreID, demo.CashierID, "0000")
	}
	if _, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "1357"); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		_, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "0000")
		wantCode(t, err, pos.CodeWrongPIN)
	}
}

func TestLoginBadInput(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, store, staff, pin string
		want                    pos.Code
	}{
		{"pin too short", demo.StoreID, demo.CashierID, "12", pos.CodeInvalid},
		{"pin not digits", demo.StoreID, demo.CashierID, "12ab", pos.CodeInvalid},
		{"unknown staff", demo.StoreID, "nobody", "1357", pos.CodeNotFound},
		{"other store", "elsewhere", demo.CashierID, "1357", pos.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := f.svc.Login(t.Context(), tt.store, tt.staff, tt.pin)
			wantCode(t, err, tt.want)
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	login := func() string {
		tok, _, _, err := f.svc.Login(ctx, demo.StoreID, demo.CashierID, "1357")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Idle: activity keeps the session alive; silence ends it.
	tok := login()
	for range 5 {
		f.clock.Advance(pos.DefaultConfig.SessionIdle - time.Minute)
		if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
			t.Fatalf("active session refused: %v", err)
		}
	}
	f.clock.Advance(pos.DefaultConfig.SessionIdle)
	_, _, err := f.svc.Authenticate(ctx, tok)
	wantCode(t, err, pos.CodeSessionExpired)
	_, _, err = f.svc.Authenticate(ctx, tok) // and it is gone for good
	wantCode(t, err, pos.CodeUnauthorized)

	// Absolute: even a busy session ends after SessionMax.
	tok = login()
	for elapsed := time.Duration(0); elapsed < pos.DefaultConfig.SessionMax-time.Hour; elapsed += time.Hour {
		f.clock.Advance(time.Hour)
		if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
			t.Fatalf("session refused after %v: %v", elapsed, err)
		}
	}
	f.clock.Advance(time.Hour + time.Second)
	_, _, err = f.svc.Authenticate(ctx, tok)
	wantCode(t, err, pos.CodeSessionExpired)

	// Logout ends it; garbage is refused.
	tok = login()
	if err := f.svc.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.Authenticate(ctx, tok)
	wantCode(t, err, pos.CodeUnauthorized)
	_, _, err = f.svc.Authenticate(ctx, "not a token")
	wantCode(t, err, pos.CodeUnauthorized)
}

func TestRingUpAndCash(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	o := f.order(t, "o1", "t3")
	if o.Number != 1 || o.Status != pos.StatusOpen || o.Currency != "CNY" {
		t.Fatalf("new order = %+v", o)
	}
	o = f.add(t, "o1", "l1", "kung-pao-chicken", 1, "spice-hot", "extra-egg")
	o = f.add(t, "o1", "l2", "jasmine-tea", 2)
	o = f.add(t, "o1", "l3", "steamed-rice", 1)
	if got, want := o.Lines[0].UnitPrice(), int64(4500); got != want {
		t.Errorf("Kung Pao with egg = %d, want %d", got, want)
	}
	qty := 3
	o, _, err := f.svc.UpdateLine(ctx, f.cashier, "k-upd", "o1", "l2", pos.UpdateLineRequest{Qty: &qty})
	if err != nil {
		t.Fatal(err)
	}
	o, _, err = f.svc.RemoveLine(ctx, f.cashier, "k-rm", "o1", "l3")
	if err != nil {
		t.Fatal(err)
	}
	tot := pos.ComputeTotals(o, true)
	if want := int64(4500 + 3*1500); tot.Total != want || len(o.Lines) != 2 {
		t.Fatalf("total %d with %d lines, want %d with 2", tot.Total, len(o.Lines), want)
	}
	o, _, err = f.svc.SendToKitchen(ctx, f.cashier, "k-send", "o1")
	if err != nil || o.Status != pos.StatusSent || !o.Lines[0].Sent {
		t.Fatalf("SendToKitchen = %v, %v", o.Status, err)
	}
	_, _, err = f.svc.SendToKitchen(ctx, f.cashier, "k-send2", "o1")
	wantCode(t, err, pos.CodeInvalid)

	// Partial cash, then the rest with change.
	o, _, err = f.svc.TenderCash(ctx, f.cashier, "k-c1", "o1", pos.CashRequest{TenderID: "c1", Tendered: 5000, Currency: "CNY"})
	if err != nil || o.Status != pos.StatusSent || pos.ComputeTotals(o, true).Due != 4000 {
		t.Fatalf("partial cash: status %s due %d, %v", o.Status, pos.ComputeTotals(o, true).Due, err)
	}
	o, _, err = f.svc.TenderCash(ctx, f.cashier, "k-c2", "o1", pos.CashRequest{TenderID: "c2", Tendered: 10000, Currency: "CNY"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != pos.StatusClosed || o.ClosedAt == nil || o.Tenders[1].Change != 6000 || o.Tenders[1].Amount != 4000 {
		t.Fatalf("closing cash: %+v", o)
	}
	// The closed order is history: no more changes, and the table is free.
	_, _, err = f.svc.AddLine(ctx, f.cashier, "k-late", "o1", pos.AddLineRequest{LineID: "l9", ItemID: "jasmine-tea", Qty: 1})
	wantCode(t, err, pos.CodeOrderClosed)
	closed, err := f.svc.Orders(ctx, f.cashier, pos.OrderFilter{Statuses: []pos.OrderStatus{pos.StatusClosed}})
	if err != nil || len(closed) != 1 || closed[0].ID != "o1" {
		t.Fatalf("history = %v, %v", closed, err)
	}
	f.order(t, "o2", "t3")
}

func TestIdempotentRetries(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "t1")
	req := pos.AddLineRequest{LineID: "l1", ItemID: "jasmine-tea", Qty: 1}
	first, replay, err := f.svc.AddLine(ctx, f.cashier, "same-key", "o1", req)
	if err != nil || replay {
		t.Fatalf("first AddLine: replay %v, %v", replay, err)
	}
	events := f.events.Load()
	for range 3 {
		again, replay, err := f.svc.AddLine(ctx, f.cashier, "same-key", "o1", req)
		if err != nil || !replay || again.Version != first.Version || len(again.Lines) != 1 {
			t.Fatalf("retry: replay %v, version %d, %d lines, %v", replay, again.Version, len(again.Lines), err)
		}
	}
	if got := f.events.Load(); got != events {
		t.Errorf("retries published %d events, want none", got-events)
	}
	// Same key, different request: refused, nothing changes.
	_, _, err = f.svc.AddLine(ctx, f.cashier, "same-key", "o1", pos.AddLineRequest{LineID: "l2", ItemID: "jasmine-tea", Qty: 5})
	wantCode(t, err, pos.CodeIdempotency)
	// A new key for an already added line id is a conflict, not a duplicate line.
	_, _, err = f.svc.AddLine(ctx, f.cashier, "other-key", "o1", req)
	wantCode(t, err, pos.CodeConflict)
	// Missing key.
	_, _, err = f.svc.AddLine(ctx, f.cashier, "", "o1", pos.AddLineRequest{LineID: "l3", ItemID: "jasmine-tea", Qty: 1})
	wantCode(t, err, pos.CodeNeedKey)
	// Cash retried after a lost answer charges once.
	cash := pos.CashRequest{TenderID: "c1", Tendered: 2000, Currency: "CNY"}
	a, _, err := f.svc.TenderCash(ctx, f.cashier, "cash-key", "o1", cash)
	if err != nil {
		t.Fatal(err)
	}
	b, replay, err := f.svc.TenderCash(ctx, f.cashier, "cash-key", "o1", cash)
	if err != nil || !replay || len(b.Tenders) != 1 || b.Tenders[0] != a.Tenders[0] {
		t.Fatalf("cash retry: replay %v, tenders %v, %v", replay, b.Tenders, err)
	}
	o, _ := f.svc.Order(ctx, f.cashier, "o1")
	if len(o.Tenders) != 1 {
		t.Fatalf("stored tenders = %d, want 1", len(o.Tenders))
	}
	// The same tender under a new key (the till lost the answer and the
	// cashier tapped again): the order, not a refusal, and still one tender.
	c, replay, err := f.svc.TenderCash(ctx, f.cashier, "cash-key-2", "o1", cash)
	if err != nil || !replay || len(c.Tenders) != 1 {
		t.Fatalf("same tender, new key: replay %v, %d tenders, %v", replay, len(c.Tenders), err)
	}
	_, _, err = f.svc.TenderCash(ctx, f.cashier, "cash-key-3", "o1", pos.CashRequest{TenderID: "c1", Tendered: 9999, Currency: "CNY"})
	wantCode(t, err, pos.CodeConflict)
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "")
	long := string(make([]rune, pos.MaxNoteLen+1))
	tests := []struct {
		name string
		req  pos.AddLineRequest
		want pos.Code
	}{
		{"zero qty", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 0}, pos.CodeInvalid},
		{"negative qty", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: -1}, pos.CodeInvalid},
		{"absurd qty", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 1000}, pos.CodeInvalid},
		{"unknown item", pos.AddLineRequest{LineID: "a", ItemID: "caviar", Qty: 1}, pos.CodeNotFound},
		{"sold out", pos.AddLineRequest{LineID: "a", ItemID: "drunken-shrimp", Qty: 1}, pos.CodeUnavailable},
		{"missing required modifier", pos.AddLineRequest{LineID: "a", ItemID: "kung-pao-chicken", Qty: 1}, pos.CodeInvalid},
		{"two spice levels", pos.AddLineRequest{LineID: "a", ItemID: "kung-pao-chicken", Qty: 1, ModifierIDs: []string{"spice-hot", "spice-mild"}}, pos.CodeInvalid},
		{"modifier of another item", pos.AddLineRequest{LineID: "a", ItemID: "kung-pao-chicken", Qty: 1, ModifierIDs: []string{"spice-hot", "temp-iced"}}, pos.CodeInvalid},
		{"modifier twice", pos.AddLineRequest{LineID: "a", ItemID: "mapo-tofu", Qty: 1, ModifierIDs: []string{"spice-hot", "extra-egg", "extra-egg"}}, pos.CodeInvalid},
		{"modifiers on plain item", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 1, ModifierIDs: []string{"spice-hot"}}, pos.CodeInvalid},
		{"note too long", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 1, Note: long}, pos.CodeInvalid},
		{"control characters", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 1, Note: "a\x00b"}, pos.CodeInvalid},
		{"bad line id", pos.AddLineRequest{LineID: "a b", ItemID: "jasmine-tea", Qty: 1}, pos.CodeInvalid},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.AddLine(ctx, f.cashier, fmt.Sprint("k", i), "o1", tt.req)
			wantCode(t, err, tt.want)
		})
	}
	o, _ := f.svc.Order(ctx, f.cashier, "o1")
	if len(o.Lines) != 0 || o.Version != 1 {
		t.Errorf("after refused requests: %d lines, version %d; want nothing written", len(o.Lines), o.Version)
	}
	_, _, err := f.svc.AddLine(ctx, f.cashier, "k-x", "nope", pos.AddLineRequest{LineID: "a", ItemID: "jasmine-tea", Qty: 1})
	wantCode(t, err, pos.CodeNotFound)
	_, _, err = f.svc.TenderCash(ctx, f.cashier, "k-e", "o1", pos.CashRequest{TenderID: "c", Tendered: 100, Currency: "CNY"})
	wantCode(t, err, pos.CodeInvalid) // empty order
	f.add(t, "o1", "l1", "jasmine-tea", 1)
	for _, c := range []pos.CashRequest{
		{TenderID: "c", Tendered: 0, Currency: "CNY"},
		{TenderID: "c", Tendered: -100, Currency: "CNY"},
		{TenderID: "c", Tendered: pos.MaxAmount + 1, Currency: "CNY"},
		{TenderID: "c", Tendered: 100, Currency: "USD"},
		{TenderID: "", Tendered: 100, Currency: "CNY"},
	} {
		_, _, err := f.svc.TenderCash(ctx, f.cashier, fmt.Sprint("k-cash", c), "o1", c)
		wantCode(t, err, pos.CodeInvalid)
	}
	_, _, err = f.svc.CreateOrder(ctx, f.cashier, "k-t", "o9", "no-such-table")
	wantCode(t, err, pos.CodeNotFound)
}

func TestRoles(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "")
	f.add(t, "o1", "l1", "jasmine-tea", 1)
	_, _, err := f.svc.Void(ctx, f.cashier, "v1", "o1", "guest left")
	wantCode(t, err, pos.CodeForbidden)
	o, _, err := f.svc.Void(ctx, f.manager, "v2", "o1", "guest left")
	if err != nil || o.Status != pos.StatusVoid || o.VoidReason != "guest left" {
		t.Fatalf("manager void = %s %q, %v", o.Status, o.VoidReason, err)
	}
	// An empty order can be voided by anyone.
	f.order(t, "o2", "")
	if _, _, err := f.svc.Void(ctx, f.cashier, "v3", "o2", "opened by mistake"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ListStaff(ctx, f.cashier)
	wantCode(t, err, pos.CodeForbidden)
	staff, err := f.svc.ListStaff(ctx, f.manager)
	if err != nil || len(staff) != 2 {
		t.Fatalf("ListStaff = %d, %v; want 2", len(staff), err)
	}
	// A manager cannot unlock an owner.
	owner := pos.Staff{ID: "boss", StoreID: demo.StoreID, Name: "Boss", Role: pos.RoleOwner, PINHash: pos.HashPIN("9999", cheapPIN), Active: true}
	if err := f.store.Write(ctx, func(tx pos.Tx) error { return tx.CreateStaff(ctx, owner) }); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.Unlock(ctx, f.manager, "u-owner", "boss")
	wantCode(t, err, pos.CodeForbidden)
}

// Two terminals editing one order at once lose nothing.
func TestConcurrentEditsFromTwoTerminals(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "t5")
	const perTerminal = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*perTerminal)
	for term := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perTerminal {
				id := fmt.Sprintf("t%d-l%d", term, i)
				_, _, err := f.svc.AddLine(ctx, f.cashier, "k-"+id, "o1", pos.AddLineRequest{LineID: id, ItemID: "jasmine-tea", Qty: 1})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	o, err := f.svc.Order(ctx, f.cashier, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 2*perTerminal || o.Version != 1+2*perTerminal {
		t.Fatalf("%d lines, version %d; want %d lines, version %d", len(o.Lines), o.Version, 2*perTerminal, 1+2*perTerminal)
	}
}

// Two terminals opening the same table at once get one order between them.
func TestConcurrentOpenOfOneTable(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	const n = 8
	var wg sync.WaitGroup
	var ok, busy atomic.Int32
	var winner atomic.Value
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("o%d", i)
			o, _, err := f.svc.CreateOrder(ctx, f.cashier, "k-"+id, id, "t3")
			switch {
			case err == nil:
				ok.Add(1)
				winner.Store(o.ID)
			case pos.ErrorCode(err) == pos.CodeTableBusy:
				busy.Add(1)
				var pe *pos.Error
				if errors.As(err, &pe) && pe.OrderID == "" {
					t.Error("table_busy names no order")
				}
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || busy.Load() != n-1 {
		t.Fatalf("%d created, %d busy; want 1 and %d", ok.Load(), busy.Load(), n-1)
	}
	ts, err := f.svc.Tables(ctx, f.cashier)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range ts {
		if tb.ID == "t3" && tb.OrderID != winner.Load() {
			t.Errorf("table 3 shows order %q, want %q", tb.OrderID, winner.Load())
		}
	}
}

// Two terminals tapping + on the same line at once: every tap counts.
func TestConcurrentQuantityTaps(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.order(t, "o1", "t2")
	f.add(t, "o1", "l1", "jasmine-tea", 1)
	const taps = 20
	var wg sync.WaitGroup
	for term := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range taps {
				one := 1
				if _, _, err := f.svc.UpdateLine(ctx, f.cashier, fmt.Sprintf("tap-%d-%d", term, i), "o1", "l1", pos.UpdateLineRequest{QtyDelta: &one}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	o, _ := f.svc.Order(ctx, f.cashier, "o1")
	if got, want := o.Lines[0].Qty, 1+2*taps; got != want {
		t.Fatalf("quantity after %d taps from two terminals = %d, want %d", 2*taps, got, want)
	}
	// A retried tap (same key) counts once.
	one := 1
	f.svc.UpdateLine(ctx, f.cashier, "tap-retry", "o1", "l1", pos.UpdateLineRequest{QtyDelta: &one})
	f.svc.UpdateLine(ctx, f.cashier, "tap-retry", "o1", "l1", pos.UpdateLineRequest{QtyDelta: &one})
	if o, _ := f.svc.Order(ctx, f.cashier, "o1"); o.Lines[0].Qty != 2+2*taps {
		t.Errorf("after a retried tap: %d, want %d", o.Lines[0].Qty, 2+2*taps)
	}
	minus, zero, both, big := -(2 + 2*taps), 0, 3, pos.MaxQty
	tests := []struct {
		name string
		req  pos.UpdateLineRequest
	}{
		{"below one", pos.UpdateLineRequest{QtyDelta: &minus}},
		{"zero change", pos.UpdateLineRequest{QtyDelta: &zero}},
		{"both forms", pos.UpdateLineRequest{Qty: &both, QtyDelta: &one}},
		{"over the maximum", pos.UpdateLineRequest{QtyDelta: &big}},
	}
	for i, tt := range tests {
		_, _, err := f.svc.UpdateLine(ctx, f.cashier, fmt.Sprint("bad-", i), "o1", "l1", tt.req)
		if pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("%s: got %v, want invalid", tt.name, err)
		}
	}
}
