package cashier

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/widget"
	"qrpos/internal/wire"
)

// DevicesPage shows the store's counter bridges and their devices, live:
// connection, printer, paper, cover, jobs waiting, scanner. Anyone can
// send a test print and make this PC use a bridge's local endpoint;
// managers also pair new bridges and revoke them.
type DevicesPage struct {
	app.Compo
	base

	live   liveLink
	stop   func()
	list   []wire.BridgeInfo
	local  client.LocalState
	loaded bool
	now    time.Time
	tick   widget.Ticker

	pairing  bool
	pair     *wire.PairingCode
	revoking *wire.BridgeInfo // asking to confirm
	busy     bool

	addr   map[string]string          // typed local address, by bridge
	prints map[string]*printAttempt   // test prints, by bridge
	jobs   map[string]string          // job id -> bridge, for print.status
	states map[string]*wire.JobStatus // last status, by job id
}

// printAttempt is a test print: its job id is kept until the bridge has
// the job, so a retry never prints twice.
type printAttempt struct {
	id      string
	sending bool
	state   string // wire.Job* or "error"
	message string
}

// NewDevices returns the Devices page.
func NewDevices(api *client.Client) *DevicesPage {
	return &DevicesPage{base: base{api: api}, addr: map[string]string{}, prints: map[string]*printAttempt{},
		jobs: map[string]string{}, states: map[string]*wire.JobStatus{}}
}

// OnNav loads the bridges and follows them.
func (p *DevicesPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("QRPOS · Devices")
	p.now = time.Now()
	p.begin(ctx, func(ctx app.Context) {
		br := p.api.Bridges()
		p.read()
		if p.stop == nil {
			p.stop = br.Watch(func(n client.BridgeNews) {
				ctx.Dispatch(func(ctx app.Context) {
					if n.Job != nil {
						p.onJob(*n.Job)
						return
					}
					p.read()
				})
			})
		}
		p.live.start(ctx, p.api, func(ctx app.Context, ev wire.Event) {
			if ev.Type == wire.EventHello {
				p.refresh(ctx, app.Event{})
			}
		})
		p.tick.Start(ctx, time.Second, func(ctx app.Context, now time.Time) { p.now = now })
		p.refresh(ctx, app.Event{})
	})
}

// OnDismount stops following the bridges.
func (p *DevicesPage) OnDismount() {
	p.live.stop()
	p.tick.Stop()
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
}

func (p *DevicesPage) read() {
	p.list, _ = p.api.Bridges().List()
	p.local = p.api.Bridges().Local()
}

func (p *DevicesPage) refresh(ctx app.Context, e app.Event) {
	ctx = p.pg
	ctx.Async(func() {
		err := p.api.Bridges().Refresh(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.read()
			p.loaded = true
		})
	})
}

func (p *DevicesPage) onJob(st wire.JobStatus) {
	bridge, ok := p.jobs[st.ID]
	if !ok {
		return
	}
	p.states[st.ID] = &st
	if a := p.prints[bridge]; a != nil && a.id == st.ID {
		a.state, a.message = st.State, jobWords(st)
	}
}

// jobWords says what became of a print job.
func jobWords(st wire.JobStatus) string {
	switch st.State {
	case wire.JobQueued:
		return "Sent to the printer."
	case wire.JobPrinting:
		return "Printing…"
	case wire.JobPrinted:
		return "Printed."
	case wire.JobDuplicate:
		return "Already printed: not printed again."
	case wire.JobFailed:
		if st.Error != "" {
			return "Not printed: " + st.Error + "."
		}
		return "Not printed."
	}
	return st.State
}

// printError says why a print did not reach the bridge.
func printError(err error) string {
	if e, ok := client.AsError(err); ok && e.Code == wire.CodeBridgeOffline {
		return "The counter bridge is offline: check that the counter PC is on and the bridge is running, then retry."
	}
	return Message(err) + " Retry sends the same job: it will not print twice."
}

func (p *DevicesPage) testPrint(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		a := p.prints[id]
		if a != nil && a.sending {
			return
		}
		if a == nil || a.state != "error" {
			// A new test page; after an error, the same job again.
			a = &printAttempt{id: "test-" + id + "-" + p.api.NewID()}
			p.prints[id] = a
		}
		a.sending, a.state, a.message = true, "", "Sending…"
		p.jobs[a.id] = id
		job := wire.PrintJob{ID: a.id, Kind: wire.PrintKindTest}
		ctx = p.pg
		ctx.Async(func() {
			st, err := p.api.Bridges().Print(ctx, id, job)
			ctx.Dispatch(func(ctx app.Context) {
				a.sending = false
				if err != nil {
					a.state, a.message = "error", printError(err)
					return
				}
				if later := p.states[st.ID]; later != nil && later.State != wire.JobQueued {
					st = *later // printed before the answer arrived
				}
				a.state, a.message = st.State, jobWords(st)
			})
		})
	}
}

