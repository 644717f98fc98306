package diner

import (
	"testing"

	"qrpos/internal/money"
)

func TestTip(t *testing.T) {
	cny := func(m int64) money.Amount { return money.New(m, "CNY") }
	tests := []struct {
		name   string
		bill   money.Amount
		choice string
		typed  string
		want   money.Amount
		bad    bool
	}{
		{"none", cny(6800), TipNone, "", cny(0), false},
		{"5 percent", cny(6800), Tip5, "", cny(340), false},
		{"10 percent", cny(6800), Tip10, "", cny(680), false},
		{"5 percent rounds half up", cny(6810), Tip5, "", cny(341), false},         // 340.5
		{"5 percent rounds down below half", cny(6808), Tip5, "", cny(340), false}, // 340.4
		{"10 percent of 1 fen", cny(5), Tip10, "", cny(1), false},                  // 0.5
		{"typed", cny(6800), TipAmount, "5.50", cny(550), false},
		{"typed empty", cny(6800), TipAmount, "", cny(0), false},
		{"typed garbage", cny(6800), TipAmount, "five", cny(0), true},
		{"typed too much", cny(6800), TipAmount, "68.01", cny(0), true},
		{"typed the bill", cny(6800), TipAmount, "68", cny(6800), false},
		{"no decimals currency", money.New(1234, "JPY"), Tip10, "", money.New(123, "JPY"), false},
	}
	for _, tt := range tests {
		got, msg := Tip(tt.bill, tt.choice, tt.typed)
		if got != tt.want || (msg != "") != tt.bad {
			t.Errorf("%s: got %v %q, want %v (refused %v)", tt.name, got, msg, tt.want, tt.bad)
		}
	}
}
