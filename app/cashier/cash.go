package cashier

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// CashPage takes a cash payment: the amount tendered is typed on a numpad or
// picked from quick buttons, the change is shown, Complete closes the order.
type CashPage struct {
	app.Compo
	base

	live   liveLink
	id     string
	order  wire.Order
	loaded bool
	entry  string
	busy   bool
	// tenderID names the tender until the server answered, so a second tap
	// after a lost answer cannot pay twice.
	tenderID string
	done     *wire.Order
}

// NewCash returns the cash tender page.
func NewCash(api *client.Client) *CashPage { return &CashPage{base: base{api: api}} }

// OnNav loads the order named in the path.
func (p *CashPage) OnNav(ctx app.Context) {
	p.id = orderIDFromPath(ctx.Page().URL().Path)
	ctx.Page().SetTitle("QRPOS · Cash")
	p.begin(ctx, func(ctx app.Context) {
		ctx.Async(func() {
			o, err := p.api.Order(ctx, p.id)
			ctx.Dispatch(func(ctx app.Context) {
				if err != nil {
					p.fail(ctx, err)
					return
				}
				p.show(o)
				p.loaded = true
			})
		})
		p.live.start(ctx, p.api, func(ctx app.Context, ev wire.Event) {
			if ev.Type == wire.EventOrderUpdated && ev.Order != nil && ev.Order.ID == p.id {
				p.show(*ev.Order)
			}
		})
	})
}

// OnDismount stops the event stream.
func (p *CashPage) OnDismount() { p.live.stop() }

// show applies a newer state of the order; once it is paid, the page says
// so (whoever paid it: this tablet, a retried request, another tablet).
func (p *CashPage) show(o wire.Order) {
	if p.order.ID == o.ID && o.Version < p.order.Version {
		return
	}
	p.order = o
	if p.done == nil && len(o.Tenders) > 0 && o.Totals.Due.Minor <= 0 {
		p.done = &o
	}
}

