package cashier

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// maxPhoto is the largest photo file the editor sends (the server's limit).
const maxPhoto = 8 << 20

// BOMenuPage edits the menu: categories, items (price, tax, availability,
// sold out today, photo) and option groups. Other tablets and the diners'
// pages see every change at once.
type BOMenuPage struct {
	app.Compo
	boBase

	menu   wire.Menu
	loaded bool
	items  map[string]*itemDraft
	cats   map[string]string // category id -> name being typed
	groups map[string]*groupDraft
	saved  map[string]wire.Item // items as the server has them, by id

	newCat   string
	newItem  itemDraft
	newGroup groupDraft
}

// itemDraft is an item's row as typed.
type itemDraft struct {
	name, price, tax, cat string
	available             bool
}

// groupDraft is an option group as typed.
type groupDraft struct {
	name, min, max string
	mods           []modDraft
}

type modDraft struct{ id, name, price string }

// NewBOMenu returns the menu editor.
func NewBOMenu(api *client.Client) *BOMenuPage {
	return &BOMenuPage{boBase: boBase{base: base{api: api}}}
}

// OnNav loads the menu and follows changes.
func (p *BOMenuPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Menu editor")
	p.follow(ctx, &p.loaded, p.reload, wire.EventMenuUpdated)
}

// OnDismount stops the event stream.
func (p *BOMenuPage) OnDismount() { p.live.stop() }

func (p *BOMenuPage) reload(ctx app.Context) {
	ctx.Async(func() {
		m, err := p.api.Menu(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.setMenu(ctx, m)
		})
	})
}

// setMenu shows m; rows being edited keep what was typed.
func (p *BOMenuPage) setMenu(ctx app.Context, m wire.Menu) {
	if m.Version < p.menu.Version {
		return
	}
	p.menu, p.loaded = m, true
	ctx.SetState(StateMenu, m)
	// Drafts keep their identity across reloads: the inputs' handlers hold
	// them (go-app keeps a handler while its scope is unchanged).
	if p.items == nil {
		p.items, p.groups = map[string]*itemDraft{}, map[string]*groupDraft{}
	}
	for _, it := range m.Items {
		fresh := itemDraft{name: it.Name, price: it.Price.Decimal(), tax: formatBP(it.TaxRateBP), cat: it.CategoryID, available: it.Available}
		d, ok := p.items[it.ID]
		switch {
		case !ok:
			p.items[it.ID] = &fresh
		case !p.dirty(p.saved[it.ID], d) || p.busy == it.ID:
			*d = fresh
		}
	}
	p.saved = map[string]wire.Item{}
	for _, it := range m.Items {
		p.saved[it.ID] = it
	}
	p.cats = map[string]string{}
	for _, c := range m.Categories {
		p.cats[c.ID] = c.Name
	}
	for _, g := range m.ModifierGroups {
		fresh := groupDraft{name: g.Name, min: strconv.Itoa(g.Min), max: strconv.Itoa(g.Max)}
		for _, md := range g.Modifiers {
			fresh.mods = append(fresh.mods, modDraft{id: md.ID, name: md.Name, price: md.Price.Decimal()})
		}
		if d, ok := p.groups[g.ID]; ok {
			*d = fresh
		} else {
			p.groups[g.ID] = &fresh
		}
	}
	if p.newItem.cat == "" && len(m.Categories) > 0 {
		p.newItem.cat = sortedCategories(m)[0].ID
	}
}

// dirty reports whether the row differs from the item as saved.
func (p *BOMenuPage) dirty(it wire.Item, d *itemDraft) bool {
	return d.name != it.Name || d.price != it.Price.Decimal() || d.tax != formatBP(it.TaxRateBP) || d.cat != it.CategoryID || d.available != it.Available
}

