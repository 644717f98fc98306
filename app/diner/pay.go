// Package diner holds the pages a diner opens on their own phone: the pay
// page a scanned table QR leads to. It needs no staff session; the diner's
// wallet (app/wallet) pays.
package diner

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/app/wallet"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// PayPattern is the route pattern of the pay page: /p/{token}.
const PayPattern = `^/p/[0-9A-Za-z_.~=-]+$`

// PayPage shows what a scanned QR pays for (restaurant, table, items,
// amount), takes an optional tip, and pays from the phone's QRPOS wallet.
// It follows the payment live, so a bill paid by someone else says so.
type PayPage struct {
	app.Compo

	api     *client.Client
	pg      app.Context
	lang    i18n.Lang // of the share's strings (the diner's language)
	token   string
	page    wire.PayPage
	loaded  bool
	loadErr string

	tipChoice string
	tipTyped  string

	dev      wire.WalletDevice
	hasDev   bool
	creating bool
	created  bool // the wallet was opened here just now: it is empty

	busy    bool
	refusal string
	code    string // code of the last refusal
	mine    *wire.Intent
	gone    *wire.Intent // paid or cancelled by someone else meanwhile

	cancel context.CancelFunc
}

// NewPay returns the pay page.
func NewPay(api *client.Client) *PayPage { return &PayPage{api: api, tipChoice: TipNone} }

// OnNav loads the bill named by the token in the path.
func (p *PayPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("Pay · QRPOS")
	p.pg = ctx
	p.lang = i18n.Current(ctx)
	p.token = strings.TrimPrefix(ctx.Page().URL().Path, "/p/")
	if app.IsServer {
		return
	}
	p.dev, p.hasDev = wallet.Load(ctx)
	ctx.Async(func() {
		v, err := p.api.PayPage(ctx, p.token)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.loadErr = refusal(err)
				return
			}
			p.page, p.loaded = v, true
			p.observe(v.Intent)
		})
	})
	if p.cancel == nil {
		lctx, cancel := context.WithCancel(ctx)
		p.cancel = cancel
		ctx.Async(func() {
			p.api.LiveAt(lctx, "/ws/pay/"+p.token, func(ev wire.Event) {
				if ev.Intent != nil {
					ctx.Dispatch(func(ctx app.Context) { p.observe(*ev.Intent) })
				}
			}, func(bool) {})
		})
	}
}

// OnDismount stops following the payment.
func (p *PayPage) OnDismount() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// observe applies news of the payment.
func (p *PayPage) observe(in wire.Intent) {
	if p.page.Intent.ID != "" && in.ID != p.page.Intent.ID {
		return
	}
	p.page.Intent = in
	if p.mine != nil && p.mine.ID == in.ID {
		p.mine = &in
		return
	}
	switch in.Status {
	case wire.IntentCreated:
	case wire.IntentPending:
	default:
		if !p.busy {
			p.gone = &in
		}
	}
}

// refusal turns an error of the pay API into plain words for the diner.
func refusal(err error) string {
	e, ok := client.AsError(err)
	if !ok {
		return "No connection. Check the phone's internet and try again."
	}
	switch e.Code {
	case wire.CodeAlreadyPaid:
		return "This bill is already paid."
	case wire.CodeTokenExpired:
		return "This QR code has expired. Scan the code on the cashier's screen again."
	case wire.CodeTokenInvalid:
		return "This is not a valid QRPOS payment code."
	case wire.CodeBillChanged:
		return "The bill changed. Scan the new code on the cashier's screen."
	case wire.CodeUnauthorized:
		return "This phone has no QRPOS wallet yet."
	case wire.CodePaymentActive:
		return "Someone else is paying this bill right now."
	}
	msg := e.Error()
	return strings.ToUpper(msg[:1]) + msg[1:]
}

func (p *PayPage) bill() money.Amount { return p.page.Intent.Amount }

func (p *PayPage) tip() (money.Amount, string) {
	if p.page.Share != nil {
		return p.page.Intent.Tip, "" // chosen with the share on the bill page
	}
	return Tip(p.bill(), p.tipChoice, p.tipTyped)
}

