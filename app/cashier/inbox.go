package cashier

import (
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/wire"
)

// inbox is what the tables ask of the staff, on the board: diners'
// submissions to accept or reject (then to mark served) and calls for the
// waiter or the bill. It follows the event stream; a new request beeps
// (Web Audio) and is announced to screen readers.
type inbox struct {
	subs      []wire.Submission
	services  []wire.ServiceRequest
	seated    []wire.TableRef // tables whose diners joined by QR code
	busy      string          // id being decided
	rejecting string          // id of the submission whose reason is being typed
	reason    string
	announce  string
	audio     app.Value
}

func (p *BoardPage) loadInbox(ctx app.Context) {
	ctx.Async(func() {
		in, err := p.api.TableInbox(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.inbox.subs, p.inbox.services, p.inbox.seated = in.Submissions, in.Services, in.Seated
		})
	})
}

// inboxEvent applies a submission or service event.
func (p *BoardPage) inboxEvent(ctx app.Context, ev wire.Event) {
	in := &p.inbox
	if ev.Type == wire.EventTableCleared {
		p.loadInbox(ctx)
		return
	}
	if s := ev.Submission; s != nil {
		if !slices.ContainsFunc(in.seated, func(t wire.TableRef) bool { return t.ID == s.TableID }) {
			in.seated = append(in.seated, wire.TableRef{ID: s.TableID, Name: s.TableName})
		}
		i := slices.IndexFunc(in.subs, func(x wire.Submission) bool { return x.ID == s.ID })
		done := s.State == wire.SubmissionServed || s.State == wire.SubmissionRejected
		switch {
		case i >= 0 && done:
			in.subs = slices.Delete(in.subs, i, i+1)
		case i >= 0:
			in.subs[i] = *s
		case !done:
			in.subs = append(in.subs, *s)
			if s.State == wire.SubmissionPending {
				p.alert("New order from " + s.TableName)
			}
		}
	}
	if s := ev.Service; s != nil {
		i := slices.IndexFunc(in.services, func(x wire.ServiceRequest) bool { return x.ID == s.ID })
		switch {
		case i >= 0 && s.AcknowledgedAt != nil:
			in.services = slices.Delete(in.services, i, i+1)
		case i < 0 && s.AcknowledgedAt == nil:
			in.services = append(in.services, *s)
			p.alert(s.TableName + ": " + serviceLabel(s.Kind))
		}
	}
}

// alert beeps once and announces msg.
func (p *BoardPage) alert(msg string) {
	p.inbox.announce = msg
	if !app.IsClient {
		return
	}
	if p.inbox.audio == nil {
		ac := app.Window().Get("AudioContext")
		if !ac.Truthy() {
			return
		}
		p.inbox.audio = ac.New()
	}
	ac := p.inbox.audio
	osc, gain := ac.Call("createOscillator"), ac.Call("createGain")
	osc.Get("frequency").Set("value", 880)
	gain.Get("gain").Set("value", 0.2)
	osc.Call("connect", gain)
	gain.Call("connect", ac.Get("destination"))
	now := ac.Get("currentTime").Float()
	osc.Call("start", now)
	osc.Call("stop", now+0.25)
}

func serviceLabel(kind string) string {
	if kind == wire.ServiceBill {
		return "asks for the bill"
	}
	return "calls the waiter"
}

// pendingAt reports whether a table has a submission waiting.
func (p *BoardPage) pendingAt(tableID string) bool {
	return slices.ContainsFunc(p.inbox.subs, func(s wire.Submission) bool {
		return s.TableID == tableID && s.State == wire.SubmissionPending
	})
}

// tableBadge marks a tile whose table sent something.
func (p *BoardPage) tableBadge(t wire.Table) app.UI {
	calls := slices.ContainsFunc(p.inbox.services, func(s wire.ServiceRequest) bool { return s.TableID == t.ID })
	if !p.pendingAt(t.ID) && !calls {
		return nil
	}
	text := "New from " + t.Name
	if !p.pendingAt(t.ID) {
		text = "Calling"
	}
	return app.Span().Class("tag", "new-badge").DataSet("testid", "board-table-new").Text(text)
}

