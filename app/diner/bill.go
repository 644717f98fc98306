package diner

import (
	"context"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// BillPath is the bill of the phone's table (its table session cookie says
// which table): what was ordered, paid and is due, and how to pay it.
const BillPath = "/bill"

// Ways to pay on the bill page.
const (
	ModeWhole = "whole" // the whole bill (what is due)
	ModeEqual = "equal" // an equal share of N
	ModeItems = "items" // the items the diner had
)

// Tip choices on the bill page: a rate in basis points, or a typed amount.
const (
	BillTipNone   = "0"
	BillTip10     = "1000"
	BillTip15     = "1500"
	BillTipAmount = "amount"
)

// BillPage shows the table's bill and lets a diner pay all of it, an equal
// share or their items, with a tip, on the same pay page as the counter's
// QR. It follows the table's events, so every phone sees shares taken and
// paid.
type BillPage struct {
	app.Compo

	api  *client.Client
	pg   app.Context
	lang i18n.Lang

	bill    wire.Bill
	loaded  bool
	loadErr string
	ended   bool

	mode     string
	parts    int
	picked   map[string]bool
	tip      string
	tipTyped string

	busy    string // what is being sent: "split" or a share id
	key     string // idempotency key of the request being sent
	keyFor  string // what key was made for
	refusal string
	code    string
	cancel  context.CancelFunc
	loadSeq int
	doneSeq int
}

// NewBill returns the bill page.
func NewBill(api *client.Client) *BillPage {
	return &BillPage{api: api, mode: ModeEqual, parts: 2, tip: BillTipNone, picked: map[string]bool{}}
}

// billText are the page's strings.
var billText = struct {
	Title, Loading, NoTable, Ended, Nothing, Items, Total, Paid, Due, Tips, Settled, SettledMsg, HowPay, Whole, Equal,
	ItemsMode, People, Fewer, More, Split, PickItems, Shares, Pay, PaidBadge, Paying, Open, Stale, TipLegend,
	NoTip, TipAmount, TipEntry, TipBad, AlreadyPaid, BillChanged, Busy, NoConn, TipLabel, PayWhole, EachPays,
	Rest, YourItems, ShareOf, InShare i18n.Text
}{
	Title:       i18n.Text{En: "Bill", Zh: "账单"},
	Loading:     i18n.Text{En: "Loading the bill…", Zh: "正在加载账单…"},
	NoTable:     i18n.Text{En: "Scan the QR code on your table to see its bill.", Zh: "请扫描餐桌上的二维码查看账单。"},
	Ended:       i18n.Text{En: "This table was cleared. Scan the QR code on the table again.", Zh: "本桌已清台，请重新扫描桌上的二维码。"},
	Nothing:     i18n.Text{En: "Nothing has been ordered at this table yet.", Zh: "本桌还没有点餐。"},
	Items:       i18n.Text{En: "Items", Zh: "菜品"},
	Total:       i18n.Text{En: "Total", Zh: "合计"},
	Paid:        i18n.Text{En: "Paid", Zh: "已付"},
	Due:         i18n.Text{En: "To pay", Zh: "待付"},
	Tips:        i18n.Text{En: "Tips", Zh: "小费"},
	Settled:     i18n.Text{En: "Paid in full", Zh: "已全部付清"},
	SettledMsg:  i18n.Text{En: "Thank you! The bill is settled.", Zh: "谢谢！账单已结清。"},
	HowPay:      i18n.Text{En: "How do you want to pay?", Zh: "您想怎么付？"},
	Whole:       i18n.Text{En: "Whole bill", Zh: "全部付"},
	Equal:       i18n.Text{En: "Split equally", Zh: "平均分摊"},
	ItemsMode:   i18n.Text{En: "My items", Zh: "按菜品付"},
	People:      i18n.Text{En: "people", Zh: "人"},
	Fewer:       i18n.Text{En: "One person fewer", Zh: "减少一人"},
	More:        i18n.Text{En: "One person more", Zh: "增加一人"},
	Split:       i18n.Text{En: "Split the bill", Zh: "分账"},
	PickItems:   i18n.Text{En: "Tick what you had", Zh: "勾选您点的菜"},
	Shares:      i18n.Text{En: "Shares", Zh: "分账"},
	Pay:         i18n.Text{En: "Pay", Zh: "支付"},
	PaidBadge:   i18n.Text{En: "Paid", Zh: "已付"},
	Paying:      i18n.Text{En: "Being paid", Zh: "支付中"},
	Open:        i18n.Text{En: "Open", Zh: "待付"},
	Stale:       i18n.Text{En: "The bill changed. Choose how to split it again.", Zh: "账单已变更，请重新选择分账方式。"},
	TipLegend:   i18n.Text{En: "Add a tip?", Zh: "加小费吗？"},
	NoTip:       i18n.Text{En: "No tip", Zh: "不加"},
	TipAmount:   i18n.Text{En: "Amount", Zh: "金额"},
	TipEntry:    i18n.Text{En: "Tip", Zh: "小费"},
	TipBad:      i18n.Text{En: "Type the tip as an amount, at most your share, e.g. 5 or 5.50.", Zh: "请输入小费金额（不超过您的份额），例如 5 或 5.50。"},
	AlreadyPaid: i18n.Text{En: "This share is already paid. Nothing more to pay for it.", Zh: "这一份已经付过了，无需再付。"},
	BillChanged: i18n.Text{En: "The bill changed. Choose how to split it again.", Zh: "账单已变更，请重新选择分账方式。"},
	Busy:        i18n.Text{En: "Someone is paying this share right now.", Zh: "有人正在支付这一份。"},
	NoConn:      i18n.Text{En: "No connection. Check the phone's internet and try again.", Zh: "网络连接失败，请检查手机网络后重试。"},
	TipLabel:    i18n.Text{En: "Tip", Zh: "小费"},
	PayWhole:    i18n.Text{En: "Pay the whole bill", Zh: "支付全部账单"},
	EachPays:    i18n.Text{En: "Each pays about", Zh: "每人约付"},
	Rest:        i18n.Text{En: "The rest", Zh: "其余部分"},
	YourItems:   i18n.Text{En: "Items", Zh: "所选菜品"},
	ShareOf:     i18n.Text{En: "Share %d of %d", Zh: "第 %d 份，共 %d 份"},
	InShare:     i18n.Text{En: "in a share", Zh: "已分"},
}

func (p *BillPage) t(x i18n.Text) string { return x.In(p.lang) }

var txtPayHere = i18n.Text{En: "Pay the bill from this phone", Zh: "用手机买单"}

// payAtTable links the table page to the bill page.
func payAtTable(l i18n.Lang) app.UI {
	return app.A().Class("btn", "btn-ok", "btn-big").Href(BillPath).DataSet("testid", "diner-pay-bill").
		Aria("label", txtPayHere.In(l)).Text(txtPayHere.In(l))
}

// OnNav loads the bill and follows the table.
func (p *BillPage) OnNav(ctx app.Context) {
	p.pg = ctx
	p.lang = i18n.Current(ctx)
	i18n.SetDocumentLang(p.lang)
	ctx.Page().SetTitle(p.t(billText.Title) + " · QRPOS")
	if app.IsServer {
		return
	}
	p.load(ctx)
	if p.cancel == nil {
		lctx, cancel := context.WithCancel(ctx)
		p.cancel = cancel
		ctx.Async(func() {
			p.api.LiveAt(lctx, "/ws/diner", func(ev wire.Event) {
				ctx.Dispatch(func(ctx app.Context) { p.onEvent(ctx, ev) })
			}, func(bool) {})
		})
	}
}

// OnDismount stops following the table.
func (p *BillPage) OnDismount() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

func (p *BillPage) onEvent(ctx app.Context, ev wire.Event) {
	switch {
	case ev.Type == wire.EventTableCleared:
		p.ended = true
	case ev.Type == wire.EventHello, ev.Type == wire.EventOrderUpdated, ev.Type == wire.EventBillUpdated,
		strings.HasPrefix(ev.Type, "payment."):
		p.load(ctx)
	}
}

// load fetches the bill; only the newest answer is applied.
func (p *BillPage) load(ctx app.Context) {
	p.loadSeq++
	seq := p.loadSeq
	ctx.Async(func() {
		b, err := p.api.DinerBill(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if seq < p.doneSeq {
				return
			}
			p.doneSeq = seq
			if err != nil {
				p.loadErr = p.loadRefusal(err)
				return
			}
			p.apply(b)
		})
	})
}