func (p *PayPage) pay(ctx app.Context, e app.Event) {
	tip, bad := p.tip()
	if p.busy || bad != "" || !p.hasDev || p.mine != nil {
		return
	}
	p.busy, p.refusal, p.code = true, "", ""
	ctx = p.pg
	cred := p.dev.Credential
	tok, share := p.token, p.page.Share
	stale := time.Now().After(p.page.ExpiresAt.Add(-3 * time.Second))
	ctx.Async(func() {
		if share != nil && stale {
			// The token jumps like the counter's QR: a phone that took its
			// time asks its table for a fresh one of the same payment.
			sp, err := p.api.DinerPayShare(ctx, p.api.NewID(), share.ID, wire.PayShareRequest{IntentID: "pi-" + p.api.NewID(), Tip: &tip})
			if err == nil {
				tok = sp.Token
				ctx.Dispatch(func(ctx app.Context) { p.token, p.page.Intent, p.page.ExpiresAt = sp.Token, sp.Intent, sp.ExpiresAt })
			}
		}
		in, err := p.api.PayWallet(ctx, tok, cred, wire.PayWalletRequest{Tip: tip})
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.refusal = refusal(err)
				if e, ok := client.AsError(err); ok {
					p.code = e.Code
				}
				return
			}
			p.mine, p.gone = &in, nil
		})
	})
}

func (p *PayPage) openWallet(ctx app.Context, e app.Event) {
	if p.creating {
		return
	}
	p.creating = true
	ctx = p.pg
	ctx.Async(func() {
		d, err := p.api.NewWallet(ctx, wire.NewWalletRequest{})
		ctx.Dispatch(func(ctx app.Context) {
			p.creating = false
			if err != nil {
				p.refusal = refusal(err)
				return
			}
			if err := wallet.Save(ctx, d); err != nil {
				app.Log("save wallet:", err)
			}
			p.dev, p.hasDev, p.created, p.refusal, p.code = d, true, true, "", ""
		})
	})
}

// Render implements app.Composer.
func (p *PayPage) Render() app.UI {
	return app.Div().Class("phone-page").DataSet("testid", "page-pay").Body(
		app.Header().Class("phone-head").Body(app.Span().Class("brand").Text("QRPOS · Pay")),
		app.Main().Class("phone-main").Body(p.body()),
	)
}

