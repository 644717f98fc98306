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
	ctx.Page().SetTitle(payText.Title.In(i18n.Current(ctx)) + " · QRPOS")
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
				p.loadErr = refusal(err, p.lang)
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

// refusal turns an error of the pay API into plain words for the diner,
// in their language (the server's own message, in English, otherwise).
func refusal(err error, l i18n.Lang) string {
	e, ok := client.AsError(err)
	if !ok {
		return txtNoConnection.In(l)
	}
	switch e.Code {
	case wire.CodeAlreadyPaid:
		return payText.BillPaid.In(l)
	case wire.CodeTokenExpired:
		return payText.Expired.In(l)
	case wire.CodeTokenInvalid:
		return payText.NotACode.In(l)
	case wire.CodeBillChanged:
		return payText.BillChanged.In(l)
	case wire.CodeUnauthorized:
		return payText.NoWallet.In(l)
	case wire.CodePaymentActive:
		return payText.Busy.In(l)
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
				p.refusal = refusal(err, p.lang)
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
				p.refusal = refusal(err, p.lang)
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
	l := p.lang
	return app.Div().Class("phone-page").DataSet("testid", "page-pay").Body(
		app.Header().Class("phone-head").Body(
			app.Span().Class("brand").Text("QRPOS · "+payText.Title.In(l)),
			app.Span().Class("lang").Attr("role", "group").Aria("label", "Language / 语言").Body(
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "pay-lang").DataSet("lang", "zh").
					Aria("pressed", l == i18n.Zh).Aria("label", "中文").OnClick(p.setLang(i18n.Zh)).Text("中文"),
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "pay-lang").DataSet("lang", "en").
					Aria("pressed", l == i18n.En).Aria("label", "English").OnClick(p.setLang(i18n.En)).Text("EN"),
			),
		),
		app.Main().Class("phone-main").Body(p.body()),
	)
}

func (p *PayPage) setLang(l i18n.Lang) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.lang = l
		i18n.Choose(ctx, l)
		ctx.Page().SetTitle(payText.Title.In(l) + " · QRPOS")
	}
}

