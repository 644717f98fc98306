// Package wallet is the diner's QRPOS wallet page: open a wallet on this
// phone, see the balance and the member number (for top-ups at the
// counter), show the payment code (QR and digits, a new one every 30 s,
// made offline from the secret kept on the phone), confirm charges above
// the password-free limit, and see recent movements.
package wallet

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/paycode"
	"qrpos/internal/wire"
)

// Path of the wallet page.
const Path = "/wallet"

// Page is the wallet page.
type Page struct {
	app.Compo

	api    *client.Client
	pg     app.Context
	tick   widget.Ticker
	cancel context.CancelFunc

	dev    wire.WalletDevice
	hasDev bool
	name   string

	w        wire.Wallet
	loaded   bool
	online   bool
	msg      string
	creating bool
	now      time.Time
	code     string
	codeErr  string
	loading  bool
	loadGen  int // the newest load; older answers are dropped
	// answering holds the ids of charges being approved or declined.
	answering map[string]bool
	lang      i18n.Lang
}

// NewPage returns the wallet page.
func NewPage(api *client.Client) *Page { return &Page{api: api} }

// OnNav loads the wallet kept on this phone, if any.
func (p *Page) OnNav(ctx app.Context) {
	p.lang = i18n.Current(ctx)
	ctx.Page().SetTitle(txt.Title.In(p.lang))
	p.pg = ctx
	p.now = time.Now()
	if app.IsServer {
		return
	}
	p.dev, p.hasDev = Load(ctx)
	p.refreshCode()
	p.tick.Start(ctx, time.Second, func(ctx app.Context, now time.Time) {
		p.now = now
		p.refreshCode()
	})
	if p.hasDev {
		p.follow(ctx)
	}
}

