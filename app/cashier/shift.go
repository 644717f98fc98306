package cashier

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// PathShift is the cashier's own shift: open it with a float, close it
// with a cash count.
const PathShift = "/shift"

// ShiftPage opens and closes the signed-in person's shift. Closing shows
// the cash expected (float plus cash taken, less cash given back), the cash
// counted and the difference, and prints the shift report.
type ShiftPage struct {
	app.Compo
	base

	loaded bool
	shift  *wire.Shift // the open shift
	done   *wire.Shift // the shift just closed
	amount string      // the float or the count being typed
	busy   bool
	// shiftID names the shift being opened until the server answered.
	shiftID string
}

// NewShift returns the shift page.
func NewShift(api *client.Client) *ShiftPage { return &ShiftPage{base: base{api: api}} }

// OnNav loads the open shift, if any.
func (p *ShiftPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Shift")
	p.begin(ctx, p.load)
}

func (p *ShiftPage) load(ctx app.Context) {
	ctx.Async(func() {
		sh, err := p.api.CurrentShift(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			p.loaded = true
			if e, ok := client.AsError(err); ok && e.Code == wire.CodeNotFound {
				p.shift = nil
				return
			}
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.shift = &sh
		})
	})
}

func (p *ShiftPage) currency() string {
	if c := p.sess.Store.Currency; c != "" {
		return c
	}
	return "CNY"
}

// entered is the amount typed, or false when it is not an amount.
func (p *ShiftPage) entered() (money.Amount, bool) {
	a, err := money.ParseDecimal(p.amount, p.currency())
	return a, err == nil && a.Minor >= 0
}

func (p *ShiftPage) open(ctx app.Context, e app.Event) {
	a, ok := p.entered()
	if p.busy || !ok {
		return
	}
	if p.shiftID == "" {
		p.shiftID = p.api.NewID()
	}
	p.busy = true
	ctx = p.pg
	req := wire.OpenShiftRequest{ShiftID: p.shiftID, Float: a}
	ctx.Async(func() {
		sh, err := p.api.OpenShift(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if _, ok := client.AsError(err); ok {
					p.shiftID = ""
				}
				p.fail(ctx, err)
				return
			}
			p.shiftID, p.amount, p.errMsg, p.done = "", "", "", nil
			p.shift = &sh
		})
	})
}

func (p *ShiftPage) close(ctx app.Context, e app.Event) {
	a, ok := p.entered()
	if p.busy || !ok || p.shift == nil {
		return
	}
	p.busy = true
	ctx = p.pg
	id := p.shift.ID
	ctx.Async(func() {
		sh, err := p.api.CloseShift(ctx, id, wire.CloseShiftRequest{Counted: a})
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.amount, p.errMsg = "", ""
			p.shift, p.done = nil, &sh
		})
	})
}

func (p *ShiftPage) amountInput(id, label string) app.UI {
	return app.Div().Body(
		app.Label().Class("field").For(id).Text(label),
		app.Input().
			ID(id).
			Class("text").
			Type("text").
			Attr("inputmode", "decimal").
			AutoComplete(false).
			DataSet("testid", id).
			Placeholder("0.00").
			Value(p.amount).
			OnInput(func(ctx app.Context, e app.Event) { p.amount = ctx.JSSrc().Get("value").String() }),
	)
}

func row(label string, v app.UI) app.UI {
	return app.Div().Class("due-row").Body(app.Span().Text(label), v)
}

// Render implements app.Composer.
func (p *ShiftPage) Render() app.UI {
	if !p.loaded {
		return p.shell("shift", "shift", loading("your shift"))
	}
	_, valid := p.entered()
	switch {
	case p.done != nil:
		sh := *p.done
		state := "even"
		if sh.Difference.Minor < 0 {
			state = "short"
		} else if sh.Difference.Minor > 0 {
			state = "over"
		}
		store, api := p.sess.Store.Name, p.api
		return p.shell("shift", "shift",
			app.Section().Class("panel", "done").DataSet("testid", "shift-closed").Attr("role", "status").Body(
				app.H1().Text("Shift closed"),
				row("Float", widget.Money("shift-float-amount", sh.Float)),
				row("Cash sales", widget.Money("shift-cash-sales", sh.CashSales)),
				row("Wallet top-ups (cash)", widget.Money("shift-cash-topups", sh.CashTopUps)),
				row("Cash refunds", widget.Money("shift-cash-refunds", sh.CashRefunds)),
				row("Expected in the drawer", widget.Money("shift-expected", sh.Expected)),
				row("Counted", widget.Money("shift-counted-amount", sh.Counted)),
				app.Div().Class("due-row", "big").DataSet("testid", "shift-result").DataSet("state", state).Body(
					app.Span().Text(map[string]string{"even": "Difference: none", "short": "Short by", "over": "Over by"}[state]),
					widget.Money("shift-difference", sh.Difference),
				),
				app.Div().Class("btn-row").Style("margin-top", "16px").Body(
					&ReportPrint{API: api, TestID: "shift-print", Label: "Print shift report",
						Doc: func() wire.ReportDoc { return wire.ShiftDoc(sh, store, localNow()) }},
					app.Button().Class("btn").Type("button").DataSet("testid", "shift-new").
						OnClick(func(ctx app.Context, e app.Event) { p.done = nil }).Text("Open a new shift"),
				),
			),
		)
	case p.shift != nil:
		sh := *p.shift
		return p.shell("shift", "shift",
			app.Section().Class("panel").DataSet("testid", "shift-open").Aria("label", "Open shift").Body(
				app.H1().Text("Your shift"),
				row("Opened at", app.Span().DataSet("testid", "shift-opened-at").Text(clock(sh.OpenedAt))),
				row("Float", widget.Money("shift-float-amount", sh.Float)),
				row("Cash sales so far", widget.Money("shift-cash-sales", sh.CashSales)),
				row("Wallet top-ups (cash)", widget.Money("shift-cash-topups", sh.CashTopUps)),
				row("Cash refunds", widget.Money("shift-cash-refunds", sh.CashRefunds)),
				row("Expected in the drawer", widget.Money("shift-expected", sh.Expected)),
				app.P().Text("At the end of the shift, count the cash in the drawer and enter the total."),
				p.amountInput("shift-counted", "Cash counted ("+p.currency()+")"),
				app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "shift-close").
					Disabled(p.busy || !valid).OnClick(p.close).
					Text(map[bool]string{true: "Closing…", false: "Close shift"}[p.busy]),
			),
		)
	}
	return p.shell("shift", "shift",
		app.Section().Class("panel").DataSet("testid", "shift-none").Aria("label", "Open a shift").Body(
			app.H1().Text("Open your shift"),
			app.P().Text("Count the cash in the drawer (the float) and enter it."),
			p.amountInput("shift-float", "Float ("+p.currency()+")"),
			app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "shift-open-submit").
				Disabled(p.busy || !valid).OnClick(p.open).
				Text(map[bool]string{true: "Opening…", false: "Open shift"}[p.busy]),
		),
	)
}
