package cashier

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// BOTablesPage edits the tables (name, seats, area, order) and the areas.
type BOTablesPage struct {
	app.Compo
	boBase

	tables []wire.Table
	areas  []wire.Area
	loaded bool
	drafts map[string]*tableDraft
	anames map[string]string
	newT   tableDraft
	newA   string
}

type tableDraft struct{ name, seats, area string }

// NewBOTables returns the tables editor.
func NewBOTables(api *client.Client) *BOTablesPage {
	return &BOTablesPage{boBase: boBase{base: base{api: api}}}
}

// OnNav loads tables and areas and follows changes.
func (p *BOTablesPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Tables editor")
	p.newT.seats = "4"
	p.follow(ctx, &p.loaded, p.reload, wire.EventTablesUpdated)
}

// OnDismount stops the event stream.
func (p *BOTablesPage) OnDismount() { p.live.stop() }

func (p *BOTablesPage) reload(ctx app.Context) {
	ctx.Async(func() {
		ts, err := p.api.Tables(ctx)
		var as []wire.Area
		if err == nil {
			as, err = p.api.Areas(ctx)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			slices.SortFunc(ts, func(a, b wire.Table) int {
				return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Name, b.Name))
			})
			p.tables, p.areas, p.loaded = ts, as, true
			// Drafts keep their identity: the inputs' handlers hold them.
			if p.drafts == nil {
				p.drafts = map[string]*tableDraft{}
			}
			p.anames = map[string]string{}
			for _, t := range ts {
				fresh := tableDraft{name: t.Name, seats: strconv.Itoa(t.Seats), area: t.AreaID}
				if d, ok := p.drafts[t.ID]; ok {
					*d = fresh
				} else {
					p.drafts[t.ID] = &fresh
				}
			}
			for _, a := range as {
				p.anames[a.ID] = a.Name
			}
		})
	})
}

func (p *BOTablesPage) request(id string, d *tableDraft, pos int, form string) (wire.TableRequest, bool) {
	seats, err := strconv.Atoi(d.seats)
	if err != nil {
		p.formErr = formError{form: form, field: "seats", msg: "Enter the seats as a whole number."}
		return wire.TableRequest{}, false
	}
	return wire.TableRequest{ID: id, Name: d.name, Seats: seats, Position: pos, AreaID: d.area}, true
}

func (p *BOTablesPage) saveTable(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		i := slices.IndexFunc(p.tables, func(t wire.Table) bool { return t.ID == id })
		if i < 0 {
			return
		}
		t := p.tables[i]
		req, ok := p.request(t.ID, p.drafts[t.ID], t.Position, "table-"+t.ID)
		if !ok {
			return
		}
		p.run("table-"+t.ID, t.ID, func(ctx context.Context) error {
			_, err := p.api.SaveTable(ctx, req, false)
			return err
		})
	}
}

func (p *BOTablesPage) addTable(ctx app.Context, e app.Event) {
	req, ok := p.request(p.api.NewID(), &p.newT, len(p.tables)+1, "new-table")
	if !ok {
		return
	}
	p.run("new-table", "new-table", func(ctx context.Context) error {
		_, err := p.api.SaveTable(ctx, req, true)
		if err == nil {
			p.newT.name = ""
		}
		return err
	})
}

// move swaps table i with its neighbour.
func (p *BOTablesPage) move(i, delta int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		j := i + delta
		if j < 0 || j >= len(p.tables) {
			return
		}
		ids := make([]string, len(p.tables))
		for k, t := range p.tables {
			ids[k] = t.ID
		}
		ids[i], ids[j] = ids[j], ids[i]
		p.run("tables", "tables", func(ctx context.Context) error { return p.api.Reorder(ctx, "tables", ids) })
	}
}

func (p *BOTablesPage) areaOptions(selected string) []app.UI {
	out := []app.UI{app.Option().Value("").Selected(selected == "").Text("(no area)")}
	for _, a := range p.areas {
		out = append(out, app.Option().Value(a.ID).Selected(a.ID == selected).Text(a.Name))
	}
	return out
}