func (p *BOMenuPage) itemRequest(it wire.Item, d *itemDraft, form string) (wire.ItemRequest, bool) {
	price, err := money.ParseDecimal(d.price, p.menu.Currency)
	if err != nil {
		p.formErr = formError{form: form, field: "price", msg: "Enter the price as a number, e.g. 42.00."}
		return wire.ItemRequest{}, false
	}
	bp, ok := parseBP(d.tax)
	if !ok {
		p.formErr = formError{form: form, field: "tax_rate_bp", msg: "Enter the tax rate in percent, e.g. 6."}
		return wire.ItemRequest{}, false
	}
	return wire.ItemRequest{ID: it.ID, CategoryID: d.cat, Name: d.name, Price: price, TaxRateBP: bp, Available: d.available,
		SoldOut: it.SoldOut, Position: it.Position, ModifierGroups: it.ModifierGroups, Photo: photoID(it.Photo)}, true
}

// photoID is the sha256 in a photo path (/media/<sha>-<w>.jpg).
func photoID(path string) string {
	const prefix = "/media/"
	if len(path) < len(prefix)+64 {
		return ""
	}
	return path[len(prefix) : len(prefix)+64]
}

func (p *BOMenuPage) saveItem(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		it := p.saved[id]
		req, ok := p.itemRequest(it, p.items[it.ID], "item-"+it.ID)
		if !ok {
			return
		}
		p.run("item-"+it.ID, it.ID, func(ctx context.Context) error {
			_, err := p.api.SaveItem(ctx, req, false)
			return err
		})
	}
}

func (p *BOMenuPage) toggleSoldOut(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		it := p.saved[id]
		p.run("item-"+it.ID, it.ID, func(ctx context.Context) error {
			_, err := p.api.SetSoldOut(ctx, it.ID, !it.SoldOut)
			return err
		})
	}
}

func (p *BOMenuPage) uploadPhoto(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		it := p.saved[id]
		input := ctx.JSSrc()
		form := "item-" + it.ID
		p.run(form, it.ID, func(ctx context.Context) error {
			data, err := client.ReadFile(ctx, input, maxPhoto)
			if err != nil {
				return &client.Error{Status: 422, ErrorBody: wire.ErrorBody{Code: wire.CodeInvalid, Field: "data", Message: err.Error()}}
			}
			ph, err := p.api.UploadPhoto(ctx, data)
			if err != nil {
				return err
			}
			req, ok := p.itemRequest(it, p.items[it.ID], form)
			if !ok {
				req = wire.ItemRequest{ID: it.ID, CategoryID: it.CategoryID, Name: it.Name, Price: it.Price, TaxRateBP: it.TaxRateBP,
					Available: it.Available, SoldOut: it.SoldOut, Position: it.Position, ModifierGroups: it.ModifierGroups}
			}
			req.Photo = ph.SHA256
			_, err = p.api.SaveItem(ctx, req, false)
			return err
		})
	}
}

func (p *BOMenuPage) addItem(ctx app.Context, e app.Event) {
	d := p.newItem
	d.available = true
	req, ok := p.itemRequest(wire.Item{ID: p.api.NewID(), Position: len(p.menu.Items)}, &d, "new-item")
	if !ok {
		return
	}
	p.run("new-item", "new-item", func(ctx context.Context) error {
		_, err := p.api.SaveItem(ctx, req, true)
		if err == nil {
			p.newItem.name, p.newItem.price = "", ""
		}
		return err
	})
}

func (p *BOMenuPage) addCategory(ctx app.Context, e app.Event) {
	req := wire.CategoryRequest{ID: p.api.NewID(), Name: p.newCat, Position: len(p.menu.Categories)}
	p.run("new-category", "new-category", func(ctx context.Context) error {
		_, err := p.api.SaveCategory(ctx, req, true)
		if err == nil {
			p.newCat = ""
		}
		return err
	})
}

