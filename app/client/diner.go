package client

import (
	"context"
	"net/url"

	"qrpos/internal/wire"
)

// ---- table-side ordering: the diner's phone ----

// JoinTable joins the table of a sticker link; the server sets the diner
// cookie. Joining again with the cookie keeps the same diner. The answer
// carries the menu.
func (c *Client) JoinTable(ctx context.Context, link string) (wire.DinerTable, error) {
	var v wire.DinerTable
	err := c.direct(ctx, "POST", "/api/t/"+url.PathEscape(link)+"/join?with=menu", nil, &v)
	return v, err
}

// DinerTable returns the diner's table, its order and submissions.
func (c *Client) DinerTable(ctx context.Context) (wire.DinerTable, error) {
	var v wire.DinerTable
	err := c.get(ctx, "/api/diner/table", &v)
	return v, err
}

// DinerMenu returns the menu of the diner's restaurant.
func (c *Client) DinerMenu(ctx context.Context) (wire.DinerMenu, error) {
	var v wire.DinerMenu
	err := c.get(ctx, "/api/diner/menu", &v)
	return v, err
}

// Submit sends the diner's cart. The request goes through the outbox
// first: its submission id (made once per cart) and key survive a reload,
// and a later Flush sends it again, which the server answers once.
func (c *Client) Submit(ctx context.Context, r wire.SubmitRequest) (wire.SubmitAnswer, error) {
	var v wire.SubmitAnswer
	err := c.mutate(ctx, "POST", "/api/diner/submissions", r, &v)
	return v, err
}

// RequestService calls the waiter or asks for the bill. The server keeps
// one open request per kind, so a retry is harmless.
func (c *Client) RequestService(ctx context.Context, kind string) (wire.ServiceRequest, error) {
	var v wire.ServiceRequest
	err := c.direct(ctx, "POST", "/api/diner/services", wire.ServiceRequestBody{Kind: kind}, &v)
	return v, err
}

// ---- table-side ordering: the tablets ----

// TableInbox returns what tables wait for: submissions to accept or serve
// and service requests.
func (c *Client) TableInbox(ctx context.Context) (wire.TableInbox, error) {
	var v wire.TableInbox
	err := c.get(ctx, "/api/submissions", &v)
	return v, err
}

// AcceptSubmission accepts a table's submission.
func (c *Client) AcceptSubmission(ctx context.Context, id string) (wire.DecisionAnswer, error) {
	var v wire.DecisionAnswer
	err := c.mutate(ctx, "POST", "/api/submissions/"+url.PathEscape(id)+"/accept", nil, &v)
	return v, err
}

// RejectSubmission rejects a table's submission with a reason the diner sees.
func (c *Client) RejectSubmission(ctx context.Context, id, reason string) (wire.DecisionAnswer, error) {
	var v wire.DecisionAnswer
	err := c.mutate(ctx, "POST", "/api/submissions/"+url.PathEscape(id)+"/reject", wire.RejectRequest{Reason: reason}, &v)
	return v, err
}

// ServeSubmission records that a submission's dishes were brought.
func (c *Client) ServeSubmission(ctx context.Context, id string) (wire.DecisionAnswer, error) {
	var v wire.DecisionAnswer
	err := c.mutate(ctx, "POST", "/api/submissions/"+url.PathEscape(id)+"/served", nil, &v)
	return v, err
}

// AckService acknowledges a table's call.
func (c *Client) AckService(ctx context.Context, id string) (wire.ServiceRequest, error) {
	var v wire.ServiceRequest
	err := c.mutate(ctx, "POST", "/api/services/"+url.PathEscape(id)+"/ack", nil, &v)
	return v, err
}

// ClearTable ends the diners' session of a table (they left).
func (c *Client) ClearTable(ctx context.Context, tableID string) error {
	return c.mutate(ctx, "POST", "/api/tables/"+url.PathEscape(tableID)+"/clear", nil, nil)
}