func (p *BillPage) apply(b wire.Bill) {
	p.bill, p.loaded, p.loadErr = b, true, ""
	for id := range p.picked {
		if !hasLine(b.Lines, id) || TakenLines(b)[id] {
			delete(p.picked, id)
		}
	}
}

func hasLine(ls []wire.Line, id string) bool {
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}

func (p *BillPage) loadRefusal(err error) string {
	e, ok := client.AsError(err)
	switch {
	case !ok:
		return p.t(billText.NoConn)
	case e.Code == wire.CodeTableSessionEnded:
		p.ended = true
		return p.t(billText.Ended)
	case e.Code == wire.CodeUnauthorized:
		return p.t(billText.NoTable)
	case e.Code == wire.CodeNotFound:
		return p.t(billText.Nothing)
	}
	return e.Error()
}

// refuse turns an error of a split or payment into plain words.
func (p *BillPage) refuse(err error) {
	e, ok := client.AsError(err)
	p.code = ""
	switch {
	case !ok:
		p.refusal = p.t(billText.NoConn)
		return
	case e.Code == wire.CodeAlreadyPaid:
		p.refusal = p.t(billText.AlreadyPaid)
	case e.Code == wire.CodeBillChanged:
		p.refusal = p.t(billText.BillChanged)
	case e.Code == wire.CodePaymentActive:
		p.refusal = p.t(billText.Busy)
	default:
		p.refusal = e.Error()
	}
	p.code = e.Code
	p.key = "" // a refusal is an answer: the next try is a new request
}

