package diner

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/choice"
	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/app/widget"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// TablePattern is the route pattern of a table's sticker link: /t/{link}.
const TablePattern = `^/t/[0-9A-Za-z_.~=-]+$`

// Views of the table page.
const (
	viewMenu   = "menu"
	viewCart   = "cart"
	viewStatus = "status"
)

// snapshot is what a phone keeps of its table between visits (go-app
// state, persisted): a repeat visit shows the menu at once, and a reload
// without a connection still shows it.
type snapshot struct {
	Table wire.DinerTable `json:"table"`
	Menu  wire.DinerMenu  `json:"menu"`
}

// TablePage is what a diner's phone shows after scanning a table's
// sticker: the menu by category, the cart, and the table's order as it
// goes from received to the kitchen to served, with buttons to call the
// waiter or ask for the bill. Every phone of the table sees the others'
// dishes appear live.
type TablePage struct {
	app.Compo

	api  *client.Client
	pg   app.Context
	lang i18n.Lang

	link     string
	table    wire.DinerTable
	menu     wire.DinerMenu
	joined   bool // the server confirmed this visit
	hasMenu  bool
	linkErr  string
	ended    bool // the staff cleared the table
	offline  bool
	view     string
	category string

	cart      Cart
	picking   *wire.Item
	sel       choice.Selection
	pickQty   int
	pickNote  string
	sending   bool
	sendErr   string
	calling   string // kind of the service request being sent
	callNote  string
	cancelRun context.CancelFunc

	// prerendered: rendered by the server for the page's script
	// (prerender.go): every category's dishes, add buttons disabled until
	// the script wires them.
	prerendered bool
	pendingAdds []ssrAdd // added on the prerendered page before the join
}

// NewTable returns the table page.
func NewTable(api *client.Client) *TablePage { return &TablePage{api: api, view: viewMenu} }

func stateKey(link string) string   { return "qrpos.diner.table." + link }
func cartKey(session string) string { return "qrpos.diner.cart." + session }

// OnNav joins the table of the link in the path.
func (p *TablePage) OnNav(ctx app.Context) {
	p.pg = ctx
	p.link = strings.TrimPrefix(ctx.Page().URL().Path, wire.TableLinkPath)
	p.lang = i18n.Current(ctx)
	ctx.Page().SetTitle(tr(txtTitle, p.lang))
	if app.IsServer {
		// The server's page answer carries a Link header preloading the
		// diner's wasm (server/httpapi/web.go).
		return
	}
	i18n.SetDocumentLang(p.lang)
	var snap snapshot
	ctx.GetState(stateKey(p.link), &snap)
	if snap.Table.TableSessionID != "" {
		p.table, p.menu, p.hasMenu = snap.Table, snap.Menu, len(snap.Menu.Items) > 0
		p.loadCart(ctx)
	} else if d, ok := ssrData(); ok && d.Link == p.link {
		// Started on the server's page before its script joined the
		// table: show its menu while joining.
		p.table, p.menu, p.hasMenu = d.Table, d.Menu, true
	}
	p.applyHandoff(ctx, takeHandoff(ctx, p.link))
	p.addHandoff(ctx)
	p.join(ctx)
}

// join joins the table of the link (again after a reload: the same
// session) and takes the menu with it; without a connection it tries again
// every few seconds.
func (p *TablePage) join(ctx app.Context) {
	if !p.Mounted() {
		return // the diner has left the page
	}
	ctx.Async(func() {
		t, err := p.api.JoinTable(ctx, p.link)
		var m wire.DinerMenu
		switch {
		case err == nil && t.Menu != nil:
			m, t.Menu = *t.Menu, nil
		case err == nil:
			m, err = p.api.DinerMenu(ctx)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.failed(ctx, err)
				if _, isAPI := client.AsError(err); !isAPI {
					ctx.After(retryEvery, p.join)
				}
				return
			}
			picked := p.cart // picked before the join (from the server's page's menu): no session yet
			unjoined := p.table.TableSessionID == ""
			p.table, p.menu, p.joined, p.hasMenu, p.offline, p.ended = t, m, true, true, false, false
			p.loadCart(ctx)
			if unjoined && len(picked.Lines) > 0 && !p.cart.Queued {
				c := p.cart
				for _, l := range picked.Lines {
					c = c.Add(l, p.api.NewID)
				}
				p.setCart(ctx, c)
			}
			p.addHandoff(ctx)
			// The menu shows first; keeping it for the next visit, the
			// photos and the event stream come after.
			ctx.Defer(func(ctx app.Context) {
				p.save(ctx)
				cacheMedia(photoURLs(m.Menu))
				p.startLive(ctx)
				if p.cart.Queued {
					p.flush(ctx)
				}
			})
		})
	})
}

