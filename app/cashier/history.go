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

	// The order whose payments are shown, and the payments by order.
	shown    string
	payments map[string][]wire.Intent
	rev      reverser
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

// togglePayments shows or hides an order's payments.
func (p *HistoryPage) togglePayments(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.shown == id {
			p.shown = ""
			return
		}
		p.shown = id
		p.loadPayments(id)
	}
}

func (p *HistoryPage) loadPayments(id string) {
	ctx := p.pg
	ctx.Async(func() {
		list, err := p.api.OrderIntents(ctx, id)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			if p.payments == nil {
				p.payments = make(map[string][]wire.Intent)
			}
			p.payments[id] = list
		})
	})
}

func (p *HistoryPage) confirmReverse(ctx app.Context, e app.Event) {
	p.rev.confirm(&p.base, func(ctx app.Context, res reversed) {
		if res.intent != nil {
			p.loadPayments(res.intent.OrderID)
		}
		if res.order != nil {
			// The answer is the order with its tenders as they are now;
			// the list is read again for whatever else changed.
			p.setOrder(*res.order)
			p.refresh(ctx, app.Event{})
		}
	})
}

// setOrder puts o in the list, in place of its older copy.
func (p *HistoryPage) setOrder(o wire.Order) {
	for i := range p.orders {
		if p.orders[i].ID == o.ID {
			p.orders[i] = o
			return
		}
	}
	p.orders = append(p.orders, o)
}

func (p *HistoryPage) onEvent(ctx app.Context, ev wire.Event) {
	if ev.Type == wire.EventPaymentRefunded && ev.Intent != nil {
		if _, ok := p.payments[ev.Intent.OrderID]; ok {
			p.loadPayments(ev.Intent.OrderID)
		}
		return
	}
	if ev.Type != wire.EventOrderUpdated || ev.Order == nil {
		return
	}
	o := *ev.Order
	if o.Status != wire.OrderClosed && o.Status != wire.OrderVoid {
		return
	}
	p.setOrder(o)
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
						app.Th().Scope("col").Text("Payments"),
					)),
					// One tbody per order: its row, then its payments when shown.
					app.Range(orders).Slice(func(i int) app.UI { return p.orderRows(orders[i]) }),
				),
			)
		}),
		p.rev.render(&p.base, p.confirmReverse),
	)
}

func (p *HistoryPage) orderRows(o wire.Order) app.UI {
	open := p.shown == o.ID
	return app.TBody().Body(
		historyRow(o, app.Td().Body(
			app.Button().Class("btn").Type("button").
				DataSet("testid", "history-payments").
				Aria("expanded", open).
				Aria("label", "Payments of order "+strconv.Itoa(o.Number)).
				OnClick(p.togglePayments(o.ID), app.EventScope(o.ID)).
				Text(map[bool]string{true: "Hide", false: "Payments"}[open]),
			app.If(o.Status == wire.OrderClosed, func() app.UI { return &Reprint{API: p.api, Order: o, Session: p.sess} }),
		)),
		app.If(open, func() app.UI {
			return app.Tr().Class("payments-row").Body(
				app.Td().ColSpan(8).Body(p.renderPayments(o)),
			)
		}),
	)
}

func (p *HistoryPage) renderPayments(o wire.Order) app.UI {
	list, loaded := p.payments[o.ID]
	if !loaded {
		return loading("payments")
	}
	var shown []wire.Intent
	for _, in := range list {
		if in.Status != wire.IntentCancelled && in.Status != wire.IntentCreated {
			shown = append(shown, in)
		}
	}
	var cash []wire.Tender
	for _, t := range o.Tenders {
		if t.Kind == wire.TenderCash {
			cash = append(cash, t)
		}
	}
	if len(shown) == 0 && len(cash) == 0 {
		return app.P().Class("empty").DataSet("testid", "history-payments-empty").Text("No payments.")
	}
	return app.Ul().Class("payments").DataSet("testid", "history-payment-list").Body(
		app.Range(cash).Slice(func(i int) app.UI { return p.renderCash(o, cash[i]) }),
		app.Range(shown).Slice(func(i int) app.UI { return p.renderPayment(shown[i]) }),
	)
}

// cashStatus is a cash payment's state in the words of a payment's status.
func cashStatus(t wire.Tender) string {
	switch {
	case t.Refunded.Minor <= 0:
		return wire.IntentSucceeded
	case t.Refunded.Minor < t.Amount.Minor:
		return wire.IntentPartiallyRefunded
	}
	return wire.IntentRefunded
}

