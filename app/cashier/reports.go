package cashier

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/chart"
	"qrpos/internal/wire"
)

// Paths of the managers' money pages.
const (
	PathReports   = "/reports"
	PathReconcile = "/reconcile"
)

// ReportsPage shows a business day's X report (so far) or the Z report of
// a closed day: sales, voids, refunds, tips, tax, discounts, orders and
// average ticket, by payment and by category and item, with a chart of
// sales by hour. A manager prints it, closes the day (Z), exports CSV and
// sets where the business day begins.
type ReportsPage struct {
	app.Compo
	base

	day      string // "" is today
	rep      *wire.DayReport
	loading  bool
	confirm  bool // "close the day?" asked
	closing  bool
	settings wire.DaySettings
	saving   bool
	saved    bool
	from, to string // the export range
}

// NewReports returns the reports page.
func NewReports(api *client.Client) *ReportsPage { return &ReportsPage{base: base{api: api}} }

// OnNav loads today's report.
func (p *ReportsPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Reports")
	p.begin(ctx, func(ctx app.Context) {
		if !p.isManager() {
			return
		}
		p.load(ctx)
		ctx.Async(func() {
			d, err := p.api.DaySettings(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				if err == nil {
					p.settings = d
				}
			})
		})
	})
}

func (p *ReportsPage) load(ctx app.Context) {
	p.loading = true
	ctx = p.pg
	day := p.day
	ctx.Async(func() {
		rep, err := p.api.DayReport(ctx, day)
		ctx.Dispatch(func(ctx app.Context) {
			p.loading = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.rep = &rep
			p.day = rep.Day
			if p.from == "" {
				p.from, p.to = rep.Day, rep.Day
			}
		})
	})
}

func (p *ReportsPage) closeDay(ctx app.Context, e app.Event) {
	if p.closing || p.rep == nil {
		return
	}
	p.closing = true
	ctx = p.pg
	day := p.rep.Day
	ctx.Async(func() {
		rep, err := p.api.CloseDay(ctx, wire.CloseDayRequest{Day: day})
		ctx.Dispatch(func(ctx app.Context) {
			p.closing, p.confirm = false, false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.rep = &rep
		})
	})
}

func (p *ReportsPage) saveSettings(ctx app.Context, e app.Event) {
	if p.saving {
		return
	}
	p.saving, p.saved = true, false
	ctx = p.pg
	req := p.settings
	ctx.Async(func() {
		d, err := p.api.SetDaySettings(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.saving = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.settings, p.saved = d, true
			p.day = ""
			p.load(ctx)
		})
	})
}

// fieldInput is a labelled input of a report form whose testid is its id.
func fieldInput(id, label, typ, value string, set func(string)) app.UI {
	return app.Div().Class("field-row").Body(
		app.Label().Class("field").For(id).Text(label),
		app.Input().ID(id).Class("text").Type(typ).DataSet("testid", id).Value(value).
			OnChange(func(ctx app.Context, e app.Event) { set(ctx.JSSrc().Get("value").String()) }),
	)
}

func count(id string, n int) app.UI {
	return app.Span().DataSet("testid", id).DataSet("count", n).Text(strconv.Itoa(n))
}

// HourChart draws a report's sales by hour as inline SVG.
func HourChart(id string, hours []wire.HourSales) string {
	bars := make([]chart.Bar, len(hours))
	for i, h := range hours {
		bars[i] = chart.Bar{Label: h.Label, Value: h.Sales.Minor, Title: h.Sales.String()}
	}
	return chart.Bars(id, "Sales by hour", bars, 720, 160)
}