// OnDismount stops following the table.
func (p *TablePage) OnDismount() {
	if p.cancelRun != nil {
		p.cancelRun()
		p.cancelRun = nil
	}
}

func (p *TablePage) failed(ctx app.Context, err error) {
	e, ok := client.AsError(err)
	switch {
	case ok && e.Code == wire.CodeBadTableLink:
		p.linkErr = e.Message
		ctx.DelState(stateKey(p.link))
	case ok:
		p.sendErr = e.Message
	default:
		p.offline = true
	}
}

func (p *TablePage) save(ctx app.Context) {
	ctx.SetState(stateKey(p.link), snapshot{Table: p.table, Menu: p.menu}).Persist()
}

func (p *TablePage) loadCart(ctx app.Context) {
	var c Cart
	ctx.GetState(cartKey(p.table.TableSessionID), &c)
	p.cart = c
}

func (p *TablePage) setCart(ctx app.Context, c Cart) {
	p.cart = c
	if p.table.TableSessionID == "" {
		// Not joined yet (the app started on the server's page): the
		// dishes go in the session's cart when it joins.
		return
	}
	ctx.SetState(cartKey(p.table.TableSessionID), c).Persist()
}

func (p *TablePage) startLive(ctx app.Context) {
	if p.cancelRun != nil {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	p.cancelRun = cancel
	ctx.Async(func() {
		p.api.LiveAt(lctx, "/ws/diner", func(ev wire.Event) {
			ctx.Dispatch(func(ctx app.Context) { p.onEvent(ctx, ev) })
		}, func(up bool) {
			ctx.Dispatch(func(ctx app.Context) { p.offline = !up && !p.ended })
		})
	})
}

func (p *TablePage) onEvent(ctx app.Context, ev wire.Event) {
	switch ev.Type {
	case wire.EventHello:
		p.refresh(ctx)
		if p.cart.Queued {
			p.flush(ctx)
		}
	case wire.EventOrderUpdated:
		if o := ev.Order; o != nil && o.TableID == p.table.Table.ID {
			if p.table.Order == nil || p.table.Order.ID == o.ID && p.table.Order.Version <= o.Version || p.table.Order.ID != o.ID && active(o.Status) {
				p.table.Order = o
			}
		}
	case wire.EventSubmission:
		if s := ev.Submission; s != nil {
			i := slices.IndexFunc(p.table.Submissions, func(x wire.Submission) bool { return x.ID == s.ID })
			if i >= 0 {
				p.table.Submissions[i] = *s
			} else {
				p.table.Submissions = append(p.table.Submissions, *s)
			}
		}
	case wire.EventService:
		if s := ev.Service; s != nil {
			p.table.Services = slices.DeleteFunc(p.table.Services, func(x wire.ServiceRequest) bool { return x.ID == s.ID })
			if s.AcknowledgedAt == nil {
				p.table.Services = append(p.table.Services, *s)
			}
		}
	case wire.EventTableCleared:
		p.ended = true
		if p.cancelRun != nil {
			p.cancelRun()
			p.cancelRun = nil
		}
		ctx.DelState(stateKey(p.link))
	case "menu.updated":
		ctx.Async(func() {
			m, err := p.api.DinerMenu(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				// Two quick edits send two events; their answers may come
				// back in either order, and an older menu must not win.
				if err == nil && m.Version >= p.menu.Version {
					p.menu = m
					p.save(ctx)
					cacheMedia(photoURLs(m.Menu))
				}
			})
		})
	}
}

