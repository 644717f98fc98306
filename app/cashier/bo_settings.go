package cashier

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// BOSettingsPage edits the store's settings: name and address printed on
// receipts, currency, the public address of QR links, auto-print and
// auto-send to the kitchen, and the wallet's limits (with the
// password-free threshold).
type BOSettingsPage struct {
	app.Compo
	boBase

	loaded bool
	st     wire.Settings
	limits [3]string // single, daily, password-free, as typed
}

// NewBOSettings returns the settings form.
func NewBOSettings(api *client.Client) *BOSettingsPage {
	return &BOSettingsPage{boBase: boBase{base: base{api: api}}}
}

// limitsRail is the rail whose limits the form edits: the built-in wallet
// (external rails' limits are set per rail through the API).
const limitsRail = "wallet"

// OnNav loads the settings.
func (p *BOSettingsPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Settings")
	p.follow(ctx, &p.loaded, p.reload, wire.EventSettingsUpdated)
}

// OnDismount stops the event stream.
func (p *BOSettingsPage) OnDismount() { p.live.stop() }

func (p *BOSettingsPage) reload(ctx app.Context) {
	ctx.Async(func() {
		st, err := p.api.Settings(ctx)
		var l wire.Limits
		if err == nil {
			l, err = p.api.Limits(ctx, limitsRail)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.st, p.loaded = st, true
			p.limits = [3]string{l.SingleMax.Decimal(), l.DailyMax.Decimal(), l.PasswordFree.Decimal()}
		})
	})
}

func (p *BOSettingsPage) save(ctx app.Context, e app.Event) {
	st := p.st
	st.EffectivePublicURL = ""
	p.run("settings", "settings", func(ctx context.Context) error {
		_, err := p.api.SaveSettings(ctx, st)
		return err
	})
}

func (p *BOSettingsPage) saveLimits(ctx app.Context, e app.Event) {
	cur := p.st.Currency
	var l [3]money.Amount
	for i, s := range p.limits {
		a, err := money.ParseDecimal(s, cur)
		if err != nil {
			p.formErr = formError{form: "limits", msg: "Enter each limit as an amount, 0 for none."}
			return
		}
		l[i] = a
	}
	p.run("limits", "limits", func(ctx context.Context) error {
		_, err := p.api.SaveLimits(ctx, limitsRail, wire.Limits{SingleMax: l[0], DailyMax: l[1], PasswordFree: l[2]})
		return err
	})
}

