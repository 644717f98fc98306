package cashier

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// BOStaffPage adds staff, changes roles, resets PINs and deactivates. A
// manager cannot touch an owner nor make anyone an owner: the page offers
// only what the server allows.
type BOStaffPage struct {
	app.Compo
	boBase

	staff  []wire.StaffInfo
	loaded bool
	roles  map[string]string // staff id -> role picked
	pins   map[string]string // staff id -> new PIN typed
	add    wire.AddStaffRequest
}

// NewBOStaff returns the staff editor.
func NewBOStaff(api *client.Client) *BOStaffPage {
	return &BOStaffPage{boBase: boBase{base: base{api: api}}}
}

// OnNav loads the staff and follows changes.
func (p *BOStaffPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Staff editor")
	p.add.Role = wire.RoleCashier
	p.follow(ctx, &p.loaded, p.reload, wire.EventStaffUpdated)
}

// OnDismount stops the event stream.
func (p *BOStaffPage) OnDismount() { p.live.stop() }

func (p *BOStaffPage) reload(ctx app.Context) {
	ctx.Async(func() {
		list, err := p.api.Staff(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.staff, p.loaded = list, true
			p.roles, p.pins = map[string]string{}, map[string]string{}
			for _, s := range list {
				p.roles[s.ID] = s.Role
			}
		})
	})
}

func (p *BOStaffPage) change(s wire.StaffInfo, req wire.ChangeStaffRequest) {
	p.run("staff-"+s.ID, s.ID, func(ctx context.Context) error {
		_, err := p.api.ChangeStaff(ctx, s.ID, req)
		return err
	})
}

func (p *BOStaffPage) addStaff(ctx app.Context, e app.Event) {
	req := p.add
	req.ID = p.api.NewID()
	p.run("new-staff", "new-staff", func(ctx context.Context) error {
		_, err := p.api.AddStaff(ctx, req)
		if err == nil {
			p.add = wire.AddStaffRequest{Role: wire.RoleCashier}
		}
		return err
	})
}

// roleOptions are the roles the session may give.
func (p *BOStaffPage) roleOptions(selected string) []app.UI {
	roles := []string{wire.RoleCashier, wire.RoleManager}
	if p.isOwner() || selected == wire.RoleOwner {
		roles = append(roles, wire.RoleOwner)
	}
	var out []app.UI
	for _, r := range roles {
		out = append(out, app.Option().Value(r).Selected(r == selected).Text(r))
	}
	return out
}

// Render implements app.Composer.
func (p *BOStaffPage) Render() app.UI {
	if !p.loaded {
		return p.shell("bo-staff", "backoffice", loading("staff"))
	}
	return p.boShell("bo-staff", "staff",
		app.H1().Text("Staff"),
		app.Section().Class("panel").Aria("label", "Staff").Body(
			app.Div().Class("table-wrap").Body(app.Table().Class("data").DataSet("testid", "bo-staff-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Name"),
					app.Th().Scope("col").Text("Role"),
					app.Th().Scope("col").Text("New PIN"),
					app.Th().Scope("col").Text("State"),
				)),
				app.TBody().Body(app.Range(p.staff).Slice(func(i int) app.UI { return p.row(p.staff[i]) })),
			)),
		),
		app.Section().Class("panel").Aria("label", "Add a member of staff").Body(
			app.H2().Text("Add a member of staff"),
			app.Div().Class("bo-add").Body(
				input("bo-new-staff-name", "bo-new-staff-name", "Name", p.add.Name, func(v string) { p.add.Name = v }),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-new-staff-role").Text("Role"),
					app.Select().ID("bo-new-staff-role").DataSet("testid", "bo-new-staff-role").
						OnChange(func(ctx app.Context, e app.Event) { p.add.Role = ctx.JSSrc().Get("value").String() }).
						Body(p.roleOptions(p.add.Role)...),
				),
				app.Div().Class("bo-field").Body(
					app.Label().Class("field").For("bo-new-staff-pin").Text("PIN (4 to 8 digits)"),
					app.Input().ID("bo-new-staff-pin").Class("text").Type("password").Attr("inputmode", "numeric").AutoComplete(false).
						DataSet("testid", "bo-new-staff-pin").Value(p.add.PIN).
						OnInput(func(ctx app.Context, e app.Event) { p.add.PIN = ctx.JSSrc().Get("value").String() }),
				),
				app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-new-staff-add").
					Disabled(p.busy != "").OnClick(p.addStaff).Text("Add"),
				p.errorFor("new-staff"),
			),
		),
	)
}

