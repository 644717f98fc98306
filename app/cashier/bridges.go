package cashier

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// The counter bridge in the cashier's pages: the status badge of the top
// bar, the hook that gives a page's event stream the scans of this PC's
// local bridge, and the receipt document a reprint sends.

// PathDevices is the path of the Devices page.
const PathDevices = "/devices"

// watchLocalScans delivers the scans of this PC's local bridge to a page's
// event handler as scan events, the same shape the server relays. It
// starts the local connection if this device has one. The /ws copy of
// the same scan is dropped by client.Bridges.Event while the local
// connection is up.
func watchLocalScans(ctx app.Context, api *client.Client, on func(app.Context, wire.Event)) (stop func()) {
	b := api.Bridges()
	b.Start()
	return b.Watch(func(n client.BridgeNews) {
		if n.Scan == "" {
			return
		}
		ev := wire.Event{Type: wire.EventScan, At: time.Now().UTC(), Code: n.Scan}
		ctx.Dispatch(func(ctx app.Context) { on(ctx, ev) })
	})
}

// printerProblem says what is wrong with a bridge's printer, or "" when
// nothing is (or nothing is known).
func printerProblem(st *wire.DeviceStatus) string {
	switch {
	case st == nil:
		return ""
	case !st.PrinterOnline:
		return "printer offline"
	case st.PaperOut:
		return "paper out"
	case st.CoverOpen:
		return "cover open"
	}
	return ""
}

// Badge states.
const (
	badgeNone    = "none"    // no bridge paired
	badgeOK      = "ok"      // connected, printer fine
	badgeProblem = "problem" // connected, printer needs a person
	badgeOffline = "offline" // no bridge connected
)

// bridgeSummary is the badge's state and words for the store's bridges.
func bridgeSummary(list []wire.BridgeInfo, local client.LocalState) (state, text string) {
	if len(list) == 0 {
		return badgeNone, "No bridge"
	}
	var up []wire.BridgeInfo
	for _, b := range list {
		if b.Connected || (local.Connected && local.Config.BridgeID == b.ID) {
			if b.Status == nil && local.Config.BridgeID == b.ID {
				b.Status = local.Device
			}
			up = append(up, b)
		}
	}
	if len(up) == 0 {
		return badgeOffline, "Bridge offline"
	}
	for _, b := range up {
		if p := printerProblem(b.Status); p != "" {
			return badgeProblem, "Printer: " + p
		}
	}
	for _, b := range up {
		if b.Status != nil && b.Status.PaperNearEnd {
			return badgeOK, "Bridge · paper low"
		}
	}
	return badgeOK, "Bridge connected"
}

// BridgeBadge is the top bar's bridge indicator: connected, printer
// problem or offline, live, linking to the Devices page.
type BridgeBadge struct {
	app.Compo

	API *client.Client

	list   []wire.BridgeInfo
	local  client.LocalState
	loaded bool
	stop   func()
}

// OnMount starts this PC's local bridge connection (if it has one),
// follows the bridges' news and asks the server for the list.
func (b *BridgeBadge) OnMount(ctx app.Context) {
	if app.IsServer || b.API == nil {
		return
	}
	br := b.API.Bridges()
	br.Start()
	b.read()
	b.stop = br.Watch(func(n client.BridgeNews) {
		if n.Scan == "" && n.Job == nil {
			ctx.Dispatch(func(ctx app.Context) { b.read() })
		}
	})
	ctx.Async(func() {
		if err := br.Refresh(ctx); err != nil {
			app.Log("bridges:", err)
		}
	})
}

// OnDismount stops following the news.
func (b *BridgeBadge) OnDismount() {
	if b.stop != nil {
		b.stop()
		b.stop = nil
	}
}

func (b *BridgeBadge) read() {
	br := b.API.Bridges()
	b.list, b.loaded = br.List()
	b.local = br.Local()
}

// Render implements app.Composer.
func (b *BridgeBadge) Render() app.UI {
	state, text := bridgeSummary(b.list, b.local)
	if !b.loaded {
		state, text = badgeNone, "Bridge…"
	}
	return app.A().
		Class("bridge-badge", state).
		Href(PathDevices).
		DataSet("testid", "bridge-badge").
		DataSet("state", state).
		DataSet("local", b.local.Connected).
		Aria("label", "Counter bridge: "+text+". Open the devices page.").
		Body(app.Span().Class("dot").Aria("hidden", "true"), app.Span().Class("label").Text(text))
}

// receiptFor is the receipt a reprint of closed order o prints: the order
// as the server sent it, with the payment that paid it (the last captured
// one) or its cash tenders.
func receiptFor(o wire.Order, store wire.StoreInfo, staff string, payments []wire.Intent, origin string) wire.ReceiptDoc {
	cur := o.Totals.Total.Currency
	doc := wire.ReceiptDoc{
		Lang:         "en",
		StoreName:    store.Name,
		StoreAddress: store.Address,
		OrderNumber:  o.Number,
		Table:        o.TableName,
		Cashier:      staff,
		Time:         o.UpdatedAt,
		Subtotal:     o.Totals.Subtotal,
		Tax:          o.Totals.Tax,
		Total:        o.Totals.Total,
		Paid:         o.Totals.Paid,
		Change:       money.New(0, cur),
		Footer:       "Reprint",
	}
	if o.ClosedAt != nil {
		doc.Time = *o.ClosedAt
	}
	if origin != "" && o.ReceiptPath != "" {
		doc.ReceiptURL = strings.TrimRight(origin, "/") + o.ReceiptPath
	}
	for _, l := range o.Lines {
		pl := wire.PrintLine{Name: l.Name, Qty: l.Qty, UnitPrice: l.UnitPrice, Note: l.Note, Total: l.Total}
		for _, m := range l.Modifiers {
			pl.Modifiers = append(pl.Modifiers, m.Name)
		}
		doc.Lines = append(doc.Lines, pl)
	}
	var cash, change int64
	for _, t := range o.Tenders {
		if t.Kind == wire.TenderCash {
			cash += t.Tendered.Minor
			change += t.Change.Minor
			doc.Rail = wire.TenderCash
		}
	}
	if doc.Rail == wire.TenderCash {
		doc.Paid, doc.Change = money.New(cash, cur), money.New(change, cur)
	}
	for i := len(payments) - 1; i >= 0; i-- {
		if in := payments[i]; captured(in.Status) {
			doc.Rail, doc.PayerRef = in.Rail, in.PayerRef
			if doc.Paid.Minor == 0 {
				doc.Paid = money.New(in.Amount.Minor+in.Tip.Minor, cur)
			}
			break
		}
	}
	if doc.Paid.Currency == "" {
		doc.Paid = money.New(doc.Paid.Minor, cur)
	}
	return doc
}