func active(status string) bool { return status == wire.OrderOpen || status == wire.OrderSent }

// refresh reloads the table after a reconnection (events may have been
// missed).
func (p *TablePage) refresh(ctx app.Context) {
	ctx.Async(func() {
		t, err := p.api.DinerTable(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if e, ok := client.AsError(err); ok && e.Code == wire.CodeTableSessionEnded {
				p.ended = true
				return
			}
			if err == nil {
				p.table = t
				p.save(ctx)
			}
		})
	})
}

// ---- actions ----

func (p *TablePage) chooseLang(l i18n.Lang) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.lang = l
		i18n.Choose(ctx, l)
		ctx.Page().SetTitle(tr(txtTitle, l))
	}
}

func (p *TablePage) show(v string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.view = v
		p.sendErr = ""
	}
}

// add puts a dish without options in the cart, or opens the dish dialog.
func (p *TablePage) add(it wire.Item) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if !it.Available || it.SoldOut || p.cart.Queued {
			return
		}
		if len(it.ModifierGroups) > 0 {
			p.open(it)
			return
		}
		l := cartLine(choice.Selection{}, it, nil, 1, "")
		l.MenuVersion = p.menu.Version
		p.setCart(ctx, p.cart.Add(l, p.api.NewID))
	}
}

func (p *TablePage) open(it wire.Item) {
	p.picking, p.sel, p.pickQty, p.pickNote = &it, choice.Selection{}, 1, ""
}

func (p *TablePage) confirmPick(ctx app.Context, e app.Event) {
	if p.picking == nil {
		return
	}
	groups := choice.Groups(p.menu.Menu, *p.picking)
	if p.sel.Problem(groups).In(p.lang) != "" {
		return
	}
	l := cartLine(p.sel, *p.picking, groups, p.pickQty, p.pickNote)
	l.MenuVersion = p.menu.Version
	p.setCart(ctx, p.cart.Add(l, p.api.NewID))
	p.picking = nil
}

func (p *TablePage) send(ctx app.Context, e app.Event) {
	if p.sending || len(p.cart.Lines) == 0 || p.ended {
		return
	}
	p.sending, p.sendErr = true, ""
	c := p.cart
	c.Queued = true
	p.setCart(ctx, c) // locked until the server has it
	ctx = p.pg
	ctx.Async(func() {
		ans, err := p.api.Submit(ctx, c.Request())
		ctx.Dispatch(func(ctx app.Context) { p.sent(ctx, ans, err) })
	})
}

// sent applies the answer to a submission.
func (p *TablePage) sent(ctx app.Context, ans wire.SubmitAnswer, err error) {
	p.sending = false
	e, isAPI := client.AsError(err)
	switch {
	case err == nil:
		p.table.Order = &ans.Order
		if !slices.ContainsFunc(p.table.Submissions, func(s wire.Submission) bool { return s.ID == ans.Submission.ID }) {
			p.table.Submissions = append(p.table.Submissions, ans.Submission)
		}
		p.setCart(ctx, Cart{})
		p.view = viewStatus
	case isAPI:
		// Refused: nothing was written; the diner fixes the cart.
		c := p.cart
		c.Queued = false
		if e.Code == wire.CodeIdempotency {
			c.SubmissionID = p.api.NewID()
		}
		p.setCart(ctx, c)
		p.sendErr = e.Message
		if e.Code == wire.CodeTableSessionEnded {
			p.ended = true
		}
		p.dropOutbox()
	default:
		p.offline = true
		p.sendErr = tr(txtQueued, p.lang)
		p.retryLater(ctx)
	}
}

// retryLater tries the queued cart again in a few seconds, until the
// outbox delivers it (a reconnection of the event stream also tries).
func (p *TablePage) retryLater(ctx app.Context) {
	ctx.After(retryEvery, func(ctx app.Context) {
		if p.cart.Queued && !p.ended {
			p.flush(ctx)
		}
	})
}

// retryEvery is how often a queued cart is sent again.
const retryEvery = 3 * time.Second