func (p *BOMenuPage) saveCategory(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		var c wire.Category
		for _, x := range p.menu.Categories {
			if x.ID == id {
				c = x
			}
		}
		req := wire.CategoryRequest{ID: c.ID, Name: p.cats[c.ID], Position: c.Position}
		p.run("category-"+c.ID, c.ID, func(ctx context.Context) error {
			_, err := p.api.SaveCategory(ctx, req, false)
			return err
		})
	}
}

// moveCategory swaps a category with its neighbour (delta -1 or +1).
func (p *BOMenuPage) moveCategory(i, delta int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		cats := sortedCategories(p.menu)
		j := i + delta
		if j < 0 || j >= len(cats) {
			return
		}
		cats[i], cats[j] = cats[j], cats[i]
		ids := make([]string, len(cats))
		for k, c := range cats {
			ids[k] = c.ID
		}
		p.run("categories", "categories", func(ctx context.Context) error { return p.api.Reorder(ctx, "categories", ids) })
	}
}

// categoryItems are the items of one category in menu order.
func (p *BOMenuPage) categoryItems(cat string) []wire.Item {
	var out []wire.Item
	for _, it := range p.menu.Items {
		if it.CategoryID == cat {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b wire.Item) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// moveItem swaps an item with its neighbour in its category.
func (p *BOMenuPage) moveItem(id string, delta int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		items := p.categoryItems(p.saved[id].CategoryID)
		i := slices.IndexFunc(items, func(it wire.Item) bool { return it.ID == id })
		j := i + delta
		if i < 0 || j < 0 || j >= len(items) {
			return
		}
		items[i], items[j] = items[j], items[i]
		ids := make([]string, len(items))
		for k, it := range items {
			ids[k] = it.ID
		}
		p.run("item-"+id, id, func(ctx context.Context) error { return p.api.Reorder(ctx, "items", ids) })
	}
}

func (p *BOMenuPage) groupRequest(id string, d *groupDraft, pos int, form string) (wire.ModifierGroupRequest, bool) {
	mn, err1 := strconv.Atoi(d.min)
	mx, err2 := strconv.Atoi(d.max)
	if err1 != nil || err2 != nil {
		p.formErr = formError{form: form, field: "min", msg: "Enter the minimum and maximum choices as whole numbers."}
		return wire.ModifierGroupRequest{}, false
	}
	req := wire.ModifierGroupRequest{ID: id, Name: d.name, Min: mn, Max: mx, Position: pos, Modifiers: []wire.Modifier{}}
	for _, m := range d.mods {
		price, err := money.ParseDecimal(m.price, p.menu.Currency)
		if err != nil {
			p.formErr = formError{form: form, field: "modifiers", msg: "Enter each option's price as a number, e.g. 2.00 or -1.00."}
			return wire.ModifierGroupRequest{}, false
		}
		req.Modifiers = append(req.Modifiers, wire.Modifier{ID: m.id, Name: m.name, Price: price})
	}
	return req, true
}

func (p *BOMenuPage) saveGroup(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		var g wire.ModifierGroup
		for _, x := range p.menu.ModifierGroups {
			if x.ID == id {
				g = x
			}
		}
		req, ok := p.groupRequest(g.ID, p.groups[g.ID], g.Position, "group-"+g.ID)
		if !ok {
			return
		}
		p.run("group-"+g.ID, g.ID, func(ctx context.Context) error {
			_, err := p.api.SaveModifierGroup(ctx, req, false)
			return err
		})
	}
}

func (p *BOMenuPage) addGroup(ctx app.Context, e app.Event) {
	d := p.newGroup
	if d.min == "" {
		d.min = "0"
	}
	if d.max == "" {
		d.max = "1"
	}
	req, ok := p.groupRequest(p.api.NewID(), &d, len(p.menu.ModifierGroups), "new-group")
	if !ok {
		return
	}
	p.run("new-group", "new-group", func(ctx context.Context) error {
		_, err := p.api.SaveModifierGroup(ctx, req, true)
		if err == nil {
			p.newGroup = groupDraft{}
		}
		return err
	})
}