func (p *DevicesPage) newPairing(ctx app.Context, e app.Event) {
	if p.pairing {
		return
	}
	p.pairing = true
	ctx = p.pg
	ctx.Async(func() {
		code, err := p.api.NewPairingCode(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			p.pairing = false
			if err != nil {
				p.fail(ctx, err)
				return
			}
			p.pair = &code
		})
	})
}

func (p *DevicesPage) askRevoke(b wire.BridgeInfo) app.EventHandler {
	return func(ctx app.Context, e app.Event) { p.revoking = &b }
}

func (p *DevicesPage) cancelRevoke(ctx app.Context, e app.Event) { p.revoking = nil }

func (p *DevicesPage) confirmRevoke(ctx app.Context, e app.Event) {
	if p.revoking == nil || p.busy {
		return
	}
	id := p.revoking.ID
	p.busy = true
	ctx = p.pg
	ctx.Async(func() {
		err := p.api.RevokeBridge(ctx, id)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			p.revoking = nil
			if err != nil {
				p.fail(ctx, err)
				return
			}
			br := p.api.Bridges()
			br.Remove(id)
			if p.local.Config.BridgeID == id {
				br.StopLocal()
			}
			p.read()
		})
	})
}

func (p *DevicesPage) useHere(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		addr := p.addr[id]
		if addr == "" {
			addr = client.DefaultLocalAddr
		}
		if err := p.api.Bridges().UseLocal(client.LocalConfig{BridgeID: id, Addr: addr}); err != nil {
			p.errMsg = sentence(err.Error())
			return
		}
		p.read()
	}
}

func (p *DevicesPage) stopHere(ctx app.Context, e app.Event) {
	if err := p.api.Bridges().StopLocal(); err != nil {
		p.fail(ctx, err)
	}
	p.read()
}

// Render implements app.Composer.
func (p *DevicesPage) Render() app.UI {
	if !p.loaded {
		return p.shell("devices", "devices", loading("devices"))
	}
	return p.shell("devices", "devices",
		app.Div().Class("section-head").Body(
			app.H1().Text("Devices"),
			p.live.badge(),
			app.Button().Class("btn").Type("button").DataSet("testid", "devices-refresh").OnClick(p.refresh).Text("Refresh"),
		),
		app.If(p.isManager(), func() app.UI { return p.renderPairing() }).
			Else(func() app.UI {
				return app.P().Class("hint").DataSet("testid", "devices-manager-hint").Text("A manager pairs and removes bridges.")
			}),
		app.If(len(p.list) == 0, func() app.UI {
			return app.P().Class("empty").DataSet("testid", "devices-empty").Text("No counter bridge is paired yet.")
		}),
		app.Div().Class("bridges").Body(
			app.Range(p.list).Slice(func(i int) app.UI { return p.renderBridge(p.list[i]) }),
		),
		app.If(p.revoking != nil, func() app.UI {
			b := p.revoking
			return widget.Modal("revoke-dialog", "Remove bridge "+bridgeName(*b)+"?",
				app.P().Text("The bridge is disconnected at once and must be paired again with a new code to print or scan."),
				app.Div().Class("btn-row").Body(
					app.Button().Class("btn").Type("button").DataSet("testid", "revoke-cancel").OnClick(p.cancelRevoke).Text("Keep it"),
					app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "revoke-confirm").
						Disabled(p.busy).OnClick(p.confirmRevoke).Text("Remove bridge"),
				),
			)
		}),
	)
}

func bridgeName(b wire.BridgeInfo) string {
	if b.Name != "" {
		return b.Name
	}
	return b.ID
}

