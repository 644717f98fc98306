package cashier

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/choice"
	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// maxNote bounds the kitchen note typed in the modifier dialog.
const maxNote = 140

// OrderPage is the order editor: the menu by category on one side, the
// order's lines and totals on the other, with send-to-kitchen and cash.
type OrderPage struct {
	app.Compo
	base

	live    liveLink
	id      string
	order   wire.Order
	loaded  bool
	menu    wire.Menu
	cat     string
	busy    int // mutations in flight
	pick    *modPick
	voiding bool
	reason  string
}

// modPick is the state of the modifier dialog.
type modPick struct {
	item   wire.Item
	groups []wire.ModifierGroup
	sel    choice.Selection
	note   string
}

// NewOrder returns the order editor page.
func NewOrder(api *client.Client) *OrderPage { return &OrderPage{base: base{api: api}} }

// OnNav loads the order named in the path and the menu.
func (p *OrderPage) OnNav(ctx app.Context) {
	p.id = orderIDFromPath(ctx.Page().URL().Path)
	ctx.Page().SetTitle("QRPOS · Order")
	p.begin(ctx, func(ctx app.Context) {
		var menu wire.Menu
		ctx.GetState(StateMenu, &menu)
		ctx.Async(func() {
			o, err := p.api.Order(ctx, p.id)
			if err == nil && len(menu.Items) == 0 {
				menu, err = p.api.Menu(ctx)
			}
			ctx.Dispatch(func(ctx app.Context) {
				if err != nil {
					p.fail(ctx, err)
					return
				}
				ctx.SetState(StateMenu, menu)
				p.menu = menu
				if p.cat == "" && len(menu.Categories) > 0 {
					p.cat = sortedCategories(menu)[0].ID
				}
				p.setOrder(o)
				p.loaded = true
			})
		})
		p.live.start(ctx, p.api, p.onEvent)
	})
}

// OnDismount stops the event stream.
func (p *OrderPage) OnDismount() { p.live.stop() }

func (p *OrderPage) onEvent(ctx app.Context, ev wire.Event) {
	switch {
	case ev.Type == wire.EventOrderUpdated && ev.Order != nil && ev.Order.ID == p.id:
		p.setOrder(*ev.Order)
	case ev.Type == wire.EventMenuUpdated:
		reloadMenu(ctx, p.api, func(m wire.Menu) { p.menu = m })
	case ev.Type == wire.EventHello && p.loaded:
		// (Re)connected: a menu change may have been missed too.
		reloadMenu(ctx, p.api, func(m wire.Menu) { p.menu = m })
		ctx.Async(func() {
			o, err := p.api.Order(ctx, p.id)
			ctx.Dispatch(func(ctx app.Context) {
				if err == nil {
					p.setOrder(o)
				}
			})
		})
	}
}

// setOrder keeps the newest version of the order (answers and events may
// arrive out of order).
func (p *OrderPage) setOrder(o wire.Order) {
	if p.order.ID == o.ID && o.Version < p.order.Version {
		return
	}
	p.order = o
}

func (p *OrderPage) editable() bool {
	return p.order.Status == wire.OrderOpen || p.order.Status == wire.OrderSent
}

// mutate runs a state-changing call and shows its answer.
func (p *OrderPage) mutate(ctx app.Context, call func(context.Context) (wire.Order, error)) {
	ctx = p.pg
	p.busy++
	ctx.Async(func() {
		o, err := call(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy--
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.errMsg = ""
			p.setOrder(o)
		})
	})
}

func (p *OrderPage) tapItem(item wire.Item) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		// The menu may have changed since this button was drawn (its
		// handler lives as long as its scope): use the item as it is now.
		for _, it := range p.menu.Items {
			if it.ID == item.ID {
				item = it
			}
		}
		if groups := choice.Groups(p.menu, item); len(groups) > 0 {
			p.pick = &modPick{item: item, groups: groups, sel: choice.Selection{}}
			return
		}
		p.addLine(ctx, item, nil, "")
	}
}

func (p *OrderPage) addLine(ctx app.Context, item wire.Item, mods []string, note string) {
	req := wire.AddLineRequest{LineID: p.api.NewID(), ItemID: item.ID, Qty: 1, ModifierIDs: mods, Note: note}
	id := p.id
	p.mutate(ctx, func(c context.Context) (wire.Order, error) { return p.api.AddLine(c, id, req) })
}

// changeQty adds delta to a line's quantity. The server applies the change
// to the quantity it holds, so taps on two tablets at once both count.
func (p *OrderPage) changeQty(l wire.Line, delta int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if l.Qty+delta < 1 || p.busy > 0 {
			return
		}
		id := p.id
		p.mutate(ctx, func(c context.Context) (wire.Order, error) {
			return p.api.UpdateLine(c, id, l.ID, wire.UpdateLineRequest{QtyDelta: &delta})
		})
	}
}