// Render implements app.Composer.
func (p *BOMenuPage) Render() app.UI {
	if !p.loaded {
		return p.shell("bo-menu", "backoffice", loading("menu"))
	}
	if !p.isManager() {
		return p.boShell("bo-menu", "menu")
	}
	cats := sortedCategories(p.menu)
	return p.boShell("bo-menu", "menu",
		app.Div().Class("section-head").Body(
			app.H1().Text("Menu"),
			app.Span().Class("muted").DataSet("testid", "bo-menu-version").DataSet("version", p.menu.Version).Text("version "+strconv.FormatInt(p.menu.Version, 10)),
		),
		p.renderCategories(cats),
		p.renderItems(cats),
		p.renderGroups(),
	)
}

func (p *BOMenuPage) renderCategories(cats []wire.Category) app.UI {
	return app.Section().Class("panel").Aria("label", "Categories").DataSet("testid", "bo-categories").Body(
		app.H2().Text("Categories"),
		p.errorFor("categories"),
		app.Ul().Class("bo-list").Body(app.Range(cats).Slice(func(i int) app.UI {
			c := cats[i]
			return app.Li().DataSet("testid", "bo-category-row").DataSet("category-name", c.Name).Body(
				cellInput("bo-category-name", "Name of category "+c.Name, p.cats[c.ID], 24, func(v string) { p.cats[c.ID] = v }, c.ID),
				app.Button().Class("btn").Type("button").DataSet("testid", "bo-category-up").Aria("label", "Move "+c.Name+" up").
					Disabled(i == 0 || p.busy != "").OnClick(p.moveCategory(i, -1), app.EventScope(c.ID, i)).Text("↑"),
				app.Button().Class("btn").Type("button").DataSet("testid", "bo-category-down").Aria("label", "Move "+c.Name+" down").
					Disabled(i == len(cats)-1 || p.busy != "").OnClick(p.moveCategory(i, 1), app.EventScope(c.ID, i)).Text("↓"),
				app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-category-save").Aria("label", "Save category "+c.Name).
					Disabled(p.busy != "").OnClick(p.saveCategory(c.ID), app.EventScope(c.ID)).Text("Save"),
				p.errorFor("category-"+c.ID),
			)
		})),
		app.Div().Class("bo-add").Body(
			input("bo-new-category", "bo-new-category-name", "New category", p.newCat, func(v string) { p.newCat = v }),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-new-category-add").
				Disabled(p.busy != "").OnClick(p.addCategory).Text("Add category"),
			p.errorFor("new-category"),
		),
	)
}

func (p *BOMenuPage) categoryOptions(selected string) []app.UI {
	opts := []app.UI{app.Option().Value("").Selected(selected == "").Text("(no category)")}
	for _, c := range sortedCategories(p.menu) {
		opts = append(opts, app.Option().Value(c.ID).Selected(c.ID == selected).Text(c.Name))
	}
	return opts
}