func (p *BoardPage) decide(id string, do func(app.Context) error) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.inbox.busy != "" {
			return
		}
		p.inbox.busy = id
		ctx = p.pg
		ctx.Async(func() {
			err := do(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				p.inbox.busy = ""
				if err != nil {
					p.fail(ctx, err)
					p.loadInbox(ctx)
				}
			})
		})
	}
}

func (p *BoardPage) accept(s wire.Submission) app.EventHandler {
	return p.decide(s.ID, func(ctx app.Context) error {
		ans, err := p.api.AcceptSubmission(ctx, s.ID)
		if err == nil {
			ctx.Dispatch(func(ctx app.Context) {
				p.inboxEvent(ctx, wire.Event{Submission: &ans.Submission})
				p.apply(ans.Order)
			})
		}
		return err
	})
}

func (p *BoardPage) serve(s wire.Submission) app.EventHandler {
	return p.decide(s.ID, func(ctx app.Context) error {
		ans, err := p.api.ServeSubmission(ctx, s.ID)
		if err == nil {
			ctx.Dispatch(func(ctx app.Context) { p.inboxEvent(ctx, wire.Event{Submission: &ans.Submission}) })
		}
		return err
	})
}

func (p *BoardPage) reject(s wire.Submission) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		reason := strings.TrimSpace(p.inbox.reason)
		if reason == "" {
			return
		}
		p.decide(s.ID, func(ctx app.Context) error {
			ans, err := p.api.RejectSubmission(ctx, s.ID, reason)
			if err == nil {
				ctx.Dispatch(func(ctx app.Context) {
					p.inbox.rejecting, p.inbox.reason = "", ""
					p.inboxEvent(ctx, wire.Event{Submission: &ans.Submission})
					p.apply(ans.Order)
				})
			}
			return err
		})(ctx, e)
	}
}

// clear ends the diners' session of a table (they left); refused while
// the table's order is unpaid.
func (p *BoardPage) clear(t wire.TableRef) app.EventHandler {
	return p.decide("clear-"+t.ID, func(ctx app.Context) error {
		err := p.api.ClearTable(ctx, t.ID)
		if err == nil {
			ctx.Dispatch(func(ctx app.Context) {
				p.inbox.seated = slices.DeleteFunc(p.inbox.seated, func(x wire.TableRef) bool { return x.ID == t.ID })
			})
		}
		return err
	})
}

func (p *BoardPage) ack(s wire.ServiceRequest) app.EventHandler {
	return p.decide(s.ID, func(ctx app.Context) error {
		sr, err := p.api.AckService(ctx, s.ID)
		if err == nil {
			ctx.Dispatch(func(ctx app.Context) { p.inboxEvent(ctx, wire.Event{Service: &sr}) })
		}
		return err
	})
}

// renderInbox lists what tables ask for, oldest first.
func (p *BoardPage) renderInbox() app.UI {
	in := p.inbox
	return app.Section().Class("panel", "inbox").DataSet("testid", "board-inbox").Aria("label", "From tables").Body(
		app.H2().Text("From tables"),
		app.P().Class("sr-only").DataSet("testid", "board-inbox-announce").Attr("role", "status").Aria("live", "polite").Text(in.announce),
		app.If(len(in.subs) == 0 && len(in.services) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "board-inbox-empty").Text("Nothing from the tables.")
		}),
		app.Ul().Class("inbox-list").Body(
			app.Range(in.services).Slice(func(i int) app.UI {
				s := in.services[i]
				return app.Li().Class("inbox-item", "call").DataSet("testid", "board-service").DataSet("service-id", s.ID).
					DataSet("table-id", s.TableID).DataSet("kind", s.Kind).Body(
					app.Span().Class("what").Text(s.TableName+" "+serviceLabel(s.Kind)+" · "+clock(s.CreatedAt)),
					app.Button().Class("btn").Type("button").DataSet("testid", "board-service-ack").
						Aria("label", "Acknowledge "+s.TableName+" "+serviceLabel(s.Kind)).
						Disabled(in.busy != "").OnClick(p.ack(s), app.EventScope(s.ID)).Text("OK, on my way"),
				)
			}),
			app.Range(in.subs).Slice(func(i int) app.UI { return p.submissionItem(in.subs[i]) }),
		),
		app.If(len(in.seated) > 0, func() app.UI {
			return app.Div().Class("seated").Body(
				app.H3().Text("Seated by QR code"),
				app.Div().Class("btn-row").Body(app.Range(in.seated).Slice(func(i int) app.UI {
					t := in.seated[i]
					return app.Button().Class("btn").Type("button").DataSet("testid", "board-clear-table").DataSet("table-id", t.ID).
						Aria("label", "Clear "+t.Name+": its diners left").Disabled(in.busy != "").
						OnClick(p.clear(t), app.EventScope(t.ID)).Text("Clear " + t.Name)
				})),
			)
		}),
	)
}

