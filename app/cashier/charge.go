package cashier

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// ChargePath returns the path of the charge screen of order id.
func ChargePath(id string) string { return "/orders/" + id + "/charge" }

// ChargePattern is the route pattern of the charge screen.
const ChargePattern = `^/orders/[0-9A-Za-z_-]+/charge$`

// Ways to charge on the charge screen.
const (
	chargeQR   = "qr"   // the diner scans the tablet's jumping QR
	chargeCode = "code" // the cashier scans or types the diner's code
)

// defaultStep is how often the QR changes when the server does not say.
const defaultStep = 15 * time.Second

// ChargePage charges an order: a jumping QR the diner scans, a payment code
// the cashier scans or types, or cash (the cash page). It follows the
// payment live and shows Paid with the payment's details.
type ChargePage struct {
	app.Compo
	base

	live     liveLink
	tick     widget.Ticker
	id       string
	terminal string
	order    wire.Order
	loaded   bool
	now      time.Time
	mode     string

	// The jumping QR: the live QR payment and its current token.
	qr       *wire.Intent
	token    wire.PaymentToken
	tokenAt  time.Time
	fetching bool
	starting bool

	// A payment code: what was typed or scanned, and the id of the charge
	// until the server answered (a retry after a lost answer is the same
	// charge).
	code     string
	chargeID string
	busy     bool
	pending  *wire.Intent // waiting for the payer to confirm
	failed   *wire.Intent // the last payment that failed, with its reason
	refusal  string       // why the last code was refused

	paid *wire.Intent // the payment that paid the order
}

// NewCharge returns the charge screen.
func NewCharge(api *client.Client) *ChargePage { return &ChargePage{base: base{api: api}} }

// OnNav loads the order and follows the store's events.
func (p *ChargePage) OnNav(ctx app.Context) {
	p.id = orderIDFromPath(ctx.Page().URL().Path)
	ctx.Page().SetTitle("QRPOS · Charge")
	p.now = time.Now()
	if app.IsClient {
		if id := ctx.DeviceID(); len(id) >= 8 {
			p.terminal = "tablet-" + id[:8]
		}
	}
	p.begin(ctx, func(ctx app.Context) {
		p.reload(ctx)
		p.live.start(ctx, p.api, p.onEvent)
		p.tick.Start(ctx, time.Second, p.onTick)
	})
}

// OnDismount stops the stream and the clock, and withdraws a QR nobody
// paid: a photo of it must not pay later.
func (p *ChargePage) OnDismount() {
	p.live.stop()
	p.tick.Stop()
	if p.qr != nil && p.loaded {
		id, ctx := p.qr.ID, p.pg
		p.qr = nil
		ctx.Async(func() {
			p.api.CancelIntent(context.WithoutCancel(ctx), id, wire.CancelIntentRequest{Reason: "left the charge screen"})
		})
	}
}

func (p *ChargePage) reload(ctx app.Context) {
	ctx.Async(func() {
		o, err := p.api.Order(ctx, p.id)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.setOrder(ctx, o)
			p.loaded = true
		})
	})
}

// orderDone reports whether the order has nothing left to pay.
func orderDone(o wire.Order) bool {
	return o.Status == wire.OrderPaid || o.Status == wire.OrderClosed
}

func (p *ChargePage) setOrder(ctx app.Context, o wire.Order) {
	if p.order.ID == o.ID && o.Version < p.order.Version {
		return
	}
	p.order = o
	if orderDone(o) {
		p.qr = nil // nothing to withdraw: the QR's payment is over
	}
	if orderDone(o) && p.paid == nil {
		// Paid (maybe by another tablet): find the payment for its details.
		ctx.Async(func() {
			list, err := p.api.OrderIntents(ctx, p.id)
			ctx.Dispatch(func(ctx app.Context) {
				if err != nil || p.paid != nil {
					return
				}
				for i := len(list) - 1; i >= 0; i-- {
					if captured(list[i].Status) {
						in := list[i]
						p.paid = &in
						return
					}
				}
			})
		})
	}
}

// captured reports whether a payment took the money (refunds included).
func captured(status string) bool {
	return status == wire.IntentSucceeded || status == wire.IntentPartiallyRefunded || status == wire.IntentRefunded
}