func (p *BOMenuPage) renderItems(cats []wire.Category) app.UI {
	items := slices.Clone(p.menu.Items)
	order := map[string]int{}
	for i, c := range cats {
		order[c.ID] = i
	}
	slices.SortFunc(items, func(a, b wire.Item) int {
		return cmp.Or(cmp.Compare(order[a.CategoryID], order[b.CategoryID]), cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	return app.Section().Class("panel").Aria("label", "Items").DataSet("testid", "bo-items").Body(
		app.H2().Text("Items"),
		app.Div().Class("table-wrap").Body(app.Table().Class("data").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("Photo"),
				app.Th().Scope("col").Text("Name"),
				app.Th().Scope("col").Text("Category"),
				app.Th().Scope("col").Text("Price"),
				app.Th().Scope("col").Text("Tax %"),
				app.Th().Scope("col").Text("On menu"),
				app.Th().Scope("col").Text("Today"),
				app.Th().Scope("col").Class("num").Text("Action"),
			)),
			app.TBody().Body(app.Range(items).Slice(func(i int) app.UI { return p.itemRow(items[i]) })),
		)),
		app.H3().Text("Add an item"),
		app.Div().Class("bo-add").Body(
			input("bo-new-item-name", "bo-new-item-name", "Name", p.newItem.name, func(v string) { p.newItem.name = v }),
			app.Div().Class("bo-field").Body(
				app.Label().Class("field").For("bo-new-item-category").Text("Category"),
				app.Select().ID("bo-new-item-category").DataSet("testid", "bo-new-item-category").
					OnChange(func(ctx app.Context, e app.Event) { p.newItem.cat = ctx.JSSrc().Get("value").String() }).
					Body(p.categoryOptions(p.newItem.cat)...),
			),
			input("bo-new-item-price", "bo-new-item-price", "Price ("+p.menu.Currency+")", p.newItem.price, func(v string) { p.newItem.price = v }),
			input("bo-new-item-tax", "bo-new-item-tax", "Tax %", p.newItem.tax, func(v string) { p.newItem.tax = v }),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-new-item-add").
				Disabled(p.busy != "").OnClick(p.addItem).Text("Add item"),
			p.errorFor("new-item"),
		),
	)
}

func (p *BOMenuPage) itemRow(it wire.Item) app.UI {
	d := p.items[it.ID]
	if d == nil {
		return nil
	}
	state := "available"
	switch {
	case !it.Available:
		state = "off"
	case it.SoldOut:
		state = "sold-out"
	}
	soldLabel := "Sold out today"
	if it.SoldOut {
		soldLabel = "Back on sale"
	}
	return app.Tr().DataSet("testid", "bo-item-row").DataSet("item-name", it.Name).DataSet("item-id", it.ID).DataSet("state", state).Body(
		app.Td().Body(
			app.If(it.Photo != "", func() app.UI {
				return app.Img().Class("bo-thumb").DataSet("testid", "bo-item-photo").Src(it.PhotoSmall).
					Attr("srcset", it.PhotoSmall+" 320w, "+it.Photo+" 640w").Attr("sizes", "64px").Alt(it.Name).Width(64)
			}),
			app.Label().Class("btn", "bo-upload").Body(
				app.Span().Text("Photo…"),
				app.Input().Type("file").Class("sr-only").Accept("image/jpeg,image/png").DataSet("testid", "bo-item-photo-input").
					Aria("label", "Upload a photo of "+it.Name).OnChange(p.uploadPhoto(it.ID), app.EventScope(it.ID)),
			),
		),
		app.Td().Body(cellInput("bo-item-name", "Name of "+it.Name, d.name, 22, func(v string) { d.name = v }, it.ID)),
		app.Td().Body(app.Select().DataSet("testid", "bo-item-category").Aria("label", "Category of "+it.Name).
			OnChange(func(ctx app.Context, e app.Event) { d.cat = ctx.JSSrc().Get("value").String() }, app.EventScope(it.ID)).
			Body(p.categoryOptions(d.cat)...)),
		app.Td().Body(cellInput("bo-item-price", "Price of "+it.Name, d.price, 8, func(v string) { d.price = v }, it.ID)),
		app.Td().Body(cellInput("bo-item-tax", "Tax rate of "+it.Name+" in percent", d.tax, 4, func(v string) { d.tax = v }, it.ID)),
		app.Td().Body(checkbox("bo-item-available", "On the menu", d.available, func(v bool) { d.available = v }, it.ID)),
		app.Td().Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-item-sold-out").DataSet("sold-out", it.SoldOut).
				Aria("pressed", it.SoldOut).Aria("label", soldLabel+": "+it.Name).
				Disabled(p.busy != "").OnClick(p.toggleSoldOut(it.ID), app.EventScope(it.ID)).Text(soldLabel),
		),
		app.Td().Class("num").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-item-up").Aria("label", "Move "+it.Name+" up").
				Disabled(p.busy != "").OnClick(p.moveItem(it.ID, -1), app.EventScope(it.ID)).Text("↑"),
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-item-down").Aria("label", "Move "+it.Name+" down").
				Disabled(p.busy != "").OnClick(p.moveItem(it.ID, 1), app.EventScope(it.ID)).Text("↓"),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-item-save").Aria("label", "Save "+it.Name).
				Disabled(p.busy != "").OnClick(p.saveItem(it.ID), app.EventScope(it.ID)).Text(map[bool]string{true: "Saving…", false: "Save"}[p.busy == it.ID]),
			p.errorFor("item-"+it.ID),
		),
	)
}

