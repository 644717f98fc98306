package wire

import (
	"time"

	"qrpos/internal/money"
)

// Share kinds and statuses of a split bill (see server/pos).
const (
	ShareEqual = "equal" // Position of Parts equal parts of what was due
	ShareItems = "items" // what the lines LineIDs cost
	ShareRest  = "rest"  // what the items shares leave

	ShareOpen   = "open"
	SharePaying = "paying" // a payment of it is under way
	SharePaid   = "paid"
)

// TableSettled is the board's state of a table whose bill was paid
// (settled) since its party sat down.
const TableSettled = "settled"

// Share is one part of a split bill, paid by one diner.
type Share struct {
	ID       string       `json:"id"`
	Kind     string       `json:"kind"`
	Position int          `json:"position"`
	Parts    int          `json:"parts"`
	Amount   money.Amount `json:"amount"`
	Status   string       `json:"status"`
	LineIDs  []string     `json:"line_ids,omitempty"`
	// Tip is the tip of the share's payment under way or made.
	Tip money.Amount `json:"tip"`
}

// Bill answers GET /api/diner/bill and GET /api/orders/{id}/bill: an
// order's bill with what was paid, what is due and its shares.
type Bill struct {
	OrderID     string  `json:"order_id"`
	OrderNumber int     `json:"order_number"`
	Status      string  `json:"status"` // the order's
	StoreName   string  `json:"store_name"`
	TableName   string  `json:"table_name,omitempty"`
	Lines       []Line  `json:"lines"`
	Totals      Totals  `json:"totals"`
	Shares      []Share `json:"shares"`
	// Stale says the unpaid shares no longer match the bill (it changed):
	// split it again.
	Stale   bool `json:"stale,omitempty"`
	Version int  `json:"version"` // the order's
}

// SplitRequest is the body of POST /api/diner/bill/split and POST
// /api/orders/{id}/split: Parts equal shares (1 = the whole bill), or a
// share of the lines LineIDs and a share of the rest. SplitID, chosen by
// the device, names the new shares.
type SplitRequest struct {
	SplitID string   `json:"split_id"`
	Parts   int      `json:"parts,omitempty"`
	LineIDs []string `json:"line_ids,omitempty"`
}

// PayShareRequest is the body of POST /api/diner/shares/{id}/pay and POST
// /api/shares/{id}/pay: a tip as a rate (TipBP basis points of the share,
// 1000 = 10 %) or as an amount (Tip), not both.
type PayShareRequest struct {
	IntentID string        `json:"intent_id"`
	TipBP    int           `json:"tip_bp,omitempty"`
	Tip      *money.Amount `json:"tip,omitempty"`
}

// SharePayment answers a PayShareRequest: the share's payment and a token
// of it; the phone opens Path (the pay page, as for the counter's QR).
type SharePayment struct {
	Intent    Intent    `json:"intent"`
	Token     string    `json:"token"`
	Path      string    `json:"path"` // /p/<token>
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// EventBillUpdated tells a table's phones and the tablets that an order's
// bill was split (Order is the order).
const EventBillUpdated = "bill.updated"
