package wire

// PrintKindSticker is a table's QR sticker printed on the receipt printer:
// Sticker is set.
const PrintKindSticker = "sticker"

// StickerDoc is a table sticker for the receipt printer: the restaurant and
// table name and, as a large QR code, the table's link.
type StickerDoc struct {
	StoreName string `json:"store_name"`
	Table     string `json:"table"`
	URL       string `json:"url"`
}

// PrintStickerRequest asks for table stickers on the receipt printer of a
// bridge. An empty BridgeID picks the store's connected bridge (one that
// prints receipts on its own first).
type PrintStickerRequest struct {
	BridgeID string `json:"bridge_id,omitempty"`
}

// PrintStickerResult says what the bridge answered for each sticker job,
// in table order. Jobs are named from the request's Idempotency-Key, so a
// retried request is answered "duplicate" and prints nothing again.
type PrintStickerResult struct {
	BridgeID string      `json:"bridge_id"`
	Jobs     []JobStatus `json:"jobs"`
}

// TableLinkList is the current sticker link of every table, in board order.
type TableLinkList struct {
	StoreName string      `json:"store_name"`
	Links     []TableLink `json:"links"`
}
