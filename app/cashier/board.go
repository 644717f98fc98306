package cashier

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// BoardPage shows the tables with their state and open totals, and the open
// quick-sale orders. It follows the event stream, so every tablet sees the
// same board without reloading.
type BoardPage struct {
	app.Compo
	base

	live   liveLink
	tables []wire.Table
	orders map[string]wire.Order // active orders by id
	// settled maps a table to its order paid in full since its party sat
	// down (as the server says): the table shows "Settled" until the staff
	// clear it or a new order opens on it.
	settled map[string]string
	loaded  bool
	opening string // id of the table (or "quick") being opened
	inbox   inbox  // what tables ask for (inbox.go)
}

// NewBoard returns the board page.
func NewBoard(api *client.Client) *BoardPage { return &BoardPage{base: base{api: api}} }

// OnNav loads the board once the session is known.
func (p *BoardPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Board")
	p.begin(ctx, func(ctx app.Context) {
		p.refresh(ctx)
		p.live.start(ctx, p.api, p.onEvent)
	})
}

// OnDismount stops the event stream.
func (p *BoardPage) OnDismount() { p.live.stop() }

func (p *BoardPage) refresh(ctx app.Context) {
	p.loadInbox(ctx)
	ctx.Async(func() {
		tables, err := p.api.Tables(ctx)
		var orders []wire.Order
		if err == nil {
			orders, err = p.api.Orders(ctx, wire.OrderOpen)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.setTables(tables)
			p.orders = make(map[string]wire.Order, len(orders))
			for _, o := range orders {
				p.apply(o)
			}
			p.loaded = true
		})
	})
}

// reloadTables fetches the tables again, for which are settled.
func (p *BoardPage) reloadTables(ctx app.Context) {
	ctx.Async(func() {
		tables, err := p.api.Tables(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				return // the next event or reconnection loads them again
			}
			p.setTables(tables)
		})
	})
}

// setTables records the tables and which of them are settled.
func (p *BoardPage) setTables(tables []wire.Table) {
	p.tables = tables
	p.settled = map[string]string{}
	for _, t := range tables {
		if t.SettledOrderID != "" {
			p.settled[t.ID] = t.SettledOrderID
		}
	}
}

func (p *BoardPage) onEvent(ctx app.Context, ev wire.Event) {
	switch ev.Type {
	case wire.EventHello:
		// (Re)connected: events may have been missed, start from the truth.
		if p.loaded {
			p.refresh(ctx)
		}
	case wire.EventOrderUpdated:
		if ev.Order != nil {
			p.apply(*ev.Order)
			if o := ev.Order; o.TableID != "" && (o.Status == wire.OrderClosed || o.Status == wire.OrderPaid) {
				p.reloadTables(ctx) // the server says whether its party is still seated (settled)
			}
		}
	case wire.EventTablesUpdated:
		p.refresh(ctx)
	case wire.EventMenuUpdated:
		reloadMenu(ctx, p.api, nil)
	case wire.EventSubmission, wire.EventService:
		p.inboxEvent(ctx, ev)
	case wire.EventTableCleared:
		p.inboxEvent(ctx, ev)
		p.reloadTables(ctx) // a settled table is free again
	}
}

// apply records the new state of an order.
func (p *BoardPage) apply(o wire.Order) {
	if p.orders == nil {
		p.orders = make(map[string]wire.Order)
	}
	if old, ok := p.orders[o.ID]; ok && old.Version > o.Version {
		return
	}
	if active(o.Status) {
		p.orders[o.ID] = o
		if o.TableID != "" {
			delete(p.settled, o.TableID)
		}
		return
	}
	delete(p.orders, o.ID)
	for i := range p.tables {
		if p.tables[i].OrderID == o.ID {
			p.tables[i].OrderID = ""
		}
	}
}

// TableOrder finds the active order of table t among orders: the one naming
// the table, else the table's own OrderID if that order is known.
func TableOrder(t wire.Table, orders map[string]wire.Order) (wire.Order, bool) {
	var found []wire.Order
	for _, o := range orders {
		if o.TableID == t.ID {
			found = append(found, o)
		}
	}
	if len(found) > 0 {
		slices.SortFunc(found, func(a, b wire.Order) int { return a.CreatedAt.Compare(b.CreatedAt) })
		return found[0], true
	}
	if o, ok := orders[t.OrderID]; ok && t.OrderID != "" {
		return o, true
	}
	return wire.Order{}, false
}

func (p *BoardPage) openTable(t wire.Table) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if o, ok := TableOrder(t, p.orders); ok {
			ctx.Navigate(OrderPath(o.ID))
			return
		}
		if t.OrderID != "" {
			ctx.Navigate(OrderPath(t.OrderID))
			return
		}
		p.create(ctx, t.ID, t.ID)
	}
}

func (p *BoardPage) quickSale(ctx app.Context, e app.Event) { p.create(ctx, "", "quick") }

