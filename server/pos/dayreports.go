package pos

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"qrpos/server/ledger"
)

// The money side of the back office: business days, shifts, X and Z
// reports, reconciliation and exports. Every figure is summed by the
// database (see ReportTx); nothing here loads a day's orders.

// MaxExportDays bounds the range of one export.
const MaxExportDays = 366

// ---- business days ----

func (s *Service) daySettings(ctx context.Context, tx Tx, storeID string) (DaySettings, error) {
	d, err := tx.DaySettingsOf(ctx, storeID)
	if errors.Is(err, ErrNotFound) {
		return DefaultDaySettings(storeID), nil
	}
	return d, err
}

// DaySettings returns where the store's business day begins; managers only.
func (s *Service) DaySettings(ctx context.Context, a Actor) (DaySettings, error) {
	if err := require(a, RoleManager, "see the business day settings"); err != nil {
		return DaySettings{}, err
	}
	var d DaySettings
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		d, err = s.daySettings(ctx, tx, a.StoreID)
		return err
	})
	return d, err
}

// SetDaySettings changes the cut-off and time zone of the store's business
// day; managers only. Days closed already keep their Z reports.
func (s *Service) SetDaySettings(ctx context.Context, a Actor, key string, cutoffMinute int, zone string) (DaySettings, bool, error) {
	if err := require(a, RoleManager, "change the business day"); err != nil {
		return DaySettings{}, false, err
	}
	if cutoffMinute < 0 || cutoffMinute >= 24*60 {
		return DaySettings{}, false, invalid("cutoff", "the day's cut-off is a time from 00:00 to 23:59")
	}
	zone = strings.TrimSpace(zone)
	if zone == "" || zone == "Local" {
		return DaySettings{}, false, invalid("time_zone", "choose a time zone such as Asia/Shanghai")
	}
	if _, err := time.LoadLocation(zone); err != nil {
		return DaySettings{}, false, invalid("time_zone", "%q is not a known time zone; use a name such as Asia/Shanghai", zone)
	}
	d := DaySettings{StoreID: a.StoreID, CutoffMinute: cutoffMinute, TimeZone: zone}
	return idempotent(ctx, s, a.StoreID, key, "set_day_settings", d, func(tx Tx) (DaySettings, error) {
		d.UpdatedAt = s.clock()
		return d, tx.PutDaySettings(ctx, d)
	})
}

// resolveDay returns the business day named (today's when day is "") and
// its bounds.
func (s *Service) resolveDay(d DaySettings, day string) (string, time.Time, time.Time, error) {
	if day == "" {
		var err error
		if day, err = d.DayOf(s.now()); err != nil {
			return "", time.Time{}, time.Time{}, err
		}
	}
	from, to, err := d.Bounds(day)
	return day, from, to, err
}

// ---- shifts ----

// OpenShift starts the actor's shift with a float of cash in the drawer.
// Everyone opens only their own shift, and has at most one open.
func (s *Service) OpenShift(ctx context.Context, a Actor, key, id string, float int64) (Shift, bool, error) {
	if err := checkID("shift_id", id); err != nil {
		return Shift{}, false, err
	}
	if float < 0 || float > MaxAmount {
		return Shift{}, false, invalid("float", "enter the cash in the drawer at the start (0 or more)")
	}
	req := struct {
		ID    string
		Float int64
	}{id, float}
	return idempotent(ctx, s, a.StoreID, key, "open_shift", req, func(tx Tx) (Shift, error) {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return Shift{}, err
		}
		sh := Shift{ID: id, StoreID: a.StoreID, StaffID: a.StaffID, Currency: r.Currency, Float: float, OpenedAt: s.clock()}
		if err := tx.CreateShift(ctx, sh); err != nil {
			if errors.Is(err, ErrConflict) {
				return Shift{}, refuse(CodeConflict, "you already have an open shift; close it first")
			}
			return Shift{}, err
		}
		sh.Expected = float
		return sh, nil
	})
}

