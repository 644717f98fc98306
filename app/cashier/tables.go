package cashier

import (
	"errors"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// PathTables is the Tables page: the QR stickers of the tables.
const PathTables = "/tables"

// TablesPage lets a manager print the tables' QR stickers: as an A4 sheet
// (PDF) or on the counter's receipt printer, all at once or one table, and
// revoke a table's sticker (after it was tampered with) to print a new one.
type TablesPage struct {
	app.Compo
	base

	store  string
	links  []wire.TableLink
	loaded bool

	revoking *wire.TableLink // asking to confirm
	revoke   *pending        // the revoke under way, kept until answered
	renewed  map[string]bool // tables whose sticker was replaced on this page

	prints map[string]*pending // by table id; "" is print all
}

// pending is a request whose idempotency key is kept until an answer
// arrives, so trying again after a network failure names the same request
// (and a print never prints twice).
type pending struct {
	key     string
	table   string
	sending bool
	failed  bool
	message string
}

// NewTables returns the Tables page.
func NewTables(api *client.Client) *TablesPage {
	return &TablesPage{base: base{api: api}, renewed: map[string]bool{}, prints: map[string]*pending{}}
}

// OnNav loads the tables' sticker links (managers only).
func (p *TablesPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Tables")
	p.begin(ctx, func(ctx app.Context) {
		if !p.isManager() {
			p.loaded = true
			return
		}
		ctx.Async(func() {
			list, err := p.api.TableLinks(ctx)
			// Which bridge prints is known from the bridge list.
			if err == nil {
				if err := p.api.Bridges().Refresh(ctx); err != nil {
					app.Log("bridges:", err)
				}
			}
			ctx.Dispatch(func(ctx app.Context) {
				if err != nil {
					p.fail(ctx, err)
					return
				}
				p.store, p.links, p.loaded = list.StoreName, list.Links, true
			})
		})
	})
}

// printer is the bridge stickers go to: this PC's or the first connected
// one; empty lets the server pick a bridge that prints on its own.
func (p *TablesPage) printer() string {
	if b, ok := p.api.Bridges().Target(); ok && b.Connected {
		return b.ID
	}
	return ""
}

// print sends one table's sticker (table set) or all of them to the
// receipt printer. After an error the same request is sent again.
func (p *TablesPage) print(table string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { p.startPrint(table) }
}

func (p *TablesPage) startPrint(table string) {
	a := p.prints[table]
	if a != nil && a.sending {
		return
	}
	if a == nil || !a.failed {
		a = &pending{key: p.api.NewID(), table: table}
		p.prints[table] = a
	}
	a.sending, a.failed, a.message = true, false, "Sending to the printer…"
	ctx := p.pg
	bridge := p.printer()
	ctx.Async(func() {
		res, err := p.api.PrintStickers(ctx, a.key, table, bridge)
		ctx.Dispatch(func(ctx app.Context) {
			a.sending = false
			if err != nil {
				if client.IsUnauthorized(err) {
					p.fail(ctx, err)
					return
				}
				a.failed, a.message = true, stickerPrintError(err)
				return
			}
			a.message = stickerPrintWords(res)
		})
	})
}

// stickerPrintWords says what the printer made of the stickers.
func stickerPrintWords(res wire.PrintStickerResult) string {
	var queued, dup, failed int
	for _, j := range res.Jobs {
		switch j.State {
		case wire.JobDuplicate:
			dup++
		case wire.JobFailed:
			failed++
		default:
			queued++
		}
	}
	switch {
	case failed > 0:
		return "The printer refused the sticker. Check the printer on the Devices page."
	case dup > 0 && queued == 0:
		return "Already sent to the printer: not printed again."
	case len(res.Jobs) == 1:
		return "Sticker sent to the printer."
	}
	return plural(queued, "sticker") + " sent to the printer."
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// stickerPrintError says why stickers did not reach the printer.
func stickerPrintError(err error) string {
	if e, ok := client.AsError(err); ok && e.Code == wire.CodeBridgeOffline {
		msg := sentence(e.Error())
		if !strings.Contains(msg, "download") {
			msg += ". You can also download the A4 stickers."
		}
		return msg
	}
	if errors.Is(err, client.ErrNetwork) {
		return "No connection to the server. Try again when it is back: nothing prints twice."
	}
	return Message(err) + " Trying again will not print twice."
}

func (p *TablesPage) askRevoke(l wire.TableLink) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.revoke == nil || !p.revoke.sending {
			p.revoking = &l
		}
	}
}

