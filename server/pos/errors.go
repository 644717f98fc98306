package pos

import (
	"errors"
	"fmt"
)

// Code classifies an Error for the edges: the HTTP layer maps each code to
// one status and a stable machine-readable string.
type Code string

// Error codes. They match the strings of internal/wire so the HTTP layer can
// pass them through.
const (
	CodeInvalid        Code = "invalid"
	CodeUnauthorized   Code = "unauthorized"
	CodeSessionExpired Code = "session_expired"
	CodeWrongPIN       Code = "wrong_pin"
	CodeLocked         Code = "locked"
	CodeForbidden      Code = "forbidden"
	CodeNotFound       Code = "not_found"
	CodeConflict       Code = "conflict"
	CodeTableBusy      Code = "table_busy"
	CodeIdempotency    Code = "idempotency_conflict"
	CodeNeedKey        Code = "idempotency_key_required"
	CodeOrderClosed    Code = "order_closed"
	CodeUnavailable    Code = "item_unavailable"

	CodeNotAccepted    Code = "rail_not_accepted"
	CodeNotPaymentCode Code = "not_a_payment_code"
	CodeCodeExpired    Code = "code_expired"
	CodeCodeUsed       Code = "code_used"
	CodeCodeInvalid    Code = "code_invalid"
	CodeTokenExpired   Code = "token_expired"
	CodeTokenInvalid   Code = "token_invalid"
	CodeBillChanged    Code = "bill_changed"
	CodeLimit          Code = "limit_exceeded"
	CodeInsufficient   Code = "insufficient_balance"
	CodePaymentActive  Code = "payment_in_progress"
	CodeAlreadyPaid    Code = "already_paid"
	CodeRefundTooMuch  Code = "refund_exceeds_captured"

	// CodeBadTableLink: a table link that is not genuine, was altered, or
	// was revoked (the sticker was replaced).
	CodeBadTableLink Code = "bad_table_link"
)

// Error is a refusal the person at the terminal can act on. Message is
// written for them; Field names the offending input, OrderID an order the
// app may open (e.g. a busy table's).
type Error struct {
	Code    Code
	Message string
	Field   string
	OrderID string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// ErrorCode returns the Code of err if it is (or wraps) an *Error, or "".
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

func refuse(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