// CurrentShift returns the actor's open shift with the cash expected in
// the drawer so far.
func (s *Service) CurrentShift(ctx context.Context, a Actor) (Shift, error) {
	var sh Shift
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if sh, err = tx.OpenShiftOf(ctx, a.StoreID, a.StaffID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return refuse(CodeNotFound, "you have no open shift")
			}
			return err
		}
		return s.countCash(ctx, tx, &sh, s.clock())
	})
	return sh, err
}

// countCash sets the cash the shift expects in the drawer at now: the
// float, the cash applied to orders and the cash taken for top-ups, less
// the cash given back from cash payments.
func (s *Service) countCash(ctx context.Context, tx Tx, sh *Shift, now time.Time) error {
	to := now.Add(time.Microsecond)
	var err error
	if sh.CashSales, err = tx.CashTakenBy(ctx, sh.StoreID, sh.StaffID, sh.OpenedAt, to); err != nil {
		return err
	}
	if sh.CashTopUps, err = tx.CashTopUpsBy(ctx, sh.StoreID, sh.StaffID, sh.OpenedAt, to); err != nil {
		return err
	}
	if sh.CashRefunds, err = tx.CashRefundsBy(ctx, sh.StoreID, sh.StaffID, sh.OpenedAt, to); err != nil {
		return err
	}
	sh.Expected = sh.Float + sh.CashSales + sh.CashTopUps - sh.CashRefunds
	return nil
}

// Shift returns a shift: the actor's own, or any for a manager.
func (s *Service) Shift(ctx context.Context, a Actor, id string) (Shift, error) {
	var sh Shift
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		sh, err = tx.ShiftByID(ctx, a.StoreID, id)
		if err != nil {
			return notFound(err, "shift")
		}
		if sh.StaffID != a.StaffID && !a.Role.AtLeast(RoleManager) {
			return refuse(CodeForbidden, "only a manager can see another person's shift")
		}
		if sh.ClosedAt == nil {
			return s.countCash(ctx, tx, &sh, s.clock())
		}
		return nil
	})
	return sh, err
}

// CloseShift ends a shift with the cash counted in the drawer. Expected
// cash is the float plus the cash the cashier applied to orders and took
// for wallet top-ups during the shift, less the cash they gave back from
// cash payments (countCash); the difference is
// counted minus expected. A cashier closes only their own shift; a
// manager may close anyone's.
func (s *Service) CloseShift(ctx context.Context, a Actor, key, id string, counted int64) (Shift, bool, error) {
	if counted < 0 || counted > MaxAmount {
		return Shift{}, false, invalid("counted", "enter the cash counted in the drawer (0 or more)")
	}
	req := struct {
		ID      string
		Counted int64
	}{id, counted}
	return idempotent(ctx, s, a.StoreID, key, "close_shift", req, func(tx Tx) (Shift, error) {
		sh, err := tx.ShiftByID(ctx, a.StoreID, id)
		if err != nil {
			return Shift{}, notFound(err, "shift")
		}
		if sh.StaffID != a.StaffID && !a.Role.AtLeast(RoleManager) {
			return Shift{}, refuse(CodeForbidden, "you can close only your own shift")
		}
		if sh.ClosedAt != nil {
			return Shift{}, refuse(CodeConflict, "this shift is already closed")
		}
		now := s.clock()
		if err := s.countCash(ctx, tx, &sh, now); err != nil {
			return Shift{}, err
		}
		sh.Counted = counted
		sh.ClosedAt = &now
		if err := tx.CloseShift(ctx, sh); err != nil {
			if errors.Is(err, ErrConflict) {
				return Shift{}, refuse(CodeConflict, "this shift is already closed")
			}
			return Shift{}, err
		}
		s.log.Info("shift closed", "store", a.StoreID, "shift", sh.ID, "staff", sh.StaffID, "expected", sh.Expected,
			"counted", sh.Counted, "by", a.StaffID)
		return sh, nil
	})
}

// ---- X and Z reports ----

