package client

import (
	"context"
	"net/url"

	"qrpos/internal/wire"
)

// ---- split bills: the diner's phone (its table session cookie) ----

// DinerBill returns the bill of the phone's table.
func (c *Client) DinerBill(ctx context.Context) (wire.Bill, error) {
	var v wire.Bill
	err := c.get(ctx, "/api/diner/bill", &v)
	return v, err
}

// DinerSplit splits the bill of the phone's table. It is not kept on the
// phone (the table may have moved on by the time it would be sent again):
// the caller keeps key until an answer arrives and retries with it.
func (c *Client) DinerSplit(ctx context.Context, key string, r wire.SplitRequest) (wire.Bill, error) {
	var v wire.Bill
	err := c.keyedWith(ctx, key, "POST", "/api/diner/bill/split", r, &v)
	return v, err
}

// DinerPayShare starts the payment of a share and returns the pay page to
// open. Like DinerSplit it is not kept; the caller keeps key.
func (c *Client) DinerPayShare(ctx context.Context, key, shareID string, r wire.PayShareRequest) (wire.SharePayment, error) {
	var v wire.SharePayment
	err := c.keyedWith(ctx, key, "POST", "/api/diner/shares/"+url.PathEscape(shareID)+"/pay", r, &v)
	return v, err
}

// ---- split bills: staff ----

// Bill returns an order's bill with its shares.
func (c *Client) Bill(ctx context.Context, orderID string) (wire.Bill, error) {
	var v wire.Bill
	err := c.get(ctx, "/api/orders/"+url.PathEscape(orderID)+"/bill", &v)
	return v, err
}