// keyOf returns the idempotency key of the request named what, kept until
// an answer arrives so that a retry after a lost answer is the same request.
func (p *BillPage) keyOf(what string) string {
	if p.key == "" || p.keyFor != what {
		p.key, p.keyFor = p.api.NewID(), what
	}
	return p.key
}

// TakenLines are the lines already in an items share that is paid or
// being paid: a line belongs to at most one of them.
func TakenLines(b wire.Bill) map[string]bool {
	out := map[string]bool{}
	for _, sh := range b.Shares {
		if sh.Kind == wire.ShareItems && (sh.Status == wire.SharePaid || sh.Status == wire.SharePaying) {
			for _, id := range sh.LineIDs {
				out[id] = true
			}
		}
	}
	return out
}

// ShareLabel names a share for the diner.
func ShareLabel(l i18n.Lang, sh wire.Share) string {
	switch sh.Kind {
	case wire.ShareItems:
		return billText.YourItems.In(l)
	case wire.ShareRest:
		return billText.Rest.In(l)
	}
	if sh.Parts == 1 {
		return billText.Whole.In(l)
	}
	f := billText.ShareOf.In(l)
	f = strings.Replace(f, "%d", strconv.Itoa(sh.Position), 1)
	return strings.Replace(f, "%d", strconv.Itoa(sh.Parts), 1)
}

