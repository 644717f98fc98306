package cashier

import (
	"context"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// Kinds of the reverse dialog.
const (
	reverseRefund = "refund" // part or all of a payment back
	reverseVoid   = "void"   // the whole payment back; the order owes it again
)

// reverseTarget is what a refund or void dialog gives back from: a QR or
// code payment (an intent) or a cash payment (a tender of an order), with
// the calls that do it. The dialog itself does not care which.
type reverseTarget struct {
	summary string       // what was paid and what is left, in words
	left    money.Amount // what can still be given back
	cash    bool         // given back in cash, out of this drawer
	// refund gives back an amount; void gives back the whole payment, nil
	// when the payment cannot be voided (cash).
	refund func(ctx context.Context, api *client.Client, key string, r wire.RefundRequest) (reversed, error)
	void   func(ctx context.Context, api *client.Client, key string, r wire.ReverseRequest) (reversed, error)
}

// reversed is the server's answer to a refund or void: the payment as it
// is now, or for cash the order with its tenders.
type reversed struct {
	intent *wire.Intent
	order  *wire.Order
}

// intentTarget gives back from a QR or code payment.
func intentTarget(in wire.Intent) reverseTarget {
	paid := money.New(in.Amount.Minor+in.Tip.Minor, in.Amount.Currency)
	return reverseTarget{
		summary: RailName(in.Rail) + " · " + orDash(in.PayerRef) + " · paid " + paid.String() + " · left " + Refundable(in).String(),
		left:    Refundable(in),
		refund: func(ctx context.Context, api *client.Client, key string, r wire.RefundRequest) (reversed, error) {
			v, err := api.Refund(ctx, key, in.ID, r)
			return reversed{intent: &v}, err
		},
		void: func(ctx context.Context, api *client.Client, key string, r wire.ReverseRequest) (reversed, error) {
			v, err := api.VoidPayment(ctx, key, in.ID, r)
			return reversed{intent: &v}, err
		},
	}
}

// CashRefundable is what is left to give back of a cash payment.
func CashRefundable(t wire.Tender) money.Amount {
	return money.New(t.Amount.Minor-t.Refunded.Minor, t.Amount.Currency)
}

// cashRefundable reports whether cash can still be given back from a
// tender of o: a cash payment of a paid (closed) order with something left.
func cashRefundable(o wire.Order, t wire.Tender) bool {
	return o.Status == wire.OrderClosed && t.Kind == wire.TenderCash && CashRefundable(t).Minor > 0
}

// cashTarget gives back cash from tender t of order o. It cannot be voided.
func cashTarget(o wire.Order, t wire.Tender) reverseTarget {
	return reverseTarget{
		summary: "Cash · order #" + strconv.Itoa(o.Number) + " · paid " + t.Amount.String() + " · left " + CashRefundable(t).String(),
		left:    CashRefundable(t),
		cash:    true,
		refund: func(ctx context.Context, api *client.Client, key string, r wire.RefundRequest) (reversed, error) {
			v, err := api.RefundCash(ctx, key, o.ID, t.ID, r)
			return reversed{order: &v}, err
		},
	}
}

// reverseDialog is the state of the refund and void dialogs. A cashier
// needs a manager's approval: the manager picks their name and types their
// PIN on this tablet. The PIN is never stored.
type reverseDialog struct {
	kind    string
	target  reverseTarget
	amount  string // refund amount as typed (decimal)
	reason  string
	manager string // staff id of the approving manager
	pin     string
	busy    bool
	msg     string
	// refundID and key name the request until the server answered, so a
	// retry after a network failure is the same refund.
	refundID string
	key      string
}

// Refundable is what is left to give back of a payment.
func Refundable(in wire.Intent) money.Amount {
	return money.New(in.Amount.Minor+in.Tip.Minor-in.Refunded.Minor, in.Amount.Currency)
}

// reversible reports whether a payment can still be refunded or voided.
func reversible(in wire.Intent) bool {
	return (in.Status == wire.IntentSucceeded || in.Status == wire.IntentPartiallyRefunded) && Refundable(in).Minor > 0
}

// reverser is what a page with reverse dialogs shares: the dialog, the
// managers who may approve, and what to do with the answer.
type reverser struct {
	dlg      *reverseDialog
	managers []wire.StaffInfo
}

// open starts a dialog; a cashier's page loads the managers to pick from.
func (r *reverser) open(b *base, kind string, t reverseTarget) {
	if kind == reverseVoid && t.void == nil {
		return
	}
	r.dlg = &reverseDialog{kind: kind, target: t, amount: widget.AmountEntry(t.left)}
	if b.isManager() || len(r.managers) > 0 {
		return
	}
	ctx := b.pg
	ctx.Async(func() {
		list, err := b.api.LoginStaff(ctx, b.sess.Store.ID)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if r.dlg != nil {
					r.dlg.msg = Message(err)
				}
				return
			}
			r.managers = r.managers[:0]
			for _, s := range list.Staff {
				if (s.Role == wire.RoleManager || s.Role == wire.RoleOwner) && s.Active {
					r.managers = append(r.managers, s)
				}
			}
		})
	})
}