// DayReport is the money of one business day: what the X report shows so
// far and the Z report freezes at close. Amounts are minor units of
// Currency. Sales are the ledger's: money taken (GrossSales) less payments
// voided and refunds given, each counted on the day it happened, so a
// refund of yesterday's sale lowers today's figures. Orders, items, tax
// and discounts are those of the orders closed during the day.
type DayReport struct {
	StoreID     string
	Day         string
	TimeZone    string
	Currency    string
	From, To    time.Time
	GeneratedAt time.Time
	// Final is set on a Z report: the day is closed.
	Final    bool
	ClosedBy string
	ClosedAt time.Time

	GrossSales  int64
	Voids       int64
	VoidCount   int
	Refunds     int64
	RefundCount int
	NetSales    int64
	Tips        int64
	Payments    int

	Orders        int
	OrdersTotal   int64
	AverageTicket int64
	Tax           int64
	TaxByRate     []RateTax
	Discounts     int64
	VoidedOrders  int

	Rails      []RailTotal
	Categories []CategorySales
	Hours      []HourBar
}

// RailTotal is one way of paying's share of a day.
type RailTotal struct {
	Rail     string
	Payments int
	Sales    int64
	Voids    int64
	Refunds  int64
	Tips     int64
	Net      int64 // Sales - Voids - Refunds
}

// CategorySales is one menu category's sales, with its items.
type CategorySales struct {
	Name  string
	Qty   int
	Sales int64
	Items []ItemSales
}

// RateTax is the tax collected at one rate (basis points).
type RateTax struct {
	RateBP int
	Tax    int64
}

// HourBar is the money taken in one hour of the day; Label is the local
// hour it starts at ("04").
type HourBar struct {
	Label    string
	Sales    int64
	Payments int
}

// computeReport sums a business day in tx.
func (s *Service) computeReport(ctx context.Context, tx Tx, r Restaurant, d DaySettings, day string, from, to time.Time) (DayReport, error) {
	rep := DayReport{StoreID: r.ID, Day: day, TimeZone: d.TimeZone, Currency: r.Currency, From: from, To: to, GeneratedAt: s.clock()}
	totals, err := tx.LedgerTotals(ctx, r.ID, from, to)
	if err != nil {
		return DayReport{}, err
	}
	rails := map[string]*RailTotal{}
	rail := func(name string) *RailTotal {
		if name == "" {
			name = "unknown"
		}
		if rails[name] == nil {
			rails[name] = &RailTotal{Rail: name}
		}
		return rails[name]
	}
	for _, t := range totals {
		rt := rail(t.Rail)
		switch {
		case t.Account == AccountRevenue && (t.Kind == ledger.KindCharge || t.Kind == ledger.KindCashSale):
			rep.GrossSales -= t.Sum
			rep.Payments += t.Entries
			rt.Sales -= t.Sum
			rt.Payments += t.Entries
		case t.Account == AccountRevenue && t.Kind == ledger.KindReversal:
			rep.Voids += t.Sum
			rep.VoidCount += t.Entries
			rt.Voids += t.Sum
		case t.Account == AccountRefunds && (t.Kind == ledger.KindRefund || t.Kind == ledger.KindCashRefund):
			rep.Refunds += t.Sum
			rep.RefundCount += t.Entries
			rt.Refunds += t.Sum
		case t.Account == AccountTips:
			rep.Tips -= t.Sum
			rt.Tips -= t.Sum
		}
	}
	rep.NetSales = rep.GrossSales - rep.Voids - rep.Refunds
	for _, rt := range rails {
		rt.Net = rt.Sales - rt.Voids - rt.Refunds
		rep.Rails = append(rep.Rails, *rt)
	}
	slices.SortFunc(rep.Rails, func(a, b RailTotal) int {
		return cmp.Or(cmp.Compare(railRank(a.Rail), railRank(b.Rail)), cmp.Compare(a.Rail, b.Rail))
	})

	ot, err := tx.OrderTotals(ctx, r.ID, r.TaxInclusive, from, to)
	if err != nil {
		return DayReport{}, err
	}
	rep.Orders, rep.Tax, rep.VoidedOrders = ot.Orders, ot.Tax, ot.Voided
	rep.OrdersTotal = ot.Subtotal
	if !r.TaxInclusive {
		rep.OrdersTotal += ot.Tax
	}
	// Discounts are what closed orders were owed at their lines' prices
	// but not paid. QRPOS has no discounts yet, so this is 0 unless an
	// order closed short.
	rep.Discounts = rep.OrdersTotal - ot.Paid
	if rep.Orders > 0 {
		rep.AverageTicket = divRoundHalfUp(rep.OrdersTotal, int64(rep.Orders))
	}
	for rate, tax := range ot.TaxByRate {
		rep.TaxByRate = append(rep.TaxByRate, RateTax{RateBP: rate, Tax: tax})
	}
	slices.SortFunc(rep.TaxByRate, func(a, b RateTax) int { return cmp.Compare(a.RateBP, b.RateBP) })

	items, err := tx.ItemSales(ctx, r.ID, from, to)
	if err != nil {
		return DayReport{}, err
	}
	for _, it := range items { // ordered by category position, then sales
		name := it.Category
		if name == "" {
			name = "Uncategorised"
		}
		if n := len(rep.Categories); n == 0 || rep.Categories[n-1].Name != name {
			rep.Categories = append(rep.Categories, CategorySales{Name: name})
		}
		c := &rep.Categories[len(rep.Categories)-1]
		c.Qty += it.Qty
		c.Sales += it.Sales
		c.Items = append(c.Items, it)
	}

	hours, err := tx.HourlySales(ctx, r.ID, from, to)
	if err != nil {
		return DayReport{}, err
	}
	loc, err := d.Location()
	if err != nil {
		return DayReport{}, err
	}
	n := int(to.Sub(from) / time.Hour)
	rep.Hours = make([]HourBar, n)
	for i := range rep.Hours {
		rep.Hours[i].Label = from.Add(time.Duration(i) * time.Hour).In(loc).Format("15")
	}
	for _, h := range hours {
		if h.Hour >= 0 && h.Hour < n {
			rep.Hours[h.Hour].Sales += h.Sales
			rep.Hours[h.Hour].Payments += h.Entries
		}
	}
	return rep, nil
}