func (p *ChargePage) onEvent(ctx app.Context, ev wire.Event) {
	switch ev.Type {
	case wire.EventOrderUpdated:
		if ev.Order != nil && ev.Order.ID == p.id {
			p.setOrder(ctx, *ev.Order)
		}
	case wire.EventPaymentPending, wire.EventPaymentSucceeded, wire.EventPaymentFailed:
		if ev.Intent != nil && ev.Intent.OrderID == p.id {
			p.onIntent(*ev.Intent)
		}
	case wire.EventScan:
		// The counter scanner read a code while this screen is open: it is
		// the code to charge.
		if ev.Code != "" && p.loaded && p.paid == nil && !orderDone(p.order) && p.pending == nil && !p.busy {
			p.choose(chargeCode)
			p.code = ev.Code
			p.charge(ctx, app.Event{})
		}
	case wire.EventHello:
		if !p.loaded {
			return
		}
		// Reconnected: events may have been missed.
		p.reload(ctx)
		for _, in := range []*wire.Intent{p.qr, p.pending} {
			if in == nil {
				continue
			}
			id := in.ID
			ctx.Async(func() {
				cur, err := p.api.Intent(ctx, id)
				ctx.Dispatch(func(ctx app.Context) {
					if err == nil {
						p.onIntent(cur)
					}
				})
			})
		}
	}
}

// onIntent applies the news of one of the order's payments.
func (p *ChargePage) onIntent(in wire.Intent) {
	switch {
	case in.ShareID != "" && (p.qr == nil || p.qr.ID != in.ID) && (p.pending == nil || p.pending.ID != in.ID):
		// A phone at the table paid (or tried) a share of the bill: the
		// order's update says what is left to charge.
	case captured(in.Status):
		p.paid, p.pending, p.qr, p.failed, p.refusal = &in, nil, nil, nil, ""
	case in.Status == wire.IntentPending:
		if p.paid == nil && (p.pending == nil || p.pending.ID == in.ID) && in.Method == wire.MethodCode {
			p.pending = &in
		}
	case in.Status == wire.IntentFailed || in.Status == wire.IntentCancelled || in.Status == wire.IntentExpired:
		if p.pending != nil && p.pending.ID == in.ID {
			p.pending, p.failed = nil, &in
		}
		if p.qr != nil && p.qr.ID == in.ID {
			p.qr = nil
			p.failed = &in
		}
	}
}

func (p *ChargePage) onTick(ctx app.Context, now time.Time) {
	p.now = now
	if p.qr != nil && !p.fetching && !now.Before(p.nextToken()) {
		p.fetchToken(ctx)
	}
}

// nextToken is when the QR should change.
func (p *ChargePage) nextToken() time.Time {
	step := time.Duration(p.token.Step) * time.Second
	if step <= 0 {
		step = defaultStep
	}
	return p.tokenAt.Add(step)
}

// choose switches between QR and code; leaving the QR withdraws it.
func (p *ChargePage) choose(mode string) {
	if p.mode == mode {
		return
	}
	if p.mode == chargeQR && p.qr != nil {
		id, ctx := p.qr.ID, p.pg
		p.qr = nil
		ctx.Async(func() {
			p.api.CancelIntent(ctx, id, wire.CancelIntentRequest{Reason: "another way to pay was chosen"})
		})
	}
	p.mode, p.failed, p.refusal = mode, nil, ""
}

func (p *ChargePage) pickQR(ctx app.Context, e app.Event) {
	p.choose(chargeQR)
	if p.qr == nil {
		p.startQR(ctx)
	}
}

func (p *ChargePage) pickCode(ctx app.Context, e app.Event) { p.choose(chargeCode) }

// startQR creates a QR payment of what the order owes now, then its first
// token.
func (p *ChargePage) startQR(ctx app.Context) {
	if p.starting || !payable(p.order) {
		return
	}
	ctx = p.pg
	p.starting, p.failed = true, nil
	req := wire.CreateIntentRequest{IntentID: p.api.NewID(), TerminalID: p.terminal}
	ctx.Async(func() {
		in, err := p.api.CreateIntent(ctx, p.id, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.starting = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			if p.mode != chargeQR || p.paid != nil {
				return
			}
			p.qr, p.token = &in, wire.PaymentToken{}
			p.fetchToken(ctx)
		})
	})
}