// OnDismount stops the clock and the event stream.
func (p *Page) OnDismount() {
	p.tick.Stop()
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// Code returns the payment code of a wallet device at t, from the secret as
// the server provisioned it (base64).
func Code(d wire.WalletDevice, t time.Time) (string, error) {
	secret, err := base64.StdEncoding.DecodeString(d.Secret)
	if err != nil {
		return "", err
	}
	return paycode.WalletCode(d.Device, secret, t)
}

func (p *Page) refreshCode() {
	if !p.hasDev {
		return
	}
	c, err := Code(p.dev, p.now)
	if err != nil {
		p.code, p.codeErr = "", "This phone cannot make payment codes: "+err.Error()
		return
	}
	p.code, p.codeErr = c, ""
}

// follow loads the wallet and keeps it current with /ws/wallet.
func (p *Page) follow(ctx app.Context) {
	p.load(ctx)
	if p.cancel != nil {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	ctx.Async(func() {
		p.api.LiveAt(lctx, "/ws/wallet", func(ev wire.Event) {
			ctx.Dispatch(func(ctx app.Context) {
				switch ev.Type {
				case wire.EventHello, wire.EventPaymentPending, wire.EventPaymentSucceeded, wire.EventPaymentFailed, wire.EventPaymentRefunded,
					wire.EventWalletUpdated:
					p.load(ctx)
				}
			})
		}, func(up bool) { ctx.Dispatch(func(ctx app.Context) { p.online = up }) })
	})
}

// load asks for the wallet. Loads may overlap (an event arrives while one
// is under way) and answer out of order: only the newest answer counts,
// so an old balance never overwrites a new one.
func (p *Page) load(ctx app.Context) {
	ctx = p.pg
	cred := p.dev.Credential
	p.loading = true
	p.loadGen++
	gen := p.loadGen
	ctx.Async(func() {
		w, err := p.api.Wallet(ctx, cred)
		ctx.Dispatch(func(ctx app.Context) {
			if gen != p.loadGen {
				return
			}
			p.loading = false
			if err != nil {
				if client.IsUnauthorized(err) {
					p.msg = "The server does not know this wallet any more. Open a new one."
					p.hasDev = false
					return
				}
				// Offline: the code still works, the balance may be old.
				p.msg = "Offline: the balance may be out of date. The payment code still works."
				return
			}
			p.w, p.loaded, p.msg = w, true, ""
		})
	})
}

func (p *Page) create(ctx app.Context, e app.Event) {
	if p.creating {
		return
	}
	p.creating = true
	ctx = p.pg
	name := p.name
	ctx.Async(func() {
		d, err := p.api.NewWallet(ctx, wire.NewWalletRequest{Name: name})
		ctx.Dispatch(func(ctx app.Context) {
			p.creating = false
			if err != nil {
				p.msg = sentence(err)
				return
			}
			if err := Save(ctx, d); err != nil {
				p.msg = "This phone could not keep the wallet: " + err.Error()
			}
			p.dev, p.hasDev = d, true
			p.refreshCode()
			p.follow(ctx)
		})
	})
}

func sentence(err error) string {
	s := err.Error()
	if e, ok := client.AsError(err); ok {
		s = e.Error()
	}
	if s == "" {
		return "Something went wrong."
	}
	return string(s[0]&^0x20) + s[1:]
}

func (p *Page) answer(in wire.Intent, approve bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.answering[in.ID] {
			return
		}
		if p.answering == nil {
			p.answering = make(map[string]bool)
		}
		p.answering[in.ID] = true
		ctx = p.pg
		cred := p.dev.Credential
		ctx.Async(func() {
			_, err := p.api.Confirm(ctx, cred, in.ID, approve)
			ctx.Dispatch(func(ctx app.Context) {
				delete(p.answering, in.ID)
				if err != nil {
					p.msg = sentence(err)
				}
				p.load(ctx)
			})
		})
	}
}

// Render implements app.Composer.
func (p *Page) Render() app.UI {
	l := p.lang
	return app.Div().Class("phone-page").DataSet("testid", "page-wallet").Body(
		app.Header().Class("phone-head").Body(
			app.Span().Class("brand").Text(txt.Title.In(l)),
			app.Span().Class("lang").Attr("role", "group").Aria("label", "Language / 语言").Body(
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "wallet-lang").DataSet("lang", "zh").
					Aria("pressed", l == i18n.Zh).Aria("label", "中文").OnClick(p.setLang(i18n.Zh)).Text("中文"),
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "wallet-lang").DataSet("lang", "en").
					Aria("pressed", l == i18n.En).Aria("label", "English").OnClick(p.setLang(i18n.En)).Text("EN"),
			),
		),
		app.Main().Class("phone-main").Body(
			app.If(p.msg != "", func() app.UI {
				return app.P().Class("hint").DataSet("testid", "wallet-message").Attr("role", "alert").Text(p.msg)
			}),
			p.body(),
		),
	)
}

func (p *Page) setLang(l i18n.Lang) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.lang = l
		i18n.Choose(ctx, l)
		ctx.Page().SetTitle(txt.Title.In(l))
	}
}

