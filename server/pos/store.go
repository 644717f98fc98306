package pos

import (
	"context"
	"time"
)

// Store is what the domain needs from a database. Every method of Tx runs
// inside the transaction that Read or Write opened; Write transactions are
// serialised per order (SQLite: BEGIN IMMEDIATE; PostgreSQL: row locks), so
// a read-modify-write of an order inside Write is safe from lost updates.
// A function that returns an error rolls the whole transaction back.
type Store interface {
	Read(ctx context.Context, fn func(Tx) error) error
	Write(ctx context.Context, fn func(Tx) error) error
}

// Tx is one database transaction. Lookups of a missing row return an error
// that wraps ErrNotFound; inserts that break a uniqueness rule return an
// error that wraps ErrConflict.
type Tx interface {
	PaymentTx
	ChargeTx
	ShareTx
	BridgeTx
	TableSessionTx
	SubmissionTx
	BackofficeTx
	ReportTx
	// Restaurants (stores).
	CreateRestaurant(ctx context.Context, r Restaurant) error
	RestaurantByID(ctx context.Context, id string) (Restaurant, error)
	ListRestaurants(ctx context.Context) ([]Restaurant, error)

	// Staff.
	CreateStaff(ctx context.Context, s Staff) error
	StaffByID(ctx context.Context, storeID, id string) (Staff, error)
	// ListStaff returns the store's staff ordered by name.
	ListStaff(ctx context.Context, storeID string) ([]Staff, error)
	// UpdateStaff saves Name, Role, PINHash, FailedPINs, LockedAt and Active.
	UpdateStaff(ctx context.Context, s Staff) error

	// Sessions.
	CreateSession(ctx context.Context, s Session) error
	SessionByTokenHash(ctx context.Context, hash []byte) (Session, error)
	TouchSession(ctx context.Context, hash []byte, lastSeen time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteSessionsOf ends every session of one staff member.
	DeleteSessionsOf(ctx context.Context, storeID, staffID string) error

	// Catalog. Lists are ordered by Position, then name.
	CreateCategory(ctx context.Context, c Category) error
	ListCategories(ctx context.Context, storeID string) ([]Category, error)
	CreateModifierGroup(ctx context.Context, g ModifierGroup) error // with its modifiers
	ListModifierGroups(ctx context.Context, storeID string) ([]ModifierGroup, error)
	CreateItem(ctx context.Context, it Item) error // with its ModifierGroupIDs
	ItemByID(ctx context.Context, storeID, id string) (Item, error)
	ListItems(ctx context.Context, storeID string) ([]Item, error)

	// Tables.
	CreateTable(ctx context.Context, t Table) error
	TableByID(ctx context.Context, storeID, id string) (Table, error)
	ListTables(ctx context.Context, storeID string) ([]Table, error)
	// BumpTableLinkGen increments a table's link generation and returns the
	// new one (revoking the links of older generations).
	BumpTableLinkGen(ctx context.Context, storeID, id string) (int, error)

	// Orders. CreateOrder fails with ErrConflict for a duplicate id or a
	// second active (open or sent) order on one table. OrderByID returns
	// the order with its lines and tenders.
	NextOrderNumber(ctx context.Context, storeID string) (int, error)
	CreateOrder(ctx context.Context, o Order) error
	OrderByID(ctx context.Context, storeID, id string) (Order, error)
	// UpdateOrder saves status, version, timestamps, void reason and the
	// complete list of lines (replacing the stored ones). It fails with
	// ErrConflict if the stored version is not o.Version-1.
	UpdateOrder(ctx context.Context, o Order) error
	// UpdateOrderState saves what UpdateOrder saves except the lines, with
	// the same version check: for changes that add a tender or move the
	// status, where rewriting every line would be wasted work.
	UpdateOrderState(ctx context.Context, o Order) error
	// ListOrders returns orders with lines and tenders, newest first.
	ListOrders(ctx context.Context, f OrderFilter) ([]Order, error)
	// CreateTender fails with ErrConflict for a duplicate id.
	CreateTender(ctx context.Context, t Tender) error

	// Idempotency. PutIdempotency fails with ErrConflict when the key exists.
	IdempotencyByKey(ctx context.Context, storeID, key string) (Idempotency, error)
	PutIdempotency(ctx context.Context, rec Idempotency) error
}
