package cashier

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

// Reprint is the history's Reprint button of a closed order: it builds the
// receipt from the order and its payments and prints it at the counter
// (this PC's bridge directly, else through the server). The job id
// (reprint-<order>-<uuid>) is kept until the bridge has the job, so Retry
// never prints twice; the next reprint is a new job.
type Reprint struct {
	app.Compo

	API     *client.Client
	Order   wire.Order
	Session wire.Session

	jobID   string
	sending bool
	failed  bool
	state   string
	message string
	stop    func()
}

// OnMount follows the job's later states (printed, failed).
func (r *Reprint) OnMount(ctx app.Context) {
	if app.IsServer || r.API == nil {
		return
	}
	r.stop = r.API.Bridges().Watch(func(n client.BridgeNews) {
		if n.Job == nil {
			return
		}
		st := *n.Job
		ctx.Dispatch(func(ctx app.Context) {
			if st.ID == r.jobID && !r.sending && !r.failed {
				r.state, r.message = st.State, jobWords(st)
			}
		})
	})
}

// OnUpdate starts afresh when the row now shows another order (go-app
// reuses the component of a row when the history's rows move).
func (r *Reprint) OnUpdate(ctx app.Context) {
	if r.jobID != "" && !strings.HasPrefix(r.jobID, "reprint-"+r.Order.ID+"-") {
		r.jobID, r.sending, r.failed, r.state, r.message = "", false, false, "", ""
	}
}

// OnDismount stops following the job.
func (r *Reprint) OnDismount() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

func (r *Reprint) print(ctx app.Context, e app.Event) {
	if r.sending {
		return
	}
	if !r.failed || r.jobID == "" {
		r.jobID = "reprint-" + r.Order.ID + "-" + r.API.NewID()
	}
	r.sending, r.failed, r.state, r.message = true, false, "", "Sending…"
	o, sess, id := r.Order, r.Session, r.jobID
	origin := app.Window().Get("location").Get("origin").String()
	ctx.Async(func() {
		br := r.API.Bridges()
		if _, loaded := br.List(); !loaded {
			br.Refresh(ctx)
		}
		target, ok := br.Target()
		var st wire.JobStatus
		var err error
		if ok {
			var payments []wire.Intent
			payments, err = r.API.OrderIntents(ctx, o.ID)
			if err == nil {
				doc := receiptFor(o, sess.Store, sess.Staff.Name, payments, origin)
				st, err = br.Print(ctx, target.ID, wire.PrintJob{ID: id, Kind: wire.PrintKindReceipt, Receipt: &doc})
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			if r.jobID != id {
				return // the row shows another order now
			}
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
func (r *Reprint) Render() app.UI {
	label := "Reprint"
	if r.failed {
		label = "Retry reprint"
	}
	return app.Span().Class("reprint").Body(
		app.Button().Class("btn").Type("button").
			DataSet("testid", "history-reprint").
			Aria("label", label+" the receipt of order "+strconv.Itoa(r.Order.Number)).
			Disabled(r.sending).
			OnClick(r.print).
			Text(label),
		app.If(r.message != "", func() app.UI {
			return app.Span().Class("hint").DataSet("testid", "history-reprint-status").DataSet("state", r.state).
				Attr("role", "status").Text(r.message)
		}),
	)
}