func (p *OrderPage) removeLine(l wire.Line) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.busy > 0 {
			return
		}
		id := p.id
		p.mutate(ctx, func(c context.Context) (wire.Order, error) { return p.api.DeleteLine(c, id, l.ID) })
	}
}

func (p *OrderPage) send(ctx app.Context, e app.Event) {
	id := p.id
	p.mutate(ctx, func(c context.Context) (wire.Order, error) { return p.api.Send(c, id) })
}

func (p *OrderPage) cash(ctx app.Context, e app.Event) { ctx.Navigate(CashPath(p.id)) }

func (p *OrderPage) confirmVoid(ctx app.Context, e app.Event) {
	reason := strings.TrimSpace(p.reason)
	if reason == "" {
		return
	}
	p.voiding = false
	id := p.id
	p.mutate(ctx, func(c context.Context) (wire.Order, error) {
		return p.api.Void(c, id, wire.VoidRequest{Reason: reason})
	})
}

// Render implements app.Composer.
func (p *OrderPage) Render() app.UI {
	if !p.loaded {
		return p.shell("order", "board", loading("order"))
	}
	return p.shell("order", "board",
		app.Div().Class("editor").Body(
			p.renderMenu(),
			p.renderTicket(),
		),
		// On a phone the ticket is below the menu: a bar keeps the total in
		// sight and scrolls to the ticket.
		app.Button().
			Class("phone-summary").
			Type("button").
			DataSet("testid", "order-summary").
			Aria("label", "Show the order: "+items(itemCount(p.order))+", total "+p.order.Totals.Total.String()).
			OnClick(func(ctx app.Context, e app.Event) { ctx.ScrollTo("order-ticket") }).
			Body(
				app.Span().Text(items(itemCount(p.order))),
				app.Span().Class("money").Text(p.order.Totals.Total.String()),
				app.Span().Text("View order ↓"),
			),
		app.If(p.pick != nil, p.renderPick),
		app.If(p.voiding, p.renderVoid),
	)
}

