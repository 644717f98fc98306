package cashier

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// HistoryPage lists today's closed and void orders, newest first.
type HistoryPage struct {
	app.Compo
	base

	live   liveLink
	orders []wire.Order
	loaded bool
}

// NewHistory returns the order history page.
func NewHistory(api *client.Client) *HistoryPage { return &HistoryPage{base: base{api: api}} }

// OnNav loads today's closed orders.
func (p *HistoryPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Order history")
	p.begin(ctx, func(ctx app.Context) {
		p.refresh(ctx, app.Event{})
		p.live.start(ctx, p.api, p.onEvent)
	})
}

// OnDismount stops the event stream.
func (p *HistoryPage) OnDismount() { p.live.stop() }

func (p *HistoryPage) refresh(ctx app.Context, e app.Event) {
	ctx = p.pg
	ctx.Async(func() {
		list, err := p.api.Orders(ctx, wire.OrderClosed)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.orders, p.loaded = list, true
		})
	})
}

func (p *HistoryPage) onEvent(ctx app.Context, ev wire.Event) {
	if ev.Type != wire.EventOrderUpdated || ev.Order == nil {
		return
	}
	o := *ev.Order
	if o.Status != wire.OrderClosed && o.Status != wire.OrderVoid {
		return
	}
	for i := range p.orders {
		if p.orders[i].ID == o.ID {
			p.orders[i] = o
			return
		}
	}
	p.orders = append(p.orders, o)
}

func closedAt(o wire.Order) time.Time {
	if o.ClosedAt != nil {
		return *o.ClosedAt
	}
	return o.UpdatedAt
}

// Render implements app.Composer.
func (p *HistoryPage) Render() app.UI {
	if !p.loaded {
		return p.shell("history", "history", loading("history"))
	}
	orders := slices.Clone(p.orders)
	slices.SortFunc(orders, func(a, b wire.Order) int {
		return cmp.Or(closedAt(b).Compare(closedAt(a)), cmp.Compare(b.Number, a.Number))
	})
	return p.shell("history", "history",
		app.Div().Class("section-head").Body(
			app.H1().Text("Order history · today"),
			app.Button().Class("btn").Type("button").DataSet("testid", "history-refresh").OnClick(p.refresh).Text("Refresh"),
		),
		app.If(len(orders) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "history-empty").Text("No closed orders today yet.")
		}),
		app.If(len(orders) > 0, func() app.UI {
			return app.Div().Class("table-wrap").Body(
				app.Table().Class("data").DataSet("testid", "history-table").Body(
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text("No."),
						app.Th().Scope("col").Text("Table"),
						app.Th().Scope("col").Class("num").Text("Total"),
						app.Th().Scope("col").Text("Tender"),
						app.Th().Scope("col").Class("num").Text("Change"),
						app.Th().Scope("col").Text("Status"),
						app.Th().Scope("col").Class("hide-phone").Text("Closed"),
					)),
					app.TBody().Body(app.Range(orders).Slice(func(i int) app.UI { return historyRow(orders[i]) })),
				),
			)
		}),
	)
}

func historyRow(o wire.Order) app.UI {
	tender, change := "—", zero(o)
	for _, t := range o.Tenders {
		tender = statusLabel(t.Kind)
		if t.Kind == wire.TenderCash {
			tender = "Cash " + t.Tendered.String()
		}
		change = t.Change
	}
	table := o.TableName
	if table == "" {
		table = "Quick sale"
	}
	return app.Tr().
		DataSet("testid", "history-row").
		DataSet("order-id", o.ID).
		DataSet("order-number", o.Number).
		DataSet("status", o.Status).
		Body(
			app.Td().DataSet("testid", "history-number").Text("#"+strconv.Itoa(o.Number)),
			app.Td().DataSet("testid", "history-table-name").Text(table),
			app.Td().Class("num").Body(widget.Money("history-total", o.Totals.Total)),
			app.Td().DataSet("testid", "history-tender").Text(tender),
			app.Td().Class("num").Body(widget.Money("history-change", change)),
			app.Td().Body(app.Span().Class("tag", o.Status).DataSet("testid", "history-status").Text(statusLabel(o.Status))),
			app.Td().Class("hide-phone").Text(clock(closedAt(o))),
		)
}