// BillTip computes the tip on a share: a rate in basis points (rounded
// half up, as the server does) or a typed amount of at most the share. It
// returns the request to send and false when a typed amount cannot be
// used.
func BillTip(share money.Amount, choice, typed string) (money.Amount, wire.PayShareRequest, bool) {
	zero := money.New(0, share.Currency)
	if choice == BillTipAmount {
		typed = strings.TrimSpace(typed)
		if typed == "" {
			return zero, wire.PayShareRequest{}, true
		}
		a, err := money.ParseDecimal(typed, share.Currency)
		if err != nil || a.Minor < 0 || a.Minor > share.Minor {
			return zero, wire.PayShareRequest{}, false
		}
		return a, wire.PayShareRequest{Tip: &a}, true
	}
	bp, err := strconv.Atoi(choice)
	if err != nil || bp <= 0 {
		return zero, wire.PayShareRequest{}, true
	}
	return money.New((share.Minor*int64(bp)+5000)/10000, share.Currency), wire.PayShareRequest{TipBP: bp}, true
}

// split asks the server to split what is due: into p.parts equal shares,
// the whole bill (one share), or the picked items and the rest.
func (p *BillPage) split(ctx app.Context, req wire.SplitRequest, then func(ctx app.Context, b wire.Bill)) {
	if p.busy != "" {
		return
	}
	key := p.keyOf("split")
	req.SplitID = "sp-" + key
	p.busy, p.refusal, p.code = "split", "", ""
	ctx = p.pg
	ctx.Async(func() {
		b, err := p.api.DinerSplit(ctx, key, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = ""
			if err != nil {
				p.refuse(err)
				return
			}
			p.key = ""
			p.apply(b)
			if then != nil {
				then(ctx, b)
			}
		})
	})
}

func (p *BillPage) onSplit(ctx app.Context, e app.Event) {
	switch p.mode {
	case ModeEqual:
		p.split(ctx, wire.SplitRequest{Parts: p.parts}, nil)
	case ModeItems:
		var ids []string
		for _, l := range p.bill.Lines {
			if p.picked[l.ID] {
				ids = append(ids, l.ID)
			}
		}
		if len(ids) == 0 {
			return
		}
		p.split(ctx, wire.SplitRequest{LineIDs: ids}, func(ctx app.Context, b wire.Bill) {
			p.picked = map[string]bool{}
		})
	}
}

// payWhole makes the whole due one share and pays it.
func (p *BillPage) payWhole(ctx app.Context, e app.Event) {
	p.split(ctx, wire.SplitRequest{Parts: 1}, func(ctx app.Context, b wire.Bill) {
		for _, sh := range b.Shares {
			if sh.Kind == wire.ShareEqual && sh.Parts == 1 && sh.Status == wire.ShareOpen {
				p.pay(ctx, sh)
			}
		}
	})
}

// pay starts the payment of a share with the chosen tip and opens the pay
// page of its token.
func (p *BillPage) pay(ctx app.Context, sh wire.Share) {
	_, req, ok := BillTip(sh.Amount, p.tip, p.tipTyped)
	if !ok || p.busy != "" {
		return
	}
	key := p.keyOf("pay:" + sh.ID)
	req.IntentID = "pi-" + key
	p.busy, p.refusal, p.code = sh.ID, "", ""
	ctx = p.pg
	ctx.Async(func() {
		sp, err := p.api.DinerPayShare(ctx, key, sh.ID, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = ""
			if err != nil {
				p.refuse(err)
				p.load(ctx)
				return
			}
			p.key = ""
			ctx.Navigate(sp.Path)
		})
	})
}

func (p *BillPage) setLang(l i18n.Lang) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.lang = l
		i18n.Choose(ctx, l)
		ctx.Page().SetTitle(p.t(billText.Title) + " · QRPOS")
	}
}

// Render implements app.Composer.
func (p *BillPage) Render() app.UI {
	return app.Div().Class("phone-page").DataSet("testid", "page-bill").Body(
		app.Header().Class("phone-head").Body(
			app.Span().Class("brand").Text("QRPOS · "+p.t(billText.Title)),
			app.Span().Class("lang").Attr("role", "group").Aria("label", "Language / 语言").Body(
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "bill-lang").DataSet("lang", "zh").
					Aria("pressed", p.lang == i18n.Zh).Aria("label", "中文").OnClick(p.setLang(i18n.Zh)).Text("中文"),
				app.Button().Class("lang-btn").Type("button").DataSet("testid", "bill-lang").DataSet("lang", "en").
					Aria("pressed", p.lang == i18n.En).Aria("label", "English").OnClick(p.setLang(i18n.En)).Text("EN"),
			),
		),
		app.Main().Class("phone-main").Body(p.body()),
	)
}