// QuickAmounts are the amounts offered on quick buttons for due: the exact
// amount, then due rounded up to the next 10, 20, 50 and 100 whole units,
// without repeats.
func QuickAmounts(due money.Amount) []money.Amount {
	out := []money.Amount{due}
	unit := int64(1)
	for range money.Digits(due.Currency) {
		unit *= 10
	}
	for _, step := range []int64{10, 20, 50, 100} {
		s := step * unit
		up := (due.Minor + s - 1) / s * s
		if up <= due.Minor {
			up += s
		}
		a := money.New(up, due.Currency)
		if a != out[len(out)-1] && !containsAmount(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func containsAmount(list []money.Amount, a money.Amount) bool {
	for _, b := range list {
		if b == a {
			return true
		}
	}
	return false
}

// Change returns what to give back when tendered is handed over for due, and
// whether tendered covers due.
func Change(due, tendered money.Amount) (money.Amount, bool) {
	c := money.New(tendered.Minor-due.Minor, due.Currency)
	return c, tendered.Currency == due.Currency && c.Minor >= 0
}

// payable reports whether an order can take a payment.
func payable(o wire.Order) bool {
	return (o.Status == wire.OrderOpen || o.Status == wire.OrderSent) && o.Totals.Due.Minor > 0
}

func (p *CashPage) tendered() money.Amount {
	a, err := widget.EntryAmount(p.entry, p.order.Totals.Due.Currency)
	if err != nil {
		return money.New(0, p.order.Totals.Due.Currency)
	}
	return a
}

func (p *CashPage) key(ctx app.Context, k string) {
	if k == widget.KeyEnter {
		p.complete(ctx, app.Event{})
		return
	}
	p.entry = widget.PressAmount(p.entry, k, money.Digits(p.order.Totals.Due.Currency))
}

func (p *CashPage) complete(ctx app.Context, e app.Event) {
	due, tendered := p.order.Totals.Due, p.tendered()
	if _, ok := Change(due, tendered); !ok || p.busy || !payable(p.order) {
		return
	}
	if p.tenderID == "" {
		p.tenderID = p.api.NewID()
	}
	p.busy = true
	ctx = p.pg
	req := wire.CashRequest{TenderID: p.tenderID, Tendered: tendered}
	ctx.Async(func() {
		o, err := p.api.Cash(ctx, p.id, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if e, ok := client.AsError(err); ok {
					p.tenderID = "" // a definitive refusal: the next try is a new tender
					if e.Code == wire.CodeOrderClosed || e.Code == wire.CodeConflict {
						// Paid meanwhile (e.g. by the first, lost answer):
						// show the order as it is.
						p.reload(ctx)
					}
				}
				p.fail(ctx, err)
				return
			}
			p.tenderID, p.entry = "", ""
			p.show(o)
		})
	})
}

func (p *CashPage) reload(ctx app.Context) {
	ctx.Async(func() {
		o, err := p.api.Order(ctx, p.id)
		ctx.Dispatch(func(ctx app.Context) {
			if err == nil {
				p.show(o)
			}
		})
	})
}

// Render implements app.Composer.
func (p *CashPage) Render() app.UI {
	if !p.loaded {
		return p.shell("cash", "board", loading("order"))
	}
	if p.done != nil {
		return p.shell("cash", "board", p.renderDone(*p.done))
	}
	o := p.order
	due := o.Totals.Due
	tendered := p.tendered()
	change, enough := Change(due, tendered)
	digits := money.Digits(due.Currency)
	shown := money.Symbol(due.Currency) + p.entry
	if p.entry == "" {
		shown = money.Symbol(due.Currency) + "0"
	}
	quick := QuickAmounts(due)
	return p.shell("cash", "board",
		app.Div().Class("cash").OnKeyDown(widget.OnKeyboard(p.key)).Body(
			app.Section().Class("panel").Aria("label", "Amount tendered").Body(
				app.H1().Text("Cash · "+orderTitle(o)+" · #"+strconv.Itoa(o.Number)),
				app.Div().Class("due-row").Body(app.Span().Text("Due"), widget.Money("cash-due", due)),
				app.Div().
					Class("entry", "money").
					DataSet("testid", "cash-entry").
					DataSet("minor", tendered.Minor).
					Attr("role", "status").
					Aria("live", "polite").
					Aria("label", "Amount tendered "+tendered.String()).
					Text(shown),
				app.Div().Class("quick").Attr("role", "group").Aria("label", "Quick amounts").Body(
					app.Range(quick).Slice(func(i int) app.UI {
						a := quick[i]
						text, testid := a.String(), "cash-quick"
						if i == 0 {
							text, testid = "Exact "+a.String(), "cash-quick-exact"
						}
						return app.Button().
							Class("btn").
							Type("button").
							DataSet("testid", testid).
							DataSet("minor", a.Minor).
							Aria("label", "Tendered "+a.String()).
							OnClick(func(ctx app.Context, e app.Event) { p.entry = widget.AmountEntry(a) }, app.EventScope(a.Minor)).
							Text(text)
					}),
				),
				app.If(!payable(o), func() app.UI {
					return app.P().Class("hint").DataSet("testid", "cash-not-payable").Text("This order is " + strings.ToLower(statusLabel(o.Status)) + " and has nothing to pay.")
				}),
				app.If(p.entry != "" && enough, func() app.UI {
					return app.Div().Class("change").Body(
						app.Span().Text("Change"),
						widget.Money("cash-change", change),
					)
				}),
				app.If(p.entry != "" && !enough, func() app.UI {
					short := money.New(-change.Minor, due.Currency)
					return app.Div().Class("change", "short").Body(
						app.Span().Text("Short by"),
						widget.Money("cash-short", short),
					)
				}),
			),
			app.Section().Class("panel").Aria("label", "Number pad").Body(
				widget.Numpad("cash", digits > 0, p.key),
				app.Div().Style("margin-top", "12px").Body(
					app.Button().
						Class("btn", "btn-ok", "btn-big").
						Type("button").
						DataSet("testid", "cash-complete").
						Disabled(!enough || p.busy || !payable(o)).
						OnClick(p.complete).
						Text(map[bool]string{true: "Completing…", false: "Complete"}[p.busy]),
				),
				app.Div().Class("btn-row").Style("margin-top", "8px").Body(
					app.A().Class("btn").Href(OrderPath(o.ID)).DataSet("testid", "cash-back").Text("← Back to order"),
				),
			),
		),
	)
}

func (p *CashPage) renderDone(o wire.Order) app.UI {
	var last wire.Tender
	if n := len(o.Tenders); n > 0 {
		last = o.Tenders[n-1]
	}
	return app.Section().Class("panel", "done").DataSet("testid", "cash-done").Attr("role", "status").Body(
		app.P().Class("big").Text("Paid"),
		app.H2().Text(orderTitle(o)+" · #"+strconv.Itoa(o.Number)+" · "+statusLabel(o.Status)),
		app.Div().Class("due-row").Body(app.Span().Text("Total"), widget.Money("cash-done-total", o.Totals.Total)),
		app.Div().Class("due-row").Body(app.Span().Text("Tendered"), widget.Money("cash-done-tendered", last.Tendered)),
		app.Div().Class("change").Body(app.Span().Text("Change"), widget.Money("cash-done-change", last.Change)),
		app.Div().Class("btn-row").Style("margin-top", "16px").Body(
			app.A().Class("btn", "btn-primary", "btn-big").Href(PathBoard).DataSet("testid", "cash-done-board").Text("Back to board"),
			app.A().Class("btn", "btn-big").Href(PathHistory).DataSet("testid", "cash-done-history").Text("Order history"),
		),
	)
}
