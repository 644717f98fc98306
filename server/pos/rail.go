package pos

import (
	"context"
	"errors"
)

// Rail is an external payment network (WeChat Pay, Alipay, UnionPay, ...)
// as the domain needs it. Every call may time out or fail in transit: an
// error means the outcome is unknown, never that the payment failed. The
// domain then queries the rail, and reverses the payment at its deadline,
// so a payment is never taken twice and never left half done. Rails must
// be idempotent by intent id (the out_trade_no) and refund id.
//
// The built-in wallet is not a Rail: it settles inside the same database
// transaction as the order, which is both simpler and stronger than any
// protocol between two systems.
type Rail interface {
	// ChargeCode charges a consumer-presented payment code.
	ChargeCode(ctx context.Context, c Charge) (RailResult, error)
	// CreateQR asks the rail for a merchant-presented code for c (for
	// rails whose apps cannot open our own pay page).
	CreateQR(ctx context.Context, c Charge) (string, error)
	// Query asks what became of an intent's payment.
	Query(ctx context.Context, intentID string) (RailResult, error)
	// Reverse cancels an intent's payment whatever its state; a paid one
	// is refunded in full.
	Reverse(ctx context.Context, intentID string) (RailResult, error)
	// Refund gives back amount of a paid intent, once per refund id.
	Refund(ctx context.Context, intentID, refundID string, amount int64) (RailResult, error)
}

// Charge is what a rail is asked to collect.
type Charge struct {
	IntentID string
	StoreID  string
	Amount   int64
	Currency string
	Code     string // the consumer-presented code, for ChargeCode
	Subject  string // shown to the payer, e.g. "Lotus Garden order 12"
}

// RailStatus is a rail's answer about a payment.
type RailStatus string

// Rail answers.
const (
	RailPaid      RailStatus = "paid"      // money taken
	RailFailed    RailStatus = "failed"    // definitely not taken
	RailPaying    RailStatus = "paying"    // the payer is confirming; ask again
	RailCancelled RailStatus = "cancelled" // reversed with nothing taken
	RailRefunded  RailStatus = "refunded"  // reversed after money was taken, or refunded
)

// RailResult is a rail's definite answer.
type RailResult struct {
	Status   RailStatus
	Ref      string // the rail's transaction id
	PayerRef string // masked payer, e.g. "oUpF****3G2k"
	Reason   string // why it failed, for the cashier
}

// ErrRailUnsupported is returned by a rail for an operation it lacks.
var ErrRailUnsupported = errors.New("rail: not supported")
