package cashier

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func TestCashRefundable(t *testing.T) {
	closed := wire.Order{ID: "o1", Number: 7, Status: wire.OrderClosed}
	void := wire.Order{ID: "o2", Number: 8, Status: wire.OrderVoid}
	tests := []struct {
		name   string
		order  wire.Order
		tender wire.Tender
		want   money.Amount
		ok     bool
	}{
		{name: "paid", order: closed, tender: wire.Tender{Kind: wire.TenderCash, Amount: cny(1800), Tendered: cny(2000), Change: cny(200), Refunded: cny(0)}, want: cny(1800), ok: true},
		// A server that sends no refunded amount: nothing given back yet.
		{name: "no refunded field", order: closed, tender: wire.Tender{Kind: wire.TenderCash, Amount: cny(1800)}, want: cny(1800), ok: true},
		{name: "partly refunded", order: closed, tender: wire.Tender{Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)}, want: cny(1300), ok: true},
		{name: "refunded", order: closed, tender: wire.Tender{Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(1800)}, want: cny(0), ok: false},
		{name: "void order", order: void, tender: wire.Tender{Kind: wire.TenderCash, Amount: cny(1800)}, want: cny(1800), ok: false},
		{name: "not cash", order: closed, tender: wire.Tender{Kind: "voucher", Amount: cny(1800)}, want: cny(1800), ok: false},
	}
	for _, tt := range tests {
		if got := CashRefundable(tt.tender); got != tt.want {
			t.Errorf("%s: got refundable %v, want %v", tt.name, got, tt.want)
		}
		if got := cashRefundable(tt.order, tt.tender); got != tt.ok {
			t.Errorf("%s: got cashRefundable %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestReverseTargets(t *testing.T) {
	in := wire.Intent{ID: "pi1", OrderID: "o1", Rail: wire.RailWallet, PayerRef: "wallet ****4821", Status: wire.IntentPartiallyRefunded, Amount: cny(6800), Tip: cny(340), Refunded: cny(1500)}
	o := wire.Order{ID: "o1", Number: 7, Status: wire.OrderClosed}
	cash := wire.Tender{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)}
	tests := []struct {
		name    string
		target  reverseTarget
		summary string
		left    money.Amount
		cash    bool
		void    bool
	}{
		{"intent", intentTarget(in), "QRPOS wallet · wallet ****4821 · paid ¥71.40 · left ¥56.40", cny(5640), false, true},
		{"cash", cashTarget(o, cash), "Cash · order #7 · paid ¥18.00 · left ¥13.00", cny(1300), true, false},
	}
	for _, tt := range tests {
		tg := tt.target
		if tg.summary != tt.summary || tg.left != tt.left || tg.cash != tt.cash || (tg.void != nil) != tt.void || tg.refund == nil {
			t.Errorf("%s: got summary %q, left %v, cash %v, voidable %v, refund %v; want %q, %v, %v, %v, true",
				tt.name, tg.summary, tg.left, tg.cash, tg.void != nil, tg.refund != nil, tt.summary, tt.left, tt.cash, tt.void)
		}
	}

	// A cash payment has no void dialog.
	r := reverser{}
	b := base{sess: wire.Session{Staff: wire.StaffInfo{Role: wire.RoleManager}}}
	r.open(&b, reverseVoid, cashTarget(o, cash))
	if r.dlg != nil {
		t.Errorf("opened a void dialog for cash: %+v", r.dlg)
	}
	r.open(&b, reverseRefund, cashTarget(o, cash))
	if r.dlg == nil || r.dlg.amount != "13" {
		t.Errorf("got dialog %+v, want a refund dialog prefilled with 13", r.dlg)
	}
}

func TestReverseDialogProblem(t *testing.T) {
	o := wire.Order{ID: "o1", Number: 7, Status: wire.OrderClosed}
	target := cashTarget(o, wire.Tender{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)})
	tests := []struct {
		name    string
		dlg     reverseDialog
		manager bool
		want    string
	}{
		{"manager, all left", reverseDialog{amount: "13", reason: "cold soup"}, true, ""},
		{"over what is left", reverseDialog{amount: "13.01", reason: "cold soup"}, true, "At most ¥13.00 can be refunded."},
		{"no amount", reverseDialog{amount: " ", reason: "cold soup"}, true, "Enter the amount to refund."},
		{"no reason", reverseDialog{amount: "5", reason: "  "}, true, "Say why."},
		{"cashier, no manager", reverseDialog{amount: "5", reason: "cold soup"}, false, "A manager approves: pick the manager."},
		{"cashier, short PIN", reverseDialog{amount: "5", reason: "cold soup", manager: "li-na", pin: "246"}, false, "The manager types their PIN."},
		{"cashier, approved", reverseDialog{amount: "5", reason: "cold soup", manager: "li-na", pin: "2468"}, false, ""},
	}
	for _, tt := range tests {
		d := tt.dlg
		d.kind, d.target = reverseRefund, target
		if got := d.problem(tt.manager); got != tt.want {
			t.Errorf("%s: got problem %q, want %q", tt.name, got, tt.want)
		}
	}
}

