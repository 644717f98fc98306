package client

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"qrpos/internal/wire"
)

// Back office calls (managers and owners). Edits carry client-chosen ids
// and go through the outbox like every mutation, except those holding a
// PIN, which are never written to storage.

// SaveCategory creates (create) or updates a category.
func (c *Client) SaveCategory(ctx context.Context, r wire.CategoryRequest, create bool) (wire.Category, error) {
	var v wire.Category
	if create {
		return v, c.mutate(ctx, "POST", "/api/menu/categories", r, &v)
	}
	return v, c.mutate(ctx, "PUT", "/api/menu/categories/"+url.PathEscape(r.ID), r, &v)
}

// SaveItem creates (create) or updates a menu item.
func (c *Client) SaveItem(ctx context.Context, r wire.ItemRequest, create bool) (wire.Item, error) {
	var v wire.Item
	if create {
		return v, c.mutate(ctx, "POST", "/api/menu/items", r, &v)
	}
	return v, c.mutate(ctx, "PUT", "/api/menu/items/"+url.PathEscape(r.ID), r, &v)
}

// SetSoldOut marks an item sold out until the next business day, or
// orderable again.
func (c *Client) SetSoldOut(ctx context.Context, itemID string, soldOut bool) (wire.Item, error) {
	var v wire.Item
	err := c.mutate(ctx, "POST", "/api/menu/items/"+url.PathEscape(itemID)+"/sold-out", wire.SoldOutRequest{SoldOut: soldOut}, &v)
	return v, err
}

// SaveModifierGroup creates (create) or updates an option group.
func (c *Client) SaveModifierGroup(ctx context.Context, r wire.ModifierGroupRequest, create bool) (wire.ModifierGroup, error) {
	var v wire.ModifierGroup
	if create {
		return v, c.mutate(ctx, "POST", "/api/menu/modifier-groups", r, &v)
	}
	return v, c.mutate(ctx, "PUT", "/api/menu/modifier-groups/"+url.PathEscape(r.ID), r, &v)
}

// UploadPhoto sends a JPEG or PNG; the answer names its variants. It is
// not kept in the outbox (it may be megabytes); the caller retries.
func (c *Client) UploadPhoto(ctx context.Context, data []byte) (wire.Photo, error) {
	var v wire.Photo
	err := c.keyed(ctx, "POST", "/api/media", wire.PhotoUpload{Data: data}, &v)
	return v, err
}

// AddStaff adds a member of staff (the PIN is never stored on the device).
func (c *Client) AddStaff(ctx context.Context, r wire.AddStaffRequest) (wire.StaffInfo, error) {
	var v wire.StaffInfo
	err := c.keyed(ctx, "POST", "/api/staff", r, &v)
	return v, err
}

// ChangeStaff changes a member of staff's name, role, PIN or active state.
func (c *Client) ChangeStaff(ctx context.Context, id string, r wire.ChangeStaffRequest) (wire.StaffInfo, error) {
	var v wire.StaffInfo
	err := c.keyed(ctx, "PATCH", "/api/staff/"+url.PathEscape(id), r, &v)
	return v, err
}

// SaveTable creates (create) or updates a table.
func (c *Client) SaveTable(ctx context.Context, r wire.TableRequest, create bool) (wire.Table, error) {
	var v wire.Table
	if create {
		return v, c.mutate(ctx, "POST", "/api/tables", r, &v)
	}
	return v, c.mutate(ctx, "PUT", "/api/tables/"+url.PathEscape(r.ID), r, &v)
}

// Areas lists the areas of the restaurant.
func (c *Client) Areas(ctx context.Context) ([]wire.Area, error) {
	var v wire.AreaList
	err := c.get(ctx, "/api/areas", &v)
	return v.Areas, err
}

// SaveArea creates (create) or updates an area.
func (c *Client) SaveArea(ctx context.Context, r wire.Area, create bool) (wire.Area, error) {
	var v wire.Area
	if create {
		return v, c.mutate(ctx, "POST", "/api/areas", r, &v)
	}
	return v, c.mutate(ctx, "PUT", "/api/areas/"+url.PathEscape(r.ID), r, &v)
}

// Settings returns the store's settings.
func (c *Client) Settings(ctx context.Context) (wire.Settings, error) {
	var v wire.Settings
	err := c.get(ctx, "/api/settings", &v)
	return v, err
}

// SaveSettings saves the store's settings.
func (c *Client) SaveSettings(ctx context.Context, r wire.Settings) (wire.Settings, error) {
	var v wire.Settings
	err := c.mutate(ctx, "PUT", "/api/settings", r, &v)
	return v, err
}

// Limits returns a rail's risk limits.
func (c *Client) Limits(ctx context.Context, rail string) (wire.Limits, error) {
	var v wire.Limits
	err := c.get(ctx, "/api/limits/"+url.PathEscape(rail), &v)
	return v, err
}

// SaveLimits changes a rail's risk limits.
func (c *Client) SaveLimits(ctx context.Context, rail string, r wire.Limits) (wire.Limits, error) {
	var v wire.Limits
	err := c.mutate(ctx, "PUT", "/api/limits/"+url.PathEscape(rail), r, &v)
	return v, err
}

// OpenDrawer opens the cash drawer of a bridge without a sale. The caller
// keeps key until an answer arrives, so a retry never kicks twice.
func (c *Client) OpenDrawer(ctx context.Context, key string, r wire.OpenDrawerRequest) (wire.JobStatus, error) {
	var v wire.JobStatus
	err := c.keyedWith(ctx, key, "POST", "/api/drawer/open", r, &v)
	return v, err
}

// AuditQuery filters the audit log; zero fields do not filter. Dates are
// YYYY-MM-DD.
type AuditQuery struct {
	Action, StaffID, From, To string
}

// Audit returns the audit log, newest first.
func (c *Client) Audit(ctx context.Context, q AuditQuery) (wire.AuditLog, error) {
	v := url.Values{}
	for k, s := range map[string]string{"action": q.Action, "staff": q.StaffID, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	var out wire.AuditLog
	err := c.get(ctx, "/api/audit?"+v.Encode(), &out)
	return out, err
}

// PriceAt returns what an item and its options cost at a menu version.
func (c *Client) PriceAt(ctx context.Context, itemID string, version int64) (wire.PriceAt, error) {
	var v wire.PriceAt
	err := c.get(ctx, "/api/menu/items/"+url.PathEscape(itemID)+"/price?version="+strconv.FormatInt(version, 10), &v)
	return v, err
}

// ErrTooLarge is a chosen file over the upload limit.
var ErrTooLarge = errors.New("the photo is larger than 8 MiB; choose a smaller one")

// Reorder gives the listed categories ("categories"), items of one
// category ("items") or tables ("tables") positions 0, 1, 2, ...
func (c *Client) Reorder(ctx context.Context, what string, ids []string) error {
	path := map[string]string{"categories": "/api/menu/categories/order", "items": "/api/menu/items/order", "tables": "/api/tables/order"}[what]
	if path == "" {
		return errors.New("client: nothing called " + what + " can be reordered")
	}
	return c.mutate(ctx, "POST", path, wire.ReorderRequest{IDs: ids}, nil)
}