// fetchToken asks for the next jumping QR. A changed bill starts a new
// payment for the new amount.
func (p *ChargePage) fetchToken(ctx app.Context) {
	if p.qr == nil {
		return
	}
	ctx = p.pg
	p.fetching = true
	id := p.qr.ID
	ctx.Async(func() {
		tok, err := p.api.Token(ctx, id)
		ctx.Dispatch(func(ctx app.Context) {
			p.fetching = false
			if p.qr == nil || p.qr.ID != id {
				return
			}
			if e, ok := client.AsError(err); ok && (e.Code == wire.CodeBillChanged || e.Code == wire.CodeConflict) {
				p.qr = nil
				p.reload(ctx)
				if e.Code == wire.CodeBillChanged {
					p.startQR(ctx)
				}
				return
			}
			if err != nil {
				// Try again at the next tick; the old code stays valid
				// for one more step.
				p.tokenAt = time.Now().Add(-defaultStep + 2*time.Second)
				p.fail(ctx, err)
				return
			}
			p.token, p.tokenAt = tok, time.Now()
			p.errMsg = ""
		})
	})
}

func (p *ChargePage) cancelQR(ctx app.Context, e app.Event) {
	if p.qr == nil {
		return
	}
	id := p.qr.ID
	p.qr, p.mode = nil, ""
	ctx = p.pg
	ctx.Async(func() {
		_, err := p.api.CancelIntent(ctx, id, wire.CancelIntentRequest{Reason: "cancelled at the till"})
		ctx.Dispatch(func(ctx app.Context) {
			if e, ok := client.AsError(err); ok && e.Code == wire.CodeConflict {
				p.reload(ctx) // paid meanwhile: the order says so
				return
			}
			p.fail(ctx, err)
		})
	})
}

// codeOf cleans a typed or scanned code (spaces and separators typed for
// reading).
func codeOf(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '\t' }), "")
}

func (p *ChargePage) charge(ctx app.Context, e app.Event) {
	code := codeOf(p.code)
	if code == "" || p.busy || p.pending != nil || !payable(p.order) {
		return
	}
	if p.chargeID == "" {
		p.chargeID = p.api.NewID()
	}
	p.busy, p.refusal, p.failed = true, "", nil
	ctx = p.pg
	req := wire.ChargeCodeRequest{IntentID: p.chargeID, Code: code, TerminalID: p.terminal}
	ctx.Async(func() {
		in, err := p.api.ChargeCode(ctx, p.id, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if _, ok := client.AsError(err); ok && !client.IsUnauthorized(err) {
					p.chargeID = "" // refused: the next try is a new charge
					p.refusal = Message(err)
					p.reload(ctx)
					return
				}
				p.fail(ctx, err)
				return
			}
			p.chargeID, p.code = "", ""
			switch {
			case captured(in.Status):
				p.onIntent(in)
			case in.Status == wire.IntentPending:
				p.pending = &in
			default:
				p.failed = &in
			}
		})
	})
}

func (p *ChargePage) cancelPending(ctx app.Context, e app.Event) {
	if p.pending == nil {
		return
	}
	id := p.pending.ID
	ctx = p.pg
	ctx.Async(func() {
		in, err := p.api.CancelIntent(ctx, id, wire.CancelIntentRequest{Reason: "cancelled at the till"})
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.onIntent(in)
		})
	})
}

func (p *ChargePage) retry(ctx app.Context, e app.Event) {
	mode := p.mode
	p.failed, p.refusal = nil, ""
	if mode == chargeQR {
		p.startQR(ctx)
	}
}

// RailName is the name of a payment rail for people.
func RailName(rail string) string {
	switch rail {
	case wire.RailWallet:
		return "QRPOS wallet"
	case wire.RailWeChat:
		return "WeChat Pay"
	case wire.RailAlipay:
		return "Alipay"
	case wire.RailUnionPay:
		return "UnionPay"
	case wire.TenderCash:
		return "Cash"
	case "":
		return "—"
	}
	return rail
}

