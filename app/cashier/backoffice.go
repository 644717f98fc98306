package cashier

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// The back office: pages where a manager or the owner edits the menu, the
// staff, the tables and the settings, and reads the audit log. Cashiers
// see no link to them, and the server refuses them anyway.

// Paths of the back-office pages.
const (
	PathBackoffice = "/backoffice/menu"
	PathBOStaff    = "/backoffice/staff"
	PathBOTables   = "/backoffice/tables"
	PathBOSettings = "/backoffice/settings"
	PathBOAudit    = "/backoffice/audit"
)

// formError is a refusal of the server shown next to the form that caused
// it, naming the field when the server did.
type formError struct {
	form, field, msg string
}

// boBase is what every back-office page shares.
type boBase struct {
	base
	live    liveLink
	formErr formError
	busy    string // what is being saved, "" when idle
	// lastSaved is the form whose change run made last, for a "Saved"
	// hint; "" while one runs.
	lastSaved string
	reload    func(app.Context)
}

// follow loads a back-office page for a manager and reloads it whenever
// the server announces a change of what it shows (one of types), and after
// a reconnection once loaded, since events may have been missed. A cashier
// gets the page's refusal, loaded at once.
func (b *boBase) follow(ctx app.Context, loaded *bool, reload func(app.Context), types ...string) {
	b.reload = reload
	b.begin(ctx, func(ctx app.Context) {
		if !b.isManager() {
			*loaded = true
			return
		}
		reload(ctx)
		b.live.start(ctx, b.api, func(ctx app.Context, ev wire.Event) {
			if slices.Contains(types, ev.Type) || ev.Type == wire.EventHello && *loaded {
				reload(ctx)
			}
		})
	})
}

// run makes one change (what names it while it is saved) and reloads the
// page when it is done; a refusal shows next to form.
func (b *boBase) run(form, what string, call func(context.Context) error) {
	ctx := b.pg
	if b.busy != "" {
		return
	}
	b.busy, b.formErr, b.lastSaved = what, formError{}, ""
	ctx.Async(func() {
		err := call(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			b.busy = ""
			if err != nil {
				b.refused(ctx, form, err)
				return
			}
			b.lastSaved = form
			b.reload(ctx)
		})
	})
}

// refused shows err next to form when it is a refusal of the input (4xx
// with a message), else in the toast.
func (b *boBase) refused(ctx app.Context, form string, err error) {
	if e, ok := client.AsError(err); ok && e.Status >= 400 && e.Status < 500 && !client.IsUnauthorized(err) {
		b.formErr = formError{form: form, field: e.Field, msg: Message(err)}
		return
	}
	b.fail(ctx, err)
}

// errorFor renders the refusal of form, if any.
func (b *boBase) errorFor(form string) app.UI {
	if b.formErr.form != form || b.formErr.msg == "" {
		return nil
	}
	return app.P().
		Class("form-error").
		Attr("role", "alert").
		DataSet("testid", "bo-form-error").
		DataSet("form", form).
		DataSet("field", b.formErr.field).
		Text(b.formErr.msg)
}

// boShell is the shell of a back-office page with its section tabs.
func (b *boBase) boShell(page, active string, content ...app.UI) app.UI {
	if !b.isManager() {
		return b.shell(page, "backoffice",
			app.H1().Text("Back office"),
			app.P().Class("empty").DataSet("testid", "bo-forbidden").Text("Only a manager or the owner can use the back office."),
		)
	}
	tab := func(id, label, href string) app.UI {
		a := app.A().Class("navlink").Href(href).DataSet("testid", "bo-tab").DataSet("tab", id).Text(label)
		if id == active {
			a = a.Class("active").Aria("current", "page")
		}
		return a
	}
	body := []app.UI{
		app.Nav().Class("bo-tabs").Aria("label", "Back office").Body(
			tab("menu", "Menu", PathBackoffice),
			tab("staff", "Staff", PathBOStaff),
			tab("tables", "Tables", PathBOTables),
			tab("settings", "Settings", PathBOSettings),
			tab("audit", "Audit log", PathBOAudit),
			b.live.badge(),
		),
	}
	return b.shell(page, "backoffice", append(body, content...)...)
}

// input is a labelled text input of a form; set gets every change.
func input(id, testid, label, value string, set func(string)) app.UI {
	return app.Div().Class("bo-field").Body(
		app.Label().Class("field").For(id).Text(label),
		app.Input().ID(id).Class("text").Type("text").DataSet("testid", testid).Value(value).
			OnInput(func(ctx app.Context, e app.Event) { set(ctx.JSSrc().Get("value").String()) }),
	)
}

// cellInput is a text input in a table row, labelled by aria-label.
func cellInput(testid, label, value string, size int, set func(string), scope ...any) app.UI {
	return app.Input().Class("text").Type("text").Size(size).DataSet("testid", testid).Aria("label", label).Value(value).
		OnInput(func(ctx app.Context, e app.Event) { set(ctx.JSSrc().Get("value").String()) }, app.EventScope(scope...))
}

// checkbox is a labelled checkbox.
func checkbox(testid, label string, checked bool, set func(bool), scope ...any) app.UI {
	return app.Label().Class("check").Body(
		app.Input().Type("checkbox").DataSet("testid", testid).Checked(checked).Aria("label", label).
			OnChange(func(ctx app.Context, e app.Event) { set(ctx.JSSrc().Get("checked").Bool()) }, app.EventScope(scope...)),
		app.Span().Text(label),
	)
}

// formatBP shows basis points as a percentage ("6", "6.5").
func formatBP(bp int) string {
	s := strconv.Itoa(bp / 100)
	if r := bp % 100; r != 0 {
		s += "." + strings.TrimRight(strconv.Itoa(100 + r)[1:], "0")
	}
	return s
}

// parseBP reads a percentage with at most two decimals as basis points.
func parseBP(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || w > 100 {
		return 0, false
	}
	f := 0
	if frac != "" {
		if f, err = strconv.Atoi((frac + "0")[:2]); err != nil || f < 0 {
			return 0, false
		}
	}
	return w*100 + f, true
}

// isOwner reports whether the session is the owner's.
func (b *base) isOwner() bool { return b.sess.Staff.Role == wire.RoleOwner }

// reloadMenu fetches the menu after a menu.updated event, keeps it as the
// shared state and hands it to set (if not nil). Lines already on orders
// keep their prices: the server priced them when they were added.
func reloadMenu(ctx app.Context, api *client.Client, set func(wire.Menu)) {
	ctx.Async(func() {
		m, err := api.Menu(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				app.Log("menu reload:", err)
				return
			}
			// Answers to two quick edits may arrive in either order: an
			// older menu never replaces a newer one.
			var cur wire.Menu
			ctx.GetState(StateMenu, &cur)
			if m.Version < cur.Version {
				return
			}
			ctx.SetState(StateMenu, m)
			if set != nil {
				set(m)
			}
		})
	})
}
