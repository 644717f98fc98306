// Package cashier holds the cashier's pages of the QRPOS PWA: login with a
// PIN, the live order board, the order editor (with its modifier dialog), the
// cash tender, today's order history and the staff page. Pages are small
// go-app components: I/O runs in ctx.Async and its result is applied in
// ctx.Dispatch; the session and the menu are shared between pages as named
// states.
package cashier

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// Named states shared between pages.
const (
	// StateSession holds the wire.Session of the logged-in cashier.
	StateSession = "qrpos.session"
	// StateMenu holds the wire.Menu, fetched once per session.
	StateMenu = "qrpos.menu"
)

// Paths of the pages.
const (
	PathLogin   = "/login"
	PathBoard   = "/board"
	PathHistory = "/history"
	PathStaff   = "/staff"
	PathTopUp   = "/topup"
)

// OrderPath returns the path of the order editor of order id.
func OrderPath(id string) string { return "/orders/" + id }

// CashPath returns the path of the cash tender page of order id.
func CashPath(id string) string { return "/orders/" + id + "/cash" }

// Route patterns of the order pages (for app.RouteWithRegexp).
const (
	OrderPattern = `^/orders/[0-9A-Za-z_-]+$`
	CashPattern  = `^/orders/[0-9A-Za-z_-]+/cash$`
)

// orderIDFromPath extracts the order id from /orders/{id}[/cash].
func orderIDFromPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/orders/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// base is what every signed-in page shares: the API client, the session and
// the error shown in the toast.
type base struct {
	api  *client.Client
	sess wire.Session

	errMsg   string
	errOrder string // the order an error points at (a busy table's order)

	// pg is the page's own context (from OnNav). Work started by an event
	// handler dispatches its result through pg, not through the handler's
	// context: go-app drops a Dispatch whose source element was removed
	// meanwhile (a dialog closed, a line deleted, a category switched).
	pg app.Context
}

// Message turns an error into words for the cashier.
func Message(err error) string {
	if e, ok := client.AsError(err); ok {
		return sentence(e.Error())
	}
	if errors.Is(err, client.ErrNetwork) {
		return "No connection to the server. The change is kept on this tablet and will be sent again."
	}
	if errors.Is(err, context.Canceled) {
		return ""
	}
	return sentence(err.Error())
}

// sentence starts s with a capital letter (Go errors, and the server's
// messages, start in lower case).
func sentence(s string) string {
	if s == "" {
		return "Something went wrong."
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fail shows err, or goes to the login page when the session is over. It
// runs on the UI goroutine.
func (b *base) fail(ctx app.Context, err error) {
	if err == nil {
		b.errMsg, b.errOrder = "", ""
		return
	}
	if client.IsUnauthorized(err) {
		ctx.DelState(StateSession)
		ctx.Navigate(PathLogin)
		return
	}
	b.errMsg = Message(err)
	b.errOrder = ""
	if e, ok := client.AsError(err); ok && e.Code == wire.CodeTableBusy {
		b.errOrder = e.OrderID
	}
}

// begin runs load once the session is known, from the shared state or asked
// from the server. It does nothing while the server prerenders the page.
func (b *base) begin(ctx app.Context, load func(app.Context)) {
	b.pg = ctx
	if app.IsServer {
		return
	}
	var s wire.Session
	ctx.GetState(StateSession, &s)
	if s.Staff.ID != "" {
		b.sess = s
		b.flush(ctx)
		load(ctx)
		return
	}
	ctx.Async(func() {
		s, err := b.api.Session(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				b.fail(ctx, err)
				return
			}
			b.sess = s
			ctx.SetState(StateSession, s)
			b.flush(ctx)
			load(ctx)
		})
	})
}

// flush sends again whatever the outbox still holds.
func (b *base) flush(ctx app.Context) {
	ctx.Async(func() {
		if _, err := b.api.Flush(ctx); err != nil {
			app.Log("outbox flush:", err)
		}
	})
}

func (b *base) logout(ctx app.Context, e app.Event) {
	ctx = b.pg
	ctx.Async(func() {
		err := b.api.Logout(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil && !client.IsUnauthorized(err) {
				b.fail(ctx, err)
				return
			}
			ctx.DelState(StateSession)
			ctx.DelState(StateMenu)
			ctx.Navigate(PathLogin)
		})
	})
}

func (b *base) dismiss(ctx app.Context, e app.Event) { b.errMsg, b.errOrder = "", "" }

func (b *base) openErrOrder(ctx app.Context, e app.Event) {
	id := b.errOrder
	b.errMsg, b.errOrder = "", ""
	if id != "" {
		ctx.Navigate(OrderPath(id))
	}
}

// isManager reports whether the session may manage staff.
func (b *base) isManager() bool {
	r := b.sess.Staff.Role
	return r == wire.RoleManager || r == wire.RoleOwner
}