// ParseRefund reads a typed refund amount and checks it against what is
// left of the payment. It returns the amount or what is wrong, in words.
func ParseRefund(entry string, left money.Amount) (money.Amount, string) {
	entry = strings.TrimSpace(entry)
	if entry == "" {
		return money.Amount{}, "Enter the amount to refund."
	}
	a, err := money.ParseDecimal(entry, left.Currency)
	if err != nil {
		return money.Amount{}, "Enter the amount as a number, e.g. " + left.Decimal() + "."
	}
	if a.Minor <= 0 {
		return money.Amount{}, "Enter an amount above zero."
	}
	if a.Minor > left.Minor {
		return money.Amount{}, "At most " + left.String() + " can be refunded."
	}
	return a, ""
}

// problem says what the dialog still needs before it can be sent.
func (d *reverseDialog) problem(manager bool) string {
	if d.kind == reverseRefund {
		if _, msg := ParseRefund(d.amount, d.target.left); msg != "" {
			return msg
		}
	}
	if strings.TrimSpace(d.reason) == "" {
		return "Say why."
	}
	if !manager {
		if d.manager == "" {
			return "A manager approves: pick the manager."
		}
		if len(d.pin) < minPIN {
			return "The manager types their PIN."
		}
	}
	return ""
}

// confirm sends the refund or void; done receives the server's answer.
func (r *reverser) confirm(b *base, done func(ctx app.Context, res reversed)) {
	d := r.dlg
	if d == nil || d.busy || d.problem(b.isManager()) != "" {
		return
	}
	var ap *wire.Approval
	if !b.isManager() {
		ap = &wire.Approval{StaffID: d.manager, PIN: d.pin}
	}
	reason := strings.TrimSpace(d.reason)
	d.busy, d.msg = true, ""
	if d.kind == reverseRefund && d.refundID == "" {
		d.refundID = b.api.NewID()
	}
	if d.key == "" {
		d.key = b.api.NewID()
	}
	amount, _ := ParseRefund(d.amount, d.target.left)
	ctx := b.pg
	t, kind, refundID, key := d.target, d.kind, d.refundID, d.key
	ctx.Async(func() {
		var res reversed
		var err error
		if kind == reverseRefund {
			res, err = t.refund(ctx, b.api, key, wire.RefundRequest{RefundID: refundID, Amount: amount, Reason: reason, Approval: ap})
		} else {
			res, err = t.void(ctx, b.api, key, wire.ReverseRequest{Reason: reason, Approval: ap})
		}
		ctx.Dispatch(func(ctx app.Context) {
			if r.dlg != d {
				return
			}
			d.busy = false
			if err != nil {
				if client.IsUnauthorized(err) {
					b.fail(ctx, err)
					return
				}
				if _, ok := client.AsError(err); ok {
					// A definite answer (wrong PIN, too much): the next try
					// is a new request.
					d.msg, d.pin, d.refundID, d.key = Message(err), "", "", ""
					return
				}
				// No answer: the outcome is unknown. Trying again sends the
				// same request, which the server answers once.
				d.msg = "No answer from the server: the refund may or may not be done. Tap again to make sure (it is not done twice)."
				return
			}
			r.dlg = nil
			done(ctx, res)
		})
	})
}

