package cashier

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// ReportPrint is a Print button for a report (shift, X or Z): it prints
// Doc at the counter, through this PC's bridge or the server's relay. The
// job id is kept after a failure, so Retry never prints twice.
type ReportPrint struct {
	app.Compo

	API    *client.Client
	Doc    func() wire.ReportDoc
	TestID string // data-testid of the button; its status is TestID + "-status"
	Label  string

	jobID   string
	sending bool
	failed  bool
	state   string
	message string
}

func (r *ReportPrint) print(ctx app.Context, e app.Event) {
	if r.sending || r.Doc == nil {
		return
	}
	if !r.failed || r.jobID == "" {
		r.jobID = "report-" + r.API.NewID()
	}
	r.sending, r.failed, r.state, r.message = true, false, "", "Sending…"
	id, doc := r.jobID, r.Doc()
	ctx.Async(func() {
		br := r.API.Bridges()
		if _, loaded := br.List(); !loaded {
			br.Refresh(ctx)
		}
		target, ok := br.Target()
		var st wire.JobStatus
		var err error
		if ok {
			st, err = br.Print(ctx, target.ID, wire.PrintJob{ID: id, Kind: wire.PrintKindReport, Report: &doc})
		}
		ctx.Dispatch(func(ctx app.Context) {
			r.sending = false
			switch {
			case !ok:
				r.failed, r.state, r.message = true, "error", "No counter bridge is paired: pair one on the Devices page."
			case err != nil:
				r.failed, r.state, r.message = true, "error", printError(err)
			default:
				r.state, r.message = st.State, jobWords(st)
			}
		})
	})
}

// Render implements app.Composer.
func (r *ReportPrint) Render() app.UI {
	label := r.Label
	if r.failed {
		label = "Retry printing"
	}
	return app.Span().Class("reprint").Body(
		app.Button().Class("btn").Type("button").
			DataSet("testid", r.TestID).
			Aria("label", label).
			Disabled(r.sending).
			OnClick(r.print).
			Text(label),
		app.If(r.message != "", func() app.UI {
			return app.Span().Class("hint").DataSet("testid", r.TestID+"-status").DataSet("state", r.state).
				Attr("role", "status").Text(r.message)
		}),
	)
}

// localNow is now in the tablet's time zone (Go's WebAssembly runtime
// knows only UTC; the offset comes from the browser).
func localNow() time.Time {
	now := time.Now()
	if app.IsClient {
		off := app.Window().Get("Date").New(float64(now.UnixMilli())).Call("getTimezoneOffset").Int()
		return now.In(time.FixedZone("", -off*60))
	}
	return now
}