func (p *BOStaffPage) row(s wire.StaffInfo) app.UI {
	// A manager cannot change an owner; nobody changes their own role or
	// deactivates themselves.
	editable := p.isOwner() || s.Role != wire.RoleOwner
	self := s.ID == p.sess.Staff.ID
	state := "Active"
	if !s.Active {
		state = "Inactive"
	}
	if s.Locked {
		state = "Locked"
	}
	return app.Tr().DataSet("testid", "bo-staff-row").DataSet("staff-name", s.Name).DataSet("role", s.Role).DataSet("active", s.Active).Body(
		app.Td().Text(s.Name),
		app.Td().Body(
			app.Select().DataSet("testid", "bo-staff-role").Aria("label", "Role of "+s.Name).Disabled(!editable || self).
				OnChange(func(ctx app.Context, e app.Event) { p.roles[s.ID] = ctx.JSSrc().Get("value").String() }, app.EventScope(s.ID)).
				Body(p.roleOptions(p.roles[s.ID])...),
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-staff-role-save").Aria("label", "Save the role of "+s.Name).
				Disabled(!editable || self || p.busy != "" || p.roles[s.ID] == s.Role).
				OnClick(func(ctx app.Context, e app.Event) {
					role := p.roles[s.ID]
					p.change(s, wire.ChangeStaffRequest{Role: &role})
				}, app.EventScope(s.ID)).Text("Change role"),
		),
		app.Td().Body(
			app.Input().Class("text").Type("password").Attr("inputmode", "numeric").AutoComplete(false).Size(8).
				DataSet("testid", "bo-staff-pin").Aria("label", "New PIN for "+s.Name).Disabled(!editable).Value(p.pins[s.ID]).
				OnInput(func(ctx app.Context, e app.Event) { p.pins[s.ID] = ctx.JSSrc().Get("value").String() }, app.EventScope(s.ID)),
			app.Button().Class("btn").Type("button").DataSet("testid", "bo-staff-pin-reset").Aria("label", "Reset the PIN of "+s.Name).
				Disabled(!editable || p.busy != "" || p.pins[s.ID] == "").
				OnClick(func(ctx app.Context, e app.Event) {
					pin := p.pins[s.ID]
					p.change(s, wire.ChangeStaffRequest{PIN: &pin})
				}, app.EventScope(s.ID)).Text("Reset PIN"),
		),
		app.Td().Body(
			app.Span().Class("tag").DataSet("testid", "bo-staff-state").Text(state),
			app.Button().Class("btn", map[bool]string{true: "btn-danger", false: "btn-ok"}[s.Active]).Type("button").
				DataSet("testid", "bo-staff-active").Aria("label", map[bool]string{true: "Deactivate ", false: "Activate "}[s.Active]+s.Name).
				Disabled(!editable || self || p.busy != "").
				OnClick(func(ctx app.Context, e app.Event) {
					active := !s.Active
					p.change(s, wire.ChangeStaffRequest{Active: &active})
				}, app.EventScope(s.ID, s.Active)).Text(map[bool]string{true: "Deactivate", false: "Activate"}[s.Active]),
			app.If(s.Locked, func() app.UI {
				return app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "bo-staff-unlock").
					Aria("label", "Unlock "+s.Name).Disabled(!editable || p.busy != "").
					OnClick(func(ctx app.Context, e app.Event) {
						p.run("staff-"+s.ID, s.ID, func(ctx context.Context) error {
							_, err := p.api.Unlock(ctx, s.ID)
							return err
						})
					}, app.EventScope(s.ID)).Text("Unlock")
			}),
			p.errorFor("staff-"+s.ID),
		),
	)
}