// renderCash shows a cash payment of o, what was given back of it, and a
// Refund button while something is left.
func (p *HistoryPage) renderCash(o wire.Order, t wire.Tender) app.UI {
	status := cashStatus(t)
	return app.Li().Class("payment").
		DataSet("testid", "history-cash").
		DataSet("tender-id", t.ID).
		DataSet("status", status).
		Body(
			app.Div().Class("payment-head").Body(
				app.Span().Text(RailName(t.Kind)),
				widget.Money("history-cash-amount", t.Amount),
				app.If(t.Refunded.Minor != 0, func() app.UI {
					return app.Span().Body(app.Text("refunded "), widget.Money("history-cash-refunded", t.Refunded))
				}),
				app.Span().Class("tag", status).DataSet("testid", "history-cash-status").Text(IntentLabel(status)),
			),
			app.If(cashRefundable(o, t), func() app.UI {
				return app.Div().Class("btn-row").Body(
					app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "history-cash-refund").
						Aria("label", "Refund cash payment of "+t.Amount.String()+" of order "+strconv.Itoa(o.Number)).
						OnClick(func(ctx app.Context, e app.Event) { p.rev.open(&p.base, reverseRefund, cashTarget(o, t)) }, app.EventScope(t.ID, t.Refunded.Minor)).
						Text("Refund"),
				)
			}),
		)
}

func (p *HistoryPage) renderPayment(in wire.Intent) app.UI {
	return app.Li().Class("payment").
		DataSet("testid", "history-payment").
		DataSet("intent-id", in.ID).
		DataSet("status", in.Status).
		Body(
			app.Div().Class("payment-head").Body(
				app.Span().DataSet("testid", "history-payment-rail").Text(RailName(in.Rail)),
				app.Span().DataSet("testid", "history-payment-payer").Text(orDash(in.PayerRef)),
				widget.Money("history-payment-amount", in.Amount),
				app.If(in.Tip.Minor != 0, func() app.UI {
					return app.Span().Body(app.Text("tip "), widget.Money("history-payment-tip", in.Tip))
				}),
				app.Span().Class("tag", in.Status).DataSet("testid", "history-payment-status").Text(IntentLabel(in.Status)),
			),
			app.If(in.Reason != "" && in.Status == wire.IntentFailed, func() app.UI {
				return app.P().Class("note").Text(sentence(in.Reason))
			}),
			app.If(len(in.Refunds) > 0, func() app.UI {
				return app.Ul().Class("refunds").Body(app.Range(in.Refunds).Slice(func(i int) app.UI {
					r := in.Refunds[i]
					return app.Li().DataSet("testid", "history-refund").DataSet("refund-id", r.ID).Body(
						app.Text("Refunded "), widget.Money("history-refund-amount", r.Amount),
						app.Text(" · "+r.Reason+" · "+clock(r.CreatedAt)),
					)
				}))
			}),
			app.If(reversible(in), func() app.UI {
				return app.Div().Class("btn-row").Body(
					app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "history-payment-refund").
						Aria("label", "Refund "+RailName(in.Rail)+" payment of "+in.Amount.String()).
						OnClick(func(ctx app.Context, e app.Event) { p.rev.open(&p.base, reverseRefund, intentTarget(in)) }, app.EventScope(in.ID, in.Refunded.Minor)).
						Text("Refund"),
					app.If(in.Refunded.Minor == 0, func() app.UI {
						return app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "history-payment-void").
							Aria("label", "Void "+RailName(in.Rail)+" payment of "+in.Amount.String()).
							OnClick(func(ctx app.Context, e app.Event) { p.rev.open(&p.base, reverseVoid, intentTarget(in)) }, app.EventScope(in.ID)).
							Text("Void payment")
					}),
				)
			}),
		)
}

// IntentLabel is the word shown for a payment status.
func IntentLabel(status string) string {
	switch status {
	case wire.IntentCreated:
		return "Waiting"
	case wire.IntentPending:
		return "Waiting for the payer"
	case wire.IntentSucceeded:
		return "Paid"
	case wire.IntentFailed:
		return "Failed"
	case wire.IntentCancelled:
		return "Cancelled"
	case wire.IntentExpired:
		return "Expired"
	case wire.IntentReversed:
		return "Voided"
	case wire.IntentPartiallyRefunded:
		return "Partly refunded"
	case wire.IntentRefunded:
		return "Refunded"
	}
	return status
}

func historyRow(o wire.Order, extra app.UI) app.UI {
	tender, change := "—", zero(o)
	for _, t := range o.Tenders {
		tender = RailName(t.Kind)
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
			extra,
		)
}
