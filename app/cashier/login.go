package cashier

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// PIN lengths accepted by the login numpad.
const (
	minPIN = 4
	maxPIN = 8
)

// LoginPage lets a member of staff pick their name and type their PIN.
type LoginPage struct {
	app.Compo

	api     *client.Client
	store   wire.StoreInfo
	staff   []wire.StaffInfo
	loaded  bool
	picked  string
	pin     string
	busy    bool
	message string
	pg      app.Context // see base.pg
}

// NewLogin returns the login page.
func NewLogin(api *client.Client) *LoginPage { return &LoginPage{api: api} }

// OnNav loads the staff list and skips the page when a session exists.
func (p *LoginPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Log in")
	p.pg = ctx
	if app.IsServer {
		return
	}
	storeID := ctx.Page().URL().Query().Get("store")
	ctx.Async(func() {
		list, err := p.api.LoginStaff(ctx, storeID)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.message = Message(err)
				return
			}
			p.store, p.staff, p.loaded = list.Store, list.Staff, true
		})
	})
	ctx.Async(func() {
		s, err := p.api.Session(ctx)
		if err != nil {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			ctx.SetState(StateSession, s)
			ctx.Navigate(PathBoard)
		})
	})
}

func (p *LoginPage) pick(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.picked, p.pin, p.message = id, "", ""
	}
}

func (p *LoginPage) key(ctx app.Context, k string) {
	if k == widget.KeyEnter {
		p.submit(ctx, app.Event{})
		return
	}
	p.pin = widget.PressPIN(p.pin, k, maxPIN)
	p.message = ""
}

func (p *LoginPage) submit(ctx app.Context, e app.Event) {
	if p.busy || len(p.pin) < minPIN || p.picked == "" {
		return
	}
	p.busy = true
	ctx = p.pg
	req := wire.LoginRequest{StoreID: p.store.ID, StaffID: p.picked, PIN: p.pin}
	ctx.Async(func() {
		s, err := p.api.Login(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy, p.pin = false, ""
			if err != nil {
				p.message = Message(err)
				if e, ok := client.AsError(err); ok && e.Code == wire.CodeLocked {
					for i := range p.staff {
						if p.staff[i].ID == req.StaffID {
							p.staff[i].Locked = true
						}
					}
				}
				return
			}
			ctx.SetState(StateSession, s)
			ctx.DelState(StateMenu)
			ctx.Navigate(PathBoard)
		})
	})
}

func (p *LoginPage) pickedStaff() (wire.StaffInfo, bool) {
	for _, s := range p.staff {
		if s.ID == p.picked {
			return s, true
		}
	}
	return wire.StaffInfo{}, false
}

// Render implements app.Composer.
func (p *LoginPage) Render() app.UI {
	return app.Div().
		Class("shell").
		DataSet("testid", "page-login").
		OnKeyDown(func(ctx app.Context, e app.Event) {
			if p.picked != "" {
				widget.OnKeyboard(p.key)(ctx, e)
			}
		}).
		Body(
			&widget.UpdateBanner{},
			app.Header().Class("topbar").Body(
				app.Span().Class("brand").Text("QRPOS"),
				app.Span().Class("who").Text(p.store.Name),
			),
			app.Main().Class("page", "login").Body(
				app.H1().Text("Who is working?"),
				app.If(!p.loaded && p.message == "", func() app.UI { return loading("staff") }),
				app.Div().
					Class("staff-grid").
					DataSet("testid", "login-staff-list").
					DataSet("ready", p.loaded).
					Attr("role", "group").
					Aria("label", "Staff").
					Body(app.Range(p.staff).Slice(func(i int) app.UI { return p.tile(p.staff[i]) })),
				app.If(p.picked != "", p.pinPanel),
				app.If(p.picked == "", func() app.UI {
					return app.P().Class("hint").DataSet("testid", "login-error").Attr("role", "alert").Text(p.message)
				}),
			),
		)
}

func (p *LoginPage) tile(s wire.StaffInfo) app.UI {
	initial := ""
	if r := []rune(s.Name); len(r) > 0 {
		initial = strings.ToUpper(string(r[0]))
	}
	label := "Log in as " + s.Name
	if s.Locked {
		label += " (locked)"
	}
	class := "staff-tile"
	if s.ID == p.picked {
		class += " selected"
	}
	return app.Button().
		Class(class).
		Type("button").
		DataSet("testid", "login-staff").
		DataSet("staff-name", s.Name).
		DataSet("staff-id", s.ID).
		Aria("label", label).
		Aria("pressed", s.ID == p.picked).
		OnClick(p.pick(s.ID), app.EventScope(s.ID)).
		Body(
			app.Span().Class("avatar").Aria("hidden", "true").Text(initial),
			app.Span().Text(s.Name),
			app.Span().Class("role").Text(s.Role),
			app.If(s.Locked, func() app.UI { return app.Span().Class("tag", "locked").Text("Locked") }),
		)
}

func (p *LoginPage) pinPanel() app.UI {
	s, _ := p.pickedStaff()
	dots := make([]app.UI, 0, maxPIN)
	shown := max(minPIN, len(p.pin))
	for i := range shown {
		c := "pin-dot"
		if i < len(p.pin) {
			c += " filled"
		}
		dots = append(dots, app.Span().Class(c))
	}
	return app.Section().
		Class("pin-panel").
		DataSet("testid", "login-pin-panel").
		Aria("labelledby", "pin-title").
		Body(
			app.H2().ID("pin-title").Text("PIN for "+s.Name),
			app.Div().
				Class("pin-dots").
				DataSet("testid", "login-pin-dots").
				DataSet("length", len(p.pin)).
				Attr("role", "status").
				Aria("label", strconv.Itoa(len(p.pin))+" digits entered").
				Body(dots...),
			widget.Numpad("pin", false, p.key),
			app.P().Class("hint").DataSet("testid", "login-error").Attr("role", "alert").Text(p.message),
			app.Button().
				Class("btn", "btn-primary", "btn-big").
				Type("button").
				DataSet("testid", "login-submit").
				Disabled(p.busy || len(p.pin) < minPIN).
				OnClick(p.submit).
				Text(map[bool]string{true: "Checking…", false: "Log in"}[p.busy]),
		)
}
