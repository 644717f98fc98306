// Package pos is the domain core of QRPOS: stores, staff, catalog, tables
// and orders, the rules that govern them (totals, tax, tenders, roles,
// lockout, idempotency) and the Store it needs from a database. It does no
// I/O of its own.
package pos

import (
	"errors"
	"time"
)

// Role is what a member of staff may do.
type Role string

// Roles, from most to least privileged.
const (
	RoleOwner   Role = "owner"
	RoleManager Role = "manager"
	RoleCashier Role = "cashier"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleManager || r == RoleCashier }

// AtLeast reports whether r is as privileged as min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleManager:
		return 2
	case RoleCashier:
		return 1
	}
	return 0
}

// OrderStatus is where an order is in its life.
type OrderStatus string

// Order statuses.
const (
	StatusOpen   OrderStatus = "open"
	StatusSent   OrderStatus = "sent"
	StatusPaid   OrderStatus = "paid"
	StatusClosed OrderStatus = "closed"
	StatusVoid   OrderStatus = "void"
)

// Active reports whether the order can still change (lines, payments).
func (s OrderStatus) Active() bool { return s == StatusOpen || s == StatusSent }

// Restaurant is one store of the business (a location). Everything else
// belongs to one, by StoreID.
type Restaurant struct {
	ID       string
	Name     string
	Address  string
	Currency string
	// TaxInclusive says menu prices include tax (the norm in China).
	TaxInclusive bool
	CreatedAt    time.Time
}

// Staff is a person who logs in at a terminal.
type Staff struct {
	ID      string
	StoreID string
	Name    string
	Role    Role
	// PINHash is a slow, salted hash of the PIN (see HashPIN).
	PINHash string
	// FailedPINs counts consecutive wrong PINs; it resets on success.
	FailedPINs int
	// LockedAt is set when FailedPINs reached the limit; a manager unlocks.
	LockedAt  *time.Time
	Active    bool
	CreatedAt time.Time
}

// Locked reports whether the staff member is locked out.
func (s Staff) Locked() bool { return s.LockedAt != nil }

// Session is a logged-in staff member on one terminal. Only the hash of the
// token is stored.
type Session struct {
	TokenHash  []byte
	StaffID    string
	StoreID    string
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute expiry, whatever the activity.
	ExpiresAt time.Time
}

// Category groups items on the menu.
type Category struct {
	ID       string
	StoreID  string
	Name     string
	Position int
}

// Item is something on the menu. Price is in minor units of the store's
// currency.
type Item struct {
	ID         string
	StoreID    string
	CategoryID string
	Name       string
	Price      int64
	// TaxRateBP is the tax rate in basis points (600 = 6%).
	TaxRateBP int
	Available bool
	Position  int
	// ModifierGroupIDs lists the groups offered with this item, in order.
	ModifierGroupIDs []string
	// SoldOutUntil, if set and in the future, marks the item sold out
	// ("sold out today") until then; see backoffice.go.
	SoldOutUntil *time.Time
	// Photo is the sha256 (hex) of the item's photo in the media store,
	// "" for none.
	Photo string
}

// ModifierGroup is a set of choices offered with items, e.g. "Spice level".
type ModifierGroup struct {
	ID        string
	StoreID   string
	Name      string
	Min       int
	Max       int
	Position  int
	Modifiers []Modifier
}

// Modifier is one choice of a group with its price delta in minor units.
type Modifier struct {
	ID       string
	Name     string
	Price    int64
	Position int
}

// Table is a place in the restaurant.
type Table struct {
	ID       string
	StoreID  string
	Name     string
	Seats    int
	Position int
	// LinkGen is the generation of the table's QR sticker link (from 1).
	// Only a link of the current generation opens the table; revoking a
	// sticker bumps it.
	LinkGen int
	AreaID  string // "" for none
}

// Order is a bill. Lines and Tenders are kept in the order they were added.
type Order struct {
	ID         string
	StoreID    string
	Number     int
	TableID    string // empty for a quick sale
	Status     OrderStatus
	Currency   string
	Lines      []Line
	Tenders    []Tender
	Version    int
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ClosedAt   *time.Time
	VoidReason string
}

// Line is an item on an order, priced as it was when added.
type Line struct {
	ID        string
	ItemID    string
	Name      string
	BasePrice int64 // item price when added, without modifiers
	Qty       int
	Modifiers []LineModifier
	Note      string
	TaxRateBP int
	Sent      bool
	// Submission is the diner submission the line came with, if any;
	// Pending lines wait for the staff to accept them and count in no
	// total, bill or ticket.
	Submission string
	Pending    bool
}

// LineModifier is a modifier as it was when the line was added.
type LineModifier struct {
	ID    string
	Name  string
	Price int64
}

// TenderVoid is the kind of tender that takes a voided payment back off
// an order: its Amount is subtracted from what was paid. Tenders are
// never edited or deleted, and amounts are never negative.
const TenderVoid = "void"

// Tender is a payment applied to an order.
type Tender struct {
	ID       string
	OrderID  string
	Kind     string // "cash", a rail ("wallet", "wechat", ...) or TenderVoid
	Amount   int64  // applied to the order
	Tendered int64  // handed over
	Change   int64  // given back
	// Tip is paid on top of Amount (to the tips account, not the bill).
	Tip int64
	// Refunded is the cash given back from Amount (cash tenders only).
	Refunded  int64
	CreatedBy string
	CreatedAt time.Time
}

// Idempotency is the stored answer of a state-changing request.
type Idempotency struct {
	StoreID     string
	Key         string
	RequestHash []byte
	Response    []byte
	CreatedAt   time.Time
}

// OrderFilter selects orders for ListOrders. Zero fields do not filter.
type OrderFilter struct {
	StoreID  string
	Statuses []OrderStatus
	TableID  string
	// ClosedSince keeps orders closed at or after it.
	ClosedSince time.Time
	Limit       int
}

// Errors a Store returns; services translate them for people.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict is a unique constraint that the caller may expect, such as
	// a second open order for a table or a duplicate id.
	ErrConflict = errors.New("conflict")
)
