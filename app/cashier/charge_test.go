package cashier

import (
	"testing"

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
