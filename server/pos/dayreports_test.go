package pos_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"

	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

// dayFixture is a payFixture whose database file is known, so that a test
// can reach under the service with raw SQL.
type dayFixture struct {
	*payFixture
	path string
}

func newDayFixture(t *testing.T) *dayFixture {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{store: db, clock: &clock{t: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}}
	if _, _, err := demo.Seed(ctx, db, f.clock.Now(), cheapPIN, map[string]string{"manager": "2468", "cashier": "1357"}); err != nil {
		t.Fatal(err)
	}
	signer, err := token.NewSigner(token.SignerConfig{Keys: [][]byte{token.GenerateKey()}, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	pf := &payFixture{fixture: f, rail: &testRail{answer: pos.RailPaid, tx: map[string]*railTx{}}}
	cfg := pos.DefaultConfig
	cfg.PIN = cheapPIN
	pf.svc = pos.NewService(db, cfg, pos.Deps{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Signer: signer, Rails: map[string]pos.Rail{pos.RailWeChat: pf.rail}})
	f.svc = pf.svc
	f.cashier = pos.Actor{StoreID: demo.StoreID, StaffID: demo.CashierID, Name: demo.CashierName, Role: pos.RoleCashier}
	f.manager = pos.Actor{StoreID: demo.StoreID, StaffID: demo.ManagerID, Name: demo.ManagerName, Role: pos.RoleManager}
	return &dayFixture{payFixture: pf, path: path}
}

// raw opens the database file with database/sql, for injecting faults.
func (f *dayFixture) raw(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (f *dayFixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := f.raw(t).ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (f *dayFixture) cash(t *testing.T, a pos.Actor, orderID string, tendered int64) pos.Order {
	t.Helper()
	o, _, err := f.svc.TenderCash(t.Context(), a, "k-cash-"+orderID, orderID, pos.CashRequest{TenderID: "cash-" + orderID, Tendered: tendered, Currency: "CNY"})
	if err != nil {
		t.Fatalf("TenderCash(%s): %v", orderID, err)
	}
	return o
}

func (f *dayFixture) wechat(t *testing.T, orderID string) pos.Intent {
	t.Helper()
	in, _, err := f.svc.ChargeCode(t.Context(), f.cashier, "k-wx-"+orderID, orderID, "in-"+orderID, "134570030591530831", "counter")
	if err != nil || in.Status != pos.IntentSucceeded {
		t.Fatalf("ChargeCode(%s): %v, %v", orderID, in.Status, err)
	}
	return in
}

// walletQR pays an order from a wallet by the tablet's QR, with a tip.
func (f *dayFixture) walletQR(t *testing.T, p phone, orderID string, tip int64) pos.Intent {
	t.Helper()
	ctx := t.Context()
	in, _, err := f.svc.CreateQRIntent(ctx, f.cashier, "k-qr-"+orderID, orderID, "in-"+orderID, "counter")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := f.svc.IssueToken(ctx, f.cashier, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if in, err = f.svc.PayWithWallet(ctx, tok, p.cred, tip); err != nil || in.Status != pos.IntentSucceeded {
		t.Fatalf("PayWithWallet(%s): %v, %v", orderID, in.Status, err)
	}
	return in
}

// seedTwoDays rings up a known day 2026-11-23 (Asia/Shanghai, cut-off
// 04:00: 2026-11-22 20:00 to 2026-11-23 20:00 UTC) and a little of the
// next, with a refund on day 2 of a day-1 sale.
func (f *dayFixture) seedTwoDays(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	f.clock.t = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 local, day 1
	diner := f.wallet(t, 20000)
	f.clock.Advance(time.Hour) // 10:00

	f.order(t, "oA", "")
	f.add(t, "oA", "lA", "mapo-tofu", 2, "spice-mild") // 6400
	f.cash(t, f.cashier, "oA", 10000)

	f.order(t, "oB", "t1")
	f.add(t, "oB", "lB1", "kung-pao-chicken", 1, "spice-mild") // 4200
	f.add(t, "oB", "lB2", "jasmine-tea", 1)                    // 1500
	f.walletQR(t, diner, "oB", 500)

	f.order(t, "oC", "t2")
	f.add(t, "oC", "lC", "dongpo-pork", 1) // 6800
	inC := f.wechat(t, "oC")

	f.order(t, "oD", "")
	f.add(t, "oD", "lD", "steamed-rice", 1) // 300, paid then voided
	inD := f.wechat(t, "oD")
	if _, _, err := f.svc.VoidPayment(ctx, f.manager, "k-void-D", inD.ID, "wrong order", nil); err != nil {
		t.Fatal(err)
	}

	f.order(t, "oE", "")
	f.add(t, "oE", "lE", "tsingtao", 1)
	if _, _, err := f.svc.Void(ctx, f.manager, "k-void-E", "oE", "guest left"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30 * time.Minute)
	if _, _, err := f.svc.Refund(ctx, f.manager, "k-ref-C", inC.ID, "rf-C", 1000, "cold dish", nil); err != nil {
		t.Fatal(err)
	}

	f.clock.t = time.Date(2026, 11, 23, 19, 30, 0, 0, time.UTC) // 03:30 local on the 24th: still day 1
	f.order(t, "oF", "")
	f.add(t, "oF", "lF", "xiaolongbao", 1) // 3200
	f.cash(t, f.manager, "oF", 3200)

	f.clock.t = time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC) // 05:00 local: day 2
	if _, _, err := f.svc.Refund(ctx, f.manager, "k-ref-B", "in-oB", "rf-B", 2000, "too salty", nil); err != nil {
		t.Fatal(err)
	}
	f.order(t, "oG", "")
	f.add(t, "oG", "lG", "tsingtao", 1) // 1500
	f.cash(t, f.cashier, "oG", 2000)
}

func TestDayReportFigures(t *testing.T) {
	f := newDayFixture(t)
	f.seedTwoDays(t)
	ctx := t.Context()

	day1, err := f.svc.XReport(ctx, f.manager, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := day1.From, time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("day starts at %v, want %v", got, want)
	}
	// Tax inclusive at 6 %, per order, half up: 362 + 323 + 385 + 181.
	figures := []struct {
		name      string
		got, want int64
	}{
		{"gross sales", day1.GrossSales, 6400 + 5700 + 6800 + 300 + 3200},
		{"voids", day1.Voids, 300},
		{"void count", int64(day1.VoidCount), 1},
		{"refunds", day1.Refunds, 1000},
		{"refund count", int64(day1.RefundCount), 1},
		{"net sales", day1.NetSales, 22400 - 300 - 1000},
		{"tips", day1.Tips, 500},
		{"payments", int64(day1.Payments), 5},
		{"orders", int64(day1.Orders), 4},
		{"orders total", day1.OrdersTotal, 22100},
		{"average ticket", day1.AverageTicket, 5525},
		{"tax", day1.Tax, 362 + 323 + 385 + 181},
		{"discounts", day1.Discounts, 0},
		{"voided orders", int64(day1.VoidedOrders), 1},
	}
	for _, fg := range figures {
		if fg.got != fg.want {
			t.Errorf("day 1 %s: got %d, want %d", fg.name, fg.got, fg.want)
		}
	}
	// The tax agrees with the one computation of totals the orders use.
	var tax int64
	for _, id := range []string{"oA", "oB", "oC", "oF"} {
		o, err := f.svc.Order(ctx, f.manager, id)
		if err != nil {
			t.Fatal(err)
		}
		tax += pos.ComputeTotals(o, true).Tax
	}
	if day1.Tax != tax {
		t.Errorf("day 1 tax: got %d, want %d from ComputeTotals", day1.Tax, tax)
	}
	wantRails := []pos.RailTotal{
		{Rail: "cash", Payments: 2, Sales: 9600, Net: 9600},
		{Rail: "wallet", Payments: 1, Sales: 5700, Tips: 500, Net: 5700},
		{Rail: "wechat", Payments: 2, Sales: 7100, Voids: 300, Refunds: 1000, Net: 5800},
	}
	if diff := cmp.Diff(wantRails, day1.Rails); diff != "" {
		t.Errorf("day 1 rails (-want +got):\n%s", diff)
	}
	type cat struct {
		Name  string
		Qty   int
		Sales int64
		Items []string
	}
	var gotCats []cat
	for _, c := range day1.Categories {
		gc := cat{Name: c.Name, Qty: c.Qty, Sales: c.Sales}
		for _, it := range c.Items {
			gc.Items = append(gc.Items, it.ItemID)
		}
		gotCats = append(gotCats, gc)
	}
	wantCats := []cat{
		{"Hot dishes 热菜", 4, 6800 + 6400 + 4200, []string{"dongpo-pork", "mapo-tofu", "kung-pao-chicken"}},
		{"Staples 主食", 1, 3200, []string{"xiaolongbao"}},
		{"Drinks 饮品", 1, 1500, []string{"jasmine-tea"}},
	}
	if diff := cmp.Diff(wantCats, gotCats); diff != "" {
		t.Errorf("day 1 categories (-want +got):\n%s", diff)
	}
	if len(day1.Hours) != 24 {
		t.Fatalf("day 1 has %d hours, want 24", len(day1.Hours))
	}
	if h := day1.Hours[6]; h.Label != "10" || h.Sales != 6400+5700+6800+300 || h.Payments != 4 {
		t.Errorf("hour 6: got %+v, want 10:00 with 19200 in 4 payments", h)
	}
	if h := day1.Hours[23]; h.Label != "03" || h.Sales != 3200 {
		t.Errorf("hour 23: got %+v, want 03:00 with 3200", h)
	}
	var hourSum int64
	for _, h := range day1.Hours {
		hourSum += h.Sales
	}
	if hourSum != day1.GrossSales {
		t.Errorf("hours sum to %d, want the gross sales %d", hourSum, day1.GrossSales)
	}

	// Day 2 carries the refund of day 1's wallet sale, and only its own sale.
	day2, err := f.svc.XReport(ctx, f.manager, "") // today
	if err != nil {
		t.Fatal(err)
	}
	if day2.Day != "2026-11-24" || day2.GrossSales != 1500 || day2.Refunds != 2000 || day2.NetSales != -500 || day2.Orders != 1 || day2.Tips != 0 {
		t.Errorf("day 2: got day %s gross %d refunds %d net %d orders %d tips %d, want 2026-11-24 1500 2000 -500 1 0",
			day2.Day, day2.GrossSales, day2.Refunds, day2.NetSales, day2.Orders, day2.Tips)
	}
	if want := []pos.RailTotal{{Rail: "cash", Payments: 1, Sales: 1500, Net: 1500}, {Rail: "wallet", Refunds: 2000, Net: -2000}}; !cmp.Equal(want, day2.Rails) {
		t.Errorf("day 2 rails: got %+v, want %+v", day2.Rails, want)
	}
}

func TestCloseDay(t *testing.T) {
	f := newDayFixture(t)
	f.seedTwoDays(t)
	ctx := t.Context()
	if _, _, err := f.svc.CloseDay(ctx, f.cashier, "z0", "2026-11-23"); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Fatalf("cashier closes the day: got %v, want forbidden", err)
	}
	if _, err := f.svc.ZReport(ctx, f.manager, "2026-11-23"); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Fatalf("Z of an open day: got %v, want not_found", err)
	}
	x, err := f.svc.XReport(ctx, f.manager, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	z, replay, err := f.svc.CloseDay(ctx, f.manager, "z1", "2026-11-23")
	if err != nil || replay {
		t.Fatalf("CloseDay: %v (replay %v)", err, replay)
	}
	if !z.Final || z.ClosedBy != demo.ManagerID || z.NetSales != x.NetSales || z.Orders != x.Orders {
		t.Errorf("Z: got final %v by %q net %d orders %d, want final by %s with the X figures %d, %d", z.Final, z.ClosedBy, z.NetSales, z.Orders, demo.ManagerID, x.NetSales, x.Orders)
	}
	if _, replay, err := f.svc.CloseDay(ctx, f.manager, "z1", "2026-11-23"); err != nil || !replay {
		t.Errorf("CloseDay retried with its key: got %v (replay %v), want the stored answer", err, replay)
	}
	_, _, err = f.svc.CloseDay(ctx, f.manager, "z2", "2026-11-23")
	wantCode(t, err, pos.CodeConflict)

	// Later entries dated in the closed day change nothing in its Z.
	f.exec(t, `INSERT INTO ledger_entries (id, store_id, kind, ref, at) VALUES ('late', 'demo', 'cash_sale', 'late', ?)`,
		time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).UnixMicro())
	f.exec(t, `INSERT INTO ledger_postings (entry_id, position, account, amount_minor, currency) VALUES
		('late', 0, 'store:demo:cash_drawer', 999, 'CNY'), ('late', 1, 'store:demo:revenue', -999, 'CNY')`)
	again, err := f.svc.ZReport(ctx, f.manager, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(again)
	b, _ := json.Marshal(z)
	if string(a) != string(b) {
		t.Errorf("Z viewed again differs from the one stored:\n%s\n%s", a, b)
	}
	if x, _ := f.svc.XReport(ctx, f.manager, "2026-11-23"); x.GrossSales != z.GrossSales {
		t.Errorf("X of a closed day: got gross %d, want the stored Z's %d", x.GrossSales, z.GrossSales)
	}
	for _, q := range []string{`UPDATE z_reports SET closed_by = 'x'`, `DELETE FROM z_reports`} {
		if _, err := f.raw(t).ExecContext(ctx, q); err == nil {
			t.Errorf("%s: got no error, want the Z report to be immutable", q)
		}
	}
}

func TestShift(t *testing.T) {
	f := newDayFixture(t)
	ctx := t.Context()
	f.clock.t = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	if _, err := f.svc.CurrentShift(ctx, f.cashier); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Fatalf("no shift yet: got %v, want not_found", err)
	}
	sh, _, err := f.svc.OpenShift(ctx, f.cashier, "s1", "shift-1", 20000)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.OpenShift(ctx, f.cashier, "s2", "shift-2", 100)
	wantCode(t, err, pos.CodeConflict)
	_, _, err = f.svc.OpenShift(ctx, f.cashier, "s3", "shift-3", -1)
	wantCode(t, err, pos.CodeInvalid)
	mgr, _, err := f.svc.OpenShift(ctx, f.manager, "s4", "shift-m", 0)
	if err != nil {
		t.Fatal(err)
	}

	f.clock.Advance(time.Minute)
	f.order(t, "o1", "")
	f.add(t, "o1", "l1", "mapo-tofu", 2, "spice-mild") // 6400
	f.cash(t, f.cashier, "o1", 10000)                  // change 3600: only 6400 stays
	f.order(t, "o2", "")
	f.add(t, "o2", "l2", "tsingtao", 1)
	f.cash(t, f.manager, "o2", 1500) // the manager's, not the cashier's
	// A wallet top-up against cash puts cash in the drawer too; the
	// manager's goes in the manager's shift.
	f.clock.Advance(time.Minute)
	p := f.wallet(t, 0)
	if _, _, err := f.svc.TopUp(ctx, f.cashier, "tu1", "topup-1", p.member.ID, 5000, "CNY"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.TopUp(ctx, f.manager, "tu2", "topup-2", p.member.ID, 700, "CNY"); err != nil {
		t.Fatal(err)
	}
	cur, err := f.svc.CurrentShift(ctx, f.cashier)
	if err != nil || cur.ID != sh.ID || cur.Expected != 31400 || cur.CashSales != 6400 || cur.CashTopUps != 5000 {
		t.Fatalf("current shift: got %+v, %v, want expected 31400 (float 20000, sales 6400, top-ups 5000)", cur, err)
	}
	if _, _, err := f.svc.CloseShift(ctx, f.cashier, "c0", mgr.ID, 0); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Errorf("cashier closes the manager's shift: got %v, want forbidden", err)
	}
	if _, err := f.svc.Shift(ctx, f.cashier, mgr.ID); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Errorf("cashier sees the manager's shift: got %v, want forbidden", err)
	}
	f.clock.Advance(time.Hour)
	closed, _, err := f.svc.CloseShift(ctx, f.cashier, "c1", sh.ID, 31000)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Expected != 31400 || closed.CashTopUps != 5000 || closed.Counted != 31000 || closed.Difference() != -400 || closed.ClosedAt == nil {
		t.Errorf("closed shift: got %+v, want expected 31400 (top-ups 5000) counted 31000 difference -400", closed)
	}
	if _, replay, err := f.svc.CloseShift(ctx, f.cashier, "c1", sh.ID, 31000); err != nil || !replay {
		t.Errorf("close retried: got %v (replay %v)", err, replay)
	}
	_, _, err = f.svc.CloseShift(ctx, f.cashier, "c2", sh.ID, 1)
	wantCode(t, err, pos.CodeConflict)
	if got, err := f.svc.Shift(ctx, f.manager, sh.ID); err != nil || got.Difference() != -400 {
		t.Errorf("manager views the shift: got %+v, %v", got, err)
	}
	// A new shift may open after the close.
	if _, _, err := f.svc.OpenShift(ctx, f.cashier, "s5", "shift-5", 0); err != nil {
		t.Errorf("open after close: %v", err)
	}
	for _, call := range []func() error{
		func() error { _, err := f.svc.XReport(ctx, f.cashier, ""); return err },
		func() error { _, err := f.svc.Reconcile(ctx, f.cashier, ""); return err },
		func() error { _, err := f.svc.DaySettings(ctx, f.cashier); return err },
		func() error { _, _, err := f.svc.SetDaySettings(ctx, f.cashier, "d", 0, "UTC"); return err },
		func() error {
			return f.svc.ExportOrders(ctx, f.cashier, "", "", func(pos.ExportRange) error { return nil }, func(pos.ExportOrder) error { return nil })
		},
	} {
		wantCode(t, call(), pos.CodeForbidden)
	}
}

func TestDaySettings(t *testing.T) {
	f := newDayFixture(t)
	ctx := t.Context()
	d, err := f.svc.DaySettings(ctx, f.manager)
	if err != nil || d.TimeZone != "Asia/Shanghai" || d.CutoffMinute != 240 {
		t.Fatalf("defaults: got %+v, %v", d, err)
	}
	if got, err := f.svc.DayStart(ctx, f.cashier); err != nil || !got.Equal(time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)) {
		t.Errorf("DayStart at 10:00 local: got %v, %v, want 04:00 local (20:00 UTC the day before)", got, err)
	}
	for _, tc := range []struct {
		cutoff int
		zone   string
	}{{-1, "UTC"}, {1440, "UTC"}, {0, "Mars/Olympus"}, {0, ""}, {0, "Local"}} {
		_, _, err := f.svc.SetDaySettings(ctx, f.manager, "bad", tc.cutoff, tc.zone)
		wantCode(t, err, pos.CodeInvalid)
	}
	if _, _, err := f.svc.SetDaySettings(ctx, f.manager, "ny", 6*60, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	d, _ = f.svc.DaySettings(ctx, f.manager)
	from, to, err := d.Bounds("2026-10-31") // DST ends at 02:00 on the 1st: a 25-hour day
	if err != nil {
		t.Fatal(err)
	}
	if got := to.Sub(from); got != 25*time.Hour || from != time.Date(2026, 10, 31, 10, 0, 0, 0, time.UTC) {
		t.Errorf("New York 2026-10-31 from 06:00: got %v lasting %v, want 10:00 UTC lasting 25h", from, got)
	}
	if day, _ := d.DayOf(time.Date(2026, 11, 1, 10, 59, 0, 0, time.UTC)); day != "2026-10-31" {
		t.Errorf("05:59 local on the 1st: got day %s, want 2026-10-31", day)
	}
	rep, err := f.svc.XReport(ctx, f.manager, "2026-10-31")
	if err != nil || len(rep.Hours) != 25 || rep.Hours[0].Label != "06" {
		t.Errorf("25-hour day report: got %d hours from %v, %v", len(rep.Hours), rep.Hours[0].Label, err)
	}
	if _, err := f.svc.XReport(ctx, f.manager, "2027-01-01"); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("a day not begun: got %v, want invalid", err)
	}
	if _, err := f.svc.XReport(ctx, f.manager, "23/11/2026"); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("a malformed day: got %v, want invalid", err)
	}
}

