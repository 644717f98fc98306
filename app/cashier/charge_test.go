package cashier

import (
	"strings"
	"testing"

	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func TestCodeOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"8800 0012 3412 3456 78", "880000123412345678"},
		{" 880000123412345678\t", "880000123412345678"},
		{"8800-0012-3412", "880000123412"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := codeOf(tt.in); got != tt.want {
			t.Errorf("codeOf(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRefund(t *testing.T) {
	left := cny(6800)
	tests := []struct {
		entry string
		want  money.Amount
		bad   bool
	}{
		{"15", cny(1500), false},
		{"68", cny(6800), false},
		{"68.01", money.Amount{}, true},
		{"0", money.Amount{}, true},
		{"", money.Amount{}, true},
		{"abc", money.Amount{}, true},
		{" 0.5 ", cny(50), false},
	}
	for _, tt := range tests {
		got, msg := ParseRefund(tt.entry, left)
		if got != tt.want || (msg != "") != tt.bad {
			t.Errorf("ParseRefund(%q): got %v %q, want %v (refused %v)", tt.entry, got, msg, tt.want, tt.bad)
		}
	}
}

func TestRefundable(t *testing.T) {
	tests := []struct {
		name string
		in   wire.Intent
		want money.Amount
		ok   bool
	}{
		{"paid", wire.Intent{Status: wire.IntentSucceeded, Amount: cny(6800), Tip: cny(340), Refunded: cny(0)}, cny(7140), true},
		{"partly refunded", wire.Intent{Status: wire.IntentPartiallyRefunded, Amount: cny(6800), Tip: cny(0), Refunded: cny(1500)}, cny(5300), true},
		{"refunded", wire.Intent{Status: wire.IntentRefunded, Amount: cny(6800), Tip: cny(0), Refunded: cny(6800)}, cny(0), false},
		{"failed", wire.Intent{Status: wire.IntentFailed, Amount: cny(6800), Tip: cny(0), Refunded: cny(0)}, cny(6800), false},
	}
	for _, tt := range tests {
		if got := Refundable(tt.in); got != tt.want {
			t.Errorf("%s: got refundable %v, want %v", tt.name, got, tt.want)
		}
		if got := reversible(tt.in); got != tt.ok {
			t.Errorf("%s: got reversible %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestChargePagePanels(t *testing.T) {
	order := wire.Order{ID: "o1", Number: 7, Status: wire.OrderOpen, Totals: wire.Totals{Total: cny(1800), Due: cny(1800)}}
	paid := wire.Intent{ID: "pi1", OrderID: "o1", Rail: wire.RailWallet, Status: wire.IntentSucceeded, Amount: cny(1800), Tip: cny(90), PayerRef: "wallet ****4821"}
	pending := wire.Intent{ID: "pi2", OrderID: "o1", Method: wire.MethodCode, Rail: wire.RailWallet, Status: wire.IntentPending, Amount: cny(1800)}
	failed := wire.Intent{ID: "pi3", OrderID: "o1", Status: wire.IntentFailed, Amount: cny(1800), Reason: "the wallet balance (¥1.00) is not enough"}
	tests := []struct {
		name string
		set  func(p *ChargePage)
		want []string
		not  []string
	}{
		{"choose", func(p *ChargePage) {}, []string{"charge-choose", `charge-due`}, []string{"charge-paid"}},
		{"paid", func(p *ChargePage) { p.onIntent(paid) }, []string{"charge-paid", "QRPOS wallet", "wallet ****4821", `data-testid="charge-paid-tip"`, "Back to tables"}, []string{"charge-choose"}},
		{"pending", func(p *ChargePage) { p.mode = chargeCode; p.onIntent(pending) }, []string{"charge-pending", "Waiting for the payer to confirm", "charge-pending-cancel"}, []string{"charge-code-input"}},
		{"pending then declined", func(p *ChargePage) {
			p.mode = chargeCode
			p.onIntent(pending)
			d := pending
			d.Status, d.Reason = wire.IntentCancelled, "the payer declined"
			p.onIntent(d)
		}, []string{"charge-failed", "Payment cancelled", "The payer declined"}, []string{"charge-pending"}},
		{"failed code", func(p *ChargePage) { p.mode = chargeCode; p.failed = &failed }, []string{"charge-failed", "Payment failed", "The wallet balance"}, nil},
		{"code refused", func(p *ChargePage) { p.mode = chargeCode; p.refusal = "WeChat Pay is not accepted here" }, []string{"charge-code-input", "WeChat Pay is not accepted here"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewCharge(client.New())
			p.order, p.loaded = order, true
			tt.set(p)
			html := load(t, p)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("page has %s, want none", n)
				}
			}
		})
	}
}