// flush sends the queued cart again from the outbox (same key, same id).
func (p *TablePage) flush(ctx app.Context) {
	if p.sending {
		return
	}
	c := p.cart
	p.sending = true
	ctx.Async(func() {
		_, err := p.api.Flush(ctx)
		var t wire.DinerTable
		if err == nil {
			t, err = p.api.DinerTable(ctx)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.sending = false
			if err != nil {
				p.retryLater(ctx)
				return
			}
			p.offline = false
			p.table = t
			if slices.ContainsFunc(t.Submissions, func(s wire.Submission) bool { return s.ID == c.SubmissionID }) {
				p.setCart(ctx, Cart{})
				p.sendErr = ""
				p.view = viewStatus
				return
			}
			// The outbox had it refused (or lost): let the diner send again.
			c.Queued = false
			p.setCart(ctx, c)
		})
	})
}

// dropOutbox removes refused submissions from the outbox, so they are not
// sent again.
func (p *TablePage) dropOutbox() {
	list, _ := p.api.Outbox().List()
	for _, r := range list {
		if r.Path == "/api/diner/submissions" {
			p.api.Outbox().Remove(r.Key)
		}
	}
}

func (p *TablePage) call(kind string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.calling != "" || p.ended {
			return
		}
		p.calling, p.callNote = kind, ""
		ctx = p.pg
		ctx.Async(func() {
			sr, err := p.api.RequestService(ctx, kind)
			ctx.Dispatch(func(ctx app.Context) {
				p.calling = ""
				if err != nil {
					if e, ok := client.AsError(err); ok {
						p.callNote = e.Message
					} else {
						p.callNote = tr(txtNoConnection, p.lang)
					}
					return
				}
				p.table.Services = slices.DeleteFunc(p.table.Services, func(x wire.ServiceRequest) bool { return x.ID == sr.ID })
				p.table.Services = append(p.table.Services, sr)
				p.callNote = tr(txtCalled, p.lang)
			})
		})
	}
}

// ---- rendering ----

// Render implements app.Composer.
func (p *TablePage) Render() app.UI {
	l := p.lang
	return app.Div().Class("phone-page", "diner").DataSet("testid", "page-table").Body(
		app.Header().Class("phone-head", "diner-head").Body(
			app.Div().Class("diner-title").Body(
				app.Span().Class("brand").DataSet("testid", "diner-store").Text(orText(p.table.Store.Name, "QRPOS")),
				app.If(p.table.Table.Name != "", func() app.UI {
					return app.Span().Class("diner-table").DataSet("testid", "diner-table-name").Text(p.table.Table.Name)
				}),
			),
			app.Div().Class("lang").Attr("role", "group").Aria("label", "Language / 语言").Body(
				p.langButton(i18n.Zh, "中文"),
				p.langButton(i18n.En, "English"),
			),
		),
		app.Main().Class("phone-main", "diner-main").Body(p.body(l)),
	)
}

func (p *TablePage) langButton(l i18n.Lang, label string) app.UI {
	return app.Button().Class("choice", "lang-choice").Type("button").DataSet("testid", "diner-lang").DataSet("lang", string(l)).
		Aria("pressed", p.lang == l).Aria("label", label).OnClick(p.chooseLang(l), app.EventScope(string(l))).Text(label)
}

func (p *TablePage) body(l i18n.Lang) app.UI {
	switch {
	case p.linkErr != "":
		return app.Section().Class("panel", "failed").DataSet("testid", "diner-link-error").Attr("role", "alert").Body(
			app.H1().Class("big").Text(tr(txtBadLink, l)),
			app.P().Text(tr(txtBadLinkHelp, l)),
			app.P().Class("muted").Text(p.linkErr),
		)
	case p.ended:
		return app.Section().Class("panel").DataSet("testid", "diner-ended").Attr("role", "status").Body(
			app.H1().Class("big").Text(tr(txtEnded, l)),
			app.P().Text(tr(txtEndedHelp, l)),
		)
	case !p.hasMenu && p.offline:
		return app.Section().Class("panel", "failed").DataSet("testid", "diner-offline").Attr("role", "alert").Body(
			app.P().Text(tr(txtNoConnection, l)),
		)
	case !p.hasMenu:
		return app.P().Class("loading").DataSet("testid", "loading").Attr("role", "status").Text(tr(txtLoading, l))
	}
	return app.Div().Class("diner-body").Body(
		app.If(p.offline, func() app.UI {
			return app.P().Class("offline-note").DataSet("testid", "diner-offline-note").Attr("role", "status").Text(tr(txtOffline, l))
		}),
		p.tabs(l),
		app.If(p.view == viewMenu, func() app.UI { return p.renderMenu(l) }),
		app.If(p.view == viewCart, func() app.UI { return p.renderCart(l) }),
		app.If(p.view == viewStatus, func() app.UI { return p.renderStatus(l) }),
		app.If(p.picking != nil, func() app.UI { return p.renderPick(l) }),
	)
}

