package pos

import (
	"context"
	"time"

	"qrpos/server/ledger"
)

// IntentStatus is where a payment intent is in its life. Every rail goes
// through the same machine:
//
//	created ──▶ pending ──▶ succeeded ──▶ partially_refunded ──▶ refunded
//	   │           │            │                 │
//	   │           ├──▶ failed  └──▶ reversed     └──▶ (more partial refunds)
//	   ├──▶ failed ├──▶ cancelled
//	   ├──▶ cancelled, expired  └──▶ expired, reversed
//	   └──▶ succeeded
//
// A payment whose outcome is unknown stays pending: it is queried, and
// reversed at its deadline. It never ends up charged twice.
type IntentStatus string

// Intent statuses.
const (
	IntentCreated           IntentStatus = "created"
	IntentPending           IntentStatus = "pending"
	IntentSucceeded         IntentStatus = "succeeded"
	IntentFailed            IntentStatus = "failed"
	IntentCancelled         IntentStatus = "cancelled"
	IntentExpired           IntentStatus = "expired"
	IntentReversed          IntentStatus = "reversed"
	IntentPartiallyRefunded IntentStatus = "partially_refunded"
	IntentRefunded          IntentStatus = "refunded"
)

// intentTransitions is the whole state machine: the statuses each status
// may move to. Anything not listed is refused.
var intentTransitions = map[IntentStatus][]IntentStatus{
	IntentCreated:           {IntentPending, IntentSucceeded, IntentFailed, IntentCancelled, IntentExpired},
	IntentPending:           {IntentSucceeded, IntentFailed, IntentCancelled, IntentExpired, IntentReversed},
	IntentSucceeded:         {IntentPartiallyRefunded, IntentRefunded, IntentReversed},
	IntentPartiallyRefunded: {IntentPartiallyRefunded, IntentRefunded},
}

// IntentStatuses lists every status, for exhaustive tests and validation.
var IntentStatuses = []IntentStatus{IntentCreated, IntentPending, IntentSucceeded, IntentFailed, IntentCancelled,
	IntentExpired, IntentReversed, IntentPartiallyRefunded, IntentRefunded}

// CanMoveTo reports whether the machine allows s -> t.
func (s IntentStatus) CanMoveTo(t IntentStatus) bool {
	for _, n := range intentTransitions[s] {
		if n == t {
			return true
		}
	}
	return false
}

// Live reports whether the intent may still take money (created or
// pending). An order has at most one live intent.
func (s IntentStatus) Live() bool { return s == IntentCreated || s == IntentPending }

// Captured reports whether money was taken and not fully given back by a
// reversal (it may have been partly refunded).
func (s IntentStatus) Captured() bool {
	return s == IntentSucceeded || s == IntentPartiallyRefunded || s == IntentRefunded
}

// Method is how a payment is presented.
type Method string

// Methods.
const (
	// MethodQR is a merchant-presented dynamic QR: the diner scans the
	// tablet (a jumping one-time token).
	MethodQR Method = "qr"
	// MethodCode is a consumer-presented payment code: the cashier scans
	// the diner's phone.
	MethodCode Method = "code"
)

// Rail names. The built-in stored-value wallet settles inside the
// database; the others are external networks behind the Rail interface.
const (
	RailWallet   = "wallet"
	RailWeChat   = "wechat"
	RailAlipay   = "alipay"
	RailUnionPay = "unionpay"
	RailCash     = "cash"
)

// Intent is one attempt to take a payment for an order.
type Intent struct {
	ID      string
	StoreID string
	OrderID string
	// ShareID is the share of a split bill the intent pays, or empty for
	// a payment of what the whole order owes.
	ShareID  string
	Method   Method
	Rail     string // empty for a QR intent until the payer picks a rail
	Amount   int64  // what the order owed when the intent was made
	Tip      int64
	Currency string
	// OrderVersion is the order's version the amount was computed for: if
	// the bill changes, the intent (and every token of it) no longer pays.
	OrderVersion int
	Status       IntentStatus
	TerminalID   string
	MemberID     string // the wallet member who pays, once known
	PayerRef     string // a masked reference of the payer, for receipts
	RailRef      string // the rail's id of the transaction
	Reason       string // why it failed, was cancelled or reversed
	Refunded     int64
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Deadline bounds a pending intent: past it, the payment is queried
	// one last time and reversed.
	Deadline time.Time
	Version  int
}

// Refund gives back part or all of a captured intent.
type Refund struct {
	ID         string
	StoreID    string
	IntentID   string
	Amount     int64
	Reason     string
	ApprovedBy string
	CreatedBy  string
	CreatedAt  time.Time
}

// CashRefund is cash given back from a cash tender, out of the drawer of
// the member of staff who made it (CreatedBy).
type CashRefund struct {
	ID         string
	StoreID    string
	OrderID    string
	TenderID   string
	Amount     int64
	Reason     string
	ApprovedBy string
	CreatedBy  string
	CreatedAt  time.Time
}