func (p *BillPage) body() app.UI {
	switch {
	case p.ended:
		return app.Section().Class("panel", "failed").DataSet("testid", "bill-error").Attr("role", "alert").Body(app.P().Text(p.t(billText.Ended)))
	case p.loadErr != "" && !p.loaded:
		return app.Section().Class("panel", "failed").DataSet("testid", "bill-error").Attr("role", "alert").Body(app.P().Text(p.loadErr))
	case !p.loaded:
		return app.P().Class("loading").DataSet("testid", "loading").Attr("role", "status").Text(p.t(billText.Loading))
	}
	b := p.bill
	settled := b.Status == wire.OrderClosed || b.Status == wire.OrderPaid
	return app.Div().Body(
		p.renderLines(),
		app.If(settled, func() app.UI {
			return app.Section().Class("panel", "done").DataSet("testid", "bill-settled").Attr("role", "status").Body(
				app.P().Class("big").Text(p.t(billText.Settled)),
				app.P().Text(p.t(billText.SettledMsg)),
			)
		}),
		app.If(!settled && b.Stale, func() app.UI {
			return app.P().Class("hint").DataSet("testid", "bill-stale").Attr("role", "alert").Text(p.t(billText.Stale))
		}),
		app.If(len(b.Shares) > 0, func() app.UI { return p.renderShares(settled) }),
		app.If(!settled, func() app.UI { return p.renderTip() }),
		app.If(!settled, func() app.UI { return p.renderHow() }),
		app.P().Class("hint").DataSet("testid", "bill-refusal").DataSet("code", p.code).Attr("role", "alert").Text(p.refusal),
	)
}

func (p *BillPage) renderLines() app.UI {
	b := p.bill
	taken := TakenLines(b)
	picking := p.mode == ModeItems && b.Status != wire.OrderClosed && b.Status != wire.OrderPaid
	where := b.TableName
	return app.Section().Class("panel").Aria("label", p.t(billText.Items)).Body(
		app.H1().DataSet("testid", "bill-store").Text(b.StoreName),
		app.P().Class("muted").Body(
			app.Span().DataSet("testid", "bill-table").Text(where),
			app.Text(" · "),
			app.Span().DataSet("testid", "bill-order-number").Text("#"+strconv.Itoa(b.OrderNumber)),
		),
		app.Ul().Class("lines").DataSet("testid", "bill-lines").Body(
			app.Range(b.Lines).Slice(func(i int) app.UI {
				l := b.Lines[i]
				id := "bill-item-" + l.ID
				return app.Li().Class("line").DataSet("testid", "bill-line").DataSet("line-id", l.ID).DataSet("line-name", l.Name).Body(
					app.If(picking, func() app.UI {
						return app.Input().Type("checkbox").ID(id).DataSet("testid", "bill-item-check").DataSet("line-id", l.ID).
							Checked(p.picked[l.ID]).Disabled(taken[l.ID]).
							OnChange(func(ctx app.Context, e app.Event) { p.picked[l.ID] = ctx.JSSrc().Get("checked").Bool() }, app.EventScope(l.ID))
					}),
					app.Label().For(id).Class("lname").Text(strconv.Itoa(l.Qty)+" × "+l.Name),
					app.If(taken[l.ID], func() app.UI { return app.Span().Class("muted").Text(" · " + p.t(billText.InShare)) }),
					app.Span().Class("ltotal").Body(widget.Money("bill-line-total", l.Total)),
				)
			}),
		),
		app.Dl().Class("totals").Body(
			app.Dt().Text(p.t(billText.Total)), app.Dd().Body(widget.Money("bill-total", b.Totals.Total)),
			app.Dt().Text(p.t(billText.Paid)), app.Dd().Body(widget.Money("bill-paid", b.Totals.Paid)),
			app.If(b.Totals.Tips.Minor != 0, func() app.UI { return app.Dt().Text(p.t(billText.Tips)) }),
			app.If(b.Totals.Tips.Minor != 0, func() app.UI { return app.Dd().Body(widget.Money("bill-tips", b.Totals.Tips)) }),
			app.Dt().Class("grand").Text(p.t(billText.Due)), app.Dd().Class("grand").Body(widget.Money("bill-due", b.Totals.Due)),
		),
	)
}