func (p *DevicesPage) renderPairing() app.UI {
	origin := ""
	if app.IsClient {
		origin = app.Window().Get("location").Get("origin").String()
	}
	var shown app.UI
	if c := p.pair; c != nil {
		left := widget.SecondsLeft(p.now, c.ExpiresAt)
		expiry := "Expired: ask for a new code."
		if left > 0 {
			expiry = "Valid for " + strconv.Itoa(left/60) + " min " + strconv.Itoa(left%60) + " s, once."
		}
		shown = app.Div().Class("pair-code-box").Body(
			app.P().Text("On the counter PC, run:"),
			app.Code().Class("pair-command").DataSet("testid", "pair-command").Text("bridge pair "+c.Code+" -server "+origin),
			app.P().Class("pair-code").DataSet("testid", "pair-code").Aria("label", "Pairing code "+c.Code).Text(c.Code),
			app.P().Class("hint").DataSet("testid", "pair-expiry").DataSet("seconds", left).Text(expiry),
		)
	}
	return app.Section().Class("panel", "pairing").Aria("label", "Pair a new bridge").Body(
		app.Button().Class("btn", "btn-primary").Type("button").DataSet("testid", "pair-new").
			Disabled(p.pairing).OnClick(p.newPairing).Text("Pair a new bridge"),
		shown,
	)
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func (p *DevicesPage) renderBridge(b wire.BridgeInfo) app.UI {
	here := p.local.Enabled && p.local.Config.BridgeID == b.ID
	st := b.Status
	if here && p.local.Device != nil && (st == nil || !b.Connected) {
		st = p.local.Device
	}
	connected := b.Connected || (here && p.local.Connected)
	row := func(testid, label, value string, bad bool) app.UI {
		v := app.Dd().DataSet("testid", testid).Text(value)
		if bad {
			v = v.Class("bad")
		}
		return app.Div().Class("dev-row").Body(app.Dt().Text(label), v)
	}
	var rows []app.UI
	rows = append(rows, row("bridge-connection", "Bridge", yesNo(connected, "Connected", "Offline"), !connected))
	if st != nil && connected {
		paper := "OK"
		switch {
		case st.PaperOut:
			paper = "Out"
		case st.PaperNearEnd:
			paper = "Near end"
		}
		rows = append(rows,
			row("bridge-printer", "Printer", yesNo(st.PrinterOnline, "Online", "Offline"), !st.PrinterOnline),
			row("bridge-paper", "Paper", paper, st.PaperOut),
			row("bridge-cover", "Cover", yesNo(st.CoverOpen, "Open", "Closed"), st.CoverOpen),
			row("bridge-jobs", "Jobs waiting", strconv.Itoa(st.JobsWaiting), false),
			row("bridge-scanner", "Scanner", yesNo(st.ScannerConnected, "Connected", "Not connected"), false),
		)
	}
	a := p.prints[b.ID]
	label := "Test print"
	if a != nil && a.state == "error" {
		label = "Retry test print"
	}
	addr := p.addr[b.ID]
	if addr == "" {
		addr = client.DefaultLocalAddr
		if here {
			addr = p.local.Config.Addr
		}
	}
	return app.Section().Class("panel", "bridge-card").
		DataSet("testid", "bridge-card").
		DataSet("bridge-id", b.ID).
		DataSet("connected", connected).
		Aria("label", "Bridge "+bridgeName(b)).
		Body(
			app.H2().DataSet("testid", "bridge-name").Text(bridgeName(b)),
			app.P().Class("hint").Text(joinNonEmpty(" · ",
				b.Version, yesNo(b.AutoPrint, "prints receipts automatically", ""), "paired "+b.CreatedAt.Format("2006-01-02"))),
			app.Dl().Class("dev-rows").Body(rows...),
			app.Div().Class("btn-row").Body(
				app.Button().Class("btn").Type("button").DataSet("testid", "bridge-test-print").
					Aria("label", label+" on "+bridgeName(b)).
					Disabled(a != nil && a.sending).
					OnClick(p.testPrint(b.ID), app.EventScope(b.ID)).Text(label),
				app.If(p.isManager(), func() app.UI {
					return app.Button().Class("btn", "btn-danger").Type("button").DataSet("testid", "bridge-revoke").
						Aria("label", "Remove bridge "+bridgeName(b)).
						OnClick(p.askRevoke(b), app.EventScope(b.ID)).Text("Remove…")
				}),
			),
			app.If(a != nil && a.message != "", func() app.UI {
				return app.P().Class("hint").DataSet("testid", "bridge-print-result").DataSet("state", a.state).
					Attr("role", "status").Text(a.message)
			}),
			p.renderHere(b, here, addr),
		)
}

// renderHere is the part of a bridge's card about this PC: whether the
// app talks to the bridge directly, on its local endpoint.
func (p *DevicesPage) renderHere(b wire.BridgeInfo, here bool, addr string) app.UI {
	if here {
		state, text := "connecting", "Connecting to the bridge on this PC…"
		switch {
		case p.local.Connected:
			state, text = "on", "This PC talks to the bridge directly at "+p.local.Config.Addr+"."
		case p.local.Problem != "":
			state, text = "off", p.local.Problem+" Printing and scans go through the server meanwhile."
		}
		return app.Div().Class("here").Body(
			app.P().DataSet("testid", "bridge-local-status").DataSet("local", state).Attr("role", "status").Text(text),
			app.Button().Class("btn").Type("button").DataSet("testid", "bridge-local-off").
				Aria("label", "Stop using "+bridgeName(b)+" directly on this PC").OnClick(p.stopHere).Text("Not this PC"),
		)
	}
	id := b.ID
	fieldID := "local-addr-" + id
	return app.Div().Class("here").Body(
		app.Label().Class("field").For(fieldID).Text("Bridge address on this PC"),
		app.Input().ID(fieldID).Class("text").Type("text").DataSet("testid", "bridge-local-addr").
			Value(addr).AutoComplete(false).
			OnInput(func(ctx app.Context, e app.Event) { p.addr[id] = ctx.JSSrc().Get("value").String() }, app.EventScope(id)),
		app.Button().Class("btn").Type("button").DataSet("testid", "bridge-local-on").
			Aria("label", "This PC runs "+bridgeName(b)).
			OnClick(p.useHere(id), app.EventScope(id)).Text("This PC runs this bridge"),
	)
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, s := range parts {
		if s == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += s
	}
	return out
}
