package pos

import "context"

// ChargeTx holds narrow queries for the hot path of a payment, where
// loading whole rows that are almost never there would be wasted work.
type ChargeTx interface {
	// HasLiveIntents reports whether an order has a live (created or
	// pending) intent, its own or one of its shares'.
	HasLiveIntents(ctx context.Context, storeID, orderID string) (bool, error)
}