func (p *TablePage) tabs(l i18n.Lang) app.UI {
	tab := func(v, testid string, label string) app.UI {
		return app.Button().Class("tab").Type("button").Attr("role", "tab").DataSet("testid", testid).
			Aria("selected", p.view == v).Aria("label", label).OnClick(p.show(v), app.EventScope(v)).Text(label)
	}
	cur := p.menu.Currency
	cartLabel := tr(txtCart, l) + " (" + strconv.Itoa(p.cart.Count()) + ")"
	if p.cart.Count() > 0 {
		cartLabel += " · " + p.cart.Total(cur).String()
	}
	n := 0
	if o := p.table.Order; o != nil {
		n = len(o.Lines)
	}
	return app.Nav().Class("diner-tabs").Attr("role", "tablist").Aria("label", tr(txtSections, l)).Body(
		tab(viewMenu, "diner-tab-menu", tr(txtMenu, l)),
		tab(viewCart, "diner-tab-cart", cartLabel),
		tab(viewStatus, "diner-tab-status", tr(txtOrder, l)+" ("+strconv.Itoa(n)+")"),
	)
}

func (p *TablePage) renderMenu(l i18n.Lang) app.UI {
	cats := slices.Clone(p.menu.Categories)
	slices.SortFunc(cats, func(a, b wire.Category) int { return cmp.Compare(a.Position, b.Position) })
	cat := p.category
	if cat == "" && len(cats) > 0 {
		cat = cats[0].ID
	}
	items := func(cat string) []wire.Item {
		var out []wire.Item
		for _, it := range p.menu.Items {
			if it.CategoryID == cat || len(cats) == 0 {
				out = append(out, it)
			}
		}
		slices.SortFunc(out, func(a, b wire.Item) int { return cmp.Compare(a.Position, b.Position) })
		return out
	}
	list := func(c string) app.UI {
		its := items(c)
		return app.Ul().Class("dishes").DataSet("category-id", c).Hidden(c != cat).Body(
			app.Range(its).Slice(func(i int) app.UI { return p.dish(its[i], l) }))
	}
	// The app shows the dishes of the category chosen; the server's page
	// has every category's, for its script to switch between.
	var lists []app.UI
	switch {
	case p.prerendered && len(cats) > 0:
		for _, c := range cats {
			lists = append(lists, list(c.ID))
		}
	default:
		lists = append(lists, list(cat))
	}
	count := p.cart.Count()
	return app.Div().Class("diner-menu").DataSet("testid", "diner-menu").Body(
		app.Div().Class("cat-tabs").Attr("role", "tablist").Aria("label", tr(txtCategories, l)).Body(
			app.Range(cats).Slice(func(i int) app.UI {
				c := cats[i]
				return app.Button().Class("cat-tab").Type("button").Attr("role", "tab").DataSet("testid", "diner-category").
					DataSet("category-id", c.ID).Aria("selected", c.ID == cat).Aria("label", c.Name).
					OnClick(func(ctx app.Context, e app.Event) { p.category = c.ID }, app.EventScope(c.ID)).Text(c.Name)
			}),
		),
		app.Range(lists).Slice(func(i int) app.UI { return lists[i] }),
		app.If(count > 0 || p.prerendered, func() app.UI {
			return app.Button().Class("btn", "btn-primary", "btn-big", "cart-bar").Type("button").DataSet("testid", "diner-cart-open").
				Aria("label", tr(txtViewCart, l)).Hidden(count == 0).OnClick(p.show(viewCart)).
				Text(tr(txtViewCart, l) + " · " + strconv.Itoa(count) + " · " + p.cart.Total(p.menu.Currency).String())
		}),
	)
}