// cancelRevoke closes the dialog. A revoke that failed keeps its key for
// its table, so confirming it later cannot revoke twice.
func (p *TablesPage) cancelRevoke(ctx app.Context, e app.Event) {
	if p.revoke == nil || !p.revoke.sending {
		p.revoking = nil
	}
}

// confirmRevoke retires the table's sticker, shows the new one and sends
// it to the receipt printer.
func (p *TablesPage) confirmRevoke(ctx app.Context, e app.Event) {
	if p.revoking == nil || (p.revoke != nil && p.revoke.sending) {
		return
	}
	table := p.revoking.TableID
	if p.revoke == nil || p.revoke.table != table {
		p.revoke = &pending{key: p.api.NewID(), table: table}
	}
	r := p.revoke
	r.sending, r.message = true, ""
	ctx = p.pg
	ctx.Async(func() {
		l, err := p.api.RevokeTableLink(ctx, r.key, table)
		ctx.Dispatch(func(ctx app.Context) {
			r.sending = false
			if err != nil {
				if client.IsUnauthorized(err) {
					p.fail(ctx, err)
					return
				}
				// Keep the dialog and the key: confirming again retries
				// the same revoke.
				r.message = Message(err)
				if errors.Is(err, client.ErrNetwork) {
					r.message = "No connection to the server. Confirm again when it is back: the sticker is replaced only once."
				}
				return
			}
			p.revoke, p.revoking = nil, nil
			for i := range p.links {
				if p.links[i].TableID == l.TableID {
					p.links[i] = l
				}
			}
			p.renewed[l.TableID] = true
			delete(p.prints, l.TableID)
			p.startPrint(l.TableID)
		})
	})
}

// Render implements app.Composer.
func (p *TablesPage) Render() app.UI {
	if !p.loaded {
		return p.shell("tables", "tables", loading("tables"))
	}
	if !p.isManager() {
		return p.shell("tables", "tables",
			app.H1().Text("Tables"),
			app.P().Class("empty").DataSet("testid", "tables-forbidden").Text("Only a manager can print table stickers."),
		)
	}
	all := p.prints[""]
	return p.shell("tables", "tables",
		app.Div().Class("section-head").Body(
			app.H1().Text("Tables"),
		),
		app.P().Class("muted").Text("Each table's sticker carries a QR code diners scan to order. Print them on A4 sticker paper or on the receipt printer."),
		app.Div().Class("btn-row", "sticker-actions").Body(
			app.A().
				Class("btn", "btn-primary").
				Href(client.StickerSheetPath("")).
				Attr("download", "table-stickers.pdf").
				DataSet("testid", "tables-download-pdf").
				Aria("label", "Download the A4 stickers of all tables (PDF)").
				Text("Download A4 stickers (PDF)"),
			app.Button().
				Class("btn").
				Type("button").
				DataSet("testid", "tables-print-all").
				Aria("label", "Print the stickers of all tables on the receipt printer").
				Disabled(all != nil && all.sending).
				OnClick(p.print("")).
				Text("Print on receipt printer"),
		),
		p.status("tables-print-status", all),
		app.If(len(p.links) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "tables-empty").Text("This restaurant has no tables yet.")
		}),
		app.Div().Class("stickers").Body(
			app.Range(p.links).Slice(func(i int) app.UI { return p.card(p.links[i]) }),
		),
		app.If(p.revoking != nil, func() app.UI { return p.revokeDialog() }),
	)
}