func TestReconcile(t *testing.T) {
	f := newDayFixture(t)
	f.seedTwoDays(t)
	ctx := t.Context()
	rec, err := f.svc.Reconcile(ctx, f.manager, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Clean() {
		t.Fatalf("a correct day: got differences %+v, want none", rec.Differences)
	}
	if rec, _ := f.svc.Reconcile(ctx, f.manager, ""); !rec.Clean() {
		t.Fatalf("day 2: got differences %+v, want none", rec.Differences)
	}

	at := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC).UnixMicro()
	// A payment that took money with no charge entry.
	f.exec(t, `INSERT INTO intents (id, store_id, order_id, method, rail, amount_minor, tip_minor, currency, order_version,
		status, terminal_id, payer_ref, rail_ref, reason, refunded_minor, created_at, updated_at, version)
		VALUES ('ghost-pay', 'demo', 'oA', 'code', 'alipay', 700, 0, 'CNY', 1, 'succeeded', 'counter', '', '', '', 0, ?, ?, 1)`, at, at)
	// A charge entry with no payment.
	f.exec(t, `INSERT INTO ledger_entries (id, store_id, kind, ref, at) VALUES ('charge-nobody', 'demo', 'charge', 'nobody', ?)`, at)
	f.exec(t, `INSERT INTO ledger_postings (entry_id, position, account, amount_minor, currency) VALUES
		('charge-nobody', 0, 'store:demo:clearing:wechat', 100, 'CNY'), ('charge-nobody', 1, 'store:demo:revenue', -100, 'CNY')`)
	// A paid order with a payment too many.
	f.exec(t, `INSERT INTO tenders (id, order_id, position, kind, amount_minor, tendered_minor, change_minor, created_at)
		VALUES ('extra', 'oC', 9, 'cash', 50, 50, 0, ?)`, at)
	// A wallet whose balance is not its postings.
	var member string
	if err := f.raw(t).QueryRowContext(ctx, `SELECT member_id FROM intents WHERE id = 'in-oB'`).Scan(&member); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE wallet_members SET balance_minor = balance_minor + 1 WHERE id = ?`, member)
	// An entry that does not balance.
	f.exec(t, `INSERT INTO ledger_entries (id, store_id, kind, ref, at) VALUES ('adj-1', 'demo', 'adjustment', 'count', ?)`, at)
	f.exec(t, `INSERT INTO ledger_postings (entry_id, position, account, amount_minor, currency) VALUES
		('adj-1', 0, 'store:demo:cash_drawer', 100, 'CNY'), ('adj-1', 1, 'store:demo:revenue', -90, 'CNY')`)
	// A refunded amount with no refund entry.
	f.exec(t, `UPDATE intents SET refunded_minor = refunded_minor + 5 WHERE id = 'in-oC'`)

	rec, err = f.svc.Reconcile(ctx, f.manager, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	type found struct{ Kind, Ref, OrderID string }
	var got []found
	for _, d := range rec.Differences {
		got = append(got, found{d.Kind, d.Ref, d.OrderID})
	}
	want := []found{
		{pos.DiffIntentNoEntry, "ghost-pay", "oA"},
		{pos.DiffRefundMismatch, "in-oC", "oC"},
		{pos.DiffEntryNoIntent, "charge-nobody", ""},
		{pos.DiffUnbalanced, "adj-1", ""},
		{pos.DiffOrderUnpaid, "oC", "oC"},
		{pos.DiffWalletBalance, member, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("differences (-want +got):\n%s", diff)
	}
	for _, d := range rec.Differences {
		if d.Kind == pos.DiffOrderUnpaid && (d.Want != 6800 || d.Got != 6850) {
			t.Errorf("order oC: got want %d got %d, want 6800 and 6850", d.Want, d.Got)
		}
	}
	// The next day is not affected.
	if rec, _ := f.svc.Reconcile(ctx, f.manager, "2026-11-24"); len(rec.Differences) != 1 || rec.Differences[0].Kind != pos.DiffWalletBalance {
		t.Errorf("day 2 after the faults: got %+v, want only the wallet (it moved on day 2)", rec.Differences)
	}
}

// TestSeedYear checks the benchmark's generator (one wallet member, who
// must top up along the way): what it writes balances,
// reconciles, and every order lands in its business day.
func TestSeedYear(t *testing.T) {
	f := newDayFixture(t)
	ctx := t.Context()
	end := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 local on the 23rd
	f.clock.t = end
	if err := demo.SeedYear(ctx, f.store, demo.YearOptions{Orders: 600, Days: 4, End: end, Members: 1, Batch: 128, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.CheckLedger(ctx, f.manager)
	if err != nil || len(rep.Differences) > 0 {
		t.Fatalf("ledger check: %v %v", err, rep.Differences)
	}
	orders, refunds := 0, int64(0)
	for _, day := range []string{"2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"} {
		rec, err := f.svc.Reconcile(ctx, f.manager, day)
		if err != nil || !rec.Clean() {
			t.Errorf("reconcile %s: %v %+v", day, err, rec.Differences)
		}
		x, err := f.svc.XReport(ctx, f.manager, day)
		if err != nil {
			t.Fatal(err)
		}
		if x.NetSales != x.GrossSales-x.Voids-x.Refunds || x.Discounts != 0 {
			t.Errorf("%s: net %d gross %d voids %d refunds %d discounts %d", day, x.NetSales, x.GrossSales, x.Voids, x.Refunds, x.Discounts)
		}
		orders += x.Orders
		refunds += x.Refunds
	}
	if orders != 600 {
		t.Errorf("orders over the four days: got %d, want 600", orders)
	}
	if refunds == 0 {
		t.Errorf("got no refunds in the generated days, want a few")
	}
}