func (p *BillPage) renderShares(settled bool) app.UI {
	b := p.bill
	return app.Section().Class("panel").Aria("label", p.t(billText.Shares)).DataSet("testid", "bill-shares").Body(
		app.H2().Text(p.t(billText.Shares)),
		app.Ul().Class("shares").Body(
			app.Range(b.Shares).Slice(func(i int) app.UI {
				sh := b.Shares[i]
				label := ShareLabel(p.lang, sh)
				status := map[string]i18n.Text{wire.SharePaid: billText.PaidBadge, wire.SharePaying: billText.Paying}[sh.Status]
				if status.En == "" {
					status = billText.Open
				}
				tip, _, okTip := BillTip(sh.Amount, p.tip, p.tipTyped)
				payable := !settled && !b.Stale && sh.Status != wire.SharePaid
				return app.Li().Class("share").DataSet("testid", "bill-share").DataSet("share-id", sh.ID).DataSet("status", sh.Status).
					DataSet("kind", sh.Kind).Body(
					app.Span().Class("lname").DataSet("testid", "bill-share-label").Text(label),
					widget.Money("bill-share-amount", sh.Amount),
					app.If(sh.Tip.Minor != 0, func() app.UI {
						return app.Span().Class("muted").Body(app.Text(" + "+p.t(billText.TipLabel)+" "), widget.Money("bill-share-tip", sh.Tip))
					}),
					app.Span().Class("badge").DataSet("testid", "bill-share-status").Text(p.t(status)),
					app.If(payable, func() app.UI {
						total := money.New(sh.Amount.Minor+tip.Minor, sh.Amount.Currency)
						return app.Button().Class("btn", "btn-ok").Type("button").DataSet("testid", "bill-share-pay").DataSet("share-id", sh.ID).
							Aria("label", p.t(billText.Pay)+" "+label+" "+total.String()).
							Disabled(p.busy != "" || !okTip).
							OnClick(func(ctx app.Context, e app.Event) { p.pay(ctx, sh) }, app.EventScope(sh.ID)).
							Text(p.t(billText.Pay) + " " + total.String())
					}),
				)
			}),
		),
	)
}

func (p *BillPage) renderTip() app.UI {
	tipButton := func(choice, label string) app.UI {
		return app.Button().Class("choice").Type("button").DataSet("testid", "bill-tip").DataSet("tip", choice).
			Aria("pressed", p.tip == choice).Aria("label", p.t(billText.TipLabel)+" "+label).
			OnClick(func(ctx app.Context, e app.Event) { p.tip = choice }, app.EventScope(choice)).Text(label)
	}
	_, _, ok := BillTip(money.New(p.bill.Totals.Due.Minor, p.bill.Totals.Due.Currency), p.tip, p.tipTyped)
	return app.Section().Class("panel").Aria("label", p.t(billText.TipLegend)).Body(
		app.FieldSet().Class("group").Body(
			app.Legend().Text(p.t(billText.TipLegend)),
			app.Div().Class("choices").Attr("role", "group").Aria("label", p.t(billText.TipLegend)).Body(
				tipButton(BillTipNone, p.t(billText.NoTip)),
				tipButton(BillTip10, "10%"),
				tipButton(BillTip15, "15%"),
				tipButton(BillTipAmount, p.t(billText.TipAmount)),
			),
			app.If(p.tip == BillTipAmount, func() app.UI {
				return app.Div().Body(
					app.Label().Class("field").For("bill-tip-entry").Text(p.t(billText.TipEntry)+" ("+money.Symbol(p.bill.Totals.Due.Currency)+")"),
					app.Input().ID("bill-tip-entry").Class("text").Type("text").Attr("inputmode", "decimal").
						DataSet("testid", "bill-tip-entry").MaxLength(10).Value(p.tipTyped).
						OnInput(func(ctx app.Context, e app.Event) { p.tipTyped = ctx.JSSrc().Get("value").String() }),
				)
			}),
			app.If(!ok, func() app.UI {
				return app.P().Class("hint").DataSet("testid", "bill-tip-error").Attr("role", "alert").Text(p.t(billText.TipBad))
			}),
		),
	)
}