func sortedCategories(m wire.Menu) []wire.Category {
	cats := slices.Clone(m.Categories)
	slices.SortFunc(cats, func(a, b wire.Category) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	return cats
}

func (p *OrderPage) renderMenu() app.UI {
	cats := sortedCategories(p.menu)
	var items []wire.Item
	for _, it := range p.menu.Items {
		if it.CategoryID == p.cat {
			items = append(items, it)
		}
	}
	slices.SortFunc(items, func(a, b wire.Item) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	editable := p.editable()
	return app.Section().Class("panel").Aria("label", "Menu").DataSet("testid", "menu").Body(
		app.Div().Class("cats").Attr("role", "group").Aria("label", "Categories").Body(
			app.Range(cats).Slice(func(i int) app.UI {
				c := cats[i]
				class := "cat"
				if c.ID == p.cat {
					class += " active"
				}
				return app.Button().
					Class(class).
					Type("button").
					DataSet("testid", "menu-category").
					DataSet("category-name", c.Name).
					Aria("pressed", c.ID == p.cat).
					OnClick(func(ctx app.Context, e app.Event) { p.cat = c.ID }, app.EventScope(c.ID)).
					Text(c.Name)
			}),
		),
		app.Div().Class("items").Body(
			app.Range(items).Slice(func(i int) app.UI {
				it := items[i]
				label := "Add " + it.Name + ", " + it.Price.String()
				orderable := it.Available && !it.SoldOut
				if !orderable {
					label = it.Name + ", sold out"
				}
				return app.Button().
					Class("item").
					Type("button").
					DataSet("testid", "menu-item").
					DataSet("item-name", it.Name).
					Aria("label", label).
					DataSet("sold-out", !orderable).
					Disabled(!editable || !orderable).
					OnClick(p.tapItem(it), app.EventScope(it.ID)).
					Body(
						app.Span().Text(it.Name),
						app.If(len(it.ModifierGroups) > 0, func() app.UI { return app.Span().Class("badge").Text("options") }),
						app.If(!orderable, func() app.UI { return app.Span().Class("badge").Text("sold out") }),
						app.Span().Class("price").Body(widget.Money("menu-item-price", it.Price)),
					)
			}),
		),
	)
}

// orderTitle names an order for people: its table or "Quick sale".
func orderTitle(o wire.Order) string {
	if o.TableName != "" {
		return o.TableName
	}
	if o.TableID != "" {
		return "Table"
	}
	return "Quick sale"
}

func (p *OrderPage) renderTicket() app.UI {
	o := p.order
	editable := p.editable()
	unsent := false
	for _, l := range o.Lines {
		if !l.Sent {
			unsent = true
		}
	}
	t := o.Totals
	return app.Section().ID("order-ticket").Class("panel", "ticket").Aria("label", "Order").DataSet("testid", "order-ticket").Body(
		app.H2().Body(
			app.Span().DataSet("testid", "order-title").Text(orderTitle(o)+" · #"+strconv.Itoa(o.Number)),
			app.Span().Class("status-pill").DataSet("testid", "order-status").DataSet("status", o.Status).Text(statusLabel(o.Status)),
		),
		app.If(len(o.Lines) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "order-empty").Text("No items yet. Tap the menu to add.")
		}),
		app.Ul().Class("lines").DataSet("testid", "order-lines").DataSet("count", len(o.Lines)).Body(
			app.Range(o.Lines).Slice(func(i int) app.UI { return p.renderLine(o.Lines[i], editable) }),
		),
		app.Dl().Class("totals").Body(
			app.Dt().Text("Subtotal"), app.Dd().Body(widget.Money("order-subtotal", t.Subtotal)),
			app.Dt().Text("Tax"), app.Dd().Body(widget.Money("order-tax", t.Tax)),
			app.Dt().Class("grand").Text("Total"), app.Dd().Class("grand").Body(widget.Money("order-total", t.Total)),
			app.If(t.Paid.Minor != 0, func() app.UI {
				return app.Dt().Text("Paid")
			}),
			app.If(t.Paid.Minor != 0, func() app.UI {
				return app.Dd().Body(widget.Money("order-paid", t.Paid))
			}),
		),
		app.Div().Class("btn-row").Body(
			app.Button().
				Class("btn").
				Type("button").
				DataSet("testid", "order-send").
				Disabled(!editable || !unsent || p.busy > 0).
				OnClick(p.send).
				Text("Send to kitchen"),
			app.Button().
				Class("btn", "btn-ok").
				Type("button").
				DataSet("testid", "order-cash").
				Disabled(!editable || len(o.Lines) == 0 || t.Due.Minor <= 0 || p.busy > 0).
				OnClick(p.cash).
				Text("Cash "+t.Due.String()),
			app.Button().
				Class("btn", "btn-primary").
				Type("button").
				DataSet("testid", "order-charge").
				Disabled(!editable || len(o.Lines) == 0 || t.Due.Minor <= 0 || p.busy > 0).
				OnClick(func(ctx app.Context, e app.Event) { ctx.Navigate(ChargePath(p.id)) }).
				Text("Charge "+t.Due.String()),
		),
		app.Div().Class("btn-row").Style("margin-top", "8px").Body(
			app.A().Class("btn").Href(PathBoard).DataSet("testid", "order-back").Text("← Board"),
			app.If(editable, func() app.UI {
				return app.Button().
					Class("btn", "btn-danger").
					Type("button").
					DataSet("testid", "order-void").
					OnClick(func(ctx app.Context, e app.Event) { p.voiding, p.reason = true, "" }).
					Text("Void order")
			}),
		),
	)
}

func (p *OrderPage) renderLine(l wire.Line, editable bool) app.UI {
	var mods []string
	for _, m := range l.Modifiers {
		mods = append(mods, m.Name)
	}
	class := "line"
	if l.Sent {
		class += " sent"
	}
	if l.Pending {
		class += " pending" // a diner's line waiting on the board's Accept (not in the total)
	}
	return app.Li().
		Class(class).
		DataSet("testid", "order-line").
		DataSet("line-name", l.Name).
		DataSet("line-id", l.ID).
		Body(
			app.Span().Class("lname").Text(l.Name),
			app.Span().Class("ltotal").Body(widget.Money("line-total", l.Total)),
			app.If(len(mods) > 0, func() app.UI {
				return app.Span().Class("mods").DataSet("testid", "line-modifiers").Text(strings.Join(mods, ", "))
			}),
			app.If(l.Note != "", func() app.UI {
				return app.Span().Class("note").DataSet("testid", "line-note").Text("“" + l.Note + "”")
			}),
			app.Div().Class("qty").Body(
				app.Button().
					Class("btn").
					Type("button").
					DataSet("testid", "line-dec").
					Aria("label", "One less "+l.Name).
					Disabled(!editable || l.Qty <= 1 || p.busy > 0).
					OnClick(p.changeQty(l, -1), app.EventScope(l.ID, l.Qty)).
					Text("−"),
				app.Span().Class("n").DataSet("testid", "line-qty").Aria("label", "Quantity").Text(strconv.Itoa(l.Qty)),
				app.Button().
					Class("btn").
					Type("button").
					DataSet("testid", "line-inc").
					Aria("label", "One more "+l.Name).
					Disabled(!editable || p.busy > 0).
					OnClick(p.changeQty(l, +1), app.EventScope(l.ID, l.Qty)).
					Text("+"),
				app.Span().Class("hide-phone").Style("color", "var(--muted)").Text("× "+l.UnitPrice.String()),
				app.Button().
					Class("btn", "btn-danger", "remove").
					Type("button").
					DataSet("testid", "line-remove").
					Aria("label", "Remove "+l.Name).
					Disabled(!editable || p.busy > 0).
					OnClick(p.removeLine(l), app.EventScope(l.ID)).
					Text("Remove"),
			),
		)
}