// render draws the open dialog.
func (r *reverser) render(b *base, onConfirm app.EventHandler) app.UI {
	d := r.dlg
	if d == nil {
		return nil
	}
	t := d.target
	manager := b.isManager()
	testid, title, action := "refund-dialog", "Refund a payment", "Refund"
	switch {
	case d.kind == reverseVoid:
		testid, title, action = "payment-void-dialog", "Void a payment", "Void payment"
	case t.cash:
		title = "Refund a cash payment"
	}
	problem := d.problem(manager)
	key := func(ctx app.Context, k string) {
		if k == widget.KeyEnter {
			onConfirm(ctx, app.Event{})
			return
		}
		d.pin = widget.PressPIN(d.pin, k, maxPIN)
		d.msg = ""
	}
	body := []app.UI{
		app.P().DataSet("testid", "reverse-summary").Text(t.summary),
	}
	if t.cash {
		body = append(body, app.P().Class("hint").DataSet("testid", "reverse-cash-note").Text("Give the cash back from the drawer: it comes off the cash expected at the end of the shift."))
	}
	if d.kind == reverseRefund {
		body = append(body,
			app.Label().Class("field").For("reverse-amount").Text("Amount to refund ("+money.Symbol(t.left.Currency)+")"),
			app.Input().ID("reverse-amount").Class("text").Type("text").Attr("inputmode", "decimal").
				DataSet("testid", "reverse-amount").MaxLength(12).Value(d.amount).
				OnInput(func(ctx app.Context, e app.Event) { d.amount = ctx.JSSrc().Get("value").String() }),
		)
	} else {
		body = append(body, app.P().Text("The whole payment goes back to the payer and the order owes it again."))
	}
	body = append(body,
		app.Label().Class("field").For("reverse-reason").Text("Reason"),
		app.Input().ID("reverse-reason").Class("text").Type("text").DataSet("testid", "reverse-reason").MaxLength(maxNote).
			Value(d.reason).
			OnInput(func(ctx app.Context, e app.Event) { d.reason = ctx.JSSrc().Get("value").String() }),
	)
	if !manager {
		body = append(body,
			app.FieldSet().Class("group").Body(
				app.Legend().Text("Manager's approval"),
				app.Div().Class("choices").Attr("role", "group").Aria("label", "Approving manager").Body(
					app.Range(r.managers).Slice(func(i int) app.UI {
						s := r.managers[i]
						return app.Button().Class("choice").Type("button").
							DataSet("testid", "reverse-manager").
							DataSet("staff-name", s.Name).
							Aria("pressed", d.manager == s.ID).
							OnClick(func(ctx app.Context, e app.Event) { d.manager, d.pin = s.ID, "" }, app.EventScope(s.ID)).
							Text(s.Name)
					}),
				),
				app.Div().Class("pin-dots").DataSet("testid", "reverse-pin-dots").DataSet("length", len(d.pin)).
					Aria("label", "PIN digits typed").Body(
					app.Range(make([]struct{}, maxPIN)).Slice(func(i int) app.UI {
						if i < len(d.pin) {
							return app.Span().Class("pin-dot", "filled")
						}
						if i < minPIN {
							return app.Span().Class("pin-dot")
						}
						return nil
					}),
				),
				app.Div().OnKeyDown(widget.OnKeyboard(key)).Body(widget.Numpad("approve", false, key)),
			),
		)
	}
	msg := d.msg
	if msg == "" {
		msg = problem
	}
	body = append(body,
		app.P().Class("hint").DataSet("testid", "reverse-error").Attr("role", "alert").Text(msg),
		app.Div().Class("actions").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "reverse-cancel").
				OnClick(func(ctx app.Context, e app.Event) { r.dlg = nil }).Text("Keep payment"),
			app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "reverse-confirm").
				Disabled(problem != "" || d.busy).
				OnClick(onConfirm).Text(map[bool]string{true: "Sending…", false: action}[d.busy]),
		),
	)
	return widget.Modal(testid, title, body...)
}
