package cashier

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// TopUpPage credits a member's wallet against cash taken at the counter:
// the member number (shown large on the diner's wallet page) and the
// amount on a numpad.
type TopUpPage struct {
	app.Compo
	base

	member string
	entry  string
	busy   bool
	// topUpID names the top-up until the server answered, so a second tap
	// after a lost answer cannot credit twice.
	topUpID string
	done    *wire.TopUp
}

// NewTopUp returns the top-up page.
func NewTopUp(api *client.Client) *TopUpPage { return &TopUpPage{base: base{api: api}} }

// OnNav checks the session.
func (p *TopUpPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Wallet top-up")
	p.begin(ctx, func(ctx app.Context) {})
}

func (p *TopUpPage) currency() string {
	if c := p.sess.Store.Currency; c != "" {
		return c
	}
	return "CNY"
}

func (p *TopUpPage) amount() money.Amount {
	a, err := widget.EntryAmount(p.entry, p.currency())
	if err != nil {
		return money.New(0, p.currency())
	}
	return a
}

func (p *TopUpPage) key(ctx app.Context, k string) {
	if k == widget.KeyEnter {
		p.submit(ctx, app.Event{})
		return
	}
	p.entry = widget.PressAmount(p.entry, k, money.Digits(p.currency()))
}

func (p *TopUpPage) submit(ctx app.Context, e app.Event) {
	member := widget.Digits(p.member)
	a := p.amount()
	if p.busy || member == "" || a.Minor <= 0 {
		return
	}
	if p.topUpID == "" {
		p.topUpID = p.api.NewID()
	}
	p.busy = true
	ctx = p.pg
	req := wire.TopUpRequest{TopUpID: p.topUpID, MemberID: member, Amount: a}
	ctx.Async(func() {
		t, err := p.api.TopUp(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				if _, ok := client.AsError(err); ok {
					p.topUpID = ""
				}
				p.fail(ctx, err)
				return
			}
			p.topUpID, p.entry, p.errMsg = "", "", ""
			p.done = &t
		})
	})
}

func (p *TopUpPage) again(ctx app.Context, e app.Event) {
	p.done, p.member, p.entry = nil, "", ""
}

// Render implements app.Composer.
func (p *TopUpPage) Render() app.UI {
	if p.done != nil {
		t := *p.done
		return p.shell("topup", "topup",
			app.Section().Class("panel", "done").DataSet("testid", "topup-done").Attr("role", "status").Body(
				app.P().Class("big").Text("Topped up"),
				app.Div().Class("due-row").Body(app.Span().Text("Member"), app.Span().DataSet("testid", "topup-done-member").Text(widget.GroupDigits(t.MemberID))),
				app.Div().Class("due-row").Body(app.Span().Text("Amount"), widget.Money("topup-done-amount", t.Amount)),
				app.Div().Class("due-row").Body(app.Span().Text("New balance"), widget.Money("topup-balance", t.Balance)),
				app.Div().Class("btn-row").Style("margin-top", "16px").Body(
					app.Button().Class("btn", "btn-primary", "btn-big").Type("button").DataSet("testid", "topup-again").OnClick(p.again).Text("Another top-up"),
					app.A().Class("btn", "btn-big").Href(PathBoard).DataSet("testid", "topup-board").Text("Back to tables"),
				),
			),
		)
	}
	cur := p.currency()
	shown := money.Symbol(cur) + p.entry
	if p.entry == "" {
		shown = money.Symbol(cur) + "0"
	}
	a := p.amount()
	return p.shell("topup", "topup",
		app.Div().Class("cash").OnKeyDown(widget.OnKeyboard(p.key)).Body(
			app.Section().Class("panel").Aria("label", "Member").Body(
				app.H1().Text("Wallet top-up"),
				app.P().Text("Take the cash, then credit the diner's QRPOS wallet. The member number is on their wallet page."),
				app.Label().Class("field").For("topup-member").Text("Member number"),
				app.Input().
					ID("topup-member").
					Class("text", "code-input").
					Type("text").
					Attr("inputmode", "numeric").
					AutoComplete(false).
					DataSet("testid", "topup-member").
					MaxLength(20).
					Placeholder("e.g. 1234 5678 90").
					Value(p.member).
					OnInput(func(ctx app.Context, e app.Event) { p.member = ctx.JSSrc().Get("value").String() }),
				app.Div().
					Class("entry", "money").
					DataSet("testid", "topup-entry").
					DataSet("minor", a.Minor).
					Attr("role", "status").
					Aria("live", "polite").
					Aria("label", "Amount "+a.String()).
					Text(shown),
			),
			app.Section().Class("panel").Aria("label", "Number pad").Body(
				widget.Numpad("topup", money.Digits(cur) > 0, p.key),
				app.Div().Style("margin-top", "12px").Body(
					app.Button().
						Class("btn", "btn-ok", "btn-big").
						Type("button").
						DataSet("testid", "topup-submit").
						Disabled(p.busy || widget.Digits(p.member) == "" || a.Minor <= 0).
						OnClick(p.submit).
						Text(map[bool]string{true: "Topping up…", false: "Top up " + a.String()}[p.busy]),
				),
			),
		),
	)
}