func railRank(r string) int {
	switch r {
	case RailCash:
		return 0
	case RailWallet:
		return 1
	}
	return 2
}

// report loads what a report needs and computes it, or returns the
// stored Z of a closed day.
func (s *Service) report(ctx context.Context, a Actor, day string, storedOnly bool) (DayReport, error) {
	var rep DayReport
	err := s.store.Read(ctx, func(tx Tx) error {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return err
		}
		d, err := s.daySettings(ctx, tx, a.StoreID)
		if err != nil {
			return err
		}
		day, from, to, err := s.resolveDay(d, day)
		if err != nil {
			return err
		}
		z, err := tx.ZRecordOf(ctx, a.StoreID, day)
		switch {
		case err == nil:
			return json.Unmarshal(z.Report, &rep)
		case !errors.Is(err, ErrNotFound):
			return err
		case storedOnly:
			return refuse(CodeNotFound, "the business day %s has not been closed (no Z report yet)", day)
		}
		if from.After(s.now()) {
			return invalid("day", "the business day %s has not begun yet", day)
		}
		rep, err = s.computeReport(ctx, tx, r, d, day, from, to)
		return err
	})
	return rep, err
}

// XReport returns a business day's figures so far (today's when day is
// ""), or the stored Z report of a closed day; managers only.
func (s *Service) XReport(ctx context.Context, a Actor, day string) (DayReport, error) {
	if err := require(a, RoleManager, "see the day's reports"); err != nil {
		return DayReport{}, err
	}
	return s.report(ctx, a, day, false)
}

// ZReport returns the stored Z report of a closed day; managers only.
func (s *Service) ZReport(ctx context.Context, a Actor, day string) (DayReport, error) {
	if err := require(a, RoleManager, "see the day's reports"); err != nil {
		return DayReport{}, err
	}
	if day == "" {
		return DayReport{}, invalid("day", "say which business day")
	}
	return s.report(ctx, a, day, true)
}