// create opens a new order (tableID "" for a quick sale) and goes to it. A
// table that got busy meanwhile opens its order instead.
func (p *BoardPage) create(ctx app.Context, tableID, marker string) {
	ctx = p.pg
	if p.opening != "" {
		return
	}
	p.opening = marker
	req := wire.CreateOrderRequest{ID: p.api.NewID(), TableID: tableID}
	ctx.Async(func() {
		o, err := p.api.CreateOrder(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.opening = ""
			if e, ok := client.AsError(err); ok && e.Code == wire.CodeTableBusy && e.OrderID != "" {
				ctx.Navigate(OrderPath(e.OrderID))
				return
			}
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.apply(o)
			ctx.Navigate(OrderPath(o.ID))
		})
	})
}

// Render implements app.Composer.
func (p *BoardPage) Render() app.UI {
	if !p.loaded {
		return p.shell("board", "board", loading("tables"))
	}
	tables := slices.Clone(p.tables)
	slices.SortFunc(tables, func(a, b wire.Table) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	var quick []wire.Order
	for _, o := range p.orders {
		if o.TableID == "" {
			quick = append(quick, o)
		}
	}
	slices.SortFunc(quick, func(a, b wire.Order) int { return cmp.Compare(a.Number, b.Number) })

	return p.shell("board", "board",
		app.Div().Class("section-head").Body(
			app.H1().Text("Tables"),
			&DrawerButton{API: p.api},
			p.live.badge(),
		),
		app.Div().
			Class("table-grid").
			DataSet("testid", "board-tables").
			DataSet("count", len(tables)).
			Body(app.Range(tables).Slice(func(i int) app.UI { return p.tableTile(tables[i]) })),
		p.renderInbox(),
		app.Div().Class("section-head").Body(
			app.H2().Text("Quick sales"),
			app.Button().
				Class("btn", "btn-primary").
				Type("button").
				DataSet("testid", "board-quick-sale").
				Disabled(p.opening != "").
				OnClick(p.quickSale).
				Text("+ New quick sale"),
		),
		app.If(len(quick) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "board-quick-empty").Text("No open quick sales.")
		}),
		app.Div().Class("quick-list").Body(app.Range(quick).Slice(func(i int) app.UI {
			o := quick[i]
			return app.Button().
				Class("btn").
				Type("button").
				DataSet("testid", "board-quick-order").
				DataSet("order-id", o.ID).
				Aria("label", "Open quick sale number "+strconv.Itoa(o.Number)).
				OnClick(func(ctx app.Context, e app.Event) { ctx.Navigate(OrderPath(o.ID)) }, app.EventScope(o.ID)).
				Body(
					app.Span().Text("#"+strconv.Itoa(o.Number)+" · "+statusLabel(o.Status)),
					widget.Money("board-quick-total", o.Totals.Total),
				)
		})),
	)
}

func (p *BoardPage) tableTile(t wire.Table) app.UI {
	o, busy := TableOrder(t, p.orders)
	if !busy && t.OrderID != "" {
		busy = true // the order is not in our list yet
	}
	state, class, label := "free", "table-tile", t.Name+", free"
	settled := !busy && p.settled[t.ID] != ""
	if settled {
		state, class, label = wire.TableSettled, "table-tile settled", t.Name+", settled"
	}
	if busy {
		state, class = "busy", "table-tile busy"
		label = t.Name + ", " + statusLabel(o.Status) + ", " + o.Totals.Total.String()
		if o.Status == wire.OrderSent {
			class += " sent"
		}
	}
	if p.opening == t.ID {
		label = t.Name + ", opening"
	}
	if p.pendingAt(t.ID) {
		label += ", new order from the table"
	}
	return app.Button().
		Class(class).
		Type("button").
		DataSet("testid", "board-table").
		DataSet("table-name", t.Name).
		DataSet("table-id", t.ID).
		DataSet("state", state).
		Aria("label", "Open "+label).
		Disabled(p.opening != "").
		OnClick(p.openTable(t), app.EventScope(t.ID, t.OrderID, o.ID)).
		Body(
			app.Span().Class("name").Text(t.Name),
			p.tableBadge(t),
			app.If(!busy && !settled, func() app.UI {
				return app.Span().Class("state").DataSet("testid", "board-table-state").Text("Free")
			}),
			app.If(settled, func() app.UI {
				return app.Span().Class("state").DataSet("testid", "board-table-state").Text("Settled")
			}),
			app.If(busy, func() app.UI {
				return app.Span().Class("state").DataSet("testid", "board-table-state").Text(statusLabel(o.Status))
			}),
			app.If(busy && o.ID != "", func() app.UI {
				return app.Span().Class("meta").Text("#" + strconv.Itoa(o.Number) + " · " + items(itemCount(o)))
			}),
			app.If(busy && o.ID != "", func() app.UI {
				return app.Span().Class("total").Body(widget.Money("board-table-total", o.Totals.Total))
			}),
			app.If(!busy && t.Seats > 0, func() app.UI {
				return app.Span().Class("meta").Text(strconv.Itoa(t.Seats) + " seats")
			}),
		)
}

// items says "1 item" or "n items".
func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

func itemCount(o wire.Order) int {
	n := 0
	for _, l := range o.Lines {
		n += l.Qty
	}
	return n
}