func (p *PayPage) body() app.UI {
	l := p.lang
	switch {
	case p.loadErr != "":
		return app.Section().Class("panel", "failed").DataSet("testid", "pay-error").Attr("role", "alert").Body(
			app.P().Class("big").Text(payText.CannotPay.In(l)),
			app.P().Text(p.loadErr),
		)
	case !p.loaded:
		return app.P().Class("loading").DataSet("testid", "loading").Attr("role", "status").Text(payText.Loading.In(l))
	case p.mine != nil && p.mine.Status == wire.IntentSucceeded || p.mine != nil && p.mine.Status == wire.IntentPartiallyRefunded || p.mine != nil && p.mine.Status == wire.IntentRefunded:
		in := *p.mine
		return app.Section().Class("panel", "done").DataSet("testid", "pay-paid").Attr("role", "status").Body(
			app.P().Class("big").Text(payText.Paid.In(l)),
			app.P().Text(fmtText(payText.Thanks.In(l), p.page.StoreName)),
			app.Div().Class("due-row").Body(app.Span().Text(payText.Bill.In(l)), widget.Money("pay-paid-amount", in.Amount)),
			app.If(in.Tip.Minor != 0, func() app.UI {
				return app.Div().Class("due-row").Body(app.Span().Text(billText.TipLabel.In(l)), widget.Money("pay-paid-tip", in.Tip))
			}),
			app.Div().Class("due-row").Body(app.Span().Text(payText.From.In(l)), app.Span().DataSet("testid", "pay-paid-payer").Text(in.PayerRef)),
			app.A().Class("btn", "btn-big").Href(wallet.Path).DataSet("testid", "pay-to-wallet").Text(payText.MyWallet.In(l)),
			app.If(p.page.Share != nil, func() app.UI {
				return app.A().Class("btn", "btn-big").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(p.lang))
			}),
		)
	case p.mine != nil:
		return app.Section().Class("panel", "failed").DataSet("testid", "pay-failed").Attr("role", "alert").Body(
			app.P().Class("big").Text(payText.NotPaid.In(l)),
			app.P().Text(orText(p.mine.Reason, payText.DidNotGo.In(l))),
		)
	case p.gone != nil || p.page.Intent.Status != wire.IntentCreated:
		in := p.page.Intent
		if p.gone != nil {
			in = *p.gone
		}
		if in.Status == wire.IntentSucceeded || in.Status == wire.IntentPartiallyRefunded || in.Status == wire.IntentRefunded {
			msg := payText.AlreadyMsg.In(l)
			if p.page.Share != nil {
				msg = payText.SharePaid.In(p.lang)
			}
			return app.Section().Class("panel", "done").DataSet("testid", "pay-already-paid").Attr("role", "status").Body(
				app.P().Class("big").Text(payText.Already.In(l)),
				app.P().Text(msg),
				app.If(p.page.Share != nil, func() app.UI {
					return app.A().Class("btn").Href(BillPath).DataSet("testid", "pay-to-bill").Text(payText.ToBill.In(p.lang))
				}),
			)
		}
		if in.Status == wire.IntentPending {
			return app.Section().Class("panel").DataSet("testid", "pay-busy").Attr("role", "status").Body(
				app.P().Text(payText.Busy.In(l)),
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
			app.P().Class("big").Text(payText.NoLonger.In(l)),
			app.P().Text(payText.NoLongerMsg.In(l)),
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
	l := p.lang
	where := payText.QuickSale.In(l)
	if v.TableName != "" {
		where = v.TableName
	}
	return app.Div().Body(
		app.Section().Class("panel").Aria("label", payText.Bill.In(l)).Body(
			app.H1().DataSet("testid", "pay-store").Text(v.StoreName),
			app.P().Class("muted").Body(
				app.Span().DataSet("testid", "pay-table").Text(where),
				app.Text(" · "),
				app.Span().DataSet("testid", "pay-order-number").Text(payText.OrderNo.In(l)+strconv.Itoa(v.OrderNumber)),
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
				app.Dt().Text(payText.Total.In(l)), app.Dd().Body(widget.Money("pay-total", v.Totals.Total)),
				app.If(v.Totals.Paid.Minor != 0, func() app.UI { return app.Dt().Text(payText.Already.In(l)) }),
				app.If(v.Totals.Paid.Minor != 0, func() app.UI { return app.Dd().Body(widget.Money("pay-already", v.Totals.Paid)) }),
				app.Dt().Class("grand").Text(payText.ToPay.In(l)), app.Dd().Class("grand").Body(widget.Money("pay-amount", bill)),
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

// fmtText puts arg where a translated string has %s.
func fmtText(t, arg string) string { return strings.Replace(t, "%s", arg, 1) }

// payText are the pay page's strings, in the diner's language.
var payText = struct {
	SharePaid, ToBill, Replaced, ReplacedMsg, YourShare, YouPay                         i18n.Text
	Title, CannotPay, Loading, Paid, Thanks, Bill, From, MyWallet, NotPaid, DidNotGo    i18n.Text
	AlreadyMsg, Already, Busy, NoLonger, NoLongerMsg, QuickSale, OrderNo, Total, ToPay  i18n.Text
	AddTip, NoTip, Amount, NeedWallet, Opening, OpenWallet, MemberNo, AskTopUp, PayWith i18n.Text
	Paying, BillPaid, Expired, NotACode, BillChanged, NoWallet                          i18n.Text
}{
	Title:       i18n.Text{En: "Pay", Zh: "付款"},
	CannotPay:   i18n.Text{En: "Cannot pay with this code", Zh: "无法用此二维码付款"},
	Loading:     i18n.Text{En: "Loading the bill…", Zh: "正在加载账单…"},
	Paid:        i18n.Text{En: "Paid", Zh: "已付款"},
	Thanks:      i18n.Text{En: "Thank you! %s has your payment.", Zh: "谢谢！%s 已收到您的付款。"},
	Bill:        i18n.Text{En: "Bill", Zh: "账单"},
	From:        i18n.Text{En: "From", Zh: "付款人"},
	MyWallet:    i18n.Text{En: "Open my wallet", Zh: "打开我的钱包"},
	NotPaid:     i18n.Text{En: "Not paid", Zh: "未付款"},
	DidNotGo:    i18n.Text{En: "The payment did not go through.", Zh: "付款未成功。"},
	AlreadyMsg:  i18n.Text{En: "This bill is already paid. Nothing more to pay.", Zh: "此账单已付清，无需再付。"},
	Already:     i18n.Text{En: "Already paid", Zh: "已付"},
	Busy:        i18n.Text{En: "Someone else is paying this bill right now.", Zh: "其他人正在支付此账单。"},
	NoLonger:    i18n.Text{En: "This code no longer pays", Zh: "此二维码已失效"},
	NoLongerMsg: i18n.Text{En: "The payment was cancelled or the bill changed. Scan the new code on the cashier's screen.", Zh: "付款已取消或账单已变更，请扫描收银屏幕上的新二维码。"},
	QuickSale:   i18n.Text{En: "Quick sale", Zh: "快速结账"},
	OrderNo:     i18n.Text{En: "Order #", Zh: "订单号 "},
	Total:       i18n.Text{En: "Total", Zh: "合计"},
	ToPay:       i18n.Text{En: "To pay", Zh: "应付"},
	AddTip:      i18n.Text{En: "Add a tip?", Zh: "加小费？"},
	NoTip:       i18n.Text{En: "No tip", Zh: "不加"},
	Amount:      i18n.Text{En: "Amount", Zh: "金额"},
	NeedWallet:  i18n.Text{En: "Pay with a QRPOS wallet: open one on this phone, then ask the cashier to top it up.", Zh: "使用 QRPOS 钱包付款：请先在本手机开通钱包，再请收银员充值。"},
	Opening:     i18n.Text{En: "Opening…", Zh: "正在开通…"},
	OpenWallet:  i18n.Text{En: "Open a QRPOS wallet", Zh: "开通 QRPOS 钱包"},
	MemberNo:    i18n.Text{En: "Your member number (the cashier tops up with it):", Zh: "您的会员号（收银员凭此充值）："},
	AskTopUp:    i18n.Text{En: "Ask the cashier to top up your wallet with this number, then tap Pay.", Zh: "请收银员用此号码为您的钱包充值，然后点击付款。"},
	PayWith:     i18n.Text{En: "Pay %s with QRPOS wallet", Zh: "用 QRPOS 钱包支付 %s"},
	Paying:      i18n.Text{En: "Paying…", Zh: "正在付款…"},
	BillPaid:    i18n.Text{En: "This bill is already paid.", Zh: "此账单已付清。"},
	Expired:     i18n.Text{En: "This QR code has expired. Scan the code on the cashier's screen again.", Zh: "二维码已过期，请重新扫描收银屏幕上的二维码。"},
	NotACode:    i18n.Text{En: "This is not a valid QRPOS payment code.", Zh: "这不是有效的 QRPOS 付款码。"},
	BillChanged: i18n.Text{En: "The bill changed. Scan the new code on the cashier's screen.", Zh: "账单已变更，请扫描收银屏幕上的新二维码。"},
	NoWallet:    i18n.Text{En: "This phone has no QRPOS wallet yet.", Zh: "本手机还没有 QRPOS 钱包。"},

	SharePaid:   i18n.Text{En: "This share is already paid. Nothing more to pay for it.", Zh: "这一份已经付过了，无需再付。"},
	ToBill:      i18n.Text{En: "Back to the bill", Zh: "返回账单"},
	Replaced:    i18n.Text{En: "This link no longer pays", Zh: "此链接已失效"},
	ReplacedMsg: i18n.Text{En: "The payment was replaced or the bill changed. Go back to the bill and tap Pay again.", Zh: "付款已被替换或账单已变更，请返回账单重新点击支付。"},
	YourShare:   i18n.Text{En: "Your share", Zh: "您的份额"},
	YouPay:      i18n.Text{En: "You pay", Zh: "您需支付"},
}

func (p *PayPage) renderTipPicker(bill, tip, total money.Amount, bad string) app.UI {
	l := p.lang
	tipButton := func(choice, label string) app.UI {
		return app.Button().Class("choice").Type("button").
			DataSet("testid", "pay-tip").
			DataSet("tip", choice).
			Aria("pressed", p.tipChoice == choice).
			OnClick(func(ctx app.Context, e app.Event) { p.tipChoice = choice }, app.EventScope(choice)).
			Text(label)
	}
	return app.Section().Class("panel").Aria("label", billText.TipLabel.In(l)).Body(
		app.FieldSet().Class("group").Body(
			app.Legend().Text(payText.AddTip.In(l)),
			app.Div().Class("choices").Attr("role", "group").Aria("label", billText.TipLabel.In(l)).Body(
				tipButton(TipNone, payText.NoTip.In(l)),
				tipButton(Tip5, "5%"),
				tipButton(Tip10, "10%"),
				tipButton(TipAmount, payText.Amount.In(l)),
			),
			app.If(p.tipChoice == TipAmount, func() app.UI {
				return app.Div().Body(
					app.Label().Class("field").For("pay-tip-entry").Text(billText.TipLabel.In(l)+" ("+money.Symbol(bill.Currency)+")"),
					app.Input().ID("pay-tip-entry").Class("text").Type("text").Attr("inputmode", "decimal").
						DataSet("testid", "pay-tip-entry").MaxLength(10).Value(p.tipTyped).
						OnInput(func(ctx app.Context, e app.Event) { p.tipTyped = ctx.JSSrc().Get("value").String() }),
				)
			}),
			app.P().Class("hint").DataSet("testid", "pay-tip-error").Text(bad),
		),
		app.Div().Class("due-row").Body(app.Span().Text(billText.TipLabel.In(l)), widget.Money("pay-tip-amount", tip)),
		app.Div().Class("due-row", "grand").Body(app.Span().Text(payText.YouPay.In(l)), widget.Money("pay-grand-total", total)),
	)
}

func (p *PayPage) renderWallet(total money.Amount, badTip bool) app.UI {
	l := p.lang
	if !p.hasDev {
		return app.Section().Class("panel").DataSet("testid", "pay-no-wallet").Body(
			app.P().Text(payText.NeedWallet.In(l)),
			app.P().Class("hint").DataSet("testid", "pay-refusal").Attr("role", "alert").Text(p.refusal),
			app.Button().Class("btn", "btn-primary", "btn-big").Type("button").DataSet("testid", "pay-open-wallet").
				Disabled(p.creating).OnClick(p.openWallet).
				Text(map[bool]string{true: payText.Opening.In(l), false: payText.OpenWallet.In(l)}[p.creating]),
		)
	}
	needTopUp := p.code == wire.CodeInsufficient
	return app.Section().Class("panel").Aria("label", payText.Title.In(l)).Body(
		app.If(needTopUp || p.refusal == "" && p.dev.MemberID != "", func() app.UI {
			return app.Div().Class("member").Body(
				app.P().Class("muted").Text(payText.MemberNo.In(l)),
				app.P().Class("member-number").DataSet("testid", "pay-member").DataSet("member", p.dev.MemberID).Text(widget.GroupDigits(p.dev.MemberID)),
				app.If(needTopUp || p.created, func() app.UI {
					return app.P().Class("top-up-ask").DataSet("testid", "pay-ask-topup").
						Text(payText.AskTopUp.In(l))
				}),
			)
		}),
		app.P().Class("hint").DataSet("testid", "pay-refusal").DataSet("code", p.code).Attr("role", "alert").Text(p.refusal),
		app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "pay-wallet").
			Aria("label", fmtText(payText.PayWith.In(l), total.String())).
			Disabled(p.busy || badTip).OnClick(p.pay).
			Text(map[bool]string{true: payText.Paying.In(l), false: fmtText(payText.PayWith.In(l), total.String())}[p.busy]),
	)
}