// CloseDay closes a business day (today's when day is ""): the Z report
// is computed and stored, and never changes after. A day closes once; a
// second close is refused, and viewing it again returns the stored one.
func (s *Service) CloseDay(ctx context.Context, a Actor, key, day string) (DayReport, bool, error) {
	if err := require(a, RoleManager, "close the day"); err != nil {
		return DayReport{}, false, err
	}
	return idempotent(ctx, s, a.StoreID, key, "close_day", day, func(tx Tx) (DayReport, error) {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return DayReport{}, err
		}
		d, err := s.daySettings(ctx, tx, a.StoreID)
		if err != nil {
			return DayReport{}, err
		}
		day, from, to, err := s.resolveDay(d, day)
		if err != nil {
			return DayReport{}, err
		}
		if from.After(s.now()) {
			return DayReport{}, invalid("day", "the business day %s has not begun yet", day)
		}
		rep, err := s.computeReport(ctx, tx, r, d, day, from, to)
		if err != nil {
			return DayReport{}, err
		}
		rep.Final, rep.ClosedBy, rep.ClosedAt = true, a.StaffID, rep.GeneratedAt
		b, err := json.Marshal(rep)
		if err != nil {
			return DayReport{}, fmt.Errorf("pos: encode z report: %w", err)
		}
		if err := tx.CreateZRecord(ctx, ZRecord{StoreID: a.StoreID, Day: day, ClosedBy: a.StaffID, ClosedAt: rep.ClosedAt, Report: b}); err != nil {
			if errors.Is(err, ErrConflict) {
				return DayReport{}, refuse(CodeConflict, "the business day %s is already closed; its Z report cannot change", day)
			}
			return DayReport{}, err
		}
		s.log.Info("day closed", "store", a.StoreID, "day", day, "net_sales", rep.NetSales, "by", a.StaffID)
		return rep, nil
	})
}

// ---- reconciliation ----

// Reconciliation is the result of matching a business day's orders,
// payment intents, ledger entries and wallets.
type Reconciliation struct {
	Day         string
	From, To    time.Time
	Differences []Discrepancy
}

// Clean reports whether nothing disagrees.
func (r Reconciliation) Clean() bool { return len(r.Differences) == 0 }

// Reconcile matches a business day's records (today's when day is "");
// managers only.
func (s *Service) Reconcile(ctx context.Context, a Actor, day string) (Reconciliation, error) {
	if err := require(a, RoleManager, "reconcile the day"); err != nil {
		return Reconciliation{}, err
	}
	var rec Reconciliation
	err := s.store.Read(ctx, func(tx Tx) error {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return err
		}
		d, err := s.daySettings(ctx, tx, a.StoreID)
		if err != nil {
			return err
		}
		if rec.Day, rec.From, rec.To, err = s.resolveDay(d, day); err != nil {
			return err
		}
		rec.Differences, err = tx.Reconcile(ctx, a.StoreID, r.TaxInclusive, rec.From, rec.To)
		return err
	})
	return rec, err
}

// LedgerEntry returns one entry of the store's ledger; managers only.
func (s *Service) LedgerEntry(ctx context.Context, a Actor, id string) (ledger.Entry, error) {
	if err := require(a, RoleManager, "see the ledger"); err != nil {
		return ledger.Entry{}, err
	}
	var e ledger.Entry
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		e, err = tx.EntryByID(ctx, a.StoreID, id)
		return notFound(err, "ledger entry")
	})
	return e, err
}

// ---- exports ----

// ExportRange is a range of whole business days.
type ExportRange struct {
	Settings DaySettings
	Location *time.Location
	From, To time.Time
	Currency string
}