func (p *Page) body() app.UI {
	l := p.lang
	if !p.hasDev {
		return app.Section().Class("panel").DataSet("testid", "wallet-new").Body(
			app.H1().Text(txt.OpenTitle.In(l)),
			app.P().Text(txt.Intro.In(l)),
			app.Label().Class("field").For("wallet-name").Text(txt.Name.In(l)),
			app.Input().ID("wallet-name").Class("text").Type("text").DataSet("testid", "wallet-name").MaxLength(40).
				Value(p.name).OnInput(func(ctx app.Context, e app.Event) { p.name = ctx.JSSrc().Get("value").String() }),
			app.Button().Class("btn", "btn-primary", "btn-big").Type("button").Style("margin-top", "12px").
				DataSet("testid", "wallet-create").Disabled(p.creating).OnClick(p.create).
				Text(map[bool]string{true: txt.Opening.In(l), false: txt.Open.In(l)}[p.creating]),
		)
	}
	left := widget.SecondsLeft(p.now, widget.NextStep(p.now, paycode.WalletStep))
	balance := p.w.Balance
	if balance.Currency == "" {
		balance = money.New(0, p.dev.Currency)
	}
	return app.Div().Body(
		app.Section().Class("panel", "wallet-head").Body(
			app.Div().Class("due-row").Body(app.Span().Text(txt.Balance.In(l)),
				app.Span().DataSet("testid", "wallet-balance-box").DataSet("loaded", p.loaded).Body(widget.Money("wallet-balance", balance))),
			app.P().Class("muted").Text(txt.Member.In(l)),
			app.P().Class("member-number").DataSet("testid", "wallet-member").DataSet("member", p.dev.MemberID).Text(widget.GroupDigits(p.dev.MemberID)),
		),
		app.Range(p.w.Pending).Slice(func(i int) app.UI { return p.renderPending(p.w.Pending[i]) }),
		app.Section().Class("panel", "paycode").Aria("label", txt.Code.In(l)).Body(
			app.H2().Text(txt.Code.In(l)),
			app.P().Class("muted").Text(txt.CodeHelp.In(l)),
			app.If(p.code != "", func() app.UI {
				return widget.QR("wallet-code-qr", txt.Code.In(l)+" "+widget.GroupDigits(p.code), p.code)
			}),
			app.P().Class("code-digits").DataSet("testid", "wallet-code-digits").Aria("label", txt.CodeDigits.In(l)).Text(widget.GroupDigits(p.code)),
			app.P().Class("countdown").DataSet("testid", "wallet-code-countdown").DataSet("seconds", left).
				Text(strings.Replace(txt.NewCodeIn.In(l), "%d", strconv.Itoa(left), 1)),
			app.If(p.codeErr != "", func() app.UI { return app.P().Class("hint").Text(p.codeErr) }),
		),
		app.Section().Class("panel").Aria("label", txt.Recent.In(l)).Body(
			app.H2().Text(txt.Recent.In(l)),
			app.If(len(p.w.Recent) == 0, func() app.UI {
				return app.P().Class("empty").DataSet("testid", "wallet-no-movements").Text(txt.Nothing.In(l))
			}),
			app.Ul().Class("lines").Body(app.Range(p.w.Recent).Slice(func(i int) app.UI {
				m := p.w.Recent[i]
				return app.Li().Class("line").DataSet("testid", "wallet-movement").DataSet("kind", m.Kind).Body(
					app.Span().Class("lname").Text(kindLabel(m.Kind, l)),
					app.Span().Class("ltotal").Body(widget.Money("wallet-movement-amount", m.Amount)),
				)
			})),
		),
	)
}

func (p *Page) renderPending(in wire.Intent) app.UI {
	left := 0
	if in.Deadline != nil {
		left = widget.SecondsLeft(p.now, *in.Deadline)
	}
	busy := p.answering[in.ID]
	total := money.New(in.Amount.Minor+in.Tip.Minor, in.Amount.Currency)
	l := p.lang
	return app.Section().Class("panel", "confirm").DataSet("testid", "wallet-pending").DataSet("intent-id", in.ID).Attr("role", "alert").Body(
		app.H2().Text(txt.Confirm.In(l)),
		app.Div().Class("due-row").Body(app.Span().Text(txt.Amount.In(l)), widget.Money("wallet-pending-amount", total)),
		app.P().Class("countdown").DataSet("testid", "wallet-pending-countdown").DataSet("seconds", left).Text(strings.Replace(txt.AnswerIn.In(l), "%d", strconv.Itoa(left), 1)),
		app.Div().Class("btn-row").Body(
			app.Button().Class("btn", "btn-danger", "btn-big").Type("button").DataSet("testid", "wallet-decline").
				Aria("label", txt.Decline.In(l)+" "+total.String()).
				Disabled(busy).OnClick(p.answer(in, false), app.EventScope(in.ID, "no")).Text(txt.Decline.In(l)),
			app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "wallet-approve").
				Aria("label", txt.Approve.In(l)+" "+total.String()).
				Disabled(busy).OnClick(p.answer(in, true), app.EventScope(in.ID, "yes")).Text(txt.Approve.In(l)),
		),
	)
}

func kindLabel(k string, l i18n.Lang) string {
	switch k {
	case "topup":
		return txt.TopUp.In(l)
	case "charge":
		return txt.Payment.In(l)
	case "refund":
		return txt.Refund.In(l)
	case "reversal":
		return txt.Voided.In(l)
	}
	return k
}