// Render implements app.Composer.
func (p *BOSettingsPage) Render() app.UI {
	if !p.loaded {
		return p.shell("bo-settings", "backoffice", loading("settings"))
	}
	autoPrint := "bridge"
	if p.st.AutoPrint != nil {
		autoPrint = map[bool]string{true: "on", false: "off"}[*p.st.AutoPrint]
	}
	return p.boShell("bo-settings", "settings",
		app.H1().Text("Settings"),
		app.Section().Class("panel").Aria("label", "Restaurant").DataSet("testid", "bo-settings-form").Body(
			input("bo-set-name", "bo-settings-name", "Restaurant name (on receipts)", p.st.Name, func(v string) { p.st.Name = v }),
			input("bo-set-address", "bo-settings-address", "Address (on receipts)", p.st.Address, func(v string) { p.st.Address = v }),
			input("bo-set-currency", "bo-settings-currency", "Currency (ISO 4217, e.g. CNY)", p.st.Currency, func(v string) { p.st.Currency = v }),
			input("bo-set-url", "bo-settings-public-url", "Public address of QR links (empty: "+orText(p.st.EffectivePublicURL, "the address the tablet uses")+")",
				p.st.PublicURL, func(v string) { p.st.PublicURL = v }),
			app.Div().Class("bo-field").Body(
				app.Label().Class("field").For("bo-set-autoprint").Text("Print receipts and kitchen tickets automatically"),
				app.Select().ID("bo-set-autoprint").DataSet("testid", "bo-settings-auto-print").
					OnChange(func(ctx app.Context, e app.Event) {
						switch v := ctx.JSSrc().Get("value").String(); v {
						case "on", "off":
							b := v == "on"
							p.st.AutoPrint = &b
						default:
							p.st.AutoPrint = nil
						}
					}).
					Body(
						app.Option().Value("bridge").Selected(autoPrint == "bridge").Text("As each bridge is set up"),
						app.Option().Value("on").Selected(autoPrint == "on").Text("On, on every bridge"),
						app.Option().Value("off").Selected(autoPrint == "off").Text("Off"),
					),
			),
			checkbox("bo-settings-auto-send", "Send diners' orders to the kitchen automatically", p.st.AutoSend, func(v bool) { p.st.AutoSend = v }),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-settings-save").
				Disabled(p.busy != "").OnClick(p.save).Text("Save settings"),
			app.If(p.lastSaved == "settings", func() app.UI {
				return app.P().Class("saved").DataSet("testid", "bo-settings-saved").Attr("role", "status").Text("Saved.")
			}),
			p.errorFor("settings"),
		),
		app.Section().Class("panel").Aria("label", "Wallet limits").DataSet("testid", "bo-limits-form").Body(
			app.H2().Text("QRPOS wallet limits (0: none)"),
			input("bo-lim-single", "bo-limits-single", "Largest single payment", p.limits[0], func(v string) { p.limits[0] = v }),
			input("bo-lim-daily", "bo-limits-daily", "Per payer per day", p.limits[1], func(v string) { p.limits[1] = v }),
			input("bo-lim-free", "bo-limits-password-free", "Password-free up to", p.limits[2], func(v string) { p.limits[2] = v }),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-limits-save").
				Disabled(p.busy != "").OnClick(p.saveLimits).Text("Save limits"),
			app.If(p.lastSaved == "limits", func() app.UI {
				return app.P().Class("saved").DataSet("testid", "bo-limits-saved").Attr("role", "status").Text("Saved.")
			}),
			p.errorFor("limits"),
		),
	)
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// BOAuditPage lists the audit log with filters by action, staff and dates.
type BOAuditPage struct {
	app.Compo
	boBase

	loaded  bool
	log     wire.AuditLog
	staff   []wire.StaffInfo
	q       client.AuditQuery
	applied client.AuditQuery
}

// NewBOAudit returns the audit log page.
func NewBOAudit(api *client.Client) *BOAuditPage {
	return &BOAuditPage{boBase: boBase{base: base{api: api}}}
}

// OnNav loads the log.
func (p *BOAuditPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Audit log")
	p.begin(ctx, func(ctx app.Context) {
		if !p.isManager() {
			p.loaded = true
			return
		}
		p.load(ctx)
		p.live.start(ctx, p.api, func(ctx app.Context, ev wire.Event) {})
	})
}

// OnDismount stops the event stream.
func (p *BOAuditPage) OnDismount() { p.live.stop() }

func (p *BOAuditPage) load(ctx app.Context) {
	q := p.q
	ctx.Async(func() {
		log, err := p.api.Audit(ctx, q)
		var staff []wire.StaffInfo
		if err == nil && p.staff == nil {
			staff, err = p.api.Staff(ctx)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.refused(ctx, "audit", err)
				return
			}
			p.formErr = formError{}
			p.log, p.applied, p.loaded = log, q, true
			if staff != nil {
				p.staff = staff
			}
		})
	})
}

func (p *BOAuditPage) filter(ctx app.Context, e app.Event) { p.load(p.pg) }

// Render implements app.Composer.
func (p *BOAuditPage) Render() app.UI {
	if !p.loaded {
		return p.shell("bo-audit", "backoffice", loading("audit log"))
	}
	actions := []app.UI{app.Option().Value("").Selected(p.q.Action == "").Text("All actions")}
	for _, a := range p.log.Actions {
		actions = append(actions, app.Option().Value(a).Selected(a == p.q.Action).Text(a))
	}
	staff := []app.UI{app.Option().Value("").Selected(p.q.StaffID == "").Text("Everyone")}
	for _, s := range p.staff {
		staff = append(staff, app.Option().Value(s.ID).Selected(s.ID == p.q.StaffID).Text(s.Name))
	}
	return p.boShell("bo-audit", "audit",
		app.H1().Text("Audit log"),
		app.P().Class("muted").Text("Refunds, voids, price changes, staff changes, settings and drawer openings without a sale. Nobody can edit or delete an entry."),
		app.Section().Class("panel").Aria("label", "Filters").Body(
			app.Div().Class("bo-add").Body(
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-audit-action").Text("Action"),
					app.Select().ID("bo-audit-action").DataSet("testid", "bo-audit-action").
						OnChange(func(ctx app.Context, e app.Event) { p.q.Action = ctx.JSSrc().Get("value").String() }).Body(actions...),
				),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-audit-staff").Text("Staff"),
					app.Select().ID("bo-audit-staff").DataSet("testid", "bo-audit-staff").
						OnChange(func(ctx app.Context, e app.Event) { p.q.StaffID = ctx.JSSrc().Get("value").String() }).Body(staff...),
				),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-audit-from").Text("From"),
					app.Input().ID("bo-audit-from").Type("date").DataSet("testid", "bo-audit-from").Value(p.q.From).
						OnChange(func(ctx app.Context, e app.Event) { p.q.From = ctx.JSSrc().Get("value").String() }),
				),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-audit-to").Text("To"),
					app.Input().ID("bo-audit-to").Type("date").DataSet("testid", "bo-audit-to").Value(p.q.To).
						OnChange(func(ctx app.Context, e app.Event) { p.q.To = ctx.JSSrc().Get("value").String() }),
				),
				app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-audit-apply").OnClick(p.filter).Text("Show"),
			),
			p.errorFor("audit"),
		),
		app.If(len(p.log.Entries) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "bo-audit-empty").Text("Nothing recorded that matches.")
		}),
		app.Div().Class("table-wrap").Body(app.Table().Class("data").DataSet("testid", "bo-audit-table").DataSet("count", len(p.log.Entries)).Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("When"),
				app.Th().Scope("col").Text("Who"),
				app.Th().Scope("col").Text("Action"),
				app.Th().Scope("col").Text("On"),
				app.Th().Scope("col").Text("Detail"),
				app.Th().Scope("col").Text("Reason"),
			)),
			app.TBody().Body(app.Range(p.log.Entries).Slice(func(i int) app.UI {
				e := p.log.Entries[i]
				return app.Tr().DataSet("testid", "bo-audit-row").DataSet("action", e.Action).DataSet("staff-id", e.StaffID).Body(
					app.Td().Text(e.At.Format(time.DateOnly)+" "+clock(e.At)),
					app.Td().Text(e.StaffName),
					app.Td().Text(e.Action),
					app.Td().Text(e.Target),
					app.Td().Text(e.Detail),
					app.Td().Text(e.Reason),
				)
			})),
		)),
	)
}