// exportRange resolves [fromDay, toDay] (both included; "" is today).
func (s *Service) exportRange(ctx context.Context, tx Tx, a Actor, fromDay, toDay string) (ExportRange, error) {
	r, err := tx.RestaurantByID(ctx, a.StoreID)
	if err != nil {
		return ExportRange{}, err
	}
	d, err := s.daySettings(ctx, tx, a.StoreID)
	if err != nil {
		return ExportRange{}, err
	}
	_, from, _, err := s.resolveDay(d, fromDay)
	if err != nil {
		return ExportRange{}, invalid("from", "the first day is a date like 2026-11-23")
	}
	_, _, to, err := s.resolveDay(d, toDay)
	if err != nil {
		return ExportRange{}, invalid("to", "the last day is a date like 2026-11-23")
	}
	if !to.After(from) {
		return ExportRange{}, invalid("to", "the last day comes before the first")
	}
	if to.Sub(from) > MaxExportDays*25*time.Hour {
		return ExportRange{}, invalid("to", "export at most %d days at a time", MaxExportDays)
	}
	loc, err := d.Location()
	return ExportRange{Settings: d, Location: loc, From: from, To: to, Currency: r.Currency}, err
}

// export streams one export of business days fromDay..toDay (both
// included) in one read transaction; managers only. head is called once,
// before the first row, with the range.
func (s *Service) export(ctx context.Context, a Actor, fromDay, toDay string, head func(ExportRange) error, rows func(Tx, ExportRange) error) error {
	if err := require(a, RoleManager, "export the books"); err != nil {
		return err
	}
	return s.store.Read(ctx, func(tx Tx) error {
		rng, err := s.exportRange(ctx, tx, a, fromDay, toDay)
		if err != nil {
			return err
		}
		if err := head(rng); err != nil {
			return err
		}
		return rows(tx, rng)
	})
}

// ExportOrders streams the orders created in business days fromDay..toDay.
func (s *Service) ExportOrders(ctx context.Context, a Actor, fromDay, toDay string, head func(ExportRange) error, fn func(ExportOrder) error) error {
	return s.export(ctx, a, fromDay, toDay, head, func(tx Tx, r ExportRange) error {
		return tx.ExportOrders(ctx, a.StoreID, r.From, r.To, fn)
	})
}

// ExportPayments streams the payments (intents and cash tenders) made in
// business days fromDay..toDay.
func (s *Service) ExportPayments(ctx context.Context, a Actor, fromDay, toDay string, head func(ExportRange) error, fn func(ExportPayment) error) error {
	return s.export(ctx, a, fromDay, toDay, head, func(tx Tx, r ExportRange) error {
		return tx.ExportPayments(ctx, a.StoreID, r.From, r.To, fn)
	})
}

// ExportPostings streams the ledger postings of business days
// fromDay..toDay.
func (s *Service) ExportPostings(ctx context.Context, a Actor, fromDay, toDay string, head func(ExportRange) error, fn func(ExportPosting) error) error {
	return s.export(ctx, a, fromDay, toDay, head, func(tx Tx, r ExportRange) error {
		return tx.ExportPostings(ctx, a.StoreID, r.From, r.To, fn)
	})
}

// LedgerAccount returns the store's entries that post to account, oldest
// first; managers only.
func (s *Service) LedgerAccount(ctx context.Context, a Actor, account string) ([]ledger.Entry, error) {
	if err := require(a, RoleManager, "see the ledger"); err != nil {
		return nil, err
	}
	if account == "" {
		return nil, invalid("account", "name an account")
	}
	var list []ledger.Entry
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		list, err = tx.ListEntries(ctx, EntryFilter{StoreID: a.StoreID, Account: account})
		return err
	})
	return list, err
}

// DayStart returns when the store's current business day began, for
// lists of "today" (the order history).
func (s *Service) DayStart(ctx context.Context, a Actor) (time.Time, error) {
	var from time.Time
	err := s.store.Read(ctx, func(tx Tx) error {
		d, err := s.daySettings(ctx, tx, a.StoreID)
		if err != nil {
			return err
		}
		_, from, _, err = s.resolveDay(d, "")
		return err
	})
	return from, err
}