func (p *OrderPage) renderPick() app.UI {
	m := p.pick
	problem := m.sel.Problem(m.groups).In(i18n.En)
	price := m.sel.UnitPrice(m.item, m.groups)
	return widget.Modal("modifier-dialog", m.item.Name,
		app.Range(m.groups).Slice(func(i int) app.UI {
			g := m.groups[i]
			return app.FieldSet().
				Class("group").
				DataSet("testid", "modifier-group").
				DataSet("group-name", g.Name).
				Body(
					app.Legend().Body(app.Text(g.Name+" "), app.Span().Class("rule").Text("("+choice.Rule(g).In(i18n.En)+")")),
					app.Div().Class("choices").Body(app.Range(g.Modifiers).Slice(func(j int) app.UI {
						mod := g.Modifiers[j]
						text := mod.Name
						if mod.Price.Minor != 0 {
							text += " +" + mod.Price.String()
						}
						return app.Button().
							Class("choice").
							Type("button").
							DataSet("testid", "modifier-option").
							DataSet("modifier-name", mod.Name).
							Aria("pressed", m.sel.Chosen(g.ID, mod.ID)).
							OnClick(func(ctx app.Context, e app.Event) { m.sel = m.sel.Toggle(g, mod.ID) }, app.EventScope(m.item.ID, g.ID, mod.ID)).
							Text(text)
					})),
				)
		}),
		app.Label().Class("field").For("modifier-note").Text("Note for the kitchen"),
		app.Input().
			ID("modifier-note").
			Class("text").
			Type("text").
			DataSet("testid", "modifier-note").
			MaxLength(maxNote).
			Placeholder("e.g. no peanuts").
			Value(m.note).
			OnInput(func(ctx app.Context, e app.Event) { m.note = ctx.JSSrc().Get("value").String() }, app.EventScope(fmt.Sprintf("%p", m))),
		app.P().Class("hint").DataSet("testid", "modifier-hint").Attr("role", "alert").Text(problem),
		app.Div().Class("actions").Body(
			app.Button().
				Class("btn").
				Type("button").
				DataSet("testid", "modifier-cancel").
				OnClick(func(ctx app.Context, e app.Event) { p.pick = nil }).
				Text("Cancel"),
			app.Button().
				Class("btn", "btn-primary").
				Type("button").
				DataSet("testid", "modifier-add").
				Disabled(problem != "").
				OnClick(func(ctx app.Context, e app.Event) {
					if m.sel.Problem(m.groups).In(i18n.En) != "" {
						return
					}
					p.pick = nil
					p.addLine(ctx, m.item, m.sel.IDs(m.groups), strings.TrimSpace(m.note))
				}, app.EventScope(fmt.Sprintf("%p", m))).
				Text("Add · "+price.String()),
		),
	)
}

func (p *OrderPage) renderVoid() app.UI {
	return widget.Modal("void-dialog", "Void this order?",
		app.P().Text("The order is cancelled without payment. Say why:"),
		app.Label().Class("field").For("void-reason").Text("Reason"),
		app.Input().
			ID("void-reason").
			Class("text").
			Type("text").
			DataSet("testid", "void-reason").
			MaxLength(maxNote).
			Value(p.reason).
			OnInput(func(ctx app.Context, e app.Event) { p.reason = ctx.JSSrc().Get("value").String() }),
		app.Div().Class("actions").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "void-cancel").
				OnClick(func(ctx app.Context, e app.Event) { p.voiding = false }).
				Text("Keep order"),
			app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "void-confirm").
				Disabled(strings.TrimSpace(p.reason) == "").
				OnClick(p.confirmVoid).
				Text("Void order"),
		),
	)
}

// zero returns a zero amount in the order's currency.
func zero(o wire.Order) money.Amount { return money.New(0, o.Totals.Total.Currency) }