// Render implements app.Composer.
func (p *ReportsPage) Render() app.UI {
	if p.sess.Staff.ID != "" && !p.isManager() {
		return p.shell("reports", "reports", app.P().Class("empty").DataSet("testid", "reports-forbidden").Text("Only a manager can see the reports."))
	}
	if p.rep == nil {
		return p.shell("reports", "reports", loading("the report"))
	}
	r := *p.rep
	title := "X report · so far"
	if r.Final {
		title = "Z report · day closed"
	}
	store, api := p.sess.Store.Name, p.api
	return p.shell("reports", "reports",
		app.Div().Class("section-head").Body(
			app.H1().DataSet("testid", "report-title").DataSet("final", r.Final).Text(title),
			fieldInput("reports-day", "Business day", "date", p.day, func(v string) { p.day = v; p.load(p.pg) }),
		),
		app.P().DataSet("testid", "report-day").Text("Business day "+r.Day+" ("+r.TimeZone+")"),
		app.Section().Class("panel").Aria("label", "Sales").Body(
			app.H2().Text("Sales"),
			app.Div().Class("due-row").Body(app.Span().Text("Gross sales"), widget.Money("report-gross", r.GrossSales)),
			app.Div().Class("due-row").Body(app.Span().Text("Voids ("+strconv.Itoa(r.VoidCount)+")"), widget.Money("report-voids", r.Voids)),
			app.Div().Class("due-row").Body(app.Span().Text("Refunds ("+strconv.Itoa(r.RefundCount)+")"), widget.Money("report-refunds", r.Refunds)),
			app.Div().Class("due-row").Body(app.Span().Text("Discounts"), widget.Money("report-discounts", r.Discounts)),
			app.Div().Class("due-row", "big").Body(app.Span().Text("Net sales"), widget.Money("report-net", r.NetSales)),
			app.Div().Class("due-row").Body(app.Span().Text("Tips"), widget.Money("report-tips", r.Tips)),
			app.Div().Class("due-row").Body(app.Span().Text("Tax"), widget.Money("report-tax", r.Tax)),
			app.Div().Class("due-row").Body(app.Span().Text("Orders"), count("report-orders", r.Orders)),
			app.Div().Class("due-row").Body(app.Span().Text("Average ticket"), widget.Money("report-average", r.AverageTicket)),
			app.Div().Class("due-row").Body(app.Span().Text("Voided orders"), count("report-voided-orders", r.VoidedOrders)),
		),
		app.Section().Class("panel").Aria("label", "Sales by hour").Body(
			app.H2().Text("Sales by hour"),
			app.Div().DataSet("testid", "report-chart").Body(app.Raw(HourChart("report-chart-svg", r.Hours))),
		),
		app.Section().Class("panel").Aria("label", "By payment").Body(
			app.H2().Text("By payment"),
			app.Table().Class("report-table").Body(
				app.Tr().Body(app.Th().Text("Payment"), app.Th().Text("Payments"), app.Th().Text("Sales"), app.Th().Text("Voids"),
					app.Th().Text("Refunds"), app.Th().Text("Tips"), app.Th().Text("Net")),
				app.Range(r.Rails).Slice(func(i int) app.UI {
					rt := r.Rails[i]
					return app.Tr().DataSet("testid", "report-rail").DataSet("rail", rt.Rail).Body(
						app.Td().Text(wire.RailLabel(rt.Rail)), app.Td().Text(strconv.Itoa(rt.Payments)),
						app.Td().Body(widget.Money("report-rail-sales", rt.Sales)), app.Td().Body(widget.Money("report-rail-voids", rt.Voids)),
						app.Td().Body(widget.Money("report-rail-refunds", rt.Refunds)), app.Td().Body(widget.Money("report-rail-tips", rt.Tips)),
						app.Td().Body(widget.Money("report-rail-net", rt.Net)),
					)
				}),
			),
		),
		app.Section().Class("panel").Aria("label", "By category and item").Body(
			app.H2().Text("By category and item"),
			app.Table().Class("report-table").Body(
				app.Tr().Body(app.Th().Text("Item"), app.Th().Text("Qty"), app.Th().Text("Sales")),
				app.Range(r.Categories).Slice(func(i int) app.UI {
					c := r.Categories[i]
					return app.TBody().DataSet("testid", "report-category").DataSet("name", c.Name).Body(
						app.Tr().Class("total").Body(app.Td().Text(c.Name), app.Td().Text(strconv.Itoa(c.Qty)), app.Td().Body(widget.Money("report-category-sales", c.Sales))),
						app.Range(c.Items).Slice(func(j int) app.UI {
							it := c.Items[j]
							return app.Tr().DataSet("testid", "report-item").DataSet("item-id", it.ItemID).Body(
								app.Td().Text(it.Name), app.Td().Text(strconv.Itoa(it.Qty)), app.Td().Body(widget.Money("report-item-sales", it.Sales)))
						}),
					)
				}),
			),
		),
		app.Section().Class("panel").Aria("label", "Print and close").Body(
			app.Div().Class("btn-row").Body(
				&ReportPrint{API: api, TestID: "report-print", Label: "Print report",
					Doc: func() wire.ReportDoc { return r.Doc(store, localNow()) }},
				app.A().Class("btn").Href("/reports/day/"+r.Day).Target("_blank").DataSet("testid", "report-printable").
					Aria("label", "Open a printable page of this report (print or save as PDF)").Text("Printable page / PDF"),
				app.If(!r.Final && !p.confirm, func() app.UI {
					return app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "report-close-day").
						OnClick(func(ctx app.Context, e app.Event) { p.confirm = true }).Text("Close the day (Z report)")
				}),
				app.If(p.confirm, func() app.UI {
					return app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "report-close-confirm").
						Disabled(p.closing).OnClick(p.closeDay).Text("Yes, close business day " + r.Day + " for good")
				}),
			),
		),
		app.Section().Class("panel").Aria("label", "Exports").Body(
			app.H2().Text("Export (CSV)"),
			fieldInput("export-from", "From", "date", p.from, func(v string) { p.from = v }),
			fieldInput("export-to", "To", "date", p.to, func(v string) { p.to = v }),
			app.Div().Class("btn-row").Body(
				app.A().Class("btn").Href(client.ExportURL("orders", p.from, p.to)).Attr("download", "").DataSet("testid", "export-orders").Text("Orders"),
				app.A().Class("btn").Href(client.ExportURL("payments", p.from, p.to)).Attr("download", "").DataSet("testid", "export-payments").Text("Payments"),
				app.A().Class("btn").Href(client.ExportURL("ledger", p.from, p.to)).Attr("download", "").DataSet("testid", "export-ledger").Text("Ledger entries"),
			),
		),
		app.Section().Class("panel").Aria("label", "Business day").Body(
			app.H2().Text("Business day"),
			app.P().Text("The business day begins at the cut-off time, in the store's time zone: sales after midnight and before the cut-off belong to the evening before."),
			fieldInput("day-cutoff", "Cut-off (HH:MM)", "text", p.settings.Cutoff, func(v string) { p.settings.Cutoff = v; p.saved = false }),
			fieldInput("day-timezone", "Time zone", "text", p.settings.TimeZone, func(v string) { p.settings.TimeZone = v; p.saved = false }),
			app.Button().Class("btn").Type("button").DataSet("testid", "day-save").Disabled(p.saving).OnClick(p.saveSettings).Text("Save"),
			app.If(p.saved, func() app.UI {
				return app.Span().Class("hint").DataSet("testid", "day-saved").Attr("role", "status").Text("Saved.")
			}),
		),
	)
}