// Render implements app.Composer.
func (p *ChargePage) Render() app.UI {
	if !p.loaded {
		return p.shell("charge", "board", loading("order"))
	}
	o := p.order
	if p.paid != nil || orderDone(o) {
		return p.shell("charge", "board", p.renderPaid())
	}
	due := o.Totals.Due
	method := func(id, label string, on app.EventHandler) app.UI {
		return app.Button().
			Class("btn", "method").
			Type("button").
			DataSet("testid", "charge-method-"+id).
			Aria("pressed", p.mode == id).
			Disabled(p.pending != nil || p.busy).
			OnClick(on).
			Text(label)
	}
	return p.shell("charge", "board",
		app.Div().Class("charge").Body(
			app.Section().Class("panel").Aria("label", "Order").Body(
				app.Div().Class("section-head").Body(
					app.H1().DataSet("testid", "charge-title").Text("Charge · "+orderTitle(o)+" · #"+strconv.Itoa(o.Number)),
					p.live.badge(),
				),
				app.Div().Class("due-row").Body(app.Span().Text("Due"), widget.Money("charge-due", due)),
				app.Div().Class("methods").Attr("role", "group").Aria("label", "Way to pay").Body(
					method(chargeQR, "QR code", p.pickQR),
					method(chargeCode, "Payment code", p.pickCode),
					app.A().Class("btn", "method").Href(CashPath(o.ID)).DataSet("testid", "charge-method-cash").Text("Cash"),
				),
				app.If(!payable(o), func() app.UI {
					return app.P().Class("hint").DataSet("testid", "charge-not-payable").Text("This order is " + strings.ToLower(statusLabel(o.Status)) + " and has nothing to pay.")
				}),
				app.Div().Class("btn-row").Style("margin-top", "12px").Body(
					app.A().Class("btn").Href(OrderPath(o.ID)).DataSet("testid", "charge-back").Text("← Back to order"),
				),
			),
			app.Section().Class("panel", "charge-main").Aria("label", "Payment").Body(p.renderMain()),
		),
	)
}

func (p *ChargePage) renderMain() app.UI {
	switch {
	case p.failed != nil:
		return p.renderFailed(*p.failed)
	case p.pending != nil:
		return p.renderPending(*p.pending)
	case p.mode == chargeQR:
		return p.renderQR()
	case p.mode == chargeCode:
		return p.renderCode()
	}
	return app.P().Class("empty").DataSet("testid", "charge-choose").Text("Choose how the diner pays.")
}

func (p *ChargePage) renderQR() app.UI {
	if p.qr == nil || p.token.QRPNG == "" {
		return app.P().Class("loading").DataSet("testid", "charge-qr-loading").Attr("role", "status").Text("Preparing the QR code…")
	}
	amount := p.qr.Amount
	left := widget.SecondsLeft(p.now, p.nextToken())
	return app.Div().Class("qr-panel").Body(
		app.P().Class("store").DataSet("testid", "charge-qr-store").Text(p.sess.Store.Name),
		app.Div().Class("qr-amount").Body(widget.Money("charge-qr-amount", amount)),
		app.Img().
			Class("qr-img").
			DataSet("testid", "charge-qr").
			Src(p.token.QRPNG).
			Alt("QR code to pay "+amount.String()+" at "+p.sess.Store.Name),
		app.P().Class("countdown").
			DataSet("testid", "charge-qr-countdown").
			DataSet("seconds", left).
			Text("New code in "+strconv.Itoa(left)+" s"),
		app.P().Class("status").DataSet("testid", "charge-status").DataSet("status", p.qr.Status).Attr("role", "status").Aria("live", "polite").
			Text("Waiting for the diner to scan and pay…"),
		app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "charge-qr-cancel").OnClick(p.cancelQR).Text("Cancel"),
	)
}

