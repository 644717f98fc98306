package client

import (
	"context"
	"net/url"

	"qrpos/internal/wire"
)

// ---- Table stickers (managers) ----

// TableLinks returns the current sticker link of every table.
func (c *Client) TableLinks(ctx context.Context) (wire.TableLinkList, error) {
	var v wire.TableLinkList
	err := c.get(ctx, "/api/tables/links", &v)
	return v, err
}

// RevokeTableLink retires a table's sticker and returns its new link. The
// caller keeps key until an answer arrives, so that trying again after a
// network failure revokes once. It is never kept in the outbox: a revoke
// sent later on its own would retire a sticker just printed.
func (c *Client) RevokeTableLink(ctx context.Context, key, tableID string) (wire.TableLink, error) {
	var v wire.TableLink
	err := c.keyedWith(ctx, key, "POST", "/api/tables/"+url.PathEscape(tableID)+"/revoke-link", nil, &v)
	return v, err
}

// PrintStickers prints one table's sticker (tableID set) or every table's
// on a bridge's receipt printer (bridgeID empty: the server picks one).
// Trying again with the same key prints nothing twice.
func (c *Client) PrintStickers(ctx context.Context, key, tableID, bridgeID string) (wire.PrintStickerResult, error) {
	path := "/api/tables/print-stickers"
	if tableID != "" {
		path = "/api/tables/" + url.PathEscape(tableID) + "/print-sticker"
	}
	var v wire.PrintStickerResult
	err := c.keyedWith(ctx, key, "POST", path, wire.PrintStickerRequest{BridgeID: bridgeID}, &v)
	return v, err
}

// StickerSheetPath is the address of the A4 sticker sheet (PDF) of every
// table, or of one when tableID is set, for a download link.
func StickerSheetPath(tableID string) string {
	if tableID == "" {
		return "/api/tables/stickers.pdf"
	}
	return "/api/tables/stickers.pdf?table=" + url.QueryEscape(tableID)
}