// ReconcilePage matches a business day's orders, payments, ledger entries
// and wallets, and lists every difference with a link to its record.
type ReconcilePage struct {
	app.Compo
	base

	day     string
	rec     *wire.Reconciliation
	running bool
}

// NewReconcile returns the reconciliation page.
func NewReconcile(api *client.Client) *ReconcilePage { return &ReconcilePage{base: base{api: api}} }

// OnNav reconciles today.
func (p *ReconcilePage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Reconciliation")
	p.begin(ctx, func(ctx app.Context) {
		if p.isManager() {
			p.run(ctx, app.Event{})
		}
	})
}

func (p *ReconcilePage) run(ctx app.Context, e app.Event) {
	if p.running {
		return
	}
	p.running = true
	ctx = p.pg
	day := p.day
	ctx.Async(func() {
		rec, err := p.api.Reconcile(ctx, day)
		ctx.Dispatch(func(ctx app.Context) {
			p.running = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.rec, p.day = &rec, rec.Day
		})
	})
}

// diffWords says what a kind of difference means.
func diffWords(kind string) string {
	switch kind {
	case "intent_without_entry":
		return "Payment with no ledger entry"
	case "entry_without_intent":
		return "Ledger entry with no payment"
	case "refund_mismatch":
		return "Refunds do not match their entries"
	case "order_payments":
		return "Paid order whose payments do not add up"
	case "wallet_balance":
		return "Wallet balance differs from its postings"
	case "entry_unbalanced":
		return "Ledger entry that does not balance"
	}
	return kind
}

// Render implements app.Composer.
func (p *ReconcilePage) Render() app.UI {
	if p.sess.Staff.ID != "" && !p.isManager() {
		return p.shell("reconcile", "reconcile", app.P().Class("empty").DataSet("testid", "reports-forbidden").Text("Only a manager can reconcile."))
	}
	var body app.UI = loading("the reconciliation")
	if p.rec != nil {
		rec := *p.rec
		if rec.Clean {
			body = app.P().Class("panel", "done").DataSet("testid", "reconcile-clean").Attr("role", "status").
				Text("Business day " + rec.Day + " is clean: orders, payments, ledger entries and wallets all match.")
		} else {
			body = app.Section().Class("panel").Aria("label", "Differences").Body(
				app.H2().DataSet("testid", "reconcile-count").DataSet("count", len(rec.Differences)).
					Text(strconv.Itoa(len(rec.Differences))+" differences in business day "+rec.Day),
				app.Ul().Class("diff-list").Body(app.Range(rec.Differences).Slice(func(i int) app.UI {
					d := rec.Differences[i]
					return app.Li().DataSet("testid", "reconcile-diff").DataSet("kind", d.Kind).DataSet("ref", d.Ref).Body(
						app.Strong().Text(diffWords(d.Kind)+": "),
						app.Span().Text(d.Detail+" (expected "+d.Want.String()+", found "+d.Got.String()+") "),
						app.A().Href(d.Link).DataSet("testid", "reconcile-link").Aria("label", "Open the record "+d.Ref).Text(d.Ref),
					)
				})),
			)
		}
	}
	return p.shell("reconcile", "reconcile",
		app.Div().Class("section-head").Body(
			app.H1().Text("Reconciliation"),
			fieldInput("reconcile-day", "Business day", "date", p.day, func(v string) { p.day = v }),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "reconcile-run").Disabled(p.running).
				OnClick(p.run).Text("Reconcile"),
		),
		body,
	)
}
