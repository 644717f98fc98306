package client

import (
	"context"
	"net/url"

	"qrpos/internal/wire"
)

// ---- payments (staff) ----

// CreateIntent starts a QR payment of what the order owes now.
func (c *Client) CreateIntent(ctx context.Context, orderID string, r wire.CreateIntentRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/intents", r, &v)
	return v, err
}

// Token asks for the current jumping QR of a QR payment. It changes nothing
// stored, so it is neither kept nor keyed.
func (c *Client) Token(ctx context.Context, intentID string) (wire.PaymentToken, error) {
	var v wire.PaymentToken
	err := c.direct(ctx, "POST", "/api/intents/"+url.PathEscape(intentID)+"/token", nil, &v)
	return v, err
}

// ChargeCode charges a payment code scanned or typed at the counter.
func (c *Client) ChargeCode(ctx context.Context, orderID string, r wire.ChargeCodeRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.mutate(ctx, "POST", "/api/orders/"+url.PathEscape(orderID)+"/charge-code", r, &v)
	return v, err
}

// OrderIntents lists an order's payments with their refunds.
func (c *Client) OrderIntents(ctx context.Context, orderID string) ([]wire.Intent, error) {
	var v wire.IntentList
	err := c.get(ctx, "/api/orders/"+url.PathEscape(orderID)+"/intents", &v)
	return v.Intents, err
}

// Intent returns one payment.
func (c *Client) Intent(ctx context.Context, id string) (wire.Intent, error) {
	var v wire.Intent
	err := c.get(ctx, "/api/intents/"+url.PathEscape(id), &v)
	return v, err
}

// CancelIntent cancels a payment that has not succeeded.
func (c *Client) CancelIntent(ctx context.Context, id string, r wire.CancelIntentRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.mutate(ctx, "POST", "/api/intents/"+url.PathEscape(id)+"/cancel", r, &v)
	return v, err
}

// Refund gives back part or all of a payment. The request may carry a
// manager's PIN, so it is never written to storage: the caller generates
// the idempotency key (NewID) and uses it again to retry after a network
// failure.
func (c *Client) Refund(ctx context.Context, key, id string, r wire.RefundRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.keyedWith(ctx, key, "POST", "/api/intents/"+url.PathEscape(id)+"/refund", r, &v)
	return v, err
}

// RefundCash gives back part or all of a cash payment (tender) of an order,
// out of the drawer, and answers the order with its tenders. Like Refund it
// may carry a manager's PIN, so it is never stored: the caller generates the
// key (NewID) and uses it again to retry after a network failure.
func (c *Client) RefundCash(ctx context.Context, key, orderID, tenderID string, r wire.RefundRequest) (wire.Order, error) {
	var v wire.Order
	err := c.keyedWith(ctx, key, "POST", "/api/orders/"+url.PathEscape(orderID)+"/tenders/"+url.PathEscape(tenderID)+"/refund", r, &v)
	return v, err
}

// VoidPayment gives back a whole payment (the order owes it again). Like
// Refund it is not stored; the caller keeps the key for a retry.
func (c *Client) VoidPayment(ctx context.Context, key, id string, r wire.ReverseRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.keyedWith(ctx, key, "POST", "/api/intents/"+url.PathEscape(id)+"/void", r, &v)
	return v, err
}

// TopUp credits a member's wallet against cash taken at the counter.
func (c *Client) TopUp(ctx context.Context, r wire.TopUpRequest) (wire.TopUp, error) {
	var v wire.TopUp
	err := c.mutate(ctx, "POST", "/api/wallet/topup", r, &v)
	return v, err
}

// ---- the diner's phone (no staff session) ----

// PayPage returns what a payment token pays for.
func (c *Client) PayPage(ctx context.Context, token string) (wire.PayPage, error) {
	var v wire.PayPage
	err := c.get(ctx, "/api/pay/"+url.PathEscape(token), &v)
	return v, err
}

// PayWallet pays a token from this phone's wallet. The server answers a
// retry by the same payer with the same payment, so it needs no key.
func (c *Client) PayWallet(ctx context.Context, token, credential string, r wire.PayWalletRequest) (wire.Intent, error) {
	var v wire.Intent
	err := c.walletCall(ctx, "POST", "/api/pay/"+url.PathEscape(token)+"/wallet", credential, r, &v)
	return v, err
}

// NewWallet opens a wallet on this phone. The answer holds the device
// secret: the caller keeps it, the client does not.
func (c *Client) NewWallet(ctx context.Context, r wire.NewWalletRequest) (wire.WalletDevice, error) {
	var v wire.WalletDevice
	err := c.direct(ctx, "POST", "/api/wallet/devices", r, &v)
	return v, err
}

// Wallet returns the balance, the charges waiting for confirmation and the
// recent movements of the wallet with credential.
func (c *Client) Wallet(ctx context.Context, credential string) (wire.Wallet, error) {
	var v wire.Wallet
	err := c.walletCall(ctx, "GET", "/api/wallet", credential, nil, &v)
	return v, err
}

// Confirm approves or declines a charge waiting for the payer.
func (c *Client) Confirm(ctx context.Context, credential, intentID string, approve bool) (wire.Intent, error) {
	var v wire.Intent
	err := c.walletCall(ctx, "POST", "/api/wallet/confirm/"+url.PathEscape(intentID), credential, wire.ConfirmRequest{Approve: approve}, &v)
	return v, err
}
