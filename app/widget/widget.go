// Package widget holds the reusable pieces of the QRPOS screens: the numpad
// and its entry logic, money display, modal, error toast and the "update
// available" banner. Builders return app.UI; only the banner has state.
package widget

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/money"
)

// Money shows an amount. data-minor carries the exact minor units so tests
// and tools can compare it with the API without parsing the text.
func Money(testid string, a money.Amount) app.UI {
	return app.Span().
		Class("money").
		DataSet("testid", testid).
		DataSet("minor", a.Minor).
		Text(a.String())
}

// Modal is a dialog over a dimmed page. The title labels it for assistive
// technology; body holds its content and actions.
func Modal(testid, title string, body ...app.UI) app.UI {
	return app.Div().
		Class("modal-backdrop").
		Body(
			app.Div().
				Class("modal").
				DataSet("testid", testid).
				Attr("role", "dialog").
				Aria("modal", "true").
				Aria("labelledby", testid+"-title").
				Body(
					append([]app.UI{app.H2().ID(testid + "-title").Text(title)}, body...)...,
				),
		)
}

// Toast shows an error message with a Dismiss button and, when action is not
// empty, a second button (e.g. "Open order").
func Toast(msg, action string, onAction, onDismiss app.EventHandler) app.UI {
	if msg == "" {
		return nil
	}
	return app.Div().
		Class("toast").
		DataSet("testid", "error-toast").
		Attr("role", "alert").
		Body(
			app.Span().Class("msg").DataSet("testid", "error-message").Text(msg),
			app.If(action != "", func() app.UI {
				return app.Button().
					Class("btn", "go").
					Type("button").
					DataSet("testid", "error-action").
					OnClick(onAction).
					Text(action)
			}),
			app.Button().
				Class("btn").
				Type("button").
				DataSet("testid", "error-dismiss").
				Aria("label", "Dismiss message").
				OnClick(onDismiss).
				Text("Dismiss"),
		)
}

// UpdateBanner tells the cashier a new version of the app was downloaded and
// offers to reload. It shows itself when go-app reports an update.
type UpdateBanner struct {
	app.Compo

	available bool
}

// OnMount picks up an update that arrived before the banner was mounted.
func (b *UpdateBanner) OnMount(ctx app.Context) {
	b.available = ctx.AppUpdateAvailable()
}

// OnAppUpdate is called by go-app when a new version is ready.
func (b *UpdateBanner) OnAppUpdate(ctx app.Context) {
	b.available = ctx.AppUpdateAvailable()
}

// Render implements app.Composer.
func (b *UpdateBanner) Render() app.UI {
	if !b.available {
		return app.Div().Class("banner-slot")
	}
	return app.Div().
		Class("banner").
		DataSet("testid", "update-banner").
		Attr("role", "status").
		Body(
			app.Span().Text("An update of QRPOS is available."),
			app.Button().
				Class("btn", "btn-primary").
				Type("button").
				DataSet("testid", "update-reload").
				OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }).
				Text("Reload"),
		)
}
