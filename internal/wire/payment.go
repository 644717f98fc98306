package wire

import (
	"time"

	"qrpos/internal/money"
)

// Payment intent statuses (see server/pos for the state machine).
const (
	IntentCreated           = "created"
	IntentPending           = "pending"
	IntentSucceeded         = "succeeded"
	IntentFailed            = "failed"
	IntentCancelled         = "cancelled"
	IntentExpired           = "expired"
	IntentReversed          = "reversed"
	IntentPartiallyRefunded = "partially_refunded"
	IntentRefunded          = "refunded"
)

// Payment methods and rails.
const (
	MethodQR   = "qr"   // merchant-presented: the diner scans the tablet
	MethodCode = "code" // consumer-presented: the cashier scans the diner's code

	RailWallet   = "wallet"
	RailWeChat   = "wechat"
	RailAlipay   = "alipay"
	RailUnionPay = "unionpay"
)

// More error codes for payments.
const (
	CodeNotAccepted    = "rail_not_accepted" // a wallet this store does not take
	CodeNotPaymentCode = "not_a_payment_code"
	CodeCodeExpired    = "code_expired"
	CodeCodeUsed       = "code_used"
	CodeCodeInvalid    = "code_invalid"
	CodeTokenExpired   = "token_expired"
	CodeTokenInvalid   = "token_invalid"
	CodeBillChanged    = "bill_changed"
	CodeLimit          = "limit_exceeded"
	CodeInsufficient   = "insufficient_balance"
	CodePaymentActive  = "payment_in_progress"
	CodeAlreadyPaid    = "already_paid"
	CodeRefundTooMuch  = "refund_exceeds_captured"
)

// Intent is a payment attempt for an order.
type Intent struct {
	ID        string       `json:"id"`
	OrderID   string       `json:"order_id"`
	ShareID   string       `json:"share_id,omitempty"` // the share of a split bill it pays
	Method    string       `json:"method"`
	Rail      string       `json:"rail,omitempty"`
	Amount    money.Amount `json:"amount"`
	Tip       money.Amount `json:"tip"`
	Status    string       `json:"status"`
	PayerRef  string       `json:"payer_ref,omitempty"` // masked, e.g. "wallet ****4821"
	RailRef   string       `json:"rail_ref,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	Refunded  money.Amount `json:"refunded"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	Deadline  *time.Time   `json:"deadline,omitempty"` // while pending
	Refunds   []Refund     `json:"refunds,omitempty"`
}

// Refund of part or all of an intent.
type Refund struct {
	ID         string       `json:"id"`
	Amount     money.Amount `json:"amount"`
	Reason     string       `json:"reason"`
	ApprovedBy string       `json:"approved_by"`
	CreatedAt  time.Time    `json:"created_at"`
}

// Approval is a manager's PIN, given on a cashier's terminal to approve a
// refund or a void.
type Approval struct {
	StaffID string `json:"staff_id"`
	PIN     string `json:"pin"`
}

// CreateIntentRequest is the body of POST /api/orders/{id}/intents: a QR
// charge for what the order owes now.
type CreateIntentRequest struct {
	IntentID   string `json:"intent_id"`
	TerminalID string `json:"terminal_id,omitempty"`
}

// ChargeCodeRequest is the body of POST /api/orders/{id}/charge-code: the
// diner's payment code, scanned or typed.
type ChargeCodeRequest struct {
	IntentID   string `json:"intent_id"`
	Code       string `json:"code"`
	TerminalID string `json:"terminal_id,omitempty"`
}

// PaymentToken answers POST /api/intents/{id}/token: the current jumping
// QR. The tablet asks again every Step.
type PaymentToken struct {
	IntentID  string    `json:"intent_id"`
	Token     string    `json:"token"`
	URL       string    `json:"url"`    // what the QR encodes
	QRPNG     string    `json:"qr_png"` // data:image/png;base64,...
	ExpiresAt time.Time `json:"expires_at"`
	Step      int       `json:"step_seconds"`
}

// CancelIntentRequest is the body of POST /api/intents/{id}/cancel.
type CancelIntentRequest struct {
	Reason string `json:"reason,omitempty"`
}

