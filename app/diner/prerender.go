package diner

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/choice"
	"qrpos/app/i18n"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// A table link opened on a slow phone shows the menu long before
// diner.wasm has arrived and started: the server renders the table page
// with the same Render as the app (PrerenderTable), and a small script,
// /web/diner-ssr.js, makes it usable at once: it adds dishes without
// options to the cart (kept where the app keeps it), switches categories,
// and joins the table. When the app starts it replaces the page with its
// own rendering of the same state, and carries on with what the diner did
// meanwhile (the handoff: the category shown, a dish whose options are to
// be chosen, the tab asked for, dishes added before the table was
// joined). Choosing a language reloads the page, rendered in it.

// SSRElementID is the id of the JSON script element holding SSRData in a
// prerendered table page.
const SSRElementID = "qrpos-ssr"

// SSRData is what a prerendered table page carries for its script and for
// the app: the link, the language it was rendered in, the store and table
// (no session: the page is the same for everyone at the table), the menu,
// and how amounts and the cart's labels read in that language.
type SSRData struct {
	Link   string            `json:"link"`
	Lang   i18n.Lang         `json:"lang"`
	Table  wire.DinerTable   `json:"table"`
	Menu   wire.DinerMenu    `json:"menu"`
	Symbol string            `json:"symbol"`
	Digits int               `json:"digits"`
	Texts  map[string]string `json:"texts"`
}

// handoff is what the page's script leaves in sessionStorage, under
// handoffKey(link), for the app to carry on with.
type handoff struct {
	Category string   `json:"category,omitempty"`
	View     string   `json:"view,omitempty"`
	Pick     string   `json:"pick,omitempty"` // item whose options the diner wants to choose
	Adds     []ssrAdd `json:"adds,omitempty"` // added before the table was joined
}

// ssrAdd is one dish without options added by the page's script before it
// knew the table session (so before it knew which cart to put it in).
type ssrAdd struct {
	ItemID string `json:"item_id"`
}

func handoffKey(link string) string { return "qrpos.diner.handoff." + link }

// PrerenderTable returns the HTML of the table page showing menu, as the
// server sends it before the app has started, and the data its script
// reads. The add buttons are disabled until the script has wired them.
func PrerenderTable(link string, lang i18n.Lang, t wire.DinerTable, m wire.DinerMenu) (root string, data []byte, err error) {
	p := &TablePage{view: viewMenu, link: link, lang: lang, table: t, menu: m, hasMenu: true, prerendered: true}
	d := SSRData{Link: link, Lang: lang, Table: t, Menu: m, Symbol: money.Symbol(m.Currency), Digits: money.Digits(m.Currency),
		Texts: map[string]string{"cart": tr(txtCart, lang), "viewCart": tr(txtViewCart, lang)}}
	data, err = json.Marshal(d) // escapes <, > and &: safe inside a script element
	return app.HTMLString(p), data, err
}

// PrerenderLinkError returns the HTML of the page a refused table link
// shows, in lang, with the server's message.
func PrerenderLinkError(lang i18n.Lang, message string) string {
	return app.HTMLString(&TablePage{view: viewMenu, lang: lang, linkErr: message, prerendered: true})
}

// ssrData reads the data of a prerendered page, if the app started on one.
func ssrData() (SSRData, bool) {
	var d SSRData
	if !app.IsClient {
		return d, false
	}
	el := app.Window().GetElementByID(SSRElementID)
	if !el.Truthy() {
		return d, false
	}
	if json.Unmarshal([]byte(el.Get("textContent").String()), &d) != nil || len(d.Menu.Items) == 0 {
		return SSRData{}, false
	}
	return d, true
}

// takeHandoff reads and removes what the page's script left for the app.
func takeHandoff(ctx app.Context, link string) handoff {
	var h handoff
	ctx.SessionStorage().Get(handoffKey(link), &h)
	ctx.SessionStorage().Del(handoffKey(link))
	return h
}

// applyHandoff carries on with what the diner did on the prerendered page:
// the category and tab they chose, and the dish whose options they asked
// for. The dishes they added go in the cart (addHandoff).
func (p *TablePage) applyHandoff(ctx app.Context, h handoff) {
	if h.Category != "" {
		p.category = h.Category
	}
	switch h.View {
	case viewCart, viewStatus:
		p.view = h.View
	}
	if h.Pick != "" {
		for _, it := range p.menu.Items {
			if it.ID == h.Pick && it.Available && !it.SoldOut && len(it.ModifierGroups) > 0 {
				p.open(it)
			}
		}
	}
	p.pendingAdds = append(p.pendingAdds, h.Adds...)
}

// addHandoff puts the dishes added on the server's page in the cart, at
// the prices of the menu the app has (the cart shows them before
// sending). Before the join the cart is the app's alone: the join merges
// it into the session's.
func (p *TablePage) addHandoff(ctx app.Context) {
	if len(p.pendingAdds) == 0 || p.cart.Queued || !p.hasMenu {
		return
	}
	c := p.cart
	for _, a := range p.pendingAdds {
		for _, it := range p.menu.Items {
			if it.ID == a.ItemID && it.Available && !it.SoldOut && len(it.ModifierGroups) == 0 {
				l := cartLine(choice.Selection{}, it, nil, 1, "")
				l.MenuVersion = p.menu.Version
				c = c.Add(l, p.api.NewID)
			}
		}
	}
	p.pendingAdds = nil
	p.setCart(ctx, c)
}
