package pos

import (
	"context"
	"time"
)

// ChargeTx holds narrow queries for the hot path of a payment, where
// loading whole rows that are almost never there, or asking in four
// queries what one can answer, would be wasted work.
type ChargeTx interface {
	// HasLiveIntents reports whether an order has a live (created or
	// pending) intent, its own or one of its shares'.
	HasLiveIntents(ctx context.Context, storeID, orderID string) (bool, error)
	// PayerByDevice returns, in one query, what DeviceByNumber(number),
	// MemberByID of its member, LimitsFor(storeID, rail) and
	// PayerTotalSince(member, since) return. ErrNotFound for an unknown
	// device.
	PayerByDevice(ctx context.Context, number uint32, storeID, rail string, since time.Time) (Payer, error)
	// BillByID returns, in fewer queries, what OrderByID(storeID, orderID),
	// RestaurantByID(storeID) and HasLiveIntents(storeID, orderID) return.
	// ErrNotFound for an unknown order.
	BillByID(ctx context.Context, storeID, orderID string) (Bill, error)
}

// Bill is an order with its restaurant, and whether a payment of the
// order is live (created or pending).
type Bill struct {
	Order      Order
	Restaurant Restaurant
	Live       bool
}

// Payer is what a wallet charge checks about who pays.
type Payer struct {
	Device Device
	Member Member
	// Limits are the limits of the store's rail; nil if none are set.
	Limits *Limits
	// PaidSince is what the member paid since the time asked, as
	// PayerTotalSince counts it.
	PaidSince int64
}
