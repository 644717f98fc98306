package wire

import (
	"time"

	"qrpos/internal/money"
)

// Kinds of print job.
const (
	PrintKindReceipt = "receipt" // a customer receipt: Receipt is set
	PrintKindKitchen = "kitchen" // a kitchen ticket: Kitchen is set
	PrintKindTest    = "test"    // a printer test page; Receipt, if set, is printed as a sample
	// PrintKindDrawer only kicks the cash drawer (OpenDrawer must be set):
	// "open drawer" without a sale. Nothing is printed or cut.
	PrintKindDrawer = "drawer"
	// PrintKindReport (reports.go): a shift, X or Z report; Report is set
)

// PrintJob asks the bridge to print one document. It is a structured
// document, never raw printer bytes: the bridge lays it out for its paper
// width. ID is chosen by the sender; the bridge prints a given ID at most
// once and answers a repeated one as a duplicate.
type PrintJob struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"`
	Receipt    *ReceiptDoc `json:"receipt,omitempty"`
	Kitchen    *KitchenDoc `json:"kitchen,omitempty"`
	Sticker    *StickerDoc `json:"sticker,omitempty"` // PrintKindSticker
	Report     *ReportDoc  `json:"report,omitempty"`
	OpenDrawer bool        `json:"open_drawer,omitempty"` // kick the cash drawer
}

// ReceiptDoc is a customer receipt. Amounts are printed as given: the bridge
// does no arithmetic on them.
type ReceiptDoc struct {
	Lang         string       `json:"lang,omitempty"` // "en" (default) or "zh": language of the labels
	StoreName    string       `json:"store_name"`
	StoreAddress string       `json:"store_address,omitempty"`
	OrderNumber  int          `json:"order_number"`
	Table        string       `json:"table,omitempty"`
	Cashier      string       `json:"cashier,omitempty"`
	Time         time.Time    `json:"time"` // printed in its own location
	Lines        []PrintLine  `json:"lines"`
	Subtotal     money.Amount `json:"subtotal"`
	Tax          money.Amount `json:"tax"`
	Total        money.Amount `json:"total"`
	Paid         money.Amount `json:"paid"`
	Change       money.Amount `json:"change"`
	Tip          money.Amount `json:"tip,omitzero"`        // paid on top of the bill; Paid includes it
	Rail         string       `json:"rail,omitempty"`      // how it was paid: "cash", "wallet", ...
	PayerRef     string       `json:"payer_ref,omitempty"` // already masked by the server, e.g. "****1234"
	ReceiptURL   string       `json:"receipt_url,omitempty"`
	Footer       string       `json:"footer,omitempty"`
}

// PrintLine is one line of a receipt.
type PrintLine struct {
	Name      string       `json:"name"`
	Qty       int          `json:"qty"`
	UnitPrice money.Amount `json:"unit_price"`
	Modifiers []string     `json:"modifiers,omitempty"`
	Note      string       `json:"note,omitempty"`
	Total     money.Amount `json:"total"`
}

// KitchenDoc is a kitchen ticket: what to cook, for which table, no prices.
type KitchenDoc struct {
	Lang        string        `json:"lang,omitempty"`
	OrderNumber int           `json:"order_number"`
	Table       string        `json:"table,omitempty"`
	Staff       string        `json:"staff,omitempty"`
	Time        time.Time     `json:"time"`
	Lines       []KitchenLine `json:"lines"`
	Note        string        `json:"note,omitempty"`
}

// KitchenLine is one item to cook.
type KitchenLine struct {
	Name      string   `json:"name"`
	Qty       int      `json:"qty"`
	Modifiers []string `json:"modifiers,omitempty"`
	Note      string   `json:"note,omitempty"`
}