func (p *TablePage) dish(it wire.Item, l i18n.Lang) app.UI {
	var photo app.UI
	if it.Photo != "" {
		photo = app.Img().Class("dish-photo").Src(it.Photo).SrcSet("%s 640w", it.Photo).Sizes("96px").
			Width(96).Height(96).Loading("lazy").Alt("%s", it.Name)
	} else {
		initial := []rune(it.Name)
		photo = app.Div().Class("dish-photo", "placeholder").Aria("hidden", "true").Text(string(initial[:min(1, len(initial))]))
	}
	soldOut := !it.Available || it.SoldOut
	label := tr(txtAdd, l) + " " + it.Name
	if soldOut {
		label = it.Name + ", " + tr(txtSoldOut, l)
	}
	return app.Li().Class("dish").DataSet("testid", "diner-item").DataSet("item-id", it.ID).DataSet("sold-out", soldOut).Body(
		photo,
		app.Div().Class("dish-text").Body(
			app.Span().Class("dish-name").Text(it.Name),
			widget.Money("diner-item-price", it.Price),
			app.If(soldOut, func() app.UI {
				return app.Span().Class("sold-out").DataSet("testid", "diner-sold-out").Text(tr(txtSoldOut, l))
			}),
		),
		app.Button().Class("btn", "btn-primary", "dish-add").Type("button").DataSet("testid", "diner-add").DataSet("item-id", it.ID).
			Aria("label", label).Disabled(soldOut || p.cart.Queued || p.prerendered).OnClick(p.add(it), app.EventScope(it.ID)).Text("+"),
	)
}

func (p *TablePage) renderPick(l i18n.Lang) app.UI {
	it := *p.picking
	groups := choice.Groups(p.menu.Menu, it)
	problem := p.sel.Problem(groups).In(l)
	line := cartLine(p.sel, it, groups, p.pickQty, p.pickNote)
	return widget.Modal("diner-options", it.Name,
		app.Range(groups).Slice(func(i int) app.UI {
			g := groups[i]
			return app.FieldSet().Class("group").DataSet("testid", "diner-group").DataSet("group-id", g.ID).Body(
				app.Legend().Text(g.Name+" · "+choice.Rule(g).In(l)),
				app.Div().Class("choices").Attr("role", "group").Aria("label", g.Name).Body(
					app.Range(g.Modifiers).Slice(func(j int) app.UI {
						m := g.Modifiers[j]
						text := m.Name
						if m.Price.Minor != 0 {
							text += " +" + m.Price.String()
						}
						return app.Button().Class("choice").Type("button").DataSet("testid", "diner-modifier").DataSet("modifier-id", m.ID).
							Aria("pressed", p.sel.Chosen(g.ID, m.ID)).Aria("label", text).
							OnClick(func(ctx app.Context, e app.Event) { p.sel = p.sel.Toggle(g, m.ID) }, app.EventScope(g.ID, m.ID)).Text(text)
					}),
				),
			)
		}),
		app.Label().Class("field").For("diner-note").Text(tr(txtNote, l)),
		app.Input().ID("diner-note").Class("text").Type("text").DataSet("testid", "diner-note").MaxLength(200).Value(p.pickNote).
			Attr("placeholder", tr(txtNoteHint, l)).
			OnInput(func(ctx app.Context, e app.Event) { p.pickNote = ctx.JSSrc().Get("value").String() }),
		app.Div().Class("qty").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "diner-pick-minus").Aria("label", tr(txtLess, l)).
				Disabled(p.pickQty <= 1).OnClick(func(ctx app.Context, e app.Event) { p.pickQty = max(1, p.pickQty-1) }).Text("−"),
			app.Span().Class("n").DataSet("testid", "diner-pick-qty").Text(strconv.Itoa(p.pickQty)),
			app.Button().Class("btn").Type("button").DataSet("testid", "diner-pick-plus").Aria("label", tr(txtMore, l)).
				Disabled(p.pickQty >= MaxQty).OnClick(func(ctx app.Context, e app.Event) { p.pickQty = min(MaxQty, p.pickQty+1) }).Text("+"),
		),
		app.P().Class("hint").DataSet("testid", "diner-options-problem").Attr("role", "alert").Text(problem),
		app.Div().Class("actions").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "diner-options-cancel").Aria("label", tr(txtCancel, l)).
				OnClick(func(ctx app.Context, e app.Event) { p.picking = nil }).Text(tr(txtCancel, l)),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "diner-options-add").
				Aria("label", tr(txtAddToCart, l)).Disabled(problem != "").OnClick(p.confirmPick).
				Text(tr(txtAddToCart, l)+" · "+money.New(line.Unit.Minor*int64(line.Qty), line.Unit.Currency).String()),
		),
	)
}

