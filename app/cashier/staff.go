package cashier

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// StaffPage lists the store's staff with their lock state; a manager can
// unlock a member of staff locked out by wrong PINs.
type StaffPage struct {
	app.Compo
	base

	staff     []wire.StaffInfo
	loaded    bool
	unlocking string
}

// NewStaff returns the staff page.
func NewStaff(api *client.Client) *StaffPage { return &StaffPage{base: base{api: api}} }

// OnNav loads the staff list (managers only).
func (p *StaffPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Staff")
	p.begin(ctx, func(ctx app.Context) {
		if !p.isManager() {
			p.loaded = true
			return
		}
		ctx.Async(func() {
			list, err := p.api.Staff(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				if err != nil {
					p.fail(ctx, err)
					return
				}
				p.staff, p.loaded = list, true
			})
		})
	})
}

func (p *StaffPage) unlock(s wire.StaffInfo) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.unlocking != "" {
			return
		}
		p.unlocking = s.ID
		ctx = p.pg
		ctx.Async(func() {
			got, err := p.api.Unlock(ctx, s.ID)
			ctx.Dispatch(func(ctx app.Context) {
				p.unlocking = ""
				if err != nil {
					p.fail(ctx, err)
					return
				}
				for i := range p.staff {
					if p.staff[i].ID == got.ID {
						p.staff[i] = got
					}
				}
			})
		})
	}
}

// Render implements app.Composer.
func (p *StaffPage) Render() app.UI {
	if !p.loaded {
		return p.shell("staff", "staff", loading("staff"))
	}
	if !p.isManager() {
		return p.shell("staff", "staff",
			app.H1().Text("Staff"),
			app.P().Class("empty").DataSet("testid", "staff-forbidden").Text("Only a manager can see the staff list."),
		)
	}
	return p.shell("staff", "staff",
		app.H1().Text("Staff"),
		app.Div().Class("table-wrap").Body(
			app.Table().Class("data").DataSet("testid", "staff-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Name"),
					app.Th().Scope("col").Text("Role"),
					app.Th().Scope("col").Text("PIN"),
					app.Th().Scope("col").Class("num").Text("Action"),
				)),
				app.TBody().Body(app.Range(p.staff).Slice(func(i int) app.UI { return p.row(p.staff[i]) })),
			),
		),
	)
}

func (p *StaffPage) row(s wire.StaffInfo) app.UI {
	state, class := "Active", "tag closed"
	switch {
	case s.Locked:
		state, class = "Locked", "tag locked"
	case !s.Active:
		state, class = "Inactive", "tag"
	}
	return app.Tr().
		DataSet("testid", "staff-row").
		DataSet("staff-name", s.Name).
		DataSet("locked", s.Locked).
		Body(
			app.Td().Text(s.Name),
			app.Td().Style("text-transform", "capitalize").Text(s.Role),
			app.Td().Body(app.Span().Class(class).DataSet("testid", "staff-lock-state").Text(state)),
			app.Td().Class("num").Body(
				app.If(s.Locked, func() app.UI {
					return app.Button().
						Class("btn", "btn-primary").
						Type("button").
						DataSet("testid", "staff-unlock").
						Aria("label", "Unlock "+s.Name).
						Disabled(p.unlocking != "").
						OnClick(p.unlock(s), app.EventScope(s.ID)).
						Text("Unlock")
				}),
			),
		)
}