func (p *PayPage) body() app.UI {
	switch {
	case p.loadErr != "":
		return app.Section().Class("panel", "failed").DataSet("testid", "pay-error").Attr("role", "alert").Body(
			app.P().Class("big").Text("Cannot pay with this code"),
			app.P().Text(p.loadErr),
		)
	case !p.loaded:
		return app.P().Class("loading").DataSet("testid", "loading").Attr("role", "status").Text("Loading the bill…")
	case p.mine != nil && p.mine.Status == wire.IntentSucceeded || p.mine != nil && p.mine.Status == wire.IntentPartiallyRefunded || p.mine != nil && p.mine.Status == wire.IntentRefunded:
		in := *p.mine
		return app.Section().Class("panel", "done").DataSet("testid", "pay-paid").Attr("role", "status").Body(
			app.P().Class("big").Text("Paid"),
			app.P().Text("Thank you! "+p.page.StoreName+" has your payment."),
			app.Div().Class("due-row").Body(app.Span().Text("Bill"), widget.Money("pay-paid-amount", in.Amount)),
			app.If(in.Tip.Minor != 0, func() app.UI {
				return app.Div().Class("due-row").Body(app.Span().Text("Tip"), widget.Money("pay-paid-tip", in.Tip))
			}),
			app.Div().Class("due-row").Body(app.Span().Text("From"), app.Span().DataSet("testid", "pay-paid-payer").Text(in.PayerRef)),
			app.A().Class("btn", "btn-big").Href(wallet.Path).DataSet("testid", "pay-to-wallet").Text("Open my wallet"),
			app.If(p.page.Share != nil, func() app.UI {
				return app.A().Class("btn", "btn-big").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(p.lang))
			}),
		)
	case p.mine != nil:
		return app.Section().Class("panel", "failed").DataSet("testid", "pay-failed").Attr("role", "alert").Body(
			app.P().Class("big").Text("Not paid"),
			app.P().Text(orText(p.mine.Reason, "The payment did not go through.")),
		)
	case p.gone != nil || p.page.Intent.Status != wire.IntentCreated:
		in := p.page.Intent
		if p.gone != nil {
			in = *p.gone
		}
		if in.Status == wire.IntentSucceeded || in.Status == wire.IntentPartiallyRefunded || in.Status == wire.IntentRefunded {
			msg := "This bill is already paid. Nothing more to pay."
			if p.page.Share != nil {
				msg = payText.SharePaid.In(p.lang)
			}
			return app.Section().Class("panel", "done").DataSet("testid", "pay-already-paid").Attr("role", "status").Body(
				app.P().Class("big").Text("Already paid"),
				app.P().Text(msg),
				app.If(p.page.Share != nil, func() app.UI {
					return app.A().Class("btn").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(p.lang))
				}),
			)
		}
		if in.Status == wire.IntentPending {
			return app.Section().Class("panel").DataSet("testid", "pay-busy").Attr("role", "status").Body(
				app.P().Text("Someone else is paying this bill right now."),
			)
		}
		if p.page.Share != nil {
			return app.Section().Class("panel", "failed").DataSet("testid", "pay-expired").Attr("role", "alert").Body(
				app.P().Class("big").Text(payText.Replaced.In(p.lang)),
				app.P().Text(payText.ReplacedMsg.In(p.lang)),
				app.A().Class("btn", "btn-big").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(p.lang)),
			)
		}
		return app.Section().Class("panel", "failed").DataSet("testid", "pay-expired").Attr("role", "alert").Body(
			app.P().Class("big").Text("This code no longer pays"),
			app.P().Text("The payment was cancelled or the bill changed. Scan the new code on the cashier's screen."),
		)
	}
	return p.renderBill()
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (p *PayPage) renderBill() app.UI {
	v := p.page
	bill := p.bill()
	tip, bad := p.tip()
	total := money.New(bill.Minor+tip.Minor, bill.Currency)
	where := "Quick sale"
	if v.TableName != "" {
		where = v.TableName
	}
	return app.Div().Body(
		app.Section().Class("panel").Aria("label", "Bill").Body(
			app.H1().DataSet("testid", "pay-store").Text(v.StoreName),
			app.P().Class("muted").Body(
				app.Span().DataSet("testid", "pay-table").Text(where),
				app.Text(" · "),
				app.Span().DataSet("testid", "pay-order-number").Text("Order #"+strconv.Itoa(v.OrderNumber)),
			),
			app.Ul().Class("lines").DataSet("testid", "pay-lines").Body(
				app.Range(v.Lines).Slice(func(i int) app.UI {
					l := v.Lines[i]
					return app.Li().Class("line").DataSet("testid", "pay-line").DataSet("line-name", l.Name).Body(
						app.Span().Class("lname").Text(strconv.Itoa(l.Qty)+" × "+l.Name),
						app.Span().Class("ltotal").Body(widget.Money("pay-line-total", l.Total)),
					)
				}),
			),
			app.Dl().Class("totals").Body(
				app.Dt().Text("Total"), app.Dd().Body(widget.Money("pay-total", v.Totals.Total)),
				app.If(v.Totals.Paid.Minor != 0, func() app.UI { return app.Dt().Text("Already paid") }),
				app.If(v.Totals.Paid.Minor != 0, func() app.UI { return app.Dd().Body(widget.Money("pay-already", v.Totals.Paid)) }),
				app.Dt().Class("grand").Text("To pay"), app.Dd().Class("grand").Body(widget.Money("pay-amount", bill)),
			),
		),
		app.If(v.Share != nil, func() app.UI { return p.renderShare(total) }),
		app.If(v.Share == nil, func() app.UI { return p.renderTipPicker(bill, tip, total, bad) }),
		p.renderWallet(total, bad != ""),
	)
}

// renderShare shows the share of a split bill this payment is for, with
// the tip chosen on the bill page.
func (p *PayPage) renderShare(total money.Amount) app.UI {
	sh := *p.page.Share
	l := p.lang
	return app.Section().Class("panel").Aria("label", payText.YourShare.In(l)).DataSet("testid", "pay-share").DataSet("share-id", sh.ID).Body(
		app.Div().Class("due-row").Body(app.Span().DataSet("testid", "pay-share-label").Text(ShareLabel(l, sh)), widget.Money("pay-share-amount", sh.Amount)),
		app.Div().Class("due-row").Body(app.Span().Text(billText.TipLabel.In(l)), widget.Money("pay-share-tip", p.page.Intent.Tip)),
		app.Div().Class("due-row", "grand").Body(app.Span().Text(payText.YouPay.In(l)), widget.Money("pay-grand-total", total)),
		app.A().Class("btn").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(l)),
	)
}