func (p *TablesPage) status(testid string, a *pending) app.UI {
	if a == nil || a.message == "" {
		return nil
	}
	state := "done"
	switch {
	case a.sending:
		state = "sending"
	case a.failed:
		state = "error"
	}
	return app.P().Class("print-status").DataSet("testid", testid).DataSet("state", state).Attr("role", "status").Text(a.message)
}

func (p *TablesPage) card(l wire.TableLink) app.UI {
	a := p.prints[l.TableID]
	return app.Section().
		Class("sticker-card").
		DataSet("testid", "table-sticker").
		DataSet("table-id", l.TableID).
		DataSet("table-name", l.TableName).
		DataSet("gen", l.Gen).
		Aria("label", "Sticker of "+l.TableName).
		Body(
			widget.QR("table-sticker-qr", "QR code on the sticker of "+l.TableName, l.URL),
			app.P().Class("sticker-store").Text(p.store),
			app.H2().Class("sticker-table").DataSet("testid", "table-sticker-name").Text(l.TableName),
			app.If(p.renewed[l.TableID], func() app.UI {
				return app.P().Class("sticker-renewed").DataSet("testid", "table-sticker-renewed").Attr("role", "status").
					Text("New sticker: the old one no longer works. Put this one on the table.")
			}),
			app.Div().Class("btn-row").Body(
				app.Button().
					Class("btn").
					Type("button").
					DataSet("testid", "table-print").
					Aria("label", "Print the sticker of "+l.TableName+" on the receipt printer").
					Disabled(a != nil && a.sending).
					OnClick(p.print(l.TableID), app.EventScope(l.TableID)).
					Text("Print sticker"),
				app.A().
					Class("btn").
					Href(client.StickerSheetPath(l.TableID)).
					Attr("download", "table-sticker-"+l.TableID+".pdf").
					DataSet("testid", "table-download-pdf").
					Aria("label", "Download the sticker of "+l.TableName+" (PDF)").
					Text("PDF"),
				app.Button().
					Class("btn", "btn-danger").
					Type("button").
					DataSet("testid", "table-revoke").
					Aria("label", "Revoke the sticker of "+l.TableName+" and print a new one").
					OnClick(p.askRevoke(l), app.EventScope(l.TableID)).
					Text("Revoke and reprint"),
			),
			p.status("table-print-status", a),
		)
}

func (p *TablesPage) revokeDialog() app.UI {
	l := p.revoking
	busy := p.revoke != nil && p.revoke.sending
	msg := ""
	if p.revoke != nil {
		msg = p.revoke.message
	}
	return widget.Modal("revoke-sticker-dialog", "Replace the sticker of "+l.TableName+"?",
		app.P().Text("The sticker now on "+l.TableName+" stops working at once: a diner who scans it is told to ask the staff. "+
			"A new sticker with a new code is made and sent to the receipt printer; put it on the table."),
		app.If(msg != "", func() app.UI {
			return app.P().Class("error").DataSet("testid", "revoke-sticker-error").Attr("role", "alert").Text(msg)
		}),
		app.Div().Class("btn-row").Body(
			app.Button().Class("btn").Type("button").
				DataSet("testid", "revoke-sticker-cancel").
				Aria("label", "Keep the current sticker").
				Disabled(busy).
				OnClick(p.cancelRevoke).Text("Keep the sticker"),
			app.Button().Class("btn", "btn-danger").Type("button").
				DataSet("testid", "revoke-sticker-confirm").
				Aria("label", "Revoke the sticker of "+l.TableName+" and print a new one").
				Disabled(busy).
				OnClick(p.confirmRevoke).Text("Revoke and reprint"),
		),
	)
}