func (p *ChargePage) renderCode() app.UI {
	return app.Div().Class("code-panel").Body(
		app.Label().Class("field").For("charge-code").Text("Payment code (scan or type)"),
		app.Input().
			ID("charge-code").
			Class("text", "code-input").
			Type("text").
			Attr("inputmode", "numeric").
			AutoComplete(false).
			AutoFocus(true).
			DataSet("testid", "charge-code-input").
			MaxLength(40).
			Placeholder("e.g. 8800 1234 5678 9012 34").
			Value(p.code).
			OnInput(func(ctx app.Context, e app.Event) { p.code = ctx.JSSrc().Get("value").String() }).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Enter" {
					p.code = ctx.JSSrc().Get("value").String()
					p.charge(ctx, e)
				}
			}),
		app.P().Class("hint").DataSet("testid", "charge-code-error").Attr("role", "alert").Text(p.refusal),
		app.Button().
			Class("btn", "btn-ok", "btn-big").
			Type("button").
			DataSet("testid", "charge-code-submit").
			Disabled(codeOf(p.code) == "" || p.busy || !payable(p.order)).
			OnClick(p.charge).
			Text(map[bool]string{true: "Charging…", false: "Charge " + p.order.Totals.Due.String()}[p.busy]),
	)
}

func (p *ChargePage) renderPending(in wire.Intent) app.UI {
	left := 0
	if in.Deadline != nil {
		left = widget.SecondsLeft(p.now, *in.Deadline)
	}
	return app.Div().Class("pending").DataSet("testid", "charge-pending").Attr("role", "status").Aria("live", "polite").Body(
		app.P().Class("big").Text("Waiting for the payer to confirm…"),
		app.P().Text("The amount is over the payer's password-free limit: they confirm on their phone."),
		app.Div().Class("due-row").Body(app.Span().Text("Amount"), widget.Money("charge-pending-amount", in.Amount)),
		app.P().Class("countdown").DataSet("testid", "charge-pending-countdown").DataSet("seconds", left).
			Text("Cancelled automatically in "+strconv.Itoa(left)+" s"),
		app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "charge-pending-cancel").OnClick(p.cancelPending).Text("Cancel"),
	)
}

func (p *ChargePage) renderFailed(in wire.Intent) app.UI {
	title := "Payment failed"
	if in.Status == wire.IntentCancelled {
		title = "Payment cancelled"
	}
	reason := in.Reason
	if reason == "" {
		reason = "The payment did not go through."
	}
	return app.Div().Class("failed").DataSet("testid", "charge-failed").DataSet("status", in.Status).Attr("role", "alert").Body(
		app.P().Class("big").Text(title),
		app.P().DataSet("testid", "charge-failed-reason").Text(sentence(reason)),
		app.Button().Class("btn", "btn-primary", "btn-big").Type("button").DataSet("testid", "charge-failed-retry").OnClick(p.retry).Text("Try again"),
	)
}

func (p *ChargePage) renderPaid() app.UI {
	o := p.order
	var body []app.UI
	if in := p.paid; in != nil {
		body = append(body,
			app.Div().Class("due-row").Body(app.Span().Text("Paid with"), app.Span().DataSet("testid", "charge-paid-rail").Text(RailName(in.Rail))),
			app.Div().Class("due-row").Body(app.Span().Text("Payer"), app.Span().DataSet("testid", "charge-paid-payer").Text(orDash(in.PayerRef))),
			app.Div().Class("due-row").Body(app.Span().Text("Amount"), widget.Money("charge-paid-amount", in.Amount)),
		)
		if in.Tip.Minor != 0 {
			body = append(body, app.Div().Class("due-row").Body(app.Span().Text("Tip"), widget.Money("charge-paid-tip", in.Tip)))
		}
	} else {
		body = append(body, app.Div().Class("due-row").Body(app.Span().Text("Total"), widget.Money("charge-paid-total", o.Totals.Total)))
	}
	return app.Section().Class("panel", "done").DataSet("testid", "charge-paid").Attr("role", "status").Body(
		app.P().Class("big").Text("Paid"),
		app.H2().Text(orderTitle(o)+" · #"+strconv.Itoa(o.Number)),
		app.Div().Body(body...),
		app.Div().Class("btn-row").Style("margin-top", "16px").Body(
			app.A().Class("btn", "btn-primary", "btn-big").Href(PathBoard).DataSet("testid", "charge-done-board").Text("Back to tables"),
			app.A().Class("btn", "btn-big").Href(PathHistory).DataSet("testid", "charge-done-history").Text("Order history"),
		),
	)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