// DrawerButton opens the cash drawer without a sale, with a reason, on the
// store's counter bridge. The server records it in the audit log.
type DrawerButton struct {
	app.Compo
	API *client.Client

	open   bool
	reason string
	busy   bool
	key    string // idempotency key of the opening in progress
	msg    string
	done   bool
}

func (d *DrawerButton) submit(ctx app.Context, e app.Event) {
	if d.busy {
		return
	}
	if d.key == "" {
		d.key = d.API.NewID()
	}
	d.busy, d.msg = true, ""
	key, reason := d.key, d.reason
	ctx.Async(func() {
		err := d.API.Bridges().Refresh(ctx)
		var st wire.JobStatus
		if err == nil {
			b, ok := d.API.Bridges().Target()
			if !ok {
				err = &client.Error{Status: 409, ErrorBody: wire.ErrorBody{Code: wire.CodeConflict, Message: "no counter bridge is paired; pair one under Devices"}}
			} else {
				st, err = d.API.OpenDrawer(ctx, key, wire.OpenDrawerRequest{BridgeID: b.ID, Reason: reason})
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			d.busy = false
			if err != nil {
				d.msg = Message(err)
				if _, ok := client.AsError(err); ok {
					d.key = "" // answered: the next try is a new opening
				}
				return
			}
			d.key, d.reason, d.open, d.done = "", "", false, st.State != wire.JobFailed
			if !d.done {
				d.msg = "The printer could not open the drawer: " + st.Error
			}
		})
	})
}

// Render implements app.Composer.
func (d *DrawerButton) Render() app.UI {
	return app.Span().Body(
		app.Button().Class("btn").Type("button").DataSet("testid", "drawer-open").
			Aria("label", "Open the cash drawer without a sale").
			OnClick(func(ctx app.Context, e app.Event) { d.open, d.msg, d.done = true, "", false }).Text("Open drawer"),
		app.If(d.done, func() app.UI {
			return app.Span().Class("saved").DataSet("testid", "drawer-done").Attr("role", "status").Text(" Drawer opened.")
		}),
		app.If(d.open, func() app.UI {
			return widget.Modal("drawer-dialog", "Open the drawer without a sale",
				app.Label().Class("field").For("drawer-reason").Text("Reason (recorded in the audit log)"),
				app.Input().ID("drawer-reason").Class("text").Type("text").DataSet("testid", "drawer-reason").MaxLength(200).Value(d.reason).
					OnInput(func(ctx app.Context, e app.Event) { d.reason = ctx.JSSrc().Get("value").String() }),
				app.If(d.msg != "", func() app.UI {
					return app.P().Class("form-error").Attr("role", "alert").DataSet("testid", "drawer-error").Text(d.msg)
				}),
				app.Div().Class("btn-row").Body(
					app.Button().Class("btn").Type("button").DataSet("testid", "drawer-cancel").
						OnClick(func(ctx app.Context, e app.Event) { d.open, d.key = false, "" }).Text("Cancel"),
					app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "drawer-confirm").
						Disabled(d.busy).OnClick(d.submit).Text(map[bool]string{true: "Opening…", false: "Open drawer"}[d.busy]),
				),
			)
		}),
	)
}