func (p *BOMenuPage) renderGroups() app.UI {
	groups := slices.Clone(p.menu.ModifierGroups)
	slices.SortFunc(groups, func(a, b wire.ModifierGroup) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
	})
	return app.Section().Class("panel").Aria("label", "Option groups").DataSet("testid", "bo-groups").Body(
		app.H2().Text("Options"),
		app.Range(groups).Slice(func(i int) app.UI {
			g := groups[i]
			return p.groupForm(g.ID, g.Name, p.groups[g.ID], "group-"+g.ID, p.saveGroup(g.ID))
		}),
		app.H3().Text("Add an option group"),
		p.groupForm("", "new group", &p.newGroup, "new-group", p.addGroup),
	)
}

func (p *BOMenuPage) groupForm(id, title string, d *groupDraft, form string, onSave app.EventHandler) app.UI {
	if d == nil {
		return nil
	}
	return app.Div().Class("bo-group").DataSet("testid", "bo-group").DataSet("group-name", title).Body(
		cellInput("bo-group-name", "Name of option group "+title, d.name, 20, func(v string) { d.name = v }, form),
		cellInput("bo-group-min", "Fewest choices of "+title, d.min, 3, func(v string) { d.min = v }, form),
		cellInput("bo-group-max", "Most choices of "+title+" (0: no limit)", d.max, 3, func(v string) { d.max = v }, form),
		app.Ul().Class("bo-list").Body(app.Range(d.mods).Slice(func(i int) app.UI {
			m := d.mods[i]
			// The handlers index d at the time of the event: d.mods may
			// have been replaced by a reload since this render.
			set := func(f func(*modDraft)) func(string) {
				return func(v string) {
					if i < len(d.mods) {
						f(&d.mods[i])
					}
				}
			}
			return app.Li().DataSet("testid", "bo-modifier-row").Body(
				cellInput("bo-modifier-name", "Option name", m.name, 16, func(v string) { set(func(m *modDraft) { m.name = v })(v) }, form, i),
				cellInput("bo-modifier-price", "Option price", m.price, 7, func(v string) { set(func(m *modDraft) { m.price = v })(v) }, form, i),
				app.Button().Class("btn").Type("button").DataSet("testid", "bo-modifier-remove").Aria("label", "Remove option "+m.name).
					OnClick(func(ctx app.Context, e app.Event) {
						if i < len(d.mods) {
							d.mods = slices.Delete(d.mods, i, i+1)
						}
					}, app.EventScope(form, i)).Text("✕"),
			)
		})),
		app.Button().Class("btn").Type("button").DataSet("testid", "bo-modifier-add").Aria("label", "Add an option to "+title).
			OnClick(func(ctx app.Context, e app.Event) {
				d.mods = append(d.mods, modDraft{id: p.api.NewID(), price: money.New(0, p.menu.Currency).Decimal()})
			}, app.EventScope(form)).Text("+ Option"),
		app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-group-save").Aria("label", "Save option group "+title).
			Disabled(p.busy != "").OnClick(onSave, app.EventScope(form)).Text("Save"),
		p.errorFor(form),
	)
}