// RefundRequest is the body of POST /api/intents/{id}/refund, and of POST
// /api/orders/{id}/tenders/{tender}/refund for cash given back from a cash
// payment (answered with the Order). A cashier needs a manager's Approval;
// a manager's own session needs none.
type RefundRequest struct {
	RefundID string       `json:"refund_id"`
	Amount   money.Amount `json:"amount"`
	Reason   string       `json:"reason"`
	Approval *Approval    `json:"approval,omitempty"`
}

// ReverseRequest is the body of POST /api/intents/{id}/void: the whole
// payment is given back and the order owes it again.
type ReverseRequest struct {
	Reason   string    `json:"reason"`
	Approval *Approval `json:"approval,omitempty"`
}

// IntentList answers GET /api/orders/{id}/intents.
type IntentList struct {
	Intents []Intent `json:"intents"`
}

// PayPage answers GET /api/pay/{token} (public): what the diner's phone
// shows before paying.
type PayPage struct {
	Intent      Intent    `json:"intent"`
	StoreName   string    `json:"store_name"`
	TableName   string    `json:"table_name,omitempty"`
	OrderNumber int       `json:"order_number"`
	Lines       []Line    `json:"lines"`
	Totals      Totals    `json:"totals"`
	ExpiresAt   time.Time `json:"expires_at"`
	Share       *Share    `json:"share,omitempty"` // the share of a split bill it pays
}

// PayWalletRequest is the body of POST /api/pay/{token}/wallet, sent by a
// phone with a wallet (its device credential in HeaderWallet).
type PayWalletRequest struct {
	Tip money.Amount `json:"tip"`
}

// HeaderWallet carries a wallet device's credential.
const HeaderWallet = "X-QRPOS-Wallet"

// WalletDevice answers POST /api/wallet/devices: a new wallet on this
// phone. The page keeps it in local storage; Secret (base64) makes the
// payment codes offline, Credential authenticates the page's requests.
type WalletDevice struct {
	MemberID   string `json:"member_id"`
	Device     uint32 `json:"device"`
	Secret     string `json:"secret"`
	Credential string `json:"credential"`
	Currency   string `json:"currency"`
}

// NewWalletRequest is the body of POST /api/wallet/devices.
type NewWalletRequest struct {
	StoreID string `json:"store_id,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Wallet answers GET /api/wallet (device credential).
type Wallet struct {
	MemberID string          `json:"member_id"`
	Name     string          `json:"name,omitempty"`
	Balance  money.Amount    `json:"balance"`
	Pending  []Intent        `json:"pending"` // charges waiting for this payer's confirmation
	Recent   []WalletHistory `json:"recent"`
}

// WalletHistory is one movement of a wallet's balance.
type WalletHistory struct {
	At     time.Time    `json:"at"`
	Kind   string       `json:"kind"`   // topup, charge, refund, reversal
	Amount money.Amount `json:"amount"` // positive in, negative out
	Ref    string       `json:"ref"`
}

// ConfirmRequest is the body of POST /api/wallet/confirm/{intent}.
type ConfirmRequest struct {
	Approve bool `json:"approve"`
}

// TopUpRequest is the body of POST /api/wallet/topup (staff): cash in,
// stored value out.
type TopUpRequest struct {
	TopUpID  string       `json:"topup_id"`
	MemberID string       `json:"member_id"`
	Amount   money.Amount `json:"amount"`
}

// TopUp answers POST /api/wallet/topup.
type TopUp struct {
	TopUpID  string       `json:"topup_id"`
	MemberID string       `json:"member_id"`
	Amount   money.Amount `json:"amount"`
	Balance  money.Amount `json:"balance"`
}

// Payment events pushed over /ws (to the store's terminals), over
// /ws/pay/{token} (to the diner's pay page) and over /ws/wallet (to the
// payer's wallet page).
const (
	EventPaymentPending   = "payment.pending"
	EventPaymentSucceeded = "payment.succeeded"
	EventPaymentFailed    = "payment.failed"
	EventPaymentRefunded  = "payment.refunded"
	// EventWalletUpdated tells a wallet page its balance changed for a
	// reason of its own (a top-up at the counter): it loads the wallet.
	EventWalletUpdated = "wallet.updated"
)

// PaymentEvent is the payload of payment events: Event.Intent.
type PaymentEvent = Intent