// shell wraps a page: update banner, top bar with navigation and logout, the
// content and the error toast.
func (b *base) shell(page, active string, content ...app.UI) app.UI {
	link := func(id, label, href string) app.UI {
		a := app.A().Class("navlink").Href(href).DataSet("testid", "nav-"+id).Text(label)
		if id == active {
			a = a.Class("active").Aria("current", "page")
		}
		return a
	}
	who := b.sess.Staff.Name
	if b.sess.Store.Name != "" {
		who += " · " + b.sess.Store.Name
	}
	action := ""
	if b.errOrder != "" {
		action = "Open order"
	}
	return app.Div().
		Class("shell").
		DataSet("testid", "page-"+page).
		Body(
			&widget.UpdateBanner{},
			app.Header().Class("topbar").Body(
				app.Span().Class("brand").Text("QRPOS"),
				app.Nav().Aria("label", "Main").Body(
					link("board", "Board", PathBoard),
					link("history", "History", PathHistory),
					link("topup", "Top-up", PathTopUp),
					link("devices", "Devices", PathDevices),
					link("shift", "Shift", PathShift),
					app.If(b.isManager(), func() app.UI { return link("staff", "Staff", PathStaff) }),
					app.If(b.isManager(), func() app.UI { return link("tables", "Tables", PathTables) }),
					app.If(b.isManager(), func() app.UI { return link("backoffice", "Back office", PathBackoffice) }),
					app.If(b.isManager(), func() app.UI { return link("reports", "Reports", PathReports) }),
					app.If(b.isManager(), func() app.UI { return link("reconcile", "Reconcile", PathReconcile) }),
				),
				&BridgeBadge{API: b.api},
				app.Span().Class("who").DataSet("testid", "topbar-user").Text(who),
				app.Button().
					Class("navlink").
					Type("button").
					DataSet("testid", "nav-logout").
					OnClick(b.logout).
					Text("Log out"),
			),
			app.Main().Class("page").Body(content...),
			widget.Toast(b.errMsg, action, b.openErrOrder, b.dismiss),
		)
}

// loading is the placeholder shown until a page's data arrives.
func loading(what string) app.UI {
	return app.Div().Class("loading").DataSet("testid", "loading").Attr("role", "status").Text("Loading " + what + "…")
}

// liveLink owns a page's event stream: started on mount, stopped on
// dismount.
type liveLink struct {
	cancel  context.CancelFunc
	up      bool
	unwatch func() // scans of this PC's local bridge (bridges.go)
}

// start opens the stream unless it is open; on runs on the UI goroutine.
func (l *liveLink) start(ctx app.Context, api *client.Client, on func(app.Context, wire.Event)) {
	if app.IsServer || l.cancel != nil {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	l.cancel = cancel
	l.unwatch = watchLocalScans(ctx, api, on)
	ctx.Async(func() {
		api.Live(lctx,
			func(ev wire.Event) {
				if api.Bridges().Event(ev) {
					return // a relayed scan the local bridge delivered already
				}
				ctx.Dispatch(func(ctx app.Context) { on(ctx, ev) })
			},
			func(up bool) {
				ctx.Dispatch(func(ctx app.Context) { l.up = up })
				if up {
					// The network is back: send what is waiting.
					if _, err := api.Flush(lctx); err != nil {
						app.Log("outbox flush:", err)
					}
				}
			})
	})
}

func (l *liveLink) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	if l.unwatch != nil {
		l.unwatch()
		l.unwatch = nil
	}
}

// liveBadge shows whether the page receives live updates.
func (l *liveLink) badge() app.UI {
	if l.up {
		return app.Span().Class("live", "on").DataSet("testid", "live-status").DataSet("live", "on").Attr("role", "status").Text("● Live")
	}
	return app.Span().Class("live", "off").DataSet("testid", "live-status").DataSet("live", "off").Attr("role", "status").Text("○ Connecting…")
}

// clock formats t as the tablet's local hour and minute (Go's WebAssembly
// runtime knows only UTC, so the offset comes from the browser).
func clock(t time.Time) string {
	if app.IsClient {
		off := app.Window().Get("Date").New(float64(t.UnixMilli())).Call("getTimezoneOffset").Int()
		return t.In(time.FixedZone("", -off*60)).Format("15:04")
	}
	return t.Local().Format("15:04")
}

// active reports whether an order is still on the board.
func active(status string) bool {
	return status == wire.OrderOpen || status == wire.OrderSent || status == wire.OrderPaid
}

// statusLabel is the word shown for an order status.
func statusLabel(status string) string {
	switch status {
	case wire.OrderOpen:
		return "Open"
	case wire.OrderSent:
		return "Sent"
	case wire.OrderPaid:
		return "Paid"
	case wire.OrderClosed:
		return "Closed"
	case wire.OrderVoid:
		return "Void"
	}
	return status
}