// Member is an account of the built-in wallet. Balance is in minor units
// of Currency and never negative.
type Member struct {
	ID        string
	StoreID   string
	Name      string
	Balance   int64
	Currency  string
	CreatedAt time.Time
	Version   int
}

// Device is a wallet page on one phone: it holds the TOTP secret its
// payment codes derive from and a credential for its own API calls.
type Device struct {
	Number         uint32 // 8 digits, part of every payment code
	MemberID       string
	StoreID        string
	Secret         []byte
	CredentialHash []byte
	// LastCounter is the TOTP step of the last code accepted: a code is
	// good once.
	LastCounter int64
	CreatedAt   time.Time
}

// Limits are the risk controls of one rail in one store, in minor units.
// Zero means no limit.
type Limits struct {
	StoreID string
	Rail    string
	// SingleMax caps one payment.
	SingleMax int64
	// DailyMax caps what one payer may pay in a day.
	DailyMax int64
	// PasswordFree is the largest payment that needs no confirmation from
	// the payer; above it the payer confirms on the phone.
	PasswordFree int64
}

// DefaultLimits follow DESIGN.md: password-free up to 1000 CNY, 5000 CNY
// a payer a day (dynamic codes), 5000 CNY a payment.
func DefaultLimits(storeID, rail string) Limits {
	return Limits{StoreID: storeID, Rail: rail, SingleMax: 500_000, DailyMax: 500_000, PasswordFree: 100_000}
}

// IntentFilter selects intents. Zero fields do not filter.
type IntentFilter struct {
	StoreID  string
	OrderID  string
	MemberID string
	Statuses []IntentStatus
	// DeadlineBefore keeps intents whose deadline is before it.
	DeadlineBefore time.Time
	Limit          int
}

// EntryFilter selects ledger entries. Zero fields do not filter.
type EntryFilter struct {
	StoreID string
	Ref     string
	Account string
	Since   time.Time
}

// PaymentTx is what payments need from a transaction, beyond Tx.
type PaymentTx interface {
	// Intents. CreateIntent fails with ErrConflict for a duplicate id or a
	// second live (created or pending) intent for one order. UpdateIntent
	// fails with ErrConflict unless the stored version is i.Version-1.
	CreateIntent(ctx context.Context, i Intent) error
	IntentByID(ctx context.Context, storeID, id string) (Intent, error)
	UpdateIntent(ctx context.Context, i Intent) error
	// ListIntents returns intents newest first.
	ListIntents(ctx context.Context, f IntentFilter) ([]Intent, error)
	// PayerTotalSince sums the captured amounts (less refunds) a member
	// paid since t, for the daily cap.
	PayerTotalSince(ctx context.Context, memberID string, since time.Time) (int64, error)

	// Refunds. CreateRefund fails with ErrConflict for a duplicate id.
	CreateRefund(ctx context.Context, r Refund) error
	ListRefunds(ctx context.Context, storeID, intentID string) ([]Refund, error)
	// Cash refunds. CreateCashRefund fails with ErrConflict for a
	// duplicate id; it adds the amount to the tender's Refunded, and fails
	// if that would pass the tender's Amount.
	CreateCashRefund(ctx context.Context, r CashRefund) error
	ListCashRefunds(ctx context.Context, storeID, orderID string) ([]CashRefund, error)

	// Wallet. UpdateMember fails with ErrConflict unless the stored
	// version is m.Version-1. DeviceByNumber and DeviceByCredential return
	// ErrNotFound for unknown devices. UpdateDeviceCounter sets the last
	// accepted counter only if it is greater than the stored one, and
	// fails with ErrConflict otherwise (a code is good once).
	CreateMember(ctx context.Context, m Member) error
	MemberByID(ctx context.Context, id string) (Member, error)
	UpdateMember(ctx context.Context, m Member) error
	CreateDevice(ctx context.Context, d Device) error
	DeviceByNumber(ctx context.Context, number uint32) (Device, error)
	DeviceByCredential(ctx context.Context, hash []byte) (Device, error)
	UpdateDeviceCounter(ctx context.Context, number uint32, counter int64) error

	// Limits of a store's rail; ErrNotFound when none are set.
	LimitsFor(ctx context.Context, storeID, rail string) (Limits, error)
	PutLimits(ctx context.Context, l Limits) error

	// Ledger. AppendEntry stores a balanced entry (validated by the
	// caller) with its postings; ErrConflict for a duplicate id.
	AppendEntry(ctx context.Context, e ledger.Entry) error
	// ListEntries returns entries oldest first, with their postings.
	ListEntries(ctx context.Context, f EntryFilter) ([]ledger.Entry, error)
}