func (p *TablePage) renderCart(l i18n.Lang) app.UI {
	c := p.cart
	return app.Section().Class("panel").DataSet("testid", "diner-cart").Aria("label", tr(txtCart, l)).Body(
		app.If(len(c.Lines) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "diner-cart-empty").Text(tr(txtCartEmpty, l))
		}),
		app.Ul().Class("lines").Body(app.Range(c.Lines).Slice(func(i int) app.UI {
			ln := c.Lines[i]
			return app.Li().Class("line").DataSet("testid", "diner-cart-line").DataSet("item-id", ln.ItemID).Body(
				app.Span().Class("lname").Text(ln.Name),
				widget.Money("diner-cart-line-total", money.New(ln.Unit.Minor*int64(ln.Qty), ln.Unit.Currency)),
				app.If(len(ln.Modifiers) > 0, func() app.UI { return app.Span().Class("mods").Text(strings.Join(ln.Modifiers, ", ")) }),
				app.If(ln.Note != "", func() app.UI { return app.Span().Class("note").Text("“" + ln.Note + "”") }),
				app.Div().Class("qty").Body(
					app.Button().Class("btn").Type("button").DataSet("testid", "diner-cart-minus").Aria("label", tr(txtLess, l)+" "+ln.Name).
						Disabled(c.Queued).OnClick(func(ctx app.Context, e app.Event) { p.setCart(ctx, p.cart.Change(i, -1)) }, app.EventScope(strconv.Itoa(i))).Text("−"),
					app.Span().Class("n").DataSet("testid", "diner-cart-qty").Text(strconv.Itoa(ln.Qty)),
					app.Button().Class("btn").Type("button").DataSet("testid", "diner-cart-plus").Aria("label", tr(txtMore, l)+" "+ln.Name).
						Disabled(c.Queued || ln.Qty >= MaxQty).OnClick(func(ctx app.Context, e app.Event) { p.setCart(ctx, p.cart.Change(i, 1)) }, app.EventScope(strconv.Itoa(i))).Text("+"),
				),
			)
		})),
		app.Div().Class("due-row", "grand").Body(app.Span().Text(tr(txtTotal, l)), widget.Money("diner-cart-total", c.Total(p.menu.Currency))),
		app.P().Class("hint").DataSet("testid", "diner-send-error").Attr("role", "alert").Text(p.sendErr),
		app.Button().Class("btn", "btn-ok", "btn-big").Type("button").DataSet("testid", "diner-send").Aria("label", tr(txtSend, l)).
			Disabled(len(c.Lines) == 0 || p.sending || p.ended || p.table.TableSessionID == "").OnClick(p.send).
			Text(map[bool]string{true: tr(txtSending, l), false: tr(txtSend, l)}[p.sending || c.Queued]),
	)
}

// lineState says where one of the order's lines is, for the diner.
func (p *TablePage) lineState(ln wire.Line, l i18n.Lang) (string, string) {
	for _, s := range p.table.Submissions {
		if s.ID == ln.SubmissionID && s.State == wire.SubmissionServed {
			return "served", tr(txtServed, l)
		}
	}
	switch {
	case ln.Pending:
		return "pending", tr(txtReceived, l)
	case ln.Sent:
		return "kitchen", tr(txtInKitchen, l)
	}
	return "accepted", tr(txtAccepted, l)
}