// ctxProbe hands a test the context of a mounted component, for work that
// runs through ctx.Async and ctx.Dispatch. Tests run as the server, where
// go-app calls OnPreRender rather than OnMount.
type ctxProbe struct {
	app.Compo
	ctx app.Context
}

func (p *ctxProbe) OnPreRender(ctx app.Context) { p.ctx = ctx }
func (p *ctxProbe) Render() app.UI              { return app.Div() }

// TestReverseConfirm checks the dialog sends the refund to the target's
// call: again under the same key and refund id after no answer, under new
// ones after a refusal, with the manager's approval when a cashier asks,
// and hands the answer on.
func TestReverseConfirm(t *testing.T) {
	e := app.NewTestEngine()
	probe := &ctxProbe{}
	if err := e.Load(probe); err != nil {
		t.Fatalf("Load: %v", err)
	}
	e.ConsumeAll()
	b := &base{api: client.New(), pg: probe.ctx}

	type sent struct {
		key string
		req wire.RefundRequest
	}
	var calls []sent
	var answers []error
	refunded := wire.Order{ID: "o1", Status: wire.OrderClosed, Tenders: []wire.Tender{{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)}}}
	target := reverseTarget{left: cny(1800), cash: true,
		refund: func(ctx context.Context, api *client.Client, key string, r wire.RefundRequest) (reversed, error) {
			calls = append(calls, sent{key, r})
			err := answers[0]
			answers = answers[1:]
			if err != nil {
				return reversed{}, err
			}
			return reversed{order: &refunded}, nil
		},
	}
	var r reverser
	var got []reversed
	done := func(ctx app.Context, res reversed) { got = append(got, res) }
	r.dlg = &reverseDialog{kind: reverseRefund, target: target, amount: "5", reason: " cold soup ", manager: "li-na", pin: "2468"}

	// No answer: the dialog stays, and the next tap is the same request.
	answers = []error{fmt.Errorf("%w: timeout", client.ErrNetwork), nil}
	r.confirm(b, done)
	e.ConsumeAll()
	if r.dlg == nil || !strings.HasPrefix(r.dlg.msg, "No answer from the server") || len(got) != 0 {
		t.Fatalf("after no answer: got dialog %+v, answers %v; want the dialog saying no answer", r.dlg, got)
	}
	r.confirm(b, done)
	e.ConsumeAll()
	if len(calls) != 2 {
		t.Fatalf("got %d requests, want 2", len(calls))
	}
	if diff := cmp.Diff(calls[0], calls[1], cmp.AllowUnexported(sent{})); diff != "" {
		t.Fatalf("the retry differs (-first +retry):\n%s", diff)
	}
	want := wire.RefundRequest{RefundID: calls[0].req.RefundID, Amount: cny(500), Reason: "cold soup", Approval: &wire.Approval{StaffID: "li-na", PIN: "2468"}}
	if diff := cmp.Diff(want, calls[0].req); diff != "" || calls[0].key == "" || calls[0].req.RefundID == "" {
		t.Errorf("request (-want +got):\n%s (key %q)", diff, calls[0].key)
	}
	if r.dlg != nil || len(got) != 1 || got[0].order == nil || got[0].order.Tenders[0].Refunded != cny(500) {
		t.Errorf("after the answer: got dialog %+v, answers %+v; want it closed and the order handed on", r.dlg, got)
	}

	// A refusal (wrong PIN): the PIN is cleared and the next try is new.
	calls, got = nil, nil
	r.dlg = &reverseDialog{kind: reverseRefund, target: target, amount: "5", reason: "cold soup", manager: "li-na", pin: "1111"}
	answers = []error{&client.Error{Status: 403, ErrorBody: wire.ErrorBody{Code: "forbidden", Message: "that PIN is not the manager's"}}, nil}
	r.confirm(b, done)
	e.ConsumeAll()
	if r.dlg == nil || r.dlg.msg != "That PIN is not the manager's" || r.dlg.pin != "" {
		t.Fatalf("after a refusal: got dialog %+v, want it open saying %q with the PIN cleared", r.dlg, "That PIN is not the manager's")
	}
	r.dlg.pin = "2468"
	r.confirm(b, done)
	e.ConsumeAll()
	if len(calls) != 2 || calls[0].key == calls[1].key || calls[0].req.RefundID == calls[1].req.RefundID {
		t.Errorf("got requests %+v, want a new key and refund id after a refusal", calls)
	}
}
