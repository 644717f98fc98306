package pos

import (
	"context"
	"sync"
	"time"

	_ "time/tzdata" // business days need IANA zones on machines without /usr/share/zoneinfo

	"qrpos/server/ledger"
)

// DaySettings say where a store's business day begins: at CutoffMinute
// minutes after local midnight in TimeZone. A day that begins at 04:00
// keeps a late night's sales with the evening they belong to.
type DaySettings struct {
	StoreID      string
	CutoffMinute int    // 0..1439
	TimeZone     string // IANA name, e.g. Asia/Shanghai
	UpdatedAt    time.Time
}

// Defaults of a store that set nothing.
const (
	DefaultTimeZone     = "Asia/Shanghai"
	DefaultCutoffMinute = 4 * 60
	// DayLayout is how business days are named: the local date they begin on.
	DayLayout = "2006-01-02"
)

// DefaultDaySettings are a store's settings until a manager changes them.
func DefaultDaySettings(storeID string) DaySettings {
	return DaySettings{StoreID: storeID, CutoffMinute: DefaultCutoffMinute, TimeZone: DefaultTimeZone}
}

// Location loads the settings' time zone (once per zone: loading reads the
// zone database, which a payment's daily limit would otherwise do each
// time).
func (d DaySettings) Location() (*time.Location, error) {
	if l, ok := zones.Load(d.TimeZone); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		return nil, err
	}
	zones.Store(d.TimeZone, l)
	return l, nil
}

// zones are the time zones loaded: name -> *time.Location.
var zones sync.Map

// Bounds returns the instants (UTC) a business day begins and ends at.
// Across a daylight-saving change the day is 23 or 25 hours long.
func (d DaySettings) Bounds(day string) (from, to time.Time, err error) {
	loc, err := d.Location()
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := time.ParseInLocation(DayLayout, day, loc)
	if err != nil {
		return time.Time{}, time.Time{}, invalid("day", "a business day is a date like 2026-11-23")
	}
	from = time.Date(t.Year(), t.Month(), t.Day(), d.CutoffMinute/60, d.CutoffMinute%60, 0, 0, loc)
	to = time.Date(t.Year(), t.Month(), t.Day()+1, d.CutoffMinute/60, d.CutoffMinute%60, 0, 0, loc)
	return from.UTC(), to.UTC(), nil
}

// DayOf returns the business day that instant t belongs to.
func (d DaySettings) DayOf(t time.Time) (string, error) {
	loc, err := d.Location()
	if err != nil {
		return "", err
	}
	// By the wall clock, not by subtracting the cut-off from t: a day
	// that crosses a daylight-saving change is not 24 hours long.
	l := t.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	if l.Hour()*60+l.Minute() < d.CutoffMinute {
		day = day.AddDate(0, 0, -1)
	}
	return day.Format(DayLayout), nil
}

// Shift is one cashier's time at the till: it opens with a float of cash
// in the drawer and closes with a count.
type Shift struct {
	ID       string
	StoreID  string
	StaffID  string
	Currency string
	Float    int64
	OpenedAt time.Time
	// Set when the shift closes.
	ClosedAt    *time.Time
	CashSales   int64 // cash the cashier took during the shift (tenders)
	CashTopUps  int64 // cash the cashier took for wallet top-ups
	CashRefunds int64 // cash the cashier gave back from cash payments
	Expected    int64 // Float + CashSales + CashTopUps - CashRefunds
	Counted     int64
}

// Difference is counted minus expected: negative when cash is missing.
func (s Shift) Difference() int64 { return s.Counted - s.Expected }

// LedgerTotal is the sum of the postings to one class of store account by
// entries of one kind and rail, in a time range.
type LedgerTotal struct {
	Kind    ledger.Kind
	Rail    string // "cash" for cash sales and top-ups, else the intent's rail
	Account string // AccountRevenue, AccountTips or AccountRefunds
	Sum     int64  // signed, as posted (credits negative)
	Entries int
}

// Account classes of LedgerTotal.
const (
	AccountRevenue = "revenue"
	AccountTips    = "tips"
	AccountRefunds = "refunds"
)

// OrderTotals sums the orders paid and closed in a time range, and
// counts those voided.
type OrderTotals struct {
	Orders    int
	Subtotal  int64 // lines at the prices charged
	Tax       int64
	TaxByRate map[int]int64
	Paid      int64 // tenders applied, less voided payments
	Voided    int   // orders voided (cancelled unpaid)
}

// ItemSales is what one menu item sold in a time range.
type ItemSales struct {
	ItemID   string
	Name     string
	Category string // "" when the item or its category is gone
	CatPos   int
	Qty      int
	Sales    int64
}

// HourSales is the sales of one hour after a time range's start.
type HourSales struct {
	Hour    int // 0 is the first hour of the range
	Sales   int64
	Entries int
}