func (p *BillPage) renderHow() app.UI {
	modeButton := func(mode, label string) app.UI {
		return app.Button().Class("choice").Type("button").DataSet("testid", "bill-mode").DataSet("mode", mode).
			Aria("pressed", p.mode == mode).Aria("label", label).
			OnClick(func(ctx app.Context, e app.Event) { p.mode = mode }, app.EventScope(mode)).Text(label)
	}
	due := p.bill.Totals.Due
	var body app.UI
	switch p.mode {
	case ModeWhole:
		body = app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "bill-pay-whole").
			Aria("label", p.t(billText.PayWhole)+" "+due.String()).Disabled(p.busy != "").OnClick(p.payWhole).
			Text(p.t(billText.PayWhole) + " " + due.String())
	case ModeItems:
		n := 0
		for _, v := range p.picked {
			if v {
				n++
			}
		}
		body = app.Div().Body(
			app.P().Class("muted").Text(p.t(billText.PickItems)),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bill-split").
				Aria("label", p.t(billText.Split)).Disabled(p.busy != "" || n == 0).OnClick(p.onSplit).Text(p.t(billText.Split)),
		)
	default:
		each := money.New(0, due.Currency)
		if p.parts > 0 && due.Minor > 0 {
			each = money.New((due.Minor+int64(p.parts)-1)/int64(p.parts), due.Currency)
		}
		body = app.Div().Body(
			app.Div().Class("parts").Attr("role", "group").Aria("label", p.t(billText.People)).Body(
				app.Button().Class("choice").Type("button").DataSet("testid", "bill-parts-dec").Aria("label", p.t(billText.Fewer)).
					Disabled(p.parts <= 2).OnClick(func(ctx app.Context, e app.Event) { p.parts = max(p.parts-1, 2) }).Text("−"),
				app.Span().Class("parts-n").DataSet("testid", "bill-parts").DataSet("parts", p.parts).Attr("aria-live", "polite").
					Text(strconv.Itoa(p.parts)+" "+p.t(billText.People)),
				app.Button().Class("choice").Type("button").DataSet("testid", "bill-parts-inc").Aria("label", p.t(billText.More)).
					Disabled(p.parts >= 20).OnClick(func(ctx app.Context, e app.Event) { p.parts = min(p.parts+1, 20) }).Text("+"),
			),
			app.P().Class("muted").Body(app.Text(p.t(billText.EachPays)+" "), widget.Money("bill-each", each)),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bill-split").
				Aria("label", p.t(billText.Split)).Disabled(p.busy != "").OnClick(p.onSplit).Text(p.t(billText.Split)),
		)
	}
	return app.Section().Class("panel").Aria("label", p.t(billText.HowPay)).Body(
		app.FieldSet().Class("group").Body(
			app.Legend().Text(p.t(billText.HowPay)),
			app.Div().Class("choices").Attr("role", "group").Aria("label", p.t(billText.HowPay)).Body(
				modeButton(ModeWhole, p.t(billText.Whole)),
				modeButton(ModeEqual, p.t(billText.Equal)),
				modeButton(ModeItems, p.t(billText.ItemsMode)),
			),
		),
		body,
	)
}
