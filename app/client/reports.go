package client

import (
	"context"
	"net/url"

	"qrpos/internal/wire"
)

// ---- shifts (every member of staff, their own) ----

// OpenShift starts the caller's shift with the float in the drawer.
func (c *Client) OpenShift(ctx context.Context, r wire.OpenShiftRequest) (wire.Shift, error) {
	var v wire.Shift
	err := c.mutate(ctx, "POST", "/api/shifts", r, &v)
	return v, err
}

// CurrentShift returns the caller's open shift (a not_found error when
// none is open).
func (c *Client) CurrentShift(ctx context.Context) (wire.Shift, error) {
	var v wire.Shift
	err := c.get(ctx, "/api/shifts/current", &v)
	return v, err
}

// CloseShift ends a shift with the cash counted.
func (c *Client) CloseShift(ctx context.Context, id string, r wire.CloseShiftRequest) (wire.Shift, error) {
	var v wire.Shift
	err := c.mutate(ctx, "POST", "/api/shifts/"+url.PathEscape(id)+"/close", r, &v)
	return v, err
}

// ---- reports (managers) ----

// DayReport returns a business day's X report ("" is today), or the
// stored Z report of a closed day.
func (c *Client) DayReport(ctx context.Context, day string) (wire.DayReport, error) {
	var v wire.DayReport
	err := c.get(ctx, "/api/reports/day?day="+url.QueryEscape(day), &v)
	return v, err
}

// CloseDay closes a business day with its Z report.
func (c *Client) CloseDay(ctx context.Context, r wire.CloseDayRequest) (wire.DayReport, error) {
	var v wire.DayReport
	err := c.mutate(ctx, "POST", "/api/reports/z", r, &v)
	return v, err
}

// Reconcile matches a business day's records ("" is today).
func (c *Client) Reconcile(ctx context.Context, day string) (wire.Reconciliation, error) {
	var v wire.Reconciliation
	err := c.get(ctx, "/api/reports/reconcile?day="+url.QueryEscape(day), &v)
	return v, err
}

// DaySettings returns where the store's business day begins.
func (c *Client) DaySettings(ctx context.Context) (wire.DaySettings, error) {
	var v wire.DaySettings
	err := c.get(ctx, "/api/business-day", &v)
	return v, err
}

// SetDaySettings changes where the store's business day begins.
func (c *Client) SetDaySettings(ctx context.Context, r wire.DaySettings) (wire.DaySettings, error) {
	var v wire.DaySettings
	err := c.mutate(ctx, "PUT", "/api/business-day", r, &v)
	return v, err
}

// ExportURL is the download link of an export ("orders", "payments" or
// "ledger") of business days from..to.
func ExportURL(kind, from, to string) string {
	return "/api/exports/" + kind + ".csv?from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
}