// Render implements app.Composer.
func (p *BOTablesPage) Render() app.UI {
	if !p.loaded {
		return p.shell("bo-tables", "backoffice", loading("tables"))
	}
	return p.boShell("bo-tables", "tables",
		app.H1().Text("Tables and areas"),
		app.Section().Class("panel").Aria("label", "Tables").Body(
			app.H2().Text("Tables"),
			p.errorFor("tables"),
			app.Div().Class("table-wrap").Body(app.Table().Class("data").DataSet("testid", "bo-tables-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Name"),
					app.Th().Scope("col").Text("Seats"),
					app.Th().Scope("col").Text("Area"),
					app.Th().Scope("col").Class("num").Text("Action"),
				)),
				app.TBody().Body(app.Range(p.tables).Slice(func(i int) app.UI { return p.row(i) })),
			)),
			app.H3().Text("Add a table"),
			app.Div().Class("bo-add").Body(
				input("bo-new-table-name", "bo-new-table-name", "Name", p.newT.name, func(v string) { p.newT.name = v }),
				input("bo-new-table-seats", "bo-new-table-seats", "Seats", p.newT.seats, func(v string) { p.newT.seats = v }),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-new-table-area").Text("Area"),
					app.Select().ID("bo-new-table-area").DataSet("testid", "bo-new-table-area").
						OnChange(func(ctx app.Context, e app.Event) { p.newT.area = ctx.JSSrc().Get("value").String() }).
						Body(p.areaOptions(p.newT.area)...),
				),
				app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-new-table-add").
					Disabled(p.busy != "").OnClick(p.addTable).Text("Add table"),
				p.errorFor("new-table"),
			),
		),
		app.Section().Class("panel").Aria("label", "Areas").Body(
			app.H2().Text("Areas"),
			app.Ul().Class("bo-list").Body(app.Range(p.areas).Slice(func(i int) app.UI {
				a := p.areas[i]
				return app.Li().DataSet("testid", "bo-area-row").DataSet("area-name", a.Name).Body(
					cellInput("bo-area-name", "Name of area "+a.Name, p.anames[a.ID], 20, func(v string) { p.anames[a.ID] = v }, a.ID),
					app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-area-save").Aria("label", "Save area "+a.Name).
						Disabled(p.busy != "").OnClick(func(ctx app.Context, e app.Event) {
						req := wire.Area{ID: a.ID, Name: p.anames[a.ID], Position: a.Position}
						p.run("area-"+a.ID, a.ID, func(ctx context.Context) error {
							_, err := p.api.SaveArea(ctx, req, false)
							return err
						})
					}, app.EventScope(a.ID)).Text("Save"),
					p.errorFor("area-"+a.ID),
				)
			})),
			app.Div().Class("bo-add").Body(
				input("bo-new-area", "bo-new-area-name", "New area", p.newA, func(v string) { p.newA = v }),
				app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-new-area-add").
					Disabled(p.busy != "").OnClick(func(ctx app.Context, e app.Event) {
					req := wire.Area{ID: p.api.NewID(), Name: p.newA, Position: len(p.areas)}
					p.run("new-area", "new-area", func(ctx context.Context) error {
						_, err := p.api.SaveArea(ctx, req, true)
						if err == nil {
							p.newA = ""
						}
						return err
					})
				}).Text("Add area"),
				p.errorFor("new-area"),
			),
		),
	)
}

func (p *BOTablesPage) row(i int) app.UI {
	t := p.tables[i]
	d := p.drafts[t.ID]
	if d == nil {
		return nil
	}
	return app.Tr().DataSet("testid", "bo-table-row").DataSet("table-name", t.Name).Body(
		app.Td().Body(cellInput("bo-table-name", "Name of "+t.Name, d.name, 14, func(v string) { d.name = v }, t.ID)),
		app.Td().Body(cellInput("bo-table-seats", "Seats at "+t.Name, d.seats, 4, func(v string) { d.seats = v }, t.ID)),
		app.Td().Body(app.Select().DataSet("testid", "bo-table-area").Aria("label", "Area of "+t.Name).
			OnChange(func(ctx app.Context, e app.Event) { d.area = ctx.JSSrc().Get("value").String() }, app.EventScope(t.ID)).
			Body(p.areaOptions(d.area)...)),
		app.Td().Class("num").Body(
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-table-up").Aria("label", "Move "+t.Name+" up").
				Disabled(i == 0 || p.busy != "").OnClick(p.move(i, -1), app.EventScope(t.ID, i)).Text("↑"),
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-table-down").Aria("label", "Move "+t.Name+" down").
				Disabled(i == len(p.tables)-1 || p.busy != "").OnClick(p.move(i, 1), app.EventScope(t.ID, i)).Text("↓"),
			app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-table-save").Aria("label", "Save "+t.Name).
				Disabled(p.busy != "").OnClick(p.saveTable(t.ID), app.EventScope(t.ID)).Text("Save"),
			p.errorFor("table-"+t.ID),
		),
	)
}