// ZRecord is a closed business day: the report as it was when the day
// closed. It is stored once and never changed.
type ZRecord struct {
	StoreID  string
	Day      string
	ClosedBy string
	ClosedAt time.Time
	Report   []byte // the DayReport as JSON
}

// Kinds of reconciliation differences.
const (
	DiffIntentNoEntry  = "intent_without_entry" // money taken with no charge entry
	DiffEntryNoIntent  = "entry_without_intent" // an entry whose payment or tender does not exist
	DiffRefundMismatch = "refund_mismatch"      // an intent's refunded amount is not its refund entries
	DiffOrderUnpaid    = "order_payments"       // a paid order whose payments do not add up to its total
	DiffWalletBalance  = "wallet_balance"       // a wallet's balance is not the sum of its postings
	DiffUnbalanced     = "entry_unbalanced"     // an entry whose postings do not sum to zero
)

// Discrepancy is one difference reconciliation found. Ref is the record
// (intent, entry, order or wallet member); OrderID the order to open, if
// known. Want and Got are the amounts that disagree.
type Discrepancy struct {
	Kind    string
	Ref     string
	OrderID string
	Want    int64
	Got     int64
	Detail  string
}

// ExportOrder is one row of the orders export.
type ExportOrder struct {
	ID        string
	Number    int
	Status    OrderStatus
	Table     string
	CreatedBy string
	CreatedAt time.Time
	ClosedAt  *time.Time
	Items     string // "name x qty; ..."
	Qty       int
	Subtotal  int64
	Paid      int64
	Currency  string
}

// ExportPayment is one row of the payments export: an intent, or a cash
// (or void) tender, which has no intent.
type ExportPayment struct {
	ID          string
	OrderID     string
	OrderNumber int
	Method      string
	Rail        string
	Status      string
	Amount      int64
	Tip         int64
	Refunded    int64
	Currency    string
	PayerRef    string
	Reason      string
	CreatedAt   time.Time
}

// ExportPosting is one row of the ledger export: a posting with its entry.
type ExportPosting struct {
	EntryID  string
	At       time.Time
	Kind     string
	Ref      string
	Reverses string
	Account  string
	Amount   int64
	Currency string
}

// ReportTx is what the back office's money side needs from a transaction:
// business-day settings, shifts, Z records, and the aggregate queries the
// reports, reconciliation and exports run in the database. Time ranges are
// [from, to).
type ReportTx interface {
	// DaySettingsOf returns ErrNotFound when the store set none.
	DaySettingsOf(ctx context.Context, storeID string) (DaySettings, error)
	PutDaySettings(ctx context.Context, d DaySettings) error

	// CreateShift fails with ErrConflict for a duplicate id or a second
	// open shift of one member of staff. CloseShift saves the closing
	// fields of an open shift, and fails with ErrConflict if it is closed.
	CreateShift(ctx context.Context, s Shift) error
	ShiftByID(ctx context.Context, storeID, id string) (Shift, error)
	OpenShiftOf(ctx context.Context, storeID, staffID string) (Shift, error)
	CloseShift(ctx context.Context, s Shift) error
	// CashTakenBy sums the cash a member of staff applied to orders.
	CashTakenBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error)
	// CashTopUpsBy sums the cash a member of staff took for wallet
	// top-ups (ledger entries of kind top-up made by them).
	CashTopUpsBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error)
	// CashRefundsBy sums the cash a member of staff gave back from cash
	// payments.
	CashRefundsBy(ctx context.Context, storeID, staffID string, from, to time.Time) (int64, error)

	LedgerTotals(ctx context.Context, storeID string, from, to time.Time) ([]LedgerTotal, error)
	OrderTotals(ctx context.Context, storeID string, taxInclusive bool, from, to time.Time) (OrderTotals, error)
	ItemSales(ctx context.Context, storeID string, from, to time.Time) ([]ItemSales, error)
	HourlySales(ctx context.Context, storeID string, from, to time.Time) ([]HourSales, error)

	// CreateZRecord fails with ErrConflict if the day is closed already.
	CreateZRecord(ctx context.Context, z ZRecord) error
	ZRecordOf(ctx context.Context, storeID, day string) (ZRecord, error)

	// Reconcile lists the differences among orders, intents, ledger
	// entries and wallets of a time range.
	Reconcile(ctx context.Context, storeID string, taxInclusive bool, from, to time.Time) ([]Discrepancy, error)
	EntryByID(ctx context.Context, storeID, id string) (ledger.Entry, error)

	// Exports stream rows to fn, oldest first, without holding them all.
	ExportOrders(ctx context.Context, storeID string, from, to time.Time, fn func(ExportOrder) error) error
	ExportPayments(ctx context.Context, storeID string, from, to time.Time, fn func(ExportPayment) error) error
	ExportPostings(ctx context.Context, storeID string, from, to time.Time, fn func(ExportPosting) error) error
}