func (p *TablePage) renderStatus(l i18n.Lang) app.UI {
	o := p.table.Order
	var lines []wire.Line
	if o != nil {
		lines = o.Lines
	}
	var rejected []wire.Submission
	for _, s := range p.table.Submissions {
		if s.State == wire.SubmissionRejected {
			rejected = append(rejected, s)
		}
	}
	waiting := func(kind string) bool {
		return slices.ContainsFunc(p.table.Services, func(s wire.ServiceRequest) bool { return s.Kind == kind })
	}
	return app.Div().Class("diner-status").DataSet("testid", "diner-status").Body(
		app.Section().Class("panel").Aria("label", tr(txtOrder, l)).Body(
			app.H2().Text(tr(txtTableOrder, l)),
			app.If(len(lines) == 0, func() app.UI {
				return app.P().Class("empty").DataSet("testid", "diner-order-empty").Text(tr(txtNothingYet, l))
			}),
			app.Ul().Class("lines").DataSet("testid", "diner-order-lines").Body(app.Range(lines).Slice(func(i int) app.UI {
				ln := lines[i]
				state, label := p.lineState(ln, l)
				return app.Li().Class("line", "state-"+state).DataSet("testid", "diner-order-line").DataSet("line-id", ln.ID).
					DataSet("item-id", ln.ItemID).DataSet("state", state).Body(
					app.Span().Class("lname").Text(strconv.Itoa(ln.Qty)+" × "+ln.Name),
					widget.Money("diner-order-line-total", ln.Total),
					app.If(len(ln.Modifiers) > 0, func() app.UI {
						var names []string
						for _, m := range ln.Modifiers {
							names = append(names, m.Name)
						}
						return app.Span().Class("mods").Text(strings.Join(names, ", "))
					}),
					app.Span().Class("tag", "line-state").DataSet("testid", "diner-line-state").Text(label),
				)
			})),
			app.If(o != nil, func() app.UI {
				return app.Div().Class("due-row", "grand").Body(app.Span().Text(tr(txtBillSoFar, l)), widget.Money("diner-order-total", o.Totals.Total))
			}),
			app.If(o != nil && o.Totals.Total.Minor > 0, func() app.UI { return payAtTable(l) }),
		),
		app.Range(rejected).Slice(func(i int) app.UI {
			s := rejected[i]
			var names []string
			for _, ln := range s.Lines {
				names = append(names, strconv.Itoa(ln.Qty)+" × "+ln.Name)
			}
			return app.Section().Class("panel", "failed").DataSet("testid", "diner-rejected").DataSet("submission-id", s.ID).Attr("role", "alert").Body(
				app.P().Class("big").Text(tr(txtRejected, l)),
				app.P().Text(strings.Join(names, ", ")),
				app.P().DataSet("testid", "diner-rejected-reason").Text(s.Reason),
			)
		}),
		app.Section().Class("panel").Aria("label", tr(txtHelp, l)).Body(
			app.Div().Class("btn-row").Body(
				app.Button().Class("btn", "btn-big").Type("button").DataSet("testid", "diner-call-waiter").DataSet("waiting", waiting(wire.ServiceWaiter)).
					Aria("label", tr(txtCallWaiter, l)).Disabled(p.calling != "" || p.ended).OnClick(p.call(wire.ServiceWaiter)).Text(tr(txtCallWaiter, l)),
				app.Button().Class("btn", "btn-big").Type("button").DataSet("testid", "diner-ask-bill").DataSet("waiting", waiting(wire.ServiceBill)).
					Aria("label", tr(txtAskBill, l)).Disabled(p.calling != "" || p.ended).OnClick(p.call(wire.ServiceBill)).Text(tr(txtAskBill, l)),
			),
			app.P().Class("muted").DataSet("testid", "diner-call-note").Attr("role", "status").Text(p.callNote),
		),
	)
}
