package cashier

import (
	"strings"
	"testing"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

func TestHistoryCashPayments(t *testing.T) {
	order := func(status string, tenders ...wire.Tender) wire.Order {
		return wire.Order{ID: "o1", Number: 7, Status: status, Totals: wire.Totals{Total: cny(1800)}, Tenders: tenders}
	}
	paid := wire.Tender{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Tendered: cny(2000), Change: cny(200), Refunded: cny(0)}
	partly, all := paid, paid
	partly.Refunded, all.Refunded = cny(500), cny(1800)
	tests := []struct {
		name  string
		order wire.Order
		want  []string // "testid|attr" looks for attr in that element
		not   []string
	}{
		{"paid", order(wire.OrderClosed, paid),
			[]string{`history-cash|data-tender-id="t1"`, `history-cash|data-status="succeeded"`, `history-cash-amount|data-minor="1800"`, "Paid",
				`history-cash-refund|aria-label="Refund cash payment of ¥18.00 of order 7"`},
			[]string{"history-cash-refunded", "history-payments-empty"}},
		{"partly refunded", order(wire.OrderClosed, partly),
			[]string{`history-cash|data-status="partially_refunded"`, `history-cash-refunded|data-minor="500"`, "refunded ", "¥5.00", "Partly refunded", "history-cash-refund"},
			nil},
		{"refunded", order(wire.OrderClosed, all),
			[]string{`history-cash|data-status="refunded"`, `history-cash-refunded|data-minor="1800"`, ">Refunded<"},
			[]string{`data-testid="history-cash-refund"`}},
		{"void order", order(wire.OrderVoid, paid),
			[]string{"history-cash"},
			[]string{`data-testid="history-cash-refund"`}},
		{"no payments", order(wire.OrderVoid),
			[]string{"history-payments-empty"},
			[]string{`data-testid="history-cash"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewHistory(client.New())
			p.orders, p.loaded = []wire.Order{tt.order}, true
			p.shown, p.payments = "o1", map[string][]wire.Intent{"o1": nil}
			html := load(t, p)
			checkHTML(t, html, tt.want, tt.not)
		})
	}
}

// TestCashRefundDialog checks the refund dialog opened on a cash payment
// says what it gives back, from the drawer, with a manager's approval for
// a cashier.
func TestCashRefundDialog(t *testing.T) {
	o := wire.Order{ID: "o1", Number: 7, Status: wire.OrderClosed, Tenders: []wire.Tender{{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)}}}
	p := NewHistory(client.New())
	p.orders, p.loaded = []wire.Order{o}, true
	p.rev.managers = []wire.StaffInfo{{ID: "li-na", Name: "Li Na", Role: wire.RoleManager, Active: true}}
	p.rev.dlg = &reverseDialog{kind: reverseRefund, target: cashTarget(o, o.Tenders[0]), amount: "13"}
	html := load(t, p)
	for _, w := range []string{`data-testid="refund-dialog"`, "Refund a cash payment", "Cash · order #7 · paid ¥18.00 · left ¥13.00",
		"reverse-cash-note", `value="13"`, `data-staff-name="Li Na"`, "Keep payment"} {
		if !strings.Contains(html, w) {
			t.Errorf("dialog lacks %s", w)
		}
	}
	if !disabled(tag(html, `data-testid="reverse-confirm"`)) {
		t.Error("Refund is enabled before a reason and the manager's PIN")
	}
}

// TestHistorySetOrder checks the order a cash refund answers takes the
// place of the one listed.
func TestHistorySetOrder(t *testing.T) {
	p := NewHistory(client.New())
	p.orders = []wire.Order{{ID: "o1", Number: 7}, {ID: "o2", Number: 8}}
	refunded := wire.Order{ID: "o2", Number: 8, Tenders: []wire.Tender{{ID: "t1", Kind: wire.TenderCash, Amount: cny(1800), Refunded: cny(500)}}}
	p.setOrder(refunded)
	if len(p.orders) != 2 || len(p.orders[1].Tenders) != 1 || p.orders[1].Tenders[0].Refunded != cny(500) {
		t.Errorf("got orders %+v, want o2 replaced by the refunded order", p.orders)
	}
}