// payText are the pay page's strings for a share of a split bill, in the
// diner's language like the bill page.
var payText = struct{ SharePaid, ToBill, Replaced, ReplacedMsg, YourShare, YouPay i18n.Text }{
	SharePaid:   i18n.Text{En: "This share is already paid. Nothing more to pay for it.", Zh: "这一份已经付过了，无需再付。"},
	ToBill:      i18n.Text{En: "Back to the bill", Zh: "返回账单"},
	Replaced:    i18n.Text{En: "This link no longer pays", Zh: "此链接已失效"},
	ReplacedMsg: i18n.Text{En: "The payment was replaced or the bill changed. Go back to the bill and tap Pay again.", Zh: "付款已被替换或账单已变更，请返回账单重新点击支付。"},
	YourShare:   i18n.Text{En: "Your share", Zh: "您的份额"},
	YouPay:      i18n.Text{En: "You pay", Zh: "您需支付"},
}

func (p *PayPage) renderTipPicker(bill, tip, total money.Amount, bad string) app.UI {
	tipButton := func(choice, label string) app.UI {
		return app.Button().Class("choice").Type("button").
			DataSet("testid", "pay-tip").
			DataSet("tip", choice).
			Aria("pressed", p.tipChoice == choice).
			OnClick(func(ctx app.Context, e app.Event) { p.tipChoice = choice }, app.EventScope(choice)).
			Text(label)
	}
	return app.Section().Class("panel").Aria("label", "Tip").Body(
		app.FieldSet().Class("group").Body(
			app.Legend().Text("Add a tip?"),
			app.Div().Class("choices").Attr("role", "group").Aria("label", "Tip").Body(
				tipButton(TipNone, "No tip"),
				tipButton(Tip5, "5%"),
				tipButton(Tip10, "10%"),
				tipButton(TipAmount, "Amount"),
			),
			app.If(p.tipChoice == TipAmount, func() app.UI {
				return app.Div().Body(
					app.Label().Class("field").For("pay-tip-entry").Text("Tip ("+money.Symbol(bill.Currency)+")"),
					app.Input().ID("pay-tip-entry").Class("text").Type("text").Attr("inputmode", "decimal").
						DataSet("testid", "pay-tip-entry").MaxLength(10).Value(p.tipTyped).
						OnInput(func(ctx app.Context, e app.Event) { p.tipTyped = ctx.JSSrc().Get("value").String() }),
				)
			}),
			app.P().Class("hint").DataSet("testid", "pay-tip-error").Text(bad),
		),
		app.Div().Class("due-row").Body(app.Span().Text("Tip"), widget.Money("pay-tip-amount", tip)),
		app.Div().Class("due-row", "grand").Body(app.Span().Text("You pay"), widget.Money("pay-grand-total", total)),
	)
}

func (p *PayPage) renderWallet(total money.Amount, badTip bool) app.UI {
	if !p.hasDev {
		return app.Section().Class("panel").DataSet("testid", "pay-no-wallet").Body(
			app.P().Text("Pay with a QRPOS wallet: open one on this phone, then ask the cashier to top it up."),
			app.P().Class("hint").DataSet("testid", "pay-refusal").Attr("role", "alert").Text(p.refusal),
			app.Button().Class("btn", "btn-primary", "btn-big").Type("button").DataSet("testid", "pay-open-wallet").
				Disabled(p.creating).OnClick(p.openWallet).
				Text(map[bool]string{true: "Opening…", false: "Open a QRPOS wallet"}[p.creating]),
		)
	}
	needTopUp := p.code == wire.CodeInsufficient
	return app.Section().Class("panel").Aria("label", "Pay").Body(
		app.If(needTopUp || p.refusal == "" && p.dev.MemberID != "", func() app.UI {
			return app.Div().Class("member").Body(
				app.P().Class("muted").Text("Your member number (the cashier tops up with it):"),
				app.P().Class("member-number").DataSet("testid", "pay-member").DataSet("member", p.dev.MemberID).Text(widget.GroupDigits(p.dev.MemberID)),
				app.If(needTopUp || p.created, func() app.UI {
					return app.P().Class("top-up-ask").DataSet("testid", "pay-ask-topup").
						Text("Ask the cashier to top up your wallet with this number, then tap Pay.")
				}),
			)
		}),
		app.P().Class("hint").DataSet("testid", "pay-refusal").DataSet("code", p.code).Attr("role", "alert").Text(p.refusal),
		app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "pay-wallet").
			Aria("label", "Pay "+total.String()+" with QRPOS wallet").
			Disabled(p.busy || badTip).OnClick(p.pay).
			Text(map[bool]string{true: "Paying…", false: "Pay " + total.String() + " with QRPOS wallet"}[p.busy]),
	)
}
