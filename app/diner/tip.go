package diner

import (
	"strings"

	"qrpos/internal/money"
)

// Tip choices on the pay page.
const (
	TipNone    = "none"
	Tip5       = "5"
	Tip10      = "10"
	TipAmount  = "amount" // typed by the diner
	maxTipRate = 100      // a tip typed as an amount may be at most the bill
)

// Tip computes the tip for a bill: none, 5% or 10% of it (rounded half up
// to the currency's minor unit), or an amount the diner typed. It returns
// what is wrong with a typed amount, in words, when it cannot be used.
func Tip(bill money.Amount, choice, typed string) (money.Amount, string) {
	zero := money.New(0, bill.Currency)
	pct := func(p int64) money.Amount { return money.New((bill.Minor*p+50)/100, bill.Currency) }
	switch choice {
	case Tip5:
		return pct(5), ""
	case Tip10:
		return pct(10), ""
	case TipAmount:
		typed = strings.TrimSpace(typed)
		if typed == "" {
			return zero, ""
		}
		a, err := money.ParseDecimal(typed, bill.Currency)
		if err != nil || a.Minor < 0 {
			return zero, "Type the tip as an amount, e.g. 5 or 5.50."
		}
		if a.Minor > bill.Minor*maxTipRate/100 {
			return zero, "The tip can be at most the bill (" + bill.String() + ")."
		}
		return a, ""
	}
	return zero, ""
}