func (p *BoardPage) submissionItem(s wire.Submission) app.UI {
	in := p.inbox
	var names []string
	for _, l := range s.Lines {
		n := strconv.Itoa(l.Qty) + " × " + l.Name
		if len(l.Modifiers) > 0 {
			var mods []string
			for _, m := range l.Modifiers {
				mods = append(mods, m.Name)
			}
			n += " (" + strings.Join(mods, ", ") + ")"
		}
		if l.Note != "" {
			n += " “" + l.Note + "”"
		}
		names = append(names, n)
	}
	pending := s.State == wire.SubmissionPending
	head := "New from " + s.TableName
	if !pending {
		head = s.TableName + " · accepted"
		if s.Sent {
			head = s.TableName + " · in the kitchen"
		}
	}
	return app.Li().Class("inbox-item", s.State).DataSet("testid", "board-submission").DataSet("submission-id", s.ID).
		DataSet("table-id", s.TableID).DataSet("state", s.State).Body(
		app.Span().Class("what").Text(head+" · "+clock(s.CreatedAt)),
		app.Span().Class("items").DataSet("testid", "board-submission-lines").Text(strings.Join(names, "; ")),
		app.If(pending && in.rejecting != s.ID, func() app.UI {
			return app.Div().Class("btn-row").Body(
				app.Button().Class("btn", "btn-ok").Type("button").DataSet("testid", "board-submission-accept").
					Aria("label", "Accept the order from "+s.TableName).Disabled(in.busy != "").
					OnClick(p.accept(s), app.EventScope(s.ID)).Text("Accept"),
				app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "board-submission-reject").
					Aria("label", "Reject the order from "+s.TableName).Disabled(in.busy != "").
					OnClick(func(ctx app.Context, e app.Event) { p.inbox.rejecting, p.inbox.reason = s.ID, "" }, app.EventScope(s.ID)).Text("Reject…"),
			)
		}),
		app.If(pending && in.rejecting == s.ID, func() app.UI {
			return app.Div().Class("reject-form").Body(
				app.Label().Class("field").For("reject-reason").Text("Why? (the table sees this)"),
				app.Input().ID("reject-reason").Class("text").Type("text").MaxLength(200).DataSet("testid", "board-reject-reason").
					Value(in.reason).OnInput(func(ctx app.Context, e app.Event) { p.inbox.reason = ctx.JSSrc().Get("value").String() }),
				app.Div().Class("btn-row").Body(
					app.Button().Class("btn").Type("button").DataSet("testid", "board-reject-cancel").Aria("label", "Keep the order").
						OnClick(func(ctx app.Context, e app.Event) { p.inbox.rejecting = "" }).Text("Back"),
					app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "board-reject-confirm").
						Aria("label", "Reject with this reason").Disabled(in.busy != "" || strings.TrimSpace(in.reason) == "").
						OnClick(p.reject(s), app.EventScope(s.ID)).Text("Reject"),
				),
			)
		}),
		app.If(!pending, func() app.UI {
			return app.Button().Class("btn").Type("button").DataSet("testid", "board-submission-served").
				Aria("label", "Mark the dishes of "+s.TableName+" served").Disabled(in.busy != "").
				OnClick(p.serve(s), app.EventScope(s.ID)).Text("Served")
		}),
	)
}
